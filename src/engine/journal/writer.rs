//! The writer task: seals entries in order, writes a batch, syncs once.

use super::fs::{Replaced, replace_locked, sync_parent};
use super::{Counters, JournalError, JournalStats, MAX_BATCH, Sealer};
use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use tokio::sync::{mpsc, oneshot};

/// The handle appenders share. Cloning it is cheap.
pub struct Journal<S: Sealer> {
    pub(super) tx: mpsc::Sender<Request<S>>,
    pub(super) path: Arc<Path>,
    pub(super) counters: Arc<Counters>,
}

impl<S: Sealer> Clone for Journal<S> {
    fn clone(&self) -> Self {
        Self { tx: self.tx.clone(), path: Arc::clone(&self.path), counters: Arc::clone(&self.counters) }
    }
}

pub(super) enum Request<S: Sealer> {
    Append(S::Entry, oneshot::Sender<Result<S::Sealed, JournalError>>),
    Close(oneshot::Sender<()>),
}

impl<S: Sealer> Journal<S> {
    /// Appends one entry; resolves once its line is durable.
    pub async fn append(&self, entry: S::Entry) -> Result<S::Sealed, JournalError> {
        let (ack, done) = oneshot::channel();
        self.tx.send(Request::Append(entry, ack)).await.map_err(|_| self.closed())?;
        done.await.map_err(|_| self.closed())?
    }

