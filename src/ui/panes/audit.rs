//! The audit pane: every change's record as it is made durable, newest at
//! the bottom, coloured by how it ended.

use super::{format, intent_words};
use crate::engine::RowKey;
use crate::engine::audit::{AuditEntry, AuditRecord, Outcome, RecordKind, Target, TargetKind};
use crate::ui::app::audit::{action_label, kind_word};
use crate::ui::app::{App, ListId};
use crate::ui::capped::{capped, capped_line};
use crate::ui::layout;
use crate::ui::theme::Role;
use crate::ui::widgets::fit::{fit, pad, width};
use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Block;
use std::borrow::Cow;

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
    let window: Vec<_> = view.window(usize::from(body.height)).collect();
    // Today's records show the time to the second; once an earlier day's is
    // on screen, every record shows its day and minute, so none loses its time.
    let now = app.clock.wall;
    let stamp = if window.iter().all(|(_, r)| format::is_today(r.time, now)) {
        Stamp::Clock
    } else {
        Stamp::DayAndClock
    };
    // One column for the operators on screen, so each reads as apart from
    // the words before it, and all line up.
    let by = window.iter().filter_map(|(_, r)| operator(r)).map(|o| width(&o)).max().unwrap_or(0);
    let by = by.min(MOST_OPERATOR);
    for (i, (position, record)) in window.into_iter().enumerate() {
        let rect = Rect { y: body.y + i as u16, height: 1, ..body };
        frame.render_widget(line(record, (usize::from(body.width), by), stamp, app), rect);
        if focused && position == selected {
            frame.buffer_mut().set_style(rect, theme.style(Role::Selection));
        }
    }
}

/// The least room kept for what a record says, before the action and
/// target columns take theirs.
const WORDS_AT_LEAST: usize = 20;
/// The least room kept for what a record says beside the operator's
/// column; narrower than that, the operator gives way.
const WORDS_BESIDE_OPERATOR: usize = 8;
/// The action's column: the longest label ("unwatch callbacks") and a space.
const ACTION: usize = 18;
/// The target's column: a name or the start of an id, and a space.
const TARGET: usize = 20;
/// The widest the operator's column grows ("by " included).
const MOST_OPERATOR: usize = 18;

/// How a record's time shows.
#[derive(Clone, Copy)]
enum Stamp {
    /// `14:02:11`: every record on screen is today's.
    Clock,
    /// `Nov 22 23:47`.
    DayAndClock,
}

/// Who made the change, as the pane labels it.
fn operator(record: &AuditRecord) -> Option<String> {
    record.entry.operator.as_ref().map(|o| format!("by {o}"))
}

/// `14:02:11 applied   agent state     user 12345-abcde  Available → Break  by jdoe`,
/// in `room` columns, the operator in a column `by` wide at the end.
fn line(record: &AuditRecord, (room, by): (usize, usize), stamp: Stamp, app: &App) -> Line<'static> {
    let theme = &app.theme;
    let entry = &record.entry;
    let word = kind_word(record);
    let action = entry.action.as_deref().map_or("", action_label);
    // Whom the change was for, by the name people know them by when the
    // record has it; the id is in the record's details.
    let target = entry.target.as_ref().map_or(Cow::Borrowed(""), |t| target_words(t, app));
    // An earlier run's record shows its day, so it is not read as today's.
    let time = match stamp {
        Stamp::Clock => format::hhmmss(record.time),
        Stamp::DayAndClock => format!("{:<12}", format::day_and_time(record.time)),
    };
    let mut spans = vec![
        Span::styled(format!("{time} "), theme.style(Role::Muted)),
        Span::styled(pad(word, 9), theme.style(record_role(record))),
    ];
    let mut used = time.len() + 1 + 9;
    // The operator's column and the two spaces before it, kept first: the
    // action and target columns give way before it does.
    let by = if by > 0 && used + WORDS_BESIDE_OPERATOR + 2 + by <= room { by + 2 } else { 0 };
    // The longest action label ("unwatch callbacks") and a space, and the
    // target's column; each shows only while the words after it keep room
    // to say something. Whom a change was for matters more than which kind
    // it was, so the target's column is the last to go, and even then the
    // target opens the words rather than leaving the line.
    let fits = |columns: usize| used + columns + WORDS_AT_LEAST + by <= room;
    let columns = if fits(ACTION + TARGET) {
        vec![(action, ACTION), (target.as_ref(), TARGET)]
    } else if fits(TARGET) {
        vec![(target.as_ref(), TARGET)]
    } else {
        Vec::new()
    };
    let target_shown = !columns.is_empty();
    for (text, columns) in columns {
        spans.push(Span::raw(pad(text, columns - 1)));
        spans.push(Span::raw(" "));
        used += columns;
    }
    let rest = said(entry, true);
    // By name only: an id would take the little room there is and say
    // less than the reason.
    let name = entry.target.as_ref().and_then(|t| t.name.as_deref()).filter(|_| !target_shown).map(capped);
    let rest = match name {
        Some(name) if rest.is_empty() => name.to_string(),
        Some(name) => format!("{name}: {rest}"),
        None => rest,
    };
    let words = room.saturating_sub(used + by);
    match operator(record) {
        Some(operator) if by > 0 => {
            spans.push(Span::raw(format!("{}  ", pad(&rest, words))));
            spans.push(Span::styled(fit(&operator, by - 2).into_owned(), theme.style(Role::Muted)));
        }
        _ => spans.push(Span::raw(fit(&rest, words).into_owned())),
    }
    Line::from(spans)
}

