//! Outbound contact dispositions (document 001) through the engine, against
//! the sandbox: what is applied and what is skipped and why (the campaign's
//! pace and what a 429 holds back are in `engine_contacts_paused.rs`, how a
//! batch's requests share the tenant in `engine_contacts_places.rs`).

mod engine_support;
mod recovery_support;

use cxone_console::domain::contact_disposition::{ContactDispositionDraft, DialerState};
use cxone_console::domain::{CampaignId, ContactId};
use cxone_console::engine::audit::{AuditRecord, RecordKind};
use cxone_console::engine::{Command, CommandId, Outcome};
use cxone_console::sandbox::Resource;
use cxone_console::signing::Verdict;
use engine_support::Rig;
use engine_support::contacts::{
    AGENT, CAMPAIGN, batch, batch_report, batch_under_way, draft, endings, outcomes, pending_contacts,
    set_elsewhere,
};
use serde_json::json;

fn records_of<'a>(records: &'a [AuditRecord], item: &CommandId) -> Vec<&'a AuditRecord> {
    records.iter().filter(|r| r.entry.command_id.as_deref() == Some(item.as_str())).collect()
}

#[tokio::test]
async fn the_documents_three_contacts_are_applied_once_each_and_reach_the_crm() {
    let mut rig = Rig::quiet().await;
    let mut drafts = vec![
        draft(CAMPAIGN, "contact-uuid-111111111111", "INTERESTED"),
        draft(CAMPAIGN, "contact-uuid-222222222222", "CALLBACK_LATER"),
        draft(CAMPAIGN, "contact-uuid-333333333333", "DO_NOT_CALL"),
    ];
    drafts[0].notes = "Scheduled follow-up for next week".into();
    drafts[0].custom_fields = Some(json!({"lead_score": 85, "source": "outbound_campaign_v2"}));
    let (ids, change) = batch(drafts.clone());
    let report = batch_report(rig.run(change).await);
    assert_eq!(
        (report.total(), report.processed(), report.successful(), report.failed()),
        (3, 3, 3, 0),
        "{report:?}"
    );
    assert_eq!(report.accuracy_rate_percent(), 100.0);
    assert!(!report.cancelled());

    let stats = rig.sandbox.stats();
    assert_eq!(stats.writes_of(Resource::ContactDisposition), 3);
    assert_eq!(stats.total_repeated(), 0);

    let deliveries = rig.sink_holds("crm", 3).await;
    assert_eq!(deliveries.len(), 3, "one webhook per contact");
    // Each queued about its contact, so that two changes to one contact
    // cannot reach the CRM crossed.
    let outbox = std::fs::read_to_string(rig.dir.path().join("outbox.jsonl")).unwrap();
    for d in &drafts {
        let subject = format!(r#""subject":"contact:{CAMPAIGN}/{}""#, d.contact_id);
        assert!(outbox.contains(&subject), "{subject} not in {outbox}");
    }
    for (id, d) in ids.iter().zip(&drafts) {
        let delivery = deliveries
            .iter()
            .find(|x| x.webhook_id.as_deref() == Some(rig.webhook_id(id.as_str()).as_str()))
            .unwrap_or_else(|| panic!("no webhook for {}", d.contact_id));
        assert_eq!(delivery.verdict, Verdict::Valid);
        let body = &delivery.body;
        assert_eq!(
            (body["event"].as_str(), body["source"].as_str()),
            (Some("DISPOSITION_UPDATE"), Some("CXone_Outbound_Sync"))
        );
        let data = &body["data"];
        assert_eq!(data["contact_id"], d.contact_id.as_str());
        assert_eq!(data["campaign_id"], CAMPAIGN);
        assert_eq!(data["outcome_code"], d.outcome_code.as_str());
        assert_eq!(data["agent_id"], AGENT);
        assert_eq!(data["status"], "SUCCESS");
        assert!(data["latency_ms"].as_f64().is_some_and(|ms| ms >= 0.0), "{data}");
        assert!(data["timestamp"].as_str().is_some_and(|t| t.ends_with('Z')), "{data}");
    }

    let api = engine_support::client(&rig.sandbox);
    let campaign = CampaignId::parse(CAMPAIGN).unwrap();
    let first =
        api.contact(&campaign, &ContactId::parse("contact-uuid-111111111111").unwrap()).await.unwrap().value;
    assert_eq!(first.outcome_code.as_deref(), Some("INTERESTED"));
    assert_eq!(first.custom_fields["lead_score"], 85);

    let records = rig.audit_records();
    for id in &ids {
        let kinds: Vec<RecordKind> = records_of(&records, id).iter().map(|r| r.entry.kind).collect();
        assert_eq!(kinds, [RecordKind::Intent, RecordKind::Outcome], "{id}");
    }
    let intent = records_of(&records, &ids[0])[0];
    // Every value the change sends is recorded with what it overwrote.
    let custom = json!({"lead_score": 85, "source": "outbound_campaign_v2"});
    let before = intent.entry.before.clone().expect("the contact as read");
    assert_eq!((&before["outcomeCode"], &before["state"]), (&json!("NO_ANSWER"), &json!("COMPLETED")));
    let held = &before["customFields"];
    assert_eq!(held.as_object().map(|m| m.len()), Some(2), "the keys sent, as held before: {before}");
    assert!(before.get("notes").is_some(), "{before}");
    let intended = json!({"outcomeCode": "INTERESTED", "notes": "Scheduled follow-up for next week",
        "customFields": custom});
    assert_eq!(intent.entry.after, Some(intended));
    let outcome = records_of(&records, &ids[0])[1].entry.after.clone().expect("the contact as answered");
    assert_eq!(outcome["customFields"], custom, "{outcome}");
    let plain = records_of(&records, &ids[1])[0];
    assert_eq!(
        plain.entry.after,
        Some(json!({"outcomeCode": "CALLBACK_LATER", "notes": ""})),
        "empty notes, as sent, and no custom fields"
    );
    assert!(plain.entry.before.as_ref().is_some_and(|b| b.get("notes").is_some()), "the notes it overwrites");
    let request = intent.entry.request.as_ref().unwrap();
    assert!(request.etag.is_some() && request.idempotency_key.as_deref() == Some(ids[0].as_str()));
    // Both records name the contact as it was read, for people reading the log.
    for record in records_of(&records, &ids[0]) {
        let target = record.entry.target.as_ref().expect("a change names its target");
        assert_eq!(target.name.as_deref(), Some(first.display_name().as_str()), "{:?}", record.entry.kind);
    }
    let said = records_of(&records, &ids[0])[1].entry.reason.clone().unwrap_or_default();
    let named =
        format!("contact {} (contact-uuid-111111111111) now has outcome INTERESTED", first.display_name());
    assert!(said.starts_with(&named) && said.contains("(was NO_ANSWER)"), "{said}");
    let campaign = rig.sandbox.state().tenant.campaign(CAMPAIGN).expect("the pinned campaign").value.name;
    assert!(said.ends_with(&format!("in campaign {campaign} ({CAMPAIGN})")), "named, with its id: {said}");
    rig.stop().await;
}

/// Document 001 adds a contact to its processed set only once it passed its
/// checks: an entry skipped for its dialer state or an outcome the contact
/// has leaves the contact to the next entry for it, which is checked on its
/// own, while one whose write went makes the next a duplicate. Each entry
/// waits for the one before it, so two for a contact never race.
#[tokio::test]
async fn a_later_entry_for_a_contact_is_a_duplicate_only_of_one_that_was_sent() {
    let mut rig = Rig::quiet().await;
    let fresh = pending_contacts(&rig.sandbox, CAMPAIGN, 3).await;
    let tenant = std::sync::Arc::clone(&rig.sandbox.state().tenant);
    tenant.set_contact_state(CAMPAIGN, &fresh[1], DialerState::Dialing).unwrap();
    let (ids, change) = batch(vec![
        // Has no outcome yet: BUSY is applied, then INTERESTED is its duplicate.
        draft(CAMPAIGN, &fresh[0], "BUSY"),
        // The dialer holds it: each entry is skipped for that, on its own.
        draft(CAMPAIGN, &fresh[1], "BUSY"),
        draft(CAMPAIGN, &fresh[0], "INTERESTED"),
        draft(CAMPAIGN, &fresh[1], "INTERESTED"),
        // Set to BUSY below: the first is unchanged, the second is sent.
        draft(CAMPAIGN, &fresh[2], "BUSY"),
        draft(CAMPAIGN, &fresh[2], "INTERESTED"),
        draft(CAMPAIGN, &fresh[2], "CALLBACK_LATER"),
    ]);
    // Set elsewhere (this session would not send a contact it applied to).
    set_elsewhere(&tenant, &fresh[2], "BUSY");

    let report = batch_report(rig.run(change).await);
    let seen = outcomes(&rig);
    assert_eq!(
        endings(&rig, &ids),
        ["applied", "dialer_state", "duplicate", "dialer_state", "unchanged", "applied", "duplicate"],
        "{seen:?}"
    );
    assert!(
        seen[&ids[2]].text().contains("earlier in this batch") && seen[&ids[2]].text().contains("applied")
    );
    assert_eq!((report.total(), report.successful()), (7, 2), "{report:?}");
    let held = |id: &str| {
        let contact = tenant.contact(CAMPAIGN, id).expect("the contact").value;
        contact.outcome_code
    };
    assert_eq!(held(&fresh[0]).as_deref(), Some("BUSY"), "the first entry's, not overwritten");
    assert_eq!(held(&fresh[2]).as_deref(), Some("INTERESTED"), "the entry after the unchanged one");
    assert_eq!(rig.sandbox.stats().total_repeated(), 0);
    rig.stop().await;
}

#[tokio::test]
async fn duplicates_busy_and_unchanged_contacts_are_skipped_and_bad_entries_refused_by_field() {
    let mut rig = Rig::quiet().await;
    let fresh = pending_contacts(&rig.sandbox, CAMPAIGN, 2).await;
    let tenant = &rig.sandbox.state().tenant;
    tenant.set_contact_state(CAMPAIGN, &fresh[1], DialerState::Ringing).unwrap();
    let (ids, change) = batch(vec![
        draft(CAMPAIGN, &fresh[0], "INTERESTED"),
        draft(CAMPAIGN, &fresh[0], "BUSY"),
        draft(CAMPAIGN, &fresh[1], "INTERESTED"),
        draft(CAMPAIGN, "contact-uuid-333333333333", "NOT_INTERESTED"),
        draft(CAMPAIGN, "contact-uuid-222222222222", "SOLD"),
        draft(CAMPAIGN, "contact-uuid-222222222222", "interested"),
        draft("no-such-campaign", "contact-uuid-222222222222", "INTERESTED"),
    ]);
    let report = batch_report(rig.run(change).await);
    // Refused entries sent nothing: not processed, as document 001 counts.
    assert_eq!(
        (report.total(), report.processed(), report.successful(), report.failed(), report.unwritten()),
        (7, 1, 1, 0, 3),
        "{report:?}"
    );
    let skipped: Vec<(&str, usize)> = report.skipped().iter().map(|(k, n)| (k.as_str(), *n)).collect();
    assert_eq!(skipped, [("dialer_state", 1), ("duplicate", 1), ("unchanged", 1)]);

    let seen = outcomes(&rig);
    let reason = |i: usize| seen[&ids[i]].text().to_string();
    assert!(seen[&ids[0]].is_applied());
    assert!(reason(1).contains("earlier in this batch"), "{}", reason(1));
    assert!(reason(2).contains("RINGING"), "the state is named: {}", reason(2));
    assert!(reason(3).contains("already has this outcome"), "{}", reason(3));
    for (i, field, rule) in [
        (4, "outcomeCode", "SOLD is not in the campaign's outcome matrix"),
        (5, "outcomeCode", "^[A-Z_]{3,20}$"),
        (6, "campaignId", "no-such-campaign does not exist"),
    ] {
        assert!(matches!(seen[&ids[i]], Outcome::Rejected { .. }), "{:?}", seen[&ids[i]]);
        assert!(reason(i).contains(field) && reason(i).contains(rule), "{}", reason(i));
    }
    assert_eq!(
        rig.sandbox.stats().writes_of(Resource::ContactDisposition),
        1,
        "only the first entry was written"
    );

    let records = rig.audit_records();
    for id in &ids[1..] {
        let kinds: Vec<RecordKind> = records_of(&records, id).iter().map(|r| r.entry.kind).collect();
        assert_eq!(kinds, [RecordKind::Outcome], "nothing was sent for {id}, so no intent");
    }

    // The same contact in a later batch of this session is not sent again.
    let (again, change) = batch(vec![draft(CAMPAIGN, &fresh[0], "CALLBACK_LATER")]);
    let report = batch_report(rig.run(change).await);
    assert_eq!(report.skipped().get("duplicate"), Some(&1));
    assert!(outcomes(&rig)[&again[0]].text().contains("already processed in this session"));
    assert_eq!(rig.sandbox.stats().writes_of(Resource::ContactDisposition), 1);
    // One skipped there was not done: once the dialer lets it go, a later
    // batch sends it.
    rig.sandbox.state().tenant.set_contact_state(CAMPAIGN, &fresh[1], DialerState::Pending).unwrap();
    let (later, change) = batch(vec![draft(CAMPAIGN, &fresh[1], "INTERESTED")]);
    batch_report(rig.run(change).await);
    assert!(outcomes(&rig)[&later[0]].is_applied(), "{:?}", outcomes(&rig)[&later[0]]);
    rig.stop().await;
}

/// Document 001: an outcome names an agent of the tenant. An id naming
/// nobody, or a user without the Agent role, is refused by field before
/// anything about its contact is read or written; each agent is read once a
/// batch.
#[tokio::test]
async fn outcomes_for_an_unknown_agent_or_a_user_who_is_not_one_are_refused_unsent() {
    let mut rig = Rig::quiet().await;
    let fresh = pending_contacts(&rig.sandbox, CAMPAIGN, 7).await;
    let manager = engine_support::non_agent(&rig.sandbox).await;
    let with_agent = |contact: &str, agent: &str| ContactDispositionDraft {
        agent_id: agent.into(),
        ..draft(CAMPAIGN, contact, "INTERESTED")
    };
    // The first batch reads the campaign's matrix, so the next one's
    // requests are the agents' reads alone.
    let (first, change) = batch(vec![draft(CAMPAIGN, &fresh[0], "INTERESTED")]);
    batch_report(rig.run(change).await);
    assert!(outcomes(&rig)[&first[0]].is_applied());

    let requests = rig.sandbox.stats().requests;
    let (ids, change) = batch((1..6).map(|i| with_agent(&fresh[i], "agent-nobody-knows")).collect());
    let report = batch_report(rig.run(change).await);
    assert_eq!(
        (report.total(), report.successful(), report.processed(), report.unwritten()),
        (5, 0, 0, 5),
        "{report:?}"
    );
    assert_eq!(
        rig.sandbox.stats().requests - requests,
        1,
        "one read of the agent, nothing about the contacts"
    );
    let seen = outcomes(&rig);
    for id in &ids {
        assert!(matches!(seen[id], Outcome::Rejected { .. }), "{:?}", seen[id]);
        let reason = seen[id].text();
        assert!(reason.contains("agentId") && reason.contains("does not exist on the tenant"), "{reason}");
    }

    let (ids, change) =
        batch(vec![with_agent(&fresh[6], manager.id.as_str()), draft(CAMPAIGN, &fresh[1], "INTERESTED")]);
    let report = batch_report(rig.run(change).await);
    assert_eq!((report.successful(), report.failed(), report.unwritten()), (1, 0, 1), "{report:?}");
    let seen = outcomes(&rig);
    let reason = seen[&ids[0]].text();
    assert!(reason.contains("agentId") && reason.contains("is not an agent"), "{reason}");
    assert!(seen[&ids[1]].is_applied(), "{:?}", seen[&ids[1]]);
    assert_eq!(
        rig.sandbox.stats().writes_of(Resource::ContactDisposition),
        2,
        "only the named agents' outcomes"
    );
    let records = rig.audit_records();
    let kinds: Vec<RecordKind> = records_of(&records, &ids[0]).iter().map(|r| r.entry.kind).collect();
    assert_eq!(kinds, [RecordKind::Outcome], "nothing was sent, so no intent");
    rig.stop().await;
}

#[tokio::test(start_paused = true)]
async fn a_contact_changed_between_read_and_write_is_read_again() {
    let mut rig = Rig::quiet().await;
    let campaigns = rig.sandbox.state().tenant.campaign_ids();
    let (a, b) = (CAMPAIGN.to_string(), campaigns.into_iter().find(|c| c != CAMPAIGN).unwrap());
    let (edited, taken) =
        (pending_contacts(&rig.sandbox, &a, 1).await, pending_contacts(&rig.sandbox, &b, 1).await);
    let (ids, change) = batch(vec![draft(&a, &edited[0], "INTERESTED"), draft(&b, &taken[0], "INTERESTED")]);
    let id = rig.submit(change).await;
    // Each campaign's write waits 100 ms behind its read: change both contacts in between.
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    let tenant = &rig.sandbox.state().tenant;
    tenant.set_contact_state(&a, &edited[0], DialerState::Pending).unwrap();
    tenant.set_contact_state(&b, &taken[0], DialerState::Dialing).unwrap();
    let report = batch_report(rig.finished(&id).await);
    assert_eq!((report.successful(), report.skipped().get("dialer_state")), (1, Some(&1)), "{report:?}");

    let records = rig.audit_records();
    let edited_records = records_of(&records, &ids[0]);
    let tag = |r: &AuditRecord| r.entry.request.as_ref().and_then(|q| q.etag.clone());
    assert_eq!(edited_records.len(), 2);
    assert_ne!(tag(edited_records[0]), tag(edited_records[1]), "the write went again with the new tag");
    let taken_records = records_of(&records, &ids[1]);
    let kinds: Vec<RecordKind> = taken_records.iter().map(|r| r.entry.kind).collect();
    assert_eq!(kinds, [RecordKind::Intent, RecordKind::Outcome]);
    assert!(taken_records[1].entry.reason.as_deref().is_some_and(|r| r.contains("DIALING")));
    rig.stop().await;
}

#[tokio::test(start_paused = true)]
async fn cancelling_a_batch_stops_it_starting_contacts() {
    let mut rig = Rig::quiet().await;
    let id = batch_under_way(&mut rig).await;
    rig.send(Command::Cancel { id: id.clone() }).await;
    let report = batch_report(rig.finished(&id).await);
    assert!(report.cancelled(), "{report:?}");
    let cancelled = report.skipped().get("cancelled").copied().unwrap_or(0);
    assert!(cancelled > 0 && report.successful() >= 3, "{report:?}");
    assert_eq!(report.successful() + cancelled, 40, "every contact either went through or was never started");
    assert_eq!(rig.sandbox.stats().writes_of(Resource::ContactDisposition), report.successful() as u64);
    let cancelled_records = rig
        .audit_records()
        .into_iter()
        .filter(|r| r.entry.reason.as_deref().is_some_and(|t| t.contains("cancelled")))
        .map(|r| r.entry.kind)
        .collect::<Vec<_>>();
    assert_eq!(cancelled_records, vec![RecordKind::Outcome; cancelled], "recorded, never sent");
    rig.stop().await;
}
