//! The deliverer against real loopback receivers: signatures, retries with a
//! stable webhook-id, redirects, permanent failures, concurrency, status.

#[path = "closed_port/mod.rs"]
mod closed_port;
mod outbox_support;

use closed_port::ClosedPort;
use cxone_console::engine::outbox::{Backoff, Deliverer, DeliveryConfig, DeliveryError, Message};
use cxone_console::signing::Verdict;
use outbox_support::{Answer, config, disposition, key, open, receiver, receiver_on, until};
use serde_json::json;
use std::sync::atomic::Ordering;
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use url::Url;

#[tokio::test]
async fn deliveries_are_signed_and_verify_with_the_same_secret() {
    let dir = tempfile::tempdir().unwrap();
    let key = key();
    let (url, rx) = receiver(Answer::Accept, &key, false).await;
    let outbox = open(&dir).await;
    let mut ids = Vec::new();
    for n in 1..=3 {
        ids.push(outbox.enqueue(disposition(n)).await.unwrap());
    }
    let cancel = CancellationToken::new();
    let deliverer = Deliverer::spawn(outbox.clone(), config(url, &key), cancel.clone()).unwrap();
    let status = until(&mut deliverer.status(), |s| s.delivered == 3).await;
    assert_eq!((status.backlog, status.failed, status.oldest_pending), (0, 0, None));

    let deliveries = std::mem::take(&mut *rx.deliveries.lock().unwrap());
    assert_eq!(deliveries.len(), 3);
    for (delivery, (id, n)) in deliveries.iter().zip(ids.iter().zip(1..)) {
        assert_eq!(delivery.id, id.as_str());
        assert!(id.as_str().starts_with("msg_"));
        assert_eq!(delivery.verdict, Verdict::Valid);
        assert_eq!(delivery.content_type, "application/json");
        let body: serde_json::Value = serde_json::from_slice(&delivery.body).unwrap();
        assert_eq!(body, json!({ "contactId": n, "code": "SALE" }));
    }
    assert!(outbox.pending().is_empty());
    cancel.cancel();
    deliverer.stopped().await;
}

#[tokio::test]
async fn a_failing_receiver_gets_the_same_webhook_id_until_it_accepts() {
    let dir = tempfile::tempdir().unwrap();
    let key = key();
    let (url, rx) = receiver(Answer::FailFirst(3), &key, false).await;
    let outbox = open(&dir).await;
    let id = outbox.enqueue(disposition(1)).await.unwrap();
    let cancel = CancellationToken::new();
    let deliverer = Deliverer::spawn(outbox.clone(), config(url, &key), cancel.clone()).unwrap();
    let mut status = deliverer.status();
    let failing = until(&mut status, |s| s.last_error.is_some()).await;
    assert!(failing.last_error.unwrap().contains("503"));
    assert_eq!(failing.backlog, 1);
    let delivered = until(&mut status, |s| s.delivered == 1).await;
    assert_eq!(delivered.last_error, None, "the receiver answers again: its trouble is over");

    let deliveries = rx.deliveries();
    assert_eq!(deliveries.len(), 4, "three refusals, then the delivery");
    assert!(
        deliveries
            .iter()
            .all(|(webhook_id, _, verdict)| webhook_id == id.as_str() && *verdict == Verdict::Valid)
    );
    assert!(outbox.failed().is_empty() && outbox.pending().is_empty());
    cancel.cancel();
    deliverer.stopped().await;
}

#[tokio::test]
async fn a_redirect_is_not_followed_and_the_message_is_kept_as_failed() {
    let dir = tempfile::tempdir().unwrap();
    let key = key();
    let (url, rx) = receiver(Answer::Redirect, &key, false).await;
    let outbox = open(&dir).await;
    let id = outbox.enqueue(disposition(1)).await.unwrap();
    let cancel = CancellationToken::new();
    let deliverer = Deliverer::spawn(outbox.clone(), config(url, &key), cancel.clone()).unwrap();
    let status = until(&mut deliverer.status(), |s| s.failed == 1).await;
    assert_eq!(status.backlog, 0);
    assert_eq!(rx.redirected_to.load(Ordering::SeqCst), 0, "the redirect was followed");
    assert_eq!(rx.deliveries().len(), 1);
    let failed = outbox.failed();
    assert_eq!(failed[0].envelope.id, id);
    assert!(failed[0].reason.contains("redirect"), "{}", failed[0].reason);
    cancel.cancel();
    deliverer.stopped().await;
}

#[tokio::test]
async fn a_permanent_refusal_is_reported_once_and_not_retried() {
    let dir = tempfile::tempdir().unwrap();
    let key = key();
    let (url, rx) = receiver(Answer::Refuse, &key, false).await;
    let outbox = open(&dir).await;
    outbox.enqueue(disposition(1)).await.unwrap();
    let cancel = CancellationToken::new();
    let deliverer = Deliverer::spawn(outbox.clone(), config(url, &key), cancel.clone()).unwrap();
    let status = until(&mut deliverer.status(), |s| s.failed == 1 && s.last_error.is_some()).await;
    assert!(status.last_error.as_deref().is_some_and(|e| e.contains("400")), "{status:?}");
    let failed = outbox.failed();
    assert_eq!((failed.len(), failed[0].attempts), (1, 1));
    assert_eq!(rx.deliveries().len(), 1);
    cancel.cancel();
    deliverer.stopped().await;
}

