//! One key, as keymap.toml writes it (`ctrl-d`, `G`, `pagedown`) and as
//! the terminal reports it.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::fmt;

/// A key with the modifiers that matter. Shift is folded into the character
/// (`G`, `?`), since terminals disagree on whether they report it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
    pub alt: bool,
}

impl Key {
    pub const fn plain(code: KeyCode) -> Self {
        Self { code, ctrl: false, alt: false }
    }

    pub const fn char(c: char) -> Self {
        Self::plain(KeyCode::Char(c))
    }

    pub const fn ctrl(c: char) -> Self {
        Self { code: KeyCode::Char(c), ctrl: true, alt: false }
    }

    /// The key a terminal event stands for.
    pub fn from_event(event: &KeyEvent) -> Self {
        let ctrl = event.modifiers.contains(KeyModifiers::CONTROL);
        let alt = event.modifiers.contains(KeyModifiers::ALT);
        let shift = event.modifiers.contains(KeyModifiers::SHIFT);
        let code = match event.code {
            // Some terminals send Ctrl-D as Ctrl-Shift-d, others as Ctrl-D.
            KeyCode::Char(c) if ctrl => KeyCode::Char(c.to_ascii_lowercase()),
            KeyCode::Char(c) if shift => KeyCode::Char(c.to_ascii_uppercase()),
            KeyCode::Tab if shift => KeyCode::BackTab,
            code => code,
        };
        Self { code, ctrl, alt }
    }

    /// The uppercase letter of a Shift+letter press, which sorts by a column.
    pub fn shifted_letter(&self) -> Option<char> {
        match self.code {
            KeyCode::Char(c) if c.is_ascii_uppercase() && !self.ctrl && !self.alt => Some(c),
            _ => None,
        }
    }

    /// Parses `ctrl-d`, `alt-x`, `shift-tab`, `G`, `?`, `pagedown`, `f5`…
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut rest = text.trim();
        let (mut ctrl, mut alt, mut shift) = (false, false, false);
        loop {
            let lower = rest.to_ascii_lowercase();
            let flag = if lower.starts_with("ctrl-") && rest.len() > 5 {
                &mut ctrl
            } else if lower.starts_with("alt-") && rest.len() > 4 {
                &mut alt
            } else if lower.starts_with("shift-") && rest.len() > 6 {
                &mut shift
            } else {
                break;
            };
            *flag = true;
            rest = &rest[lower.find('-').map_or(rest.len(), |i| i + 1)..];
        }
        let code = named(rest).ok_or_else(|| {
            format!("{text:?} is not a key; write a character (q, G, ?) or a name such as enter, esc, tab, space, up, pagedown, f1, with ctrl-, alt- or shift- in front")
        })?;
        let code = match code {
            KeyCode::Char(c) if ctrl => KeyCode::Char(c.to_ascii_lowercase()),
            KeyCode::Char(c) if shift => KeyCode::Char(c.to_ascii_uppercase()),
            KeyCode::Tab if shift => KeyCode::BackTab,
            code => code,
        };
        Ok(Self { code, ctrl, alt })
    }
}

fn named(name: &str) -> Option<KeyCode> {
    let mut chars = name.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        return (!c.is_control()).then_some(KeyCode::Char(c));
    }
    let lower = name.to_ascii_lowercase();
    let code = match lower.as_str() {
        "enter" | "return" => KeyCode::Enter,
        "esc" | "escape" => KeyCode::Esc,
        "tab" => KeyCode::Tab,
        "backtab" => KeyCode::BackTab,
        "space" => KeyCode::Char(' '),
        "backspace" => KeyCode::Backspace,
        "delete" | "del" => KeyCode::Delete,
        "insert" | "ins" => KeyCode::Insert,
        "up" => KeyCode::Up,
        "down" => KeyCode::Down,
        "left" => KeyCode::Left,
        "right" => KeyCode::Right,
        "home" => KeyCode::Home,
        "end" => KeyCode::End,
        "pageup" | "pgup" => KeyCode::PageUp,
        "pagedown" | "pgdn" => KeyCode::PageDown,
        _ => {
            let n: u8 = lower.strip_prefix('f')?.parse().ok()?;
            return (1..=12).contains(&n).then_some(KeyCode::F(n));
        }
    };
    Some(code)
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            f.write_str("Ctrl-")?;
        }
        if self.alt {
            f.write_str("Alt-")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("Space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::Enter => f.write_str("Enter"),
            KeyCode::Esc => f.write_str("Esc"),
            KeyCode::Tab => f.write_str("Tab"),
            KeyCode::BackTab => f.write_str("Shift-Tab"),
            KeyCode::Backspace => f.write_str("Backspace"),
            KeyCode::Delete => f.write_str("Del"),
            KeyCode::Insert => f.write_str("Ins"),
            KeyCode::Up => f.write_str("↑"),
            KeyCode::Down => f.write_str("↓"),
            KeyCode::Left => f.write_str("←"),
            KeyCode::Right => f.write_str("→"),
            KeyCode::Home => f.write_str("Home"),
            KeyCode::End => f.write_str("End"),
            KeyCode::PageUp => f.write_str("PgUp"),
            KeyCode::PageDown => f.write_str("PgDn"),
            KeyCode::F(n) => write!(f, "F{n}"),
            other => write!(f, "{other:?}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyEventKind;

    fn event(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent { code, modifiers, kind: KeyEventKind::Press, state: crossterm::event::KeyEventState::NONE }
    }

    #[test]
    fn written_keys_match_what_terminals_send() {
        let cases = [
            ("ctrl-d", event(KeyCode::Char('d'), KeyModifiers::CONTROL)),
            ("Ctrl-D", event(KeyCode::Char('D'), KeyModifiers::CONTROL | KeyModifiers::SHIFT)),
            ("G", event(KeyCode::Char('G'), KeyModifiers::SHIFT)),
            ("shift-g", event(KeyCode::Char('G'), KeyModifiers::NONE)),
            ("?", event(KeyCode::Char('?'), KeyModifiers::SHIFT)),
            ("shift-tab", event(KeyCode::BackTab, KeyModifiers::SHIFT)),
            ("pagedown", event(KeyCode::PageDown, KeyModifiers::NONE)),
            ("-", event(KeyCode::Char('-'), KeyModifiers::NONE)),
            ("ctrl--", event(KeyCode::Char('-'), KeyModifiers::CONTROL)),
            ("space", event(KeyCode::Char(' '), KeyModifiers::NONE)),
            ("f5", event(KeyCode::F(5), KeyModifiers::NONE)),
        ];
        for (text, sent) in cases {
            assert_eq!(Key::parse(text), Ok(Key::from_event(&sent)), "{text}");
        }
    }

    #[test]
    fn nonsense_is_refused_in_words() {
        for text in ["", "ctrl-", "pageupp", "f13", "hyper-x"] {
            let err = Key::parse(text).unwrap_err();
            assert!(err.contains("is not a key"), "{text}: {err}");
        }
    }

    #[test]
    fn keys_display_as_people_write_them() {
        assert_eq!(Key::parse("ctrl-d").unwrap().to_string(), "Ctrl-d");
        assert_eq!(Key::parse("pageup").unwrap().to_string(), "PgUp");
        assert_eq!(Key::parse("G").unwrap().shifted_letter(), Some('G'));
        assert_eq!(Key::parse("g").unwrap().shifted_letter(), None);
    }
}
