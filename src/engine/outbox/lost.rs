//! Lines gone from the outbox's end, as its head file found them, in words.
//!
//! Unlike an unfinished last line (see [`Cut`](super::Cut)), lines gone at a
//! line boundary leave no bytes to keep: what they were is known only from
//! the head file (see [`super::head`]), which counts them and names the last
//! webhooks queued. The loss is said wherever the outbox is looked at, as a
//! cut is, and noted in `outbox.cut` beside the outbox before the head is
//! rewritten to the outbox as it stands, so that a crash in between cannot
//! leave it unsaid everywhere.

use super::message::MessageId;
use crate::domain::Timestamp;
use crate::engine::journal::open_private;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};
use time::OffsetDateTime;

/// A webhook queued, as a head file names it. Fields are in snake case,
/// as in `cxone-console outbox --json`, where lost ones are listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct Queued {
    pub id: MessageId,
    pub target: String,
    pub event_type: String,
}

/// Lines the head file says the outbox held that it no longer holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct Lost {
    /// The first line gone, or not the one the head file knew (1-based).
    pub from_line: u64,
    /// Whole lines gone, when that can be told: not when the lines there
    /// are not the ones the head file knew (see `changed`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lines: Option<u64>,
    /// Bytes gone, when the head file knew the file the lines were cut from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bytes: Option<u64>,
    /// How many of the lines gone queued a webhook (`enqueued` lines).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub messages: Option<u64>,
    /// The webhooks gone that the head file names: of the last it knew to
    /// be queued, those the outbox no longer holds.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub named: Vec<Queued>,
    /// Why the outbox does not read as its head file's with lines cut off,
    /// when it does not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub changed: Option<String>,
    /// When the last line left was written, and the last line the head knew.
    #[serde(default, with = "time::serde::rfc3339::option", skip_serializing_if = "Option::is_none")]
    pub after: Option<OffsetDateTime>,
    #[serde(default, with = "time::serde::rfc3339::option", skip_serializing_if = "Option::is_none")]
    pub until: Option<OffsetDateTime>,
    /// Where the loss was noted, once found on open.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kept: Option<PathBuf>,
}

impl Lost {
    /// Notes the loss in `outbox.cut` beside the outbox, with when it was
    /// found, as one JSON line: the lines are gone, but not what is known of
    /// them. Failing to note it does not stop the outbox from opening: the
    /// loss is still said.
    pub(super) fn keep(&mut self, outbox: &Path) {
        let path = outbox.with_extension("cut");
        let note = serde_json::json!({ "lost": &*self, "found": Timestamp::now().to_string() });
        let kept = open_private(&path).and_then(|mut file| {
            file.write_all(format!("{note}\n").as_bytes())?;
            file.sync_data()
        });
        match kept {
            Ok(()) => self.kept = Some(path),
            Err(e) => tracing::warn!(path = %path.display(), "the outbox's loss was not noted: {e}"),
        }
    }

    /// `3 whole lines (from line 8, 912 bytes); 2 of them queued webhooks
    /// that will not be sent: msg_… (… to "crm"), …`.
    fn what(&self) -> String {
        let mut text = match (self.lines, &self.changed) {
            (Some(lines), _) => {
                let bytes = self.bytes.map(|b| format!(", {b} bytes")).unwrap_or_default();
                format!("{} (from line {}{bytes})", count(lines, "whole line"), self.from_line)
            }
            (None, changed) => format!(
                "lines from line {} on ({}), so how many is unknown",
                self.from_line,
                changed.as_deref().unwrap_or("they are not those it held")
            ),
        };
        let markers = "said what became of messages (a delivery, an attempt, a failure), which may now be \
                       sent again under the same webhook-id";
        match self.messages {
            Some(0) => {
                text.push_str(&format!("; none of them queued a webhook: they {markers}"));
                return text;
            }
            Some(1) => text.push_str("; 1 of them queued a webhook that will not be sent"),
            Some(m) => text.push_str(&format!("; {m} of them queued webhooks that will not be sent")),
            None => text.push_str("; webhooks they queued will not be sent"),
        }
        if !self.named.is_empty() {
            let named: Vec<String> =
                self.named.iter().map(|q| format!("{} ({} to {:?})", q.id, q.event_type, q.target)).collect();
            text.push_str(&format!(": {}", named.join(", ")));
        }
        let unnamed = self.messages.and_then(|m| m.checked_sub(self.named.len() as u64)).unwrap_or(0);
        if unnamed > 0 {
            text.push_str(&format!(", and {unnamed} the head file does not name"));
        }
        if let (Some(lines), Some(messages)) = (self.lines, self.messages)
            && lines > messages
        {
            text.push_str(&format!("; the other {} {markers}", lines - messages));
        }
        let stamp = |t: OffsetDateTime| Timestamp::from_datetime(t).to_string();
        let behind =
            if self.messages == Some(1) { "the change behind it is" } else { "the changes behind them are" };
        text.push_str(&format!("; {behind} in the audit log"));
        match (self.after, self.until) {
            (Some(after), Some(until)) => {
                text.push_str(&format!(", recorded after {} and by about {}", stamp(after), stamp(until)));
            }
            (None, Some(until)) => text.push_str(&format!(", recorded by about {}", stamp(until))),
            (Some(after), None) => text.push_str(&format!(", recorded after {}", stamp(after))),
            (None, None) => {}
        }
        text
    }

    /// For a look that changes nothing: what the next start reports.
    pub fn pending_words(&self) -> String {
        format!(
            "the outbox no longer holds what its head file says it held: {}; the next start reports it",
            self.what()
        )
    }
}

/// Once found on open, as start-up and the console's status say it.
impl fmt::Display for Lost {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the webhook outbox lost lines at its end that its head file says it held (a disk that lost \
             written data, or an edit): {}",
            self.what()
        )?;
        match &self.kept {
            Some(path) => write!(f, "; noted in {}", path.display()),
            None => f.write_str("; it could not be noted beside the outbox (see the log file)"),
        }
    }
}

/// `1 line`, `2 lines`.
pub(super) fn count(n: u64, what: &str) -> String {
    if n == 1 { format!("1 {what}") } else { format!("{n} {what}s") }
}
