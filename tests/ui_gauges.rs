//! The live gauges: latency, errors and throughput before and during a
//! run, and the webhook backlog: its age by the clock, and the last
//! delivery error whole.

mod ui_support;

use cxone_console::engine::Event;
use insta::assert_snapshot;
use ui_support::*;

#[test]
fn gauges_before_any_request_and_during_a_run() {
    let mut app = app(80, 24);
    let before = render(&app).lines().skip(16).collect::<Vec<_>>().join("\n");
    feed(&mut app, seeded_events());
    let during = render(&app).lines().skip(16).collect::<Vec<_>>().join("\n");
    assert_snapshot!(format!("{before}\n\n{during}"));
}

/// The oldest webhook waiting ages on screen by the clock, not only when
/// the outbox's status moves.
#[test]
fn the_oldest_webhook_waiting_ages_by_the_clock() {
    use cxone_console::engine::outbox::OutboxStatus;
    let mut app = loaded(150, 36);
    let status = OutboxStatus {
        backlog: 3,
        oldest_pending: Some(app.clock.wall - time::Duration::seconds(4)),
        running: true,
        ..Default::default()
    };
    feed(&mut app, [Event::Outbox(status)]);
    assert!(render(&app).contains("3 webhooks waiting, oldest 4s"), "{}", render(&app));
    tick(&mut app, std::time::Duration::from_secs(20));
    assert!(render(&app).contains("3 webhooks waiting, oldest 24s"), "{}", render(&app));
    // Past a minute the age takes more room: the word "webhooks" gives way first.
    tick(&mut app, std::time::Duration::from_secs(3_600));
    assert!(render(&app).contains("3 waiting, oldest 1h 00m"), "{}", render(&app));
}

/// The last webhook error wraps onto the rows below rather than being cut
/// at the panel's edge, within the rows the panel has: the last one it
/// shows ends in "…" when more is left.
#[test]
fn the_last_webhook_error_wraps_to_show_its_reason() {
    use cxone_console::engine::outbox::OutboxStatus;
    let mut app = loaded(160, 45);
    let status = |failed: usize, last_error: &str| OutboxStatus {
        backlog: 55,
        failed,
        running: true,
        last_error: Some(last_error.into()),
        ..Default::default()
    };
    let refused = "to crm: could not connect: Connection refused (os error 111)";
    feed(&mut app, [Event::Outbox(status(0, refused))]);
    let screen = render(&app);
    assert!(screen.contains("last    to crm: could not connect"), "{screen}");
    assert!(screen.contains("refused (os error 111)"), "the reason is on screen: {screen}");
    // With a row taken by the webhooks given up on, and a longer reason, the
    // last row left ends in an ellipsis instead of vanishing under the border.
    let long = "to crm: the receiver answered 503 Service Unavailable: upstream connect error or disconnect \
                before headers, reset reason: connection termination, retried later";
    feed(&mut app, [Event::Outbox(status(2, long))]);
    let screen = render(&app);
    assert!(screen.contains("last    to crm: the receiver answered 503"), "{screen}");
    let lines: Vec<&str> = screen.lines().collect();
    let first = lines.iter().position(|l| l.contains("last    to crm")).expect("the error's first row");
    let bottom = (first..lines.len()).find(|&i| lines[i].contains("└─") && lines[i].contains("─┘")).unwrap();
    let shown = lines[first..bottom]
        .iter()
        .rev()
        .find(|l| !l.trim_end_matches('"').trim_end_matches('│').trim().is_empty());
    assert!(shown.is_some_and(|l| l.contains('…')), "the last row shown says more is left: {screen}");
}

