//! The lists keys move through, behind one interface so that navigation is
//! written once for every table and the audit log.

use super::pane::PaneId;
use super::{App, AuditView, Sort, TableView};
use crate::engine::Entities;
use crate::ui::entity::{Entity, Lookup};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ListId {
    Agents,
    Interactions,
    Campaigns,
    Contacts,
    DataActions,
    Audit,
}

impl ListId {
    pub fn pane(self) -> PaneId {
        match self {
            Self::Agents => PaneId::Agents,
            Self::Interactions => PaneId::Interactions,
            Self::Campaigns | Self::Contacts => PaneId::Campaigns,
            Self::DataActions => PaneId::DataActions,
            Self::Audit => PaneId::Audit,
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Self::Contacts => "Contacts",
            other => other.pane().title(),
        }
    }

    /// The engine's kind of entity the list shows; none for the audit log.
    pub fn entities(self) -> Option<Entities> {
        match self {
            Self::Agents => Some(Entities::Agents),
            Self::Interactions => Some(Entities::Interactions),
            Self::Campaigns => Some(Entities::Campaigns),
            Self::Contacts => Some(Entities::Contacts),
            Self::DataActions => Some(Entities::DataActions),
            Self::Audit => None,
        }
    }
}

/// How a key re-sorts a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortChange {
    /// The next column, ascending.
    Next,
    /// The same column, the other way.
    Reverse,
    /// The column with this letter; again to reverse.
    Letter(char),
}

/// What keys do to a list.
pub trait ListNav {
    fn move_by(&mut self, delta: isize);
    fn top(&mut self);
    fn bottom(&mut self);
    fn select_position(&mut self, position: usize);
    fn keep_visible(&mut self, height: usize);
    fn window_start(&self, height: usize) -> usize;
    fn shown_len(&self) -> usize;
    fn filter_input(&self) -> &str;
    fn set_filter(&mut self, input: &str, lookup: &Lookup<'_>);
    /// A filter is kept: the row shown selected is the chosen one from now
    /// on, even when it only stands in for one the filter hides.
    fn settle(&mut self) {}
    /// Re-sorts; false when the list has no such column or no sorting.
    fn resort(&mut self, change: SortChange, lookup: &Lookup<'_>) -> bool;
    /// Marks or unmarks the selected row; `None` when nothing is selected
    /// or the list takes no marks.
    fn toggle_pick(&mut self) -> Option<bool> {
        None
    }
    /// Marks every row shown; how many.
    fn pick_shown(&mut self) -> usize {
        0
    }
    /// Clears the marks; how many there were.
    fn clear_picks(&mut self) -> usize {
        0
    }
    fn pick_count(&self) -> usize {
        0
    }
    /// What one row is called (`agent`), when the rows are entities.
    fn noun(&self) -> Option<&'static str> {
        None
    }
    /// The selected entity's id.
    fn selected_id(&self) -> Option<&str> {
        None
    }
    /// The marked entities' ids, in the table's order.
    fn picked_ids(&self) -> Vec<&str> {
        Vec::new()
    }
}

impl<T: Entity> ListNav for TableView<T> {
    fn move_by(&mut self, delta: isize) {
        TableView::move_by(self, delta);
    }
    fn top(&mut self) {
        self.select_position(0);
    }
    fn bottom(&mut self) {
        self.select_position(usize::MAX);
    }
    fn select_position(&mut self, position: usize) {
        TableView::select_position(self, position);
    }
    fn keep_visible(&mut self, height: usize) {
        TableView::keep_visible(self, height);
    }
    fn window_start(&self, height: usize) -> usize {
        TableView::window_start(self, height)
    }
    fn shown_len(&self) -> usize {
        TableView::shown_len(self)
    }
    fn filter_input(&self) -> &str {
        self.filter().input()
    }
    fn set_filter(&mut self, input: &str, lookup: &Lookup<'_>) {
        TableView::set_filter(self, input, lookup);
    }
    fn settle(&mut self) {
        TableView::settle(self);
    }
    fn resort(&mut self, change: SortChange, lookup: &Lookup<'_>) -> bool {
        let now = self.sort();
        let columns = T::columns();
        match change {
            SortChange::Next => {
                self.set_sort(
                    Sort { column: (now.column + 1) % columns.len().max(1), descending: false },
                    lookup,
                );
            }
            SortChange::Reverse => self.set_sort(Sort { descending: !now.descending, ..now }, lookup),
            SortChange::Letter(letter) => {
                let Some(column) = columns.iter().position(|c| c.letter.eq_ignore_ascii_case(&letter)) else {
                    return false;
                };
                self.sort_by(column, lookup);
            }
        }
        true
    }
    fn toggle_pick(&mut self) -> Option<bool> {
        TableView::toggle_pick(self)
    }
    fn pick_shown(&mut self) -> usize {
        TableView::pick_shown(self)
    }
    fn clear_picks(&mut self) -> usize {
        TableView::clear_picks(self)
    }
    fn pick_count(&self) -> usize {
        TableView::pick_count(self)
    }
    fn noun(&self) -> Option<&'static str> {
        Some(T::NOUN)
    }
    fn selected_id(&self) -> Option<&str> {
        TableView::selected_id(self)
    }
    fn picked_ids(&self) -> Vec<&str> {
        self.picked_rows().into_iter().map(Entity::id).collect()
    }
}

impl ListNav for AuditView {
    fn move_by(&mut self, delta: isize) {
        AuditView::move_by(self, delta);
    }
    fn top(&mut self) {
        AuditView::top(self);
    }
    fn bottom(&mut self) {
        self.follow_newest();
    }
    fn select_position(&mut self, position: usize) {
        AuditView::select_position(self, position);
    }
    fn keep_visible(&mut self, height: usize) {
        AuditView::keep_visible(self, height);
    }
    fn window_start(&self, height: usize) -> usize {
        AuditView::window_start(self, height)
    }
    fn shown_len(&self) -> usize {
        AuditView::shown_len(self)
    }
    fn filter_input(&self) -> &str {
        self.filter().input()
    }
    fn set_filter(&mut self, input: &str, _: &Lookup<'_>) {
        AuditView::set_filter(self, input);
    }
    fn settle(&mut self) {
        AuditView::settle(self);
    }
    fn resort(&mut self, _: SortChange, _: &Lookup<'_>) -> bool {
        false
    }
}

impl App {
    /// A list, with what its cells need to be recomputed.
    pub fn list_mut(&mut self, list: ListId) -> (&mut dyn ListNav, Lookup<'_>) {
        let lookup = Lookup { now: self.clock.wall, names: &self.directory };
        let nav: &mut dyn ListNav = match list {
            ListId::Agents => &mut self.agents,
            ListId::Interactions => &mut self.interactions,
            ListId::Campaigns => &mut self.campaigns,
            ListId::Contacts => &mut self.contacts,
            ListId::DataActions => &mut self.data_actions,
            ListId::Audit => &mut self.audit,
        };
        (nav, lookup)
    }

    pub fn list(&self, list: ListId) -> &dyn ListNav {
        match list {
            ListId::Agents => &self.agents,
            ListId::Interactions => &self.interactions,
            ListId::Campaigns => &self.campaigns,
            ListId::Contacts => &self.contacts,
            ListId::DataActions => &self.data_actions,
            ListId::Audit => &self.audit,
        }
    }
}
