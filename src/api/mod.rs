//! The tenant's REST surface: authentication, retries, typed errors and one
//! typed function per endpoint.
//!
//! [`Client`] owns the HTTP connection pool, the token cache and the retry
//! policy; a [`Dialect`] owns every path, method and body shape, so a tenant
//! speaking another surface needs a new dialect and nothing else.

mod attempts;
mod call;
mod client;
mod config;
pub mod dialect;
mod endpoints;
mod error;
mod guards;
pub mod model;
pub mod retry;
mod sent_keys;
mod setbacks;
pub(crate) mod text;
mod token;
mod transport;
pub mod watch;

pub use call::{CallInfo, Replay, Reply};
pub use client::Client;
pub use config::{ClientConfig, DEFAULT_TOKEN_PATH, RetryPolicy};
pub use dialect::{Dialect, DocumentsDialect};
pub use error::{ApiError, ApiErrorKind};
pub use guards::{ETag, IdempotencyKey};
pub use setbacks::SetbackCounts;
pub use token::REFRESH_MARGIN;
pub use transport::{KEPT_IDLE, USER_AGENT};
