//! The audit pane: every change's record as it is made durable, newest at
//! the bottom, coloured by how it ended.

use super::format;
use crate::engine::audit::{AuditEntry, AuditRecord, Outcome, RecordKind};
use crate::ui::app::audit::kind_word;
use crate::ui::app::{App, ListId};
use crate::ui::layout;
use crate::ui::theme::Role;
use crate::ui::widgets::fit::{fit, pad};
use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Block;
use serde_json::Value;

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let theme = &app.theme;
    let view = &app.audit;
    let focused = app.focused_list() == ListId::Audit;
    let mode = if view.follow { "following" } else { "paused" };
    let mode_role = if view.follow { Role::Muted } else { Role::Warn };
    let footer = match (view.filter().error(), view.filter().input()) {
        (Some(error), _) => Line::from(Span::styled(format!(" {error} "), theme.style(Role::Error))),
        (None, "") => Line::default(),
        (None, input) => Line::from(Span::styled(format!(" /{input} "), theme.style(Role::Accent))),
    };
    let counts = if view.filter().is_active() {
        format!(" {} of {} ", format::count(view.shown_len() as u64), format::count(view.len() as u64))
    } else {
        format!(" {} ", format::count(view.len() as u64))
    };
    let block = Block::bordered()
        .border_style(theme.style(if focused { Role::BorderFocus } else { Role::Border }))
        .title_top(Line::from(vec![
            Span::styled(" 5 Audit log ", theme.style(if focused { Role::Accent } else { Role::Title })),
            Span::styled(format!("· {mode} "), theme.style(mode_role)),
        ]))
        .title_top(Line::from(Span::styled(counts, theme.style(Role::Muted))).alignment(Alignment::Right))
        .title_bottom(footer);
    let body = layout::list_body(area, ListId::Audit);
    frame.render_widget(block, area);
    if body.height == 0 || body.width == 0 {
        return;
    }
    if view.shown_len() == 0 {
        let text = if view.is_empty() { "No changes yet this run" } else { "No record matches the filter" };
        frame.render_widget(
            Line::from(Span::styled(text, theme.style(Role::Muted))),
            Rect { height: 1, ..body },
        );
        return;
    }
    let selected = view.cursor();
    for (i, (position, record)) in view.window(usize::from(body.height)).enumerate() {
        let rect = Rect { y: body.y + i as u16, height: 1, ..body };
        frame.render_widget(line(record, usize::from(body.width), app), rect);
        if focused && position == selected {
            frame.buffer_mut().set_style(rect, theme.style(Role::Selection));
        }
    }
}

/// `14:02:11 applied   agentStatus     user 12345-abcde  Available → Break  jdoe`
fn line(record: &AuditRecord, room: usize, app: &App) -> Line<'static> {
    let theme = &app.theme;
    let entry = &record.entry;
    let word = kind_word(record);
    let action = entry.action.as_deref().unwrap_or("");
    let target = entry.target.as_ref().map(|t| t.id.as_str()).unwrap_or("");
    // The target's id has a column of its own: the text need not say it
    // again after a name, and what changed then fits.
    let mut rest = match (&entry.reason, &entry.target) {
        (Some(reason), Some(t)) if !t.id.is_empty() => reason.replace(&format!(" ({})", t.id), ""),
        (Some(reason), _) => reason.clone(),
        (None, _) => intended(entry),
    };
    if let Some(operator) = &entry.operator {
        if !rest.is_empty() {
            rest.push_str("  ");
        }
        rest.push_str(operator);
    }
    let mut spans = vec![
        Span::styled(format!("{} ", format::hhmmss(record.time)), theme.style(Role::Muted)),
        Span::styled(pad(word, 9), theme.style(record_role(record))),
    ];
    let mut used = 18;
    for (text, columns) in [(action, 22), (target, 20)] {
        if used + columns > room {
            break;
        }
        spans.push(Span::raw(pad(text, columns - 1)));
        spans.push(Span::raw(" "));
        used += columns;
    }
    spans.push(Span::raw(fit(&rest, room.saturating_sub(used)).into_owned()));
    Line::from(spans)
}

/// What a record without words of its own (an intent) is about to send:
/// its method and the fields it changes, `PUT status Available → Break`;
/// the path when no plain field changes.
fn intended(entry: &AuditEntry) -> String {
    let Some(request) = &entry.request else { return String::new() };
    let before = match &entry.before {
        Some(Value::Object(before)) => Some(before),
        _ => None,
    };
    let changes: Vec<String> = match &entry.after {
        Some(Value::Object(after)) => after
            .iter()
            .filter(|(_, to)| is_plain(to))
            .filter_map(|(key, to)| match before.and_then(|b| b.get(key)) {
                Some(from) if from == to => None,
                Some(from) if is_plain(from) => Some(format!("{key} {} → {}", plain(from), plain(to))),
                _ => Some(format!("{key} → {}", plain(to))),
            })
            .collect(),
        _ => Vec::new(),
    };
    let method = request.method.as_str();
    if changes.is_empty() {
        format!("{method} {}", request.path)
    } else {
        format!("{method} {}", changes.join(", "))
    }
}

fn is_plain(value: &Value) -> bool {
    !matches!(value, Value::Array(_) | Value::Object(_))
}

fn plain(value: &Value) -> String {
    match value {
        Value::Null => "none".into(),
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// How a record reads at a glance: applied green, failed red, refusals and
/// conflicts amber, the rest quieter.
pub fn record_role(record: &AuditRecord) -> Role {
    match (record.entry.kind, record.entry.outcome) {
        (_, Some(Outcome::Applied)) => Role::Ok,
        (_, Some(Outcome::Failed)) => Role::Error,
        (_, Some(Outcome::Rejected | Outcome::Conflict)) => Role::Warn,
        (_, Some(Outcome::Skipped)) => Role::Muted,
        (RecordKind::Repair, None) => Role::Warn,
        (RecordKind::Intent | RecordKind::Outcome | RecordKind::Reconciled, None) => Role::Info,
    }
}
