//! The sliding window: what it holds as time passes.

use cxone_console::engine::metrics::{Metrics, Operation, Outcome, WINDOW_SECS};
use std::time::Duration;
use tokio::time::Instant;

const OP: Operation = Operation::Attributes;

fn secs(s: f64) -> Duration {
    Duration::from_secs_f64(s)
}

fn ms(ms: u64) -> Duration {
    Duration::from_millis(ms)
}

#[test]
fn samples_older_than_the_window_vanish_from_it_but_not_from_the_run() {
    let start = Instant::now();
    let metrics = Metrics::starting_at(start);
    for _ in 0..5 {
        metrics.record_at(start + secs(0.2), OP, Outcome::Succeeded, ms(900));
    }
    for _ in 0..3 {
        metrics.record_at(start + secs(30.5), OP, Outcome::Succeeded, ms(20));
    }

    let window_at = |t: f64| metrics.snapshot_at(start + secs(t)).operation(OP).window.clone();
    // Second 0 is still the window's oldest second until second 60 begins.
    assert_eq!(window_at(59.9).completed, 8);
    let max = window_at(59.9).latency.expect("samples").max_us;
    assert!((900_000..=909_000).contains(&max), "the slow samples are still in: max {max}");

    let later = window_at(60.0);
    assert_eq!(later.completed, 3);
    let latency = later.latency.expect("samples");
    assert_eq!(latency.samples, 3);
    assert!(latency.max_us < 21_000, "the slow samples left the window: max {}", latency.max_us);

    let gone = metrics.snapshot_at(start + secs(91.0));
    assert_eq!(gone.operation(OP).window.completed, 0);
    assert!(gone.operation(OP).window.latency.is_none());
    assert_eq!(gone.operation(OP).throughput, 0.0);
    assert_eq!(gone.operation(OP).run.completed, 8);
    assert_eq!(gone.overall.run.latency.expect("samples").samples, 8);
}

#[test]
fn a_bucket_reused_a_minute_later_forgets_what_it_held() {
    let start = Instant::now();
    let metrics = Metrics::starting_at(start);
    // Seconds 7 and 67 share a bucket of the ring.
    for _ in 0..50 {
        metrics.record_at(start + secs(7.5), OP, Outcome::Succeeded, ms(700));
    }
    metrics.record_at(start + secs(67.5), OP, Outcome::Succeeded, ms(5));

    let snapshot = metrics.snapshot_at(start + secs(67.9));
    let window = &snapshot.operation(OP).window;
    assert_eq!(window.completed, 1);
    assert_eq!(window.latency.expect("samples").samples, 1);
    let newest = snapshot.operation(OP).seconds.last().expect("sixty points");
    assert_eq!(newest.completed, 1);
    assert_eq!(snapshot.operation(OP).run.completed, 51);
}

#[test]
fn a_sample_completed_before_the_window_counts_for_the_run_only() {
    let start = Instant::now();
    let metrics = Metrics::starting_at(start);
    metrics.record_at(start + secs(100.0), OP, Outcome::Succeeded, ms(10));
    // A task that finished long ago reports late; its second's slot now holds second 100.
    metrics.record_at(start + secs(40.0), OP, Outcome::Succeeded, ms(10));
    // One a little late but still inside the window is kept.
    metrics.record_at(start + secs(95.0), OP, Outcome::Succeeded, ms(10));

    let snapshot = metrics.snapshot_at(start + secs(100.5));
    assert_eq!(snapshot.operation(OP).window.completed, 2);
    assert_eq!(snapshot.operation(OP).run.completed, 3);
}

#[test]
fn the_sparkline_has_a_point_per_second_newest_last() {
    let start = Instant::now();
    let metrics = Metrics::starting_at(start);
    // Seconds 70..=79 each get `s - 69` samples at `(s - 69)` ms.
    for s in 70..80u64 {
        let n = s - 69;
        for _ in 0..n {
            metrics.record_at(start + Duration::from_secs(s), OP, Outcome::Succeeded, ms(n));
        }
    }
    let snapshot = metrics.snapshot_at(start + secs(79.5));
    let seconds = &snapshot.operation(OP).seconds;
    assert_eq!(seconds.len() as u64, WINDOW_SECS);

    let (quiet, busy) = seconds.split_at(50);
    assert!(quiet.iter().all(|p| p.completed == 0 && p.p95_us.is_none() && p.error_rate.is_none()));
    for (i, point) in busy.iter().enumerate() {
        let n = i as u64 + 1;
        assert_eq!(point.completed, n);
        let p95 = point.p95_us.expect("a busy second has a latency");
        assert_eq!(p95 / 1000, n, "second {} p95 {p95} µs", 70 + i);
        assert_eq!(point.error_rate, Some(0.0));
    }
    assert_eq!(snapshot.overall.seconds, snapshot.operation(OP).seconds);
}

#[test]
fn the_sparkline_of_a_young_run_is_padded_on_the_left() {
    let start = Instant::now();
    let metrics = Metrics::starting_at(start);
    metrics.record_at(start + secs(2.5), OP, Outcome::Succeeded, ms(3));
    let snapshot = metrics.snapshot_at(start + secs(2.7));
    let seconds = &snapshot.operation(OP).seconds;
    assert_eq!(seconds.len() as u64, WINDOW_SECS);
    assert_eq!(seconds.iter().map(|p| p.completed).sum::<u64>(), 1);
    assert_eq!(seconds.last().map(|p| p.completed), Some(1));
}

#[test]
fn throughput_is_the_rate_over_the_window() {
    let start = Instant::now();
    let metrics = Metrics::starting_at(start);
    // A steady 20 operations per second for two minutes.
    for tick in 0..(120 * 20) {
        metrics.record_at(start + ms(tick * 50), OP, Outcome::Succeeded, ms(4));
    }
    let snapshot = metrics.snapshot_at(start + secs(120.0));
    let throughput = snapshot.operation(OP).throughput;
    assert!((throughput - 20.0).abs() < 0.5, "throughput {throughput}");
    assert_eq!(snapshot.overall.throughput, throughput);
}

#[test]
fn throughput_early_in_a_run_is_over_the_time_elapsed() {
    let start = Instant::now();
    let metrics = Metrics::starting_at(start);
    // 10 a second for three seconds: dividing by a full minute would read 0.5.
    for tick in 0..30 {
        metrics.record_at(start + ms(tick * 100), OP, Outcome::Succeeded, ms(4));
    }
    let throughput = metrics.snapshot_at(start + secs(3.0)).operation(OP).throughput;
    assert!((throughput - 10.0).abs() < 0.01, "throughput {throughput}");
}

#[test]
fn clones_of_the_handle_record_into_the_same_figures() {
    let metrics = Metrics::new();
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let metrics = metrics.clone();
            std::thread::spawn(move || {
                for _ in 0..1_000 {
                    metrics.record(OP, Outcome::Succeeded, ms(1));
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().expect("a recording thread panicked");
    }
    let snapshot = metrics.snapshot();
    assert_eq!(snapshot.operation(OP).run.completed, 4_000);
    assert_eq!(snapshot.overall.run.completed, 4_000);
}
