//! Colours by meaning.
//!
//! Panes never name a colour: they ask for a [`Role`] (ok, warn, error,
//! muted…) and the theme answers with a style. The defaults come from
//! `assets/theme.toml`; a user's `theme.toml` overrides any role. With
//! colours off (`NO_COLOR`), every role keeps only its modifiers and its
//! `mono` modifiers, so meanings still read: errors bold and underlined, the
//! selection reversed, changed cells underlined.

mod file;

use super::looks::Problem;
use ratatui::style::{Color, Modifier, Style};

/// The defaults, as a user would write them.
pub const DEFAULT_THEME: &str = include_str!("../../../assets/theme.toml");

/// What a piece of text means, which decides how it looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    Text,
    Muted,
    Accent,
    Info,
    Ok,
    Warn,
    Error,
    Selection,
    Changed,
    Title,
    Border,
    BorderFocus,
    Key,
    BadgeSandbox,
    BadgeReadOnly,
    BadgeFrozen,
}

impl Role {
    pub const COUNT: usize = 16;
    pub const ALL: [Self; Self::COUNT] = [
        Self::Text,
        Self::Muted,
        Self::Accent,
        Self::Info,
        Self::Ok,
        Self::Warn,
        Self::Error,
        Self::Selection,
        Self::Changed,
        Self::Title,
        Self::Border,
        Self::BorderFocus,
        Self::Key,
        Self::BadgeSandbox,
        Self::BadgeReadOnly,
        Self::BadgeFrozen,
    ];

    /// The name in theme.toml.
    pub fn name(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Muted => "muted",
            Self::Accent => "accent",
            Self::Info => "info",
            Self::Ok => "ok",
            Self::Warn => "warn",
            Self::Error => "error",
            Self::Selection => "selection",
            Self::Changed => "changed",
            Self::Title => "title",
            Self::Border => "border",
            Self::BorderFocus => "border_focus",
            Self::Key => "key",
            Self::BadgeSandbox => "badge_sandbox",
            Self::BadgeReadOnly => "badge_read_only",
            Self::BadgeFrozen => "badge_frozen",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|role| role.name() == name)
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// Whether the terminal gets colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Colors {
    On,
    /// `NO_COLOR` is set: modifiers only.
    Off,
}

impl Colors {
    /// Colours are off when `NO_COLOR` holds anything (<https://no-color.org>).
    pub fn from_env(env: &crate::config::Environment) -> Self {
        if env.var("NO_COLOR").is_some() { Self::Off } else { Self::On }
    }
}

/// How one role looks, in colour and without.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Look {
    fg: Option<Color>,
    bg: Option<Color>,
    modifiers: Modifier,
    mono: Modifier,
}

impl Look {
    fn style(self, colors: Colors) -> Style {
        match colors {
            Colors::On => {
                let mut style = Style::new().add_modifier(self.modifiers);
                if let Some(fg) = self.fg {
                    style = style.fg(fg);
                }
                if let Some(bg) = self.bg {
                    style = style.bg(bg);
                }
                style
            }
            Colors::Off => Style::new().add_modifier(self.modifiers | self.mono),
        }
    }
}

/// A style for every role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Theme {
    styles: [Style; Role::COUNT],
    background: Option<Color>,
    colors: Colors,
}

impl Theme {
    /// The defaults of `assets/theme.toml`.
    pub fn defaults(colors: Colors) -> Self {
        Self::from_files(&[("theme.toml (defaults)", DEFAULT_THEME)], colors).0
    }

    /// The defaults with `text` (a user's theme.toml) laid over them.
    pub fn with_overrides(source: &str, text: &str, colors: Colors) -> (Self, Vec<Problem>) {
        Self::from_files(&[("theme.toml (defaults)", DEFAULT_THEME), (source, text)], colors)
    }

    /// Each file in turn overrides the roles it names.
    fn from_files(files: &[(&str, &str)], colors: Colors) -> (Self, Vec<Problem>) {
        let mut looks = [Look::default(); Role::COUNT];
        let mut background = None;
        let mut problems = Vec::new();
        for (source, text) in files {
            file::apply(source, text, &mut looks, &mut background, &mut problems);
        }
        let styles = Role::ALL.map(|role| looks[role.index()].style(colors));
        let background = background.filter(|_| colors == Colors::On);
        (Self { styles, background, colors }, problems)
    }

    pub fn style(&self, role: Role) -> Style {
        self.styles[role.index()]
    }

    /// The style the whole screen starts from: the painted background when
    /// the user asked for one, otherwise nothing (the terminal's own).
    pub fn base(&self) -> Style {
        self.background.map_or_else(Style::new, |bg| Style::new().bg(bg))
    }

    pub fn colors(&self) -> Colors {
        self.colors
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_file_sets_every_role_without_problems() {
        let (theme, problems) = Theme::from_files(&[("defaults", DEFAULT_THEME)], Colors::On);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(theme.style(Role::Ok).fg, Some(Color::Green));
        assert_eq!(theme.base(), Style::new(), "no painted background by default");
    }

    #[test]
    fn without_colours_meanings_keep_their_modifiers() {
        let theme = Theme::defaults(Colors::Off);
        for role in Role::ALL {
            let style = theme.style(role);
            assert_eq!((style.fg, style.bg), (None, None), "{} has a colour", role.name());
        }
        assert!(theme.style(Role::Selection).add_modifier.contains(Modifier::REVERSED));
        assert!(theme.style(Role::Error).add_modifier.contains(Modifier::BOLD));
        assert!(theme.style(Role::Changed).add_modifier.contains(Modifier::UNDERLINED));
    }
}
