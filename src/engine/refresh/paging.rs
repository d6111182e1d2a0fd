//! Reading a whole list, page after page, without losing rows that change
//! while it is read.

use super::mirror::Row;
use crate::api::model::{ListQuery, MAX_TOP, Page};
use crate::api::{ApiError, ApiErrorKind, CallInfo};
use crate::domain::Timestamp;
use std::future::Future;

/// No list is read past this many pages in one round (a million rows): a
/// tenant that keeps announcing more pages must not hold a round forever.
const MAX_PAGES: usize = 1_000;

/// What a paged read returned.
pub(super) struct Read<T> {
    pub rows: Vec<T>,
    /// The first page's `asOf`: anything that changed while later pages were
    /// read carries a later stamp, so it is read again next time.
    pub as_of: Option<String>,
}

/// Reads every page of a list, from `since` when given.
///
/// Each page after the first starts at the last row's update time rather
/// than at a count of rows: lists are ordered by update time, then id, so a
/// row changed while the pages are read moves to the end, and counting
/// would then skip the row that took its place, dropping it from a whole
/// read and its change from every later one. The tenant reads `updatedSince`
/// inclusively, so rows of that very time come again and are passed over
/// here by their id. A row read twice (changed between pages) is merged by
/// key, the later read winning.
///
/// Rows sharing one time across pages (a bulk import) are gone through by
/// count from that time, each page reaching back over the last tenth of the
/// one before: a row read already that changes meanwhile leaves the time and
/// moves the rest up, and the overlap still holds the row that took its
/// place. A page that comes back without any row read already has moved
/// further than the overlap, so that time's rows are read from their start
/// again. Starting every page at the time's start instead would read the
/// group again for each of its pages.
pub(super) async fn read_pages<T, F, Fut>(
    since: Option<&str>,
    filter: F,
    mut page: impl FnMut(ListQuery<F>) -> Fut,
) -> Result<Read<T>, ApiError>
where
    T: Row,
    F: Clone,
    Fut: Future<Output = Result<Page<T>, ApiError>>,
{
    let mut query =
        ListQuery { top: Some(MAX_TOP), skip: 0, updated_since: since.map(str::to_string), filter };
    let mut read = Read { rows: Vec::new(), as_of: None };
    let mut overlapping = false;
    for _ in 0..MAX_PAGES {
        let got = page(query.clone()).await?;
        read.as_of.get_or_insert_with(|| got.as_of.clone());
        // Where the list stands: the last row read, its time and id.
        let last = read.rows.last().and_then(place);
        if overlapping && got.items.first().is_some_and(|row| beyond(row, last.as_ref())) {
            (query.skip, overlapping) = (0, false);
            continue;
        }
        let by_count = got.next_query(&query);
        let (before, served) = (read.rows.len(), got.items.len() as u64);
        read.rows.extend(got.items.into_iter().filter(|row| beyond(row, last.as_ref())));
        let Some(by_count) = by_count else { return Ok(read) };
        let progressed = read.rows.len() > before;
        let overlap = served / 10;
        let last = read.rows.last().and_then(place);
        // Still among the rows of the time this query started from, new ones
        // read or not (a page of rows read already, gone through again after
        // rows moved past the overlap): on by count, overlapping.
        let within = last.as_ref().is_some_and(|(at, _)| query.updated_since == Some(at.to_string()));
        (query, overlapping) = match last {
            Some(_) if within && overlap > 0 => {
                (ListQuery { skip: query.skip + served - overlap, ..by_count }, true)
            }
            Some((at, _)) if progressed => {
                (ListQuery { updated_since: Some(at.to_string()), skip: 0, ..by_count }, false)
            }
            // Rows without a time, or a page of rows all read already: more
            // rows share one time than a page holds, so go through them by
            // count.
            _ => (by_count, false),
        };
    }
    Err(ApiError {
        kind: ApiErrorKind::Decode {
            detail: format!("the list still announced more rows after {MAX_PAGES} pages"),
            excerpt: String::new(),
        },
        call: Box::new(CallInfo::new(reqwest::Method::GET, String::new())),
    })
}

/// Where `row` stands in the list: its time and id, when it has a time.
fn place<T: Row>(row: &T) -> Option<(Timestamp, String)> {
    Some((*row.updated_at()?, row.id().to_string()))
}

