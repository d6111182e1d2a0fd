//! An interaction disposition's timestamp through the engine, against the
//! sandbox: one the supervisor gave is part of the change, one left to
//! default (now) is not.

mod engine_support;

use cxone_console::domain::Timestamp;
use cxone_console::domain::interaction_disposition::DispositionDraft;
use cxone_console::engine::audit::RecordKind;
use cxone_console::engine::{Change, Outcome};
use cxone_console::sandbox::Resource;
use cxone_console::sandbox::tenant::PINNED_CLOSED_INTERACTION;
use engine_support::Rig;

/// Document 000's 101 Issue Resolved, stamped `timestamp` (empty: now).
fn resolved_at(timestamp: &str) -> Change {
    Change::InteractionDisposition {
        interaction_id: PINNED_CLOSED_INTERACTION.into(),
        dispositions: vec![DispositionDraft {
            code: "101".into(),
            description: "Issue Resolved".into(),
            agent_id: "agent_xyz_123".into(),
            timestamp: timestamp.into(),
            ..Default::default()
        }],
        name: None,
    }
}

fn held_timestamp(rig: &Rig) -> Timestamp {
    let held = rig.sandbox.state().tenant.interaction(PINNED_CLOSED_INTERACTION).expect("pinned");
    held.value.dispositions.first().expect("a disposition").timestamp
}

fn is_unchanged(outcome: &Outcome) -> bool {
    matches!(outcome, Outcome::Skipped { key, .. } if key == "unchanged")
}

#[tokio::test]
async fn a_given_timestamp_is_sent_unless_the_interaction_holds_that_instant() {
    let mut rig = Rig::quiet().await;
    assert!(rig.outcome(resolved_at("2024-01-01T00:00:00Z")).await.is_applied());
    let moved = rig.outcome(resolved_at("2025-06-01T12:00:00+02:00")).await;
    assert!(moved.is_applied(), "the same code at another instant is a change: {moved}");
    let wanted = Timestamp::parse_as("t", "2025-06-01T10:00:00Z").expect("valid");
    assert_eq!(held_timestamp(&rig), wanted, "the tenant holds the instant given");
    assert_eq!(rig.sandbox.stats().writes_of(Resource::InteractionDisposition), 2);

    let same_instant = rig.outcome(resolved_at("2025-06-01T10:00:00Z")).await;
    assert!(is_unchanged(&same_instant), "the same instant, another offset: {same_instant}");
    let defaulted = rig.outcome(resolved_at("")).await;
    assert!(is_unchanged(&defaulted), "a timestamp left to now asks for nothing: {defaulted}");
    assert_eq!(held_timestamp(&rig), wanted);
    assert_eq!(rig.sandbox.stats().writes_of(Resource::InteractionDisposition), 2, "nothing more was sent");
    // Each intent says its timestamp was given, for start-up to compare it
    // should the write's answer be lost to a crash.
    let intents: Vec<_> =
        rig.audit_records().into_iter().filter(|r| r.entry.kind == RecordKind::Intent).collect();
    assert_eq!(intents.len(), 2);
    for intent in &intents {
        let after = intent.entry.after.as_ref().expect("an intended state");
        assert_eq!(after["dispositions"][0]["timestampGiven"], true, "{after}");
    }
    rig.stop().await;
}
