//! Error rates, error classes, outside gauges and the snapshot's JSON.

use cxone_console::engine::metrics::{ErrorClass, Metrics, Operation, Outcome};
use std::time::Duration;
use tokio::time::Instant;

fn ms(ms: u64) -> Duration {
    Duration::from_millis(ms)
}

#[test]
fn error_rate_over_the_window_and_the_run() {
    let start = Instant::now();
    let metrics = Metrics::starting_at(start);
    let op = Operation::ContactDisposition;
    for i in 0..100 {
        let outcome = if i % 4 == 0 { Outcome::Failed(ErrorClass::RateLimited) } else { Outcome::Succeeded };
        metrics.record_at(start + ms(i * 10), op, outcome, ms(15));
    }
    let early = metrics.snapshot_at(start + ms(1_500));
    assert_eq!(early.operation(op).window.error_rate, Some(0.25));
    assert_eq!(early.operation(op).run.error_rate, Some(0.25));
    assert_eq!(early.operation(op).window.failed, 25);

    // A minute later only the clean operations are in the window.
    for i in 0..10 {
        metrics.record_at(start + Duration::from_secs(90) + ms(i), op, Outcome::Succeeded, ms(15));
    }
    let later = metrics.snapshot_at(start + Duration::from_secs(90));
    assert_eq!(later.operation(op).window.error_rate, Some(0.0));
    assert_eq!(later.operation(op).window.completed, 10);
    assert_eq!(later.operation(op).run.error_rate, Some(25.0 / 110.0));
    assert_eq!(later.overall.run.error_rate, Some(25.0 / 110.0));
}

#[test]
fn the_per_second_error_rate_follows_each_second() {
    let start = Instant::now();
    let metrics = Metrics::starting_at(start);
    let op = Operation::InteractionDisposition;
    // Second 0: all fail. Second 1: half fail. Second 2: none fail.
    for (second, failures) in [(0u64, 4u64), (1, 2), (2, 0)] {
        for i in 0..4 {
            let at = start + Duration::from_secs(second) + ms(i * 100);
            let outcome =
                if i < failures { Outcome::Failed(ErrorClass::Conflict) } else { Outcome::Succeeded };
            metrics.record_at(at, op, outcome, ms(30));
        }
    }
    let snapshot = metrics.snapshot_at(start + ms(2_900));
    let rates: Vec<_> = snapshot.operation(op).seconds.iter().rev().take(3).map(|p| p.error_rate).collect();
    assert_eq!(rates, [Some(0.0), Some(0.5), Some(1.0)]);
}

#[test]
fn errors_are_counted_by_class() {
    let start = Instant::now();
    let metrics = Metrics::starting_at(start);
    let op = Operation::DataAction;
    let statuses = [400u16, 401, 403, 404, 409, 428, 418, 422, 429, 500, 503, 504];
    for status in statuses {
        metrics.record_at(start, op, Outcome::from_status(status), ms(12));
    }
    for class in [ErrorClass::Network, ErrorClass::Timeout, ErrorClass::Validation] {
        metrics.record_at(start, op, Outcome::Failed(class), ms(12));
    }
    metrics.record_at(start, op, Outcome::from_status(200), ms(12));
    metrics.record_at(start, op, Outcome::from_status(201), ms(12));

    let snapshot = metrics.snapshot_at(start);
    for period in [&snapshot.operation(op).window, &snapshot.operation(op).run, &snapshot.overall.run] {
        let errors = &period.errors;
        assert_eq!(errors.get(ErrorClass::BadRequest), 1);
        assert_eq!(errors.get(ErrorClass::Unauthorized), 1);
        assert_eq!(errors.get(ErrorClass::Forbidden), 1);
        assert_eq!(errors.get(ErrorClass::NotFound), 1);
        assert_eq!(errors.get(ErrorClass::Conflict), 1);
        assert_eq!(errors.get(ErrorClass::Unprocessable), 1);
        assert_eq!(errors.get(ErrorClass::PreconditionRequired), 1);
        assert_eq!(errors.get(ErrorClass::OtherClientError), 1, "418");
        assert_eq!(errors.get(ErrorClass::RateLimited), 1);
        assert_eq!(errors.get(ErrorClass::ServerError), 3);
        assert_eq!(errors.get(ErrorClass::Network), 1);
        assert_eq!(errors.get(ErrorClass::Timeout), 1);
        assert_eq!(errors.get(ErrorClass::Validation), 1);
        assert_eq!(errors.total(), 15);
        assert_eq!(period.completed, 17);
        assert_eq!(period.failed, 15);
    }
    assert_eq!(snapshot.operation(Operation::AgentStatus).run.errors.total(), 0);
}

#[test]
fn gauges_set_from_outside_appear_in_the_snapshot() {
    let metrics = Metrics::new();
    let before = metrics.snapshot();
    assert_eq!((before.token_refreshes, before.webhook_backlog, before.delivery_lag_ms), (0, 0, None));

    metrics.set_token_refreshes(2);
    metrics.set_token_refreshes(1);
    metrics.set_webhook_backlog(17);
    metrics.set_oldest_waiting(Some(time::OffsetDateTime::now_utc() - Duration::from_millis(2_340)));
    let after = metrics.snapshot();
    assert_eq!(after.token_refreshes, 2);
    assert_eq!(after.webhook_backlog, 17);
    let lag = after.delivery_lag_ms.expect("a webhook waits");
    assert!(lag >= 2_340, "counted from when the oldest was queued: {lag} ms");

    // Through an outage nothing is set again, and the lag still grows.
    std::thread::sleep(Duration::from_millis(20));
    let later = metrics.snapshot().delivery_lag_ms.expect("it still waits");
    assert!(later >= lag + 20, "{later} ms, then {lag} ms");

    metrics.set_webhook_backlog(0);
    metrics.set_oldest_waiting(None);
    let drained = metrics.snapshot();
    assert_eq!((drained.webhook_backlog, drained.delivery_lag_ms), (0, None));
}

#[test]
fn the_snapshot_serialises_with_named_operations_and_classes() {
    let start = Instant::now();
    let metrics = Metrics::starting_at(start);
    metrics.record_at(start, Operation::AgentStatus, Outcome::Succeeded, ms(8));
    metrics.record_at(start, Operation::AgentStatus, Outcome::from_status(409), ms(9));
    metrics.set_webhook_backlog(3);
    let json = serde_json::to_value(metrics.snapshot_at(start + ms(500))).expect("a snapshot serialises");

    assert_eq!(json["windowSecs"], 60);
    assert_eq!(json["webhookBacklog"], 3);
    assert_eq!(json["overall"]["run"]["completed"], 2);
    let operations = json["operations"].as_array().expect("an array of operations");
    assert_eq!(operations.len(), Operation::COUNT);
    let agent_status =
        operations.iter().find(|o| o["operation"] == "agentStatus").expect("agent status is listed by name");
    assert_eq!(agent_status["window"]["errors"]["409"], 1);
    assert_eq!(agent_status["window"]["errors"]["422"], 0);
    assert_eq!(agent_status["window"]["errors"]["validation"], 0);
    assert_eq!(agent_status["window"]["errorRate"], 0.5);
    assert_eq!(agent_status["seconds"].as_array().map(Vec::len), Some(60));
    assert!(agent_status["run"]["latency"]["p95Us"].as_u64().is_some_and(|p95| p95 >= 8_000));
}
