//! Tampering with a closed audit log, each kind caught by `verify` with the
//! right problem and seq.

use cxone_console::engine::audit::{
    AuditEntry, AuditLog, ChainHash, Finding, Outcome, Problem, Target, TargetKind, VerifyReport, canonical,
    verify,
};
use serde_json::json;
use std::path::{Path, PathBuf};

/// A log of six records in `dir`: three commands, intent then outcome each.
async fn six_records(dir: &tempfile::TempDir) -> PathBuf {
    let path = dir.path().join("audit.jsonl");
    let (log, _) = AuditLog::open(&path).await.unwrap();
    for user in ["u1", "u2", "u3"] {
        let target = Target::new(TargetKind::User, user);
        let command = format!("set-{user}");
        let intent = AuditEntry::intent(&command, "agent_status", target.clone())
            .by("jdoe", "cxone-console-sandbox", "batch-9")
            .before(json!({ "status": "Available" }));
        let outcome = AuditEntry::outcome(&command, "agent_status", target, Outcome::Applied)
            .by("jdoe", "cxone-console-sandbox", "batch-9")
            .after(json!({ "status": "Break", "pauseReason": "Queue Full" }));
        log.append(intent).await.unwrap();
        log.append(outcome).await.unwrap();
    }
    log.close().await;
    path
}

fn rewrite_lines(path: &Path, change: impl FnOnce(&mut Vec<String>)) {
    let mut lines: Vec<String> = std::fs::read_to_string(path).unwrap().lines().map(str::to_owned).collect();
    change(&mut lines);
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    std::fs::write(path, text).unwrap();
}

/// `line` with `change` made to its record and its own hash sealed anew,
/// as one who knows how records are sealed would forge it.
fn resealed(line: &str, change: impl FnOnce(&mut serde_json::Map<String, serde_json::Value>)) -> String {
    let mut value: serde_json::Value = serde_json::from_str(line).unwrap();
    let members = value.as_object_mut().unwrap();
    members.remove("hash");
    change(members);
    let hash = ChainHash::of(&canonical::to_vec(&value)).to_hex();
    value.as_object_mut().unwrap().insert("hash".into(), json!(hash));
    String::from_utf8(canonical::to_vec(&value)).unwrap()
}

fn finding(path: &Path) -> Finding {
    match verify(path).unwrap() {
        VerifyReport::Broken(finding) => finding,
        intact => panic!("tampering went unnoticed: {intact:?}"),
    }
}

#[tokio::test]
async fn an_untouched_log_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let path = six_records(&dir).await;
    assert_eq!(
        verify(&path).unwrap(),
        VerifyReport::Intact { records: 6, repairs: vec![], odd_times: vec![] }
    );
}

#[tokio::test]
async fn an_edited_field_is_caught_at_its_record() {
    let dir = tempfile::tempdir().unwrap();
    let path = six_records(&dir).await;
    rewrite_lines(&path, |lines| lines[2] = lines[2].replace("\"jdoe\"", "\"mallory\""));
    let f = finding(&path);
    assert_eq!((f.problem, f.line, f.seq), (Problem::Edited, Some(3), Some(3)), "{f}");
}

#[tokio::test]
async fn an_edited_seq_is_an_edit_too() {
    let dir = tempfile::tempdir().unwrap();
    let path = six_records(&dir).await;
    rewrite_lines(&path, |lines| lines[4] = lines[4].replace("\"seq\":5", "\"seq\":7"));
    let f = finding(&path);
    assert_eq!((f.problem, f.seq), (Problem::Edited, Some(5)), "{f}");
}

#[tokio::test]
async fn a_deleted_line_is_caught_as_a_deletion() {
    let dir = tempfile::tempdir().unwrap();
    let path = six_records(&dir).await;
    rewrite_lines(&path, |lines| {
        lines.remove(2);
    });
    let f = finding(&path);
    assert_eq!((f.problem, f.line, f.seq), (Problem::Deleted, Some(3), Some(3)), "{f}");
}

/// A record rewritten and sealed anew keeps its seq in order: what breaks
/// is the next record's link to it, and the rewritten one is named.
#[tokio::test]
async fn a_record_sealed_anew_is_an_edit_of_it_not_a_deletion() {
    let dir = tempfile::tempdir().unwrap();
    let path = six_records(&dir).await;
    rewrite_lines(&path, |lines| lines[2] = resealed(&lines[2], |m| m["operator"] = json!("mallory")));
    let f = finding(&path);
    assert_eq!((f.problem, f.line, f.seq), (Problem::Edited, Some(3), Some(3)), "{f}");
    assert!(f.detail.contains("seq 3 or seq 4 was rewritten and sealed anew"), "{f}");
}

