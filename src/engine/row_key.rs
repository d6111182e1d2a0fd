//! The key the console knows a table's row by.

use std::fmt;

/// Between a row key's group and id in its joined text: a character no id
/// holds, so that keys sort by group, then id, as they always have.
const GROUP_END: char = '\u{1f}';

/// The key the console knows a row by: its id, with its group for rows
/// whose ids are unique only within one (a contact's, within its
/// campaign), so that nothing said of one contact (a mark, a change, a
/// change of this session) is taken for another campaign's contact of the
/// same id.
///
/// A key is made only from a group and an id, and gives back exactly
/// those: it cannot be made from a bare id taken for a key, nor passed
/// where an id is asked for. It holds one string (the group, the
/// separator and the id, joined) and where the id starts in it, so
/// reading the parts back needs no search, and a separator inside a group
/// or an id cannot move the split.
///
/// It does not lend itself as a `str` (`Borrow<str>`): two keys of one
/// joined text but split apart differently are different keys, which a
/// lookup by text could not tell apart, and a lookup by text is the
/// mix-up of key and id this type is here to rule out.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RowKey {
    joined: String,
    /// Where the id starts in `joined`: 0 for a key with no group.
    id_at: usize,
}

impl RowKey {
    /// The key of the row of `id`, within `group` when its ids are unique
    /// only within one (a contact's campaign).
    pub fn new(group: Option<&str>, id: &str) -> Self {
        match group {
            Some(group) => {
                let joined = format!("{group}{GROUP_END}{id}");
                Self { id_at: joined.len() - id.len(), joined }
            }
            None => Self { joined: id.to_owned(), id_at: 0 },
        }
    }

    /// The group the key's id is unique within, when it has one.
    pub fn group(&self) -> Option<&str> {
        let end = self.id_at.checked_sub(GROUP_END.len_utf8())?;
        Some(&self.joined[..end])
    }

    pub fn id(&self) -> &str {
        &self.joined[self.id_at..]
    }

    /// The group and the id, as the key was made from them.
    pub fn parts(&self) -> (Option<&str>, &str) {
        (self.group(), self.id())
    }
}

impl fmt::Debug for RowKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("RowKey").field(&self.group()).field(&self.id()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_key_holds_the_group_only_of_rows_that_have_one() {
        let agent = RowKey::new(None, "u-1");
        assert_eq!(agent.parts(), (None, "u-1"), "an agent's key is its id");
        let (spring, winter) = (RowKey::new(Some("spring"), "c-1"), RowKey::new(Some("winter"), "c-1"));
        assert_ne!(spring, winter, "one id in two campaigns, two contacts");
        assert_ne!(spring, RowKey::new(None, "c-1"), "a contact's key is not its bare id");
        assert_eq!(spring.parts(), (Some("spring"), "c-1"));
        assert_eq!((spring.group(), spring.id()), (Some("spring"), "c-1"));
        assert_eq!(RowKey::new(Some(""), "c-1").parts(), (Some(""), "c-1"), "an empty group is a group");
    }

    /// A separator inside a group or an id cannot move the split, nor make
    /// two keys one.
    #[test]
    fn a_row_key_gives_back_its_parts_whatever_they_hold() {
        let sep = GROUP_END;
        let one = RowKey::new(Some(&format!("a{sep}b")), "c");
        let other = RowKey::new(Some("a"), &format!("b{sep}c"));
        assert_eq!(one.parts(), (Some(format!("a{sep}b").as_str()), "c"));
        assert_eq!(other.parts(), (Some("a"), format!("b{sep}c").as_str()));
        assert_ne!(one, other);
        let bare = RowKey::new(None, &format!("a{sep}b"));
        assert_eq!(bare.parts(), (None, format!("a{sep}b").as_str()));
        assert_ne!(bare, RowKey::new(Some("a"), "b"));
        assert_eq!(RowKey::new(Some("κ"), "é").parts(), (Some("κ"), "é"), "split on a character's boundary");
    }

    /// Keys sort by their group and id joined, as the plain strings they
    /// replaced did.
    #[test]
    fn row_keys_sort_by_their_group_and_id_joined() {
        let mut keys = [
            RowKey::new(None, "b"),
            RowKey::new(Some("a"), "z"),
            RowKey::new(Some("a"), "b"),
            RowKey::new(None, "a"),
            RowKey::new(Some("ab"), "a"),
        ];
        keys.sort();
        let parts: Vec<_> = keys.iter().map(RowKey::parts).collect();
        assert_eq!(
            parts,
            [(None, "a"), (Some("a"), "b"), (Some("a"), "z"), (Some("ab"), "a"), (None, "b")],
            "by text: the separator sorts before every printable character"
        );
    }

    #[test]
    fn a_row_key_shows_its_parts_when_debugged() {
        assert_eq!(format!("{:?}", RowKey::new(Some("spring"), "c-1")), r#"RowKey(Some("spring"), "c-1")"#);
        assert_eq!(format!("{:?}", RowKey::new(None, "u-1")), r#"RowKey(None, "u-1")"#);
    }
}
