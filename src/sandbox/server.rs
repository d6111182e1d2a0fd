//! STUB (owned by the sandbox-infrastructure work): accept loop and app composition.
use super::SandboxState;
use axum::Router;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

/// The whole app: token endpoints, the API behind auth/faults/idempotency, admin and sink.
pub fn app(state: SandboxState) -> Router {
    let _ = super::routes::api();
    Router::new().with_state(state)
}

pub async fn serve(listener: TcpListener, router: Router, state: SandboxState, shutdown: CancellationToken) {
    let _ = (listener, router, state, shutdown);
}
