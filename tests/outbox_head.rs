//! Whole lines gone from the outbox's end (a disk that lost synced data, an
//! edit) leave nothing unfinished for opening to cut: the head file beside
//! the outbox finds them, after a compaction too, and opening says how many
//! and which webhooks they queued. A head behind its outbox, as a crash
//! leaves it, is no loss, and an outbox kept before heads were opens as it
//! did, and is held to the head it gets from then on.

mod engine_support;
mod outbox_support;

use cxone_console::engine::outbox::{
    Deliverer, DeliveryConfig, Message, MessageId, Outbox, OutboxStatus, peek,
};
use cxone_console::engine::{EngineConfig, Event};
use cxone_console::sandbox::{Sandbox, SandboxConfig};
use engine_support::Rig;
use outbox_support::{Answer, config, disposition, key, receiver, until};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;
use tokio_util::sync::CancellationToken;

fn path(dir: &tempfile::TempDir) -> PathBuf {
    dir.path().join("outbox.jsonl")
}

fn head_path(dir: &tempfile::TempDir) -> PathBuf {
    dir.path().join("outbox.head")
}

/// Takes the last `n` whole lines off the file, as a disk that lost them
/// would: what is left ends at a line boundary.
fn cut_lines(path: &Path, n: usize) {
    let text = std::fs::read_to_string(path).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let kept: String = lines[..lines.len() - n].iter().map(|l| format!("{l}\n")).collect();
    std::fs::write(path, kept).unwrap();
}

/// Enqueues one message to `crm` per change, under the change's id.
async fn enqueue(outbox: &Outbox, changes: &[&str]) -> Vec<MessageId> {
    let mut ids = Vec::new();
    for (n, change) in changes.iter().enumerate() {
        ids.push(outbox.enqueue_as(MessageId::derived(change), disposition(n as u32)).await.unwrap());
    }
    ids
}

/// What the status the console shows says opening found, read from a
/// deliverer with no URL for any target (so nothing leaves) once it has
/// said something, or has counted the `waiting` messages (at least one, so
/// that it is known to have looked) and said nothing.
async fn said_on_open(outbox: &Outbox, waiting: usize) -> Option<String> {
    let cancel = CancellationToken::new();
    let config = DeliveryConfig::new(HashMap::new(), key());
    let deliverer = Deliverer::spawn(outbox.clone(), config, cancel.clone()).unwrap();
    let looked = |s: &OutboxStatus| s.repaired.is_some() || (waiting > 0 && s.misconfigured == waiting);
    let status = tokio::time::timeout(Duration::from_secs(10), until(&mut deliverer.status(), looked)).await;
    cancel.cancel();
    deliverer.stopped().await;
    status.expect("the deliverer neither said anything nor counted what waits").repaired
}

fn waiting(outbox: &Outbox) -> Vec<MessageId> {
    outbox.pending().into_iter().map(|e| e.id).collect()
}

