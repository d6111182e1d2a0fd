//! Document 001: campaigns, contacts and contact dispositions. The contact
//! endpoints share each campaign's rate limit.

use super::extract::{Fields, IfMatchHeader, JsonBody, ListQuery, PathParams};
use super::{page, tagged};
use crate::domain::contact_disposition::DialerState;
use crate::sandbox::SandboxState;
use crate::sandbox::reply::{Failure, Result};
use crate::sandbox::tenant::ContactDispositionBody;
use axum::extract::{RawQuery, State};
use axum::response::Response;

pub(super) async fn campaigns(State(s): State<SandboxState>, RawQuery(q): RawQuery) -> Result<Response> {
    let q = ListQuery::parse(q.as_deref(), &[])?;
    Ok(page(s.tenant.list_campaigns(&q.window)))
}

pub(super) async fn campaign(
    State(s): State<SandboxState>,
    PathParams(id): PathParams<String>,
) -> Result<Response> {
    s.tenant.campaign(&id).map(tagged)
}

pub(super) async fn contacts(
    State(s): State<SandboxState>,
    PathParams(cid): PathParams<String>,
    RawQuery(q): RawQuery,
) -> Result<Response> {
    let q = ListQuery::parse(q.as_deref(), &["state"])?;
    let state = q.filter("state").map(dialer_state).transpose()?;
    s.tenant.list_contacts(&cid, &q.window, state.as_ref()).map(page)
}

fn dialer_state(raw: &str) -> Result<DialerState> {
    match serde_json::from_value::<DialerState>(serde_json::Value::String(raw.to_string())) {
        Ok(DialerState::Other(_)) | Err(_) => Err(Failure::bad_request(format!(
            "state: {raw:?} must be one of PENDING, DIALING, RINGING, CONNECTED, WRAP_UP, COMPLETED"
        ))),
        Ok(state) => Ok(state),
    }
}

pub(super) async fn contact(
    State(s): State<SandboxState>,
    PathParams((cid, id)): PathParams<(String, String)>,
) -> Result<Response> {
    s.tenant.contact(&cid, &id).map(tagged)
}

pub(super) async fn patch_contact(
    State(s): State<SandboxState>,
    PathParams((cid, id)): PathParams<(String, String)>,
    IfMatchHeader(if_match): IfMatchHeader,
    JsonBody(body): JsonBody,
) -> Result<Response> {
    let mut f = Fields::of(&body, "request body")?;
    f.deny_unknown(&["outcomeCode", "agentId", "notes", "customFields", "dispositionTimestamp"]);
    let body = ContactDispositionBody {
        outcome_code: f.exact("outcomeCode"),
        agent_id: f.text("agentId"),
        notes: f.text("notes"),
        custom_fields: f.optional("customFields"),
        disposition_timestamp: f.text("dispositionTimestamp"),
    };
    f.finish()?;
    s.tenant.set_contact_outcome(&cid, &id, if_match.as_ref(), &body).map(tagged)
}
