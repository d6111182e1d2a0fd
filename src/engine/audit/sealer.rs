//! Sealing in the writer task: numbering, chaining, the head, the broadcast.

use super::digest::ChainHash;
use super::entry::AuditEntry;
use super::head::{Head, Keeper};
use super::record::{AuditRecord, RecordKind};
use super::{line, redact};
use crate::domain::FieldError;
use crate::engine::journal::Sealer;
use std::sync::Arc;
use time::OffsetDateTime;
use tokio::sync::broadcast;

/// Where the chain stands: the next record's seq and its `prevHash`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct ChainState {
    pub next_seq: u64,
    pub prev_hash: ChainHash,
}

impl ChainState {
    pub const START: Self = Self { next_seq: 1, prev_hash: ChainHash::ZERO };

    pub fn after(seq: u64, hash: ChainHash) -> Self {
        Self { next_seq: seq + 1, prev_hash: hash }
    }
}

pub(super) struct AuditSealer {
    pub chain: ChainState,
    pub head: Keeper,
    pub events: broadcast::Sender<Arc<AuditRecord>>,
}

impl Sealer for AuditSealer {
    type Entry = AuditEntry;
    // Shared, so the appender and every follower get the record without a
    // copy of its JSON values each.
    type Sealed = Arc<AuditRecord>;

    fn seal(&mut self, entry: AuditEntry, line: &mut Vec<u8>) -> Result<Arc<AuditRecord>, FieldError> {
        // Outcomes and repairs of what already happened are still recorded;
        // only a change not yet begun waits for a head that can be kept.
        if entry.kind == RecordKind::Intent
            && let Some(trouble) = self.head.trouble()
        {
            return Err(FieldError::new(
                "audit",
                format!(
                    "the audit log's head file {trouble}, so records cut from the log's end would go \
                     unnoticed; no change is started until it can be written again"
                ),
            ));
        }
        let record = seal(entry, self.chain, OffsetDateTime::now_utc(), line)?;
        self.chain = ChainState::after(record.seq, record.hash);
        Ok(Arc::new(record))
    }

    fn committed(&mut self, batch: &[Arc<AuditRecord>]) {
        for record in batch {
            // Nobody listening is fine: the log is the record.
            let _ = self.events.send(Arc::clone(record));
        }
    }

    fn checkpoint(&mut self, len: u64) {
        let Some(seq) = self.chain.next_seq.checked_sub(1).filter(|s| *s > 0) else { return };
        self.head.update(Head { seq, hash: self.chain.prev_hash, len });
    }
}

/// Turns an entry into the record at `chain`, appending its line to `line`.
pub(super) fn seal(
    mut entry: AuditEntry,
    chain: ChainState,
    now: OffsetDateTime,
    line: &mut Vec<u8>,
) -> Result<AuditRecord, FieldError> {
    entry.validate()?;
    // An absent state and a null one say the same; the log writes only the former.
    entry.before = entry.before.filter(|v| !v.is_null());
    entry.after = entry.after.filter(|v| !v.is_null());
    entry.before.iter_mut().chain(entry.after.iter_mut()).for_each(redact::value);
    entry.reason.iter_mut().for_each(redact::text);
    // The line holds microseconds; the record returned must equal the one read back.
    let time = now.replace_nanosecond(now.nanosecond() / 1000 * 1000).unwrap_or(now);
    let mut record =
        AuditRecord { seq: chain.next_seq, time, entry, prev_hash: chain.prev_hash, hash: ChainHash::ZERO };
    // A half-written line is the writer's to take back (it does, on error).
    record.hash = line::write(&record, line)
        .map_err(|e| FieldError::new("entry", format!("cannot be written as JSON: {e}")))?;
    Ok(record)
}
