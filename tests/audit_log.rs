//! The audit log on real files: chaining across reopen, concurrency, group
//! commit, repairs, pending intents, following, secrets. What opening makes
//! of an edited, cut or headless log is in `audit_head.rs`.

mod audit_support;

use audit_support::{contact, intent, lines, log_path, outcome};
use cxone_console::engine::audit::{
    AuditEntry, AuditError, AuditLog, ChainHash, Outcome, REDACTED, RecordKind, Target, TargetKind,
    VerifyReport, verify,
};
use cxone_console::engine::journal::JournalError;
use serde_json::json;

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
    assert!(report.already_so.is_empty());
}

/// A change found already so is done, as an applied one is, but wrote
/// nothing: opening and `earlier_runs` (what a dry run reads) both say so,
/// and `earlier_runs` names the changes sent without an outcome saying done.
#[tokio::test]
async fn changes_found_already_so_are_done_without_a_write() {
    use cxone_console::engine::SkipKey;
    let dir = tempfile::tempdir().unwrap();
    let (log, _) = AuditLog::open(log_path(&dir)).await.unwrap();
    log.append(intent("wrote")).await.unwrap();
    log.append(outcome("wrote")).await.unwrap();
    let held = AuditEntry::outcome("held", "contact_disposition", contact(), Outcome::Skipped)
        .skip(SkipKey::Unchanged);
    log.append(held).await.unwrap();
    let lost = log.append(intent("lost")).await.unwrap();
    // Sent again after a restart: the first intent still names its webhook.
    log.append(intent("lost")).await.unwrap();
    log.close().await;

    let (_log, report) = AuditLog::open(log_path(&dir)).await.unwrap();
    let sorted = |set: &std::collections::HashSet<String>| {
        let mut all: Vec<String> = set.iter().cloned().collect();
        all.sort();
        all
    };
    assert_eq!(sorted(&report.finished), ["held", "wrote"]);
    assert_eq!(sorted(&report.already_so), ["held"]);
    let runs = cxone_console::engine::audit::earlier_runs(&log_path(&dir)).unwrap();
    assert_eq!(
        (sorted(&runs.done), sorted(&runs.already_so)),
        (vec!["held".to_string(), "wrote".into()], vec!["held".to_string()])
    );
    let first_intents = |sent: &std::collections::HashMap<String, ChainHash>| {
        sent.iter().map(|(id, hash)| (id.clone(), *hash)).collect::<Vec<_>>()
    };
    assert_eq!(first_intents(&runs.sent), [("lost".to_string(), lost.hash)]);
    assert_eq!(first_intents(&report.unconfirmed), [("lost".to_string(), lost.hash)]);
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
        .reason("refused; sent with Bearer eyJhbGciOiJIUzI1NiJ9.e30.c2ln");
    let record = log.append(entry).await.unwrap();
    assert_eq!(record.entry.after.as_ref().unwrap()["secret"], REDACTED);
    let text = std::fs::read_to_string(log_path(&dir)).unwrap();
    for secret in ["whsec_c2VjcmV0LWtleQ==", "x1y2", "eyJhbGciOiJIUzI1NiJ9"] {
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

#[tokio::test]
async fn a_log_in_use_is_refused_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let (_log, _) = AuditLog::open(log_path(&dir)).await.unwrap();
    let refused = AuditLog::open(log_path(&dir)).await.err().expect("the second open is refused");
    assert!(matches!(refused, AuditError::Journal(JournalError::Locked { .. })));
    assert!(refused.to_string().contains("audit.jsonl"), "{refused}");
}
