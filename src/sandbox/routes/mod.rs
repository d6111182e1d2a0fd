//! The operation endpoints of `docs/wire.md`, without auth, fault or
//! idempotency layers (those wrap this router).
//!
//! Handlers are thin: they read the request, call one tenant method and
//! shape its answer. Every refusal is a JSON [`Failure`].

mod attributes;
mod data_actions;
mod extract;
mod interactions;
mod outbound;
mod users;
mod webhooks;

use super::SandboxState;
use super::tenant::{Page, Tagged};
use axum::Json;
use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Serialize;

pub fn api() -> Router<SandboxState> {
    Router::new()
        .route("/api/v1/dispositions", get(interactions::dispositions))
        .route("/api/v1/interactions", get(interactions::list))
        .route("/api/v1/interactions/{id}", get(interactions::get_one).patch(interactions::patch))
        .route("/api/v2/interactions/{id}/attributes", get(attributes::get_all).post(attributes::post))
        .route("/api/v2/webhooks", get(webhooks::list).post(webhooks::create))
        .route("/api/v2/webhooks/{id}", axum::routing::delete(webhooks::delete))
        .route("/api/v1/outbound/campaigns", get(outbound::campaigns))
        .route("/api/v1/outbound/campaigns/{campaignId}", get(outbound::campaign))
        .route("/api/v1/outbound/campaigns/{campaignId}/contacts", get(outbound::contacts))
        .route(
            "/api/v1/outbound/campaigns/{campaignId}/contacts/{contactId}",
            get(outbound::contact).patch(outbound::patch_contact),
        )
        .route("/api/v2/users", get(users::list))
        .route("/api/v2/users/{id}", get(users::get_one))
        .route("/api/v2/users/{id}/status", axum::routing::put(users::put_status))
        .route("/api/v2/pause-reasons", get(users::pause_reasons))
        .route("/api/v2/data-actions", get(data_actions::list).post(data_actions::create))
        .route("/api/v2/data-actions/{id}", get(data_actions::get_one).patch(data_actions::patch))
        .route("/api/v2/analytics/data-actions/details/query", post(data_actions::query))
}

/// 200 with the entity's `ETag`.
fn tagged<T: Serialize>(t: Tagged<T>) -> Response {
    with_etag(StatusCode::OK, t)
}

fn with_etag<T: Serialize>(status: StatusCode, t: Tagged<T>) -> Response {
    let mut response = (status, Json(t.value)).into_response();
    if let Ok(v) = HeaderValue::from_str(&t.etag.header_value()) {
        response.headers_mut().insert(header::ETAG, v);
    }
    response
}

fn page<T: Serialize>(p: Page<T>) -> Response {
    Json(p).into_response()
}

#[cfg(test)]
mod tests;
