//! One line of typed text with a cursor: the editing every text field and
//! row of a form shares.

use crate::ui::widgets::fit::width;

/// Text and a cursor, counted in characters so that editing never splits one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextInput {
    text: String,
    /// Characters before the cursor.
    cursor: usize,
}

impl TextInput {
    /// `text`, with the cursor at its end (where typing goes on).
    pub fn new(text: impl Into<String>) -> Self {
        let text = text.into();
        let cursor = text.chars().count();
        Self { text, cursor }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

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
        let at = self.byte(self.cursor);
        self.text.insert(at, c);
        self.cursor += 1;
    }

    /// Pasted text, its line breaks and tabs as spaces (a field is one line).
    /// Terminals send a pasted line break as `\r` as often as `\n`.
    pub fn paste(&mut self, text: &str) {
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\r' if chars.peek() == Some(&'\n') => {}
                '\r' | '\n' | '\t' => self.insert(' '),
                c => self.insert(c),
            }
        }
    }

    /// Deletes the character before the cursor.
    pub fn backspace(&mut self) {
        if self.cursor > 0 {
            self.cursor -= 1;
            let at = self.byte(self.cursor);
            self.text.remove(at);
        }
    }

    /// Deletes the character under the cursor.
    pub fn delete(&mut self) {
        if self.cursor < self.len() {
            let at = self.byte(self.cursor);
            self.text.remove(at);
        }
    }

    pub fn left(&mut self) {
        self.cursor = self.cursor.saturating_sub(1);
    }

    pub fn right(&mut self) {
        self.cursor = (self.cursor + 1).min(self.len());
    }

    pub fn home(&mut self) {
        self.cursor = 0;
    }

    pub fn end(&mut self) {
        self.cursor = self.len();
    }

    /// Deletes everything before the cursor (Ctrl-U).
    pub fn clear_before(&mut self) {
        let at = self.byte(self.cursor);
        self.text.replace_range(..at, "");
        self.cursor = 0;
    }

    /// Deletes the word before the cursor (Ctrl-W).
    pub fn delete_word(&mut self) {
        let chars: Vec<char> = self.text.chars().collect();
        let mut start = self.cursor;
        while start > 0 && chars[start - 1] == ' ' {
            start -= 1;
        }
        while start > 0 && chars[start - 1] != ' ' {
            start -= 1;
        }
        let (from, to) = (self.byte(start), self.byte(self.cursor));
        self.text.replace_range(from..to, "");
        self.cursor = start;
    }

    /// The part of the text that shows in `room` columns with the cursor in
    /// view, and the cursor's column within it. The cursor may sit just past
    /// the last character, so one column is kept for it.
    pub fn window(&self, room: usize) -> (String, usize) {
        let room = room.max(1);
        let chars: Vec<char> = self.text.chars().collect();
        let columns = |range: &[char]| range.iter().map(|c| width(c.encode_utf8(&mut [0; 4]))).sum::<usize>();
        let mut start = 0;
        while start < self.cursor && columns(&chars[start..self.cursor]) + 1 > room {
            start += 1;
        }
        let mut shown = String::new();
        let mut used = 0;
        for c in &chars[start..] {
            let w = width(c.encode_utf8(&mut [0; 4]));
            if used + w > room {
                break;
            }
            shown.push(*c);
            used += w;
        }
        (shown, columns(&chars[start..self.cursor]))
    }

    fn len(&self) -> usize {
        self.text.chars().count()
    }

    fn byte(&self, chars: usize) -> usize {
        self.text.char_indices().nth(chars).map_or(self.text.len(), |(i, _)| i)
    }
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

    #[test]
    fn a_long_line_scrolls_to_keep_the_cursor_in_view() {
        let input = TextInput::new("0123456789");
        assert_eq!(input.window(5), ("6789".to_string(), 4));
        let mut input = input;
        input.home();
        assert_eq!(input.window(5), ("01234".to_string(), 0));
    }
}
