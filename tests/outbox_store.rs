//! The outbox across restarts: nothing waiting is lost, nothing delivered is
//! sent again, failures are kept, the journal is compacted.

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use cxone_console::engine::journal::JournalError;
use cxone_console::engine::outbox::{
    Backoff, Deliverer, DeliveryConfig, Message, MessageId, Outbox, OutboxError, OutboxStatus, peek,
};
use cxone_console::signing::SigningKey;
use serde_json::json;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;
use url::Url;

/// Webhook ids received, in order; answers `status` to each.
type Received = Arc<Mutex<Vec<String>>>;

async fn receiver(status: StatusCode) -> (Url, Received) {
    let received = Received::default();
    let record = move |State(received): State<Received>, headers: HeaderMap| async move {
        let id = headers.get("webhook-id").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
        received.lock().unwrap().push(id);
        status
    };
    let app = Router::new().route("/hook", post(record)).with_state(Arc::clone(&received));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (Url::parse(&format!("http://{addr}/hook")).unwrap(), received)
}

fn path(dir: &tempfile::TempDir) -> PathBuf {
    dir.path().join("outbox.jsonl")
}

fn message(n: u32) -> Message<'static> {
    Message {
        target: "crm",
        event_type: "contact.disposition.updated",
        body: json!({ "contactId": n }),
        subject: None,
    }
}

fn start(outbox: &Outbox, url: Url) -> (Deliverer, CancellationToken) {
    let key = SigningKey::from_secret(&SigningKey::generate_secret()).unwrap();
    let backoff = Backoff { base: Duration::from_millis(2), cap: Duration::from_millis(20) };
    let config =
        DeliveryConfig { backoff, ..DeliveryConfig::new(HashMap::from([("crm".to_owned(), url)]), key) };
    let cancel = CancellationToken::new();
    (Deliverer::spawn(outbox.clone(), config, cancel.clone()).unwrap(), cancel)
}

async fn until(
    status: &mut watch::Receiver<OutboxStatus>,
    what: impl Fn(&OutboxStatus) -> bool,
) -> OutboxStatus {
    let seen = tokio::time::timeout(Duration::from_secs(60), status.wait_for(|s| what(s)));
    seen.await.expect("the deliverer never got there").expect("the deliverer is gone").clone()
}

async fn stop(deliverer: Deliverer, cancel: CancellationToken, outbox: &Outbox) {
    cancel.cancel();
    deliverer.stopped().await;
    outbox.close().await;
}

#[tokio::test]
async fn a_message_enqueued_before_a_stop_is_delivered_once_after_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let outbox = Outbox::open(path(&dir)).await.unwrap();
    let id = outbox.enqueue(message(1)).await.unwrap();
    outbox.close().await;

    let (url, received) = receiver(StatusCode::OK).await;
    let outbox = Outbox::open(path(&dir)).await.unwrap();
    let waiting: Vec<MessageId> = outbox.pending().into_iter().map(|e| e.id).collect();
    assert_eq!(waiting, std::slice::from_ref(&id));
    let (deliverer, cancel) = start(&outbox, url);
    until(&mut deliverer.status(), |s| s.delivered == 1).await;
    stop(deliverer, cancel, &outbox).await;

    let outbox = Outbox::open(path(&dir)).await.unwrap();
    assert!(outbox.pending().is_empty(), "the delivered marker survived the restart");
    assert_eq!(*received.lock().unwrap(), [id.to_string()]);
}

/// An outbox in `dir` whose one message a receiver refused (422), closed
/// again: the message's id.
async fn one_given_up_on(dir: &tempfile::TempDir) -> MessageId {
    let (refusing, _) = receiver(StatusCode::UNPROCESSABLE_ENTITY).await;
    let outbox = Outbox::open(path(dir)).await.unwrap();
    let id = outbox.enqueue(message(1)).await.unwrap();
    let (deliverer, cancel) = start(&outbox, refusing);
    until(&mut deliverer.status(), |s| s.failed == 1).await;
    stop(deliverer, cancel, &outbox).await;
    id
}

