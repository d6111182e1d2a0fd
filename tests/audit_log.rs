//! The audit log on real files: chaining across reopen, concurrency, group
//! commit, repairs, pending intents, following, secrets.

use cxone_console::engine::audit::{
    AuditEntry, AuditError, AuditLog, ChainHash, Method, Outcome, REDACTED, RecordKind, RequestInfo, Target,
    TargetKind, VerifyReport, applied_commands, head, head::Head, verify,
};
use cxone_console::engine::journal::JournalError;
use serde_json::json;
use std::path::{Path, PathBuf};
use std::time::Duration;

fn log_path(dir: &tempfile::TempDir) -> PathBuf {
    dir.path().join("audit.jsonl")
}

fn contact() -> Target {
    Target::contact("camp-1", "contact-7")
}

fn intent(command: &str) -> AuditEntry {
    let request = RequestInfo {
        method: Method::Patch,
        path: "/api/v1/outbound/campaigns/camp-1/contacts/contact-7".into(),
        etag: Some("W/\"0123456789abcdef\"".into()),
        idempotency_key: Some(format!("idem-{command}")),
    };
    AuditEntry::intent(command, "contact_disposition", contact())
        .by("jdoe", "cxone-console-sandbox", "batch-1")
        .request(request, br#"{"outcomeCode":"INTERESTED"}"#)
        .before(json!({ "outcomeCode": null, "state": "PENDING" }))
}

fn outcome(command: &str) -> AuditEntry {
    AuditEntry::outcome(command, "contact_disposition", contact(), Outcome::Applied)
        .by("jdoe", "cxone-console-sandbox", "batch-1")
        .after(json!({ "outcomeCode": "INTERESTED" }))
        .http(200, 1, Duration::from_micros(12_345))
}

fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path).unwrap().lines().map(str::to_owned).collect()
}

#[tokio::test]
async fn records_are_numbered_and_chained_across_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let (log, report) = AuditLog::open(log_path(&dir)).await.unwrap();
    assert_eq!(report.records, 0);
    let first = log.append(intent("c1")).await.unwrap();
    let second = log.append(outcome("c1")).await.unwrap();
    assert_eq!((first.seq, second.seq), (1, 2));
    assert_eq!(first.prev_hash, ChainHash::ZERO);
    assert_eq!(second.prev_hash, first.hash);
    assert_eq!(second.entry.latency_ms.map(|l| l.millis()), Some(12.345));
    log.close().await;

    let (log, report) = AuditLog::open(log_path(&dir)).await.unwrap();
    assert_eq!(report.records, 2);
    assert!(report.repairs.is_empty() && report.torn.is_none());
    let third = log.append(intent("c2")).await.unwrap();
    assert_eq!(third.seq, 3);
    assert_eq!(third.prev_hash, second.hash);
    log.close().await;

    assert_eq!(
        verify(&log_path(&dir)).unwrap(),
        VerifyReport::Intact { records: 3, repairs: vec![], odd_times: vec![] }
    );
    let read_back: cxone_console::engine::audit::AuditRecord =
        serde_json::from_str(&lines(&log_path(&dir))[1]).unwrap();
    assert_eq!(read_back, *second, "the record returned is the record written");
}

#[tokio::test]
async fn concurrent_appenders_are_all_durable_sequenced_and_share_syncs() {
    let dir = tempfile::tempdir().unwrap();
    let (log, _) = AuditLog::open(log_path(&dir)).await.unwrap();
    let appends: Vec<_> = (0..200)
        .map(|i| {
            let log = log.clone();
            tokio::spawn(async move { log.append(intent(&format!("c{i}"))).await })
        })
        .collect();
    let mut seqs = Vec::new();
    for append in appends {
        seqs.push(append.await.unwrap().unwrap().seq);
    }
    seqs.sort_unstable();
    assert_eq!(seqs, (1..=200).collect::<Vec<_>>());
    // Every appender sent before the writer task ran (one current-thread
    // runtime), so all 200 records went out in one write and one sync.
    assert_eq!(log.stats().syncs, 1);
    assert_eq!(log.stats().lines, 200);
    log.close().await;

    let (_log, report) = AuditLog::open(log_path(&dir)).await.unwrap();
    assert_eq!(report.records, 200);
    assert_eq!(report.pending.len(), 200);
    assert_eq!(
        verify(&log_path(&dir)).unwrap(),
        VerifyReport::Intact { records: 200, repairs: vec![], odd_times: vec![] }
    );
}

