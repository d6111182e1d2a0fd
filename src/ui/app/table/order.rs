//! Sorting and filtering row indices. Sorting happens when data or the
//! sort column change; filtering walks the sorted order once, so a keystroke
//! in the filter costs one pass over the rows and no sort.

use super::Sort;
use crate::ui::app::filter::Filter;
use crate::ui::entity::{Entity, Lookup, SortKey};

/// Every row index, ordered by the sort column; ties keep the snapshot's
/// order (by id), so equal rows never swap places between refreshes.
pub(super) fn sorted<T: Entity>(rows: &[T], sort: Sort, lookup: &Lookup<'_>) -> Vec<u32> {
    let Some(column) = T::columns().get(sort.column) else {
        return (0..rows.len() as u32).collect();
    };
    let mut keyed: Vec<(SortKey, u32)> =
        rows.iter().enumerate().map(|(i, row)| ((column.sort)(row, lookup), i as u32)).collect();
    keyed.sort_by(|(a, i), (b, j)| {
        let by_key = match (a, b) {
            // Missing values stay last whichever way the column is sorted.
            (SortKey::Missing, SortKey::Missing) => std::cmp::Ordering::Equal,
            (SortKey::Missing, _) => std::cmp::Ordering::Greater,
            (_, SortKey::Missing) => std::cmp::Ordering::Less,
            _ if sort.descending => b.cmp(a),
            _ => a.cmp(b),
        };
        by_key.then(i.cmp(j))
    });
    keyed.into_iter().map(|(_, i)| i).collect()
}

/// Each row's searchable text: the cells that do not change with the clock,
/// lowercase, one a line, so that text is never found across two cells and
/// a regex can be matched against each cell on its own.
pub(super) fn haystack<T: Entity>(rows: &[T], lookup: &Lookup<'_>) -> Vec<String> {
    let columns = T::columns();
    rows.iter()
        .map(|row| {
            let mut text = String::new();
            for column in columns.iter().filter(|c| !c.live) {
                if !text.is_empty() {
                    text.push('\n');
                }
                // A cell's own line breaks would split it in two.
                text.push_str(&column.cell(row, lookup).to_lowercase().replace('\n', " "));
            }
            text
        })
        .collect()
}

/// The sorted rows in `group` that pass `filter`, and how many rows the
/// group holds.
pub(super) fn shown<T: Entity>(
    rows: &[T],
    sorted: &[u32],
    haystack: &[String],
    filter: &Filter,
    group: Option<&str>,
) -> (Vec<u32>, usize) {
    let in_group = |i: u32| group.is_none_or(|g| rows[i as usize].group() == Some(g));
    let group_total =
        if group.is_some() { sorted.iter().filter(|&&i| in_group(i)).count() } else { rows.len() };
    let passes =
        |i: u32| !filter.is_active() || haystack.get(i as usize).is_some_and(|text| filter.matches(text));
    let shown = sorted.iter().copied().filter(|&i| in_group(i) && passes(i)).collect();
    (shown, group_total)
}
