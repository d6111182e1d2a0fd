//! The engine's start-up and lifecycle against the sandbox.

mod engine_support;

use cxone_console::engine::{
    ActionRef, Change, Command, CommandId, DataActionChange, Event, Finished, Outcome,
};
use cxone_console::sandbox::Resource;
use engine_support::Rig;
use engine_support::contacts::{batch_report, batch_under_way};

#[tokio::test]
async fn start_up_reports_recovery_and_a_read_only_engine_refuses_writes() {
    let sandbox =
        cxone_console::sandbox::Sandbox::start(cxone_console::sandbox::SandboxConfig::quiet()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut config = engine_support::engine_config(&sandbox, dir.path());
    config.read_only = true;
    let mut rig = Rig::with(sandbox, dir, config).await;
    let recovery = rig
        .until(|e| match e {
            Event::Recovered(r) => Some(r.clone()),
            _ => None,
        })
        .await;
    assert!(recovery.repairs.is_empty() && recovery.reconciled.is_empty());
    let change = Change::DataAction(DataActionChange::Deprecate { action: ActionRef::Id("anything".into()) });
    match rig.run(change).await {
        Finished::Single { outcome: Outcome::Rejected { reason }, .. } => {
            assert!(reason.contains("read-only"))
        }
        other => panic!("a write went through a read-only engine: {other:?}"),
    }
    assert!(rig.audit_records().is_empty(), "nothing was recorded because nothing was attempted");
    rig.stop().await;
}

/// Shutting down lets changes in flight finish; a cancel that arrives while
/// the engine winds down (quitting with "skip the rest") still stops a
/// batch starting targets, and a change sent then is refused unsent.
#[tokio::test(start_paused = true)]
async fn a_batch_cancelled_while_the_engine_winds_down_skips_what_has_not_started() {
    let mut rig = Rig::quiet().await;
    let id = batch_under_way(&mut rig).await;

    let commands = rig.engine.commands();
    let Rig { sandbox, engine, mut events, dir, .. } = rig;
    let stopping = tokio::spawn(engine.shutdown());
    tokio::task::yield_now().await;
    commands.send(Command::Cancel { id: id.clone() }).await.expect("the engine still listens");
    let late = CommandId::random();
    let deprecate =
        Change::DataAction(DataActionChange::Deprecate { action: ActionRef::Id("anything".into()) });
    commands.send(Command::Submit { id: late.clone(), change: deprecate }).await.expect("still listening");

    let (mut report, mut refused) = (None, None);
    while let Some(event) = events.recv().await {
        match event {
            Event::Finished { id: done, result } if done == id => report = Some(batch_report(result)),
            Event::Finished { id: done, result: Finished::Single { outcome, .. } } if done == late => {
                refused = Some(outcome);
            }
            _ => {}
        }
    }
    stopping.await.expect("the engine stops cleanly");
    let report = report.expect("the batch finished before the engine stopped");
    let cancelled = report.skipped().get("cancelled").copied().unwrap_or(0);
    assert!(report.cancelled() && cancelled > 0, "{report:?}");
    assert_eq!(report.successful() + cancelled, 40, "{report:?}");
    assert_eq!(sandbox.stats().writes_of(Resource::ContactDisposition), report.successful() as u64);
    assert!(
        matches!(&refused, Some(Outcome::Rejected { reason }) if reason.contains("shutting down")),
        "{refused:?}"
    );
    assert_eq!(sandbox.stats().writes_of(Resource::DataAction), 0);
    drop(dir);
}

/// A restarted engine first sends the last records of earlier runs (at most
/// 500, oldest first), so the console shows what came before this run.
#[tokio::test]
async fn a_restarted_engine_sends_the_records_of_earlier_runs_first() {
    use cxone_console::engine::audit::{AuditEntry, AuditLog};
    let sandbox =
        cxone_console::sandbox::Sandbox::start(cxone_console::sandbox::SandboxConfig::quiet()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = engine_support::engine_config(&sandbox, dir.path());
    let (log, _) = AuditLog::open(&config.audit_path).await.unwrap();
    for n in 1..=600 {
        log.append(AuditEntry::repair(format!("earlier record {n}"))).await.unwrap();
    }
    log.close().await;

    let mut rig = Rig::with(sandbox, dir, config).await;
    let history = rig
        .until(|e| match e {
            Event::AuditHistory(records) => Some(records.clone()),
            _ => None,
        })
        .await;
    let seqs: Vec<u64> = history.iter().map(|r| r.seq).collect();
    assert_eq!(seqs, (101..=600).collect::<Vec<u64>>(), "the last 500, oldest first");
    let on_disk = rig.audit_records();
    assert_eq!(history.last().map(|r| r.as_ref()), on_disk.last(), "each as logged");
    rig.stop().await;
}
