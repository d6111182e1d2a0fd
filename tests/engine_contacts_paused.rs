//! A campaign's pace, and a campaign the tenant holds back with a 429: paced,
//! a large batch never meets one; met, its pause keeps none of the batch's
//! places from the other campaigns, and a cancel ends a write that
//! waits it out, with nothing written, and so the entries behind it for its
//! contact too.
//!
//! The pauses seen waiting in real time come from a tenant that refills a
//! campaign's allowance slowly (one request every 2 s); the pace and the
//! holding back measured whole run the default tenant on paused time.

mod engine_support;

use cxone_console::engine::audit::RecordKind;
use cxone_console::engine::{BatchReport, Command, CommandId, Event, SkipKey};
use cxone_console::sandbox::{Resource, Sandbox, SandboxConfig};
use engine_support::Rig;
use engine_support::contacts::{CAMPAIGN, batch, batch_report, draft, pending_contacts};
use std::time::Duration;

/// Requests a campaign may make at once before the tenant's pace applies.
const BURST: u32 = 20;

/// An engine sending one request at a time, unpaced, to a tenant that
/// allows each campaign a burst of [`BURST`] and then one request every 2 s.
async fn slow_to_refill() -> Rig {
    engine_support::contacts::slow_to_refill(BURST, |config| config.batch_concurrency = 1).await
}

/// Spends `n` of `campaign`'s allowance at the tenant, as another client
/// would; every of it, when `n` is `None`.
fn spend(rig: &Rig, campaign: &str, contact: &str, n: Option<u32>) {
    let tenant = &rig.sandbox.state().tenant;
    match n {
        Some(n) => (0..n).for_each(|_| {
            tenant.contact(campaign, contact).expect("within the campaign's allowance");
        }),
        None => while tenant.contact(campaign, contact).is_ok() {},
    }
}

fn other_campaign(rig: &Rig) -> String {
    rig.sandbox.state().tenant.campaign_ids().into_iter().find(|c| c != CAMPAIGN).unwrap()
}

/// Runs a batch of `limited` pending contacts of [`CAMPAIGN`], whose
/// allowance at the tenant is spent first, then `others` of another
/// campaign, all to BUSY; asserts every one applied, the limited campaign
/// met a 429, and the other campaign's contacts all ended before any of the
/// limited one's.
async fn the_others_end_first(rig: &mut Rig, limited: u32, others: u32) {
    let held_back = pending_contacts(&rig.sandbox, CAMPAIGN, limited).await;
    let other = other_campaign(rig);
    let going = pending_contacts(&rig.sandbox, &other, others).await;
    spend(rig, CAMPAIGN, &held_back[0], None);
    let refused_before = rig.sandbox.stats().rate_limited;

    let mut drafts: Vec<_> = held_back.iter().map(|c| draft(CAMPAIGN, c, "BUSY")).collect();
    drafts.extend(going.iter().map(|c| draft(&other, c, "BUSY")));
    let (ids, change) = batch(drafts);
    let report = batch_report(rig.run(change).await);
    assert_eq!(report.successful(), (limited + others) as usize, "{report:?}");
    assert!(rig.sandbox.stats().rate_limited > refused_before, "the limited campaign met a 429");
    assert!(
        rig.all_ended_before(&ids[held_back.len()..], &ids[..held_back.len()]),
        "the other campaign ended while the limited one waited: {:?}",
        rig.ended_items()
    );
}

/// With a single place at the tenant, the limited campaign's contacts wait
/// out their pause without it: the other campaign's contacts all end first.
#[tokio::test]
async fn a_paused_campaign_leaves_the_batchs_places_to_the_others() {
    let mut rig = slow_to_refill().await;
    the_others_end_first(&mut rig, 2, 4).await;
    rig.stop().await;
}