#[tokio::test]
async fn a_failed_message_is_kept_across_reopen_and_can_be_retried() {
    let dir = tempfile::tempdir().unwrap();
    let id = one_given_up_on(&dir).await;

    let outbox = Outbox::open(path(&dir)).await.unwrap();
    let failed = outbox.failed();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].envelope.id, id);
    assert!(failed[0].reason.contains("422"), "{}", failed[0].reason);
    assert!(outbox.pending().is_empty());

    outbox.retry(&id).await.unwrap();
    assert!(matches!(outbox.retry(&id).await, Err(OutboxError::NotFailed(_))));
    let (url, received) = receiver(StatusCode::OK).await;
    let (deliverer, cancel) = start(&outbox, url);
    let status = until(&mut deliverer.status(), |s| s.delivered == 1).await;
    assert_eq!(status.failed, 0);
    stop(deliverer, cancel, &outbox).await;
    assert_eq!(*received.lock().unwrap(), [id.to_string()]);
}

#[tokio::test]
async fn a_journal_of_mostly_finished_messages_is_compacted() {
    let dir = tempfile::tempdir().unwrap();
    let (url, received) = receiver(StatusCode::NO_CONTENT).await;
    let outbox = Outbox::open(path(&dir)).await.unwrap();
    let mut ids = Vec::new();
    for n in 0..100 {
        ids.push(outbox.enqueue(message(n)).await.unwrap());
    }
    let (deliverer, cancel) = start(&outbox, url);
    until(&mut deliverer.status(), |s| s.delivered == 100).await;
    stop(deliverer, cancel, &outbox).await;

    assert!(outbox.stats().compactions >= 1);
    let text = std::fs::read_to_string(path(&dir)).unwrap();
    let lines = text.lines().count();
    // 100 delivery markers remembered, after the line saying which compaction wrote them.
    assert!(lines <= 101, "the journal still has {lines} lines for 200 written");
    assert!(!text.contains("\"enqueued\""), "delivered bodies are gone; only their ids are remembered");
    let reopened = Outbox::open(path(&dir)).await.unwrap();
    assert!(reopened.pending().is_empty() && reopened.failed().is_empty(), "a delivered message came back");
    let mut sent = received.lock().unwrap().clone();
    sent.sort();
    let mut expected: Vec<String> = ids.iter().map(MessageId::to_string).collect();
    expected.sort();
    assert_eq!(sent, expected);
}

