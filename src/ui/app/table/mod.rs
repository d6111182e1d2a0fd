//! One entity table as the console holds it: the latest snapshot, its rows
//! in sort order, those the filter lets through, the selection (kept on the
//! same entity across refreshes) and the marks on cells that just changed.
//!
//! Every cost here is paid when data or settings change, never per frame:
//! drawing reads a window of `shown`, so 100,000 rows draw like 100.

mod index;
mod marks;
mod order;
mod picks;
mod selection;
mod stale;

pub use marks::MARK_FOR;

use super::filter::Filter;
use crate::engine::{RowKey, Table};
use crate::ui::entity::{Entity, Lookup};
use index::Index;
use marks::Marks;
use selection::Selection;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

/// The column a table is sorted by, and which way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    pub column: usize,
    pub descending: bool,
}

pub struct TableView<T: Entity> {
    table: Option<Arc<Table<T>>>,
    /// The newest snapshot that arrived while frozen.
    held: Option<Arc<Table<T>>>,
    /// Every row index, in sort order.
    sorted: Vec<u32>,
    /// The rows that pass the group and the filter, in sort order.
    shown: Vec<u32>,
    /// Rows in the current group, filtered or not.
    group_total: usize,
    /// Each row's searchable text, lowercase; rebuilt lazily.
    haystack: Vec<String>,
    sort: Sort,
    filter: Filter,
    group: Option<String>,
    /// The selection's position in `shown`.
    cursor: usize,
    /// The first position drawn.
    offset: usize,
    /// The entity chosen, kept while refreshes move it around. Only a
    /// move (or a filter kept with Enter) changes it: a filter being typed,
    /// or a refresh, that hides it leaves it chosen.
    selection: Selection,
    /// Until its pane is first looked at or the selection moved, the
    /// selection is the top row, whichever entity that is: a pane opens at
    /// its top (the newest interaction), not on the row that happened to be
    /// first when the console started.
    at_top: bool,
    marks: Marks,
    /// The keys ([`Entity::key`]) of the rows marked for a batch change:
    /// marking one contact never marks another campaign's of the same id.
    picks: HashSet<RowKey>,
    /// Rows a change of this session reached that the frozen table does
    /// not show, by key ([`Entity::key`]), with what the change did.
    stale: HashMap<RowKey, String>,
}

impl<T: Entity> Default for TableView<T> {
    fn default() -> Self {
        Self {
            table: None,
            held: None,
            sorted: Vec::new(),
            shown: Vec::new(),
            group_total: 0,
            haystack: Vec::new(),
            sort: Sort { column: T::DEFAULT_SORT, descending: T::DEFAULT_DESCENDING },
            filter: Filter::default(),
            group: None,
            cursor: 0,
            offset: 0,
            selection: Selection::None,
            at_top: true,
            marks: Marks::default(),
            picks: HashSet::new(),
            stale: HashMap::new(),
        }
    }
}

impl<T: Entity> TableView<T> {
    /// Takes a snapshot, or holds it while `frozen`. `now` times the marks.
    pub fn offer(&mut self, table: Arc<Table<T>>, frozen: bool, lookup: &Lookup<'_>, now: Duration) {
        if frozen {
            self.held = Some(table);
        } else {
            self.apply(table, lookup, now);
        }
    }

    /// Applies the snapshot held while frozen, if any.
    pub fn thaw(&mut self, lookup: &Lookup<'_>, now: Duration) -> bool {
        // Unfrozen, rows follow every refresh again: a row that has not
        // caught up yet does with the next one.
        self.stale.clear();
        match self.held.take() {
            Some(table) => {
                self.apply(table, lookup, now);
                true
            }
            None => false,
        }
    }

    fn apply(&mut self, table: Arc<Table<T>>, lookup: &Lookup<'_>, now: Duration) {
        if let Some(old) = &self.table {
            self.marks.note(old, &table, lookup, now);
        }
        self.table = Some(table);
        self.haystack.clear();
        self.prune_picks();
        self.resort(lookup);
    }

    /// Recomputes everything derived from the rows, for when what cells
    /// show changed outside them (agents' names).
    pub fn rederive(&mut self, lookup: &Lookup<'_>) {
        self.haystack.clear();
        self.resort(lookup);
    }

    fn resort(&mut self, lookup: &Lookup<'_>) {
        self.sorted = order::sorted(self.rows(), self.sort, lookup);
        self.refilter(lookup);
    }

    fn refilter(&mut self, lookup: &Lookup<'_>) {
        if self.filter.is_active() && self.haystack.len() != self.rows().len() {
            self.haystack = order::haystack(self.rows(), lookup);
        }
        let rows = self.table.as_deref().map_or(&[][..], |t| &t.rows[..]);
        (self.shown, self.group_total) =
            order::shown(rows, &self.sorted, &self.haystack, &self.filter, self.group.as_deref());
        self.reselect();
    }

    /// Puts the cursor back on the chosen entity; while that is hidden, on
    /// the row standing in for it, or whatever now holds its place.
    fn reselect(&mut self) {
        if self.at_top {
            self.cursor = 0;
            self.choose();
            return;
        }
        if let Some(pos) = self.position(self.selection.chosen()) {
            self.cursor = pos;
            self.selection.found();
            return;
        }
        if let Some(pos) = self.position(self.selection.stand_in()) {
            self.cursor = pos;
            return;
        }
        self.cursor = self.cursor.min(self.shown.len().saturating_sub(1));
        if let Some(row) = self.selected_row() {
            let key = row.key();
            self.selection.stand_on(key);
        }
    }