/// The target's column: its name, and where another loaded agent or contact
/// goes by the same name, the end of its id, so that two namesakes' lines
/// are told apart (the whole id is in the record's details).
fn target_words<'a>(target: &'a Target, app: &App) -> Cow<'a, str> {
    // Four hex digits tell a handful of namesakes apart, and leave a name
    // of 13 characters whole in the column.
    const TAIL: usize = 4;
    let Some(name) = target.name.as_deref() else { return Cow::Borrowed(&target.id) };
    let directory = &app.directory;
    let shared = match target.kind {
        TargetKind::Contact => {
            let key = RowKey::new(target.campaign.as_deref(), &target.id);
            directory.has_contact_namesake(&key, name)
        }
        TargetKind::User => directory.has_namesake(&target.id, name),
        _ => false,
    };
    if !shared {
        return Cow::Borrowed(name);
    }
    let tail: String = target.id.chars().rev().take(TAIL).collect::<Vec<_>>().into_iter().rev().collect();
    // The column, less the space after it, " …" and the tail.
    Cow::Owned(format!("{} …{tail}", fit(name, TARGET - 1 - 2 - TAIL)))
}

/// What the record says beside its columns: its reason, or for an intent
/// what it is about to send. The target's id is in the record's details, so
/// the reason need not say it; nor, once the target's column names it,
/// need it open with whom it was for, and what changed then fits.
fn said(entry: &AuditEntry, target_shown: bool) -> String {
    let Some(reason) = &entry.reason else { return intent_words::intended(entry) };
    // A reason may quote a name or value the tenant sent, of any length:
    // its start is all a line shows, and all that is worked on each frame.
    let reason = capped_line(reason);
    let Some(target) = entry.target.as_ref().filter(|t| !t.id.is_empty()) else { return reason.into_owned() };
    let reason = reason.replace(&format!(" ({})", target.id), "");
    match target.name.as_deref().filter(|_| target_shown) {
        // Looked for as shown: a name cut for the screen is not found in the
        // reason, which is then said whole, and a name of megabytes is
        // never the pattern searched for at each frame.
        Some(name) => after_target(&reason, &capped(name)).to_string(),
        None => reason,
    }
}

/// `reason` without the target it opens with (`contact Ana Silva now has
/// …`, `agent Ana Silva's status …`, `Routing is now …`) or ends with
/// (`… in one request to interaction with Ana Silva`), as the flows word
/// it; any other reason as it is.
fn after_target<'a>(reason: &'a str, name: &str) -> &'a str {
    const OPENINGS: [&str; 6] = ["", "agent ", "user ", "contact ", "interaction ", "interaction with "];
    if let Some(said) = reason.strip_suffix(name).and_then(|r| r.strip_suffix(" to interaction with "))
        && !said.is_empty()
    {
        return said;
    }
    let Some(at) = reason.find(name).filter(|at| OPENINGS.contains(&&reason[..*at])) else {
        return reason;
    };
    let rest = &reason[at + name.len()..];
    match rest.strip_prefix("'s ").or_else(|| rest.strip_prefix(' ')) {
        Some(rest) if !rest.is_empty() => rest,
        _ => reason,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::audit::{Target, TargetKind};

    #[test]
    fn a_reason_drops_the_target_the_column_names() {
        let applied = |reason: &str, shown| {
            let target = Target::new(TargetKind::Contact, "c-1").named("Ana Silva");
            let entry = AuditEntry::outcome("cmd_1", "act", target, Outcome::Applied).reason(reason);
            said(&entry, shown)
        };
        let now = "contact Ana Silva (c-1) now has outcome BUSY (was none) in campaign Spring";
        assert_eq!(applied(now, true), "now has outcome BUSY (was none) in campaign Spring");
        assert_eq!(
            applied("agent Ana Silva's status was changed elsewhere", true),
            "status was changed elsewhere"
        );
        assert_eq!(applied("Ana Silva (c-1) is now at version 2", true), "is now at version 2");
        let attributes = "ADD tier applied in one request to interaction with Ana Silva (c-1)";
        assert_eq!(applied(attributes, true), "ADD tier applied in one request");
        // Without the column, the reason still says whom it was for.
        assert_eq!(
            applied(now, false),
            "contact Ana Silva now has outcome BUSY (was none) in campaign Spring"
        );
        // A name the reason mentions further on is not cut out of it.
        let later = "the tenant refused the change: Ana Silva is locked";
        assert_eq!(applied(later, true), later);
    }
}
