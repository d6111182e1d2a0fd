//! The audit log's head file (`audit.head`) and what opening makes of a log
//! that no longer matches it: an edited or foreign record, a cut or deleted
//! log, a head that cannot be written, a head gone.

mod audit_support;

use audit_support::{intent, lines, log_path, outcome};
use cxone_console::engine::audit::{
    AuditError, AuditLog, VerifyReport, earlier_runs, head, head::Head, verify,
};
use std::path::PathBuf;
use std::time::Duration;

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
        let read = earlier_runs(&path).expect_err("nor read for what it applied");
        assert!(matches!(read, AuditError::Damaged { line: 2, .. }), "{what}: {read}");
    }
    // A record taken out shortens the log, and breaks the chain where it was.
    std::fs::write(&path, [all[0].clone(), all[2].clone()].join("\n") + "\n").unwrap();
    let refused = AuditLog::open(&path).await.err().expect("a log missing a record is refused");
    assert!(matches!(refused, AuditError::Damaged { line: 2, .. }), "{refused}");
    let read = earlier_runs(&path).expect_err("nor read for what it applied");
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
    // A dry run reads it no more than a run would: what was cut may have
    // been a change's outcome.
    let read = earlier_runs(&path).expect_err("nor read for what it applied");
    assert!(matches!(read, AuditError::Truncated { head_seq: 3, .. }), "{read}");

    // Longer, but no record ends where the head says the log does.
    let whole = all.join("\n") + "\n";
    std::fs::write(&path, &whole).unwrap();
    let head_path = head::path_for(&path);
    let held = head::read(&head_path).unwrap().unwrap();
    head::write(&head_path, &Head { len: held.len - 5, ..held }).unwrap();
    let refused = AuditLog::open(&path).await.err().expect("a log that does not end at its head is refused");
    assert!(matches!(refused, AuditError::Diverged { head_seq: 3, .. }), "{refused}");
    let read = earlier_runs(&path).expect_err("nor read for what it applied");
    assert!(matches!(read, AuditError::Diverged { head_seq: 3, .. }), "{read}");
    head::write(&head_path, &held).unwrap();
    // A record past the head, as while a console writes and its head is
    // yet to follow: read.
    let (log, _) = AuditLog::open(&path).await.unwrap();
    log.append(intent("c4")).await.unwrap();
    log.close().await;
    head::write(&head_path, &held).unwrap();
    assert_eq!(earlier_runs(&path).expect("a log ahead of its head is read").sent.len(), 4);
    std::fs::write(&path, &whole).unwrap();

    // Gone, with its head still beside it: refused, and not replaced by an empty log.
    std::fs::remove_file(&path).unwrap();
    let refused = AuditLog::open(&path).await.err().expect("a deleted log is refused");
    assert!(matches!(refused, AuditError::Missing { head_seq: 3, .. }), "{refused}");
    assert!(refused.to_string().contains("is gone"), "{refused}");
    let read = earlier_runs(&path).expect_err("nor read as a log that never was");
    assert!(matches!(read, AuditError::Missing { head_seq: 3, .. }), "{read}");
    assert!(!path.exists(), "opening did not create an empty log in its place");
}

/// Appends intents until one is `refused` (or, if not, taken), for at most
/// a few seconds: the head is written on a thread of its own, a little after
/// each batch. What the last append answered.
async fn append_until(log: &AuditLog, tag: &str, refused: bool) -> Result<(), AuditError> {
    let mut answer = Ok(());
    for n in 0..200 {
        answer = log.append(intent(&format!("{tag}-{n}"))).await.map(drop);
        if answer.is_err() == refused {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    answer
}

/// While the head file cannot be written, records cut from the log's end
/// would go unnoticed: no change is started (intents are refused, naming
/// why), what already happened is still recorded, and all resumes once the
/// head can be written again.
#[tokio::test]
async fn no_change_starts_while_the_head_cannot_be_written() {
    let dir = tempfile::tempdir().unwrap();
    let path = log_path(&dir);
    let head_path = dir.path().join("audit.head");
    let (log, _) = AuditLog::open(&path).await.unwrap();
    log.append(intent("before")).await.unwrap();
    // The head is written on a thread of its own: once it holds the record,
    // a directory where it goes makes replacing it fail, even as root.
    let written = async {
        while !head::read(&head_path).is_ok_and(|h| h.is_some_and(|h| h.seq >= 1)) {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(10), written).await.expect("the head is written");
    std::fs::remove_file(&head_path).unwrap();
    std::fs::create_dir(&head_path).unwrap();

    let refused = append_until(&log, "while", true).await.expect_err("an intent is refused");
    let shown = refused.to_string();
    assert!(shown.contains("the audit log's head file cannot write"), "{shown}");
    assert!(shown.contains("no change is started until it can be written again"), "{shown}");
    log.append(outcome("before")).await.expect("what already happened is still recorded");

    std::fs::remove_dir(&head_path).unwrap();
    log.append(outcome("while-0")).await.unwrap();
    let resumed = append_until(&log, "after", false).await;
    assert!(resumed.is_ok(), "intents are taken again once the head is written");
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
