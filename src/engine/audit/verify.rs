//! Verification: is the log exactly what was written?
//!
//! Each line is checked in order, and the first problem found is reported:
//!
//! * **unreadable** — not JSON, not an audit record, or an unfinished last
//!   line (a torn write that opening the log would repair);
//! * **edited** — the line is not in canonical form, or its `hash` is not the
//!   hash of its content (this covers a changed `seq`, `prevHash` or `hash`),
//!   or a record sealed anew: its seq follows, but the next record's
//!   `prevHash` is not its hash; or the log, whole to the head file's seq,
//!   is shorter than the head says (a record rewritten, or the head file);
//! * **reordered** — a seq lower than one already seen, or a gap whose missing
//!   seq appears later in the file;
//! * **duplicated** — a seq already seen, again (a line copied in);
//! * **deleted** — a gap whose missing seq never appears;
//! * **truncated** — the log ends before the head file's record, or the head
//!   file is missing while the log holds records. The head is written only
//!   after the records it names are synced, and opening rebuilds a missing
//!   one with a `repair` record, so a missing head outside those few
//!   milliseconds means records may have been cut from the end.
//!
//! The chain proves the log was not changed *piecemeal*: someone able to
//! rewrite the whole file and its head can forge a consistent chain. Keeping
//! a copy of the head's hash elsewhere anchors it.
//!
//! Verification reads without taking the writer's lock; a log being written
//! may end in a line still being written, reported as unreadable.

use super::canonical;
use super::digest::ChainHash;
use super::finding::{Finding, Problem, VerifyError, VerifyReport};
use super::head::{self, Head, HeadError};
use super::record::{AuditRecord, RecordKind};
use crate::domain::Timestamp;
use serde::Deserialize;
use serde_json::Value;
use std::fs::File;
use std::io::{self, BufRead, BufReader};
use std::path::Path;
use time::OffsetDateTime;

/// Verifies the log at `path` against its chain and its head file. Blocking.
pub fn verify(path: &Path) -> Result<VerifyReport, VerifyError> {
    let io_error = |source| VerifyError::Io { path: path.to_path_buf(), source };
    // A log that cannot be reached (its path runs through a file, say) was
    // not checked: that says nothing of its records.
    if let Err(e) = std::fs::metadata(path)
        && e.kind() != io::ErrorKind::NotFound
    {
        return Err(io_error(e));
    }
    let head = match head::read(&head::path_for(path)) {
        Ok(head) => head,
        Err(HeadError::Io { path, source }) => return Err(VerifyError::HeadIo { path, source }),
        Err(e) => return Ok(broken(Problem::Unreadable, None, None, e.to_string())),
    };
    let file = match File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return match head {
                Some(h) => Ok(broken(
                    Problem::Truncated,
                    None,
                    Some(1),
                    format!("the log is gone; its head says seq {}", h.seq),
                )),
                None => Err(VerifyError::Missing { path: path.to_path_buf() }),
            };
        }
        Err(e) => return Err(io_error(e)),
    };
    let len = file.metadata().map_err(io_error)?.len();
    let mut reader = BufReader::with_capacity(256 * 1024, file);
    let mut walk = Walk::default();
    let mut line = Vec::new();
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line).map_err(io_error)? == 0 {
            break;
        }
        let number = walk.records + 1;
        let expected = walk.last.map_or(1, |(seq, _)| seq + 1);
        if line.pop() != Some(b'\n') {
            return Ok(match head.filter(|h| h.len > len) {
                Some(h) => truncated(&walk, &h, len),
                None => broken(
                    Problem::Unreadable,
                    Some(number),
                    Some(expected),
                    "unfinished last line (a torn write; opening the log repairs it)".into(),
                ),
            });
        }
        let record = match check(&line, walk.last) {
            Ok(record) => record,
            Err(Fault::Gap { found }) if found > expected => {
                let later = appears_later(&mut reader, expected).map_err(io_error)?;
                let (problem, detail) = if later {
                    (Problem::Reordered, format!("seq {found} is here, and seq {expected} comes later"))
                } else {
                    (Problem::Deleted, format!("seq {expected} is missing: the next record is seq {found}"))
                };
                return Ok(broken(problem, Some(number), Some(expected), detail));
            }
            // A seq already passed: the first gap would have stopped the
            // walk had it moved, so this is a second record under it.
            Err(Fault::Gap { found }) => {
                let detail =
                    format!("this line holds seq {found} a second time, where seq {expected} belongs");
                return Ok(broken(Problem::Duplicated, Some(number), Some(expected), detail));
            }
            // Both records are whole and in order, and one of them was sealed
            // anew: the earlier is the first that may be bad.
            Err(Fault::Unchained) if expected > 1 => {
                let (before, this) = (expected - 1, expected);
                let detail = format!(
                    "seq {before} or seq {this} was rewritten and sealed anew: seq {this} (line {number}) \
                     does not name seq {before}'s hash as its prevHash"
                );
                return Ok(broken(Problem::Edited, Some(number - 1), Some(before), detail));
            }
            Err(Fault::Unchained) => {
                let detail = "the first record's prevHash is not all zeros".to_string();
                return Ok(broken(Problem::Edited, Some(number), Some(expected), detail));
            }
            Err(Fault::Other(problem, detail)) => {
                return Ok(broken(problem, Some(number), Some(expected), detail));
            }
        };
        walk.offset += line.len() as u64 + 1;
        walk.accept(record, head.as_ref());
    }
    Ok(match head {
        None if walk.records > 0 => broken(
            Problem::Truncated,
            None,
            None,
            format!(
                "the head file is missing while the log holds {} records: its end may have been cut",
                walk.records
            ),
        ),
        Some(h) if h.len > len => truncated(&walk, &h, len),
        Some(h) if !walk.head_matched => broken(
            Problem::Edited,
            None,
            Some(h.seq),
            format!(
                "no record matching the head file (seq {}, {}) ends at byte {}: the head file or the record \
                 it names was changed",
                h.seq, h.hash, h.len
            ),
        ),
        _ => VerifyReport::Intact { records: walk.records, repairs: walk.repairs, odd_times: walk.odd_times },
    })
}

