//! What the console keeps, for display, of one text the tenant sent: its
//! first [`LONGEST`] characters. A name or an attribute value a megabyte
//! long would otherwise be measured, drawn and searched whole at every
//! frame and keystroke, for a cell a few dozen columns wide. The engine
//! and the audit log keep the whole value; only what the screen shows,
//! sorts and filters by is cut.

use std::borrow::Cow;

/// The most characters of one text the console shows.
pub const LONGEST: usize = 500;

/// The most characters of a line the console writes around such texts (a
/// detail line, a form's title): room for a cut name and the words that say
/// what is done to it, which must not be lost with what was cut.
pub const LONGEST_LINE: usize = 4 * LONGEST;

/// What ends a text that was cut.
pub const CUT: char = '…';

/// `text`, or its first [`LONGEST`] characters and [`CUT`] when it is
/// longer, cut at a character's boundary: a borrowed text is copied only
/// as far as it is kept, an owned one cut in place.
pub fn capped<'a>(text: impl Into<Cow<'a, str>>) -> Cow<'a, str> {
    cap(text.into(), LONGEST)
}

/// `parts` joined, as [`capped`] would cut the whole, built no further
/// than it is kept: an attribute's key and value a megabyte long are not
/// copied whole to show a line of them.
pub fn capped_joined(parts: &[&str]) -> String {
    let mut joined = String::new();
    let mut left = LONGEST;
    for part in parts {
        if let Some(at) = cut_at(part, left) {
            joined.push_str(&part[..at]);
            joined.push(CUT);
            break;
        }
        joined.push_str(part);
        // Not cut: no more characters than were left, counted cheaply.
        left -= part.chars().count();
    }
    joined
}

/// The name a user or contact goes by (`display_name`: first and last
/// names, a space between, trimmed), cut, from its parts: read at every
/// frame for a name cell, where the whole name would be copied only to be
/// cut. Borrowed when one part is blank and the other short.
pub fn capped_name<'a>(first: &'a str, last: &'a str) -> Cow<'a, str> {
    let (first, last) = (first.trim_start(), last.trim_end());
    if first.is_empty() {
        return capped(last.trim_start());
    }
    if last.is_empty() {
        return capped(first.trim_end());
    }
    Cow::Owned(capped_joined(&[first, " ", last]))
}

/// A line of the console's own, cut at [`LONGEST_LINE`] characters, as
/// [`capped`] cuts: a detail line, or a record's reason, which may quote
/// whatever the tenant sent.
pub fn capped_line<'a>(text: impl Into<Cow<'a, str>>) -> Cow<'a, str> {
    cap(text.into(), LONGEST_LINE)
}

/// `text` cut after `longest` characters: a borrowed text is copied only
/// as far as it is kept, an owned one cut in place.
fn cap(text: Cow<'_, str>, longest: usize) -> Cow<'_, str> {
    let Some(at) = cut_at(&text, longest) else {
        return text;
    };
    match text {
        Cow::Borrowed(text) => Cow::Owned(format!("{}{CUT}", &text[..at])),
        Cow::Owned(mut text) => {
            text.truncate(at);
            text.push(CUT);
            Cow::Owned(text)
        }
    }
}

/// Where `text` is cut, when it is longer than `longest` characters:
/// found by looking at that many alone, whatever its length.
fn cut_at(text: &str, longest: usize) -> Option<usize> {
    // No more bytes than characters allowed: short, without a look.
    if text.len() <= longest {
        return None;
    }
    text.char_indices().nth(longest).map(|(at, _)| at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_text_is_cut_at_a_character_and_a_short_one_kept_whole() {
        assert!(matches!(capped("Ana Silva"), Cow::Borrowed("Ana Silva")));
        let exact = "é".repeat(LONGEST);
        assert!(matches!(capped(&exact), Cow::Borrowed(_)), "as long as allowed, in more bytes");
        let long = format!("{}{}", "é".repeat(LONGEST), "x".repeat(1 << 20));
        let cut = capped(&long).into_owned();
        assert_eq!(cut.chars().count(), LONGEST + 1);
        assert!(cut.starts_with(&exact) && cut.ends_with(CUT), "{cut}");
        assert_eq!(capped(long.clone()), cut);
        assert_eq!(capped(Cow::Owned(long)), cut);
        assert!(matches!(capped("short"), Cow::Borrowed("short")));
    }

    #[test]
    fn a_line_is_allowed_more_than_a_text_and_cut_alike_borrowed_or_owned() {
        let long = "é".repeat(LONGEST_LINE + 1);
        let cut = capped_line(&long).into_owned();
        assert_eq!(cut.chars().count(), LONGEST_LINE + 1);
        assert!(cut.ends_with(CUT) && cut.starts_with(&"é".repeat(LONGEST_LINE)), "{cut}");
        assert_eq!(capped_line(long.clone()), cut);
        let line = "é".repeat(LONGEST_LINE);
        assert!(matches!(capped_line(&line), Cow::Borrowed(_)));
        assert_eq!(capped_line(line.clone()), line);
    }

    #[test]
    fn parts_joined_are_cut_as_the_whole_would_be() {
        let long = "ß".repeat(LONGEST + 3);
        let near = "x".repeat(LONGEST - 2);
        let cases: [&[&str]; 7] = [
            &[],
            &["key", " = ", "value"],
            &[&long, " = ", "value"],
            &["key", " = ", &long],
            &[&near, " = ", "v"],
            &[&near, " =", ""],
            &[&near, "", " =", "", "v"],
        ];
        for parts in cases {
            assert_eq!(capped_joined(parts), capped(parts.concat()), "{parts:?}");
        }
    }

    #[test]
    fn a_name_from_its_parts_is_the_whole_name_cut() {
        let long = format!(" {}", "é".repeat(LONGEST));
        let names = ["", " ", "  Ana ", "Silva", "\tKai\n", &long, "Lee Wu"];
        let mut contact = crate::api::model::Contact::sample("k1", "c1");
        for first in names {
            for last in names {
                (contact.first_name, contact.last_name) = (first.into(), last.into());
                let whole = contact.display_name();
                assert_eq!(capped_name(first, last), capped(&whole), "{first:?} {last:?}");
            }
        }
        assert!(matches!(capped_name(" ", "Silva "), Cow::Borrowed("Silva")), "a blank part: no copy");
    }
}
