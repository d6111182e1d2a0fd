//! The audit pane's state: the latest records (the last of earlier runs,
//! then this run's), newest last, a filter, and follow mode, which keeps the
//! newest record in view until the supervisor moves up to read.

use super::filter::Filter;
use crate::engine::audit::{AuditRecord, action};
use crate::ui::capped::{capped, capped_line};
use std::collections::VecDeque;
use std::sync::Arc;

/// Records kept for the pane; the log file keeps them all.
pub const KEPT: usize = 5000;

pub struct AuditView {
    records: VecDeque<Arc<AuditRecord>>,
    /// What the filter reads of each record.
    haystack: VecDeque<Searched>,
    /// The serial number of `records[0]`; serials count every record received.
    first: u64,
    /// Serials of the records the filter lets through, oldest first.
    shown: Vec<u64>,
    filter: Filter,
    /// Position of the selection in `shown`.
    cursor: usize,
    /// The record the supervisor moved to, by serial: a filter being typed
    /// that hides it for a letter or two leaves it chosen, so the selection
    /// goes back to it once the filter shows it again.
    chosen: Option<u64>,
    offset: usize,
    pub follow: bool,
}

impl Default for AuditView {
    fn default() -> Self {
        Self {
            records: VecDeque::new(),
            haystack: VecDeque::new(),
            first: 0,
            shown: Vec::new(),
            filter: Filter::default(),
            cursor: 0,
            chosen: None,
            offset: 0,
            follow: true,
        }
    }
}

impl AuditView {
    /// Records of earlier runs, oldest first, shown before this run's.
    pub fn earlier(&mut self, records: Vec<Arc<AuditRecord>>) {
        let this_run = std::mem::take(&mut self.records);
        *self = Self { filter: std::mem::take(&mut self.filter), follow: self.follow, ..Self::default() };
        for record in records.into_iter().chain(this_run) {
            self.push(record);
        }
    }

    pub fn push(&mut self, record: Arc<AuditRecord>) {
        if self.records.len() == KEPT {
            self.records.pop_front();
            self.haystack.pop_front();
            self.first += 1;
            let gone = self.shown.iter().take_while(|&&s| s < self.first).count();
            self.shown.drain(..gone);
            self.cursor = self.cursor.saturating_sub(gone);
            self.offset = self.offset.saturating_sub(gone);
        }
        let searched = Searched::of(&record);
        let serial = self.first + self.records.len() as u64;
        if searched.passes(&self.filter) {
            self.shown.push(serial);
        }
        self.records.push_back(record);
        self.haystack.push_back(searched);
        if self.follow {
            self.cursor = self.shown.len().saturating_sub(1);
        }
    }

    pub fn set_filter(&mut self, input: &str) {
        let selected = self.chosen;
        self.filter = Filter::parse(input);
        self.shown = (self.first..)
            .zip(&self.haystack)
            .filter(|(_, searched)| searched.passes(&self.filter))
            .map(|(serial, _)| serial)
            .collect();
        self.cursor = match selected.and_then(|s| self.shown.iter().position(|&x| x == s)) {
            Some(pos) if !self.follow => pos,
            _ => self.shown.len().saturating_sub(1),
        };
    }

    /// Moves the selection: moving up stops following, reaching the newest
    /// record going down starts again.
    pub fn move_by(&mut self, delta: isize) {
        let last = self.shown.len().saturating_sub(1);
        self.cursor = self.cursor.saturating_add_signed(delta).min(last);
        self.follow = delta >= 0 && self.cursor == last;
        self.settle();
    }

    pub fn top(&mut self) {
        self.cursor = 0;
        self.follow = false;
        self.settle();
    }

    /// The record shown selected is the chosen one: after a move, or a
    /// filter kept with Enter.
    pub fn settle(&mut self) {
        self.chosen = self.selected_serial();
    }

    /// Jumps to the newest record and follows from there.
    pub fn follow_newest(&mut self) {
        self.follow = true;
        self.cursor = self.shown.len().saturating_sub(1);
    }

    pub fn select_position(&mut self, position: usize) {
        self.cursor = position.min(self.shown.len().saturating_sub(1));
        self.follow = false;
        self.settle();
    }

    pub fn keep_visible(&mut self, height: usize) {
        self.offset = self.window_start(height);
    }

    /// The first position drawn in a window of `height`: following pins the
    /// newest record to the bottom.
    pub fn window_start(&self, height: usize) -> usize {
        if height == 0 {
            return 0;
        }
        if self.follow {
            return self.shown.len().saturating_sub(height);
        }
        let mut start = self.offset.min(self.shown.len().saturating_sub(height));
        if self.cursor < start {
            start = self.cursor;
        } else if self.cursor >= start + height {
            start = self.cursor + 1 - height;
        }
        start
    }

