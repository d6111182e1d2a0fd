//! Properties of the audit log: whatever is appended verifies after reopen,
//! and no single byte of the log can change unnoticed.

use cxone_console::engine::audit::{
    AuditEntry, AuditLog, AuditRecord, Method, Outcome, RequestInfo, Target, TargetKind, VerifyReport, verify,
};
use proptest::prelude::*;
use serde_json::{Value, json};
use std::path::Path;
use std::sync::OnceLock;
use std::time::Duration;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
}

fn text() -> impl Strategy<Value = String> {
    // Quotes, backslashes, control characters and non-ASCII all need care.
    proptest::string::string_regex("[a-zA-Z0-9 _\"\\\\/\n\t\u{1}é€😀-]{1,24}").unwrap()
}

/// Ids and names: never blank, which the log refuses.
fn name() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[a-zA-Z0-9é😀][a-zA-Z0-9 _\"/é-]{0,16}").unwrap()
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        (-1.0e12f64..1.0e12).prop_map(Value::from),
        text().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-z]{1,6}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn entry() -> impl Strategy<Value = AuditEntry> {
    let outcome = prop_oneof![
        Just(Outcome::Applied),
        Just(Outcome::Skipped),
        Just(Outcome::Rejected),
        Just(Outcome::Conflict),
        Just(Outcome::Failed)
    ];
    let kind =
        prop_oneof![Just(TargetKind::Interaction), Just(TargetKind::User), Just(TargetKind::DataAction)];
    (
        0..4u8,
        name(),
        kind,
        name(),
        outcome,
        json_value(),
        json_value(),
        any::<u16>(),
        0..100_000_000u64,
        text(),
    )
        .prop_map(|(shape, command, kind, id, outcome, before, after, status, micros, reason)| {
            let target = Target::new(kind, id);
            match shape {
                0 => AuditEntry::intent(&command, "interaction_disposition", target)
                    .by("jdoe", "cxone-console-sandbox", &command)
                    .request(
                        RequestInfo {
                            method: Method::Put,
                            path: reason.clone(),
                            etag: None,
                            idempotency_key: None,
                        },
                        reason.as_bytes(),
                    )
                    .before(before),
                1 => AuditEntry::outcome(&command, "interaction_disposition", target, outcome)
                    .after(after)
                    .reason(reason)
                    .http(status, 3, Duration::from_micros(micros)),
                2 => AuditEntry::reconciled(&command, "agent_status", target, outcome)
                    .before(before)
                    .after(after),
                _ => AuditEntry::repair(format!("repaired: {reason}")),
            }
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn any_entries_verify_after_reopen(entries in prop::collection::vec(entry(), 1..24)) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.jsonl");
        let count = entries.len() as u64;
        let (first, reopened) = runtime().block_on(async {
            let (log, _) = AuditLog::open(&path).await.unwrap();
            let mut written = Vec::new();
            for entry in entries {
                written.push(std::sync::Arc::unwrap_or_clone(log.append(entry).await.unwrap()));
            }
            log.close().await;
            let (log, report) = AuditLog::open(&path).await.unwrap();
            let next = log.append(AuditEntry::repair("a later repair")).await.unwrap();
            log.close().await;
            (written, (report.records, next))
        });
        prop_assert_eq!(reopened.0, count);
        prop_assert_eq!(reopened.1.seq, count + 1);
        prop_assert_eq!(reopened.1.prev_hash, first.last().unwrap().hash);
        let read_back: Vec<AuditRecord> = std::fs::read_to_string(&path)
            .unwrap()
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect();
        prop_assert_eq!(&read_back[..first.len()], &first[..], "records read back differ from those returned");
        let intact = matches!(verify(&path).unwrap(), VerifyReport::Intact { records, .. } if records == count + 1);
        prop_assert!(intact, "a log of {} records did not verify", count + 1);
    }
}

/// One log, and its head, written once for all the byte-flipping cases.
fn sample_log() -> &'static (Vec<u8>, Vec<u8>) {
    static SAMPLE: OnceLock<(Vec<u8>, Vec<u8>)> = OnceLock::new();
    SAMPLE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.jsonl");
        runtime().block_on(async {
            let (log, _) = AuditLog::open(&path).await.unwrap();
            for i in 0..4 {
                let target = Target::contact("camp-1", format!("contact-{i}"));
                let command = format!("c{i}");
                log.append(AuditEntry::intent(&command, "contact_disposition", target.clone()).before(
                    json!({
                        "notes": "q\"uote\\ and é", "attempts": i, "score": 0.25
                    }),
                ))
                .await
                .unwrap();
                log.append(
                    AuditEntry::outcome(&command, "contact_disposition", target, Outcome::Applied).http(
                        200,
                        1,
                        Duration::from_micros(1500 + i),
                    ),
                )
                .await
                .unwrap();
            }
            log.close().await;
        });
        (std::fs::read(&path).unwrap(), std::fs::read(dir.path().join("audit.head")).unwrap())
    })
}

fn verify_copy(dir: &Path, log: &[u8], head: &[u8]) -> VerifyReport {
    let path = dir.join("audit.jsonl");
    std::fs::write(&path, log).unwrap();
    std::fs::write(dir.join("audit.head"), head).unwrap();
    verify(&path).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn any_single_byte_change_is_detected(at in any::<prop::sample::Index>(), byte in any::<u8>()) {
        let (log, head) = sample_log();
        let dir = tempfile::tempdir().unwrap();
        prop_assert_eq!(verify_copy(dir.path(), log, head), VerifyReport::Intact { records: 8, repairs: vec![], odd_times: vec![] });
        let at = at.index(log.len());
        prop_assume!(log[at] != byte);
        let mut changed = log.clone();
        changed[at] = byte;
        let noticed = matches!(verify_copy(dir.path(), &changed, head), VerifyReport::Broken(_));
        prop_assert!(noticed, "byte {} set to {:#04x} went unnoticed", at, byte);
    }
}