#[tokio::test]
async fn a_torn_tail_is_cut_and_the_repair_is_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let path = log_path(&dir);
    let (log, _) = AuditLog::open(&path).await.unwrap();
    for c in ["c1", "c2", "c3"] {
        log.append(intent(c)).await.unwrap();
    }
    log.close().await;
    let whole = std::fs::metadata(&path).unwrap().len();
    // A crash in the middle of writing record 4.
    let mut bytes = std::fs::read(&path).unwrap();
    bytes.extend_from_slice(br#"{"action":"contact_disposition","seq":4,"ti"#);
    std::fs::write(&path, &bytes).unwrap();

    let (log, report) = AuditLog::open(&path).await.unwrap();
    let torn = report.torn.clone().expect("the torn record is reported");
    assert_eq!((torn.offset, torn.seq), (whole, Some(4)));
    assert_eq!(torn.bytes, bytes.len() as u64 - whole);
    let [repair] = report.repairs.as_slice() else { panic!("one repair record, got {:?}", report.repairs) };
    assert_eq!((repair.seq, repair.entry.kind), (4, RecordKind::Repair));
    let reason = repair.entry.reason.as_deref().unwrap();
    assert!(reason.contains(&format!("{} bytes", torn.bytes)) && reason.contains("seq 4"), "{reason}");
    assert!(reason.contains("an unfinished record left by a crash"), "{reason}");
    let cut = path.with_extension("cut");
    assert!(reason.contains(&format!("the bytes are kept in {}", cut.display())), "{reason}");
    let kept = std::fs::read_to_string(&cut).unwrap();
    assert_eq!(
        kept, "{\"action\":\"contact_disposition\",\"seq\":4,\"ti\n",
        "what was cut, on a line of its own"
    );
    log.close().await;
    assert_eq!(
        verify(&path).unwrap(),
        VerifyReport::Intact { records: 4, repairs: vec![4], odd_times: vec![] }
    );

    // A whole last line that is not a record is cut too (its hash cannot be
    // checked), but not passed off as an unfinished write.
    let mut bytes = std::fs::read(&path).unwrap();
    bytes.extend_from_slice(b"garbage\n");
    std::fs::write(&path, &bytes).unwrap();
    let (log, report) = AuditLog::open(&path).await.unwrap();
    assert!(report.torn.as_ref().is_some_and(|t| t.whole_line && t.bytes == 8), "{:?}", report.torn);
    let reason = report.repairs[0].entry.reason.as_deref().unwrap();
    assert!(reason.contains("a last line that is not a record"), "{reason}");
    let kept = std::fs::read_to_string(path.with_extension("cut")).unwrap();
    assert!(kept.ends_with("\"ti\ngarbage\n"), "each cut kept after the last: {kept:?}");
    log.close().await;

    // Of a very long unfinished line, only the start is kept, and said so.
    let mut bytes = std::fs::read(&path).unwrap();
    bytes.extend(std::iter::repeat_n(b'x', 70_000));
    std::fs::write(&path, &bytes).unwrap();
    let (log, report) = AuditLog::open(&path).await.unwrap();
    let reason = report.repairs[0].entry.reason.as_deref().unwrap();
    assert!(reason.contains("70000 bytes") && reason.contains("the first 65536 bytes are kept"), "{reason}");
    log.close().await;
}

#[tokio::test]
async fn intents_without_outcome_are_reported_for_reconciliation() {
    let dir = tempfile::tempdir().unwrap();
    let (log, _) = AuditLog::open(log_path(&dir)).await.unwrap();
    log.append(intent("done")).await.unwrap();
    log.append(outcome("done")).await.unwrap();
    let lost = log.append(intent("lost")).await.unwrap();
    log.append(intent("settled")).await.unwrap();
    log.append(AuditEntry::reconciled("settled", "contact_disposition", contact(), Outcome::Skipped))
        .await
        .unwrap();
    log.close().await;

    let (_log, report) = AuditLog::open(log_path(&dir)).await.unwrap();
    assert_eq!(report.pending, vec![(*lost).clone()]);
    let mut finished: Vec<_> = report.finished.into_iter().collect();
    finished.sort();
    assert_eq!(finished, ["done"], "only applied commands count as done; the skipped one is tried again");
}

#[tokio::test]
async fn followers_see_each_record_once_durable_and_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let (log, _) = AuditLog::open(log_path(&dir)).await.unwrap();
    let mut follower = log.subscribe();
    let written = [log.append(intent("c1")).await.unwrap(), log.append(outcome("c1")).await.unwrap()];
    for record in written {
        let seen = follower.recv().await.unwrap();
        assert_eq!(seen, record);
        let on_disk = lines(&log_path(&dir)).len() as u64;
        assert!(on_disk >= seen.seq, "record {} was announced before it was written", seen.seq);
    }
}

