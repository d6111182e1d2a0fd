//! The open audit log: appending, following, repairing on open.

use super::digest::ChainHash;
use super::entry::AuditEntry;
use super::head::{self, Head, HeadError, Keeper};
use super::record::AuditRecord;
use super::scan::{Scan, scan};
use super::sealer::AuditSealer;
use crate::engine::journal::{Journal, JournalError, JournalFile, JournalStats, TornTail};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tokio::sync::broadcast;

/// Sealed records a slow follower may fall behind by before it misses some.
const FOLLOWERS_BUFFER: usize = 1024;

#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    #[error(transparent)]
    Journal(#[from] JournalError),
    #[error(transparent)]
    Head(#[from] HeadError),
    #[error(
        "the audit log {} is damaged at line {line}: {detail}; run `cxone-console audit verify`, \
         then move the log aside to start a new one",
        path.display()
    )]
    Damaged { path: PathBuf, line: u64, detail: String },
    #[error(
        "the audit log {} is {len} bytes long but its head file says {head_len} (seq {head_seq}): \
         records were cut from its end; run `cxone-console audit verify`",
        path.display()
    )]
    Truncated { path: PathBuf, len: u64, head_len: u64, head_seq: u64 },
    #[error(
        "the audit log {} is gone, but its head file says it held {head_seq} records; \
         run `cxone-console audit verify`, and put the log back (or move the head file aside to start a new one)",
        path.display()
    )]
    Missing { path: PathBuf, head_seq: u64 },
    #[error(
        "the audit log {} has no record ending at byte {head_len}, where its head file says it ends \
         (seq {head_seq}): records were changed, added or cut; run `cxone-console audit verify` to find \
         the first bad one",
        path.display()
    )]
    Diverged { path: PathBuf, head_len: u64, head_seq: u64 },
    #[error("opening the audit log stopped unexpectedly: {0}")]
    Interrupted(String),
}

/// A torn record cut from the end of the log on open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TornRecord {
    pub offset: u64,
    pub bytes: u64,
    /// The seq the unfinished record carried, when enough of it was written.
    pub seq: Option<u64>,
    /// Whether a whole line was cut (one that ends but is not a record),
    /// not only the start of one.
    pub whole_line: bool,
    /// Where the cut bytes were kept (`audit.cut` beside the log), unless
    /// they could not be.
    pub kept: Option<PathBuf>,
    /// How many of them: the first 64 KiB of a longer cut.
    pub kept_bytes: u64,
}

/// What opening found, for the engine to act on.
#[derive(Debug)]
pub struct OpenReport {
    /// Records the log held before any repair record was added.
    pub records: u64,
    /// Repair records appended while opening.
    pub repairs: Vec<AuditRecord>,
    pub torn: Option<TornRecord>,
    /// Intents without an outcome, oldest first: changes that may or may not
    /// have reached the tenant, to reconcile by reading their target back.
    pub pending: Vec<AuditRecord>,
    /// Commands recorded as applied, so a re-run batch skips them and
    /// tries everything else again.
    pub finished: HashSet<String>,
    /// Those of them found already so: they wrote nothing.
    pub already_so: HashSet<String>,
    /// Commands whose intent is recorded but no outcome saying applied
    /// (failed, refused, or left pending by a crash): writes this log's
    /// runs sent, which the tenant may have taken all the same; each with
    /// its first intent's hash (see [`EarlierRuns::sent`]).
    pub unconfirmed: HashMap<String, ChainHash>,
    /// The last records before this run, the repairs of opening included,
    /// oldest first: what the console shows of earlier runs.
    pub recent: Vec<AuditRecord>,
}

/// The hash-chained audit log. Cloning shares the same writer.
#[derive(Clone)]
pub struct AuditLog {
    journal: Journal<AuditSealer>,
    events: broadcast::Sender<Arc<AuditRecord>>,
}

