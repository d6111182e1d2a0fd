//! A receiver that fails is held and probed, not hammered, and messages to
//! it go in queue order: the oldest probes, the rest follow oldest first.

#[path = "closed_port/mod.rs"]
mod closed_port;
mod outbox_support;

use closed_port::ClosedPort;
use cxone_console::engine::outbox::{Backoff, Deliverer, DeliveryConfig, Message, MessageId};
use outbox_support::{Answer, config, disposition, eventually, key, open, receiver, receiver_on, until};
use std::sync::atomic::Ordering;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

#[tokio::test]
async fn a_receiver_that_is_down_is_probed_by_one_message_not_hammered_by_all() {
    let dir = tempfile::tempdir().unwrap();
    let key = key();
    let (url, rx) = receiver(Answer::FailFirst(usize::MAX), &key, false).await;
    let outbox = open(&dir).await;
    let oldest = outbox.enqueue(disposition(1)).await.unwrap();
    for n in 2..=200 {
        outbox.enqueue(disposition(n)).await.unwrap();
    }
    let backoff = Backoff { base: Duration::from_millis(20), cap: Duration::from_millis(40) };
    // Every probe is the oldest message's attempt: at these holds it would
    // use up the default 15 within the second, which is not what this tests.
    let config = DeliveryConfig { backoff, max_attempts: 1_000, ..config(url, &key) };
    let cancel = CancellationToken::new();
    let deliverer = Deliverer::spawn(outbox.clone(), config, cancel.clone()).unwrap();
    tokio::time::sleep(Duration::from_secs(1)).await;
    // Each of the 200 retrying on its own within 40 ms would make thousands
    // of attempts in this second; held, the target gets the first four, then
    // one probe per hold. A hold is at least half the base (10 ms), so at
    // most a hundred probes fit in the second however the host runs; a late
    // wake only makes fewer.
    let heard: Vec<String> = rx.deliveries().into_iter().map(|(id, ..)| id).collect();
    let attempts = heard.len();
    assert!((4..=104).contains(&attempts), "{attempts} attempts in a second");
    assert!(heard[4..].iter().all(|id| id == oldest.as_str()), "each probe is the oldest: {heard:?}");
    let status = deliverer.status().borrow().clone();
    assert_eq!((status.backlog, status.delivered, status.failed), (200, 0, 0));
    assert!(status.last_error.is_some_and(|e| e.contains("503")));
    cancel.cancel();
    deliverer.stopped().await;
}

#[tokio::test]
async fn after_failures_the_oldest_message_probes_and_the_rest_follow_in_queue_order() {
    let dir = tempfile::tempdir().unwrap();
    let key = key();
    // The receiver fails its first three requests, as one coming back from an outage would.
    let (url, rx) = receiver(Answer::FailFirst(3), &key, false).await;
    let outbox = open(&dir).await;
    let mut ids = Vec::new();
    for n in 1..=20 {
        ids.push(outbox.enqueue(disposition(n)).await.unwrap());
    }
    let cancel = CancellationToken::new();
    let config = DeliveryConfig { max_in_flight: 1, ..config(url, &key) };
    let deliverer = Deliverer::spawn(outbox.clone(), config, cancel.clone()).unwrap();
    until(&mut deliverer.status(), |s| s.delivered == 20).await;
    let attempts: Vec<String> = rx.deliveries().into_iter().map(|(id, ..)| id).collect();
    let expected: Vec<&str> = ids.iter().map(|id| id.as_str()).collect();
    assert_eq!(attempts[..4], [expected[0]; 4], "the oldest probes until the receiver answers");
    assert_eq!(attempts[3..], expected[..], "then the rest in the order they were queued");
    cancel.cancel();
    deliverer.stopped().await;
}