/// Whether `row` comes after `last` in the list's order (time, then id): a
/// row at or before it was read already.
fn beyond<T: Row>(row: &T, last: Option<&(Timestamp, String)>) -> bool {
    match (row.updated_at(), last) {
        (Some(at), Some((last_at, last_id))) => {
            (at.datetime(), row.id()) > (last_at.datetime(), last_id.as_str())
        }
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::model::NoFilter;
    use crate::domain::Timestamp;
    use std::cell::RefCell;
    use std::collections::HashSet;
    use time::OffsetDateTime;

    use crate::engine::refresh::mirror::TestRow as Item;

    fn stamp(item: &Item) -> OffsetDateTime {
        item.at.expect("every row here has a time").datetime()
    }

    fn at(micros: i64) -> Timestamp {
        let base = OffsetDateTime::from_unix_timestamp(1_790_000_000).unwrap();
        Timestamp::from_datetime(base + time::Duration::microseconds(micros))
    }

    /// A tenant's list as the wire describes it: ordered by update time then
    /// id, `updatedSince` inclusive, paged by `top` and `skip`.
    struct List {
        items: Vec<Item>,
        clock: i64,
    }

    impl List {
        /// `n` items, `tied` of them changed in the same microsecond.
        fn new(n: usize, tied: usize) -> Self {
            let items = (0..n)
                .map(|i| Item {
                    id: format!("{i:05}"),
                    value: 0,
                    at: Some(at(i.saturating_sub(tied) as i64)),
                })
                .collect();
            Self { items, clock: n as i64 }
        }

        fn page(&self, query: &ListQuery<NoFilter>) -> Page<Item> {
            let mut matching: Vec<&Item> = self.items.iter().collect();
            matching.sort_by(|a, b| (stamp(a), &a.id).cmp(&(stamp(b), &b.id)));
            if let Some(since) = &query.updated_since {
                let since = Timestamp::parse_as("updatedSince", since).unwrap();
                matching.retain(|i| stamp(i) >= since.datetime());
            }
            let top = query.top.unwrap_or(100);
            let items = matching.iter().skip(query.skip as usize).take(top as usize).map(|i| (*i).clone());
            Page {
                items: items.collect(),
                total_count: matching.len() as u64,
                top,
                skip: query.skip,
                as_of: at(self.clock).to_string(),
            }
        }

        /// Changes the item at `index` (in id order) now: it moves to the end.
        fn touch(&mut self, index: usize) {
            self.clock += 1;
            self.items[index].at = Some(at(self.clock));
        }
    }

    fn read_all(list: &RefCell<List>, between_pages: impl Fn(&mut List, usize)) -> Vec<Item> {
        read_counted(list, between_pages).0
    }

    /// Every row read, and how many pages it took.
    fn read_counted(list: &RefCell<List>, between_pages: impl Fn(&mut List, usize)) -> (Vec<Item>, usize) {
        let served = RefCell::new(0);
        let read = read_pages(None, NoFilter, |query| {
            let mut list = list.borrow_mut();
            let n = *served.borrow();
            if n > 0 {
                between_pages(&mut list, n);
            }
            *served.borrow_mut() += 1;
            std::future::ready(Ok(list.page(&query)))
        });
        let rows = futures_util::FutureExt::now_or_never(read).expect("ready at once").unwrap().rows;
        (rows, served.into_inner())
    }

    fn ids(rows: &[Item]) -> HashSet<&str> {
        rows.iter().map(|r| r.id.as_str()).collect()
    }

    #[test]
    fn rows_changed_while_the_pages_are_read_cost_no_other_row_its_place() {
        let list = RefCell::new(List::new(2_500, 0));
        // Before each page after the first, rows already read change.
        let rows = read_all(&list, |list, page| list.touch(page * 10));
        assert_eq!(ids(&rows).len(), 2_500, "every row was read");
        let touched = list.borrow().items[10].clone();
        assert!(rows.contains(&touched), "a row read twice is read again as it now is");
    }

    #[test]
    fn a_row_of_a_time_shared_across_pages_changing_costs_no_other_its_place() {
        let list = RefCell::new(List::new(2_500, 1_500));
        // Rows 0 to 1,500 share one time; page 1 ends inside them, and rows
        // of that time already read change before each later page.
        let rows = read_all(&list, |list, page| list.touch(page * 10));
        assert_eq!(ids(&rows).len(), 2_500, "every row was read");
    }

    #[test]
    fn rows_sharing_one_update_time_across_pages_are_each_read_once() {
        let list = RefCell::new(List::new(2_500, 1_500));
        let rows = read_all(&list, |_, _| {});
        assert_eq!((rows.len(), ids(&rows).len()), (2_500, 2_500));
    }

    #[test]
    fn rows_sharing_one_time_are_read_in_about_as_many_pages_as_they_fill() {
        let list = RefCell::new(List::new(46_000, 46_000));
        let (rows, pages) = read_counted(&list, |_, _| {});
        assert_eq!(ids(&rows).len(), 46_000);
        assert!(pages <= 52, "46 pages of rows and their overlaps, not a page per row read before: {pages}");
    }

    #[test]
    fn many_rows_of_a_shared_time_changing_between_pages_cost_no_other_row_its_place() {
        let list = RefCell::new(List::new(5_000, 5_000));
        // Before each page, 150 rows read already change: more than the
        // overlap, so the rest move up past it.
        let rows = read_all(&list, |list, page| {
            let read = ((page - 1) * 900).min(4_800);
            for i in 0..150 {
                list.touch(read + i);
            }
        });
        assert_eq!(ids(&rows).len(), 5_000, "every row was read");
    }
}
