//! `cxone-console audit verify|export` on a log written by the engine's
//! own audit writer.

mod cli_support;

use cli_support::Home;
use cxone_console::engine::audit::{AuditEntry, AuditLog, Outcome, Target, TargetKind};
use serde_json::{Value, json};

/// Writes three changes (intent and outcome each) to the home's audit log.
async fn six_records(home: &Home) {
    std::fs::create_dir_all(home.audit_log().parent().unwrap()).unwrap();
    let (log, _) = AuditLog::open(home.audit_log()).await.unwrap();
    for user in ["u1", "u2", "u3"] {
        let target = Target::new(TargetKind::User, user);
        let command = format!("set-{user}");
        let intent = AuditEntry::intent(&command, "agent_status", target.clone())
            .by("jdoe", "cxone-console-sandbox", "batch-1")
            .before(json!({ "status": "Available" }));
        let outcome = AuditEntry::outcome(&command, "agent_status", target, Outcome::Applied)
            .by("jdoe", "cxone-console-sandbox", "batch-1")
            .after(json!({ "status": "Break", "pauseReason": "Queue Full" }));
        log.append(intent).await.unwrap();
        log.append(outcome).await.unwrap();
    }
    log.close().await;
}

#[tokio::test]
async fn verify_says_ok_with_the_count_then_names_an_edited_record() {
    let home = Home::new();
    six_records(&home).await;
    let ran = home.run(&["audit", "verify"], &[]).await;
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    assert!(ran.stdout.starts_with("OK: 6 records intact"), "{}", ran.stdout);

    let text = std::fs::read_to_string(home.audit_log()).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    let edited = lines[3].replace("\"jdoe\"", "\"mallory\"");
    lines[3] = &edited;
    std::fs::write(home.audit_log(), lines.iter().map(|l| format!("{l}\n")).collect::<String>()).unwrap();

    let ran = home.run(&["audit", "verify"], &[]).await;
    assert_eq!(ran.code, Some(1));
    assert!(ran.stdout.starts_with("BROKEN"), "{}", ran.stdout);
    assert!(ran.stdout.contains("edited at line 4 (seq 4)"), "{}", ran.stdout);
    assert!(ran.stdout.contains("hash does not match"), "{}", ran.stdout);
}

#[tokio::test]
async fn verify_without_a_log_cannot_vouch_for_anything() {
    let ran = Home::new().run(&["audit", "verify"], &[]).await;
    assert_eq!(ran.code, Some(2));
    assert!(ran.stderr.contains("there is no audit log"), "{}", ran.stderr);
}

#[tokio::test]
async fn export_writes_every_record_as_json_or_csv_and_since_filters() {
    let home = Home::new();
    six_records(&home).await;

    let json = home.run(&["audit", "export", "--format", "json"], &[]).await;
    assert_eq!(json.code, Some(0), "{}", json.stderr);
    let records: Vec<Value> = serde_json::from_str(&json.stdout).expect("an array of records");
    let logged: Vec<Value> = home.audit_records();
    assert_eq!(records, logged, "each record exactly as logged");
    assert_eq!(records[5]["outcome"], "applied");

    let csv = home.run(&["audit", "export", "--format", "csv"], &[]).await;
    assert_eq!(csv.code, Some(0), "{}", csv.stderr);
    let mut reader = csv::Reader::from_reader(csv.stdout.as_bytes());
    let header = reader.headers().unwrap().clone();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 6);
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    assert_eq!(&rows[1][column("targetId")], "u1");
    assert_eq!(&rows[1][column("operator")], "jdoe");
    assert_eq!(&rows[5][column("hash")], logged[5]["hash"].as_str().unwrap());

    let future = home.run(&["audit", "export", "--since", "2999-01-01T00:00:00Z"], &[]).await;
    assert_eq!(future.code, Some(0), "{}", future.stderr);
    assert_eq!(serde_json::from_str::<Vec<Value>>(&future.stdout).unwrap().len(), 0);
    let second = logged[2]["time"].as_str().unwrap();
    let since = home.run(&["audit", "export", "--since", second], &[]).await;
    assert!(serde_json::from_str::<Vec<Value>>(&since.stdout).unwrap().len() >= 4, "{}", since.stdout);

    // A date or an age needs no offset: every record was written this hour.
    let count = |out: &str| serde_json::from_str::<Vec<Value>>(out).map(|v| v.len()).unwrap_or(usize::MAX);
    let hour = home.run(&["audit", "export", "--since", "1h"], &[]).await;
    assert_eq!((hour.code, count(&hour.stdout)), (Some(0), 6), "{}", hour.stderr);
    let tomorrow = home.run(&["audit", "export", "--since", "2999-01-01"], &[]).await;
    assert_eq!((tomorrow.code, count(&tomorrow.stdout)), (Some(0), 0), "{}", tomorrow.stderr);

    let naive = home.run(&["audit", "export", "--since", "2024-05-15T14:32:10"], &[]).await;
    assert_eq!(naive.code, Some(2));
    assert!(naive.stderr.contains("explicit UTC offset"), "{}", naive.stderr);
    assert!(naive.stderr.contains("or an age (30s, 45m, 24h, 7d, 2w)"), "{}", naive.stderr);
}

