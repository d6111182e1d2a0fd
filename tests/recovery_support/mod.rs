//! Helpers of the start-up recovery tests: intents written by hand, as a
//! console that crashed mid-change would have left them.
#![allow(dead_code)] // each test file uses its own share of these

use super::engine_support;
use cxone_console::engine::audit::{AuditEntry, AuditLog, Method, RequestInfo, Target};
use cxone_console::engine::{EngineConfig, Event, Outcome, Recovery};
use cxone_console::sandbox::{Sandbox, SandboxConfig};
use engine_support::Rig;
use serde_json::Value;
use std::collections::HashMap;
use std::path::Path;

pub fn intent(item: &str, action: &str, target: Target, after: Value) -> AuditEntry {
    let request = RequestInfo {
        method: Method::Patch,
        path: "/".into(),
        etag: None,
        idempotency_key: Some(item.into()),
    };
    AuditEntry::intent(item, action, target)
        .by("crashed-operator", "console", item)
        .request(request, b"{}")
        .after(after)
}

/// A quiet tenant, a directory for the crashed console's logs, and the
/// configuration of the engine that starts on them.
pub async fn tenant() -> (Sandbox, tempfile::TempDir, EngineConfig) {
    let sandbox = Sandbox::start(SandboxConfig::quiet()).await.expect("the sandbox starts");
    let dir = tempfile::tempdir().expect("a temporary directory");
    let config = engine_support::engine_config(&sandbox, dir.path());
    (sandbox, dir, config)
}

pub async fn write_intents(path: &Path, entries: Vec<AuditEntry>) {
    let (log, _) = AuditLog::open(path).await.expect("the audit log opens");
    for entry in entries {
        log.append(entry).await.expect("the intent is recorded");
    }
    log.close().await;
}

/// What start-up read back, by change, and the changes it could not check.
pub async fn recovered(rig: &mut Rig) -> (HashMap<String, Outcome>, Vec<String>) {
    let recovery: Recovery = rig
        .until(|e| match e {
            Event::Recovered(r) => Some(r.clone()),
            _ => None,
        })
        .await;
    (recovery.reconciled.into_iter().collect(), recovery.still_pending)
}
