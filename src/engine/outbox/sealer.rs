//! The outbox's side of its journal's writer: lines, the ledger, compaction
//! and the head.

use super::head::Head;
use super::ledger::Ledger;
use super::message::Op;
use crate::domain::FieldError;
use crate::engine::audit::Digest256;
use crate::engine::journal::Sealer;
use crate::engine::journal::head::Keeper;
use std::sync::{Arc, Mutex, PoisonError};
use time::OffsetDateTime;
use tokio::sync::Notify;

/// The journal is compacted once it holds at least this many lines...
const COMPACT_MIN_LINES: u64 = 64;
/// ...and at least this many times the lines still needed.
const COMPACT_RATIO: u64 = 2;

/// Writes ops as JSON lines, applies them to the ledger once durable, and
/// hands the head of each synced batch to its keeper.
pub(super) struct OutboxSealer {
    pub ledger: Arc<Mutex<Ledger>>,
    pub wake: Arc<Notify>,
    /// Lines in the file now, counted as if the last compaction succeeded:
    /// a failed one is tried again only once as many lines came again.
    pub lines: u64,
    /// What the file holds, as its head says it.
    pub head: Head,
    /// The last line's op, until its line is hashed at the checkpoint: once
    /// a batch rather than once a line.
    pub unhashed: Option<Arc<Op>>,
    /// The head of the content compaction gave the journal, until that
    /// content has replaced the file.
    pub compacting: Option<Head>,
    pub keeper: Keeper<Head>,
}

impl Sealer for OutboxSealer {
    type Entry = Op;
    type Sealed = Arc<Op>;

    fn seal(&mut self, op: Op, line: &mut Vec<u8>) -> Result<Arc<Op>, FieldError> {
        serde_json::to_writer(&mut *line, &op)
            .map_err(|e| FieldError::new("body", format!("cannot be written as JSON: {e}")))?;
        Ok(Arc::new(op))
    }

    fn committed(&mut self, batch: &[Arc<Op>]) {
        let mut ledger = self.ledger.lock().unwrap_or_else(PoisonError::into_inner);
        for op in batch {
            ledger.apply(op);
            self.head.note(op);
        }
        self.lines += batch.len() as u64;
        if let Some(last) = batch.last() {
            self.unhashed = Some(Arc::clone(last));
        }
        self.wake.notify_one();
    }

    fn compaction(&mut self) -> Option<Vec<u8>> {
        let ops = {
            let ledger = self.ledger.lock().unwrap_or_else(PoisonError::into_inner);
            if self.lines < COMPACT_MIN_LINES || self.lines < COMPACT_RATIO * ledger.live_lines() {
                return None;
            }
            ledger.ops().ok()?
        };
        let epoch = self.head.epoch + 1;
        let messages = ops.iter().filter(|op| matches!(op, Op::Enqueued { .. })).count() as u64;
        let marker =
            Op::Compacted { epoch, lines: ops.len() as u64, messages, at: OffsetDateTime::now_utc() };
        let mut head = Head::default();
        let mut content = Vec::new();
        let mut last = 0;
        for op in std::iter::once(&marker).chain(&ops) {
            last = content.len();
            serde_json::to_writer(&mut content, op).ok()?;
            content.push(b'\n');
            head.note(op);
        }
        head.len = content.len() as u64;
        head.hash = Some(Digest256::of(&content[last..content.len() - 1]));
        // Counted as if done; a failed replacement only delays the next try.
        self.lines = head.lines;
        self.compacting = Some(head);
        Some(content)
    }

    fn compacted(&mut self) {
        if let Some(head) = self.compacting.take() {
            self.head = head;
            self.unhashed = None;
        }
    }

    fn checkpoint(&mut self, len: u64) {
        self.compacting = None;
        if let Some(op) = self.unhashed.take() {
            // The same bytes `seal` wrote: serializing an op is deterministic.
            // Without a hash, the head still holds the file to its lines.
            self.head.hash = serde_json::to_vec(&*op).ok().map(|line| Digest256::of(&line));
        }
        self.head.len = len;
        self.keeper.update(self.head.clone());
    }
}
