//! The help screen: every key by context, from the keymap in effect; the
//! commands; where the files are; and what is wrong in the settings.

use crate::ui::app::{App, palette};
use crate::ui::keymap::Context;
use crate::ui::theme::Role;
use crate::ui::widgets::fit::pad;
use ratatui::text::{Line, Span};
use std::path::Path;

const KEYS: usize = 18;

pub(super) fn lines(app: &App) -> Vec<Line<'static>> {
    let theme = &app.theme;
    let heading = |text: &str| Line::from(Span::styled(text.to_string(), theme.style(Role::Accent)));
    let sub = |text: &str| Line::from(Span::styled(format!(" {text}"), theme.style(Role::Title)));
    let row = |keys: String, desc: String| {
        Line::from(vec![
            Span::styled(format!("   {}", pad(&keys, KEYS)), theme.style(Role::Key)),
            Span::raw(desc),
        ])
    };
    let mut lines = vec![heading("Keys")];
    for context in Context::ALL {
        lines.push(sub(context.title()));
        for binding in app.keymap.section(context, app.session.read_only) {
            let keys = if binding.keys.is_empty() {
                "(unbound)".to_string()
            } else {
                binding.keys.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
            };
            lines.push(row(keys, binding.desc.clone()));
        }
    }
    lines.push(sub("Sorting"));
    lines.push(row(
        "Shift-letter".into(),
        "Sort an entity table by the column whose letter is underlined; again to reverse".into(),
    ));
    lines.push(Line::default());
    lines.push(heading("Commands (press : first)"));
    for (usage, desc) in palette::usage(app.session.is_sandbox()) {
        lines.push(row(usage, desc.to_string()));
    }
    lines.push(Line::default());
    lines.push(heading("Files"));
    let files = &app.session.files;
    let log = files.log.as_deref().map_or_else(|| "logging is off".to_string(), |p| p.display().to_string());
    lines.push(row("Log".into(), log));
    lines.push(row("Audit log".into(), files.audit.display().to_string()));
    lines.push(row("Keymap".into(), settings_file(&files.keymap)));
    lines.push(row("Theme".into(), settings_file(&files.theme)));
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
            lines.push(Line::from(Span::styled(format!("   {problem}"), theme.style(Role::Warn))));
        }
    }
    lines
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