impl AuditLog {
    /// Opens the log at `path` (creating it), with its head file beside it.
    pub async fn open(path: impl Into<PathBuf>) -> Result<(Self, OpenReport), AuditError> {
        let path = path.into();
        let (file, found, head_missing) = tokio::task::spawn_blocking(move || prepare(&path))
            .await
            .map_err(|e| AuditError::Interrupted(e.to_string()))??;
        let torn = file.torn().map(describe_torn);
        let (events, _) = broadcast::channel(FOLLOWERS_BUFFER);
        let head_path = head::path_for(file.path());
        let head = Keeper::spawn(head_path.clone(), "audit").map_err(|source| JournalError::Io {
            action: "start the writer of",
            path: head_path,
            source,
        })?;
        let sealer = AuditSealer { chain: found.chain, head, events: events.clone() };
        let log = Self { journal: file.start(sealer), events };
        let mut repairs = Vec::new();
        if let Some(torn) = &torn {
            let seq = torn.seq.map_or_else(|| "its seq was not written".to_owned(), |s| format!("seq {s}"));
            let what = if torn.whole_line {
                "a last line that is not a record (damaged, or written by something else)"
            } else {
                "an unfinished record left by a crash"
            };
            let mut reason = format!("cut {what}: {} bytes at byte {} ({seq})", torn.bytes, torn.offset);
            if let Some(kept) = &torn.kept {
                // Only the start of a very long cut is held to keep.
                let what = match torn.kept_bytes {
                    n if n < torn.bytes => format!("the first {n} bytes are"),
                    _ => "the bytes are".to_owned(),
                };
                reason.push_str(&format!("; {what} kept in {}", kept.display()));
            }
            repairs.push(Arc::unwrap_or_clone(log.append(AuditEntry::repair(reason)).await?));
        }
        if head_missing {
            let reason =
                format!("the head file was missing while the log held {} records; rebuilt it", found.records);
            repairs.push(Arc::unwrap_or_clone(log.append(AuditEntry::repair(reason)).await?));
        }
        let mut recent = found.recent;
        recent.extend(repairs.iter().cloned());
        let report = OpenReport {
            records: found.records,
            repairs,
            torn,
            pending: found.pending,
            finished: found.earlier.done,
            already_so: found.earlier.already_so,
            unconfirmed: found.earlier.sent,
            recent,
        };
        Ok((log, report))
    }

    /// Seals and appends one entry; resolves once it is durable.
    pub async fn append(&self, entry: AuditEntry) -> Result<Arc<AuditRecord>, AuditError> {
        Ok(self.journal.append(entry).await?)
    }

    /// Every record sealed from now on, once durable, in order.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<AuditRecord>> {
        self.events.subscribe()
    }

    pub fn path(&self) -> &Path {
        self.journal.path()
    }

    pub fn stats(&self) -> JournalStats {
        self.journal.stats()
    }

    /// Finishes what was sent, then closes the file and releases its lock.
    pub async fn close(&self) {
        self.journal.close().await;
    }
}

/// The blocking part of opening: lock, repair, read back, bring the head up
/// to date. Says whether the head was missing while records existed.
fn prepare(path: &Path) -> Result<(JournalFile, Scan, bool), AuditError> {
    let head_path = head::path_for(path);
    let head = head::read(&head_path)?;
    // Opening creates a missing log: a deleted one must not be replaced
    // by an empty one, which would hide that it was deleted.
    if let Some(h) = head.filter(|h| h.len > 0 && !path.exists()) {
        return Err(AuditError::Missing { path: path.to_path_buf(), head_seq: h.seq });
    }
    let file = JournalFile::open(path, head.map_or(0, |h| h.len))?;
    if let Some(h) = head.filter(|h| h.len > file.len()) {
        // Shorter than its head says may be an edit rather than a cut, as
        // verify tells them apart: a record that no longer holds its own
        // hash, or a log that still reaches the head's seq (a record
        // rewritten shorter), is refused by the scan as such.
        scan(&file, head.as_ref())?;
        return Err(AuditError::Truncated {
            path: path.to_path_buf(),
            len: file.len(),
            head_len: h.len,
            head_seq: h.seq,
        });
    }
    let found = scan(&file, head.as_ref())?;
    let head_missing = head.is_none() && found.records > 0;
    if found.records > 0 {
        let current = Head { seq: found.chain.next_seq - 1, hash: found.chain.prev_hash, len: file.len() };
        if head != Some(current) {
            head::write(&head_path, &current).map_err(|e| JournalError::Io {
                action: "write",
                path: head_path.clone(),
                source: e,
            })?;
        }
    }
    Ok((file, found, head_missing))
}

fn describe_torn(torn: &TornTail) -> TornRecord {
    TornRecord {
        offset: torn.offset,
        bytes: torn.bytes,
        seq: seq_in(&torn.fragment),
        whole_line: torn.fragment.contains(&b'\n'),
        kept: torn.kept.clone(),
        kept_bytes: torn.fragment.len() as u64,
    }
}

/// The `"seq":<digits>` of a partly written record, when it got that far.
fn seq_in(fragment: &[u8]) -> Option<u64> {
    const KEY: &[u8] = b"\"seq\":";
    let at = fragment.windows(KEY.len()).position(|w| w == KEY)? + KEY.len();
    let digits: Vec<u8> = fragment[at..].iter().copied().take_while(u8::is_ascii_digit).collect();
    let ends = fragment.get(at + digits.len()).is_some_and(|b| matches!(b, b',' | b'}'));
    ends.then(|| std::str::from_utf8(&digits).ok()?.parse().ok()).flatten()
}