/// A receiver that refuses connections is said in a few words: the target,
/// what failed and the system's reason, without the layers between.
#[tokio::test]
async fn a_refused_connection_says_so_briefly() {
    let dir = tempfile::tempdir().unwrap();
    let key = key();
    let port = ClosedPort::new();
    let url = port.url("/hook");
    let outbox = open(&dir).await;
    outbox.enqueue(disposition(1)).await.unwrap();
    let cancel = CancellationToken::new();
    let deliverer = Deliverer::spawn(outbox.clone(), config(url, &key), cancel.clone()).unwrap();
    let status = until(&mut deliverer.status(), |s| s.last_error.is_some()).await;
    let said = status.last_error.unwrap();
    assert!(said.starts_with("to crm: could not connect: "), "{said}");
    assert!(said.to_lowercase().contains("refused") && !said.contains("client error"), "{said}");
    cancel.cancel();
    deliverer.stopped().await;
}

#[tokio::test]
async fn concurrency_is_bounded_and_the_status_follows_the_backlog() {
    let dir = tempfile::tempdir().unwrap();
    let key = key();
    let (url, rx) = receiver(Answer::Accept, &key, true).await;
    let outbox = open(&dir).await;
    for n in 1..=6 {
        outbox.enqueue(disposition(n)).await.unwrap();
    }
    let config = DeliveryConfig { max_in_flight: 2, ..config(url, &key) };
    let cancel = CancellationToken::new();
    let deliverer = Deliverer::spawn(outbox.clone(), config, cancel.clone()).unwrap();
    let mut status = deliverer.status();
    let busy = until(&mut status, |s| s.in_flight == 2).await;
    assert_eq!(busy.backlog, 6);
    assert!(busy.oldest_pending.is_some());
    assert!(
        busy.delivery_lag(time::OffsetDateTime::now_utc() + time::Duration::minutes(1))
            >= Duration::from_secs(59)
    );

    // Both held requests reach the receiver before any is let through.
    while rx.inside.load(Ordering::SeqCst) < 2 {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    let gate = rx.gate.as_ref().unwrap();
    gate.add_permits(3);
    let later = until(&mut status, |s| s.delivered == 3).await;
    assert_eq!(later.backlog, 3);
    gate.add_permits(3);
    let done = until(&mut status, |s| s.delivered == 6).await;
    assert_eq!((done.backlog, done.in_flight, done.oldest_pending), (0, 0, None));
    assert_eq!(rx.most_inside.load(Ordering::SeqCst), 2, "never more than two at once");
    cancel.cancel();
    deliverer.stopped().await;
}

#[tokio::test]
async fn a_target_without_url_stays_waiting_and_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let key = key();
    let (url, rx) = receiver(Answer::Accept, &key, false).await;
    let outbox = open(&dir).await;
    let stranded = outbox
        .enqueue(Message {
            target: "wfm",
            event_type: "agent.status.changed",
            body: json!({ "userId": "u1" }),
            subject: Some("user:u1"),
        })
        .await
        .unwrap();
    outbox.enqueue(disposition(1)).await.unwrap();
    let cancel = CancellationToken::new();
    let deliverer = Deliverer::spawn(outbox.clone(), config(url, &key), cancel.clone()).unwrap();
    let status = until(&mut deliverer.status(), |s| s.delivered == 1 && s.misconfigured == 1).await;
    assert_eq!(status.backlog, 1);
    let error = status.last_error.unwrap();
    assert!(error.contains("\"wfm\"") && error.contains(stranded.as_str()), "{error}");
    assert_eq!(outbox.pending()[0].id, stranded);
    assert_eq!(rx.deliveries().len(), 1);
    cancel.cancel();
    deliverer.stopped().await;
}

#[tokio::test]
async fn shutting_down_says_so_on_the_status() {
    let dir = tempfile::tempdir().unwrap();
    let key = key();
    let (url, _rx) = receiver(Answer::Accept, &key, true).await;
    let outbox = open(&dir).await;
    outbox.enqueue(disposition(1)).await.unwrap();
    let cancel = CancellationToken::new();
    let deliverer = Deliverer::spawn(outbox.clone(), config(url, &key), cancel.clone()).unwrap();
    let mut status = deliverer.status();
    until(&mut status, |s| s.in_flight == 1).await;
    cancel.cancel();
    deliverer.stopped().await;
    let last = status.borrow().clone();
    assert!(!last.running);
    assert_eq!((last.backlog, last.in_flight), (1, 0), "the cut-short attempt stays waiting");
}