#[tokio::test]
async fn secrets_handed_over_by_mistake_never_reach_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let (log, _) = AuditLog::open(log_path(&dir)).await.unwrap();
    let entry = outcome("c1")
        .after(json!({ "name": "crm", "secret": "whsec_c2VjcmV0LWtleQ==", "headers": { "Authorization": "x1y2" } }))
        .reason("refused; sent with Bearer eyJhbGciOi");
    let record = log.append(entry).await.unwrap();
    assert_eq!(record.entry.after.as_ref().unwrap()["secret"], REDACTED);
    let text = std::fs::read_to_string(log_path(&dir)).unwrap();
    for secret in ["whsec_c2VjcmV0LWtleQ==", "x1y2", "eyJhbGciOi"] {
        assert!(!text.contains(secret), "{secret} reached the log");
    }
    assert!(text.contains("\"name\":\"crm\""));
}

#[tokio::test]
async fn entries_that_do_not_fit_their_kind_are_refused_naming_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let (log, _) = AuditLog::open(log_path(&dir)).await.unwrap();
    let mut with_outcome = intent("c1");
    with_outcome.outcome = Some(Outcome::Applied);
    let mut without_outcome = outcome("c1");
    without_outcome.outcome = None;
    let mut repair_with_target = AuditEntry::repair("cut");
    repair_with_target.target = Some(Target::new(TargetKind::User, "u1"));
    for (entry, field) in
        [(with_outcome, "outcome"), (without_outcome, "outcome"), (repair_with_target, "target")]
    {
        match log.append(entry).await {
            Err(AuditError::Journal(JournalError::Rejected(e))) => assert_eq!(e.field, field, "{e}"),
            other => panic!("expected a refusal naming {field}, got {other:?}"),
        }
    }
    // Refusals leave no gap in the chain.
    assert_eq!(log.append(intent("c1")).await.unwrap().seq, 1);
}

/// A log of the intents of c1, c2 and c3, and its lines.
async fn three_intents(dir: &tempfile::TempDir) -> (PathBuf, Vec<String>) {
    let path = log_path(dir);
    let (log, _) = AuditLog::open(&path).await.unwrap();
    for c in ["c1", "c2", "c3"] {
        log.append(intent(c)).await.unwrap();
    }
    log.close().await;
    let all = lines(&path);
    (path, all)
}

/// What opening acts on must be what was written: an edited record is
/// refused even when the log keeps its length, so its head still matches.
#[tokio::test]
async fn an_edited_record_is_refused_on_open_whatever_its_length() {
    let dir = tempfile::tempdir().unwrap();
    let (path, all) = three_intents(&dir).await;
    let edits = [("\"x2\"", "the same length"), ("\"c2, edited\"", "longer"), ("\"c\"", "shorter")];
    for (edit, what) in edits {
        let edited = [all[0].clone(), all[1].replace("\"c2\"", edit), all[2].clone()].join("\n") + "\n";
        std::fs::write(&path, edited).unwrap();
        let refused = AuditLog::open(&path).await.err().expect("an edited log is refused");
        assert!(matches!(refused, AuditError::Damaged { line: 2, .. }), "{what}: {refused}");
        assert!(refused.to_string().contains("not the hash of its content"), "{what}: {refused}");
        let read = applied_commands(&path).expect_err("nor read for what it applied");
        assert!(matches!(read, AuditError::Damaged { line: 2, .. }), "{what}: {read}");
    }
    // A record taken out shortens the log, and breaks the chain where it was.
    std::fs::write(&path, [all[0].clone(), all[2].clone()].join("\n") + "\n").unwrap();
    let refused = AuditLog::open(&path).await.err().expect("a log missing a record is refused");
    assert!(matches!(refused, AuditError::Damaged { line: 2, .. }), "{refused}");
    let read = applied_commands(&path).expect_err("nor read for what it applied");
    assert!(matches!(read, AuditError::Damaged { line: 2, .. }), "{read}");

    // And one sealed whole in another log, in its place: its own hash holds,
    // its link does not.
    let other_dir = tempfile::tempdir().unwrap();
    let other = log_path(&other_dir);
    let (log, _) = AuditLog::open(&other).await.unwrap();
    for c in ["o1", "c2"] {
        log.append(intent(c)).await.unwrap();
    }
    log.close().await;
    let foreign = lines(&other)[1].clone();
    std::fs::write(&path, [all[0].clone(), foreign, all[2].clone()].join("\n") + "\n").unwrap();
    let refused = AuditLog::open(&path).await.err().expect("a record from another chain is refused");
    assert!(matches!(refused, AuditError::Damaged { line: 2, .. }), "{refused}");
    assert!(refused.to_string().contains("prevHash"), "{refused}");
}

