//! A receiver that fails is held and probed, not hammered, and messages to
//! it go in queue order: the oldest probes, the rest follow oldest first.

mod outbox_support;

use cxone_console::engine::outbox::{Backoff, Deliverer, DeliveryConfig};
use outbox_support::{Answer, config, disposition, key, open, receiver, receiver_at, until};
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use url::Url;

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
    // one probe per hold of at most 40 ms.
    let heard: Vec<String> = rx.deliveries().into_iter().map(|(id, ..)| id).collect();
    let attempts = heard.len();
    assert!((4..=40).contains(&attempts), "{attempts} attempts in a second");
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
    let addr = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let url = Url::parse(&format!("http://{addr}/hook")).unwrap();
    let outbox = open(&dir).await;
    let mut ids = Vec::new();
    for n in 1..=20 {
        ids.push(outbox.enqueue(disposition(n)).await.unwrap());
    }
    let cancel = CancellationToken::new();
    let deliverer = Deliverer::spawn(outbox.clone(), config(url, &key), cancel.clone()).unwrap();
    let mut status = deliverer.status();
    until(&mut status, |s| s.last_error.is_some()).await;
    // Long enough for several holds and probes (each hold is at most 20 ms).
    tokio::time::sleep(Duration::from_millis(200)).await;

    let (_, rx) = receiver_at(addr, Answer::Accept, &key, false).await;
    until(&mut status, |s| s.delivered == 20).await;
    let heard: Vec<String> = rx.deliveries().into_iter().map(|(id, ..)| id).collect();
    assert_eq!(heard.len(), 20, "each once: {heard:?}");
    assert_eq!(heard[0], ids[0].as_str(), "the probe is the oldest waiting message");
    cancel.cancel();
    deliverer.stopped().await;
}
