//! Document 003: users, pause reasons and agent status.

use super::extract::{Fields, IfMatchHeader, JsonBody, ListQuery, PathParams};
use super::{page, tagged};
use crate::domain::agent_status::DirectiveFlags;
use crate::sandbox::SandboxState;
use crate::sandbox::reply::Result;
use crate::sandbox::tenant::StatusChangeBody;
use axum::Json;
use axum::extract::{RawQuery, State};
use axum::response::Response;
use serde_json::{Value, json};

pub(super) async fn list(State(s): State<SandboxState>, RawQuery(q): RawQuery) -> Result<Response> {
    let q = ListQuery::parse(q.as_deref(), &["team"])?;
    Ok(page(s.tenant.list_users(&q.window, q.filter("team"))))
}

pub(super) async fn get_one(
    State(s): State<SandboxState>,
    PathParams(id): PathParams<String>,
) -> Result<Response> {
    s.tenant.user(&id).map(tagged)
}

pub(super) async fn pause_reasons(State(s): State<SandboxState>) -> Json<Value> {
    Json(json!({ "pauseReasons": s.tenant.pause_reasons() }))
}

pub(super) async fn put_status(
    State(s): State<SandboxState>,
    PathParams(id): PathParams<String>,
    IfMatchHeader(if_match): IfMatchHeader,
    JsonBody(body): JsonBody,
) -> Result<Response> {
    let mut f = Fields::of(&body, "request body")?;
    f.deny_unknown(&["status", "pauseReason", "wrapUpCode", "directiveFlags"]);
    let defaults = DirectiveFlags::default();
    let mut flags = defaults;
    let raw_flags = f.value("directiveFlags");
    if !raw_flags.is_null() {
        let mut d = Fields::of(&raw_flags, "directiveFlags")?;
        d.deny_unknown(&["autoAvailable", "respectWrapUp"]);
        flags.auto_available = d.optional("autoAvailable").unwrap_or(defaults.auto_available);
        flags.respect_wrap_up = d.optional("respectWrapUp").unwrap_or(defaults.respect_wrap_up);
        f.absorb(d);
    }
    let body = StatusChangeBody {
        status: f.exact("status"),
        pause_reason: f.exact("pauseReason"),
        wrap_up_code: f.text("wrapUpCode"),
        auto_available: flags.auto_available,
        respect_wrap_up: flags.respect_wrap_up,
    };
    f.finish()?;
    s.tenant.change_status(&id, if_match.as_ref(), &body).map(tagged)
}