/// The tenant's setbacks show under the gauges once there are any, even
/// while every change goes through, and the breakdown (`m`) lists them.
#[test]
fn the_tenants_setbacks_show_once_there_are_any() {
    use cxone_console::api::SetbackCounts;
    let mut app = loaded(150, 36);
    feed(&mut app, [Event::Metrics(std::sync::Arc::new(metrics()))]);
    assert!(!render(&app).contains("no answer ×"), "none before any: {}", render(&app));
    let mut struggling = metrics();
    struggling.tenant_setbacks = SetbackCounts { throttled: 32, server_errors: 33, unanswered: 0 };
    feed(&mut app, [Event::Metrics(std::sync::Arc::new(struggling))]);
    let screen = render(&app);
    assert!(screen.contains("tenant  429 ×32 · 5xx ×33"), "{screen}");
    press(&mut app, &["m"]);
    let breakdown = render(&app);
    assert!(breakdown.contains("Tenant setbacks over the run"), "{breakdown}");
    assert!(breakdown.contains("429 ×32 · 5xx ×33"), "{breakdown}");
}

/// One sample is one latency on screen: the run's figures, kept finer than
/// the window's, are shown at the window's precision, so the gauges and the
/// breakdown do not say 8.6ms for the window and 8.5ms for the run.
#[test]
fn one_sample_shows_one_latency_in_the_window_and_the_run() {
    use cxone_console::engine::metrics::{Metrics, Operation, Outcome};
    let start = tokio::time::Instant::now();
    let metrics = Metrics::starting_at(start);
    let latency = std::time::Duration::from_micros(8_540);
    metrics.record_at(start, Operation::AgentStatus, Outcome::Succeeded, latency);
    let mut app = loaded(110, 30);
    feed(&mut app, [Event::Metrics(std::sync::Arc::new(metrics.snapshot_at(start)))]);
    let screen = render(&app);
    let row = |name: &str| screen.lines().find(|l| l.contains(name)).unwrap_or_else(|| panic!("{screen}"));
    assert!(row("│window ").contains("p50 8.6ms p95 8.6ms p99 8.6ms"), "{screen}");
    assert!(row("│run ").contains("p50 8.6ms p95 8.6ms p99 8.6ms"), "{screen}");
    press(&mut app, &["m"]);
    let screen = render(&app);
    let all = screen.lines().find(|l| l.contains("All operations")).unwrap_or_else(|| panic!("{screen}"));
    assert!(all.contains("8.6ms   8.6ms   8.6ms"), "p99, max and run p99 alike: {all}");
}

/// Changes refused before they were sent (outside their shift, say) count
/// as errors, as the metrics spec has them, but the gauge says how many of
/// them never reached the tenant, so their rate does not read as the
/// tenant failing. `m` names their class.
#[test]
fn errors_refused_before_sending_are_said_apart() {
    use cxone_console::engine::metrics::{ErrorClass, Metrics, Operation, Outcome};
    let start = tokio::time::Instant::now();
    let metrics = Metrics::starting_at(start);
    let latency = std::time::Duration::from_millis(40);
    metrics.record_at(start, Operation::AgentStatus, Outcome::Succeeded, latency);
    for _ in 0..3 {
        metrics.record_at(start, Operation::AgentStatus, Outcome::Failed(ErrorClass::Validation), latency);
    }
    let snapshot = std::sync::Arc::new(metrics.snapshot_at(start));
    for (width, height) in [(150, 36), (80, 24)] {
        let mut app = loaded(width, height);
        feed(&mut app, [Event::Metrics(snapshot.clone())]);
        let screen = render(&app);
        assert!(screen.contains("75.0% (3 of 4; 3 never sent)"), "{screen}");
    }
}

