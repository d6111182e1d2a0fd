//! Campaigns, their contacts, and data actions like the seeded tenant's.

use super::at;
use cxone_console::api::model::{ActionVersion, Campaign, Contact, DataAction, RecentExecutions};
use cxone_console::domain::contact_disposition::DialerState;
use cxone_console::domain::data_action::HeldVersion;
use cxone_console::domain::{CampaignId, ContactId, DataActionId};
use serde_json::json;

/// A contact's row key: its campaign and id.
pub fn contact_key(contact: &Contact) -> cxone_console::engine::RowKey {
    cxone_console::engine::RowKey::new(Some(contact.campaign_id.as_str()), contact.id.as_str())
}

/// The contact selected on the first campaign's pane (Payment Reminder),
/// and a contact of the same id put in Spring Renewal; both loaded, with
/// the rows that loaded them, for a test to feed again.
pub fn contact_and_twin(app: &mut cxone_console::ui::app::App) -> (Contact, Contact, Vec<Contact>) {
    use cxone_console::engine::{Event, Snapshot};
    super::press(app, &["3", "l"]);
    let own = app.contacts.selected_row().expect("a Payment Reminder contact").clone();
    let spring = campaigns().into_iter().find(|c| c.name == "Spring Renewal").expect("seeded").id;
    let twin = Contact { campaign_id: spring, ..own.clone() };
    let mut rows = contacts();
    rows.push(twin.clone());
    super::feed(app, [Event::Snapshot(Snapshot::Contacts(super::table(rows.clone(), 2, &[])))]);
    (own, twin, rows)
}

pub fn campaigns() -> Vec<Campaign> {
    let campaign = |id: &str, name: &str, status: &str, mode: &str, extra: &[&str], count: u64| Campaign {
        id: CampaignId::parse(id).unwrap(),
        name: name.into(),
        status: status.into(),
        dialing_mode: mode.into(),
        outcome_codes: extra.iter().map(|c| (*c).into()).collect(),
        contact_count: count,
        updated_at: Some(at(3600)),
    };
    vec![
        campaign("a1b2c3d4-e5f6-7890-g1h2-i3j4k5l6m7n8", "Spring Renewal", "ACTIVE", "PREDICTIVE", &[], 1000),
        campaign(
            "b2c3d4e5-f6a7-4890-b1c2-d3e4f5a6b7c8",
            "Winter Win-back",
            "ACTIVE",
            "PROGRESSIVE",
            &["OFFER_ACCEPTED"],
            1000,
        ),
        campaign(
            "c3d4e5f6-a7b8-4901-c2d3-e4f5a6b7c8d9",
            "Payment Reminder",
            "PAUSED",
            "PROGRESSIVE",
            &["PROMISE_TO_PAY", "WRONG_NUMBER"],
            1000,
        ),
    ]
}

