//! Append-only files of JSON lines with group commit.
//!
//! One writer task owns a journal's file. Appenders send it an entry and wait
//! for an acknowledgement that comes only once the entry's line is written and
//! `fsync`ed (`File::sync_data`). The task drains every entry waiting, turns
//! each into its line in order through the journal's [`Sealer`] (which is where
//! the audit log numbers and chains its records), writes the batch at once,
//! syncs once and acknowledges the whole batch: many appenders, one fsync. An
//! acknowledged line is never lost.
//!
//! A failed write or sync leaves the journal *broken*: every later append is
//! refused until the file is reopened. After a failed `fsync` the kernel may
//! have dropped the dirty pages, so retrying could acknowledge lines that are
//! not on disk; reopening re-reads what really is.
//!
//! Opening takes an exclusive advisory lock, so two processes never write one
//! journal, and cuts a torn tail left by a crash: the bytes after the last
//! newline, and the last complete line too when it is not valid JSON. Nothing
//! below `durable_len` (a length the caller knows was acknowledged) is ever cut.
//! Directories are created 0700 and files 0600 on Unix.

mod file;
mod fs;
pub mod head;
mod writer;

pub use file::{JournalFile, Line, Lines};
pub use fs::{create_private_dir, keep_cut, open_private, write_atomically};
pub use writer::Journal;

use crate::domain::FieldError;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicU64;

/// Requests that may wait for the writer; appenders beyond this wait to send.
pub(super) const QUEUE: usize = 4096;
/// The most entries one write and one sync cover.
pub(super) const MAX_BATCH: usize = 4096;
/// How much of a torn tail is kept for the caller's repair record.
pub(super) const FRAGMENT_KEPT: usize = 64 * 1024;
/// Backwards reads while looking for a line's start.
pub(super) const SCAN_CHUNK: u64 = 64 * 1024;

/// Turns entries into lines, in order, inside the writer task.
///
/// `seal` runs for each entry in the order the journal will hold them, so it
/// may number and chain them. It must not write a newline. When it refuses an
/// entry it must leave its own state as it was; the journal drops whatever it
/// wrote to `line` and tells that appender why. On close the sealer is
/// dropped before the file, off the runtime's threads, so its `Drop` may
/// finish bookkeeping that lags the file.
pub trait Sealer: Send + 'static {
    type Entry: Send + 'static;
    type Sealed: Clone + Send + 'static;

    /// Appends the entry's line, without its newline, to `line`.
    fn seal(&mut self, entry: Self::Entry, line: &mut Vec<u8>) -> Result<Self::Sealed, FieldError>;

    /// Runs once a batch is durable, before its appenders hear of it.
    fn committed(&mut self, _batch: &[Self::Sealed]) {}

    /// Runs after the batch's appenders were answered, and after the
    /// compaction the batch led to if any, before the next batch, with the
    /// file's new length: for bookkeeping that may lag the file, so
    /// appenders do not wait for it.
    fn checkpoint(&mut self, _len: u64) {}

    /// The whole new content of the file when it should be compacted, asked
    /// after every committed batch. The file is replaced atomically.
    fn compaction(&mut self) -> Option<Vec<u8>> {
        None
    }

    /// Runs once the content `compaction` last gave has replaced the file;
    /// not when replacing it failed, which leaves the old file in use.
    fn compacted(&mut self) {}
}

#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error(
        "{} is in use: it is locked by {}; close the other console, or let its run end, first",
        path.display(),
        holder.as_deref().unwrap_or("another process")
    )]
    Locked {
        path: PathBuf,
        /// The process holding the lock ("process 4242 (cxone-console)"),
        /// when the system tells.
        holder: Option<String>,
    },
    #[error(
        "{} holds an unreadable line at byte {offset}, inside what was already acknowledged; \
         it was left as it is (run `cxone-console audit verify`)",
        path.display()
    )]
    DurableDamage { path: PathBuf, offset: u64 },
    #[error(
        "{} can no longer be written ({reason}); nothing more is recorded in it, and so no change is \
         made, until it is opened again: once the cause is mended, quit and start again (the start \
         checks and repairs it)",
        path.display()
    )]
    Broken { path: PathBuf, reason: String },
    #[error("{} is closed", path.display())]
    Closed { path: PathBuf },
    #[error("entry refused: {0}")]
    Rejected(#[from] FieldError),
}

impl JournalError {
    pub(super) fn io<'a>(action: &'static str, path: &'a Path) -> impl FnOnce(io::Error) -> Self + 'a {
        move |source| Self::Io { action, path: path.to_path_buf(), source }
    }
}

/// What a crash left unfinished at the end of the file, now cut off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TornTail {
    /// Where the cut was made: the file's length now.
    pub offset: u64,
    /// How many bytes were cut.
    pub bytes: u64,
    /// The first bytes that were cut (at most 64 KiB), to say what was lost.
    pub fragment: Vec<u8>,
    /// The `.cut` file beside the journal that `fragment` was appended to
    /// before the cut, or `None` when it could not be written.
    pub kept: Option<PathBuf>,
}

/// Counters of the writer's work.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct JournalStats {
    /// Lines written since open.
    pub lines: u64,
    /// Data syncs since open: one per batch.
    pub syncs: u64,
    /// Bytes appended since open.
    pub bytes: u64,
    /// Times the file was replaced by a compacted one.
    pub compactions: u64,
}

#[derive(Debug, Default)]
pub(super) struct Counters {
    pub(super) lines: AtomicU64,
    pub(super) syncs: AtomicU64,
    pub(super) bytes: AtomicU64,
    pub(super) compactions: AtomicU64,
}
