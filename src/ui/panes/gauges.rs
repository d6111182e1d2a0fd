//! Live gauges: latency over the window as a sparkline with its
//! percentiles and maximum and the whole run's, the error rate against its
//! thresholds, throughput and the webhook backlog.

use super::data_actions::{ERROR_RATE_WARN, error_role};
use super::format;
use crate::api::SetbackCounts;
use crate::engine::metrics::{ErrorClass, LatencySummary, MetricsSnapshot, PeriodSnapshot};
use crate::ui::app::App;
use crate::ui::theme::Role;
use crate::ui::widgets::fit::{fit, wrap};
use crate::ui::widgets::{bar, spark};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Block;

/// Columns of the labels on the left.
const LABEL: usize = 8;
/// The most rows the last webhook error may take.
const LAST_ERROR_LINES: usize = 3;

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let theme = &app.theme;
    let window = app.metrics.as_ref().map_or(60, |m| m.window_secs);
    let block = Block::bordered().border_style(theme.style(Role::Border)).title(Line::from(vec![
        Span::styled(" Live ", theme.style(Role::Title)),
        Span::styled(format!("· last {window} s "), theme.style(Role::Muted)),
    ]));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let lines = lines(app, usize::from(inner.width), usize::from(inner.height));
    for (i, line) in lines.into_iter().take(usize::from(inner.height)).enumerate() {
        let rect = Rect { y: inner.y + i as u16, height: 1, ..inner };
        match line {
            Row::Text(line) => frame.render_widget(line, rect),
            Row::Spark => {
                let Some(metrics) = &app.metrics else { continue };
                frame.render_widget(Span::styled("latency", theme.style(Role::Muted)), rect);
                let spark_area =
                    Rect { x: rect.x + LABEL as u16, width: rect.width.saturating_sub(LABEL as u16), ..rect };
                let (normal, failing) = (theme.style(Role::Info), theme.style(Role::Error));
                spark::draw(frame, spark_area, &metrics.overall.seconds, normal, failing, ERROR_RATE_WARN);
            }
        }
    }
}

enum Row {
    Spark,
    Text(Line<'static>),
}

/// The panel's rows, `room` wide and at most `height` of them.
fn lines(app: &App, room: usize, height: usize) -> Vec<Row> {
    let theme = &app.theme;
    let muted = theme.style(Role::Muted);
    let label = |text: &str| Span::styled(format!("{text:<LABEL$}"), muted);
    let Some(metrics) = &app.metrics else {
        return vec![Row::Text(Line::from(Span::styled("No requests measured yet", muted)))];
    };
    let overall = &metrics.overall;
    let mut rows = vec![
        Row::Spark,
        Row::Text(Line::from(
            [vec![label("window")], percentiles(overall.window.latency, room, app)].concat(),
        )),
        // At the window's precision, so that a figure both rows hold reads
        // the same in both.
        Row::Text(Line::from(
            [
                vec![label("run")],
                percentiles(overall.run.latency.map(|l| l.at_window_precision()), room, app),
            ]
            .concat(),
        )),
        Row::Text(Line::from(
            [vec![label("errors")], errors(&overall.window, room.saturating_sub(LABEL), app)].concat(),
        )),
    ];
    let rate = format!("{:.1}/s", overall.throughput);
    let rest = room.saturating_sub(LABEL + rate.len());
    let mut last = vec![label("rate"), Span::raw(rate)];
    last.extend(backlog(metrics, rest, app));
    rows.push(Row::Text(Line::from(last)));
    if let Some(words) = setbacks(&metrics.tenant_setbacks) {
        // The tenant struggling shows even while retries and pauses keep
        // every change going through, and the error rate at 0%.
        rows.push(Row::Text(Line::from(vec![
            label("tenant"),
            Span::styled(fit(&words, room.saturating_sub(LABEL)).into_owned(), theme.style(Role::Warn)),
        ])));
    }
    if let Some(outbox) = &app.outbox {
        if outbox.failed > 0 || outbox.misconfigured > 0 {
            // Each count only when there is something to count.
            let mut parts = Vec::new();
            if outbox.failed > 0 {
                parts.push(format!("{} gave up · :resend", outbox.failed));
            }
            if outbox.misconfigured > 0 {
                parts.push(format!("{} without a URL", outbox.misconfigured));
            }
            let text = parts.join(", ");
            rows.push(Row::Text(Line::from(vec![
                label("webhook"),
                Span::styled(text, theme.style(Role::Error)),
            ])));
        }
        if let Some(error) = &outbox.last_error {
            // It wraps onto the rows below rather than being cut at the
            // panel's edge.
            let warn = theme.style(Role::Warn);
            let mut pieces = wrap(error, room.saturating_sub(LABEL));
            // The rows the panel has left, a repair's line kept (it follows).
            let left = height.saturating_sub(rows.len() + usize::from(outbox.repaired.is_some()));
            let most = LAST_ERROR_LINES.min(left).max(1);
            if pieces.len() > most {
                let rest = pieces.split_off(most - 1).join(" ");
                pieces.push(fit(&rest, room.saturating_sub(LABEL)).into_owned());
            }
            for (i, piece) in pieces.into_iter().enumerate() {
                let lead = if i == 0 { label("last") } else { Span::raw(" ".repeat(LABEL)) };
                rows.push(Row::Text(Line::from(vec![lead, Span::styled(piece, warn)])));
            }
        }
        if let Some(repaired) = &outbox.repaired {
            rows.push(Row::Text(Line::from(vec![
                label("outbox"),
                Span::styled(repaired.clone(), theme.style(Role::Warn)),
            ])));
        }
    }
    rows
}

/// `p50 38ms  p95 120ms  p99 410ms  max 1.20s`, closer together when room
/// is short, and without the max where even then it does not fit: one
/// request, however slow, tells less than the p99 it would push out.
fn percentiles(latency: Option<LatencySummary>, room: usize, app: &App) -> Vec<Span<'static>> {
    let muted = app.theme.style(Role::Muted);
    let Some(l) = latency else { return vec![Span::styled("no samples", muted)] };
    let all = [
        ("p50", format::latency(l.p50_us)),
        ("p95", format::latency(l.p95_us)),
        ("p99", format::latency(l.p99_us)),
        ("max", format::latency(l.max_us)),
    ];
    // The line with `gap` columns between figures: two of them only where
    // two columns are left to spare, one where the figures just fit.
    let fits = |values: &[(&str, String)], gap: usize| {
        let figures: usize = values.iter().map(|(n, v)| n.len() + 1 + v.chars().count()).sum();
        let spare = if gap > 1 { 2 } else { 0 };
        LABEL + figures + gap * (values.len() - 1) + spare <= room
    };
    let (values, gap) = [(&all[..], "  "), (&all[..], " "), (&all[..3], "  ")]
        .into_iter()
        .find(|(values, gap)| fits(values, gap.len()))
        .unwrap_or((&all[..3], " "));
    let mut spans = Vec::new();
    for (i, (name, value)) in values.iter().enumerate() {
        if i > 0 {
            spans.push(Span::raw(gap));
        }
        spans.push(Span::styled(format!("{name} "), muted));
        spans.push(Span::raw(value.clone()));
    }
    spans
}

