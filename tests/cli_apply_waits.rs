//! `cxone-console apply` says on stderr what its batch waits on, in the
//! console's words: off a terminal, one line as each wait starts.

mod cli_support;

use cli_support::{Home, secrets, tenant_config, test_tenant_with, write};
use cxone_console::api::model::{ContactFilter, ListQuery};
use cxone_console::domain::CampaignId;
use cxone_console::domain::contact_disposition::DialerState;
use cxone_console::sandbox::config::RateLimit;

const CAMPAIGN: &str = "a1b2c3d4-e5f6-7890-g1h2-i3j4k5l6m7n8";

/// A campaign the tenant allows one request every 2 s, its allowance spent
/// before the run: each of the batch's contacts meets a 429 and waits out
/// the pause it asks for, which stderr tells as the console would.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_campaign_paused_by_a_429_is_told_once_as_it_starts() {
    let tenant = test_tenant_with(|config| {
        config.campaign_rate = Some(RateLimit { per_second: 0.5, burst: 5 });
    })
    .await;
    let home = Home::new();
    home.write_config(&tenant_config(&tenant));
    let client = cxone_console::api::Client::new(cxone_console::api::ClientConfig::new(
        tenant.base_url(),
        tenant.client_id(),
        tenant.client_secret().clone(),
    ))
    .unwrap();
    let query = ListQuery::new().top(2).filter(ContactFilter { state: Some(DialerState::Pending) });
    let contacts = client.contacts(&CampaignId::parse(CAMPAIGN).unwrap(), &query).await.unwrap().value.items;
    let mut text = String::from("op,campaignId,contactId,outcomeCode,agentId\n");
    for contact in &contacts {
        text += &format!("contact_disposition,{CAMPAIGN},{},BUSY,agent-uuid-1234567890abcdef\n", contact.id);
    }
    let file = write(&home, "contacts.csv", &text);
    let name = tenant.state().tenant.campaign(CAMPAIGN).expect("the seeded campaign").value.name;
    // Every request of the campaign's allowance spent, as another client would.
    while tenant.state().tenant.contact(CAMPAIGN, contacts[0].id.as_str()).is_ok() {}

    let ran = home.run(&["apply", "--file", file.to_str().unwrap()], &secrets()).await;
    assert_eq!(ran.code, Some(0), "the pauses were waited out: {}", ran.stderr);
    assert_eq!(ran.report()["totals"]["applied"], 2, "{}", ran.stdout);
    let told: Vec<&str> =
        ran.stderr.lines().filter(|line| line.contains("paused, the tenant asked (429)")).collect();
    assert!(!told.is_empty(), "no wait was told: {}", ran.stderr);
    for line in &told {
        assert!(line.starts_with("applying "), "a line of the run's progress: {line}");
        assert!(line.contains(": waiting "), "{line}");
        assert!(line.contains(&format!("s: campaign {name} paused, the tenant asked (429)")), "{line}");
    }
    let refused = tenant.stats().rate_limited;
    assert!(told.len() as u64 <= refused, "one line per wait started, not per wait told: {told:?}");
    assert!(!ran.stderr.contains(['\r', '\x1b']), "no redraws off a terminal: {:?}", ran.stderr);
    tenant.shutdown().await;
}