/// The last record sealed anew, shorter: the log still reaches the head's
/// seq, so nothing was cut; a record was rewritten.
#[tokio::test]
async fn the_last_record_sealed_anew_shorter_is_an_edit_not_a_cut() {
    let dir = tempfile::tempdir().unwrap();
    let path = six_records(&dir).await;
    rewrite_lines(&path, |lines| lines[5] = resealed(&lines[5], |m| m["operator"] = json!("m")));
    let f = finding(&path);
    assert_eq!((f.problem, f.seq), (Problem::Edited, Some(6)), "{f}");
    assert!(f.detail.contains("was rewritten"), "{f}");
    let opened = AuditLog::open(&path).await.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(opened.contains("no record ending at byte"), "not told cut short: {opened}");
}

#[tokio::test]
async fn swapped_lines_are_caught_as_a_reordering() {
    let dir = tempfile::tempdir().unwrap();
    let path = six_records(&dir).await;
    rewrite_lines(&path, |lines| lines.swap(2, 3));
    let f = finding(&path);
    assert_eq!((f.problem, f.line, f.seq), (Problem::Reordered, Some(3), Some(3)), "{f}");
}

#[tokio::test]
async fn a_line_copied_in_is_caught_as_a_duplicate() {
    let dir = tempfile::tempdir().unwrap();
    let path = six_records(&dir).await;
    rewrite_lines(&path, |lines| lines.insert(3, lines[2].clone()));
    let f = finding(&path);
    assert_eq!((f.problem, f.line, f.seq), (Problem::Duplicated, Some(4), Some(4)), "{f}");
    assert!(f.detail.contains("this line holds seq 3 a second time, where seq 4 belongs"), "{f}");
}

#[tokio::test]
async fn a_cut_tail_is_caught_by_the_head() {
    let dir = tempfile::tempdir().unwrap();
    let path = six_records(&dir).await;
    rewrite_lines(&path, |lines| lines.truncate(4));
    let f = finding(&path);
    assert_eq!((f.problem, f.seq), (Problem::Truncated, Some(5)), "{f}");
    assert!(f.detail.contains("seq 6"), "{f}");
}

#[tokio::test]
async fn a_cut_tail_with_its_head_removed_is_still_caught() {
    let dir = tempfile::tempdir().unwrap();
    let path = six_records(&dir).await;
    rewrite_lines(&path, |lines| lines.truncate(4));
    std::fs::remove_file(dir.path().join("audit.head")).unwrap();
    let f = finding(&path);
    assert_eq!((f.problem, f.line), (Problem::Truncated, None), "{f}");
    assert!(f.detail.contains("head file is missing"), "{f}");
}

#[tokio::test]
async fn a_cut_in_the_middle_of_a_line_is_a_truncation() {
    let dir = tempfile::tempdir().unwrap();
    let path = six_records(&dir).await;
    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&path, &bytes[..bytes.len() - 40]).unwrap();
    let f = finding(&path);
    assert_eq!((f.problem, f.seq), (Problem::Truncated, Some(6)), "{f}");
}

#[tokio::test]
async fn a_garbled_line_is_unreadable() {
    let dir = tempfile::tempdir().unwrap();
    let path = six_records(&dir).await;
    rewrite_lines(&path, |lines| lines[1] = "{\"seq\":2,".to_owned());
    let f = finding(&path);
    assert_eq!((f.problem, f.line), (Problem::Unreadable, Some(2)), "{f}");
}

#[tokio::test]
async fn a_head_pointing_elsewhere_is_caught() {
    let dir = tempfile::tempdir().unwrap();
    let path = six_records(&dir).await;
    let head_path = dir.path().join("audit.head");
    let head = std::fs::read_to_string(&head_path).unwrap();
    std::fs::write(&head_path, head.replace("\"seq\":6", "\"seq\":5")).unwrap();
    let f = finding(&path);
    assert_eq!(f.problem, Problem::Edited, "{f}");
}

/// A head file whose length alone was raised: the log is whole to the
/// head's seq with the hash it names, so it was the head file that changed,
/// not a record and not the log's end.
#[tokio::test]
async fn a_head_file_longer_than_a_whole_log_is_said_to_be_changed() {
    let dir = tempfile::tempdir().unwrap();
    let path = six_records(&dir).await;
    let head_path = dir.path().join("audit.head");
    let head: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&head_path).unwrap()).unwrap();
    let len = head["len"].as_u64().expect("the head's length");
    let longer = std::fs::read_to_string(&head_path)
        .unwrap()
        .replace(&format!("\"len\":{len}"), &format!("\"len\":{}", len + 10));
    std::fs::write(&head_path, longer).unwrap();
    let f = finding(&path);
    assert_eq!((f.problem, f.seq), (Problem::Edited, None), "{f}");
    assert!(f.detail.contains("the head file was changed"), "{f}");
}
