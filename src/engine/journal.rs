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

use crate::domain::FieldError;
use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::sync::{mpsc, oneshot};

/// Requests that may wait for the writer; appenders beyond this wait to send.
const QUEUE: usize = 4096;
/// The most entries one write and one sync cover.
const MAX_BATCH: usize = 4096;
/// How much of a torn tail is kept for the caller's repair record.
const FRAGMENT_KEPT: usize = 64 * 1024;
/// Backwards reads while looking for a line's start.
const SCAN_CHUNK: u64 = 64 * 1024;

/// Turns entries into lines, in order, inside the writer task.
///
/// `seal` runs for each entry in the order the journal will hold them, so it
/// may number and chain them. It must not write a newline. When it refuses an
/// entry it must leave its own state as it was; the journal drops whatever it
/// wrote to `line` and tells that appender why.
pub trait Sealer: Send + 'static {
    type Entry: Send + 'static;
    type Sealed: Clone + Send + 'static;

    /// Appends the entry's line, without its newline, to `line`.
    fn seal(&mut self, entry: Self::Entry, line: &mut Vec<u8>) -> Result<Self::Sealed, FieldError>;

    /// Runs once a batch is durable, before its appenders hear of it.
    fn committed(&mut self, _batch: &[Self::Sealed]) {}

    /// Runs after the batch's appenders were answered and before the next
    /// batch, with the file's new length: for bookkeeping that may lag the
    /// file, so appenders do not wait for it.
    fn checkpoint(&mut self, _len: u64) {}

    /// The whole new content of the file when it should be compacted, asked
    /// after every committed batch. The file is replaced atomically.
    fn compaction(&mut self) -> Option<Vec<u8>> {
        None
    }
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
    #[error("{} is in use by another process (it is locked); close the other console first", path.display())]
    Locked { path: PathBuf },
    #[error(
        "{} holds an unreadable line at byte {offset}, inside what was already acknowledged; \
         it was left as it is (run `cxone-console audit verify`)",
        path.display()
    )]
    DurableDamage { path: PathBuf, offset: u64 },
    #[error("{} can no longer be written ({reason}); reopen it to repair", path.display())]
    Broken { path: PathBuf, reason: String },
    #[error("{} is closed", path.display())]
    Closed { path: PathBuf },
    #[error("entry refused: {0}")]
    Rejected(#[from] FieldError),
}

impl JournalError {
    fn io<'a>(action: &'static str, path: &'a Path) -> impl FnOnce(io::Error) -> Self + 'a {
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
struct Counters {
    lines: AtomicU64,
    syncs: AtomicU64,
    bytes: AtomicU64,
    compactions: AtomicU64,
}

/// A journal file opened, locked and repaired, not yet written to.
#[derive(Debug)]
pub struct JournalFile {
    path: PathBuf,
    file: File,
    len: u64,
    torn: Option<TornTail>,
}

impl JournalFile {
    /// Opens (creating it and its directory if needed) and locks the journal,
    /// then cuts a torn tail above `durable_len`. Blocking.
    pub fn open(path: &Path, durable_len: u64) -> Result<Self, JournalError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            create_private_dir(dir).map_err(JournalError::io("create the directory of", path))?;
        }
        let file = open_private(path).map_err(JournalError::io("open", path))?;
        lock(&file, path)?;
        sync_parent(path).map_err(JournalError::io("sync the directory of", path))?;
        let len = file.metadata().map_err(JournalError::io("read the size of", path))?.len();
        let mut opened = Self { path: path.to_path_buf(), file, len, torn: None };
        opened.cut_torn_tail(durable_len)?;
        Ok(opened)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The file's length after any repair.
    pub fn len(&self) -> u64 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The torn tail cut on open, if there was one.
    pub fn torn(&self) -> Option<&TornTail> {
        self.torn.as_ref()
    }

    /// Every line, from the start. After open each line ends with a newline.
    pub fn lines(&self) -> Result<Lines, JournalError> {
        let reader = File::open(&self.path).map_err(JournalError::io("read", &self.path))?;
        Ok(Lines {
            path: self.path.clone(),
            reader: BufReader::with_capacity(256 * 1024, reader.take(self.len)),
            offset: 0,
            number: 0,
        })
    }

    /// Hands the file to its writer task. Needs a tokio runtime.
    pub fn start<S: Sealer>(self, sealer: S) -> Journal<S> {
        let (tx, rx) = mpsc::channel(QUEUE);
        let counters = Arc::new(Counters::default());
        let writer = Writer {
            path: self.path.clone(),
            file: self.file,
            len: self.len,
            sealer,
            counters: Arc::clone(&counters),
            broken: None,
        };
        tokio::spawn(run(writer, rx));
        Journal { tx, path: self.path.into(), counters }
    }

    fn cut_torn_tail(&mut self, durable_len: u64) -> Result<(), JournalError> {
        let path = self.path.clone();
        let cut = torn_tail_start(&mut self.file, self.len).map_err(JournalError::io("read", &path))?;
        if cut == self.len {
            return Ok(());
        }
        if cut < durable_len {
            return Err(JournalError::DurableDamage { path, offset: cut });
        }
        let kept = usize::try_from(self.len - cut).map_or(FRAGMENT_KEPT, |n| n.min(FRAGMENT_KEPT));
        let mut fragment = vec![0; kept];
        self.file.seek(SeekFrom::Start(cut)).map_err(JournalError::io("read", &path))?;
        self.file.read_exact(&mut fragment).map_err(JournalError::io("read", &path))?;
        self.file.set_len(cut).map_err(JournalError::io("cut the torn tail of", &path))?;
        self.file.sync_all().map_err(JournalError::io("sync", &path))?;
        self.torn = Some(TornTail { offset: cut, bytes: self.len - cut, fragment });
        self.len = cut;
        Ok(())
    }
}

/// One line of a journal, without its newline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// 1-based line number.
    pub number: u64,
    /// Byte offset of the line's start.
    pub offset: u64,
    pub bytes: Vec<u8>,
}

