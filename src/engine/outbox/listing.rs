//! What waits in the outbox and what was given up on, as rows a person
//! reads: the console's `:outbox` window and `cxone-console outbox` alike.

use super::{Cut, Envelope, FailedMessage, Lost, Outbox};
use crate::domain::Timestamp;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RowState {
    Waiting,
    GivenUp,
}

/// One message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Row {
    pub state: RowState,
    pub target: String,
    pub event: String,
    /// When it was queued (waiting) or given up on.
    pub since: String,
    pub id: String,
    /// Attempts made, for a message tried or given up on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attempts: Option<u32>,
    /// The last answer or error, for a message tried or given up on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// The outbox at one moment: how many of each, and the oldest of each.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Listing {
    pub waiting: usize,
    pub given_up: usize,
    /// Those given up on first, then those waiting; each oldest first.
    pub rows: Vec<Row>,
    /// Bytes at the outbox's end that are not a whole line, left out of
    /// the counts: see [`Cut`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cut: Option<Cut>,
    /// Whole lines gone from the outbox's end that its head file says it
    /// held: see [`Lost`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lost: Option<Lost>,
    /// Targets of waiting rows that have no URL (see [`Listing::with_routes`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unrouted: Vec<String>,
}

/// Why a webhook to `target` waits when no URL is configured for it, and
/// how to send it: the same words in the listing, the status and a resend.
pub fn no_url(target: &str) -> String {
    format!(
        "no URL is configured for target {target:?}: set {target} = \"https://…\" under [webhooks] in \
         config.toml and start again; its webhooks wait until then"
    )
}

impl Listing {
    /// At most `most` rows of each kind.
    pub fn of(outbox: &Outbox, most: usize) -> Self {
        Self::new(&outbox.pending(), &outbox.failed(), most)
    }

    /// Of messages waiting and given up on, each oldest first: at most
    /// `most` rows of each kind.
    pub fn new(waiting: &[Envelope], failed: &[FailedMessage], most: usize) -> Self {
        let rows = failed
            .iter()
            .take(most)
            .map(given_up)
            .chain(waiting.iter().take(most).map(waiting_row))
            .collect();
        Self {
            waiting: waiting.len(),
            given_up: failed.len(),
            rows,
            cut: None,
            lost: None,
            unrouted: Vec::new(),
        }
    }

    /// Says, on each waiting row whose target `routed` does not know, that
    /// it has no URL (and how to give it one): such a row otherwise reads
    /// as a webhook about to go, with no attempts and no reason.
    pub fn with_routes(mut self, routed: impl Fn(&str) -> bool) -> Self {
        for row in self.rows.iter_mut().filter(|r| r.state == RowState::Waiting && !routed(&r.target)) {
            row.reason = Some(no_url(&row.target));
            if !self.unrouted.contains(&row.target) {
                self.unrouted.push(row.target.clone());
            }
        }
        self.unrouted.sort();
        self
    }

    pub fn summary(&self) -> String {
        let mut text = format!("{} waiting, {} given up on", self.waiting, self.given_up);
        let listed = self.rows.len();
        if listed < self.waiting + self.given_up {
            text.push_str(&format!(" ({listed} listed, the oldest of each)"));
        }
        if !self.unrouted.is_empty() {
            let targets = self.unrouted.join(", ");
            text.push_str(&format!("; no URL is configured for {targets}, so theirs wait"));
        }
        text
    }

    /// The rows as aligned columns (state, target, since, attempts, id),
    /// the reason last; a sentence when there are none. The event type is
    /// left out: each target hears one kind.
    pub fn table(&self) -> String {
        if self.rows.is_empty() {
            return "Nothing waits and nothing was given up on.".into();
        }
        let cells: Vec<[String; 5]> = self
            .rows
            .iter()
            .map(|r| {
                let state = match r.state {
                    RowState::Waiting => "waiting",
                    RowState::GivenUp => "given up",
                };
                let attempts = r.attempts.map_or_else(String::new, |n| format!("{n}×"));
                [state.into(), r.target.clone(), r.since.clone(), attempts, r.id.clone()]
            })
            .collect();
        let widths: Vec<usize> =
            (0..5).map(|c| cells.iter().map(|row| row[c].chars().count()).max().unwrap_or(0)).collect();
        let lines = cells.iter().zip(&self.rows).map(|(row, r)| {
            let mut line: Vec<String> =
                row.iter().zip(&widths).map(|(cell, w)| format!("{cell:<w$}", w = *w)).collect();
            if let Some(reason) = &r.reason {
                line.push(reason.clone());
            }
            line.join("  ").trim_end().to_string()
        });
        lines.collect::<Vec<_>>().join("\n")
    }
}

fn waiting_row(message: &Envelope) -> Row {
    Row {
        state: RowState::Waiting,
        target: message.target.clone(),
        event: message.event_type.clone(),
        since: moment(message.enqueued_at),
        id: message.id.to_string(),
        attempts: message.tried.as_ref().map(|tried| tried.attempts),
        reason: message.tried.as_ref().map(|tried| tried.reason.clone()),
    }
}

fn given_up(message: &FailedMessage) -> Row {
    Row {
        state: RowState::GivenUp,
        attempts: Some(message.attempts),
        reason: Some(message.reason.clone()),
        since: moment(message.failed_at),
        ..waiting_row(&message.envelope)
    }
}

fn moment(at: OffsetDateTime) -> String {
    Timestamp::from_datetime(at).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(state: RowState, target: &str, reason: Option<&str>) -> Row {
        Row {
            state,
            target: target.into(),
            event: "contact.disposition.updated".into(),
            since: "2026-11-22T16:00:00Z".into(),
            id: format!("msg_{target}"),
            attempts: reason.map(|_| 1),
            reason: reason.map(str::to_string),
        }
    }

    #[test]
    fn rows_line_up_with_the_reason_last_and_a_cut_list_says_so() {
        let listing = Listing {
            cut: None,
            lost: None,
            unrouted: Vec::new(),
            waiting: 5,
            given_up: 1,
            rows: vec![
                row(RowState::GivenUp, "crm", Some("answered 400 Bad Request")),
                row(RowState::Waiting, "wfm", None),
            ],
        };
        assert_eq!(
            listing.table(),
            "given up  crm  2026-11-22T16:00:00Z  1×  msg_crm  answered 400 Bad Request\n\
             waiting   wfm  2026-11-22T16:00:00Z      msg_wfm"
        );
        assert_eq!(listing.summary(), "5 waiting, 1 given up on (2 listed, the oldest of each)");
        let empty = Listing::default();
        let stranded = listing.clone().with_routes(|target| target != "wfm");
        assert_eq!(stranded.rows[1].reason.as_deref(), Some(no_url("wfm").as_str()));
        assert_eq!(
            stranded.rows[0].reason.as_deref(),
            Some("answered 400 Bad Request"),
            "given up on: its answer"
        );
        assert!(stranded.summary().ends_with("; no URL is configured for wfm, so theirs wait"));
        assert_eq!(empty.table(), "Nothing waits and nothing was given up on.");
        assert_eq!(empty.summary(), "0 waiting, 0 given up on");
    }
}
