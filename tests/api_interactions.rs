//! Interactions, dispositions and attributes over real TCP against the sandbox.

mod api_support;

use api_support::{client, closed, open, quiet};
use cxone_console::api::ApiErrorKind;
use cxone_console::api::model::ListQuery;
use cxone_console::domain::attributes::{AttributeDraft, AttributeUpdate};
use cxone_console::domain::interaction_disposition::{
    DispositionDraft, DispositionMatrix, InteractionDisposition, InteractionStatus,
};
use cxone_console::domain::{InteractionId, Timestamp};
use serde_json::{Value, json};
use std::collections::BTreeSet;

fn disposition(id: &InteractionId, matrix: &DispositionMatrix) -> InteractionDisposition {
    let code = matrix.codes().next().expect("the tenant publishes a disposition matrix");
    let draft = DispositionDraft {
        code: code.code.clone(),
        description: code.description.clone(),
        agent_id: "agent_xyz_123".into(),
        notes: "set by the client tests".into(),
        ..Default::default()
    };
    InteractionDisposition::validate(id.as_str(), &[draft], matrix, Timestamp::now())
        .expect("a valid disposition")
}

fn attributes(id: &InteractionId, rows: &[(&str, Value, &str)]) -> AttributeUpdate {
    let rows: Vec<AttributeDraft> = rows
        .iter()
        .map(|(k, v, m)| AttributeDraft { key: (*k).into(), value: v.clone(), mode: (*m).into() })
        .collect();
    AttributeUpdate::validate(id.as_str(), &rows).expect("valid attribute rows")
}

#[tokio::test]
async fn a_disposition_lands_on_a_closed_interaction_and_a_stale_tag_conflicts() {
    let sandbox = quiet().await;
    let c = client(&sandbox);
    let matrix = c.dispositions().await.unwrap().value;
    let page = c.interactions(&closed()).await.unwrap().value;
    assert!(page.items.iter().all(|i| i.status == InteractionStatus::Closed), "the status filter applies");
    let id = page.items.first().expect("the seeded tenant holds closed interactions").id.clone();

    let read = c.interaction(&id).await.unwrap().value;
    let etag = read.etag.expect("one interaction comes with its ETag");
    let change = disposition(&id, &matrix);
    let written = c.set_dispositions(&change, &etag, None).await.unwrap();
    assert_eq!(written.call.status, Some(200));
    assert_eq!(written.call.etag_sent.as_deref(), Some(etag.as_str()));
    let codes: Vec<&str> = written.value.dispositions.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, change.codes().collect::<Vec<_>>());
    assert!(!written.value.etag.expect("the write returns the new ETag").matches(&etag));

    let back = c.interaction(&id).await.unwrap().value;
    assert_eq!(back.dispositions[0].notes.as_deref(), Some("set by the client tests"));

    let stale = c.set_dispositions(&change, &etag, None).await.unwrap_err();
    assert!(stale.kind.is_conflict(), "{stale}");
    assert_eq!(
        (stale.call.status, stale.call.attempts),
        (Some(409), 1),
        "a conflict is the caller's to resolve"
    );
}

#[tokio::test]
async fn an_open_interaction_refuses_a_disposition_with_the_tenants_reason() {
    let sandbox = quiet().await;
    let c = client(&sandbox);
    let matrix = c.dispositions().await.unwrap().value;
    let page = c.interactions(&open()).await.unwrap().value;
    let id = page.items.first().expect("the seeded tenant holds open interactions").id.clone();
    let etag = c.interaction(&id).await.unwrap().value.etag.expect("an ETag");
    let err = c.set_dispositions(&disposition(&id, &matrix), &etag, None).await.unwrap_err();
    assert!(matches!(err.kind, ApiErrorKind::BadRequest { .. }), "{err:?}");
    assert!(err.to_string().contains("closed"), "{err}");
}

