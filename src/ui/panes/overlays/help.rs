//! The help screen: every key by context, from the keymap in effect; the
//! commands; where the files are; and what is wrong in the settings.

use crate::ui::app::{App, palette, unbound};
use crate::ui::keymap::{Binding, Context, Verb};
use crate::ui::theme::Role;
use crate::ui::widgets::fit::{pad, wrap};
use ratatui::text::{Line, Span};
use std::path::Path;

/// The widest the keys column grows.
const MOST_KEYS: usize = 28;

pub(super) fn lines(app: &App, room: usize) -> Vec<Line<'static>> {
    let theme = &app.theme;
    let commands = palette::usage(app.session.is_sandbox(), app.session.read_only);
    // Commands longer than the keys column take a line of their own.
    let widest = app.keymap.bindings().iter().map(|b| keys_text(b).chars().count()).max().unwrap_or(0);
    let keys = widest.min(MOST_KEYS) + 2;
    let heading = |text: &str| Line::from(Span::styled(text.to_string(), theme.style(Role::Accent)));
    let sub = |text: &str| Line::from(Span::styled(format!(" {text}"), theme.style(Role::Title)));
    let desc_room = room.saturating_sub(keys + 3).max(12);
    let row = |text: String, desc: String| -> Vec<Line<'static>> {
        let own_line = text.chars().count() >= keys;
        let mut lines = Vec::new();
        if own_line {
            lines.push(Line::from(Span::styled(format!("   {text}"), theme.style(Role::Key))));
        }
        lines.extend(wrap(&desc, desc_room).into_iter().enumerate().map(|(i, part)| {
            let lead = if i == 0 && !own_line { pad(&text, keys) } else { " ".repeat(keys) };
            Line::from(vec![Span::styled(format!("   {lead}"), theme.style(Role::Key)), Span::raw(part)])
        }));
        lines
    };
    let mut lines = vec![heading("Keys")];
    for context in Context::ALL {
        lines.push(sub(context.title()));
        for binding in app.keymap.section(context, app.session.read_only) {
            lines.extend(row(keys_text(binding), binding.desc.clone()));
        }
    }
    lines.push(sub("Sorting"));
    lines.extend(row(
        "Shift-letter".into(),
        "Sort an entity table by the column whose letter is underlined; again to reverse".into(),
    ));
    lines.push(Line::default());
    let palette = match app.key_hint(Context::Global, Verb::Palette) {
        Some(key) => format!("press {key} first"),
        None => unbound(Verb::Palette),
    };
    lines.push(heading(&format!("Commands ({palette})")));
    for (usage, desc) in commands {
        lines.extend(row(usage, desc.to_string()));
    }
    lines.push(Line::default());
    lines.push(heading("Files"));
    let files = &app.session.files;
    let log = files.log.as_deref().map_or_else(|| "logging is off".to_string(), |p| p.display().to_string());
    lines.extend(row("Log".into(), log));
    lines.extend(row("Audit log".into(), files.audit.display().to_string()));
    lines.extend(row("Keymap".into(), settings_file(&files.keymap)));
    lines.extend(row("Theme".into(), settings_file(&files.theme)));
    lines.push(Line::default());
    if app.problems.is_empty() {
        lines.push(heading("Settings files"));
        lines.push(Line::from(Span::styled("   No problems found.", theme.style(Role::Muted))));
    } else {
        lines.push(heading(&format!(
            "Problems in the settings files ({}); the defaults stand in",
            app.problems.len()
        )));
        for problem in &app.problems {
            for (i, part) in wrap(&problem.to_string(), room.saturating_sub(5)).into_iter().enumerate() {
                let indent = if i == 0 { "   " } else { "     " };
                lines.push(Line::from(Span::styled(format!("{indent}{part}"), theme.style(Role::Warn))));
            }
        }
    }
    lines
}

fn keys_text(binding: &Binding) -> String {
    if binding.keys.is_empty() {
        "(unbound)".to_string()
    } else {
        binding.keys.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
    }
}

fn settings_file(path: &Path) -> String {
    if path.as_os_str().is_empty() {
        "defaults".into()
    } else if path.exists() {
        path.display().to_string()
    } else {
        format!("{} (not there; the defaults are in use)", path.display())
    }
}
