//! Campaigns and contact dispositions over real TCP against the sandbox.

mod api_support;

use api_support::{client, quiet};
use cxone_console::api::Client;
use cxone_console::api::model::{Campaign, Contact, ContactFilter, ListQuery};
use cxone_console::domain::Timestamp;
use cxone_console::domain::contact_disposition::{ContactDisposition, ContactDispositionDraft, DialerState};
use serde_json::json;

fn disposition(campaign: &Campaign, contact: &Contact) -> ContactDisposition {
    let matrix = campaign.outcome_matrix();
    let wanted = matrix
        .codes()
        .find(|code| Some(*code) != contact.outcome_code.as_deref())
        .expect("a campaign has more than one outcome code");
    let draft = ContactDispositionDraft {
        contact_id: contact.id.to_string(),
        campaign_id: campaign.id.to_string(),
        outcome_code: wanted.to_string(),
        agent_id: "agent-uuid-1234567890abcdef".into(),
        notes: "set by the client tests".into(),
        custom_fields: Some(json!({ "lead_score": 85 })),
        disposition_timestamp: String::new(),
    };
    ContactDisposition::validate(&draft, &matrix, Timestamp::now()).expect("a valid contact disposition")
}

async fn in_state(c: &Client, campaign: &Campaign, state: DialerState) -> Vec<Contact> {
    let query = ListQuery::new().top(50).filter(ContactFilter { state: Some(state.clone()) });
    let page = c.contacts(&campaign.id, &query).await.unwrap().value;
    assert!(page.items.iter().all(|k| k.state == state), "the state filter applies");
    page.items
}

#[tokio::test]
async fn a_pending_contact_takes_an_outcome_and_a_stale_tag_conflicts() {
    let sandbox = quiet().await;
    let c = client(&sandbox);
    let campaigns = c.campaigns(&ListQuery::new()).await.unwrap().value;
    let campaign = campaigns.items.first().expect("the seeded tenant runs campaigns").clone();
    let read_campaign = c.campaign(&campaign.id).await.unwrap().value;
    assert_eq!(
        (read_campaign.name, read_campaign.outcome_codes),
        (campaign.name.clone(), campaign.outcome_codes.clone())
    );

    let pending = in_state(&c, &campaign, DialerState::Pending).await;
    let listed = pending.first().expect("the campaign has pending contacts");
    let contact = c.contact(&campaign.id, &listed.id).await.unwrap().value;
    let etag = contact.etag.clone().expect("one contact comes with its ETag");
    let change = disposition(&campaign, &contact);

    let written = c.set_contact_disposition(&change, Some(&etag), None).await.unwrap();
    let written = written.value.expect("the sandbox answers 200 with the contact");
    assert_eq!(written.outcome_code.as_deref(), Some(change.outcome_code.as_str()));
    assert_eq!(written.custom_fields.get("lead_score"), Some(&json!(85)));
    assert_eq!(written.notes.as_deref(), Some("set by the client tests"));

    let stale = c.set_contact_disposition(&change, Some(&etag), None).await.unwrap_err();
    assert!(stale.kind.is_conflict(), "{stale}");
}

#[tokio::test]
async fn a_contact_the_dialer_holds_is_a_conflict() {
    let sandbox = quiet().await;
    let c = client(&sandbox);
    let campaigns = c.campaigns(&ListQuery::new()).await.unwrap().value.items;
    let mut held = None;
    'search: for campaign in &campaigns {
        for state in [DialerState::Dialing, DialerState::Ringing, DialerState::Connected, DialerState::WrapUp]
        {
            if let Some(contact) = in_state(&c, campaign, state).await.into_iter().next() {
                held = Some((campaign.clone(), contact));
                break 'search;
            }
        }
    }
    let (campaign, contact) = held.expect("the seeded tenant has contacts on calls");
    let err = c.set_contact_disposition(&disposition(&campaign, &contact), None, None).await.unwrap_err();
    assert!(err.kind.is_conflict(), "{err}");
    assert!(err.to_string().contains(contact.state.as_str()), "the tenant says which state: {err}");
}
