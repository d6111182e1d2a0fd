//! The key the console knows a table's row by.

/// Between a row key's group and id: a character no id holds.
const GROUP_END: char = '\u{1f}';

/// The key the console knows a row by: its id, with its group for rows
/// whose ids are unique only within one (a contact's, within its
/// campaign), so that nothing said of one contact (a mark, a change, a
/// change of this session) is taken for another campaign's contact of the
/// same id.
pub fn row_key(group: Option<&str>, id: &str) -> String {
    match group {
        Some(group) => format!("{group}{GROUP_END}{id}"),
        None => id.to_string(),
    }
}

/// A row key's group and id, as [`row_key`] joined them.
pub fn row_key_parts(key: &str) -> (Option<&str>, &str) {
    match key.split_once(GROUP_END) {
        Some((group, id)) => (Some(group), id),
        None => (None, key),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_key_holds_the_group_only_of_rows_that_have_one() {
        assert_eq!(row_key(None, "u-1"), "u-1", "an agent's key is its id");
        let (spring, winter) = (row_key(Some("spring"), "c-1"), row_key(Some("winter"), "c-1"));
        assert_ne!(spring, winter, "one id in two campaigns, two contacts");
        assert_eq!(row_key_parts(&spring), (Some("spring"), "c-1"));
        assert_eq!(row_key_parts("u-1"), (None, "u-1"));
    }
}