    /// The records drawn in a window of `height`: (position, record).
    pub fn window(&self, height: usize) -> impl Iterator<Item = (usize, &AuditRecord)> {
        let start = self.window_start(height);
        let end = (start + height).min(self.shown.len());
        self.shown[start.min(end)..end]
            .iter()
            .enumerate()
            .filter_map(move |(i, &serial)| self.by_serial(serial).map(|r| (start + i, r)))
    }

    pub fn by_serial(&self, serial: u64) -> Option<&AuditRecord> {
        let index = usize::try_from(serial.checked_sub(self.first)?).ok()?;
        self.records.get(index).map(Arc::as_ref)
    }

    pub fn selected_serial(&self) -> Option<u64> {
        self.shown.get(self.cursor).copied()
    }

    pub fn cursor(&self) -> usize {
        self.cursor
    }

    pub fn shown_len(&self) -> usize {
        self.shown.len()
    }

    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    pub fn filter(&self) -> &Filter {
        &self.filter
    }
}

/// A record as the filter reads it, lowercase: its summary, where text is
/// looked for as it always was, and its cells one a line, which a regex is
/// matched against one by one (so `re:^jdoe$` finds what jdoe did).
struct Searched {
    text: String,
    cells: String,
}

impl Searched {
    fn of(record: &AuditRecord) -> Self {
        let (parts, operator) = parts(record);
        // A cell's own line breaks would split it in two.
        let cells: Vec<String> = parts
            .iter()
            .map(String::as_str)
            .chain(operator)
            .map(|cell| cell.to_lowercase().replace('\n', " "))
            .collect();
        Self { text: joined(parts, operator).to_lowercase(), cells: cells.join("\n") }
    }

    fn passes(&self, filter: &Filter) -> bool {
        filter.matches_row(&self.text, self.cells.split('\n'))
    }
}

/// What a record says, in the order the pane shows it.
pub fn summary(record: &AuditRecord) -> String {
    let (parts, operator) = parts(record);
    joined(parts, operator)
}

/// A record's parts and operator as one line.
fn joined(mut parts: Vec<String>, operator: Option<&str>) -> String {
    // Labelled as the pane shows it, so the name is not read as the
    // reason's last word (and `/by jdoe` finds what jdoe did).
    if let Some(operator) = operator {
        parts.push(format!("by {operator}"));
    }
    parts.join(" ")
}

/// What a record says before who made it, a cell each, and who made it:
/// the pane labels the operator's cell with "by", as a column its header.
fn parts(record: &AuditRecord) -> (Vec<String>, Option<&str>) {
    let entry = &record.entry;
    let mut parts: Vec<String> = vec![kind_word(record).to_string()];
    if let Some(action) = &entry.action {
        // Both, so a filter finds the record by either.
        parts.push(action_label(action).to_string());
        parts.push(action.clone());
    }
    // Searched by what the pane can show of them, as the tables are: kept
    // for every record the pane holds, and lowered at each.
    if let Some(target) = &entry.target {
        // Both, so a filter finds the record by either.
        parts.extend(target.name.as_deref().map(|name| capped(name).into_owned()));
        parts.push(capped(&target.id).into_owned());
    }
    if let Some(reason) = &entry.reason {
        parts.push(capped_line(reason).into_owned());
    }
    (parts, entry.operator.as_deref())
}

/// A change's action as the pane names it: `disposition`, not
/// `set_interaction_disposition`; an action it does not know, as recorded.
pub fn action_label(recorded: &str) -> &str {
    match recorded {
        action::SET_INTERACTION_DISPOSITION => "disposition",
        action::CONTACT_DISPOSITION => "contact outcome",
        action::AGENT_STATUS => "agent state",
        action::UPDATE_ATTRIBUTES => "attributes",
        action::DEPLOY_DATA_ACTION => "deploy action",
        action::NEW_DATA_ACTION_VERSION => "action version",
        action::DEPRECATE_DATA_ACTION => "deprecate action",
        action::REGISTER_CALLBACKS => "watch callbacks",
        action::REMOVE_CALLBACKS => "unwatch callbacks",
        other => other,
    }
}

/// The record's kind, or its outcome when it has one.
pub fn kind_word(record: &AuditRecord) -> &'static str {
    match (record.entry.kind, record.entry.outcome) {
        (_, Some(outcome)) => outcome.as_str(),
        (kind, None) => kind.name(),
    }
}