#[tokio::test]
async fn an_unfinished_last_line_is_cut_on_open() {
    let dir = tempfile::tempdir().unwrap();
    let outbox = Outbox::open(path(&dir)).await.unwrap();
    let id = outbox.enqueue(message(1)).await.unwrap();
    outbox.close().await;
    let mut bytes = std::fs::read(path(&dir)).unwrap();
    bytes.extend_from_slice(br#"{"op":"delivered","id":"#);
    std::fs::write(path(&dir), &bytes).unwrap();

    let outbox = Outbox::open(path(&dir)).await.unwrap();
    assert_eq!(outbox.torn_tail().map(|t| t.bytes), Some(23));
    assert_eq!(outbox.pending()[0].id, id, "a lost marker means sending again, not losing the message");
}

#[tokio::test]
async fn a_cut_enqueue_is_said_naming_its_webhook_and_its_bytes_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    let outbox = Outbox::open(path(&dir)).await.unwrap();
    outbox.enqueue(message(1)).await.unwrap();
    outbox.close().await;
    // A crash while the next enqueue was written: its closing brace never landed.
    let torn = br#"{"op":"enqueued","id":"msg_0123abcd","target":"wfm","eventType":"agent.status.changed","body":{"userId":"u1"},"at":"2026-11-22T12:00:00Z""#;
    let mut bytes = std::fs::read(path(&dir)).unwrap();
    bytes.extend_from_slice(torn);
    bytes.push(b'\n');
    std::fs::write(path(&dir), &bytes).unwrap();

    let looked = peek(&path(&dir)).unwrap();
    let cut = looked.cut.expect("a look says what opening will cut");
    assert_eq!((cut.id.as_deref(), cut.target.as_deref()), (Some("msg_0123abcd"), Some("wfm")));
    assert!(cut.pending_words().contains("which the next start cuts"), "{}", cut.pending_words());

    let outbox = Outbox::open(path(&dir)).await.unwrap();
    let cut = outbox.cut().expect("the cut is said").clone();
    assert_eq!((cut.bytes, cut.lines), (torn.len() as u64 + 1, 1));
    let said = cut.to_string();
    assert!(said.contains(r#"an "enqueued" line for webhook msg_0123abcd to "wfm""#), "{said}");
    let kept = cut.kept.expect("the cut bytes are kept");
    assert!(said.contains(&kept.display().to_string()), "{said}");
    assert_eq!(std::fs::read(&kept).unwrap(), [&torn[..], b"\n"].concat(), "recoverable by hand");

    // The deliverer's status, which the console shows, says it too.
    let (url, _) = receiver(StatusCode::NO_CONTENT).await;
    let (deliverer, cancel) = start(&outbox, url);
    let status = until(&mut deliverer.status(), |s| s.delivered == 1).await;
    assert_eq!(status.repaired.as_deref(), Some(said.as_str()));
    stop(deliverer, cancel, &outbox).await;
}

#[tokio::test]
async fn an_outbox_of_garbage_is_cut_and_said_not_read_as_empty() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(path(&dir), "garbage\n").unwrap();
    let looked = peek(&path(&dir)).unwrap();
    assert!(looked.waiting.is_empty() && looked.failed.is_empty());
    let cut = looked.cut.expect("the garbage is said");
    assert_eq!((cut.bytes, cut.lines, cut.id), (8, 1, None));

    let outbox = Outbox::open(path(&dir)).await.unwrap();
    let said = outbox.cut().expect("cut, and said").to_string();
    assert!(said.contains("8 bytes at byte 0 (1 line), nothing in them readable"), "{said}");
    assert_eq!(std::fs::read(path(&dir)).unwrap(), b"", "the repair itself is unchanged");
    outbox.close().await;
}

#[tokio::test]
async fn a_peek_reads_what_an_open_outbox_holds_without_its_lock() {
    let dir = tempfile::tempdir().unwrap();
    let failing = one_given_up_on(&dir).await;
    let outbox = Outbox::open(path(&dir)).await.unwrap();
    let waiting = outbox.enqueue(message(2)).await.unwrap();

    // The outbox is open here, and so locked.
    let peek_now = peek(&path(&dir)).unwrap();
    let (pending, failed) = (peek_now.waiting, peek_now.failed);
    assert_eq!(pending.iter().map(|e| &e.id).collect::<Vec<_>>(), [&waiting]);
    assert_eq!(failed.iter().map(|f| &f.envelope.id).collect::<Vec<_>>(), [&failing]);
    assert!(failed[0].reason.contains("422"), "{}", failed[0].reason);
    outbox.close().await;

    // A line being written, or cut short by a crash, is left out; nothing is repaired.
    let mut bytes = std::fs::read(path(&dir)).unwrap();
    let whole = bytes.len();
    bytes.extend_from_slice(br#"{"op":"delivered","id":"#);
    std::fs::write(path(&dir), &bytes).unwrap();
    let unfinished = peek(&path(&dir)).unwrap();
    assert_eq!(unfinished.waiting.len(), 1, "the unfinished marker counts for nothing");
    let cut = unfinished.cut.expect("but it is said");
    assert_eq!((cut.bytes, cut.lines, cut.op.as_deref()), (23, 1, Some("delivered")));
    bytes.truncate(whole);
    bytes.extend_from_slice(b"{\"op\":\"delivered\",\"id\"\n");
    std::fs::write(path(&dir), &bytes).unwrap();
    let torn = peek(&path(&dir)).unwrap();
    assert_eq!(torn.waiting.len(), 1, "a torn last line is what opening would cut");
    assert_eq!(torn.cut.map(|cut| cut.bytes), Some(23), "and is said");
    assert_eq!(std::fs::read(path(&dir)).unwrap(), bytes, "a peek writes nothing");

    // Damage before the last line is reported with its line number.
    let text = String::from_utf8(bytes).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines[0] = "not json";
    std::fs::write(path(&dir), lines.join("\n") + "\n").unwrap();
    assert!(matches!(peek(&path(&dir)), Err(OutboxError::Damaged { line: 1, .. })));
}

#[tokio::test]
async fn bad_messages_are_refused_naming_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let outbox = Outbox::open(path(&dir)).await.unwrap();
    let bad_target = Message { target: "", ..message(1) };
    let bad_event = Message { event_type: "has spaces", ..message(1) };
    for (message, field) in [(bad_target, "target"), (bad_event, "eventType")] {
        match outbox.enqueue(message).await {
            Err(OutboxError::Journal(JournalError::Rejected(e))) => assert_eq!(e.field, field),
            other => panic!("expected a refusal naming {field}, got {other:?}"),
        }
    }
    assert!(outbox.pending().is_empty());
}

#[tokio::test]
async fn a_second_process_cannot_open_the_same_outbox() {
    let dir = tempfile::tempdir().unwrap();
    let _outbox = Outbox::open(path(&dir)).await.unwrap();
    let refused = Outbox::open(path(&dir)).await.err().expect("the second open is refused");
    assert!(refused.to_string().contains("outbox.jsonl"), "{refused}");
}

#[tokio::test]
async fn a_message_with_a_chosen_id_is_queued_once_even_across_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let id = MessageId::derived("cmd_1234");
    assert_eq!(id, MessageId::derived("cmd_1234"));
    assert_ne!(id, MessageId::derived("cmd_1235"));
    let outbox = Outbox::open(path(&dir)).await.unwrap();
    assert_eq!(outbox.enqueue_as(id.clone(), message(1)).await.unwrap(), id);
    assert_eq!(outbox.enqueue_as(id.clone(), message(2)).await.unwrap(), id);
    outbox.close().await;
    let outbox = Outbox::open(path(&dir)).await.unwrap();
    outbox.enqueue_as(id.clone(), message(3)).await.unwrap();
    let pending = outbox.pending();
    assert_eq!(pending.len(), 1, "one message for one id");
    assert_eq!(pending[0].id, id);
    assert!(String::from_utf8_lossy(&pending[0].body).contains('1'), "the first body is kept");
}

#[tokio::test]
async fn a_delivered_message_is_not_queued_again_under_its_id_even_after_compaction() {
    let dir = tempfile::tempdir().unwrap();
    let (url, received) = receiver(StatusCode::NO_CONTENT).await;
    let outbox = Outbox::open(path(&dir)).await.unwrap();
    let ids: Vec<MessageId> = (0..80).map(|n| MessageId::derived(&format!("cmd_{n}"))).collect();
    for (n, id) in ids.iter().enumerate() {
        outbox.enqueue_as(id.clone(), message(n as u32)).await.unwrap();
    }
    let (deliverer, cancel) = start(&outbox, url);
    until(&mut deliverer.status(), |s| s.delivered == 80).await;
    stop(deliverer, cancel, &outbox).await;
    assert!(outbox.stats().compactions >= 1, "the journal was compacted");

    let reopened = Outbox::open(path(&dir)).await.unwrap();
    for (n, id) in ids.iter().enumerate() {
        reopened.enqueue_as(id.clone(), message(n as u32)).await.unwrap();
    }
    assert!(reopened.pending().is_empty(), "a delivered change's webhook was queued again");
    assert_eq!(received.lock().unwrap().len(), 80);
}