    /// Writes what was sent before, then closes the file and releases its
    /// lock. Later appends fail.
    pub async fn close(&self) {
        let (ack, done) = oneshot::channel();
        if self.tx.send(Request::Close(ack)).await.is_ok() {
            let _ = done.await;
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn stats(&self) -> JournalStats {
        let c = &self.counters;
        JournalStats {
            lines: c.lines.load(Ordering::Relaxed),
            syncs: c.syncs.load(Ordering::Relaxed),
            bytes: c.bytes.load(Ordering::Relaxed),
            compactions: c.compactions.load(Ordering::Relaxed),
        }
    }

    fn closed(&self) -> JournalError {
        JournalError::Closed { path: self.path.to_path_buf() }
    }
}

type Batch<S> = Vec<(<S as Sealer>::Entry, oneshot::Sender<Result<<S as Sealer>::Sealed, JournalError>>)>;

pub(super) struct Writer<S: Sealer> {
    pub(super) path: PathBuf,
    pub(super) file: File,
    pub(super) len: u64,
    pub(super) sealer: S,
    pub(super) counters: Arc<Counters>,
    pub(super) broken: Option<String>,
    /// A compaction renamed its file into place but the directory could not
    /// be synced after it.
    pub(super) parent_unsynced: bool,
    /// The batch being written, kept from one commit to the next: a fresh
    /// buffer of a busy batch's size costs more in page faults (the
    /// allocator hands such memory back to the system soon after it is
    /// freed) than sealing its lines.
    pub(super) lines: Vec<u8>,
}

pub(super) async fn run<S: Sealer>(mut writer: Writer<S>, mut rx: mpsc::Receiver<Request<S>>) {
    let mut requests = Vec::with_capacity(MAX_BATCH);
    loop {
        if rx.recv_many(&mut requests, MAX_BATCH).await == 0 {
            return release(writer).await;
        }
        if requests.len() >= BUSY {
            gather_more(&mut rx, &mut requests).await;
        }
        let mut batch: Batch<S> = Vec::with_capacity(requests.len());
        let mut close = None;
        for request in requests.drain(..) {
            match request {
                Request::Append(entry, ack) if close.is_none() => batch.push((entry, ack)),
                // Appends sent after a close are dropped: their appenders hear "closed".
                Request::Append(..) => {}
                Request::Close(done) => close = Some(done),
            }
        }
        if !batch.is_empty() {
            // Blocking file work leaves the runtime's threads free; the writer
            // comes back with the file, or is lost if the sealer panicked.
            writer = match tokio::task::spawn_blocking(move || writer.commit(batch)).await {
                Ok(writer) => writer,
                Err(e) => {
                    tracing::error!("journal writer stopped: {e}");
                    return;
                }
            };
        }
        if let Some(done) = close {
            release(writer).await;
            let _ = done.send(());
            return;
        }
    }
}

/// The most of the batch buffer's room kept for the next commit.
const LINES_KEPT: usize = 4 << 20;

/// Appends found waiting together that say the journal is busy: many
/// appenders are at work, and more of their entries are about to come.
const BUSY: usize = 4;
/// Turns the runtime's queue this many times before a busy commit.
const BUSY_YIELDS: usize = 2;

/// Lets the appenders already running send their entries before a busy
/// commit, so that one sync covers them too: a sync costs about as much CPU
/// as sealing twenty entries, and the entries' wait grows by only a turn of
/// the queue. A lone append (a change made on screen) is never held back.
async fn gather_more<S: Sealer>(rx: &mut mpsc::Receiver<Request<S>>, requests: &mut Vec<Request<S>>) {
    for _ in 0..BUSY_YIELDS {
        tokio::task::yield_now().await;
    }
    while requests.len() < MAX_BATCH
        && let Ok(request) = rx.try_recv()
    {
        requests.push(request);
    }
}

/// Lets the sealer finish its own bookkeeping, then closes the file and so
/// releases its lock, off the runtime's threads: both may block on the disk.
async fn release<S: Sealer>(writer: Writer<S>) {
    let Writer { sealer, file, .. } = writer;
    let _ = tokio::task::spawn_blocking(move || {
        drop(sealer);
        drop(file);
    })
    .await;
}

impl<S: Sealer> Writer<S> {
    fn commit(mut self, batch: Batch<S>) -> Self {
        if let Some(reason) = &self.broken {
            for (_, ack) in batch {
                let _ =
                    ack.send(Err(JournalError::Broken { path: self.path.clone(), reason: reason.clone() }));
            }
            return self;
        }
        let mut lines = std::mem::take(&mut self.lines);
        self.write_batch(batch, &mut lines);
        lines.clear();
        lines.shrink_to(LINES_KEPT);
        self.lines = lines;
        self
    }

    /// Seals `batch` into `buf`, then writes and syncs it, and answers its
    /// appenders.
    fn write_batch(&mut self, batch: Batch<S>, buf: &mut Vec<u8>) {
        let mut sealed = Vec::with_capacity(batch.len());
        let mut acks = Vec::with_capacity(batch.len());
        for (entry, ack) in batch {
            let mark = buf.len();
            match self.sealer.seal(entry, buf) {
                Ok(s) => {
                    buf.push(b'\n');
                    sealed.push(s);
                    acks.push(ack);
                }
                Err(rule) => {
                    buf.truncate(mark);
                    let _ = ack.send(Err(JournalError::Rejected(rule)));
                }
            }
        }
        if sealed.is_empty() {
            return;
        }
        let newlines = buf.iter().filter(|&&b| b == b'\n').count();
        let written = if newlines == sealed.len() {
            self.write_and_sync(buf)
        } else {
            Err(io::Error::other("a sealed line held a newline"))
        };
        match written {
            Ok(()) => {
                self.len += buf.len() as u64;
                self.count(sealed.len() as u64, buf.len() as u64);
                self.sealer.committed(&sealed);
                for (ack, s) in acks.into_iter().zip(sealed) {
                    let _ = ack.send(Ok(s));
                }
                // After the compaction, so bookkeeping sees the file as it is now.
                self.compact();
                self.sealer.checkpoint(self.len);
            }
            Err(e) => {
                tracing::error!(path = %self.path.display(), "journal write failed: {e}");
                // Best effort: take back a partial batch so no unacknowledged
                // line stays behind; the journal stays broken either way.
                let _ = self.file.set_len(self.len).and_then(|()| self.file.sync_all());
                let reason = e.to_string();
                for ack in acks {
                    let _ = ack
                        .send(Err(JournalError::Broken { path: self.path.clone(), reason: reason.clone() }));
                }
                self.broken = Some(reason);
            }
        }
    }

    fn write_and_sync(&mut self, buf: &[u8]) -> io::Result<()> {
        self.file.write_all(buf)?;
        self.file.sync_data()?;
        // Until the compacted file's name is durable, a crash could bring
        // back the file before it, without these lines: they are not
        // acknowledged before it is.
        if self.parent_unsynced {
            sync_parent(&self.path)?;
            self.parent_unsynced = false;
        }
        Ok(())
    }

    fn count(&self, lines: u64, bytes: u64) {
        self.counters.lines.fetch_add(lines, Ordering::Relaxed);
        self.counters.bytes.fetch_add(bytes, Ordering::Relaxed);
        self.counters.syncs.fetch_add(1, Ordering::Relaxed);
    }

    fn compact(&mut self) {
        let Some(content) = self.sealer.compaction() else { return };
        match replace_locked(&self.path, &content) {
            Ok(Replaced { file, unsynced }) => {
                if let Some(e) = unsynced {
                    tracing::warn!(path = %self.path.display(), "journal compacted, directory not synced: {e}");
                    self.parent_unsynced = true;
                }
                self.file = file;
                self.len = content.len() as u64;
                self.counters.compactions.fetch_add(1, Ordering::Relaxed);
                self.sealer.compacted();
            }
            // The old file is still whole and still ours: carry on with it.
            Err(e) => tracing::warn!(path = %self.path.display(), "journal compaction failed: {e}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::FieldError;

    /// Lines as they come.
    struct Plain;

    impl Sealer for Plain {
        type Entry = &'static str;
        type Sealed = ();

        fn seal(&mut self, entry: &'static str, line: &mut Vec<u8>) -> Result<(), FieldError> {
            line.extend_from_slice(entry.as_bytes());
            Ok(())
        }
    }

    /// Lines as they come; once `after` lines are in, the file is compacted
    /// once to a single line.
    struct Compacting {
        lines: usize,
        after: usize,
    }

    impl Sealer for Compacting {
        type Entry = &'static str;
        type Sealed = ();

        fn seal(&mut self, entry: &'static str, line: &mut Vec<u8>) -> Result<(), FieldError> {
            line.extend_from_slice(entry.as_bytes());
            Ok(())
        }

        fn committed(&mut self, batch: &[()]) {
            self.lines += batch.len();
        }

        fn compaction(&mut self) -> Option<Vec<u8>> {
            (self.lines == self.after).then(|| b"compacted\n".to_vec())
        }
    }

    /// A journal of `dir` that compacts after its second line, with the
    /// directory's next `failures` syncs failing.
    fn compacting_with_dir_syncs_failing(dir: &Path, failures: usize) -> Journal<Compacting> {
        let file = super::super::JournalFile::open(&dir.join("j.jsonl"), 0).unwrap();
        super::super::fs::faults::fail_dir_syncs(dir, failures);
        file.start(Compacting { lines: 0, after: 2 })
    }

    /// Once renamed into place, the compacted file is the journal: lines
    /// after it go to the file of that name, acknowledged once the rename
    /// is durable.
    #[tokio::test]
    async fn a_compaction_whose_directory_did_not_sync_still_writes_to_the_file_it_named() {
        let dir = tempfile::tempdir().unwrap();
        let journal = compacting_with_dir_syncs_failing(dir.path(), 1);
        journal.append("a").await.unwrap();
        journal.append("b").await.unwrap();
        journal.append("c").await.expect("the directory synced at the second try");
        journal.close().await;
        assert_eq!(std::fs::read_to_string(dir.path().join("j.jsonl")).unwrap(), "compacted\nc\n");
    }

    #[tokio::test]
    async fn a_line_is_not_acknowledged_while_the_compacted_files_name_is_not_durable() {
        let dir = tempfile::tempdir().unwrap();
        let journal = compacting_with_dir_syncs_failing(dir.path(), 2);
        journal.append("a").await.unwrap();
        journal.append("b").await.unwrap();
        let refused = journal.append("c").await.expect_err("the rename may not survive a crash");
        assert!(refused.to_string().contains("could not be synced"), "{refused}");
        journal.close().await;
        assert_eq!(std::fs::read_to_string(dir.path().join("j.jsonl")).unwrap(), "compacted\n");
    }

    fn close() -> Request<Plain> {
        Request::Close(oneshot::channel().0)
    }

    /// Appenders already running when a busy batch is taken join it: their
    /// entries share its sync rather than wait for the next.
    #[tokio::test(flavor = "current_thread")]
    async fn a_busy_commit_takes_in_the_appenders_already_running() {
        let (tx, mut rx) = mpsc::channel(64);
        for _ in 0..BUSY {
            tx.send(close()).await.unwrap();
        }
        for _ in 0..3 {
            let tx = tx.clone();
            tokio::spawn(async move { tx.send(close()).await.is_ok() });
        }
        let mut requests = Vec::new();
        rx.recv_many(&mut requests, MAX_BATCH).await;
        assert_eq!(requests.len(), BUSY, "the spawned appenders have not run yet");
        gather_more(&mut rx, &mut requests).await;
        assert_eq!(requests.len(), BUSY + 3);
    }
}
