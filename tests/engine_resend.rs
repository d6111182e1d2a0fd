//! Webhooks a receiver refused for good, put back in line on the
//! supervisor's word (`:resend` in the console): each goes out again under
//! its own webhook-id, signed, and lands once the receiver takes it.

mod engine_support;
mod outbox_support;

use cxone_console::engine::outbox::{Listing, MessageId, RowState};
use cxone_console::engine::{Command, CommandId, Event, Finished, Outcome};
use cxone_console::sandbox::{Sandbox, SandboxConfig};
use cxone_console::signing::Verdict;
use engine_support::contacts::{CAMPAIGN, batch, batch_report, draft, pending_contacts};
use engine_support::{Rig, engine_config};
use outbox_support::{Answer, receiver};
use std::collections::{BTreeSet, HashMap};

async fn resend(rig: &mut Rig) -> Outcome {
    resend_only(rig, None).await
}

/// A resend of those given up on, of `only` when given.
async fn resend_only(rig: &mut Rig, only: Option<BTreeSet<MessageId>>) -> Outcome {
    let id = CommandId::random();
    rig.send(Command::ResendWebhooks { id: id.clone(), only }).await;
    single(rig, &id).await
}

/// What the outbox holds, as the console's `:outbox` lists it.
async fn listing(rig: &mut Rig) -> Listing {
    let id = CommandId::random();
    rig.send(Command::ListWebhooks { id: id.clone() }).await;
    match single(rig, &id).await {
        Outcome::Applied { data: Some(data), .. } => {
            serde_json::from_value(data["webhooks"].clone()).expect("a listing")
        }
        other => panic!("a listing is data: {other:?}"),
    }
}

async fn single(rig: &mut Rig, id: &CommandId) -> Outcome {
    match rig.finished(id).await {
        Finished::Single { target: None, outcome } => outcome,
        other => panic!("one outcome and no target: {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhooks_given_up_on_go_out_again_when_resent() {
    let sandbox = Sandbox::start(SandboxConfig::quiet()).await.expect("the sandbox binds 127.0.0.1:0");
    let dir = tempfile::tempdir().expect("a temporary directory");
    let mut config = engine_config(&sandbox, dir.path());
    // The CRM answers 400 to the first three deliveries, then takes them.
    let (url, crm) = receiver(Answer::RefuseFirst(3), &config.webhook_key, false).await;
    config.webhook_targets.insert("crm".into(), url);
    let mut rig = Rig::with(sandbox, dir, config).await;

    let nothing = resend(&mut rig).await;
    assert!(
        matches!(&nothing, Outcome::Skipped { key, .. } if key == "nothing_failed"),
        "nothing was given up on yet: {nothing:?}"
    );

    let contacts = pending_contacts(&rig.sandbox, CAMPAIGN, 3).await;
    let (_, change) = batch(contacts.iter().map(|c| draft(CAMPAIGN, c, "CALLBACK_LATER")).collect());
    assert_eq!(batch_report(rig.run(change).await).successful(), 3);
    // A 400 is final: each webhook is given up on after one attempt.
    rig.seen_or_next(|e| matches!(e, Event::Outbox(s) if s.failed == 3).then_some(())).await;
    assert_eq!(crm.deliveries().len(), 3);
    let before = listing(&mut rig).await;
    assert_eq!((before.waiting, before.given_up, before.rows.len()), (0, 3, 3), "{before:?}");
    assert!(
        before.rows.iter().all(|r| r.state == RowState::GivenUp
            && r.target == "crm"
            && r.attempts == Some(1)
            && r.reason.as_deref().is_some_and(|why| why.contains("400"))),
        "{before:?}"
    );

    // Those given up on that a resend does not name are not its own (its
    // engine gave up on them as it started): they stay given up on.
    let seen_before = BTreeSet::from([MessageId::derived("not one of them")]);
    let too_early = resend_only(&mut rig, Some(seen_before)).await;
    assert!(matches!(&too_early, Outcome::Skipped { key, .. } if key == "nothing_failed"), "{too_early:?}");
    assert_eq!(listing(&mut rig).await.given_up, 3);

    let resent = resend(&mut rig).await;
    assert!(
        matches!(&resent, Outcome::Applied { summary, .. } if summary.starts_with("3 webhooks")),
        "{resent:?}"
    );
    let done = rig
        .until(|e| match e {
            Event::Outbox(s) if s.delivered == 3 => Some(s.clone()),
            _ => None,
        })
        .await;
    assert_eq!((done.backlog, done.failed), (0, 0), "{done:?}");

    let deliveries = crm.deliveries();
    assert_eq!(deliveries.len(), 6, "each refused once, then taken");
    assert!(deliveries.iter().all(|(_, _, verdict)| *verdict == Verdict::Valid), "every one signed");
    let mut sent: HashMap<&str, usize> = HashMap::new();
    for (id, _, _) in &deliveries {
        *sent.entry(id.as_str()).or_default() += 1;
    }
    assert_eq!(sent.len(), 3, "three webhooks");
    assert!(sent.values().all(|n| *n == 2), "each under one webhook-id both times: {sent:?}");

    let empty = listing(&mut rig).await;
    assert_eq!((empty.waiting, empty.given_up, empty.rows.len()), (0, 0, 0), "{empty:?}");
    let after = resend(&mut rig).await;
    assert!(matches!(&after, Outcome::Skipped { key, .. } if key == "nothing_failed"), "{after:?}");
}
