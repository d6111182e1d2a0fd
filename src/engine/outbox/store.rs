//! The durable queue: enqueue, mark, reopen, compact.

use super::ledger::{Ledger, Tally};
use super::message::{Envelope, FailedMessage, Message, MessageId, Op};
use super::repair::Cut;
use crate::domain::FieldError;
use crate::engine::journal::{Journal, JournalError, JournalFile, JournalStats, Sealer, TornTail};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use time::OffsetDateTime;
use tokio::sync::Notify;

/// The journal is compacted once it holds at least this many lines...
const COMPACT_MIN_LINES: u64 = 64;
/// ...and at least this many times the lines still needed.
const COMPACT_RATIO: u64 = 2;

#[derive(Debug, thiserror::Error)]
pub enum OutboxError {
    #[error(transparent)]
    Journal(#[from] JournalError),
    #[error("line {line} of the outbox {} is unreadable ({detail}); move the file aside to start afresh", path.display())]
    Damaged { path: PathBuf, line: u64, detail: String },
    #[error("message {0} is not a failed message in the outbox")]
    NotFailed(MessageId),
    #[error("opening the outbox stopped unexpectedly: {0}")]
    Interrupted(String),
}

impl From<FieldError> for OutboxError {
    fn from(e: FieldError) -> Self {
        Self::Journal(JournalError::Rejected(e))
    }
}

/// How an attempt ended, as the journal records it.
pub(super) enum Mark {
    Delivered,
    /// Failed, with the answer or error; the message waits for another try.
    Retried(String),
    /// Given up on, with why.
    Failed(String),
}

/// The durable webhook outbox. Cloning shares it.
#[derive(Clone)]
pub struct Outbox {
    journal: Journal<OutboxSealer>,
    ledger: Arc<Mutex<Ledger>>,
    wake: Arc<Notify>,
    torn: Option<TornTail>,
    cut: Option<Cut>,
}

impl Outbox {
    /// Opens the outbox journal at `path` (creating it) and rebuilds what is
    /// waiting and what has failed.
    pub async fn open(path: impl Into<PathBuf>) -> Result<Self, OutboxError> {
        let path = path.into();
        let (file, ledger, lines, cut) = tokio::task::spawn_blocking(move || {
            let (file, ledger, lines) = replay(&path)?;
            let cut = file.torn().map(|torn| {
                let mut cut = Cut::of(&torn.fragment, torn.offset, torn.bytes);
                cut.keep(&path, &torn.fragment);
                cut
            });
            Ok::<_, OutboxError>((file, ledger, lines, cut))
        })
        .await
        .map_err(|e| OutboxError::Interrupted(e.to_string()))??;
        let torn = file.torn().cloned();
        if let Some(cut) = &cut {
            tracing::warn!(path = %file.path().display(), "{cut}");
        }
        let ledger = Arc::new(Mutex::new(ledger));
        let wake = Arc::new(Notify::new());
        let sealer = OutboxSealer { ledger: Arc::clone(&ledger), wake: Arc::clone(&wake), lines };
        Ok(Self { journal: file.start(sealer), ledger, wake, torn, cut })
    }

    /// Stores a message; resolves with its id once it is durable.
    pub async fn enqueue(&self, message: Message<'_>) -> Result<MessageId, OutboxError> {
        self.enqueue_as(MessageId::fresh(), message).await
    }

    /// Stores a message under a caller-chosen id, once: when a message with
    /// this id is waiting, failed, or was delivered lately (the last
    /// [`REMEMBERED_DELIVERIES`](super::REMEMBERED_DELIVERIES) deliveries are
    /// remembered, compaction included), nothing is added. A change's
    /// webhook uses an id derived from the change, so recording it again
    /// after a crash cannot queue it twice, and a receiver sees the same
    /// `webhook-id` should it ever arrive twice.
    pub async fn enqueue_as(&self, id: MessageId, message: Message<'_>) -> Result<MessageId, OutboxError> {
        message.validate()?;
        if self.ledger().contains(&id) {
            return Ok(id);
        }
        let body = serde_json::value::to_raw_value(&message.body)
            .map_err(|e| FieldError::new("body", format!("cannot be written as JSON: {e}")))?;
        let op = Op::Enqueued {
            id: id.clone(),
            target: message.target.to_owned(),
            event_type: message.event_type.to_owned(),
            subject: message.subject.map(str::to_owned),
            body,
            at: OffsetDateTime::now_utc(),
        };
        self.journal.append(op).await?;
        Ok(id)
    }

    /// Messages waiting for delivery, oldest first.
    pub fn pending(&self) -> Vec<Envelope> {
        self.ledger().pending().map(|e| Envelope::clone(e)).collect()
    }

    /// Messages given up on, oldest first. They stay until retried.
    pub fn failed(&self) -> Vec<FailedMessage> {
        self.ledger().failed().cloned().collect()
    }

    /// Puts a failed message back in line.
    pub async fn retry(&self, id: &MessageId) -> Result<(), OutboxError> {
        if !self.ledger().is_failed(id) {
            return Err(OutboxError::NotFailed(id.clone()));
        }
        self.journal.append(Op::Requeued { id: id.clone(), at: OffsetDateTime::now_utc() }).await?;
        Ok(())
    }

    /// Puts every failed message back in line, at once (one sync covers
    /// them all); says how many.
    pub async fn retry_failed(&self) -> Result<usize, OutboxError> {
        let failed: Vec<MessageId> = self.ledger().failed().map(|f| f.envelope.id.clone()).collect();
        let at = OffsetDateTime::now_utc();
        let requeued = failed.iter().map(|id| self.journal.append(Op::Requeued { id: id.clone(), at }));
        futures_util::future::try_join_all(requeued).await?;
        Ok(failed.len())
    }

