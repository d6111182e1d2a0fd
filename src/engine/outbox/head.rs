//! The outbox's head file: what the outbox held after its last synced
//! batch, so that lines cut from its end at a line boundary are seen.
//!
//! A crash can leave the last line unfinished, which opening finds and cuts
//! (see [`Cut`](super::Cut)). A cut at a line boundary leaves nothing
//! unfinished: a disk that loses data it said was synced, or an edit, can
//! take the last whole lines, and the webhooks they queued would never be
//! sent, unseen. So `outbox.head` beside the outbox says what it held, kept
//! as the audit log keeps its own (see [`journal::head`]): its lines and
//! bytes, how many of them queued a webhook, its last line's hash and time,
//! and the last webhooks queued, so that those lost can be named. An outbox
//! holding less than its head says lost lines; one holding more was written
//! after its head, which a crash allows.
//!
//! Compaction replaces the file, and the head can only follow: a crash
//! between the two leaves a head that describes the file before. So a head
//! carries the number of the compaction its file came from (`epoch`), and a
//! compacted file's first line says its number and what the compaction
//! wrote ([`Op::Compacted`]). A head of an earlier epoch is behind, and the
//! file is held to its own first line instead: what the compaction wrote
//! must all be there.

use super::lost::{Lost, Queued};
use super::message::{MessageId, Op};
use crate::engine::audit::Digest256;
use crate::engine::journal;
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use time::OffsetDateTime;

/// How many of the last webhooks queued a head names.
pub(super) const NAMED: usize = 32;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Head {
    /// The compaction the file came from; 0 before the first.
    pub epoch: u64,
    /// Whole lines, and bytes up to and including the last one's newline.
    pub lines: u64,
    pub len: u64,
    /// `enqueued` lines: one per webhook queued.
    pub messages: u64,
    /// The last line's SHA-256, so another line ending at the same byte is
    /// not taken for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hash: Option<Digest256>,
    /// When the last line was written.
    #[serde(default, with = "time::serde::rfc3339::option", skip_serializing_if = "Option::is_none")]
    pub at: Option<OffsetDateTime>,
    /// The last webhooks queued, oldest first, at most [`NAMED`].
    #[serde(default, skip_serializing_if = "VecDeque::is_empty")]
    pub queued: VecDeque<Queued>,
}

impl Head {
    /// Counts one more line, whose op is `op`. Its hash is the caller's to
    /// set, once it is the last.
    pub fn note(&mut self, op: &Op) {
        match op {
            Op::Compacted { epoch, .. } if self.lines == 0 => self.epoch = *epoch,
            Op::Enqueued { id, target, event_type, .. } => {
                self.messages += 1;
                if self.queued.len() == NAMED {
                    self.queued.pop_front();
                }
                self.queued.push_back(Queued {
                    id: id.clone(),
                    target: target.clone(),
                    event_type: event_type.clone(),
                });
            }
            _ => {}
        }
        self.lines += 1;
        self.at = Some(op.at());
    }
}

/// The head file of the outbox at `outbox`: `outbox.jsonl` → `outbox.head`.
pub(super) fn path_for(outbox: &Path) -> PathBuf {
    journal::head::path_for(outbox)
}

/// The outbox read line by line, and where it stands against a head.
pub(super) struct Survey {
    /// The head it would have now.
    pub now: Head,
    /// What the compaction that wrote it says it wrote after its first line:
    /// lines, and `enqueued` lines among them.
    wrote: Option<(u64, u64)>,
    /// Where the head read says the file ends, and the line found ending
    /// there: its number and hash.
    head_len: Option<u64>,
    at_head: Option<(u64, Digest256)>,
    /// Lines that end at or before that byte.
    within_head: u64,
}

impl Survey {
    pub fn new(head: Option<&Head>) -> Self {
        Self {
            now: Head::default(),
            wrote: None,
            head_len: head.map(|h| h.len),
            at_head: None,
            within_head: 0,
        }
    }

