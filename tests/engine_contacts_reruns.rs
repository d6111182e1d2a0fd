//! Outbound contact dispositions run again (document 001): a re-run of a
//! batch after an earlier run, and one entry run from two data directories.
//! Recovery after a crash is in `crash_restart.rs`.

mod engine_support;
mod recovery_support;

use cxone_console::engine::CommandId;
use engine_support::Rig;
use engine_support::contacts::{
    CAMPAIGN, batch, batch_report, draft, endings, pending_contacts, set_elsewhere,
};

/// A re-run of a batch after an earlier run: an entry that run found
/// already so wrote nothing, and leaves its contact to the entry after it,
/// which is sent now; a contact that run wrote an entry to is taken from
/// the start, so an entry for it before that one is not sent over it.
#[tokio::test]
async fn a_rerun_takes_the_contacts_the_earlier_run_wrote_to_and_only_those() {
    use cxone_console::engine::SkipKey;
    use cxone_console::engine::audit::{Outcome as Ended, Target};
    let (sandbox, dir, config) = recovery_support::tenant().await;
    let fresh = pending_contacts(&sandbox, CAMPAIGN, 2).await;
    let tenant = std::sync::Arc::clone(&sandbox.state().tenant);
    // The earlier run: the first entry found its contact already BUSY; the
    // second failed (it is sent again now); the last wrote INTERESTED.
    set_elsewhere(&tenant, &fresh[0], "BUSY");
    set_elsewhere(&tenant, &fresh[1], "INTERESTED");
    let (ids, change) = batch(vec![
        draft(CAMPAIGN, &fresh[0], "BUSY"),
        draft(CAMPAIGN, &fresh[0], "INTERESTED"),
        draft(CAMPAIGN, &fresh[1], "CALLBACK_LATER"),
        draft(CAMPAIGN, &fresh[1], "INTERESTED"),
    ]);
    let target = |contact: &str| Target::contact(CAMPAIGN, contact);
    let ended = |i: usize, contact: &str, how: Ended| {
        cxone_console::engine::audit::AuditEntry::outcome(
            ids[i].as_str(),
            "contact_disposition",
            target(contact),
            how,
        )
        .by("earlier", "console", ids[i].as_str())
    };
    recovery_support::write_intents(
        &config.audit_path,
        vec![
            ended(0, &fresh[0], Ended::Skipped).skip(SkipKey::Unchanged),
            ended(1, &fresh[0], Ended::Failed),
            ended(3, &fresh[1], Ended::Applied),
        ],
    )
    .await;
    let mut rig = Rig::with(sandbox, dir, config).await;
    let report = batch_report(rig.run(change).await);
    assert_eq!(endings(&rig, &ids), ["earlier_run", "applied", "duplicate", "earlier_run"]);
    assert_eq!(report.successful(), 1, "{report:?}");
    let held = |id: &str| tenant.contact(CAMPAIGN, id).expect("the contact").value.outcome_code;
    assert_eq!(held(&fresh[0]).as_deref(), Some("INTERESTED"), "the entry after the one found already so");
    assert_eq!(held(&fresh[1]).as_deref(), Some("INTERESTED"), "not undone by the entry before it");
    rig.stop().await;
}

/// The same entry of a file run from two data directories (the file run on
/// two machines, each against a tenant that makes the change anew) is two
/// events to the CRM, each under its own `webhook-id`: a receiver that drops
/// repeats keeps both. Within one data directory a change keeps its id
/// across a crash (`crash_restart.rs`).
#[tokio::test]
async fn the_same_entry_applied_from_two_data_directories_is_announced_under_two_ids() {
    let id = CommandId::derived([&b"changes.jsonl"[..], &b"line 2"[..]]).item(0);
    let mut announced = Vec::new();
    for _ in 0..2 {
        let mut rig = Rig::quiet().await;
        let entry = draft(CAMPAIGN, "contact-uuid-111111111111", "INTERESTED");
        let change =
            cxone_console::engine::Change::ContactDispositions(vec![cxone_console::engine::Item::new(
                id.clone(),
                entry,
            )]);
        let report = batch_report(rig.run(change).await);
        assert_eq!(report.successful(), 1, "{report:?}");
        let delivery = rig.sink_holds("crm", 1).await.remove(0);
        assert_eq!(delivery.webhook_id.as_deref(), Some(rig.webhook_id(id.as_str()).as_str()));
        announced.push(delivery.webhook_id.expect("a webhook-id"));
        rig.stop().await;
    }
    assert_ne!(announced[0], announced[1], "{announced:?}");
}