/// Writes `n` applied changes (an intent and an outcome each).
async fn changes(home: &Home, n: usize) {
    std::fs::create_dir_all(home.audit_log().parent().unwrap()).unwrap();
    let (log, _) = AuditLog::open(home.audit_log()).await.unwrap();
    for i in 0..n {
        let target = Target::new(TargetKind::User, format!("user-{i}"));
        let command = format!("set-{i}");
        log.append(AuditEntry::intent(&command, "agent_status", target.clone())).await.unwrap();
        log.append(AuditEntry::outcome(&command, "agent_status", target, Outcome::Applied)).await.unwrap();
    }
    log.close().await;
}

/// `audit export | head`: the reader has what it wanted, so the export ends
/// quietly, as `cat` would, with no "Broken pipe" and no failure.
#[tokio::test]
async fn an_export_whose_reader_stops_early_ends_quietly() {
    use std::process::Stdio;
    use tokio::io::AsyncReadExt;
    let home = Home::new();
    // Far more than a pipe holds, so the writer meets the closed end.
    changes(&home, 400).await;
    let mut child = home
        .command(&["audit", "export", "--format", "csv"], &[])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 64];
    stdout.read_exact(&mut first).await.unwrap();
    assert!(first.starts_with(b"seq,time,kind"), "{}", String::from_utf8_lossy(&first));
    drop(stdout);
    let output = tokio::time::timeout(std::time::Duration::from_secs(30), child.wait_with_output())
        .await
        .expect("the export ends")
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(stderr.is_empty(), "nothing to say: {stderr}");
}

/// `audit verify | true`, `outbox | true`: a reader gone before anything
/// was written is no failure either, and verify keeps its exit code. A dry
/// run, whose report is all it makes, ends as its report says.
#[tokio::test]
async fn commands_whose_reader_left_first_end_quietly() {
    let home = Home::new();
    changes(&home, 3).await;
    let file = cli_support::example("agent-status.csv");
    let dry_run = ["apply", "--dry-run", "--file", file.to_str().unwrap()];
    for args in [&dry_run[..], &["audit", "verify"], &["outbox"], &["outbox", "--json"], &["config", "show"]]
    {
        let (reader, writer) = std::io::pipe().expect("a pipe");
        drop(reader);
        let child = home
            .command(args, &[])
            .stdout(writer)
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("the binary runs");
        let output = child.wait_with_output().await.expect("it ends");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(0), "{args:?}: {stderr}");
        match args[0] {
            // A dry run tells a person on stderr what each line would do.
            "apply" => assert!(!stderr.contains("Broken pipe") && !stderr.contains("panicked"), "{stderr}"),
            _ => assert!(stderr.is_empty(), "{args:?}: nothing to say: {stderr}"),
        }
    }
}

/// An export that cannot be written fails with the cause said once.
#[tokio::test]
async fn an_export_that_cannot_be_written_says_why_once() {
    let home = Home::new();
    // More than the writer buffers, so the export itself meets the error.
    changes(&home, 400).await;
    let full = std::fs::OpenOptions::new().write(true).open("/dev/full").expect("/dev/full");
    // `output()` would capture stdout; this one must go to the full device.
    let child = home
        .command(&["audit", "export", "--format", "csv"], &[])
        .stdout(full)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let output = child.wait_with_output().await.unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert_eq!(
        stderr.trim(),
        "cxone-console: cannot write the export: No space left on device (os error 28)"
    );
}