/// A batch of one contact's entries with `codes`, cancelled once the first
/// entry's write is refused with a 429: one request is left to its campaign
/// (the list of contacts took one), which the read takes. Its items' ids,
/// and its report.
async fn cancelled_in_its_pause(rig: &mut Rig, codes: &[&str]) -> (Vec<CommandId>, BatchReport) {
    let contact = pending_contacts(&rig.sandbox, CAMPAIGN, 1).await.remove(0);
    spend(rig, CAMPAIGN, &contact, Some(BURST - 2));
    let (ids, change) = batch(codes.iter().map(|code| draft(CAMPAIGN, &contact, code)).collect());
    let id = rig.submit(change).await;
    let patience = tokio::time::Instant::now() + Duration::from_secs(3);
    while rig.sandbox.stats().rate_limited == 0 {
        assert!(tokio::time::Instant::now() < patience, "the write met no 429");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    rig.send(Command::Cancel { id: id.clone() }).await;
    (ids, batch_report(rig.finished(&id).await))
}

/// A contact read, its intent recorded, and its write refused with a 429:
/// cancelled during the pause, it ends there, its outcome not written.
#[tokio::test]
async fn a_cancel_ends_a_write_waiting_out_a_429() {
    let mut rig = slow_to_refill().await;
    let (ids, report) = cancelled_in_its_pause(&mut rig, &["BUSY"]).await;
    assert_eq!((report.successful(), report.skipped().get(&SkipKey::Unstarted)), (0, Some(&1)), "{report:?}");
    assert!(report.cancelled(), "{report:?}");
    assert_eq!(rig.sandbox.stats().writes_of(Resource::ContactDisposition), 0, "nothing was written");
    let reason = rig
        .seen
        .iter()
        .find_map(|e| match e {
            Event::ItemFinished { item, outcome, .. } if *item == ids[0] => Some(outcome.text()),
            _ => None,
        })
        .expect("the contact's end");
    assert!(
        reason.contains("held this contact's campaign back") && reason.contains("not written"),
        "{reason}"
    );
    let kinds: Vec<RecordKind> = rig
        .audit_records()
        .iter()
        .filter(|r| r.entry.command_id.as_deref() == Some(ids[0].as_str()))
        .map(|r| r.entry.kind)
        .collect();
    assert_eq!(kinds, [RecordKind::Intent, RecordKind::Outcome], "the intent is closed");
    rig.stop().await;
}

/// Two entries for one contact, the first cancelled while it waits out a
/// 429: it wrote nothing, so the second is not its duplicate. Both end as
/// the cancel left them, and nothing is written.
#[tokio::test]
async fn an_entry_behind_a_write_cancelled_in_its_pause_is_cancelled_too_not_a_duplicate() {
    let mut rig = slow_to_refill().await;
    let (ids, report) = cancelled_in_its_pause(&mut rig, &["BUSY", "INTERESTED"]).await;
    assert!(report.cancelled(), "{report:?}");
    assert_eq!(report.successful(), 0, "{report:?}");
    assert_eq!(report.skipped().get(&SkipKey::Unstarted), Some(&2), "{report:?}");
    assert_eq!(report.skipped().get(&SkipKey::Duplicate), None, "{report:?}");
    assert_eq!(rig.sandbox.stats().writes_of(Resource::ContactDisposition), 0, "nothing was written");
    let second =
        rig.audit_records().into_iter().filter(|r| r.entry.command_id.as_deref() == Some(ids[1].as_str()));
    assert!(
        second.clone().all(|r| r.entry.kind != RecordKind::Intent),
        "the entry behind never began its write: {:?}",
        second.map(|r| r.entry.kind).collect::<Vec<_>>()
    );
    rig.stop().await;
}

/// With pacing off, a batch this size trips the tenant's limit (and still
/// lands, every 429 waited out); paced at the campaign's rate it never does.
#[tokio::test(start_paused = true)]
async fn the_campaign_rate_keeps_a_large_batch_under_the_tenants_limit() {
    for paced in [false, true] {
        let sandbox = Sandbox::start(SandboxConfig::quiet()).await.expect("the sandbox starts");
        let contacts = pending_contacts(&sandbox, CAMPAIGN, 30).await;
        let dir = tempfile::tempdir().unwrap();
        let mut config = engine_support::engine_config(&sandbox, dir.path());
        config.campaign_rate = paced.then_some(10.0);
        let mut rig = Rig::with(sandbox, dir, config).await;
        let (_, change) = batch(contacts.iter().map(|c| draft(CAMPAIGN, c, "NO_ANSWER")).collect());
        let report = batch_report(rig.run(change).await);
        assert_eq!(report.successful(), 30, "paced {paced}: {report:?}");
        let stats = rig.sandbox.stats();
        assert_eq!(stats.writes_of(Resource::ContactDisposition), 30);
        assert_eq!(stats.total_repeated(), 0);
        if paced {
            assert_eq!(stats.rate_limited, 0, "the tenant never had to refuse a request");
        } else {
            assert!(stats.rate_limited > 0, "60 requests at once exceed a burst of 20");
        }
        rig.stop().await;
    }
}

#[tokio::test(start_paused = true)]
async fn a_429_holds_back_only_the_campaign_that_met_it() {
    let mut rig = Rig::quiet().await;
    the_others_end_first(&mut rig, 2, 3).await;
    rig.stop().await;
}

/// A paused campaign's contacts do not take up the contacts under way: with
/// room for four (one place at the tenant), the limited campaign's four
/// would fill it while they waited out its pause, and the other campaign's
/// would wait with them. Every one of the other campaign's ends first.
#[tokio::test(start_paused = true)]
async fn a_paused_campaigns_contacts_leave_the_room_under_way_to_the_others() {
    let sandbox = Sandbox::start(SandboxConfig::quiet()).await.expect("the sandbox binds 127.0.0.1:0");
    let dir = tempfile::tempdir().expect("a temporary directory");
    let mut config = engine_support::engine_config(&sandbox, dir.path());
    config.batch_concurrency = 1;
    let mut rig = Rig::with(sandbox, dir, config).await;
    the_others_end_first(&mut rig, 4, 6).await;
    rig.stop().await;
}