impl Line {
    /// Offset just past this line's newline.
    pub fn end(&self) -> u64 {
        self.offset + self.bytes.len() as u64 + 1
    }
}

pub struct Lines {
    path: PathBuf,
    reader: BufReader<io::Take<File>>,
    offset: u64,
    number: u64,
}

impl Iterator for Lines {
    type Item = Result<Line, JournalError>;

    fn next(&mut self) -> Option<Self::Item> {
        let mut bytes = Vec::new();
        match self.reader.read_until(b'\n', &mut bytes) {
            Ok(0) => None,
            Ok(n) => {
                if bytes.last() == Some(&b'\n') {
                    bytes.pop();
                }
                self.number += 1;
                let line = Line { number: self.number, offset: self.offset, bytes };
                self.offset += n as u64;
                Some(Ok(line))
            }
            Err(e) => Some(Err(JournalError::io("read", &self.path)(e))),
        }
    }
}

/// The handle appenders share. Cloning it is cheap.
pub struct Journal<S: Sealer> {
    tx: mpsc::Sender<Request<S>>,
    path: Arc<Path>,
    counters: Arc<Counters>,
}

impl<S: Sealer> Clone for Journal<S> {
    fn clone(&self) -> Self {
        Self { tx: self.tx.clone(), path: Arc::clone(&self.path), counters: Arc::clone(&self.counters) }
    }
}

