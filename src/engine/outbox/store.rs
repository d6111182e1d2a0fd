//! The durable queue: enqueue, mark, reopen (held to its head file), look.

use super::head::{self, Verdict, check};
use super::ledger::{Ledger, Tally};
use super::lost::Lost;
use super::message::{Envelope, FailedMessage, Message, MessageId, Op};
use super::open::{HeadRead, Opened, Replay, open_file, read_head};
use super::repair::Cut;
use super::sealer::OutboxSealer;
use crate::domain::FieldError;
use crate::engine::journal::head::{Keeper, Trouble};
use crate::engine::journal::{Journal, JournalError, JournalStats, TornTail};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use time::OffsetDateTime;
use tokio::sync::Notify;

#[derive(Debug, thiserror::Error)]
pub enum OutboxError {
    #[error(transparent)]
    Journal(#[from] JournalError),
    #[error("line {line} of the outbox {} is unreadable ({detail}); move the file aside to start afresh", path.display())]
    Damaged { path: PathBuf, line: u64, detail: String },
    #[error("message {0} is not a failed message in the outbox")]
    NotFailed(MessageId),
    #[error(
        "cannot {action} the outbox's head file {}: {source}; without it, lines cut from the outbox's end \
         would go unseen: make the file and its directory readable and writable by this user (or free \
         some disk space), then start again",
        path.display()
    )]
    Head {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: io::Error,
    },
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
    lost: Option<Lost>,
    /// A head file written anew for lines already there, in words.
    head_note: Option<String>,
    /// Why the head file cannot be written now, if it cannot.
    head_trouble: Trouble,
}

impl Outbox {
    /// Opens the outbox journal at `path` (creating it) and rebuilds what is
    /// waiting and what has failed; holds it to its head file, and says
    /// what opening cut or found gone (see [`repairs`](Self::repairs)).
    pub async fn open(path: impl Into<PathBuf>) -> Result<Self, OutboxError> {
        let path = path.into();
        let Opened { file, ledger, head, cut, lost, head_note } =
            tokio::task::spawn_blocking(move || open_file(&path))
                .await
                .map_err(|e| OutboxError::Interrupted(e.to_string()))??;
        let torn = file.torn().cloned();
        let head_path = head::path_for(file.path());
        let keeper = Keeper::spawn(head_path.clone(), "outbox").map_err(|source| OutboxError::Head {
            action: "start the writer of",
            path: head_path,
            source,
        })?;
        let head_trouble = keeper.trouble_handle();
        let ledger = Arc::new(Mutex::new(ledger));
        let wake = Arc::new(Notify::new());
        // The status the deliverer publishes says it: the deliverer waits on `wake`.
        head_trouble.wake_on_change(Arc::clone(&wake));
        let sealer = OutboxSealer {
            ledger: Arc::clone(&ledger),
            wake: Arc::clone(&wake),
            lines: head.lines,
            head,
            unhashed: None,
            compacting: None,
            keeper,
        };
        let outbox =
            Self { journal: file.start(sealer), ledger, wake, torn, cut, lost, head_note, head_trouble };
        for said in outbox.repairs() {
            tracing::warn!(path = %outbox.path().display(), "{said}");
        }
        Ok(outbox)
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

    /// Puts every message given up on that `asked` names back in line, at
    /// once (one sync covers them all); says how many.
    pub async fn retry_failed(&self, asked: impl Fn(&MessageId) -> bool) -> Result<usize, OutboxError> {
        let failed: Vec<MessageId> =
            self.ledger().failed().map(|f| &f.envelope.id).filter(|id| asked(id)).cloned().collect();
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

    /// Whole lines found gone from the journal's end on open, which its
    /// head file said it held.
    pub fn lost(&self) -> Option<&Lost> {
        self.lost.as_ref()
    }

    /// All that opening repaired or found, in words, for start-up and the
    /// audit log: a cut, lines gone, a head file written anew.
    pub fn repairs(&self) -> Vec<String> {
        self.losses().chain(self.head_note.iter().cloned()).collect()
    }

    /// What opening found that cost webhooks, and a head file that cannot
    /// be written now, in words, for the status the console shows while the
    /// outbox is open.
    pub fn repaired(&self) -> Option<String> {
        let unkept = self.head_trouble.get().map(|trouble| {
            format!(
                "the webhook outbox's head file: {trouble}; lines lost from the outbox's end would go unseen \
                 until it can be written"
            )
        });
        let said: Vec<String> = self.losses().chain(unkept).collect();
        (!said.is_empty()).then(|| said.join("; "))
    }

    /// The cut and the lines gone, in words.
    fn losses(&self) -> impl Iterator<Item = String> + '_ {
        let cut = self.cut.iter().map(ToString::to_string);
        cut.chain(self.lost.iter().map(ToString::to_string))
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

    /// Whether the message at `order` still waits: not yet recorded as
    /// delivered or failed.
    pub(super) fn is_pending(&self, order: u64) -> bool {
        self.ledger().is_pending(order)
    }

    /// Whether the message `id` was recorded as delivered (lately).
    pub(super) fn was_delivered(&self, id: &MessageId) -> bool {
        self.ledger().was_delivered(id)
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
    /// Whole lines its head file says it held that it no longer holds:
    /// the next start reports them.
    pub lost: Option<Lost>,
}

/// What the outbox at `path` holds, read without taking it (no lock, no
/// repair), for a look while a console or a run owns it. The end is read
/// as opening reads it: an unfinished last line (one being written, or one
/// a crash left), and a last line that is not JSON, are what opening cuts;
/// and it is held to its head file as opening holds it. A missing outbox
/// reads as empty, and so as all gone if its head file says it held lines.
pub fn peek(path: &Path) -> Result<Peek, OutboxError> {
    // The head before the file: read after, it could describe lines written
    // since, which the file read would lack.
    let head = match read_head(path) {
        Ok(head) => head,
        // Opening says so, and writes a new one.
        Err(HeadRead::Unreadable(_)) => None,
        Err(HeadRead::Failed(e)) => return Err(e),
    };
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(JournalError::io("read", path)(e).into()),
    };
    let mut whole = bytes.iter().rposition(|b| *b == b'\n').map_or(0, |end| end + 1);
    if whole > 0 {
        let start = bytes[..whole - 1].iter().rposition(|b| *b == b'\n').map_or(0, |end| end + 1);
        if serde_json::from_slice::<serde::de::IgnoredAny>(&bytes[start..whole - 1]).is_err() {
            whole = start;
        }
    }
    let cut =
        (whole < bytes.len()).then(|| Cut::of(&bytes[whole..], whole as u64, (bytes.len() - whole) as u64));
    let mut replay = Replay::new(path, head.as_ref());
    let (mut end, mut number, mut last) = (0, 0, None);
    for line in bytes[..whole].split(|b| *b == b'\n') {
        end += line.len() as u64 + 1;
        if line.is_empty() {
            continue;
        }
        number += 1;
        replay.line(number, line, end)?;
        last = Some(line);
    }
    let (ledger, survey) = replay.finish(last);
    let lost = match check(head.as_ref(), &survey, |id| ledger.contains(id)) {
        Verdict::Lost(lost) => Some(lost),
        Verdict::Whole | Verdict::NoHead => None,
    };
    let cut = cut.map(|cut| cut.held_by(head.as_ref(), survey.now.epoch));
    Ok(Peek {
        waiting: ledger.pending().map(|e| Envelope::clone(e)).collect(),
        failed: ledger.failed().cloned().collect(),
        cut,
        lost,
    })
}
