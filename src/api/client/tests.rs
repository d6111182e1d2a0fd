//! The client against unreachable tenants and 429s, and what it shows of itself.

use super::*;
use crate::domain::InteractionId;
use secrecy::SecretString;

fn config() -> ClientConfig {
    let base = Url::parse("http://127.0.0.1:9").unwrap();
    ClientConfig::new(base, "console", SecretString::from("hunter2-secret"))
}

fn assert_send<T: Send>(_: &T) {}

#[test]
fn calls_can_run_on_any_task() {
    let client = Client::new(config()).unwrap();
    let id = InteractionId::parse("i-1").unwrap();
    assert_send(&client.interaction(&id));
    assert_send(&client.dispositions());
}

#[test]
fn a_bad_configuration_is_refused_with_the_setting_named() {
    let err = Client::new(config().with_token_path("")).unwrap_err();
    assert!(matches!(err.kind, ApiErrorKind::Config { .. }), "{err:?}");
    assert!(err.to_string().contains("token path"), "{err}");
}

#[test]
fn debug_output_never_shows_the_secret() {
    let shown = format!("{:?}", Client::new(config()).unwrap());
    assert!(shown.contains("console") && !shown.contains("hunter2"), "{shown}");
}

#[tokio::test]
async fn an_unreachable_tenant_is_a_network_error_after_bounded_retries() {
    // Bound, never listening: refused, and no other test is given the port meanwhile.
    let closed = tokio::net::TcpSocket::new_v4().unwrap();
    closed.bind(([127, 0, 0, 1], 0).into()).unwrap();
    let base = Url::parse(&format!("http://{}", closed.local_addr().unwrap())).unwrap();
    let retry = super::super::RetryPolicy {
        max_attempts: 3,
        base_delay: std::time::Duration::from_millis(1),
        max_delay: std::time::Duration::from_millis(2),
        ..Default::default()
    };
    let config = ClientConfig::new(base, "console", SecretString::from("s")).with_retry(retry);
    let err = Client::new(config).unwrap().dispositions().await.unwrap_err();
    assert!(matches!(err.kind, ApiErrorKind::Network { .. }), "{err:?}");
    assert!(err.to_string().starts_with("could not reach the tenant"), "{err}");
    assert_eq!((err.call.attempts, err.call.status), (0, None), "not even a token could be fetched");
}

#[tokio::test]
async fn a_client_surfacing_rate_limits_ends_the_call_on_the_first_429() {
    use crate::domain::{CampaignId, ContactId};
    use crate::sandbox::config::RateLimit;
    use crate::sandbox::{Sandbox, SandboxConfig};
    let slow = RateLimit { per_second: 0.1, burst: 1 };
    let sandbox =
        Sandbox::start(SandboxConfig { campaign_rate: Some(slow), ..SandboxConfig::quiet() }).await.unwrap();
    let config = ClientConfig::new(sandbox.base_url(), sandbox.client_id(), sandbox.client_secret().clone());
    let client = Client::new(config).unwrap().surfacing_rate_limits();
    let campaign = CampaignId::parse("a1b2c3d4-e5f6-7890-g1h2-i3j4k5l6m7n8").unwrap();
    let contact = ContactId::parse("contact-uuid-111111111111").unwrap();
    client.contact(&campaign, &contact).await.unwrap();
    let err = client.contact(&campaign, &contact).await.unwrap_err();
    match &err.kind {
        ApiErrorKind::RateLimited { retry_after, .. } => {
            assert_eq!(*retry_after, Some(std::time::Duration::from_secs(10)), "{err:?}")
        }
        other => panic!("expected a rate limit, got {other:?}"),
    }
    assert_eq!((err.call.attempts, err.call.status), (1, Some(429)), "not waited out inside the call");
    assert_eq!(sandbox.stats().rate_limited, 1);
    sandbox.shutdown().await;
}