enum Request<S: Sealer> {
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

struct Writer<S: Sealer> {
    path: PathBuf,
    file: File,
    len: u64,
    sealer: S,
    counters: Arc<Counters>,
    broken: Option<String>,
}

async fn run<S: Sealer>(mut writer: Writer<S>, mut rx: mpsc::Receiver<Request<S>>) {
    let mut requests = Vec::with_capacity(MAX_BATCH);
    loop {
        if rx.recv_many(&mut requests, MAX_BATCH).await == 0 {
            return;
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
            drop(writer);
            let _ = done.send(());
            return;
        }
    }
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

/// Replaces `path` with `content` atomically: a temporary file beside it is
/// written and synced, renamed over it, and the directory synced.
pub fn write_atomically(path: &Path, content: &[u8]) -> io::Result<()> {
    write_temp_then_rename(path, content, |_| Ok(())).map(drop)
}

/// Like [`write_atomically`], keeping the new file open and locked before it
/// takes the old one's name, so no other process can slip in between.
fn replace_locked(path: &Path, content: &[u8]) -> io::Result<File> {
    write_temp_then_rename(path, content, |file| match try_lock(file)? {
        true => Ok(()),
        false => Err(io::Error::other("the compacted file is locked by another process")),
    })
}

fn write_temp_then_rename(
    path: &Path,
    content: &[u8],
    before_rename: impl FnOnce(&File) -> io::Result<()>,
) -> io::Result<File> {
    let mut temp = path.as_os_str().to_owned();
    temp.push(".tmp");
    let temp = PathBuf::from(temp);
    let written = (|| {
        let mut file = create_private_truncated(&temp)?;
        before_rename(&file)?;
        file.write_all(content)?;
        file.sync_all()?;
        std::fs::rename(&temp, path)?;
        Ok(file)
    })();
    match written {
        Ok(file) => {
            sync_parent(path)?;
            Ok(file)
        }
        Err(e) => {
            let _ = std::fs::remove_file(&temp);
            Err(e)
        }
    }
}

fn lock(file: &File, path: &Path) -> Result<(), JournalError> {
    match try_lock(file) {
        Ok(true) => Ok(()),
        Ok(false) => Err(JournalError::Locked { path: path.to_path_buf() }),
        Err(e) => Err(JournalError::io("lock", path)(e)),
    }
}

/// Takes the exclusive advisory lock without waiting: `false` when another
/// open file holds it.
fn try_lock(file: &File) -> io::Result<bool> {
    match file.try_lock() {
        Ok(()) => Ok(true),
        Err(std::fs::TryLockError::WouldBlock) => Ok(false),
        Err(std::fs::TryLockError::Error(e)) => Err(e),
    }
}

/// Where the torn tail starts, or `len` when there is none.
fn torn_tail_start(file: &mut File, len: u64) -> io::Result<u64> {
    if len == 0 {
        return Ok(0);
    }
    let mut end = len;
    if read_byte(file, len - 1)? != b'\n' {
        end = line_start(file, len)?;
    }
    if end > 0 {
        let start = line_start(file, end - 1)?;
        let mut last = vec![0; usize::try_from(end - 1 - start).map_err(io::Error::other)?];
        file.seek(SeekFrom::Start(start))?;
        file.read_exact(&mut last)?;
        if serde_json::from_slice::<serde::de::IgnoredAny>(&last).is_err() {
            end = start;
        }
    }
    Ok(end)
}

/// The offset just past the last newline before `end`, or 0.
fn line_start(file: &mut File, end: u64) -> io::Result<u64> {
    let mut chunk_end = end;
    let mut buf = Vec::new();
    while chunk_end > 0 {
        let chunk_start = chunk_end.saturating_sub(SCAN_CHUNK);
        buf.resize(usize::try_from(chunk_end - chunk_start).map_err(io::Error::other)?, 0);
        file.seek(SeekFrom::Start(chunk_start))?;
        file.read_exact(&mut buf)?;
        if let Some(i) = buf.iter().rposition(|&b| b == b'\n') {
            return Ok(chunk_start + i as u64 + 1);
        }
        chunk_end = chunk_start;
    }
    Ok(0)
}

fn read_byte(file: &mut File, at: u64) -> io::Result<u8> {
    let mut byte = [0];
    file.seek(SeekFrom::Start(at))?;
    file.read_exact(&mut byte)?;
    Ok(byte[0])
}

fn open_private(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true).append(true).create(true);
    private_mode(&mut options);
    options.open(path)
}

fn create_private_truncated(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true).write(true).create(true).truncate(true);
    private_mode(&mut options);
    options.open(path)
}

#[cfg(unix)]
fn private_mode(options: &mut OpenOptions) {
    use std::os::unix::fs::OpenOptionsExt;
    options.mode(0o600);
}

#[cfg(not(unix))]
fn private_mode(_: &mut OpenOptions) {}

/// Creates `dir` and its missing parents, readable by the owner only.
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// Makes a new or renamed directory entry durable.
fn sync_parent(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    if let Some(dir) = path.parent() {
        let dir = if dir.as_os_str().is_empty() { Path::new(".") } else { dir };
        File::open(dir)?.sync_all()?;
    }
    Ok(())
}
