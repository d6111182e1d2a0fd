//! The sandbox's HTTP surface: how the parts are layered, and the accept loop.
//!
//! API requests pass, outermost first: the request counter, fault injection,
//! the bearer and scope check, idempotent replay, then the handler. A fault
//! that drops or replaces the reply after the handler ran (a dropped
//! connection, a gateway's 5xx) is applied by the fault layer
//! on the way out, after the idempotency layer kept the reply, so a retry
//! with the same key is answered from memory. Token endpoints are counted and
//! get faults too; `/sandbox/*` gets neither faults nor auth.

mod accept;
mod overdue;

pub use accept::{ConnectionHandle, serve};

use super::reply::Failure;
use super::{SandboxState, admin, auth, faults, idempotency, routes, sink};
use axum::Router;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, Uri};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// The whole app: token endpoints, the API behind its layers, admin and sink.
pub fn app(state: SandboxState) -> Router {
    state.app_with(routes::api())
}

impl SandboxState {
    /// The whole app around `api`, a router of operation endpoints with no
    /// layers of its own: token endpoints, `api` behind the API layers (count,
    /// faults, bearer and scopes, idempotency), `/sandbox/*` admin and sink.
    pub fn app_with(&self, api: Router<SandboxState>) -> Router {
        Router::new()
            .merge(self.counted_with_faults(auth::routes()))
            .merge(self.guard_api(api))
            .merge(admin::routes())
            .merge(sink::routes())
            .fallback(no_such_endpoint)
            .method_not_allowed_fallback(method_not_allowed)
            .with_state(self.clone())
    }

    /// Wraps operation endpoints in the API layers; the routes must have
    /// scope rules (see `scopes`), or every call to them is refused.
    pub fn guard_api(&self, api: Router<SandboxState>) -> Router<SandboxState> {
        // Route layers run after routing, where the matched path template is
        // known; axum refuses them on a router with no routes.
        let api = if api.has_routes() {
            api.route_layer(from_fn_with_state(self.clone(), idempotency::replay))
                .route_layer(from_fn_with_state(self.clone(), auth::authorize))
        } else {
            api
        };
        self.counted_with_faults(api)
    }

    /// Serves `api` behind this sandbox's layers on another listener until
    /// `shutdown`, sharing the tenant, tokens, faults, counters and sink:
    /// how endpoints outside `routes` (a test's, say) get the real layers.
    pub fn serve_api(
        &self,
        listener: TcpListener,
        api: Router<SandboxState>,
        shutdown: CancellationToken,
    ) -> JoinHandle<()> {
        tokio::spawn(serve(listener, self.app_with(api), self.config.connections, shutdown))
    }

    fn counted_with_faults(&self, router: Router<SandboxState>) -> Router<SandboxState> {
        router
            .layer(from_fn_with_state(self.clone(), faults::inject))
            .layer(from_fn_with_state(self.clone(), count))
    }
}

async fn count(State(state): State<SandboxState>, request: Request, next: Next) -> Response {
    let _answering = state.stats.request();
    next.run(request).await
}

/// The JSON refusal for a request body axum could not read: too large
/// (413) or broken off (400).
pub fn unreadable_body(rejection: BytesRejection) -> Failure {
    match rejection.status() {
        StatusCode::PAYLOAD_TOO_LARGE => Failure::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            format!("body: {}", rejection.body_text()),
        ),
        _ => Failure::bad_request(format!("body: could not be read ({})", rejection.body_text())),
    }
}

async fn method_not_allowed(method: Method, uri: Uri) -> Response {
    let message = format!("{method} is not allowed on {}", uri.path());
    Failure::new(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", message).into_response()
}

async fn no_such_endpoint(method: Method, uri: Uri) -> Response {
    Failure::not_found(format!("no such endpoint: {method} {}", uri.path())).into_response()
}
