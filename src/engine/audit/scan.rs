//! Reading the log back on open: where the chain stands, what is unfinished,
//! and the last records, for the console to show what came before.
//!
//! This is not full verification (see [`super::verify`], which also holds
//! each line to the canonical form and dates): it checks what carrying on
//! needs. Every line must be readable, seq must count up by one, the head
//! must match its record, and each line's hash must be its content's and
//! link to the line before: what opening acts on (the changes it skips as
//! done, the intents it reconciles) must be what was written. Hashing the
//! raw lines, not re-serializing them, keeps a 100,000-record log opening in
//! a fraction of a second.

use super::AuditError;
use super::digest::ChainHash;
use super::head::{self, Head};
use super::line;
use super::record::{AuditRecord, Outcome, RecordKind};
use super::sealer::ChainState;
use crate::engine::SkipKey;
use crate::engine::journal::{JournalError, JournalFile};
use serde::Deserialize;
use std::borrow::Cow;
use std::collections::{HashMap, HashSet, VecDeque};
use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::Path;

/// What the log holds, as far as carrying on is concerned.
#[derive(Debug)]
pub(super) struct Scan {
    pub records: u64,
    pub chain: ChainState,
    /// Intents without outcome, oldest first.
    pub pending: Vec<AuditRecord>,
    /// What the runs before did with each command.
    pub earlier: EarlierRuns,
    /// The last [`RECENT`] records, oldest first.
    pub recent: Vec<AuditRecord>,
}

/// How many of the last records opening reads back whole.
pub(super) const RECENT: usize = 500;

/// The few fields opening needs, read without building the whole record.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Skim<'a> {
    seq: u64,
    kind: RecordKind,
    #[serde(borrow, default)]
    command_id: Option<Cow<'a, str>>,
    #[serde(default)]
    outcome: Option<Outcome>,
    #[serde(borrow, default)]
    skip: Option<Cow<'a, str>>,
    /// Its own `hash` is read from the raw line (see [`Links::follow`]).
    prev_hash: ChainHash,
}

/// Follows the chain line by line: each line's hash must be the hash of its
/// content, and its `prevHash` the hash of the line before.
struct Links {
    last: ChainHash,
}

impl Links {
    const START: Self = Self { last: ChainHash::ZERO };

    /// Checks one line (read as `skim`); returns what is wrong with it.
    fn follow(&mut self, bytes: &[u8], skim: &Skim<'_>) -> Result<(), String> {
        let Some((carried, content)) = line::hashes_of(bytes) else {
            return Err("edited: its hash member is missing or malformed".to_owned());
        };
        if content != carried {
            return Err("edited: its hash is not the hash of its content".to_owned());
        }
        if skim.prev_hash != self.last {
            return Err("its prevHash is not the previous record's hash (a record was removed, \
                        moved, replaced or sealed anew)"
                .to_owned());
        }
        self.last = carried;
        Ok(())
    }
}

/// Holds a log, read line by line, to its head file: the record ending
/// where the head says the log does must be the head's record, and one
/// must end there.
struct HeadCheck {
    head: Option<Head>,
    found: bool,
    /// The last record's seq seen.
    last: u64,
}

impl HeadCheck {
    fn new(head: Option<Head>) -> Self {
        Self { head, found: head.is_none_or(|h| h.len == 0), last: 0 }
    }

    /// Takes in the record `seq`, sealed as `hash`, whose line ends at byte `end`.
    fn see(&mut self, end: u64, seq: u64, hash: ChainHash) -> Result<(), String> {
        self.last = seq;
        if let Some(head) = self.head.filter(|h| h.len == end) {
            if head.seq != seq || head.hash != hash {
                return Err("the record does not match the head file".to_owned());
            }
            self.found = true;
        }
        Ok(())
    }

