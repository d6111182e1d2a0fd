//! The tamper-evident audit log.
//!
//! Every change the engine makes leaves records here: an `intent` made
//! durable before the first remote write, then exactly one `outcome` made
//! durable before the UI hears of it (or, after a crash, a `reconciled`
//! record). `repair` records say what opening the log had to fix.
//!
//! The log is a file of JSON lines (`audit.jsonl`, say), one record per line,
//! appended through a [`Journal`](crate::engine::journal::Journal) with group
//! commit. Each record carries `seq` (1, 2, 3, … with no gap), `time` (UTC,
//! microseconds), `prevHash` (the previous record's `hash`; 64 zeros for the
//! first) and `hash`: SHA-256 over the record's canonical form without `hash`
//! (the exact rule is in [`canonical`]). Fields that do not apply are absent.
//!
//! Beside the log, the head file (`audit.head`) says where the log ended after
//! its last synced batch (see [`head`]), so a cut tail is caught too.
//! [`verify`] checks a log; [`export`] writes it as CSV or JSON.
//!
//! **No secrets.** Callers must never put access tokens, client secrets,
//! webhook secrets or passwords in an entry. The types leave no room for them
//! (a request is its method, path, ETag and idempotency key; its body is only
//! hashed), and the log redacts secret-looking members of `before`/`after`
//! and token-looking text in `reason` before sealing, as a second line of
//! defence.

pub mod action;
pub use crate::canonical_json as canonical;
mod digest;
mod entry;
mod export;
mod finding;
pub mod head;
mod line;
mod log;
mod record;
mod redact;
mod scan;
mod sealer;
mod verify;

pub use digest::{ChainHash, Digest256, PayloadHash};
pub use entry::AuditEntry;
pub use export::{CSV_COLUMNS, ExportError, ExportFormat, Exported, export};
pub use finding::{Finding, Problem, VerifyError, VerifyReport};
pub use log::{AuditError, AuditLog, OpenReport, TornRecord};
pub use record::{AuditRecord, LatencyMs, Method, Outcome, RecordKind, RequestInfo, Target, TargetKind};
pub use redact::{REDACTED, holds_redaction};
pub use scan::{EarlierRuns, earlier_runs};
pub use verify::verify;
