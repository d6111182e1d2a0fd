//! STUB (owned by the tenant work): the operation endpoints, without auth or fault layers.
use super::SandboxState;
use axum::Router;

pub fn api() -> Router<SandboxState> {
    Router::new()
}
