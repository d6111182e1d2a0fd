//! Hands snapshots to the console at a bounded rate.

use super::{Metrics, MetricsSnapshot};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio::time::{Instant, MissedTickBehavior};
use tokio_util::sync::CancellationToken;

/// The shortest time between two snapshots: four a second is as fast as a
/// supervisor reads a gauge, and faster would spend frames on redraws.
pub const MIN_PUBLISH_PERIOD: Duration = Duration::from_millis(250);

/// A running publisher: a receiver of the latest snapshot and its task.
pub struct Publisher {
    pub snapshots: watch::Receiver<Arc<MetricsSnapshot>>,
    pub task: JoinHandle<()>,
}

/// Publishes a snapshot of `metrics` every `period` (never more often than
/// [`MIN_PUBLISH_PERIOD`]), skipping ticks when nothing changed. It stops
/// when `cancel` fires or when every receiver is gone.
pub fn spawn_publisher(metrics: Metrics, period: Duration, cancel: CancellationToken) -> Publisher {
    let period = period.max(MIN_PUBLISH_PERIOD);
    let start = Instant::now();
    // The marker is read before the snapshot it stands for, so that a sample
    // landing in between makes the next tick publish again, never the reverse.
    let mut published = metrics.marker(start);
    let (sender, snapshots) = watch::channel(Arc::new(metrics.snapshot_at(start)));
    let task = tokio::spawn(async move {
        // Delay, not burst: ticks missed while the runtime was busy are not
        // made up in a rush, so snapshots stay at least a period apart.
        let mut ticks = tokio::time::interval_at(start + period, period);
        ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                () = cancel.cancelled() => return,
                () = sender.closed() => return,
                _ = ticks.tick() => {}
            }
            let now = Instant::now();
            let marker = metrics.marker(now);
            if marker == published {
                continue;
            }
            published = marker;
            if sender.send(Arc::new(metrics.snapshot_at(now))).is_err() {
                return;
            }
        }
    });
    Publisher { snapshots, task }
}