/// How far a record's time may go back, or ahead of the check, before it
/// is remarked on: clocks are stepped by a little now and then.
pub const CLOCK_SLACK: time::Duration = time::Duration::minutes(5);

#[derive(Default)]
struct Walk {
    records: u64,
    last: Option<(u64, ChainHash)>,
    repairs: Vec<u64>,
    offset: u64,
    head_matched: bool,
    /// The hash of the record at the head file's seq, once met.
    at_head_seq: Option<ChainHash>,
    /// The latest time seen so far, and its seq.
    latest: Option<(OffsetDateTime, u64)>,
    odd_times: Vec<String>,
    went_back: bool,
    ahead: bool,
}

impl Walk {
    fn accept(&mut self, record: AuditRecord, head: Option<&Head>) {
        if let Some(h) = head.filter(|h| h.len == self.offset) {
            self.head_matched = h.seq == record.seq && h.hash == record.hash;
        }
        if head.is_some_and(|h| h.seq == record.seq) {
            self.at_head_seq = Some(record.hash);
        }
        if record.entry.kind == RecordKind::Repair {
            self.repairs.push(record.seq);
        }
        self.note_time(record.seq, record.time);
        self.records += 1;
        self.last = Some((record.seq, record.hash));
    }
}

impl Walk {
    fn note_time(&mut self, seq: u64, time: OffsetDateTime) {
        let stamp = |t: OffsetDateTime| Timestamp::from_datetime(t).to_string();
        if let Some((latest, at)) =
            self.latest.filter(|(latest, _)| !self.went_back && time < *latest - CLOCK_SLACK)
        {
            self.went_back = true;
            self.odd_times.push(format!(
                "seq {seq} is dated {}, before seq {at} ({})",
                stamp(time),
                stamp(latest)
            ));
        }
        if !self.ahead && time > OffsetDateTime::now_utc() + CLOCK_SLACK {
            self.ahead = true;
            self.odd_times.push(format!("seq {seq} is dated {}, later than now", stamp(time)));
        }
        if self.latest.is_none_or(|(latest, _)| time > latest) {
            self.latest = Some((time, seq));
        }
    }
}

enum Fault {
    Gap {
        found: u64,
    },
    /// The seq follows, but the prevHash is not the last record's hash.
    Unchained,
    Other(Problem, String),
}