#[tokio::test]
async fn unknown_ids_are_not_found_and_never_reach_another_path() {
    let sandbox = quiet().await;
    let c = client(&sandbox);
    for raw in ["no-such-interaction", "a:b@c.d"] {
        let err = c.interaction(&InteractionId::parse(raw).unwrap()).await.unwrap_err();
        assert!(matches!(err.kind, ApiErrorKind::NotFound { .. }), "{raw}: {err:?}");
        assert!(err.call.path.starts_with("/api/v1/interactions/"), "{}", err.call.path);
    }
}

#[tokio::test]
async fn lists_page_through_and_as_of_limits_to_changes() {
    let sandbox = quiet().await;
    let c = client(&sandbox);
    let query = ListQuery::new().top(10);
    let first = c.interactions(&query).await.unwrap().value;
    assert_eq!((first.items.len(), first.top, first.skip), (10, 10, 0));
    assert!(first.total_count > 10);
    let second = c.interactions(&first.next_query(&query).expect("more pages")).await.unwrap().value;
    assert_eq!(second.skip, 10);
    let ids: BTreeSet<_> = first.items.iter().chain(&second.items).map(|i| i.id.clone()).collect();
    assert_eq!(ids.len(), 20, "pages do not overlap");

    let (a, b) = (&first.items[0], c.interaction(&first.items[0].id).await.unwrap().value);
    assert_eq!(
        (a.queue.clone(), a.channel.clone()),
        (b.queue, b.channel),
        "list items hold what the console shows"
    );
    assert!(a.etag.is_none(), "list items carry no tag");

    let since = c.interactions(&ListQuery::new().updated_since(first.as_of.clone())).await.unwrap().value;
    assert!(since.total_count < first.total_count, "only what changed since {}", first.as_of);
}

#[tokio::test]
async fn attributes_are_added_read_and_refused_by_the_documents_rules() {
    let sandbox = quiet().await;
    let c = client(&sandbox);
    let id = c.interactions(&closed()).await.unwrap().value.items[0].id.clone();

    let added = c
        .update_attributes(&attributes(&id, &[("client_test_segment", json!("enterprise"), "ADD")]), None)
        .await
        .unwrap();
    assert_eq!(added.value.interaction_id, id);
    assert_eq!(added.value.get("client_test_segment"), Some(&json!("enterprise")));
    let read = c.attributes(&id).await.unwrap().value;
    assert_eq!(read.get("client_test_segment"), Some(&json!("enterprise")));

    let clash = attributes(&id, &[("client_test_segment", json!("smb"), "ADD")]);
    assert!(c.update_attributes(&clash, None).await.unwrap_err().kind.is_conflict());
    let missing = attributes(&id, &[("client_test_missing", json!(1), "UPDATE")]);
    assert!(c.update_attributes(&missing, None).await.unwrap_err().kind.is_conflict());

    let removed = c
        .update_attributes(&attributes(&id, &[("client_test_segment", Value::Null, "DELETE")]), None)
        .await
        .unwrap();
    assert_eq!(removed.value.get("client_test_segment"), None);
}

#[tokio::test]
async fn a_tenant_at_fifty_attributes_refuses_more_as_a_bad_request() {
    let sandbox = quiet().await;
    let c = client(&sandbox);
    let id = c.interactions(&closed()).await.unwrap().value.items[1].id.clone();
    let held = c.attributes(&id).await.unwrap().value.attributes.len();
    let keys: Vec<String> = (0..=(50 - held.min(50))).map(|i| format!("bulk_{i}")).collect();
    let (fits, last) = keys.split_at(keys.len() - 1);
    if !fits.is_empty() {
        let rows: Vec<_> = fits.iter().map(|k| (k.as_str(), json!(1), "ADD")).collect();
        c.update_attributes(&attributes(&id, &rows), None).await.unwrap();
    }
    let err = c
        .update_attributes(&attributes(&id, &[(last[0].as_str(), json!(1), "ADD")]), None)
        .await
        .unwrap_err();
    let ApiErrorKind::BadRequest { message, .. } = &err.kind else { panic!("{err:?}") };
    assert!(message.contains("50"), "{message}");
}
