//! A deploy whose every answer is a gateway's error (document 004, through a
//! proxy): read back from the tenant's actions, it is applied when the
//! action is there, and otherwise never taken for a plain failure, since
//! deploying it again would make a second action.

mod engine_support;

use axum::http::{Method, StatusCode};
use cxone_console::domain::data_action::DataActionDraft;
use cxone_console::engine::audit::RecordKind;
use cxone_console::engine::{Change, DataActionChange, Outcome};
use cxone_console::sandbox::{Sandbox, SandboxConfig};
use engine_support::proxy::{Route, routed};

/// What the proxy does with the deploy's POSTs and the listings after them.
#[derive(Clone, Copy)]
struct Gateway {
    /// Each POST reaches the tenant before the gateway's error comes back.
    lands: bool,
    /// The listing of actions fails too.
    lists: bool,
}

impl Gateway {
    fn route(self, method: &Method, path: &str) -> Route {
        match (path == "/api/v2/data-actions", method) {
            (true, &Method::POST) if self.lands => Route::LandThen(StatusCode::BAD_GATEWAY),
            (true, &Method::POST) => Route::Refuse(StatusCode::BAD_GATEWAY),
            (true, &Method::GET) if !self.lists => Route::Refuse(StatusCode::BAD_GATEWAY),
            _ => Route::Pass,
        }
    }
}

/// Deploys the documents' action through a proxy acting as `gateway`: the
/// outcome, the actions of its name the tenant holds after, and the outcome
/// record's target (id and name).
async fn deploy_through(gateway: Gateway) -> (Outcome, usize, (String, Option<String>)) {
    let sandbox = Sandbox::start(SandboxConfig::quiet()).await.expect("the sandbox starts");
    let mut rig = routed(sandbox, move |method, path| gateway.route(method, path), |_| {}).await;
    let draft = DataActionDraft::documents_example("http://127.0.0.1:9/unsettled");
    let name = draft.name.clone();
    let outcome = rig.outcome(Change::DataAction(DataActionChange::Deploy(draft))).await;
    let tenant = &rig.sandbox.state().tenant;
    let held = tenant
        .data_action_ids()
        .iter()
        .filter_map(|id| tenant.data_action(id).ok())
        .filter(|a| a.value.name == name && a.value.handler_url.ends_with("/unsettled"))
        .count();
    let records = rig.audit_records();
    let record = records.iter().find(|r| r.entry.kind == RecordKind::Outcome).expect("an outcome record");
    let target = record.entry.target.clone().expect("a target");
    let target = (target.id, target.name);
    rig.stop().await;
    (outcome, held, target)
}

#[tokio::test]
async fn a_deploy_that_landed_under_a_gateway_error_is_found_and_filed_under_its_new_id() {
    let (outcome, held, (id, name)) = deploy_through(Gateway { lands: true, lists: true }).await;
    let Outcome::Applied { data: Some(data), .. } = &outcome else {
        panic!("expected applied, got {outcome}")
    };
    assert!(outcome.text().contains("confirmed by reading it back"), "{outcome}");
    assert_eq!(held, 1, "the tries went with one key: one action");
    assert_eq!(Some(id.as_str()), data["id"].as_str(), "filed under the id the deploy made");
    assert_eq!(name.as_deref(), Some("SentimentRoutingAction"));
}

/// Not found among the tenant's actions: failed, yet a gateway's error may
/// hide a tenant still making it, so it says to look before deploying again.
#[tokio::test]
async fn a_deploy_not_found_after_a_gateway_error_says_to_look_before_deploying_again() {
    let (outcome, held, _) = deploy_through(Gateway { lands: false, lists: true }).await;
    assert!(matches!(outcome, Outcome::Failed { .. }), "{outcome}");
    assert_eq!(held, 0);
    let text = outcome.text();
    assert!(text.contains("do not show it yet") && text.contains("second action"), "{text}");
}

#[tokio::test]
async fn a_deploy_that_cannot_be_read_back_says_to_look_before_deploying_again() {
    let (outcome, held, _) = deploy_through(Gateway { lands: true, lists: false }).await;
    assert!(matches!(outcome, Outcome::Failed { .. }), "{outcome}");
    assert_eq!(held, 1);
    let text = outcome.text();
    assert!(text.contains("may have been made all the same") && text.contains("second action"), "{text}");
}
