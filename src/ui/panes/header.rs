//! The header: where the console points (SANDBOX or a real tenant), who
//! is at it, how the link stands, and the modes that change what keys do.
//! Badges come first so that a narrow terminal still shows them.

use super::format;
use crate::engine::{Connection, Link};
use crate::ui::app::App;
use crate::ui::theme::Role;
use crate::ui::widgets::fit::{fit, width};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    if area.height == 0 {
        return;
    }
    let theme = &app.theme;
    let style = |role| theme.style(role);
    let mut spans: Vec<Span> = Vec::new();
    if app.session.is_sandbox() {
        spans.push(Span::styled(" SANDBOX ", style(Role::BadgeSandbox)));
        spans.push(Span::raw(" "));
    }
    if app.session.read_only {
        spans.push(Span::styled(" READ-ONLY ", style(Role::BadgeReadOnly)));
        spans.push(Span::raw(" "));
    }
    if app.frozen {
        spans.push(Span::styled(" FROZEN ", style(Role::BadgeFrozen)));
        spans.push(Span::raw(" "));
    }
    let profile_at = spans.len();
    spans.push(Span::styled(app.session.profile.clone(), style(Role::Title)));
    let separator = || Span::styled(" │ ", style(Role::Border));
    spans.push(separator());
    spans.extend(link(app.connection.as_ref(), app.engine_stopped, app));
    let in_flight = app.sent.in_flight().count();
    let mut waiting = None;
    if in_flight > 0 {
        let (done, total) = app.sent.in_flight().fold((0, 0), |(d, t), (_, p)| (d + p.done, t + p.total));
        spans.push(separator());
        let text = match in_flight {
            1 => {
                format!("1 change in flight ({}/{})", format::count(done as u64), format::count(total as u64))
            }
            n => format!(
                "{n} changes in flight ({}/{})",
                format::count(done as u64),
                format::count(total as u64)
            ),
        };
        spans.push(Span::styled(text, style(Role::Warn)));
        waiting =
            waits(app).map(|brief| (spans.len(), Span::styled(format!(" · {brief}"), style(Role::Warn))));
    }
    spans.push(separator());
    spans.push(Span::styled(app.session.operator.clone(), style(Role::Text)));

    let room = usize::from(area.width);
    give_way(&mut spans, profile_at, room);
    // What a change waits on, after the changes in flight, when it fits.
    if let Some((at, brief)) = waiting {
        let used: usize = spans.iter().map(|s| width(&s.content)).sum();
        if used + width(&brief.content) <= room {
            spans.insert(at, brief);
        }
    }
    let clock = format!("{} UTC ", format::hhmm(app.clock.wall));
    let used: usize = spans.iter().map(|s| width(&s.content)).sum();
    if used + width(&clock) < room {
        spans.push(Span::raw(" ".repeat(room - used - width(&clock))));
        spans.push(Span::styled(clock, style(Role::Muted)));
    }
    frame.render_widget(Line::from(spans), area);
}

/// Where the line is too long, the profile's words (`sandbox · embedded at
/// 127.0.0.1:…`) are cut first, and left out with their separator when
/// little of them would show: the badges before them say where the console
/// points, and how the link stands and what is in flight after them matter
/// more on a narrow screen than the address.
fn give_way(spans: &mut Vec<Span<'_>>, profile_at: usize, room: usize) {
    /// Fewer columns of the profile than this say nothing worth the room.
    const LEAST: usize = 8;
    let used: usize = spans.iter().map(|s| width(&s.content)).sum();
    let Some(over) = used.checked_sub(room).filter(|over| *over > 0) else { return };
    let profile = width(&spans[profile_at].content);
    let left = profile.saturating_sub(over);
    if left >= LEAST {
        let cut = fit(&spans[profile_at].content, left).into_owned();
        spans[profile_at].content = cut.into();
    } else {
        spans.drain(profile_at..profile_at + 2);
    }
}

/// What the newest change waiting waits on, in a few words.
fn waits(app: &App) -> Option<String> {
    let now = app.clock.mono;
    let mut waiting = app.sent.in_flight().rev().filter_map(|(id, _)| app.sent.waiting_on(id, now));
    waiting.next().map(|w| w.wait.brief(w.ends.saturating_sub(now)))
}

fn link<'a>(connection: Option<&Connection>, engine_stopped: bool, app: &App) -> Vec<Span<'a>> {
    let style = |role| app.theme.style(role);
    if engine_stopped {
        return vec![Span::styled("✕ engine stopped", style(Role::Error))];
    }
    let Some(connection) = connection else {
        return vec![Span::styled("○ connecting…", style(Role::Muted))];
    };
    let mut spans = match &connection.link {
        Link::Connecting => vec![Span::styled("◌ connecting…", style(Role::Warn))],
        Link::Up => vec![Span::styled("● link up", style(Role::Ok))],
        Link::Down { .. } => vec![Span::styled("✕ LINK DOWN", style(Role::Error))],
    };
    let tokens = match connection.token_refreshes {
        1 => " · 1 token".to_string(),
        n => format!(" · {n} tokens"),
    };
    spans.push(Span::styled(tokens, style(Role::Muted)));
    spans
}
