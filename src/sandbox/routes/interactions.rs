//! Document 000: dispositions and interactions.

use super::extract::{Fields, IfMatchHeader, JsonBody, ListQuery, PathParams};
use super::{page, tagged};
use crate::domain::interaction_disposition::{DispositionDraft, InteractionStatus};
use crate::sandbox::SandboxState;
use crate::sandbox::reply::{Failure, Result};
use axum::Json;
use axum::extract::{RawQuery, State};
use axum::response::Response;
use serde_json::{Value, json};

pub(super) async fn dispositions(State(s): State<SandboxState>) -> Json<Value> {
    Json(json!({ "dispositions": s.tenant.dispositions() }))
}

pub(super) async fn list(State(s): State<SandboxState>, RawQuery(q): RawQuery) -> Result<Response> {
    let q = ListQuery::parse(q.as_deref(), &["status"])?;
    let status = match q.filter("status") {
        None => None,
        Some("open") => Some(InteractionStatus::Open),
        Some("closed") => Some(InteractionStatus::Closed),
        Some(other) => return Err(Failure::bad_request(format!("status: {other:?} must be open or closed"))),
    };
    Ok(page(s.tenant.list_interactions(&q.window, status.as_ref())))
}

pub(super) async fn get_one(
    State(s): State<SandboxState>,
    PathParams(id): PathParams<String>,
) -> Result<Response> {
    s.tenant.interaction(&id).map(tagged)
}

pub(super) async fn patch(
    State(s): State<SandboxState>,
    PathParams(id): PathParams<String>,
    IfMatchHeader(if_match): IfMatchHeader,
    JsonBody(body): JsonBody,
) -> Result<Response> {
    let mut f = Fields::of(&body, "request body")?;
    f.deny_unknown(&["dispositions"]);
    let drafts = f.each("dispositions", true, |e| {
        // A misspelt field is refused by name rather than left empty.
        e.deny_unknown(&["code", "description", "agent_id", "timestamp", "source", "notes"]);
        DispositionDraft {
            // Matched against the matrix as sent (document 000's `code:
            // str`), as an outcome code or a status is.
            code: e.exact("code"),
            description: e.text("description"),
            agent_id: e.text("agent_id"),
            // Required on the wire, as document 000 sends it; the console's
            // rules fill an empty one with now before it gets here.
            timestamp: e.required::<String>("timestamp").unwrap_or_default(),
            source: e.text("source"),
            notes: e.text("notes"),
        }
    })?;
    f.finish()?;
    s.tenant.set_dispositions(&id, if_match.as_ref(), &drafts).map(tagged)
}