/// `429 ×32 · 5xx ×33 · no answer ×9`: the tenant's setbacks over the run,
/// each named only when it happened; `None` before any.
pub(crate) fn setbacks(counts: &SetbackCounts) -> Option<String> {
    let parts: Vec<String> =
        [("429", counts.throttled), ("5xx", counts.server_errors), ("no answer", counts.unanswered)]
            .into_iter()
            .filter(|(_, n)| *n > 0)
            .map(|(what, n)| format!("{what} ×{}", format::count(n)))
            .collect();
    (!parts.is_empty()).then(|| parts.join(" · "))
}

/// The window's error rate as a bar coloured by its threshold, with counts.
/// Changes the console refused before sending (validation) count, as the
/// metrics spec has them, but are said apart: a rate made of them is no
/// sign of the tenant failing.
fn errors(period: &PeriodSnapshot, room: usize, app: &App) -> Vec<Span<'static>> {
    let theme = &app.theme;
    let Some(rate) = period.error_rate else {
        return vec![Span::styled("nothing completed", theme.style(Role::Muted))];
    };
    let role = error_role(rate);
    let mut counts = format!("{} of {}", format::count(period.failed), format::count(period.completed));
    let unsent = period.errors.get(ErrorClass::Validation);
    if unsent > 0 {
        counts.push_str(&format!("; {} never sent", format::count(unsent)));
    }
    let words = format!(" {} ({counts})", format::percent(rate));
    let columns = room.saturating_sub(words.chars().count()).clamp(0, 12);
    let mut spans: Vec<Span> = bar::bar(rate, columns, theme.style(role), theme.style(Role::Muted)).into();
    spans.push(Span::styled(words, theme.style(role)));
    spans
}

/// `3 webhooks waiting, oldest 4s`, or as much of it as fits: the age
/// outlasts the word "webhooks".
fn backlog(metrics: &MetricsSnapshot, room: usize, app: &App) -> Vec<Span<'static>> {
    let theme = &app.theme;
    let waiting = metrics.webhook_backlog;
    let role = if waiting == 0 { Role::Muted } else { Role::Warn };
    let n = format::count(waiting);
    let noun = if waiting == 1 { "webhook" } else { "webhooks" };
    // Aged by the console's clock from when the oldest was queued, which the
    // screen redraws each tick: a metrics snapshot moves once a second.
    let lag = match app.outbox.as_ref().filter(|status| status.oldest_pending.is_some()) {
        Some(status) => Some(status.delivery_lag(app.clock.wall)),
        None => metrics.delivery_lag_ms.map(std::time::Duration::from_millis),
    };
    let short = format!("{n} {noun} waiting");
    let mut choices = Vec::new();
    if let Some(age) = lag.filter(|_| waiting > 0).map(format::age) {
        choices.push(format!("{short}, oldest {age}"));
        choices.push(format!("{n} waiting, oldest {age}"));
    }
    choices.push(short);
    let last = choices.len() - 1;
    let text = choices
        .into_iter()
        .enumerate()
        .find(|(i, text)| *i == last || text.chars().count() + 2 <= room)
        .map(|(_, text)| text)
        .unwrap_or_default();
    vec![Span::raw("  "), Span::styled(fit(&text, room.saturating_sub(2)).into_owned(), theme.style(role))]
}
