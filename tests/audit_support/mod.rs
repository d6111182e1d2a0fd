//! Audit log entries and files for the tests that write real logs.

#![allow(dead_code)] // each test file uses its own subset

use cxone_console::engine::audit::{AuditEntry, Method, Outcome, RequestInfo, Target};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub fn log_path(dir: &tempfile::TempDir) -> PathBuf {
    dir.path().join("audit.jsonl")
}

pub fn contact() -> Target {
    Target::contact("camp-1", "contact-7")
}

pub fn intent(command: &str) -> AuditEntry {
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

pub fn outcome(command: &str) -> AuditEntry {
    AuditEntry::outcome(command, "contact_disposition", contact(), Outcome::Applied)
        .by("jdoe", "cxone-console-sandbox", "batch-1")
        .after(json!({ "outcomeCode": "INTERESTED" }))
        .http(200, 1, Duration::from_micros(12_345))
}

pub fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path).unwrap().lines().map(str::to_owned).collect()
}