/// Checks one line against the record before it.
fn check(line: &[u8], last: Option<(u64, ChainHash)>) -> Result<AuditRecord, Fault> {
    let unreadable = |detail: String| Fault::Other(Problem::Unreadable, detail);
    let edited = |detail: &str| Fault::Other(Problem::Edited, detail.to_owned());
    let mut value: Value = serde_json::from_slice(line).map_err(|e| unreadable(format!("not JSON: {e}")))?;
    if canonical::to_vec(&value) != line {
        return Err(edited("the line is not in canonical form"));
    }
    let Some(members) = value.as_object_mut() else {
        return Err(unreadable("not a JSON object".into()));
    };
    let claimed = members.remove("hash");
    let actual = ChainHash::of(&canonical::to_vec(&value));
    if claimed.as_ref().and_then(Value::as_str) != Some(actual.to_hex().as_str()) {
        return Err(edited("its hash does not match its content"));
    }
    if let Some(members) = value.as_object_mut() {
        members.insert("hash".into(), Value::String(actual.to_hex()));
    }
    let record: AuditRecord =
        serde_json::from_value(value).map_err(|e| unreadable(format!("not an audit record: {e}")))?;
    let expected = last.map_or(1, |(seq, _)| seq + 1);
    if record.seq != expected {
        return Err(Fault::Gap { found: record.seq });
    }
    let prev = last.map_or(ChainHash::ZERO, |(_, hash)| hash);
    if record.prev_hash != prev {
        return Err(Fault::Unchained);
    }
    Ok(record)
}

/// Whether a record with `seq` comes later in the file.
fn appears_later(reader: &mut impl BufRead, seq: u64) -> io::Result<bool> {
    #[derive(Deserialize)]
    struct Seq {
        seq: u64,
    }
    let mut line = Vec::new();
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line)? == 0 {
            return Ok(false);
        }
        if serde_json::from_slice::<Seq>(line.trim_ascii_end()).is_ok_and(|s| s.seq == seq) {
            return Ok(true);
        }
    }
}

/// A log shorter than its head file says: records cut from its end, or,
/// when it still reaches the head's seq, a record before there rewritten
/// shorter.
fn truncated(walk: &Walk, head: &Head, len: u64) -> VerifyReport {
    let last = walk.last.map_or(0, |(seq, _)| seq);
    if walk.at_head_seq == Some(head.hash) {
        let detail = format!(
            "the log is whole to seq {} with the hash its head file names, but is {len} bytes where the head \
             file says {}: the head file was changed",
            head.seq, head.len
        );
        return broken(Problem::Edited, None, None, detail);
    }
    if last >= head.seq {
        let detail = format!(
            "the log reaches seq {} as its head file says, but is {len} bytes where the head file says {}: \
             a record up to there was rewritten",
            head.seq, head.len
        );
        return broken(Problem::Edited, None, Some(head.seq), detail);
    }
    let seq = last + 1;
    let detail = format!(
        "the log is {len} bytes and ends at seq {}, but its head file says {} bytes and seq {}",
        walk.last.map_or(0, |(s, _)| s),
        head.len,
        head.seq
    );
    broken(Problem::Truncated, None, Some(seq), detail)
}

fn broken(problem: Problem, line: Option<u64>, seq: Option<u64>, detail: String) -> VerifyReport {
    VerifyReport::Broken(Finding { problem, line, seq, detail })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn times_that_go_back_or_run_ahead_are_noted_once_each() {
        let mut walk = Walk::default();
        walk.note_time(1, datetime!(2026-11-20 10:00 UTC));
        walk.note_time(2, datetime!(2026-11-20 09:58 UTC));
        assert!(walk.odd_times.is_empty(), "a clock stepped back a little is no news");
        walk.note_time(3, datetime!(2031-11-23 10:00 UTC));
        walk.note_time(4, datetime!(2026-11-20 10:01 UTC));
        walk.note_time(5, datetime!(2031-11-24 10:00 UTC));
        walk.note_time(6, datetime!(2026-11-20 10:02 UTC));
        assert_eq!(
            walk.odd_times,
            [
                "seq 3 is dated 2031-11-23T10:00:00Z, later than now",
                "seq 4 is dated 2026-11-20T10:01:00Z, before seq 3 (2031-11-23T10:00:00Z)",
            ]
        );
    }
}
