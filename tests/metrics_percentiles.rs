//! Percentiles read from the histograms match known distributions.

use cxone_console::engine::metrics::{ErrorClass, LatencySummary, MAX_LATENCY, Metrics, Operation, Outcome};
use std::time::Duration;
use tokio::time::Instant;

fn us(micros: u64) -> Duration {
    Duration::from_micros(micros)
}

/// Whether `actual` is within `tolerance` (a fraction) of `expected`.
fn close(actual: u64, expected: u64, tolerance: f64) -> bool {
    (actual as f64 - expected as f64).abs() <= expected as f64 * tolerance
}

fn assert_summary(summary: LatencySummary, expected: [u64; 4], tolerance: f64) {
    let [p50, p95, p99, max] = expected;
    assert!(close(summary.p50_us, p50, tolerance), "p50 {} != {p50}", summary.p50_us);
    assert!(close(summary.p95_us, p95, tolerance), "p95 {} != {p95}", summary.p95_us);
    assert!(close(summary.p99_us, p99, tolerance), "p99 {} != {p99}", summary.p99_us);
    assert!(close(summary.max_us, max, tolerance), "max {} != {max}", summary.max_us);
}

#[test]
fn uniform_latencies_give_their_percentiles_over_run_and_window() {
    let start = Instant::now();
    let metrics = Metrics::starting_at(start);
    // 100 µs, 200 µs, … 1 s, all within one second of the run.
    for i in 1..=10_000u64 {
        metrics.record_at(start, Operation::AgentStatus, Outcome::Succeeded, us(i * 100));
    }
    let snapshot = metrics.snapshot_at(start + Duration::from_millis(500));
    let series = snapshot.operation(Operation::AgentStatus);
    let expected = [500_000, 950_000, 990_000, 1_000_000];

    let run = series.run.latency.expect("the run has samples");
    assert_eq!(run.samples, 10_000);
    assert_summary(run, expected, 0.001);
    assert!((run.mean_us - 500_050.0).abs() < 500.0, "mean {}", run.mean_us);

    // The window's histograms are coarser: 1 % is their promise.
    let window = series.window.latency.expect("the window has samples");
    assert_eq!(window.samples, 10_000);
    assert_summary(window, expected, 0.01);
}

#[test]
fn a_slow_tail_shows_in_the_high_percentiles_only() {
    let start = Instant::now();
    let metrics = Metrics::starting_at(start);
    // 90 % at 10 ms, 10 % at 500 ms: the median ignores the tail, p95 and p99 are in it.
    for i in 0..1_000 {
        let latency = if i % 10 == 0 { us(500_000) } else { us(10_000) };
        metrics.record_at(start, Operation::ContactDisposition, Outcome::Succeeded, latency);
    }
    let snapshot = metrics.snapshot_at(start);
    let run = snapshot.operation(Operation::ContactDisposition).run.latency.expect("samples");
    assert_summary(run, [10_000, 500_000, 500_000, 500_000], 0.001);
    let window = snapshot.operation(Operation::ContactDisposition).window.latency.expect("samples");
    assert_summary(window, [10_000, 500_000, 500_000, 500_000], 0.01);
}

#[test]
fn each_operation_has_its_own_figures_and_overall_holds_them_all() {
    let start = Instant::now();
    let metrics = Metrics::starting_at(start);
    for _ in 0..300 {
        metrics.record_at(start, Operation::Attributes, Outcome::Succeeded, us(2_000));
    }
    for _ in 0..100 {
        metrics.record_at(start, Operation::DataAction, Outcome::Succeeded, us(80_000));
    }
    let snapshot = metrics.snapshot_at(start);

    let attributes = snapshot.operation(Operation::Attributes).run.latency.expect("samples");
    assert_summary(attributes, [2_000, 2_000, 2_000, 2_000], 0.001);
    let data_actions = snapshot.operation(Operation::DataAction).run.latency.expect("samples");
    assert_summary(data_actions, [80_000, 80_000, 80_000, 80_000], 0.001);
    assert!(snapshot.operation(Operation::AgentStatus).run.latency.is_none());

    let overall = snapshot.overall.run.latency.expect("samples");
    assert_eq!(overall.samples, 400);
    assert_summary(overall, [2_000, 80_000, 80_000, 80_000], 0.001);
    assert_eq!(snapshot.overall.run.completed, 400);
}

#[test]
fn latencies_beyond_the_bound_are_clamped_and_counted() {
    let start = Instant::now();
    let metrics = Metrics::starting_at(start);
    metrics.record_at(start, Operation::InteractionDisposition, Outcome::Succeeded, us(40_000));
    metrics.record_at(start, Operation::InteractionDisposition, Outcome::Succeeded, MAX_LATENCY * 5);
    metrics.record_at(start, Operation::InteractionDisposition, Outcome::Succeeded, Duration::MAX);
    let snapshot = metrics.snapshot_at(start);
    let series = snapshot.operation(Operation::InteractionDisposition);

    assert_eq!(series.clamped, 2);
    assert_eq!(snapshot.overall.clamped, 2);
    let bound = MAX_LATENCY.as_micros() as u64;
    let run = series.run.latency.expect("samples");
    assert_eq!(run.samples, 3);
    assert!(close(run.max_us, bound, 0.001), "max {} is not the bound {bound}", run.max_us);
    let window = series.window.latency.expect("samples");
    assert!(close(window.max_us, bound, 0.01), "window max {} is not the bound {bound}", window.max_us);
}

#[test]
fn validation_failures_count_as_completed_but_add_no_latency() {
    let start = Instant::now();
    let metrics = Metrics::starting_at(start);
    for _ in 0..10 {
        metrics.record_at(start, Operation::AgentStatus, Outcome::Succeeded, us(30_000));
    }
    // Fast local refusals must not drag the tenant's latency down.
    for _ in 0..90 {
        metrics.record_at(start, Operation::AgentStatus, Outcome::Failed(ErrorClass::Validation), us(5));
    }
    let snapshot = metrics.snapshot_at(start);
    let series = snapshot.operation(Operation::AgentStatus);
    assert_eq!(series.run.completed, 100);
    assert_eq!(series.run.errors.get(ErrorClass::Validation), 90);
    let latency = series.run.latency.expect("samples");
    assert_eq!(latency.samples, 10);
    assert_summary(latency, [30_000, 30_000, 30_000, 30_000], 0.001);
}

#[test]
fn nothing_recorded_reads_as_no_data() {
    let metrics = Metrics::new();
    let snapshot = metrics.snapshot();
    assert!(snapshot.overall.run.latency.is_none());
    assert!(snapshot.overall.window.latency.is_none());
    assert_eq!(snapshot.overall.run.error_rate, None);
    assert_eq!(snapshot.overall.throughput, 0.0);
}
