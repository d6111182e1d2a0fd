//! A webhook the receiver took but the outbox could not record as delivered
//! (a full disk) is not sent again: only its record is tried again.
//!
//! Alone in its test binary: see `full_disk`.

mod full_disk;
mod outbox_support;

use cxone_console::engine::outbox::Deliverer;
use full_disk::limit_file_size;
use outbox_support::{Answer, config, disposition, key, open, receiver, until};
use std::time::Duration;
use tokio_util::sync::CancellationToken;

#[tokio::test]
async fn a_delivery_the_outbox_cannot_record_is_not_sent_again() {
    let dir = tempfile::tempdir().unwrap();
    let key = key();
    let (url, rx) = receiver(Answer::Accept, &key, false).await;
    let outbox = open(&dir).await;
    let id = outbox.enqueue(disposition(1)).await.unwrap();
    let len = std::fs::metadata(dir.path().join("outbox.jsonl")).unwrap().len();
    let _full = limit_file_size(len + 8);

    let cancel = CancellationToken::new();
    let deliverer = Deliverer::spawn(outbox.clone(), config(url, &key), cancel.clone()).unwrap();
    let mut status = deliverer.status();
    let failing =
        until(&mut status, |s| s.last_error.as_deref().is_some_and(|e| e.contains("not recorded"))).await;
    assert_eq!(failing.delivered, 0, "not recorded, so not counted as delivered");
    // Many backoffs of the test's 2–20 ms: each would have sent it again.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let sent: Vec<String> = rx.deliveries.lock().unwrap().iter().map(|d| d.id.clone()).collect();
    assert_eq!(sent, [id.as_str()], "delivered once, however often its record failed");
    assert_eq!(outbox.pending().len(), 1, "still waiting in the journal, to be recorded");
    cancel.cancel();
    deliverer.stopped().await;
}
