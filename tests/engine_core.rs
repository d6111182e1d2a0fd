//! The engine's start-up and lifecycle against the sandbox.

mod engine_support;

use cxone_console::engine::{Change, DataActionChange, Event, Finished, Outcome};
use engine_support::Rig;

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
    let change = Change::DataAction(DataActionChange::Deprecate { id: "anything".into() });
    match rig.run(change).await {
        Finished::Single { outcome: Outcome::Rejected { reason }, .. } => {
            assert!(reason.contains("read-only"))
        }
        other => panic!("a write went through a read-only engine: {other:?}"),
    }
    assert!(rig.audit_records().is_empty(), "nothing was recorded because nothing was attempted");
    rig.stop().await;
}