#[tokio::test]
async fn plain_http_off_this_machine_is_refused_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let key = key();
    let outbox = open(&dir).await;
    for url in ["http://example.com/hook", "http://10.0.0.8/hook", "ftp://127.0.0.1/hook"] {
        let refused = Deliverer::spawn(
            outbox.clone(),
            config(Url::parse(url).unwrap(), &key),
            CancellationToken::new(),
        );
        match refused {
            Err(DeliveryError::Config { field, .. }) => assert_eq!(field, "targets.crm"),
            _ => panic!("{url} was accepted"),
        }
    }
    // Nothing is waiting, so accepting an https target contacts nobody.
    for url in ["http://localhost:9/hook", "https://crm.example.com/hook"] {
        let url = Url::parse(url).unwrap();
        assert!(Deliverer::spawn(outbox.clone(), config(url, &key), CancellationToken::new()).is_ok());
    }
}

#[tokio::test]
async fn a_failed_message_put_back_in_line_is_sent_again_with_its_id() {
    let dir = tempfile::tempdir().unwrap();
    let key = key();
    let (url, rx) = receiver(Answer::RefuseFirst(1), &key, false).await;
    let outbox = open(&dir).await;
    let id = outbox.enqueue(disposition(1)).await.unwrap();
    let cancel = CancellationToken::new();
    let deliverer = Deliverer::spawn(outbox.clone(), config(url, &key), cancel.clone()).unwrap();
    let mut status = deliverer.status();
    until(&mut status, |s| s.failed == 1).await;

    // The operator retries it while the deliverer runs.
    outbox.retry(&id).await.unwrap();
    let done = until(&mut status, |s| s.delivered == 1).await;
    assert_eq!((done.backlog, done.failed), (0, 0));
    let ids: Vec<String> = rx.deliveries().into_iter().map(|(id, ..)| id).collect();
    assert_eq!(ids, [id.as_str(), id.as_str()], "refused once, then delivered, under one webhook-id");
    cancel.cancel();
    deliverer.stopped().await;
}

#[tokio::test]
async fn a_resend_does_not_wait_out_the_hold_of_a_receiver_that_was_down() {
    let dir = tempfile::tempdir().unwrap();
    let key = key();
    // An address nothing listens on yet: every attempt is refused unanswered.
    let port = ClosedPort::new();
    let url = port.url("/hook");
    let outbox = open(&dir).await;
    let id = outbox.enqueue(disposition(1)).await.unwrap();
    // One attempt, then given up; a target that did not answer is held for ten minutes.
    let backoff = Backoff { base: Duration::from_secs(600), cap: Duration::from_secs(600) };
    let config = DeliveryConfig { backoff, max_attempts: 1, ..config(url, &key) };
    let cancel = CancellationToken::new();
    let deliverer = Deliverer::spawn(outbox.clone(), config, cancel.clone()).unwrap();
    let mut status = deliverer.status();
    until(&mut status, |s| s.failed == 1).await;

    // The receiver is mended, and the supervisor resends.
    let (_, rx) = receiver_on(port.listen(), Answer::Accept, &key, false);
    assert_eq!(outbox.retry_failed(|_| true).await.unwrap(), 1);
    let delivered = tokio::time::timeout(Duration::from_secs(30), until(&mut status, |s| s.delivered == 1));
    let done = delivered.await.expect("sent again at once, not after the target's ten-minute hold");
    assert_eq!((done.backlog, done.failed), (0, 0));
    let ids: Vec<String> = rx.deliveries().into_iter().map(|(id, ..)| id).collect();
    assert_eq!(ids, [id.as_str()]);
    cancel.cancel();
    deliverer.stopped().await;
}

#[tokio::test]
async fn a_long_backlog_goes_out_in_order_each_message_once() {
    const BACKLOG: u32 = 3_000;
    let dir = tempfile::tempdir().unwrap();
    let key = key();
    let (url, rx) = receiver(Answer::Accept, &key, false).await;
    let outbox = open(&dir).await;
    let mut ids = Vec::new();
    for n in 1..=BACKLOG {
        ids.push(outbox.enqueue(disposition(n)).await.unwrap());
    }
    let cancel = CancellationToken::new();
    let config = DeliveryConfig { max_in_flight: 1, ..config(url, &key) };
    let deliverer = Deliverer::spawn(outbox.clone(), config, cancel.clone()).unwrap();
    let mut status = deliverer.status();
    // More arrive while the backlog drains.
    for n in BACKLOG + 1..=BACKLOG + 100 {
        ids.push(outbox.enqueue(disposition(n)).await.unwrap());
    }
    let done = until(&mut status, |s| s.delivered == u64::from(BACKLOG) + 100).await;
    assert_eq!((done.backlog, done.in_flight, done.failed), (0, 0, 0));
    let sent: Vec<String> = rx.deliveries().into_iter().map(|(id, ..)| id).collect();
    let expected: Vec<&str> = ids.iter().map(|id| id.as_str()).collect();
    assert_eq!(sent, expected, "one at a time, oldest first, none twice");
    cancel.cancel();
    deliverer.stopped().await;
}