    /// The unfinished line cut from the journal's end on open, if any: an
    /// enqueue never acknowledged, or a marker whose message will be sent again.
    pub fn torn_tail(&self) -> Option<&TornTail> {
        self.torn.as_ref()
    }

    /// The same cut, in words: what it held, and where its bytes were kept.
    pub fn cut(&self) -> Option<&Cut> {
        self.cut.as_ref()
    }

    pub fn path(&self) -> &Path {
        self.journal.path()
    }

    pub fn stats(&self) -> JournalStats {
        self.journal.stats()
    }

    /// Finishes what was sent, then closes the journal and releases its lock.
    pub async fn close(&self) {
        self.journal.close().await;
    }

    /// Records how an attempt at `id` ended, its `attempts`-th.
    pub(super) async fn mark(&self, id: &MessageId, attempts: u32, mark: Mark) -> Result<(), OutboxError> {
        let (id, at) = (id.clone(), OffsetDateTime::now_utc());
        let op = match mark {
            Mark::Delivered => Op::Delivered { id, attempts, at },
            Mark::Retried(reason) => Op::Retried { id, attempts, reason, at },
            Mark::Failed(reason) => Op::Failed { id, attempts, reason, at },
        };
        self.journal.append(op).await?;
        Ok(())
    }

    /// Messages that joined the line since `cursor` (see [`Ledger::arrivals`]).
    pub(super) fn arrivals(&self, cursor: &mut u64) -> Vec<(u64, Arc<Envelope>)> {
        self.ledger().arrivals(cursor)
    }

    /// The counts, and how many of `orders` still wait, read together.
    pub(super) fn tally(&self, orders: impl Iterator<Item = u64>) -> (Tally, usize) {
        let ledger = self.ledger();
        (ledger.tally(), orders.filter(|order| ledger.is_pending(*order)).count())
    }

    /// Woken whenever a line is applied, so the deliverer sees new messages.
    pub(super) fn waker(&self) -> Arc<Notify> {
        Arc::clone(&self.wake)
    }

    fn ledger(&self) -> MutexGuard<'_, Ledger> {
        // The ledger is only changed by whole `apply` calls, so it is
        // consistent even if a holder panicked.
        self.ledger.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// What a look at the outbox found.
#[derive(Debug, Default)]
pub struct Peek {
    /// Waiting, oldest first.
    pub waiting: Vec<Envelope>,
    /// Given up on, oldest first.
    pub failed: Vec<FailedMessage>,
    /// Bytes at the end that are not a whole, readable line: left out, as
    /// opening would cut them, but said, since they may have held a webhook.
    pub cut: Option<Cut>,
}

/// What the outbox at `path` holds, read without taking it (no lock, no
/// repair), for a look while a console or a run owns it. The end is read
/// as opening reads it: an unfinished last line (one being written, or one
/// a crash left), and a last line that is not JSON, are what opening cuts.
pub fn peek(path: &Path) -> Result<Peek, OutboxError> {
    let bytes = std::fs::read(path).map_err(JournalError::io("read", path))?;
    let mut whole = bytes.iter().rposition(|b| *b == b'\n').map_or(0, |end| end + 1);
    if whole > 0 {
        let start = bytes[..whole - 1].iter().rposition(|b| *b == b'\n').map_or(0, |end| end + 1);
        if serde_json::from_slice::<serde::de::IgnoredAny>(&bytes[start..whole - 1]).is_err() {
            whole = start;
        }
    }
    let lines: Vec<&[u8]> = bytes[..whole].split(|b| *b == b'\n').filter(|l| !l.is_empty()).collect();
    let cut =
        (whole < bytes.len()).then(|| Cut::of(&bytes[whole..], whole as u64, (bytes.len() - whole) as u64));
    let mut ledger = Ledger::default();
    for (index, line) in lines.iter().enumerate() {
        let op = serde_json::from_slice::<Op>(line).map_err(|e| OutboxError::Damaged {
            path: path.to_path_buf(),
            line: index as u64 + 1,
            detail: e.to_string(),
        })?;
        ledger.apply(&op);
    }
    Ok(Peek {
        waiting: ledger.pending().map(|e| Envelope::clone(e)).collect(),
        failed: ledger.failed().cloned().collect(),
        cut,
    })
}

/// Opens the journal and replays it. Blocking.
fn replay(path: &Path) -> Result<(JournalFile, Ledger, u64), OutboxError> {
    let file = JournalFile::open(path, 0)?;
    let mut ledger = Ledger::default();
    let mut lines = 0;
    for line in file.lines()? {
        let line = line?;
        let op: Op = serde_json::from_slice(&line.bytes).map_err(|e| OutboxError::Damaged {
            path: path.to_path_buf(),
            line: line.number,
            detail: e.to_string(),
        })?;
        ledger.apply(&op);
        lines += 1;
    }
    Ok((file, ledger, lines))
}

/// Writes ops as JSON lines and applies them to the ledger once durable.
struct OutboxSealer {
    ledger: Arc<Mutex<Ledger>>,
    wake: Arc<Notify>,
    /// Lines in the file now.
    lines: u64,
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
        }
        self.lines += batch.len() as u64;
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
        let mut content = Vec::new();
        for op in &ops {
            serde_json::to_writer(&mut content, op).ok()?;
            content.push(b'\n');
        }
        // Counted as if done; a failed replacement only delays the next try.
        self.lines = ops.len() as u64;
        Some(content)
    }
}
