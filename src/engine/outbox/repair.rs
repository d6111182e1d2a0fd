//! What was cut, or would be cut, from the outbox's end, in words.
//!
//! A crash can leave the journal's last line unfinished; opening the outbox
//! cuts it, as the audit log does its own. The cut is a repair, not a loss
//! to hide: a cut `enqueued` line may have held a webhook that will now never
//! be sent. So the cut is said wherever the outbox is looked at (start-up,
//! the status the console shows, `cxone-console outbox`), naming the webhook
//! when the fragment still shows it, and the cut bytes are kept beside the
//! outbox so that what they held can be recovered by hand.

use super::head::Head;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::path::PathBuf;

/// Bytes at the outbox's end that are not a whole, readable line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cut {
    /// Where they start: the outbox's length once they are cut.
    pub offset: u64,
    pub bytes: u64,
    /// Lines they spread over (an unfinished one counts).
    pub lines: usize,
    /// What the fragment still shows: the line's kind, webhook id and target.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub op: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// Whether the head file says these bytes were once whole lines, synced
    /// and acknowledged: then they are a loss, not a write a crash cut short.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub synced: bool,
    /// Where the cut bytes were kept, once cut.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kept: Option<PathBuf>,
}

impl Cut {
    /// Reads what it can of `fragment`, the first bytes of the `bytes` cut
    /// at `offset`.
    pub(super) fn of(fragment: &[u8], offset: u64, bytes: u64) -> Self {
        let lines = fragment.split(|b| *b == b'\n').filter(|line| !line.is_empty()).count();
        Self {
            offset,
            bytes,
            lines,
            op: field(fragment, "op"),
            id: field(fragment, "id"),
            target: field(fragment, "target"),
            synced: false,
            kept: None,
        }
    }

    /// Notes whether `head`, read for a file of compaction `epoch`, says
    /// the outbox once held whole lines past where the cut starts.
    pub(super) fn held_by(mut self, head: Option<&Head>, epoch: u64) -> Self {
        self.synced = head.is_some_and(|head| head.epoch == epoch && head.len > self.offset);
        self
    }

    /// What became of the webhook an `enqueued` line held, if it held one.
    fn fate(&self) -> Option<&'static str> {
        match (self.op.as_deref(), self.synced) {
            (Some("enqueued"), false) => Some("that webhook was never acknowledged and will not be sent"),
            (Some("enqueued"), true) => {
                Some("that webhook had been queued and acknowledged, and will not be sent")
            }
            _ => None,
        }
    }

    /// `23 bytes at byte 410 (1 line): an "enqueued" line for webhook msg_… to "wfm"`.
    fn what(&self) -> String {
        let lines = if self.lines == 1 { "1 line".to_owned() } else { format!("{} lines", self.lines) };
        let mut text = format!("{} bytes at byte {} ({lines})", self.bytes, self.offset);
        match (&self.op, &self.id, &self.target) {
            (None, None, None) => text.push_str(", nothing in them readable"),
            (op, id, target) => {
                text.push_str(": ");
                text.push_str(
                    &op.as_ref().map_or_else(|| "a line".to_owned(), |op| format!("an {op:?} line")),
                );
                if let Some(id) = id {
                    text.push_str(&format!(" for webhook {id}"));
                }
                if let Some(target) = target {
                    text.push_str(&format!(" to {target:?}"));
                }
            }
        }
        text
    }

    /// For a look that repairs nothing: what opening the outbox will cut.
    pub fn pending_words(&self) -> String {
        let lost = match self.fate() {
            Some(fate) if !self.synced => format!("; if no process is writing it now, {fate}"),
            Some(fate) => format!("; {fate}"),
            None => String::new(),
        };
        let how = if self.synced {
            "lines its head file says were whole once"
        } else {
            "a write in progress, or one a crash cut short"
        };
        format!(
            "the outbox ends in {} that are not a whole line: {how}, which the next start cuts{lost}",
            self.what()
        )
    }
}

/// Once cut, as start-up and the console's status say it.
impl fmt::Display for Cut {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cut an unfinished line from the webhook outbox's end: {}", self.what())?;
        if let Some(fate) = self.fate() {
            write!(f, "; {fate} (its change is in the audit log)")?;
        }
        match &self.kept {
            Some(path) => write!(f, "; the cut bytes are kept in {}", path.display()),
            None => f.write_str("; the cut bytes could not be kept (see the log file)"),
        }
    }
}

/// The string value of `"name":"…"` in a JSON fragment, if it is whole.
/// The journal writes ids and targets before the body, so the first match
/// is the line's own even when the body has a field of the same name.
fn field(fragment: &[u8], name: &str) -> Option<String> {
    let text = String::from_utf8_lossy(fragment);
    let key = format!("\"{name}\":\"");
    let start = text.find(&key)? + key.len();
    let value = &text[start..];
    let end = value.find('"')?;
    let value = &value[..end];
    let plain = value.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    (plain && !value.is_empty()).then(|| value.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_torn_enqueue_names_its_webhook_and_garbage_says_nothing_is_readable() {
        let torn = br#"{"op":"enqueued","id":"msg_1","target":"wfm","eventType":"agent.status.changed","body":{"id":"x"}"#;
        let cut = Cut::of(torn, 0, torn.len() as u64);
        assert_eq!(
            (cut.op.as_deref(), cut.id.as_deref(), cut.target.as_deref()),
            (Some("enqueued"), Some("msg_1"), Some("wfm"))
        );
        let said = cut.to_string();
        assert!(said.contains(r#"an "enqueued" line for webhook msg_1 to "wfm""#), "{said}");
        assert!(said.contains("will not be sent"), "{said}");

        let garbage = Cut::of(b"garbage\n", 0, 8);
        assert_eq!(garbage.lines, 1);
        assert!(
            garbage.to_string().contains("8 bytes at byte 0 (1 line), nothing in them readable"),
            "{garbage}"
        );
        assert!(garbage.pending_words().contains("which the next start cuts"));
    }
}