#[tokio::test]
async fn a_receiver_back_from_an_outage_first_hears_the_oldest_message() {
    let dir = tempfile::tempdir().unwrap();
    let key = key();
    // An address nothing listens on yet: every attempt is refused unanswered.
    let port = ClosedPort::new();
    let url = port.url("/hook");
    let outbox = open(&dir).await;
    let mut ids = Vec::new();
    for n in 1..=20 {
        ids.push(outbox.enqueue(disposition(n)).await.unwrap());
    }
    let cancel = CancellationToken::new();
    // Holds of 1 to 20 ms would use up the default 15 attempts within the
    // outage, and the oldest would be given up on: not what this tests.
    let config = DeliveryConfig { max_attempts: 1_000, ..config(url, &key) };
    let deliverer = Deliverer::spawn(outbox.clone(), config, cancel.clone()).unwrap();
    let mut status = deliverer.status();
    until(&mut status, |s| s.last_error.is_some()).await;
    // Long enough for several holds and probes (each hold is at most 20 ms).
    tokio::time::sleep(Duration::from_millis(200)).await;

    let (_, rx) = receiver_on(port.listen(), Answer::Accept, &key, false);
    until(&mut status, |s| s.delivered == 20).await;
    let heard: Vec<String> = rx.deliveries().into_iter().map(|(id, ..)| id).collect();
    assert_eq!(heard.len(), 20, "each once: {heard:?}");
    assert_eq!(heard[0], ids[0].as_str(), "the probe is the oldest waiting message");
    cancel.cancel();
    deliverer.stopped().await;
}

/// Two changes to one contact, and one to another: the second change's
/// webhook waits for the first one's answer, while the other contact's goes
/// beside it.
#[tokio::test]
async fn messages_about_one_subject_go_one_at_a_time_in_queue_order() {
    let dir = tempfile::tempdir().unwrap();
    let key = key();
    // Requests wait inside the receiver until the test lets them answer.
    let (url, rx) = receiver(Answer::Accept, &key, true).await;
    let outbox = open(&dir).await;
    let about = |subject, n| Message { subject: Some(subject), ..disposition(n) };
    let first = outbox.enqueue(about("contact:c1/7", 1)).await.unwrap();
    let second = outbox.enqueue(about("contact:c1/7", 2)).await.unwrap();
    let other = outbox.enqueue(about("contact:c1/8", 3)).await.unwrap();
    let cancel = CancellationToken::new();
    let config = DeliveryConfig { max_in_flight: 4, ..config(url, &key) };
    let deliverer = Deliverer::spawn(outbox.clone(), config, cancel.clone()).unwrap();
    eventually("two messages at the receiver", || rx.inside.load(Ordering::SeqCst) >= 2).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(rx.most_inside.load(Ordering::SeqCst), 2, "the second change went beside the first");

    rx.gate.as_ref().unwrap().add_permits(3);
    until(&mut deliverer.status(), |s| s.delivered == 3).await;
    let heard: Vec<String> = rx.deliveries().into_iter().map(|(id, ..)| id).collect();
    let at = |id: &MessageId| heard.iter().position(|h| h == id.as_str()).unwrap();
    assert!(at(&first) < at(&second), "{heard:?}");
    assert!(heard.contains(&other.as_str().to_owned()));
    cancel.cancel();
    deliverer.stopped().await;
}

/// A first message that fails holds back the next about its subject until
/// it is delivered, though the receiver answers the next at once.
#[tokio::test]
async fn a_failed_message_is_delivered_before_the_next_about_its_subject() {
    let dir = tempfile::tempdir().unwrap();
    let key = key();
    let (url, rx) = receiver(Answer::FailFirst(1), &key, false).await;
    let outbox = open(&dir).await;
    let about = |n| Message { subject: Some("user:u1"), ..disposition(n) };
    let ids = [outbox.enqueue(about(1)).await.unwrap(), outbox.enqueue(about(2)).await.unwrap()];
    let cancel = CancellationToken::new();
    let config = DeliveryConfig { max_in_flight: 4, ..config(url, &key) };
    let deliverer = Deliverer::spawn(outbox.clone(), config, cancel.clone()).unwrap();
    until(&mut deliverer.status(), |s| s.delivered == 2).await;
    let heard: Vec<String> = rx.deliveries().into_iter().map(|(id, ..)| id).collect();
    assert_eq!(
        heard,
        [ids[0].as_str(), ids[0].as_str(), ids[1].as_str()],
        "the first, failed then delivered, then the second"
    );
    cancel.cancel();
    deliverer.stopped().await;
}
