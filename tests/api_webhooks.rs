//! Webhook registrations over real TCP against the sandbox.

mod api_support;

use api_support::{client, quiet};
use cxone_console::api::ApiErrorKind;
use cxone_console::api::model::{ATTRIBUTES_UPDATED, WebhookRegistration};
use secrecy::ExposeSecret;

#[tokio::test]
async fn a_webhook_is_registered_listed_without_its_secret_and_deleted() {
    let sandbox = quiet().await;
    let c = client(&sandbox);
    let registration = WebhookRegistration::new("crm-sync", sandbox.sink_url("crm").as_str())
        .unwrap()
        .with_header("X-Source", "cxone-console")
        .unwrap();

    let created = c.register_webhook(&registration, None).await.unwrap();
    assert_eq!(created.call.status, Some(201));
    let hook = created.value;
    assert!(hook.secret.as_ref().is_some_and(|s| s.expose_secret().starts_with("whsec_")));
    assert_eq!(hook.uri, registration.uri.as_str());
    assert_eq!(hook.events, [ATTRIBUTES_UPDATED]);
    assert_eq!(hook.headers.get("X-Source").map(String::as_str), Some("cxone-console"));
    assert!(!format!("{hook:?}").contains("whsec_"), "the secret stays out of Debug output");

    let listed = c.webhooks().await.unwrap().value;
    let found = listed.iter().find(|h| h.id == hook.id).expect("the registration is listed");
    assert!(found.secret.is_none(), "lists never carry secrets");

    assert_eq!(c.delete_webhook(&hook.id).await.unwrap().call.status, Some(204));
    assert!(!c.webhooks().await.unwrap().value.iter().any(|h| h.id == hook.id));
    let again = c.delete_webhook(&hook.id).await.unwrap_err();
    assert!(matches!(again.kind, ApiErrorKind::NotFound { .. }), "{again:?}");
}
