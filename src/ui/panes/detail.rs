//! The detail pane: everything about the selected row of the focused list.

use super::format;
use crate::engine::audit::AuditRecord;
use crate::ui::app::audit::kind_word;
use crate::ui::app::{App, ListId, TableView, unbound};
use crate::ui::capped::capped;
use crate::ui::entity::{Entity, Field};
use crate::ui::keymap::{Context, Verb};
use crate::ui::theme::{Role, Theme};
use crate::ui::widgets::fit::{pad, width, wrap};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let theme = &app.theme;
    let (title, fields) = fields(app, app.focused_list());
    let block = Block::bordered()
        .border_style(theme.style(Role::Border))
        .title(Span::styled(format!(" {title} "), theme.style(Role::Title)));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let text = match fields {
        Some(fields) => lines(&fields, usize::from(inner.width), theme),
        None => vec![Line::from(Span::styled("Nothing selected", theme.style(Role::Muted)))],
    };
    frame.render_widget(Paragraph::new(text), inner);
}

/// A title for the list's selected row, and its fields; `None` when
/// nothing is selected.
pub fn fields(app: &App, list: ListId) -> (String, Option<Vec<Field>>) {
    fn of<T: Entity>(view: &TableView<T>, app: &App) -> (String, Option<Vec<Field>>) {
        let title = capitalised(T::NOUN);
        let fields = view.selected_row().map(|row| {
            let mut fields = row.detail(&app.lookup());
            if let Some(what) = view.out_of_date(&row.key()) {
                fields.insert(0, out_of_date_field(app, what));
            }
            fields
        });
        (title, fields)
    }
    match list {
        ListId::Agents => of(&app.agents, app),
        ListId::Interactions => of(&app.interactions, app),
        ListId::Campaigns => of(&app.campaigns, app),
        ListId::Contacts => of(&app.contacts, app),
        ListId::DataActions => of(&app.data_actions, app),
        ListId::Audit => {
            let record = app.audit.selected_serial().and_then(|s| app.audit.by_serial(s));
            ("Audit record".into(), record.map(record_fields))
        }
    }
}

/// First among a frozen row's fields when a change reached it that the
/// row does not show: the rest are from before the change.
fn out_of_date_field(app: &App, what: &str) -> Field {
    let thaw = match app.way_to(Context::Global, Verb::Freeze) {
        Some(way) => format!("{} to thaw and see it", capitalised(&way.instruction())),
        None => format!("Thaw to see it ({})", unbound(Verb::Freeze)),
    };
    let value = format!("{what}. {thaw}.");
    Field { label: "Out of date", value, role: Role::Warn }
}

/// Label and value side by side, long values wrapping under the value. A
/// value holding a word too long for that (an id) goes under its label.
pub fn lines(fields: &[Field], room: usize, theme: &Theme) -> Vec<Line<'static>> {
    let label_width = fields.iter().map(|f| width(f.label)).max().unwrap_or(0).min(room / 2).max(1);
    let value_room = room.saturating_sub(label_width + 1).max(1);
    let mut lines = Vec::new();
    for field in fields {
        let label = Span::styled(pad(field.label, label_width), theme.style(Role::Muted));
        let style = theme.style(field.role);
        let longest = field.value.split_whitespace().map(width).max().unwrap_or(0);
        if longest > value_room && room > value_room + 2 {
            lines.push(Line::from(label));
            for part in wrap(&field.value, room.saturating_sub(2)) {
                lines.push(Line::from(vec![Span::raw("  "), Span::styled(part, style)]));
            }
            continue;
        }
        for (i, part) in wrap(&field.value, value_room).into_iter().enumerate() {
            let lead = if i == 0 { label.clone() } else { Span::raw(" ".repeat(label_width)) };
            lines.push(Line::from(vec![lead, Span::raw(" "), Span::styled(part, style)]));
        }
    }
    lines
}

/// What the detail pane says about an audit record.
pub fn record_fields(record: &AuditRecord) -> Vec<Field> {
    let entry = &record.entry;
    let target = entry.target.as_ref().map(|t| {
        let kind = serde_json::to_value(t.kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        let named = match &t.name {
            // Cut first, so the id and campaign after it are kept.
            Some(name) => format!("{kind} {} ({})", capped(name), t.id),
            None => format!("{kind} {}", t.id),
        };
        match &t.campaign {
            Some(campaign) => format!("{named} in campaign {campaign}"),
            None => named,
        }
    });
    let http = entry.http_status.map(|status| {
        let attempts = entry.attempts.map(|a| format!(", {a} attempt(s)")).unwrap_or_default();
        let latency = entry.latency_ms.map(|l| format!(", {:.1} ms", l.millis())).unwrap_or_default();
        format!("{status}{attempts}{latency}")
    });
    vec![
        Field::new("Seq", record.seq.to_string()),
        Field::new("Time", format::datetime(record.time)),
        Field::with_role("Kind", kind_word(record), super::audit::record_role(record)),
        Field::maybe("Action", entry.action.as_deref()),
        Field::sentence("Target", target),
        Field::sentence("Reason", entry.reason.as_deref()),
        Field::maybe("HTTP", http),
        Field::maybe("Operator", entry.operator.as_deref()),
        Field::maybe("Command", entry.command_id.as_deref()),
    ]
}

fn capitalised(noun: &str) -> String {
    let mut chars = noun.chars();
    chars.next().map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}
