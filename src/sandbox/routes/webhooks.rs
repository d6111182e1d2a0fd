//! Document 002: webhook registrations.

use super::extract::{Fields, JsonBody, ListQuery, PathParams};
use super::page;
use crate::sandbox::SandboxState;
use crate::sandbox::reply::Result;
use crate::sandbox::tenant::WebhookDraft;
use axum::Json;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::collections::BTreeMap;

pub(super) async fn list(State(s): State<SandboxState>, RawQuery(q): RawQuery) -> Result<Response> {
    let q = ListQuery::parse(q.as_deref(), &[])?;
    Ok(page(s.tenant.list_webhooks(&q.window)))
}

pub(super) async fn create(State(s): State<SandboxState>, JsonBody(body): JsonBody) -> Result<Response> {
    let mut f = Fields::of(&body, "request body")?;
    f.deny_unknown(&["name", "uri", "events", "enabled", "headers"]);
    let draft = WebhookDraft {
        name: f.text("name"),
        uri: f.text("uri"),
        events: f.required("events").unwrap_or_default(),
        enabled: f.optional("enabled").unwrap_or(true),
        headers: f.optional::<BTreeMap<String, String>>("headers").unwrap_or_default(),
    };
    f.finish()?;
    let view = s.tenant.register_webhook(&draft)?;
    let location = HeaderValue::from_str(&format!("/api/v2/webhooks/{}", view.id)).ok();
    let mut response = (StatusCode::CREATED, Json(view)).into_response();
    if let Some(l) = location {
        response.headers_mut().insert(header::LOCATION, l);
    }
    Ok(response)
}

pub(super) async fn delete(
    State(s): State<SandboxState>,
    PathParams(id): PathParams<String>,
) -> Result<StatusCode> {
    s.tenant.delete_webhook(&id).map(|()| StatusCode::NO_CONTENT)
}