#[tokio::test]
async fn whole_lines_cut_from_the_end_are_said_with_how_many_and_which_webhooks() {
    let dir = tempfile::tempdir().unwrap();
    let outbox = Outbox::open(path(&dir)).await.unwrap();
    let ids = enqueue(&outbox, &["cmd_1", "cmd_2", "cmd_3"]).await;
    outbox.close().await;
    cut_lines(&path(&dir), 2);
    assert_eq!(peek(&path(&dir)).unwrap().cut, None, "nothing unfinished is left to cut");

    let outbox = Outbox::open(path(&dir)).await.unwrap();
    assert_eq!(waiting(&outbox), [ids[0].clone()]);
    let said = said_on_open(&outbox, 1).await.expect("the loss is said");
    assert!(said.contains("2 whole lines (from line 2"), "{said}");
    assert!(said.contains("2 of them queued webhooks that will not be sent"), "{said}");
    for lost in &ids[1..] {
        assert!(said.contains(&format!("{lost} (contact.disposition.updated to \"crm\")")), "{said}");
    }
    let noted = dir.path().join("outbox.cut");
    assert!(said.contains(&format!("noted in {}", noted.display())), "{said}");
    outbox.close().await;

    // Said on the start that found it, and kept beside the outbox after.
    let outbox = Outbox::open(path(&dir)).await.unwrap();
    assert_eq!(said_on_open(&outbox, 1).await, None, "the outbox as it stands is whole");
    outbox.close().await;
    let kept = std::fs::read_to_string(noted).unwrap();
    assert!(kept.contains(r#""lines":2"#) && kept.contains(ids[2].as_str()), "{kept}");
}

#[tokio::test]
async fn lines_cut_after_a_compaction_are_said() {
    let dir = tempfile::tempdir().unwrap();
    let (url, _received) = receiver(Answer::Accept, &key(), false).await;
    let outbox = Outbox::open(path(&dir)).await.unwrap();
    let changes: Vec<String> = (0..70).map(|n| format!("cmd_{n}")).collect();
    enqueue(&outbox, &changes.iter().map(String::as_str).collect::<Vec<_>>()).await;
    let cancel = CancellationToken::new();
    let deliverer = Deliverer::spawn(outbox.clone(), config(url, &key()), cancel.clone()).unwrap();
    until(&mut deliverer.status(), |s| s.delivered == 70).await;
    cancel.cancel();
    deliverer.stopped().await;
    outbox.close().await;
    assert!(outbox.stats().compactions >= 1, "the outbox was compacted");

    let outbox = Outbox::open(path(&dir)).await.unwrap();
    let ids = enqueue(&outbox, &["cmd_after_1", "cmd_after_2"]).await;
    outbox.close().await;
    cut_lines(&path(&dir), 1);

    let outbox = Outbox::open(path(&dir)).await.unwrap();
    assert_eq!(waiting(&outbox), [ids[0].clone()]);
    let said = said_on_open(&outbox, 1).await.expect("the loss is said");
    assert!(said.contains("1 whole line (from line"), "{said}");
    assert!(
        said.contains(&format!("1 of them queued a webhook that will not be sent: {}", ids[1])),
        "{said}"
    );
    outbox.close().await;
}

/// A message to a target with no URL: it waits, whatever the deliverer does.
fn unrouted() -> Message<'static> {
    Message { target: "wfm", ..disposition(0) }
}

#[tokio::test]
async fn a_head_behind_its_outbox_as_a_crash_leaves_it_is_no_loss_even_across_a_compaction() {
    let dir = tempfile::tempdir().unwrap();
    let outbox = Outbox::open(path(&dir)).await.unwrap();
    let changes: Vec<String> = (0..70).map(|n| format!("cmd_{n}")).collect();
    enqueue(&outbox, &changes.iter().map(String::as_str).collect::<Vec<_>>()).await;
    outbox.close().await;
    let before_compaction = std::fs::read(head_path(&dir)).unwrap();

    // Delivered, compacted, then one more line: the head written last
    // describes the compacted file.
    let (url, _received) = receiver(Answer::Accept, &key(), false).await;
    let outbox = Outbox::open(path(&dir)).await.unwrap();
    let cancel = CancellationToken::new();
    let deliverer = Deliverer::spawn(outbox.clone(), config(url, &key()), cancel.clone()).unwrap();
    until(&mut deliverer.status(), |s| s.delivered == 70).await;
    cancel.cancel();
    deliverer.stopped().await;
    let stray = outbox.enqueue_as(MessageId::derived("cmd_wfm"), unrouted()).await.unwrap();
    outbox.close().await;
    assert!(outbox.stats().compactions >= 1, "the outbox was compacted");
    let compacted = std::fs::read(path(&dir)).unwrap();

    // A crash after the compacted file took the outbox's name and before
    // the head caught up leaves the head of the file before.
    std::fs::write(head_path(&dir), &before_compaction).unwrap();
    let outbox = Outbox::open(path(&dir)).await.unwrap();
    assert_eq!(waiting(&outbox), [stray]);
    assert_eq!(said_on_open(&outbox, 1).await, None, "a head behind is not a loss");
    outbox.close().await;

    // The same head, and the last line the compaction wrote gone too, with
    // the one after it: the compacted file's first line says what it wrote.
    // (The line after was never in a head: a crash may take it unseen.)
    std::fs::write(path(&dir), &compacted).unwrap();
    std::fs::write(head_path(&dir), &before_compaction).unwrap();
    cut_lines(&path(&dir), 2);
    let outbox = Outbox::open(path(&dir)).await.unwrap();
    let said = said_on_open(&outbox, 0).await.expect("the loss is said");
    assert!(said.contains("1 whole line (from line 71)"), "{said}");
    assert!(said.contains("none of them queued a webhook"), "{said}");
    outbox.close().await;
}

#[tokio::test]
async fn a_head_a_few_lines_behind_is_no_loss() {
    let dir = tempfile::tempdir().unwrap();
    let outbox = Outbox::open(path(&dir)).await.unwrap();
    enqueue(&outbox, &["cmd_1", "cmd_2"]).await;
    outbox.close().await;
    let behind = std::fs::read(head_path(&dir)).unwrap();
    let outbox = Outbox::open(path(&dir)).await.unwrap();
    enqueue(&outbox, &["cmd_3", "cmd_4"]).await;
    outbox.close().await;

    // Synced lines the head was not yet rewritten for when the machine stopped.
    std::fs::write(head_path(&dir), behind).unwrap();
    let outbox = Outbox::open(path(&dir)).await.unwrap();
    assert_eq!(said_on_open(&outbox, 4).await, None);
    outbox.close().await;
}

#[tokio::test]
async fn an_outbox_kept_before_heads_opens_and_is_held_to_the_head_it_gets() {
    let dir = tempfile::tempdir().unwrap();
    let outbox = Outbox::open(path(&dir)).await.unwrap();
    let ids = enqueue(&outbox, &["cmd_1", "cmd_2", "cmd_3"]).await;
    outbox.close().await;
    std::fs::remove_file(head_path(&dir)).unwrap();

    let outbox = Outbox::open(path(&dir)).await.unwrap();
    assert_eq!(waiting(&outbox), ids);
    assert_eq!(said_on_open(&outbox, 3).await, None, "nothing is known to be lost");
    outbox.close().await;
    assert!(head_path(&dir).exists(), "a head was written for the lines there");

    cut_lines(&path(&dir), 1);
    let outbox = Outbox::open(path(&dir)).await.unwrap();
    let said = said_on_open(&outbox, 2).await.expect("the loss is said");
    assert!(said.contains("1 whole line (from line 3"), "{said}");
    assert!(said.contains(ids[2].as_str()), "{said}");
    outbox.close().await;
}

/// The engine says it at start-up, and so does the audit log; what is left
/// is delivered.
#[tokio::test]
async fn the_engine_says_lines_gone_from_the_outbox_at_start_up_and_in_the_audit_log() {
    let sandbox = Sandbox::start(SandboxConfig::quiet()).await.expect("the sandbox binds 127.0.0.1:0");
    let dir = tempfile::tempdir().unwrap();
    let config: EngineConfig = engine_support::engine_config(&sandbox, dir.path());
    let outbox = Outbox::open(&config.outbox_path).await.unwrap();
    let ids = enqueue(&outbox, &["cmd_1", "cmd_2", "cmd_3"]).await;
    outbox.close().await;
    cut_lines(&config.outbox_path, 2);

    let mut rig = Rig::with(sandbox, dir, config).await;
    let recovery = rig.until(|e| if let Event::Recovered(r) = e { Some(r.clone()) } else { None }).await;
    assert_eq!(recovery.outbox_repairs.len(), 1, "{:?}", recovery.outbox_repairs);
    assert!(recovery.outbox_repairs[0].contains("2 whole lines"), "{}", recovery.outbox_repairs[0]);
    let repairs: Vec<String> = rig
        .audit_records()
        .into_iter()
        .filter_map(|r| r.entry.reason)
        .filter(|t| t.contains("whole lines"))
        .collect();
    assert_eq!(repairs.len(), 1, "the audit log records it");
    assert!(ids[1..].iter().all(|id| repairs[0].contains(id.as_str())), "{}", repairs[0]);
    let delivered = rig.sink_holds("crm", 1).await;
    assert_eq!(delivered[0].webhook_id.as_deref(), Some(ids[0].as_str()));
    rig.stop().await;
}

/// A cut part-way through a line the head says was whole: the webhook it
/// queued had been acknowledged, so the cut says it was lost, not that it
/// was never acknowledged. A line written past the head and cut short by a
/// crash is still one that was never acknowledged.
#[tokio::test]
async fn a_line_cut_part_way_is_told_acknowledged_only_when_the_head_had_it_whole() {
    let dir = tempfile::tempdir().unwrap();
    let outbox = Outbox::open(path(&dir)).await.unwrap();
    enqueue(&outbox, &["change-1", "change-2"]).await;
    outbox.close().await;
    let text = std::fs::read(path(&dir)).unwrap();
    std::fs::write(path(&dir), &text[..text.len() - 10]).unwrap();

    let looked = peek(&path(&dir)).unwrap().cut.expect("a look sees the unfinished line").pending_words();
    assert!(looked.contains("its head file says were whole once"), "{looked}");
    assert!(!looked.contains("never acknowledged"), "{looked}");
    let outbox = Outbox::open(path(&dir)).await.unwrap();
    let said = outbox.cut().expect("cut").to_string();
    assert!(said.contains("that webhook had been queued and acknowledged, and will not be sent"), "{said}");
    assert!(!said.contains("never acknowledged"), "{said}");
    assert_eq!(outbox.lost().map(|lost| lost.from_line), Some(2), "and told as a line lost");
    outbox.close().await;

    let mut text = std::fs::read(path(&dir)).unwrap();
    text.extend_from_slice(br#"{"op":"enqueued","id":"msg_x","target":"crm""#);
    std::fs::write(path(&dir), &text).unwrap();
    let outbox = Outbox::open(path(&dir)).await.unwrap();
    let said = outbox.cut().expect("cut").to_string();
    assert!(said.contains("that webhook was never acknowledged"), "{said}");
    assert_eq!(outbox.lost(), None, "nothing the head had is gone");
    outbox.close().await;
}

/// A head file that cannot be written leaves the outbox's end unguarded:
/// the status the console shows says so while it lasts, and no longer once
/// a write succeeds.
#[tokio::test]
async fn a_head_file_that_cannot_be_written_is_said_in_the_status_while_it_cannot() {
    let dir = tempfile::tempdir().unwrap();
    let outbox = Outbox::open(path(&dir)).await.unwrap();
    let cancel = CancellationToken::new();
    let deliverer =
        Deliverer::spawn(outbox.clone(), DeliveryConfig::new(HashMap::new(), key()), cancel.clone()).unwrap();
    let mut status = deliverer.status();
    // A directory where the head file goes: replacing it fails, whoever runs this.
    let _ = std::fs::remove_file(head_path(&dir));
    std::fs::create_dir(head_path(&dir)).unwrap();
    enqueue(&outbox, &["change-1"]).await;
    let said = tokio::time::timeout(Duration::from_secs(10), until(&mut status, |s| s.repaired.is_some()))
        .await
        .expect("the status says the head cannot be written")
        .repaired
        .unwrap();
    assert!(said.contains("head file: cannot write"), "{said}");
    assert!(said.contains("would go unseen until it can be written"), "{said}");

    std::fs::remove_dir(head_path(&dir)).unwrap();
    enqueue(&outbox, &["change-2"]).await;
    let cleared = |s: &OutboxStatus| s.repaired.is_none() && s.misconfigured == 2;
    tokio::time::timeout(Duration::from_secs(10), until(&mut status, cleared))
        .await
        .expect("said no more once the head is written");
    cancel.cancel();
    deliverer.stopped().await;
    outbox.close().await;
}
