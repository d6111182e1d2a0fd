//! The backend: applies every change safely and reports on it.
//!
//! Commands come in, events go out. Each change is validated, recorded as an
//! intent in the audit log before the first remote write, performed with the
//! retry and conflict policy of its document, recorded with its outcome, and
//! announced to the systems that depend on it through the webhook outbox.

pub mod audit;
pub mod journal;
pub mod metrics;
pub mod outbox;