#[tokio::test]
async fn a_log_shorter_than_its_head_is_refused_on_open() {
    let dir = tempfile::tempdir().unwrap();
    let (path, all) = three_intents(&dir).await;
    let kept = all[..2].join("\n") + "\n";
    std::fs::write(&path, kept).unwrap();

    let refused = AuditLog::open(&path).await.err().expect("a truncated log is refused");
    assert!(matches!(refused, AuditError::Truncated { head_seq: 3, .. }), "{refused}");
    assert!(refused.to_string().contains("audit verify"), "{refused}");

    // Longer, but no record ends where the head says the log does.
    let whole = all.join("\n") + "\n";
    std::fs::write(&path, &whole).unwrap();
    let head_path = head::path_for(&path);
    let held = head::read(&head_path).unwrap().unwrap();
    head::write(&head_path, &Head { len: held.len - 5, ..held }).unwrap();
    let refused = AuditLog::open(&path).await.err().expect("a log that does not end at its head is refused");
    assert!(matches!(refused, AuditError::Diverged { head_seq: 3, .. }), "{refused}");
    head::write(&head_path, &held).unwrap();

    // Gone, with its head still beside it: refused, and not replaced by an empty log.
    std::fs::remove_file(&path).unwrap();
    let refused = AuditLog::open(&path).await.err().expect("a deleted log is refused");
    assert!(matches!(refused, AuditError::Missing { head_seq: 3, .. }), "{refused}");
    assert!(refused.to_string().contains("is gone"), "{refused}");
    assert!(!path.exists(), "opening did not create an empty log in its place");
}

/// Appends intents until one is refused, for at most a few seconds: the
/// head is written on a thread of its own, a little after each batch.
async fn first_refused_intent(log: &AuditLog, tag: &str) -> Option<AuditError> {
    for n in 0..200 {
        if let Err(e) = log.append(intent(&format!("{tag}-{n}"))).await {
            return Some(e);
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    None
}

/// While the head file cannot be written, records cut from the log's end
/// would go unnoticed: no change is started (intents are refused, naming
/// why), what already happened is still recorded, and all resumes once the
/// head can be written again.
#[tokio::test]
async fn no_change_starts_while_the_head_cannot_be_written() {
    let dir = tempfile::tempdir().unwrap();
    let path = log_path(&dir);
    let head = dir.path().join("audit.head");
    let (log, _) = AuditLog::open(&path).await.unwrap();
    log.append(intent("before")).await.unwrap();
    // The head is written on a thread of its own: once it holds the record,
    // a directory where it goes makes replacing it fail, even as root.
    let written = async {
        while !cxone_console::engine::audit::head::read(&head).is_ok_and(|h| h.is_some_and(|h| h.seq >= 1)) {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(10), written).await.expect("the head is written");
    std::fs::remove_file(&head).unwrap();
    std::fs::create_dir(&head).unwrap();

    let refused = first_refused_intent(&log, "while").await.expect("an intent is refused");
    let shown = refused.to_string();
    assert!(shown.contains("the audit log's head file cannot write"), "{shown}");
    assert!(shown.contains("no change is started until it can be written again"), "{shown}");
    log.append(outcome("before")).await.expect("what already happened is still recorded");

    std::fs::remove_dir(&head).unwrap();
    log.append(outcome("while-0")).await.unwrap();
    let resumed = async {
        for n in 0..200 {
            if log.append(intent(&format!("after-{n}"))).await.is_ok() {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        false
    };
    assert!(resumed.await, "intents are taken again once the head is written");
    log.close().await;
    assert!(matches!(verify(&path).unwrap(), VerifyReport::Intact { .. }));
}

#[tokio::test]
async fn a_missing_head_is_rebuilt_and_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let path = log_path(&dir);
    let (log, _) = AuditLog::open(&path).await.unwrap();
    log.append(intent("c1")).await.unwrap();
    log.close().await;
    std::fs::remove_file(dir.path().join("audit.head")).unwrap();
    assert!(matches!(verify(&path).unwrap(), VerifyReport::Broken(_)));

    let (log, report) = AuditLog::open(&path).await.unwrap();
    assert_eq!(report.repairs.len(), 1);
    assert!(report.repairs[0].entry.reason.as_deref().unwrap().contains("head file was missing"));
    log.close().await;
    assert_eq!(
        verify(&path).unwrap(),
        VerifyReport::Intact { records: 2, repairs: vec![2], odd_times: vec![] }
    );
}

#[tokio::test]
async fn a_log_in_use_is_refused_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let (_log, _) = AuditLog::open(log_path(&dir)).await.unwrap();
    let refused = AuditLog::open(log_path(&dir)).await.err().expect("the second open is refused");
    assert!(matches!(refused, AuditError::Journal(JournalError::Locked { .. })));
    assert!(refused.to_string().contains("audit.jsonl"), "{refused}");
}
