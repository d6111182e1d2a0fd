//! Opening a journal file: create, lock, cut a torn tail, read lines.

use super::fs::{create_private_dir, keep_cut, lock, open_private, sync_parent};
use super::writer::{Journal, Writer, run};
use super::{Counters, FRAGMENT_KEPT, JournalError, QUEUE, SCAN_CHUNK, Sealer, TornTail};
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tokio::sync::mpsc;

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
            parent_unsynced: false,
            lines: Vec::new(),
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
        // Kept before the cut, so a crash between the two loses nothing: at
        // worst the next open keeps the same bytes a second time. Failing to
        // keep them does not stop the journal from opening; its repair says so.
        let kept = keep_cut(&path, &fragment)
            .inspect_err(|e| tracing::warn!(journal = %path.display(), "the bytes cut from its end were not kept: {e}"))
            .ok();
        self.file.set_len(cut).map_err(JournalError::io("cut the torn tail of", &path))?;
        self.file.sync_all().map_err(JournalError::io("sync", &path))?;
        self.torn = Some(TornTail { offset: cut, bytes: self.len - cut, fragment, kept });
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