pub fn contacts() -> Vec<Contact> {
    let spring = "a1b2c3d4-e5f6-7890-g1h2-i3j4k5l6m7n8";
    let winter = "b2c3d4e5-f6a7-4890-b1c2-d3e4f5a6b7c8";
    let reminder = "c3d4e5f6-a7b8-4901-c2d3-e4f5a6b7c8d9";
    let contact = |campaign: &str,
                   id: &str,
                   first: &str,
                   last: &str,
                   state: DialerState,
                   outcome: Option<&str>,
                   attempts: u32,
                   agent: Option<&str>| Contact {
        id: ContactId::parse(id).unwrap(),
        campaign_id: CampaignId::parse(campaign).unwrap(),
        first_name: first.into(),
        last_name: last.into(),
        phone: format!("+1555{:07}", id.bytes().map(u32::from).sum::<u32>() * 7919 % 10_000_000),
        state,
        outcome_code: outcome.map(Into::into),
        agent_id: agent.map(Into::into),
        notes: None,
        custom_fields: serde_json::Map::new(),
        disposition_timestamp: outcome.map(|_| at(900)),
        attempts,
        updated_at: Some(at(900)),
        etag: None,
    };
    use DialerState::*;
    vec![
        contact(
            spring,
            "contact-uuid-111111111111",
            "Andre",
            "Chandra",
            Completed,
            Some("NO_ANSWER"),
            2,
            None,
        ),
        contact(spring, "contact-uuid-222222222222", "Anika", "Fischer", Completed, Some("BUSY"), 1, None),
        contact(
            spring,
            "contact-uuid-333333333333",
            "Aria",
            "Gonzalez",
            Completed,
            Some("NOT_INTERESTED"),
            3,
            Some("12345-abcde-67890"),
        ),
        contact(
            spring,
            "contact-uuid-444444444444",
            "Arjun",
            "Hernandez",
            Connected,
            None,
            1,
            Some("2b1f0c4e-6d1a-4f7e-9a51-0c4d2e8b7a10"),
        ),
        contact(spring, "contact-uuid-555555555555", "Camila", "Horvat", Dialing, None, 1, None),
        contact(spring, "contact-uuid-666666666666", "Deepa", "Jansen", Pending, None, 0, None),
        contact(
            spring,
            "contact-uuid-777777777777",
            "Diego",
            "Johnson",
            WrapUp,
            None,
            2,
            Some("7a3d9ebf-5b6c-4fca-8cad-9e8f7a6b5c4d"),
        ),
        contact(winter, "contact-uuid-888888888888", "Elena", "Kumar", Ringing, None, 1, None),
        contact(
            winter,
            "contact-uuid-999999999999",
            "Emma",
            "Abara",
            Completed,
            Some("OFFER_ACCEPTED"),
            2,
            Some("6f2c8dae-4a5b-4ebf-9b9c-8d7e6f5a4b3c"),
        ),
        contact(
            reminder,
            "contact-uuid-aaaaaaaaaaaa",
            "Fatima",
            "Kaur",
            Completed,
            Some("PROMISE_TO_PAY"),
            1,
            Some("9c5fbadb-7d8e-41ec-8ecf-ba0b9c8d7e6f"),
        ),
        contact(
            reminder,
            "contact-uuid-bbbbbbbbbbbb",
            "Gabriel",
            "Kim",
            Completed,
            Some("WRONG_NUMBER"),
            2,
            None,
        ),
        contact(
            reminder,
            "contact-uuid-cccccccccccc",
            "Hana",
            "Kowalski",
            Connected,
            None,
            1,
            Some("9c5fbadb-7d8e-41ec-8ecf-ba0b9c8d7e6f"),
        ),
        contact(reminder, "contact-uuid-dddddddddddd", "Isabella", "Kumar", Pending, None, 0, None),
    ]
}

pub fn data_actions() -> Vec<DataAction> {
    let action = |id: &str,
                  name: &str,
                  versions: &[&str],
                  deprecated: bool,
                  runs: Option<(u64, f64, f64)>,
                  description: &str| DataAction {
        id: DataActionId::parse(id).unwrap(),
        name: name.into(),
        version: HeldVersion::read(versions.last().unwrap()),
        is_deprecated: deprecated,
        input_schema: json!({"type": "object"}),
        output_schema: json!({"type": "object"}),
        handler_url: format!("https://handlers.sandbox.invalid/{}", name.to_lowercase()),
        timeout_ms: 5000,
        description: description.into(),
        versions: versions
            .iter()
            .map(|v| ActionVersion { version: (*v).into(), created_at: Some(at(86_400)) })
            .collect(),
        recent_executions: runs.map(|(count, error_rate, avg_latency_ms)| RecentExecutions {
            count,
            error_rate,
            avg_latency_ms,
        }),
        created_at: Some(at(86_400 * 30)),
        updated_at: Some(at(86_400)),
        etag: None,
    };
    vec![
        action(
            "da-0001",
            "SentimentRoutingAction",
            &["1.0.0", "1.1.0", "1.2.0"],
            false,
            Some((1_842, 0.004, 38.1)),
            "Sentiment-based routing enrichment action",
        ),
        action(
            "da-0002",
            "VipLookup",
            &["2.0.0", "2.0.1"],
            false,
            Some((12_305, 0.021, 12.4)),
            "Flags platinum customers so routing can prefer the VIP queue",
        ),
        action(
            "da-0003",
            "CallbackScheduler",
            &["0.9.0", "1.0.0"],
            false,
            Some((88, 0.091, 412.0)),
            "Books a callback slot when the queue is long",
        ),
        action(
            "da-0004",
            "LegacyCrmSync",
            &["1.0.0"],
            true,
            None,
            "Superseded by the CRM connector; kept for its execution history",
        ),
    ]
}
