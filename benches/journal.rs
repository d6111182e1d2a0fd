//! Journal and audit log throughput: group commit under concurrent appenders,
//! opening and verifying a 100,000-record log. Prints numbers, asserts nothing.
//!
//! `cargo bench --bench journal`

use cxone_console::engine::audit::{AuditEntry, AuditLog, Method, Outcome, RequestInfo, Target, verify};
use serde_json::json;
use std::path::Path;
use std::time::Instant;

/// The binary's allocator, so that the figures are the shipped console's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Commands in the large log: an intent and an outcome each, but for one in
/// a thousand left pending, so about 100,000 records.
const OPEN_COMMANDS: usize = 50_048;

fn target(i: usize) -> Target {
    Target::contact("camp-1", format!("contact-{i}"))
}

fn intent(i: usize) -> AuditEntry {
    let request = RequestInfo {
        method: Method::Patch,
        path: format!("/api/v1/outbound/campaigns/camp-1/contacts/contact-{i}"),
        etag: Some(format!("W/\"{i:016x}\"")),
        idempotency_key: Some(format!("idem-{i}")),
    };
    AuditEntry::intent(
        &format!("cmd-{i}"),
        "contact_disposition",
        Target::contact("camp-1", format!("contact-{i}")),
    )
    .by("jdoe", "cxone-console-sandbox", "bench")
    .request(request, br#"{"outcomeCode":"INTERESTED"}"#)
    .before(json!({ "state": "PENDING", "outcomeCode": null, "notes": "called twice, no answer" }))
}

fn outcome(i: usize) -> AuditEntry {
    AuditEntry::outcome(&format!("cmd-{i}"), "contact_disposition", target(i), Outcome::Applied)
        .by("jdoe", "cxone-console-sandbox", "bench")
        .after(json!({ "state": "COMPLETED", "outcomeCode": "INTERESTED" }))
        .http(200, 1, std::time::Duration::from_micros(12_345))
}

/// Appends `commands` intents from `appenders` concurrent tasks, each but
/// one in a thousand followed by its outcome when `outcomes` is set.
async fn fill(log: &AuditLog, commands: usize, appenders: usize, outcomes: bool) {
    let per_task = commands / appenders;
    let tasks: Vec<_> = (0..appenders)
        .map(|t| {
            let log = log.clone();
            tokio::spawn(async move {
                for i in (0..per_task).map(|i| t * per_task + i) {
                    let mut appended = log.append(intent(i)).await;
                    if outcomes && i % 1000 != 0 && appended.is_ok() {
                        appended = log.append(outcome(i)).await;
                    }
                    if let Err(e) = appended {
                        eprintln!("append failed: {e}");
                        return;
                    }
                }
            })
        })
        .collect();
    for task in tasks {
        let _ = task.await;
    }
}

async fn group_commit(dir: &Path, appenders: usize, total: usize) {
    let path = dir.join(format!("commit-{appenders}.jsonl"));
    let Ok((log, _)) = AuditLog::open(&path).await else { return };
    let started = Instant::now();
    fill(&log, total, appenders, false).await;
    let elapsed = started.elapsed();
    let stats = log.stats();
    log.close().await;
    println!(
        "append  {appenders:>4} appenders: {:>8.0} records/s, {:>6} syncs, {:>6.1} records per sync",
        stats.lines as f64 / elapsed.as_secs_f64(),
        stats.syncs,
        stats.lines as f64 / stats.syncs.max(1) as f64
    );
}

async fn open_and_verify(dir: &Path) {
    let path = dir.join("large.jsonl");
    let Ok((log, _)) = AuditLog::open(&path).await else { return };
    fill(&log, OPEN_COMMANDS, 512, true).await;
    log.close().await;
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);

    let started = Instant::now();
    match AuditLog::open(&path).await {
        Ok((log, report)) => {
            println!(
                "open    {} records ({:.1} MB): {:>7.1} ms, {} pending intents",
                report.records,
                size as f64 / 1e6,
                started.elapsed().as_secs_f64() * 1e3,
                report.pending.len()
            );
            log.close().await;
        }
        Err(e) => eprintln!("open failed: {e}"),
    }

    let started = Instant::now();
    match verify(&path) {
        Ok(report) => println!("verify  {:?}: {:>7.1} ms", report, started.elapsed().as_secs_f64() * 1e3),
        Err(e) => eprintln!("verify failed: {e}"),
    }
}

fn main() {
    let Ok(dir) = tempfile::tempdir() else { return eprintln!("no temporary directory") };
    let Ok(runtime) = tokio::runtime::Builder::new_multi_thread().enable_all().build() else {
        return eprintln!("no runtime");
    };
    runtime.block_on(async {
        for appenders in [1, 8, 64, 512] {
            group_commit(dir.path(), appenders, 4096.max(appenders * 8)).await;
        }
        open_and_verify(dir.path()).await;
    });
}