    /// After the log's whole lines, `read` bytes of them: cut short, or
    /// with no record ending where the head says (one rewritten to another
    /// length, even if the log is shorter for it), it is refused.
    fn finish(self, path: &Path, read: u64) -> Result<(), AuditError> {
        let path = path.to_path_buf();
        match self.head.filter(|_| !self.found) {
            None => Ok(()),
            Some(h) if read < h.len && self.last < h.seq => {
                Err(AuditError::Truncated { path, len: read, head_len: h.len, head_seq: h.seq })
            }
            Some(h) => Err(AuditError::Diverged { path, head_len: h.len, head_seq: h.seq }),
        }
    }
}

pub(super) fn scan(file: &JournalFile, head: Option<&Head>) -> Result<Scan, AuditError> {
    let damaged =
        |line: u64, detail: String| AuditError::Damaged { path: file.path().to_path_buf(), line, detail };
    let io_error = |source| JournalError::Io { action: "read", path: file.path().to_path_buf(), source };
    let mut records = 0;
    let mut last_seq: Option<u64> = None;
    // Where each open intent's line is: read again at the end, as few remain.
    let mut open_intents: HashMap<String, (u64, u64, usize)> = HashMap::new();
    let mut earlier = EarlierRuns::default();
    let mut last_lines: VecDeque<(u64, u64, usize)> = VecDeque::with_capacity(RECENT);
    let mut held_to = HeadCheck::new(head.copied());
    let mut links = Links::START;
    for line in file.lines()? {
        let line = line?;
        let skim: Skim = serde_json::from_slice(&line.bytes)
            .map_err(|e| damaged(line.number, format!("unreadable: {e}")))?;
        let expected = last_seq.map_or(1, |seq| seq + 1);
        if skim.seq != expected {
            return Err(damaged(line.number, format!("seq {} where {expected} was expected", skim.seq)));
        }
        links.follow(&line.bytes, &skim).map_err(|detail| damaged(line.number, detail))?;
        earlier.see(&skim, links.last);
        match (skim.kind, skim.command_id) {
            (RecordKind::Intent, Some(id)) => {
                open_intents.insert(id.into_owned(), (skim.seq, line.offset, line.bytes.len()));
            }
            (RecordKind::Outcome | RecordKind::Reconciled, Some(id)) => {
                open_intents.remove(id.as_ref());
            }
            (RecordKind::Repair, _) => {}
            (kind, None) => {
                return Err(damaged(line.number, format!("a {} record without commandId", kind.name())));
            }
        }
        held_to.see(line.end(), skim.seq, links.last).map_err(|detail| damaged(line.number, detail))?;
        if last_lines.len() == RECENT {
            last_lines.pop_front();
        }
        last_lines.push_back((skim.seq, line.offset, line.bytes.len()));
        records += 1;
        last_seq = Some(skim.seq);
    }
    // Opening refused a log shorter than its head before reading it.
    held_to.finish(file.path(), file.len())?;
    // Each line's hash was checked as it was followed.
    let chain = last_seq.map_or(ChainState::START, |seq| ChainState::after(seq, links.last));
    let mut places: Vec<_> = open_intents.into_values().collect();
    places.sort_unstable();
    let mut reader = File::open(file.path()).map_err(io_error)?;
    let mut read_back = |places: &[(u64, u64, usize)], what: &str| {
        let mut records = Vec::with_capacity(places.len());
        let mut bytes = Vec::new();
        for &(seq, offset, len) in places {
            bytes.resize(len, 0);
            reader
                .seek(SeekFrom::Start(offset))
                .and_then(|_| reader.read_exact(&mut bytes))
                .map_err(io_error)?;
            let record: AuditRecord = serde_json::from_slice(&bytes)
                .map_err(|e| damaged(seq, format!("unreadable {what}: {e}")))?;
            records.push(record);
        }
        Ok::<_, AuditError>(records)
    };
    let pending = read_back(&places, "intent")?;
    let recent = read_back(last_lines.make_contiguous(), "record")?;
    Ok(Scan { records, chain, pending, earlier, recent })
}