/// A log that is not intact is exported as it stands, with a warning and
/// exit 1, as an auditor may want to see what is left: a line that is not
/// a record is left out and named, and the document stays whole.
#[tokio::test]
async fn an_export_checks_the_log_first() {
    let home = Home::new();
    six_records(&home).await;
    let log = home.audit_log();
    let intact = std::fs::read_to_string(&log).unwrap();

    for format in ["json", "csv"] {
        std::fs::write(&log, format!("{intact}{{\"hello\":1}}\n")).unwrap();
        let ran = home.run(&["audit", "export", "--format", format], &[]).await;
        assert_eq!(ran.code, Some(1), "{format}: {}", ran.stderr);
        let named = "line 7 of the audit log is not a record";
        assert!(ran.stderr.contains(named) && ran.stderr.contains("left out"), "{format}: {}", ran.stderr);
        assert!(ran.stderr.contains("exported 6 records"), "{format}: {}", ran.stderr);
        if format == "json" {
            let records: Value = serde_json::from_str(&ran.stdout).expect("a whole JSON document");
            assert_eq!(records.as_array().map(Vec::len), Some(6));
        } else {
            assert_eq!(ran.stdout.lines().count(), 7, "a header and six rows: {}", ran.stdout);
        }
    }

    let kept: String = intact.lines().take(4).map(|l| format!("{l}\n")).collect();
    std::fs::write(&log, kept).unwrap();
    let ran = home.run(&["audit", "export", "--format", "json"], &[]).await;
    assert_eq!(ran.code, Some(1), "exported, but a script must notice: {}", ran.stderr);
    assert!(ran.stderr.contains("is not intact (truncated"), "{}", ran.stderr);
    let records: Value = serde_json::from_str(&ran.stdout).expect("a whole JSON document");
    assert_eq!(records.as_array().map(Vec::len), Some(4));
}

/// A home whose path runs through a file cannot be looked at: `audit
/// verify` and `outbox` say so and exit 2, rather than calling the log
/// broken or the outbox never made.
#[tokio::test]
async fn a_home_that_is_a_file_is_an_error_not_a_broken_log_or_an_empty_outbox() {
    let home = Home::new();
    let file = home.path().join("not-a-directory");
    std::fs::write(&file, "a file").unwrap();
    let env = [("CXONE_CONSOLE_HOME", file.to_str().unwrap())];
    for args in [&["audit", "verify"][..], &["outbox"], &["outbox", "--json"]] {
        let ran = home.run(args, &env).await;
        assert_eq!(ran.code, Some(2), "{args:?}: {}{}", ran.stdout, ran.stderr);
        assert!(ran.stderr.contains("Not a directory"), "{args:?}: {}", ran.stderr);
        assert!(
            !ran.stdout.contains("BROKEN") && !ran.stdout.contains("no outbox yet"),
            "{args:?}: {}",
            ran.stdout
        );
    }
}

/// What cannot be read is not tampering: a head file with a directory in
/// its place is an error (exit 2), not a broken log; a log with a directory
/// in its place is refused before any CSV header is written; a log gone
/// while its head remains is said once, as verify finds it; and an age for
/// `--since` may be written with a minus, read as the flag's value.
#[tokio::test]
async fn what_cannot_be_read_is_said_once_and_not_called_broken() {
    let home = Home::new();
    six_records(&home).await;
    let log = home.audit_log();
    let head = log.with_extension("head");
    let saved = std::fs::read(&head).unwrap();
    std::fs::remove_file(&head).unwrap();
    std::fs::create_dir(&head).unwrap();
    let ran = home.run(&["audit", "verify"], &[]).await;
    assert_eq!(ran.code, Some(2), "{}{}", ran.stdout, ran.stderr);
    assert!(ran.stderr.contains("cannot read the audit log's head file") && !ran.stdout.contains("BROKEN"));
    std::fs::remove_dir(&head).unwrap();
    std::fs::write(&head, saved).unwrap();

    let aside = log.with_extension("aside");
    std::fs::rename(&log, &aside).unwrap();
    let ran = home.run(&["audit", "export", "--format", "csv"], &[]).await;
    assert_eq!((ran.code, ran.stdout.as_str()), (Some(2), ""), "{}", ran.stderr);
    assert!(
        ran.stderr.contains("nothing to export") && ran.stderr.contains("the log is gone"),
        "{}",
        ran.stderr
    );
    assert_eq!(ran.stderr.lines().count(), 1, "said once: {}", ran.stderr);
    std::fs::create_dir(&log).unwrap();
    let ran = home.run(&["audit", "export", "--format", "csv"], &[]).await;
    assert_eq!((ran.code, ran.stdout.as_str()), (Some(2), ""), "no header before the error: {}", ran.stderr);
    std::fs::remove_dir(&log).unwrap();
    std::fs::rename(&aside, &log).unwrap();

    let ran = home.run(&["audit", "export", "--format", "json", "--since", "-5m"], &[]).await;
    assert_eq!(ran.code, Some(2));
    assert!(
        ran.stderr.contains("for '--since <WHEN>'") && ran.stderr.contains("an age (30s"),
        "{}",
        ran.stderr
    );
}
