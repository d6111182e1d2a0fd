//! The `/` filter: a substring by default, a regular expression after
//! `re:`, either inverted by a leading `!`. Case never matters. Text is
//! looked for in a row's text as before; a regex is matched against each
//! of the row's cells on its own, so `^` and `$` anchor at a cell's start
//! and end (`re:^break$` is a cell that says just that) and no match runs
//! from one cell into the next. A pattern that does not compile is
//! reported in words and filters nothing.

use regex::{Regex, RegexBuilder};

/// Patterns longer than this compile slowly enough to stall a keystroke.
const REGEX_SIZE_LIMIT: usize = 1 << 20;

#[derive(Debug, Clone, Default)]
pub struct Filter {
    input: String,
    matcher: Matcher,
    invert: bool,
    error: Option<String>,
}

#[derive(Debug, Clone, Default)]
enum Matcher {
    #[default]
    All,
    /// Lowercase.
    Text(String),
    Regex(Regex),
}

impl Filter {
    pub fn parse(input: &str) -> Self {
        let typed = input.to_string();
        let (invert, rest) = match input.strip_prefix('!') {
            Some(rest) => (true, rest),
            None => (false, input),
        };
        let (matcher, error) = match rest.strip_prefix("re:") {
            Some(pattern) if !pattern.is_empty() => {
                match RegexBuilder::new(pattern).case_insensitive(true).size_limit(REGEX_SIZE_LIMIT).build() {
                    Ok(regex) => (Matcher::Regex(regex), None),
                    Err(e) => (Matcher::All, Some(format!("invalid regex: {}", regex_reason(&e)))),
                }
            }
            Some(_) => (Matcher::All, None),
            None if rest.is_empty() => (Matcher::All, None),
            None => (Matcher::Text(rest.to_lowercase()), None),
        };
        Self { input: typed, matcher, invert, error }
    }

    /// Whether a row shows whose searchable text (lowercase) holds its
    /// cells one a line, as the entity tables keep it.
    pub fn matches(&self, lines: &str) -> bool {
        self.matches_row(lines, lines.split('\n'))
    }

    /// Whether a row shows: text is looked for in `text`, a regex in each
    /// of `cells` on its own (both lowercase).
    pub fn matches_row<'a>(&self, text: &str, cells: impl IntoIterator<Item = &'a str>) -> bool {
        let hit = match &self.matcher {
            Matcher::All => return true,
            Matcher::Text(needle) => text.contains(needle.as_str()),
            Matcher::Regex(regex) => cells.into_iter().any(|cell| regex.is_match(cell)),
        };
        hit != self.invert
    }

    /// Whether it hides anything at all.
    pub fn is_active(&self) -> bool {
        !matches!(self.matcher, Matcher::All)
    }

    /// What was typed.
    pub fn input(&self) -> &str {
        &self.input
    }

    /// Why the pattern filters nothing, when it could not be compiled.
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }
}

/// The last line of the regex crate's message is the reason; the lines
/// above draw the pattern with a caret, which a one-line status cannot show.
fn regex_reason(error: &regex::Error) -> String {
    let text = error.to_string();
    let last = text.lines().map(str::trim).rfind(|l| !l.is_empty()).unwrap_or("not a valid pattern");
    last.strip_prefix("error: ").unwrap_or(last).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn substrings_ignore_case_and_bang_inverts() {
        let f = Filter::parse("BILL");
        assert!(f.matches("amara okafor billing north") && !f.matches("claims"));
        let f = Filter::parse("!bill");
        assert!(!f.matches("billing") && f.matches("claims"));
        assert!(!Filter::parse("").is_active() && !Filter::parse("!").is_active());
    }

    #[test]
    fn a_regex_is_matched_cell_by_cell_and_text_in_the_whole() {
        let cells = ["applied", "agent state", "agent_status", "jdoe"];
        let text = "applied agent state agent_status by jdoe";
        let row = |input: &str| Filter::parse(input).matches_row(text, cells);
        assert!(row("re:^jdoe$") && row("re:^agent state$") && !row("re:^by jdoe$"));
        assert!(!row("!re:^jdoe$") && row("!re:^bob$"));
        assert!(row("applied agent") && row("by jdoe"), "text reads the row's text as before");
    }

    #[test]
    fn regexes_after_re_and_invalid_ones_in_words() {
        let f = Filter::parse("re:^(break|training)$");
        assert!(f.matches("break") && !f.matches("on break"));
        // A row's cells, one a line: the anchors hold for any cell.
        let row = "beatriz costa\nsales inbound\nbreak\nlunch";
        assert!(f.matches(row), "^…$ anchor at a cell, not only at the row's ends");
        assert!(!Filter::parse("re:^inbound").matches(row) && Filter::parse("re:inbound$").matches(row));
        assert!(!Filter::parse("!re:^break").matches(row), "the inverted anchor hides the row");
        let f = Filter::parse("!re:break");
        assert!(!f.matches("on break") && f.matches("available"));
        // Nothing that matches runs from one cell into the next.
        assert!(!Filter::parse(r"re:inbound\sbreak").matches(row));
        let f = Filter::parse("re:(unclosed");
        assert_eq!(f.error(), Some("invalid regex: unclosed group"));
        assert!(f.matches("anything"), "a broken pattern hides nothing");
    }
}