/// What the runs before this one did with each command: what opening the
/// log carries on from, and what a dry run of a batch file needs to say
/// what a run would do now.
#[derive(Debug, Default)]
pub struct EarlierRuns {
    /// Applied, or found already so: a re-run skips them as done. Others
    /// (failed, refused, never sent) stay out, so it tries them again.
    pub done: HashSet<String>,
    /// Those of `done` whose target held the change already: they wrote
    /// nothing, and took nothing from the entries after them.
    pub already_so: HashSet<String>,
    /// Sent (an intent is recorded) with no outcome saying done: the write
    /// may have reached the tenant all the same. (A later refusal does not
    /// settle that an earlier run's write did not land: it may answer a
    /// re-run that sent nothing, or a key the tenant already holds.) Each
    /// with the hash of its first intent, which named the webhook of the
    /// write that may have landed: a re-run the tenant answers as that
    /// write announces it under the same id.
    pub sent: HashMap<String, ChainHash>,
}

impl EarlierRuns {
    /// Takes in what one record, sealed as `hash`, says of its command.
    fn see(&mut self, skim: &Skim<'_>, hash: ChainHash) {
        let Some(id) = skim.command_id.as_deref() else { return };
        if skim.kind == RecordKind::Intent {
            self.sent.entry(id.to_owned()).or_insert(hash);
        } else if says_done(skim) {
            self.sent.remove(id);
            if found_already_so(skim) {
                self.already_so.insert(id.to_owned());
            } else {
                self.already_so.remove(id);
            }
            self.done.insert(id.to_owned());
        }
    }
}

/// What the log at `path` says of each command (see [`EarlierRuns`]). Read
/// without opening the log for appending (a console may be writing it); a
/// log that does not exist holds none, and an unfinished last line is left
/// out. A line whose hash or link does not hold is an error, as on opening,
/// and so is a log its head file says was longer, or other: a dry run must
/// not take a change whose outcome was cut off for one never made. Blocking.
pub fn earlier_runs(path: &Path) -> Result<EarlierRuns, AuditError> {
    let io_error = |source| JournalError::Io { action: "read", path: path.to_path_buf(), source };
    // Read before the log: the head is written after the records it
    // covers, so a log still being written is never shorter than it.
    let head = head::read(&head::path_for(path))?;
    let file = match File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return match head.filter(|h| h.len > 0) {
                Some(h) => Err(AuditError::Missing { path: path.to_path_buf(), head_seq: h.seq }),
                None => Ok(EarlierRuns::default()),
            };
        }
        Err(e) => return Err(io_error(e).into()),
    };
    let mut reader = BufReader::with_capacity(256 * 1024, file);
    let (mut runs, mut line, mut number) = (EarlierRuns::default(), Vec::new(), 0);
    let (mut links, mut read, mut held_to) = (Links::START, 0u64, HeadCheck::new(head));
    loop {
        line.clear();
        let took = reader.read_until(b'\n', &mut line).map_err(io_error)?;
        if took == 0 || line.pop() != Some(b'\n') {
            break;
        }
        read += took as u64;
        number += 1;
        let damaged = |detail| AuditError::Damaged { path: path.to_path_buf(), line: number, detail };
        let skim: Skim = serde_json::from_slice(&line).map_err(|e| damaged(format!("unreadable: {e}")))?;
        links.follow(&line, &skim).map_err(damaged)?;
        runs.see(&skim, links.last);
        held_to.see(read, skim.seq, links.last).map_err(damaged)?;
    }
    held_to.finish(path, read)?;
    Ok(runs)
}

/// Whether a record settles its command as done: an outcome or a
/// reconciliation that found the change made, or an outcome that found the
/// target already as asked. Opening and a dry run both skip such commands
/// when a batch file runs again: sent now, a change found already so would
/// land after the later lines for its target and undo them.
fn says_done(skim: &Skim<'_>) -> bool {
    skim.kind.settles() && (skim.outcome == Some(Outcome::Applied) || found_already_so(skim))
}

/// Whether the record settles its change as held by its target already.
fn found_already_so(skim: &Skim<'_>) -> bool {
    skim.outcome == Some(Outcome::Skipped) && skim.skip.as_deref() == Some(SkipKey::Unchanged.as_str())
}
