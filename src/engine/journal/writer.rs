//! The writer task: seals entries in order, writes a batch, syncs once.

use super::fs::replace_locked;
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
}

pub(super) async fn run<S: Sealer>(mut writer: Writer<S>, mut rx: mpsc::Receiver<Request<S>>) {
    let mut requests = Vec::with_capacity(MAX_BATCH);
    loop {
        if rx.recv_many(&mut requests, MAX_BATCH).await == 0 {
            return release(writer).await;
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
        let mut buf = Vec::new();
        let mut sealed = Vec::with_capacity(batch.len());
        let mut acks = Vec::with_capacity(batch.len());
        for (entry, ack) in batch {
            let mark = buf.len();
            match self.sealer.seal(entry, &mut buf) {
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
            return self;
        }
        let newlines = buf.iter().filter(|&&b| b == b'\n').count();
        let written = if newlines == sealed.len() {
            self.write_and_sync(&buf)
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
                self.sealer.checkpoint(self.len);
                self.compact();
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
        self
    }

    fn write_and_sync(&mut self, buf: &[u8]) -> io::Result<()> {
        self.file.write_all(buf)?;
        self.file.sync_data()
    }

    fn count(&self, lines: u64, bytes: u64) {
        self.counters.lines.fetch_add(lines, Ordering::Relaxed);
        self.counters.bytes.fetch_add(bytes, Ordering::Relaxed);
        self.counters.syncs.fetch_add(1, Ordering::Relaxed);
    }

    fn compact(&mut self) {
        let Some(content) = self.sealer.compaction() else { return };
        match replace_locked(&self.path, &content) {
            Ok(file) => {
                self.file = file;
                self.len = content.len() as u64;
                self.counters.compactions.fetch_add(1, Ordering::Relaxed);
            }
            // The old file is still whole and still ours: carry on with it.
            Err(e) => tracing::warn!(path = %self.path.display(), "journal compaction failed: {e}"),
        }
    }
}
