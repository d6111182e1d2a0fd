//! Paged lists: what to ask for and what comes back.

use crate::domain::contact_disposition::DialerState;
use crate::domain::interaction_disposition::InteractionStatus;

/// The largest page the tenant serves.
pub const MAX_TOP: u32 = 1000;

/// A page request: size, offset, "changed since", and the filter the listed
/// resource takes (so a filter cannot be sent where it means nothing).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListQuery<F = NoFilter> {
    /// Page size; `None` leaves it to the tenant (100).
    pub top: Option<u32>,
    pub skip: u64,
    /// Only items updated at or after this instant: pass a page's `as_of`
    /// back verbatim, so the tenant's clock decides, not ours.
    pub updated_since: Option<String>,
    pub filter: F,
}

impl<F: Default> ListQuery<F> {
    pub fn new() -> Self {
        Self::default()
    }
}

impl<F> ListQuery<F> {
    /// Sets the page size, kept within 1..=1000.
    pub fn top(mut self, top: u32) -> Self {
        self.top = Some(top.clamp(1, MAX_TOP));
        self
    }

    pub fn skip(mut self, skip: u64) -> Self {
        self.skip = skip;
        self
    }

    pub fn updated_since(mut self, as_of: impl Into<String>) -> Self {
        self.updated_since = Some(as_of.into());
        self
    }

    pub fn filter(mut self, filter: F) -> Self {
        self.filter = filter;
        self
    }
}

/// For lists that take no filter.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NoFilter;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InteractionFilter {
    pub status: Option<InteractionStatus>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContactFilter {
    pub state: Option<DialerState>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserFilter {
    pub team: Option<String>,
}

/// One page of a list.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Items matching the query across all pages.
    pub total_count: u64,
    pub top: u32,
    pub skip: u64,
    /// The tenant's clock when it read the page; the next `updated_since`.
    pub as_of: String,
}

impl<T> Page<T> {
    /// Whether pages remain after this one.
    pub fn has_more(&self) -> bool {
        !self.items.is_empty() && self.skip.saturating_add(self.items.len() as u64) < self.total_count
    }

    /// The query for the page after this one, if any.
    pub fn next_query<F: Clone>(&self, query: &ListQuery<F>) -> Option<ListQuery<F>> {
        self.has_more()
            .then(|| ListQuery { skip: self.skip.saturating_add(self.items.len() as u64), ..query.clone() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(items: usize, skip: u64, total: u64) -> Page<u8> {
        Page { items: vec![0; items], total_count: total, top: 100, skip, as_of: "t".into() }
    }

    #[test]
    fn page_size_stays_within_the_tenants_bounds() {
        assert_eq!(ListQuery::<NoFilter>::new().top(0).top, Some(1));
        assert_eq!(ListQuery::<NoFilter>::new().top(5000).top, Some(MAX_TOP));
    }

    #[test]
    fn next_page_follows_the_items_received() {
        let q = ListQuery::<UserFilter>::new().top(100).filter(UserFilter { team: Some("Billing".into()) });
        let next = page(100, 0, 250).next_query(&q).unwrap();
        assert_eq!((next.skip, next.filter.team.as_deref()), (100, Some("Billing")));
        assert!(page(50, 200, 250).next_query(&q).is_none());
        assert!(!page(0, 0, 10).has_more(), "an empty page never loops");
    }
}
