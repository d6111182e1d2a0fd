//! The user's keymap and theme, with everything wrong in them listed rather
//! than fatal: a supervisor must get a working console even with a typo in a
//! settings file.

use super::keymap::Keymap;
use super::theme::{Colors, Theme};
use crate::config::Paths;
use std::fmt;
use std::io;
use std::path::Path;

/// One mistake in a settings file, in words: the file, where, and the rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub source: String,
    /// The entry at fault (`roles.ok.fg`, `[table] down`); empty for the whole file.
    pub place: String,
    pub message: String,
}

impl Problem {
    pub fn new(source: impl Into<String>, place: impl Into<String>, message: impl Into<String>) -> Self {
        Self { source: source.into(), place: place.into(), message: message.into() }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.place.is_empty() {
            write!(f, "{} {}", self.source, self.message)
        } else {
            write!(f, "{}: {} {}", self.source, self.place, self.message)
        }
    }
}

/// The keymap and theme in effect.
#[derive(Debug, Clone)]
pub struct Looks {
    pub keymap: Keymap,
    pub theme: Theme,
    pub problems: Vec<Problem>,
}

impl Looks {
    /// The built-in keymap and theme.
    pub fn defaults(colors: Colors) -> Self {
        Self { keymap: Keymap::defaults(), theme: Theme::defaults(colors), problems: Vec::new() }
    }

    /// keymap.toml and theme.toml from the config directory, over the
    /// defaults. Missing files are not problems; unreadable ones are.
    pub fn load(paths: &Paths, colors: Colors) -> Self {
        let mut problems = Vec::new();
        let keymap = match read(&paths.keymap_file(), &mut problems) {
            Some((source, text)) => {
                let (keymap, found) = Keymap::with_overrides(&source, &text);
                problems.extend(found);
                keymap
            }
            None => Keymap::defaults(),
        };
        let theme = match read(&paths.theme_file(), &mut problems) {
            Some((source, text)) => {
                let (theme, found) = Theme::with_overrides(&source, &text, colors);
                problems.extend(found);
                theme
            }
            None => Theme::defaults(colors),
        };
        Self { keymap, theme, problems }
    }
}

/// The file's name as shown in problems, and its text.
fn read(path: &Path, problems: &mut Vec<Problem>) -> Option<(String, String)> {
    let shown = path.display().to_string();
    match std::fs::read_to_string(path) {
        Ok(text) => Some((shown, text)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => {
            problems.push(Problem::new(shown, "", format!("could not be read ({e}); the defaults are used")));
            None
        }
    }
}
