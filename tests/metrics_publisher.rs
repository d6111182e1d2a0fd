//! The publisher: snapshots at most four times a second, none when idle.
//!
//! Paused time: the runtime's clock only moves when every task waits, so
//! these tests read virtual time, never the wall clock.

use cxone_console::engine::metrics::{MIN_PUBLISH_PERIOD, Metrics, Operation, Outcome, spawn_publisher};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::sync::{Mutex, watch};
use tokio::time::{Instant, sleep};
use tokio_util::sync::CancellationToken;

/// Collects the virtual instant of every snapshot published on `snapshots`.
fn watch_publications<T: Send + Sync + 'static>(
    mut snapshots: watch::Receiver<T>,
) -> Arc<Mutex<Vec<Instant>>> {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    tokio::spawn(async move {
        while snapshots.changed().await.is_ok() {
            log.lock().await.push(Instant::now());
        }
    });
    seen
}

/// Records one sample every `every` until `stop` is set.
fn keep_recording(metrics: Metrics, every: Duration, stop: Arc<AtomicBool>) {
    tokio::spawn(async move {
        while !stop.load(Ordering::Relaxed) {
            metrics.record(Operation::AgentStatus, Outcome::Succeeded, Duration::from_millis(3));
            sleep(every).await;
        }
    });
}

#[tokio::test(start_paused = true)]
async fn a_busy_run_is_published_at_most_four_times_a_second() {
    let metrics = Metrics::new();
    let cancel = CancellationToken::new();
    // Asks for far more than the bound allows.
    let publisher = spawn_publisher(metrics.clone(), Duration::from_millis(1), cancel.clone());
    let published = watch_publications(publisher.snapshots.clone());
    let stop = Arc::new(AtomicBool::new(false));
    keep_recording(metrics.clone(), Duration::from_millis(5), stop.clone());

    sleep(Duration::from_secs(10)).await;
    stop.store(true, Ordering::Relaxed);
    let published = published.lock().await.clone();

    assert!(published.len() <= 40, "{} snapshots in 10 s", published.len());
    assert!(published.len() >= 35, "only {} snapshots in 10 s of constant change", published.len());
    for pair in published.windows(2) {
        let gap = pair[1] - pair[0];
        assert!(gap >= MIN_PUBLISH_PERIOD, "two snapshots {gap:?} apart");
    }
    let latest = publisher.snapshots.borrow().clone();
    assert!(
        latest.overall.run.completed >= 1_900,
        "the latest snapshot lags: {}",
        latest.overall.run.completed
    );
    cancel.cancel();
    publisher.task.await.expect("the publisher ends cleanly");
}

#[tokio::test(start_paused = true)]
async fn nothing_is_published_while_nothing_changes() {
    let metrics = Metrics::new();
    let cancel = CancellationToken::new();
    let publisher = spawn_publisher(metrics.clone(), MIN_PUBLISH_PERIOD, cancel.clone());
    let published = watch_publications(publisher.snapshots.clone());

    sleep(Duration::from_secs(30)).await;
    assert!(published.lock().await.is_empty(), "an idle run published snapshots");

    metrics.set_webhook_backlog(4);
    sleep(Duration::from_secs(1)).await;
    assert_eq!(published.lock().await.len(), 1);
    assert_eq!(publisher.snapshots.borrow().webhook_backlog, 4);

    // Setting the same value again is no change.
    metrics.set_webhook_backlog(4);
    sleep(Duration::from_secs(5)).await;
    assert_eq!(published.lock().await.len(), 1);
    cancel.cancel();
}

#[tokio::test(start_paused = true)]
async fn the_window_keeps_sliding_until_its_samples_are_gone_then_publishing_stops() {
    let metrics = Metrics::new();
    let cancel = CancellationToken::new();
    let publisher = spawn_publisher(metrics.clone(), MIN_PUBLISH_PERIOD, cancel.clone());
    let published = watch_publications(publisher.snapshots.clone());

    metrics.record(Operation::DataAction, Outcome::Succeeded, Duration::from_millis(40));
    sleep(Duration::from_secs(30)).await;
    assert_eq!(publisher.snapshots.borrow().overall.window.completed, 1);
    let sliding = published.lock().await.len();
    // Once a second as the sample moves along the sparkline, not four times.
    assert!((28..=32).contains(&sliding), "{sliding} snapshots in the first 30 s");

    sleep(Duration::from_secs(40)).await;
    assert_eq!(publisher.snapshots.borrow().overall.window.completed, 0, "the sample left the window");
    assert_eq!(publisher.snapshots.borrow().overall.run.completed, 1);
    let when_empty = published.lock().await.len();

    sleep(Duration::from_secs(60)).await;
    assert_eq!(published.lock().await.len(), when_empty, "an empty window still published");
    cancel.cancel();
}

#[tokio::test(start_paused = true)]
async fn the_publisher_stops_when_cancelled_or_unwatched() {
    let metrics = Metrics::new();
    let cancel = CancellationToken::new();
    let publisher = spawn_publisher(metrics.clone(), MIN_PUBLISH_PERIOD, cancel.clone());
    cancel.cancel();
    publisher.task.await.expect("a cancelled publisher ends");

    let publisher = spawn_publisher(metrics, MIN_PUBLISH_PERIOD, CancellationToken::new());
    drop(publisher.snapshots);
    publisher.task.await.expect("an unwatched publisher ends");
}

#[tokio::test(start_paused = true)]
async fn while_a_webhook_waits_a_snapshot_goes_out_each_second_with_its_lag() {
    let metrics = Metrics::new();
    let cancel = CancellationToken::new();
    let publisher = spawn_publisher(metrics.clone(), MIN_PUBLISH_PERIOD, cancel.clone());
    let published = watch_publications(publisher.snapshots.clone());

    // An outage: one webhook waits (for a minute already), and nothing
    // else happens. Each snapshot's lag is read from the wall clock when it
    // is made, which paused time leaves nearly still: the lag holds the
    // minute, and never goes back.
    let queued = time::OffsetDateTime::now_utc() - time::Duration::minutes(1);
    metrics.set_oldest_waiting(Some(queued));
    let mut snapshots = publisher.snapshots.clone();
    let lags = tokio::spawn(async move {
        let mut lags = Vec::new();
        while snapshots.changed().await.is_ok() {
            lags.extend(snapshots.borrow_and_update().delivery_lag_ms);
        }
        lags
    });
    sleep(Duration::from_secs(10)).await;
    let waiting = published.lock().await.len();
    assert!((9..=12).contains(&waiting), "{waiting} snapshots in 10 s of waiting");

    metrics.set_oldest_waiting(None);
    sleep(Duration::from_secs(2)).await;
    let drained = published.lock().await.len();
    assert_eq!(publisher.snapshots.borrow().delivery_lag_ms, None);
    sleep(Duration::from_secs(10)).await;
    assert_eq!(published.lock().await.len(), drained, "published on with nothing waiting");
    cancel.cancel();
    drop(publisher);
    let lags = lags.await.expect("the lags were read");
    assert!(lags.len() >= 9, "each snapshot while waiting carries the lag: {lags:?}");
    assert!(lags.iter().all(|&ms| ms >= 60_000), "the minute waited: {lags:?}");
    assert!(lags.is_sorted(), "a lag never goes back: {lags:?}");
}