    /// The rows, to find each by id and group at the cost of a search.
    pub(crate) fn index(&self) -> Index<'_, T> {
        Index::new(self.rows())
    }

    /// Where the row `key` names ([`Entity::key`]) is in `shown`: a
    /// contact's with its campaign, as all campaigns' contacts may be shown.
    fn position(&self, key: Option<&RowKey>) -> Option<usize> {
        let key = key?;
        let rows = self.rows();
        self.shown.iter().position(|&i| rows[i as usize].is(key))
    }

    /// The row under the cursor becomes the chosen one.
    fn choose(&mut self) {
        if let Some(row) = self.selected_row() {
            self.selection = Selection::Chosen(row.key());
        }
    }

    /// The supervisor settles on the row shown selected (a filter kept
    /// with Enter): a row standing in for a hidden one becomes the chosen
    /// one, so clearing the filter later stays on it.
    pub fn settle(&mut self) {
        self.selection.settle();
    }

    pub fn set_filter(&mut self, input: &str, lookup: &Lookup<'_>) {
        self.filter = Filter::parse(input);
        self.refilter(lookup);
    }

    pub fn set_sort(&mut self, sort: Sort, lookup: &Lookup<'_>) {
        let columns = T::columns().len();
        self.sort = Sort { column: sort.column.min(columns.saturating_sub(1)), ..sort };
        self.resort(lookup);
    }

    /// Sorts by `column`, or reverses the order when it already is.
    pub fn sort_by(&mut self, column: usize, lookup: &Lookup<'_>) {
        let descending = self.sort.column == column && !self.sort.descending;
        self.set_sort(Sort { column, descending }, lookup);
    }

    /// Shows only the rows of one group (a campaign's contacts).
    pub fn set_group(&mut self, group: Option<String>, lookup: &Lookup<'_>) {
        if self.group != group {
            self.group = group;
            self.cursor = 0;
            self.offset = 0;
            self.selection = Selection::None;
            self.refilter(lookup);
        }
    }

    /// From now on the selection stays on its entity through refreshes:
    /// the pane is on screen.
    pub fn looked_at(&mut self) {
        self.at_top = false;
    }

    /// Moves the selection by `delta` rows, stopping at either end.
    pub fn move_by(&mut self, delta: isize) {
        self.at_top = false;
        let last = self.shown.len().saturating_sub(1);
        self.cursor = self.cursor.saturating_add_signed(delta).min(last);
        self.choose();
    }

    pub fn select_position(&mut self, position: usize) {
        self.at_top = false;
        self.cursor = position.min(self.shown.len().saturating_sub(1));
        self.choose();
    }

    /// Selects the entity `key` names; false when the filter or group
    /// hides it.
    pub fn select_key(&mut self, key: &RowKey) -> bool {
        match self.position(Some(key)) {
            Some(pos) => {
                self.select_position(pos);
                true
            }
            None => false,
        }
    }

    /// Moves the drawn window so the selection is in it.
    pub fn keep_visible(&mut self, height: usize) {
        self.offset = self.window_start(height);
    }

    /// Scrolls the window without moving past either end, taking the
    /// selection along when it would fall out.
    pub fn scroll(&mut self, delta: isize, height: usize) {
        let max = self.shown.len().saturating_sub(height);
        self.offset = self.offset.saturating_add_signed(delta).min(max);
        if height > 0 && (self.cursor < self.offset || self.cursor >= self.offset + height) {
            self.select_position(self.cursor.clamp(self.offset, self.offset + height - 1));
        }
    }

    /// The first position to draw in a window of `height` rows: the stored
    /// offset, moved just enough to show the selection.
    pub fn window_start(&self, height: usize) -> usize {
        if height == 0 {
            return 0;
        }
        let mut start = self.offset.min(self.shown.len().saturating_sub(height));
        if self.cursor < start {
            start = self.cursor;
        } else if self.cursor >= start + height {
            start = self.cursor + 1 - height;
        }
        start
    }

    /// The rows drawn in a window of `height`: (position, row).
    pub fn window(&self, height: usize) -> impl Iterator<Item = (usize, &T)> {
        let start = self.window_start(height);
        let rows = self.rows();
        let end = (start + height).min(self.shown.len());
        self.shown[start.min(end)..end].iter().enumerate().map(move |(i, &r)| (start + i, &rows[r as usize]))
    }

    pub fn expire_marks(&mut self, now: Duration) -> bool {
        self.marks.expire(now)
    }

    /// The columns that changed lately of the row `key` ([`Entity::key`])
    /// names, as bits.
    pub fn marked(&self, key: &RowKey) -> u64 {
        self.marks.cells(key)
    }

    pub fn has_marks(&self) -> bool {
        !self.marks.is_empty()
    }

    pub fn rows(&self) -> &[T] {
        self.table.as_deref().map_or(&[], |t| &t.rows)
    }

    pub fn table(&self) -> Option<&Table<T>> {
        self.table.as_deref()
    }

    pub fn is_loaded(&self) -> bool {
        self.table.is_some()
    }

    pub fn selected_row(&self) -> Option<&T> {
        self.shown.get(self.cursor).map(|&i| &self.rows()[i as usize])
    }

    /// The id of the row shown selected (what a change key acts on).
    pub fn selected_id(&self) -> Option<&str> {
        self.selected_row().map(Entity::id)
    }

    pub fn cursor(&self) -> usize {
        self.cursor
    }

    pub fn shown_len(&self) -> usize {
        self.shown.len()
    }

    /// Rows in the current group (all rows when there are no groups).
    pub fn group_len(&self) -> usize {
        self.group_total
    }

    pub fn filter(&self) -> &Filter {
        &self.filter
    }

    pub fn sort(&self) -> Sort {
        self.sort
    }

    pub fn is_holding(&self) -> bool {
        self.held.is_some()
    }
}