    /// One more whole line: its bytes without the newline, the offset just
    /// past its newline, and what it says.
    pub fn see(&mut self, bytes: &[u8], end: u64, op: &Op) {
        if let Op::Compacted { lines, messages, .. } = op
            && self.now.lines == 0
        {
            self.wrote = Some((*lines, *messages));
        }
        self.now.note(op);
        self.now.len = end;
        if self.head_len == Some(end) {
            self.at_head = Some((self.now.lines, Digest256::of(bytes)));
        }
        if self.head_len.is_some_and(|len| end <= len) {
            self.within_head = self.now.lines;
        }
    }

    /// Done, with the last line's bytes (`None` for an empty file).
    pub fn finish(&mut self, last: Option<&[u8]>) {
        self.now.hash = last.map(Digest256::of);
    }
}

/// What holding the outbox to its head found.
#[derive(Debug)]
pub(super) enum Verdict {
    /// It holds all its head says, and perhaps lines written after.
    Whole,
    /// Lines its head says it held are gone, or are not those it held.
    Lost(Lost),
    /// It has lines, but no head file: one kept before heads were, or one
    /// whose head was removed.
    NoHead,
}

/// Holds the outbox surveyed to `head`; `known` says whether a message is
/// still in it (waiting, given up on or remembered as delivered), so the
/// head's last webhooks that are not can be named as lost.
pub(super) fn check(head: Option<&Head>, survey: &Survey, known: impl Fn(&MessageId) -> bool) -> Verdict {
    let now = &survey.now;
    let Some(head) = head else {
        return if now.lines > 0 { Verdict::NoHead } else { Verdict::Whole };
    };
    let cut = |lines: u64, bytes: Option<u64>, messages: u64, after, until| Lost {
        from_line: now.lines + 1,
        lines: Some(lines),
        bytes,
        messages: Some(messages),
        named: named(head, &known),
        changed: None,
        after,
        until,
        kept: None,
    };
    let changed = |from_line: u64, detail: String| Lost {
        from_line,
        lines: None,
        bytes: None,
        messages: None,
        named: named(head, &known),
        changed: Some(detail),
        after: None,
        until: head.at,
        kept: None,
    };
    let all_gone = now.lines == 0 && head.lines > 0;
    if all_gone || (head.epoch == now.epoch && now.lines < head.lines && now.len < head.len) {
        let messages = head.messages.saturating_sub(now.messages);
        let (lines, bytes) = (head.lines - now.lines, Some(head.len - now.len));
        return Verdict::Lost(cut(lines, bytes, messages, now.at, head.at));
    }
    if head.epoch < now.epoch {
        // A crash came between the compaction and the head's next write:
        // what the compaction wrote is what the file must hold at least.
        // Its lines keep the times of those they stand for, which say
        // nothing of when the ones gone were written.
        let (wrote, messages) = survey.wrote.unwrap_or_default();
        let after_first = now.lines.saturating_sub(1);
        return match after_first.checked_sub(wrote) {
            Some(_) => Verdict::Whole,
            None => {
                let messages = messages.saturating_sub(now.messages);
                Verdict::Lost(cut(wrote - after_first, None, messages, None, None))
            }
        };
    }
    if head.epoch > now.epoch {
        let first = match now.epoch {
            0 => "says it was never compacted".to_owned(),
            epoch => format!("says compaction {epoch} wrote it"),
        };
        let detail = format!(
            "its head file says compaction {} wrote it, but its first line {first}: it was replaced by an \
             older copy, or its first line was removed",
            head.epoch
        );
        return Verdict::Lost(changed(1, detail));
    }
    match survey.at_head {
        _ if head.lines == 0 => Verdict::Whole,
        Some((line, hash)) if line == head.lines && head.hash.is_none_or(|h| h == hash) => Verdict::Whole,
        Some((line, _)) if line == head.lines => {
            let detail = format!("line {line}, where its head file says it ended, is not the line it names");
            Verdict::Lost(changed(line, detail))
        }
        _ => {
            let detail = format!(
                "it holds {} lines in {} bytes, and its head file says {} lines in {} bytes, but no line {} \
                 ends at byte {}",
                now.lines, now.len, head.lines, head.len, head.lines, head.len
            );
            Verdict::Lost(changed(survey.within_head + 1, detail))
        }
    }
}

/// The webhooks the head names that the outbox no longer holds.
fn named(head: &Head, known: impl Fn(&MessageId) -> bool) -> Vec<Queued> {
    head.queued.iter().filter(|q| !known(&q.id)).cloned().collect()
}
