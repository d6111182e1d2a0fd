//! A change whose intent the audit log cannot record (a full disk) is not
//! sent, and its outcome says so once.
//!
//! Alone in its test binary: see `full_disk`.

mod engine_support;
mod full_disk;

use cxone_console::domain::agent_status::AgentStatusDraft;
use cxone_console::engine::{Change, CommandId, Item, Outcome};
use cxone_console::sandbox::Resource;
use engine_support::Rig;
use full_disk::limit_file_size;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_whose_intent_cannot_be_recorded_is_not_sent_and_says_so_once() {
    let mut rig = Rig::quiet().await;
    let audit = rig.dir.path().join("audit.jsonl");
    let len = std::fs::metadata(&audit).map_or(0, |m| m.len());
    let _full = limit_file_size(len + 8);

    let draft = AgentStatusDraft {
        user_id: "12345-abcde-67890".into(),
        status: "Training".into(),
        ..Default::default()
    };
    let id = CommandId::random().item(0);
    let outcome = rig.outcome(Change::AgentStatus(vec![Item::new(id, draft)])).await;
    let text = outcome.text();
    assert!(matches!(outcome, Outcome::Failed { .. }), "{outcome}");
    assert_eq!(text.matches("could not record").count(), 1, "said once: {text}");
    assert!(text.starts_with("nothing was sent"), "{text}");
    // The log stays shut for the session: the words say how to open it again.
    assert!(text.contains("quit and start again"), "{text}");
    assert_eq!(rig.sandbox.stats().writes_of(Resource::AgentStatus), 0);
}