/// The slowest request shows beside the percentiles, the window's and the
/// run's, in the gauges and per operation in the breakdown (`m`); one
/// slower than the histograms' top (120 s) shows as `≥120s`, so the figure
/// never understates it (nor does a percentile it reaches).
#[test]
fn the_slowest_request_shows_and_one_past_the_top_as_a_floor() {
    use cxone_console::engine::metrics::{Metrics, Operation, Outcome};
    use std::time::Duration;
    let start = tokio::time::Instant::now();
    let metrics = Metrics::starting_at(start);
    for _ in 0..99 {
        metrics.record_at(start, Operation::AgentStatus, Outcome::Succeeded, Duration::from_millis(20));
    }
    metrics.record_at(start, Operation::AgentStatus, Outcome::Succeeded, Duration::from_millis(2_500));
    let mut app = loaded(150, 36);
    feed(&mut app, [Event::Metrics(std::sync::Arc::new(metrics.snapshot_at(start)))]);
    let screen = render(&app);
    let row = |screen: &str, name: &str| {
        screen.lines().find(|l| l.contains(name)).unwrap_or_else(|| panic!("{screen}")).to_string()
    };
    for name in ["│window ", "│run "] {
        assert!(row(&screen, name).contains("p99 20ms max 2.5"), "{screen}");
    }
    // Named as the percentiles are, the figure plain.
    let buffer = frame(&app);
    let y = row_of(&buffer, "│window ").expect("the window's row");
    let style = |needle: &str| buffer[(find_in_row(&buffer, y, needle).expect(needle), y)].style();
    assert_eq!(style("max"), style("p99"));
    assert_eq!(style("2.5"), style("20ms"));
    press(&mut app, &["m"]);
    let screen = render(&app);
    assert!(row(&screen, "Operation").contains("p99      max   run p99   run max"), "{screen}");
    assert!(row(&screen, "│Agent status ").contains("20ms    2.5"), "{screen}");

    metrics.record_at(start, Operation::DataAction, Outcome::Succeeded, Duration::from_secs(150));
    let mut app = loaded(150, 36);
    feed(&mut app, [Event::Metrics(std::sync::Arc::new(metrics.snapshot_at(start)))]);
    let screen = render(&app);
    for name in ["│window ", "│run "] {
        assert!(
            row(&screen, name).contains("p99 2.5") && row(&screen, name).contains("max ≥120s"),
            "{screen}"
        );
    }
    press(&mut app, &["m"]);
    let screen = render(&app);
    let data_action = row(&screen, "│Data action ");
    assert_eq!(data_action.matches("≥120s").count(), 6, "its percentiles are floors too: {screen}");
    assert!(row(&screen, "│Agent status ").contains("2.5"), "{screen}");
}

/// Where a line of the gauges is too narrow for every figure, the max
/// gives way first: the p99 stays whole.
#[test]
fn a_narrow_pane_drops_the_max_before_the_p99() {
    let app = loaded(150, 36);
    let screen = render(&app);
    let wide = screen.lines().find(|l| l.contains("│window ")).unwrap_or_else(|| panic!("{screen}"));
    assert!(wide.contains("p99 901ms max 901ms"), "{screen}");
    let app = loaded(80, 24);
    let screen = render(&app);
    for name in ["│window ", "│run "] {
        let line = screen.lines().find(|l| l.contains(name)).unwrap_or_else(|| panic!("{screen}"));
        assert!(line.contains("p50 67ms p95 ") && line.contains(" p99 "), "{line}");
        assert!(!line.contains("max"), "{line}");
    }
}

/// The breakdown (`m`) names a 422 (the tenant refusing a reused
/// idempotency key) apart from the 4xx the API does not document.
#[test]
fn the_breakdown_names_a_422_apart_from_other_4xx() {
    use cxone_console::engine::metrics::{Metrics, Operation, Outcome};
    let start = tokio::time::Instant::now();
    let metrics = Metrics::starting_at(start);
    let latency = std::time::Duration::from_millis(40);
    for status in [422, 422, 418] {
        metrics.record_at(start, Operation::AgentStatus, Outcome::from_status(status), latency);
    }
    let mut app = loaded(150, 36);
    feed(&mut app, [Event::Metrics(std::sync::Arc::new(metrics.snapshot_at(start)))]);
    press(&mut app, &["m"]);
    let screen = render(&app);
    assert!(screen.contains("│422 2 · 4xx 1 "), "{screen}");
}
