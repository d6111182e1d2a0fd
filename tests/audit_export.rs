//! `audit export`: JSON and CSV, with and without `--since`.

use cxone_console::engine::audit::{
    AuditEntry, AuditLog, AuditRecord, CSV_COLUMNS, ExportFormat, Method, Outcome, RequestInfo, Target,
    export,
};
use serde_json::{Value, json};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// Four records; the clock moves on between the second and the third.
async fn four_records(dir: &tempfile::TempDir) -> (PathBuf, Vec<AuditRecord>) {
    let path = dir.path().join("audit.jsonl");
    let (log, _) = AuditLog::open(&path).await.unwrap();
    let mut records = Vec::new();
    for (i, command) in ["c1", "c2"].into_iter().enumerate() {
        if i == 1 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        // The second change read its contact's name; the first did not.
        let target = Target::contact("camp-1", format!("contact-{command}")).named(["", "Ana Lima"][i]);
        let request = RequestInfo {
            method: Method::Patch,
            path: format!("/api/v1/outbound/campaigns/camp-1/contacts/contact-{command}"),
            etag: None,
            idempotency_key: Some(format!("idem-{command}")),
        };
        let intent = AuditEntry::intent(command, "contact_disposition", target.clone())
            .by("jdoe", "cxone-console-sandbox", "batch-1")
            .request(request, b"{}")
            .before(json!({ "notes": "line one\nline \"two\", three" }));
        let outcome = AuditEntry::outcome(command, "contact_disposition", target, Outcome::Conflict)
            .reason("the dialer holds the contact")
            .http(409, 2, Duration::from_millis(31));
        records.push(Arc::unwrap_or_clone(log.append(intent).await.unwrap()));
        records.push(Arc::unwrap_or_clone(log.append(outcome).await.unwrap()));
    }
    log.close().await;
    (path, records)
}

#[tokio::test]
async fn json_export_is_an_array_of_the_records_as_written() {
    let dir = tempfile::tempdir().unwrap();
    let (path, records) = four_records(&dir).await;
    let mut out = Vec::new();
    assert_eq!(export(&path, &mut out, ExportFormat::Json, None).unwrap().records, 4);
    let exported: Vec<AuditRecord> = serde_json::from_slice(&out).unwrap();
    assert_eq!(exported, records);
    let log_lines: Vec<String> = std::fs::read_to_string(&path).unwrap().lines().map(str::to_owned).collect();
    let text = String::from_utf8(out).unwrap();
    assert!(log_lines.iter().all(|line| text.contains(line.as_str())), "records are exported byte for byte");
}

#[tokio::test]
async fn csv_export_has_fixed_columns_with_nested_fields_flattened() {
    let dir = tempfile::tempdir().unwrap();
    let (path, records) = four_records(&dir).await;
    let mut out = Vec::new();
    export(&path, &mut out, ExportFormat::Csv, None).unwrap();
    let mut reader = csv::Reader::from_reader(out.as_slice());
    assert_eq!(reader.headers().unwrap().iter().collect::<Vec<_>>(), CSV_COLUMNS);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 4);
    let cell = |row: &csv::StringRecord, column: &str| {
        row.get(CSV_COLUMNS.iter().position(|c| *c == column).unwrap()).unwrap().to_owned()
    };
    let intent = &rows[0];
    assert_eq!(cell(intent, "kind"), "intent");
    assert_eq!(cell(intent, "targetType"), "contact");
    assert_eq!(cell(intent, "targetCampaign"), "camp-1");
    assert_eq!(cell(intent, "targetName"), "", "a change that did not read a name has none");
    assert_eq!(cell(&rows[2], "targetName"), "Ana Lima");
    assert_eq!(cell(intent, "method"), "PATCH");
    assert_eq!(cell(intent, "outcome"), "");
    let before: Value = serde_json::from_str(&cell(intent, "before")).unwrap();
    assert_eq!(before, json!({ "notes": "line one\nline \"two\", three" }));
    assert_eq!(cell(intent, "hash"), records[0].hash.to_hex());
    let outcome = &rows[1];
    assert_eq!(
        [
            cell(outcome, "outcome"),
            cell(outcome, "httpStatus"),
            cell(outcome, "attempts"),
            cell(outcome, "latencyMs")
        ],
        ["conflict", "409", "2", "31"]
    );
    let time =
        time::OffsetDateTime::parse(&cell(outcome, "time"), &time::format_description::well_known::Rfc3339);
    assert_eq!(time.unwrap(), records[1].time);
}

#[tokio::test]
async fn since_keeps_the_records_from_that_time_on() {
    let dir = tempfile::tempdir().unwrap();
    let (path, records) = four_records(&dir).await;
    let since = records[2].time;
    let mut out = Vec::new();
    assert_eq!(export(&path, &mut out, ExportFormat::Json, Some(since)).unwrap().records, 2);
    let seqs: Vec<u64> =
        serde_json::from_slice::<Vec<AuditRecord>>(&out).unwrap().iter().map(|r| r.seq).collect();
    assert_eq!(seqs, [3, 4]);

    let mut none = Vec::new();
    let later = records[3].time + time::Duration::hours(1);
    assert_eq!(export(&path, &mut none, ExportFormat::Json, Some(later)).unwrap().records, 0);
    assert_eq!(serde_json::from_slice::<Vec<Value>>(&none).unwrap(), Vec::<Value>::new());
}

#[test]
fn an_unknown_format_is_refused_naming_the_field() {
    let refused = "xml".parse::<ExportFormat>().unwrap_err();
    assert_eq!(refused.field, "format");
    assert_eq!("CSV".parse::<ExportFormat>().unwrap(), ExportFormat::Csv);
}

/// The tenant names its agents, contacts and actions as it likes: a CSV
/// printed to a terminal or opened in a spreadsheet runs none of it.
#[tokio::test]
async fn csv_cells_carry_no_terminal_sequence_and_no_formula() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    let (log, _) = AuditLog::open(&path).await.unwrap();
    let hostile = "=HYPERLINK(\"http://x\")Ev\u{1b}]52;c;cHduZWQ=\u{7}il\u{9b}2J\r\u{202e}RTL";
    let target = Target::contact("camp-1", "contact-1").named(hostile);
    let entry = AuditEntry::outcome("c1", "contact_disposition", target, Outcome::Failed)
        .reason("-2 retries left\nthen\tstopped");
    log.append(entry).await.unwrap();
    log.close().await;
    let mut out = Vec::new();
    export(&path, &mut out, ExportFormat::Csv, None).unwrap();
    let text = String::from_utf8(out.clone()).unwrap();
    assert!(!text.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\t')), "{text:?}");
    assert!(!text.contains('\u{202e}'), "{text:?}");
    let mut reader = csv::Reader::from_reader(out.as_slice());
    let row = reader.records().next().unwrap().unwrap();
    let cell =
        |column: &str| row.get(CSV_COLUMNS.iter().position(|c| *c == column).unwrap()).unwrap().to_owned();
    assert_eq!(
        cell("targetName"),
        "'=HYPERLINK(\"http://x\")Ev\\u{1b}]52;c;cHduZWQ=\\u{7}il\\u{9b}2J\\u{d}\\u{202e}RTL"
    );
    assert_eq!(cell("reason"), "'-2 retries left\nthen\tstopped", "line feeds and tabs stay");
    assert_eq!(cell("targetId"), "contact-1", "a plain cell is as written");
}
