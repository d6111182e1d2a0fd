//! How many attempts a webhook has had: the limit that keeps a message as
//! failed, counted on across a restart, an attempt cut short by a stop
//! included.

#[path = "closed_port/mod.rs"]
mod closed_port;
mod outbox_support;

use closed_port::ClosedPort;
use cxone_console::engine::outbox::{Deliverer, DeliveryConfig, Listing};
use outbox_support::{Answer, config, disposition, eventually, key, open, receiver, until};
use std::sync::atomic::Ordering;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

#[tokio::test]
async fn running_out_of_attempts_keeps_the_message_as_failed() {
    let dir = tempfile::tempdir().unwrap();
    let key = key();
    let (url, rx) = receiver(Answer::FailFirst(usize::MAX), &key, false).await;
    let outbox = open(&dir).await;
    outbox.enqueue(disposition(1)).await.unwrap();
    let config = DeliveryConfig { max_attempts: 3, ..config(url, &key) };
    let cancel = CancellationToken::new();
    let deliverer = Deliverer::spawn(outbox.clone(), config, cancel.clone()).unwrap();
    until(&mut deliverer.status(), |s| s.failed == 1).await;
    assert_eq!(rx.deliveries().len(), 3);
    let failed = outbox.failed();
    assert!(failed[0].reason.contains("gave up after 3 attempts"), "{}", failed[0].reason);
    cancel.cancel();
    deliverer.stopped().await;
}

/// The attempts a message has had are in the journal: after a restart the
/// count goes on, so a receiver that keeps failing is given up on after
/// the configured attempts however often the console restarts.
#[tokio::test]
async fn a_restart_goes_on_counting_the_attempts_of_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let key = key();
    let (url, rx) = receiver(Answer::FailFirst(usize::MAX), &key, false).await;
    let outbox = open(&dir).await;
    let id = outbox.enqueue(disposition(1)).await.unwrap();
    let config = DeliveryConfig { max_attempts: 4, ..config(url, &key) };
    let cancel = CancellationToken::new();
    let deliverer = Deliverer::spawn(outbox.clone(), config.clone(), cancel.clone()).unwrap();
    let recorded = |outbox: &cxone_console::engine::outbox::Outbox| {
        outbox.pending().first().and_then(|m| m.tried.as_ref()).map_or(0, |tried| tried.attempts)
    };
    eventually("recording two failed attempts", || recorded(&outbox) >= 2).await;
    cancel.cancel();
    deliverer.stopped().await;
    outbox.close().await;

    let outbox = open(&dir).await;
    let waiting = outbox.pending();
    let tried = waiting[0].tried.clone().expect("its attempts were recorded");
    let sent = rx.deliveries().len() as u32;
    // An attempt cut short by the stop counts as tried, sent or not yet.
    assert!(tried.attempts >= 2 && tried.attempts.abs_diff(sent) <= 1, "{tried:?}, {sent} sent");
    assert!(tried.reason.contains("503") || tried.reason.contains("stopped"), "{}", tried.reason);
    let listing = Listing::of(&outbox, 10);
    assert_eq!(listing.rows[0].attempts, Some(tried.attempts), "{listing:?}");

    let cancel = CancellationToken::new();
    let deliverer = Deliverer::spawn(outbox.clone(), config, cancel.clone()).unwrap();
    until(&mut deliverer.status(), |s| s.failed == 1).await;
    let after = rx.deliveries().len() as u32 - sent;
    assert_eq!(after, 4 - tried.attempts, "the restart went on from attempt {}", tried.attempts);
    let failed = outbox.failed();
    assert_eq!((&failed[0].envelope.id, failed[0].attempts), (&id, 4));
    cancel.cancel();
    deliverer.stopped().await;
}

/// An attempt the stop cuts short (the receiver never answered) still
/// counts: a receiver that hangs across short runs reaches the limit too.
#[tokio::test]
async fn an_attempt_cut_short_by_the_stop_counts_as_tried() {
    let dir = tempfile::tempdir().unwrap();
    let key = key();
    let (url, rx) = receiver(Answer::Accept, &key, true).await;
    let outbox = open(&dir).await;
    outbox.enqueue(disposition(1)).await.unwrap();
    let cancel = CancellationToken::new();
    let deliverer = Deliverer::spawn(outbox.clone(), config(url, &key), cancel.clone()).unwrap();
    eventually("the attempt reaching the receiver", || rx.inside.load(Ordering::SeqCst) > 0).await;
    cancel.cancel();
    deliverer.stopped().await;
    outbox.close().await;

    let outbox = open(&dir).await;
    let tried = outbox.pending()[0].tried.clone().expect("the attempt cut short is recorded");
    assert_eq!(tried.attempts, 1);
    assert!(tried.reason.contains("stopped before the receiver answered"), "{}", tried.reason);
}

/// After a restart during an outage, the target is not sent every waiting
/// message at once: the oldest probes it, alone, until it answers.
#[tokio::test]
async fn a_restart_during_an_outage_probes_with_the_oldest_message_alone() {
    let dir = tempfile::tempdir().unwrap();
    let key = key();
    let port = ClosedPort::new();
    let url = port.url("/hook");
    let outbox = open(&dir).await;
    for n in 0..5 {
        outbox.enqueue(disposition(n)).await.unwrap();
    }
    let cancel = CancellationToken::new();
    let deliverer = Deliverer::spawn(outbox.clone(), config(url.clone(), &key), cancel.clone()).unwrap();
    until(&mut deliverer.status(), |s| s.last_error.is_some()).await;
    cancel.cancel();
    deliverer.stopped().await;
    outbox.close().await;

    // The receiver is back, but holds every request: what the restart sends
    // at once is all it ever sees.
    let (_, rx) = outbox_support::receiver_on(port.listen(), Answer::Accept, &key, true);
    let outbox = open(&dir).await;
    let cancel = CancellationToken::new();
    let deliverer = Deliverer::spawn(outbox.clone(), config(url, &key), cancel.clone()).unwrap();
    eventually("a probe reaching the receiver", || rx.inside.load(Ordering::SeqCst) > 0).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(rx.inside.load(Ordering::SeqCst), 1, "one probe, not every message waiting");
    cancel.cancel();
    deliverer.stopped().await;
}
