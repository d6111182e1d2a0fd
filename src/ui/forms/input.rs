//! One line of typed text with a cursor: the editing every text field and
//! row of a form shares.

use crate::ui::widgets::fit::width;

/// Text and a cursor. The cursor is a byte offset that always sits on a
/// character boundary: editing never splits a character, and a paste of
/// any length costs one pass over it rather than a search per character.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextInput {
    text: String,
    /// Bytes before the cursor.
    cursor: usize,
}

/// What of a field shows in its box: the text before the cursor and from
/// the cursor on (its first character is the one under the cursor).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window<'a> {
    pub before: &'a str,
    pub after: &'a str,
}

impl TextInput {
    /// `text`, with the cursor at its end (where typing goes on).
    pub fn new(text: impl Into<String>) -> Self {
        let text = text.into();
        let cursor = text.len();
        Self { text, cursor }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// The bytes of the text before the cursor.
    pub fn cursor(&self) -> usize {
        self.cursor
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// Types `c` at the cursor. Control characters never enter a field.
    pub fn insert(&mut self, c: char) {
        if c.is_control() {
            return;
        }
        self.text.insert(self.cursor, c);
        self.cursor += c.len_utf8();
    }

    /// Pasted text, its line breaks and tabs as spaces (a field is one line).
    /// Terminals send a pasted line break as `\r` as often as `\n`.
    pub fn paste(&mut self, text: &str) {
        let mut clean = String::with_capacity(text.len());
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\r' if chars.peek() == Some(&'\n') => {}
                '\r' | '\n' | '\t' => clean.push(' '),
                c if c.is_control() => {}
                c => clean.push(c),
            }
        }
        // At once: the text after the cursor moves over once, not once a
        // character.
        self.text.insert_str(self.cursor, &clean);
        self.cursor += clean.len();
    }

    /// Deletes the character before the cursor.
    pub fn backspace(&mut self) {
        if let Some(c) = self.text[..self.cursor].chars().next_back() {
            self.cursor -= c.len_utf8();
            self.text.remove(self.cursor);
        }
    }

    /// Deletes the character under the cursor.
    pub fn delete(&mut self) {
        if self.cursor < self.text.len() {
            self.text.remove(self.cursor);
        }
    }

    pub fn left(&mut self) {
        if let Some(c) = self.text[..self.cursor].chars().next_back() {
            self.cursor -= c.len_utf8();
        }
    }

    pub fn right(&mut self) {
        if let Some(c) = self.text[self.cursor..].chars().next() {
            self.cursor += c.len_utf8();
        }
    }

    pub fn home(&mut self) {
        self.cursor = 0;
    }

    pub fn end(&mut self) {
        self.cursor = self.text.len();
    }

    /// Deletes everything before the cursor (Ctrl-U).
    pub fn clear_before(&mut self) {
        self.text.replace_range(..self.cursor, "");
        self.cursor = 0;
    }

    /// Deletes the word before the cursor (Ctrl-W).
    pub fn delete_word(&mut self) {
        let before = self.text[..self.cursor].trim_end_matches(' ');
        let start = before.rfind(' ').map_or(0, |space| space + 1);
        self.text.replace_range(start..self.cursor, "");
        self.cursor = start;
    }

    /// The part of the text that shows in `room` columns with the cursor in
    /// view. The cursor may sit just past the last character, so one column
    /// is kept for it. Measured from the cursor outward, so a long text
    /// costs no more than the part of it on screen.
    pub fn window(&self, room: usize) -> Window<'_> {
        let room = room.max(1);
        let (head, tail) = self.text.split_at(self.cursor);
        let mut start = self.cursor;
        let mut used = 0;
        for c in head.chars().rev() {
            let w = char_width(c);
            if used + w + 1 > room {
                break;
            }
            used += w;
            start -= c.len_utf8();
        }
        let mut end = self.cursor;
        for c in tail.chars() {
            let w = char_width(c);
            if used + w > room {
                break;
            }
            used += w;
            end += c.len_utf8();
        }
        Window { before: &self.text[start..self.cursor], after: &self.text[self.cursor..end] }
    }
}

fn char_width(c: char) -> usize {
    width(c.encode_utf8(&mut [0; 4]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typing_moves_with_the_cursor_and_deletes_either_side() {
        let mut input = TextInput::new("Queue");
        input.home();
        input.insert('[');
        input.end();
        input.insert(']');
        assert_eq!(input.text(), "[Queue]");
        input.left();
        input.backspace();
        input.delete();
        assert_eq!(input.text(), "[Queu");
        input.home();
        input.delete();
        assert_eq!((input.text(), input.cursor()), ("Queu", 0));
        input.backspace();
        assert_eq!(input.text(), "Queu", "nothing before the cursor");
    }

    #[test]
    fn multibyte_characters_are_edited_whole() {
        let mut input = TextInput::new("Zoë");
        input.left();
        input.backspace();
        assert_eq!(input.text(), "Zë");
        input.insert('ö');
        assert_eq!(input.text(), "Zöë");
    }

    #[test]
    fn paste_keeps_one_line_and_words_go_with_ctrl_w() {
        let mut input = TextInput::default();
        input.paste("key=value\r\nnext\tone");
        assert_eq!(input.text(), "key=value next one");
        let mut from_a_terminal = TextInput::default();
        from_a_terminal.paste("line1\rline2");
        assert_eq!(from_a_terminal.text(), "line1 line2");
        input.delete_word();
        assert_eq!(input.text(), "key=value next ");
        input.delete_word();
        assert_eq!(input.text(), "key=value ");
        input.clear_before();
        assert!(input.is_empty());
    }

    fn shown(input: &TextInput, room: usize) -> (&str, &str) {
        let window = input.window(room);
        (window.before, window.after)
    }

    #[test]
    fn a_long_line_scrolls_to_keep_the_cursor_in_view() {
        let mut input = TextInput::new("0123456789");
        assert_eq!(shown(&input, 5), ("6789", ""));
        input.home();
        assert_eq!(shown(&input, 5), ("", "01234"));
        for _ in 0..5 {
            input.right();
        }
        assert_eq!(shown(&input, 5), ("1234", "5"));
    }

    #[test]
    fn wide_characters_scroll_by_their_columns() {
        let mut input = TextInput::new("李小龙abc");
        input.home();
        input.right();
        input.right();
        // 李小 take four columns, the cursor's 龙 two more: 6 fit in 7.
        assert_eq!(shown(&input, 7), ("李小", "龙a"));
        assert_eq!(shown(&input, 4), ("小", "龙"));
    }

    #[test]
    fn a_long_paste_goes_in_whole_at_the_cursor() {
        let long: String = "abcdefghé\n".chars().cycle().take(200_000).collect();
        let mut input = TextInput::new("[]");
        input.left();
        input.paste(&long);
        // Compared whole, not printed: a mismatch would fill the screen.
        let one_line = long.replace('\n', " ");
        assert!(input.text() == format!("[{one_line}]"), "the paste is whole, as one line");
        assert_eq!(input.cursor(), long.len() + 1, "the cursor after what was pasted");
        let window = input.window(40);
        assert_eq!(window.after, "]");
        assert!(one_line.ends_with(window.before) && window.before.chars().count() == 39);
        input.insert('x');
        input.backspace();
        input.home();
        assert_eq!(input.window(5).after, "[abcd");
    }
}
