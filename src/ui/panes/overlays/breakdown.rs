//! Latency and errors per operation, for telling which change is slow.

use crate::engine::metrics::{ErrorCounts, Operation, SeriesSnapshot};
use crate::ui::app::App;
use crate::ui::panes::data_actions::error_role;
use crate::ui::panes::format;
use crate::ui::panes::gauges::setbacks;
use crate::ui::theme::Role;
use crate::ui::widgets::fit::wrap;
use ratatui::text::{Line, Span};

/// The label column: the longest operation's name and a space.
const LABEL: usize = 24;

/// A column of the table: its heading, its width where the window is wide
/// (84 columns in all), its width where it is not, each with the space
/// before it.
struct Column {
    head: &'static str,
    roomy: usize,
    tight: usize,
    cell: fn(&SeriesSnapshot) -> String,
}

/// The columns: the window's percentiles and slowest request, then the
/// run's p99 and slowest (read at the window's precision, so that the same
/// samples give the same figures as the window's beside them).
const COLUMNS: [Column; 9] = [
    Column { head: "done", roomy: 7, tight: 8, cell: |s| format::count(s.window.completed) },
    Column {
        head: "errors",
        roomy: 8,
        tight: 7,
        cell: |s| s.window.error_rate.map_or_else(|| "—".into(), format::percent),
    },
    Column { head: "p50", roomy: 9, tight: 7, cell: |s| latency(s.window.latency.map(|l| l.p50_us)) },
    Column { head: "p95", roomy: 9, tight: 7, cell: |s| latency(s.window.latency.map(|l| l.p95_us)) },
    Column { head: "p99", roomy: 9, tight: 7, cell: |s| latency(s.window.latency.map(|l| l.p99_us)) },
    Column { head: "max", roomy: 9, tight: 8, cell: |s| latency(s.window.latency.map(|l| l.max_us)) },
    Column {
        head: "run p99",
        roomy: 10,
        tight: 8,
        cell: |s| latency(s.run.latency.map(|l| l.at_window_precision().p99_us)),
    },
    Column {
        head: "run max",
        roomy: 10,
        tight: 8,
        cell: |s| latency(s.run.latency.map(|l| l.at_window_precision().max_us)),
    },
    Column { head: "rate", roomy: 8, tight: 8, cell: |s| format!("{:.1}/s", s.throughput) },
];

/// The order in which columns give way where the window is too narrow for
/// them all: the maxima first (one request each, however slow, tells less
/// than a p99), the run's before the window's, then p95, p50 and what was
/// done. The p99s and the rate stay, since the window's p99 is read
/// against the run's.
const GIVE_WAY: [&str; 5] = ["run max", "max", "p95", "p50", "done"];

pub(super) fn lines(app: &App, room: usize) -> Vec<Line<'static>> {
    let theme = &app.theme;
    let Some(metrics) = &app.metrics else {
        return vec![Line::from(Span::styled("No requests measured yet.", theme.style(Role::Muted)))];
    };
    let columns = columns(room);
    let mut head = format!("{:<LABEL$}", "Operation");
    for (column, width) in &columns {
        head.push_str(&format!("{:>width$}", column.head));
    }
    let mut lines = vec![
        Line::from(Span::styled(
            format!("Last {} s, and the whole run", metrics.window_secs),
            theme.style(Role::Muted),
        )),
        Line::default(),
        Line::from(Span::styled(head, theme.style(Role::Title))),
    ];
    let all = std::iter::once(("All operations", &metrics.overall))
        .chain(Operation::ALL.iter().map(|op| (op.label(), metrics.operation(*op))));
    for (label, series) in all {
        lines.push(row(label, series, &columns, app));
    }
    let kinds = kinds(&metrics.overall.window.errors);
    let setbacks = setbacks(&metrics.tenant_setbacks).unwrap_or_else(|| "none".to_string());
    let sections = [
        ("Errors in the window, by kind", if kinds.is_empty() { "none".to_string() } else { kinds }),
        ("Tenant setbacks over the run, request by request (retried ones too)", setbacks),
    ];
    // Wrapped, not cut at the window's edge: the table is narrowed to fit,
    // and so are these.
    for (title, text) in sections {
        lines.push(Line::default());
        lines.extend(
            wrap(title, room)
                .into_iter()
                .map(|part| Line::from(Span::styled(part, theme.style(Role::Title)))),
        );
        lines.extend(wrap(&text, room).into_iter().map(Line::from));
    }
    lines
}

/// The columns that fit in `room`, each with its width: every one at its
/// roomy width where they all fit so, else at their tight widths, those
/// that tell least left out until the rest fit.
fn columns(room: usize) -> Vec<(&'static Column, usize)> {
    let total = |columns: &[(&Column, usize)]| LABEL + columns.iter().map(|(_, w)| w).sum::<usize>();
    let roomy: Vec<_> = COLUMNS.iter().map(|c| (c, c.roomy)).collect();
    if total(&roomy) <= room {
        return roomy;
    }
    let mut tight: Vec<_> = COLUMNS.iter().map(|c| (c, c.tight)).collect();
    for head in GIVE_WAY {
        if total(&tight) <= room {
            break;
        }
        tight.retain(|(c, _)| c.head != head);
    }
    tight
}

fn row(label: &str, series: &SeriesSnapshot, columns: &[(&Column, usize)], app: &App) -> Line<'static> {
    let theme = &app.theme;
    let mut spans = vec![Span::raw(format!("{label:<LABEL$}"))];
    for (column, width) in columns {
        let text = format!("{:>width$}", (column.cell)(series));
        // The error rate in the colour its size calls for.
        spans.push(match column.head {
            "errors" => {
                let rate = series.window.error_rate;
                Span::styled(text, theme.style(rate.map_or(Role::Muted, error_role)))
            }
            _ => Span::raw(text),
        });
    }
    Line::from(spans)
}

fn latency(us: Option<u64>) -> String {
    us.map_or_else(|| "—".to_string(), format::latency)
}

fn kinds(errors: &ErrorCounts) -> String {
    errors
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(class, n)| format!("{} {n}", class.name()))
        .collect::<Vec<_>>()
        .join(" · ")
}
