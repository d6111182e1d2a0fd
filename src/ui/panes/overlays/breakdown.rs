//! Latency and errors per operation, for telling which change is slow.

use crate::engine::metrics::{ErrorCounts, Operation, SeriesSnapshot};
use crate::ui::app::App;
use crate::ui::panes::data_actions::error_role;
use crate::ui::panes::format;
use crate::ui::panes::gauges::setbacks;
use crate::ui::theme::Role;
use ratatui::text::{Line, Span};

pub(super) fn lines(app: &App) -> Vec<Line<'static>> {
    let theme = &app.theme;
    let Some(metrics) = &app.metrics else {
        return vec![Line::from(Span::styled("No requests measured yet.", theme.style(Role::Muted)))];
    };
    let head = format!(
        "{:<24}{:>7}{:>8}{:>9}{:>9}{:>9}{:>10}{:>8}",
        "Operation", "done", "errors", "p50", "p95", "p99", "run p99", "rate"
    );
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
        lines.push(row(label, series, app));
    }
    lines.push(Line::default());
    lines.push(Line::from(Span::styled("Errors in the window, by kind", theme.style(Role::Title))));
    let kinds = kinds(&metrics.overall.window.errors);
    lines.push(Line::from(if kinds.is_empty() { "none".to_string() } else { kinds }));
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(
        "Tenant setbacks over the run, request by request (retried ones too)",
        theme.style(Role::Title),
    )));
    lines.push(Line::from(setbacks(&metrics.tenant_setbacks).unwrap_or_else(|| "none".to_string())));
    lines
}

fn row(label: &str, series: &SeriesSnapshot, app: &App) -> Line<'static> {
    let theme = &app.theme;
    let window = &series.window;
    let cell = |us: Option<u64>| us.map_or_else(|| "—".to_string(), format::micros);
    let latency = window.latency;
    let rate = window.error_rate;
    Line::from(vec![
        Span::raw(format!("{label:<24}{:>7}", format::count(window.completed))),
        Span::styled(
            format!("{:>8}", rate.map_or_else(|| "—".into(), format::percent)),
            theme.style(rate.map_or(Role::Muted, error_role)),
        ),
        Span::raw(format!(
            "{:>9}{:>9}{:>9}{:>10}{:>8}",
            cell(latency.map(|l| l.p50_us)),
            cell(latency.map(|l| l.p95_us)),
            cell(latency.map(|l| l.p99_us)),
            cell(series.run.latency.map(|l| l.p99_us)),
            format!("{:.1}/s", series.throughput)
        )),
    ])
}

fn kinds(errors: &ErrorCounts) -> String {
    errors
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(class, n)| format!("{} {n}", class.name()))
        .collect::<Vec<_>>()
        .join(" · ")
}
