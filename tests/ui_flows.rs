//! The console's changes end to end: keys into the app, its commands to a
//! real engine, the engine's writes to a sandbox tenant over TCP, and what
//! comes back, checked in the tenant, its counters, the audit log and on
//! screen. And the engine's answer to the forms' request for rule data.

mod engine_support;
mod flow_support;
mod ui_support;

use cxone_console::api::model::Contact;
use cxone_console::domain::contact_disposition::DialerState;
use cxone_console::domain::{CampaignId, ContactId, InteractionId, UserId};
use cxone_console::engine::{Command, Event};
use cxone_console::sandbox::tenant::{
    PINNED_ATTRIBUTES_INTERACTION, PINNED_CAMPAIGN, PINNED_CLOSED_INTERACTION, PINNED_USER,
};
use cxone_console::sandbox::{Resource, TenantSize};
use cxone_console::ui::app::Overlay;
use engine_support::{Rig, client};
use flow_support::Flow;
use ui_support::render;

#[tokio::test]
async fn an_agent_is_set_to_break_with_a_reason() {
    let mut flow = Flow::start(false).await;
    flow.command("agent Jordan Rivera").await;
    flow.press(&["c"]).await;
    flow.until("the tenant's pause reasons", |app| app.rules.pause_reasons().is_ok()).await;
    while flow.form_value(0) != "Break" {
        flow.press(&["b"]).await;
    }
    flow.press(&["tab", "q", "enter"]).await;
    let confirm = flow.screen();
    assert!(confirm.contains("Jordan Rivera: Available → Break (Queue Full)"), "{confirm}");
    flow.press(&["y"]).await;
    flow.settled().await;

    let user = client(&flow.rig.sandbox).user(&UserId::parse(PINNED_USER).unwrap()).await.unwrap().value;
    assert_eq!((user.status.to_string(), user.pause_reason.as_deref()), ("Break".into(), Some("Queue Full")));
    assert_eq!(flow.rig.sandbox.stats().writes_of(Resource::AgentStatus), 1);
    assert_eq!(flow.audit_outcomes("agent_status"), [(PINNED_USER.to_string(), "applied".to_string())]);
    flow.until("the audit pane shows it", |app| app.audit.len() >= 2).await;
    let screen = flow.screen();
    assert!(screen.contains("is now Break (Queue Full)"), "the result, in words: {screen}");
    flow.until("the refreshed row", |app| {
        app.agents
            .rows()
            .iter()
            .any(|u| u.id.as_str() == PINNED_USER && u.pause_reason.as_deref() == Some("Queue Full"))
    })
    .await;
}

#[tokio::test]
async fn a_closed_interaction_takes_a_disposition() {
    let mut flow = Flow::start(false).await;
    flow.press(&["2"]).await;
    flow.find(&PINNED_CLOSED_INTERACTION[..13]).await;
    flow.press(&["d"]).await;
    flow.until("the disposition matrix", |app| app.rules.dispositions().is_ok()).await;
    flow.press(&["1", "tab", "tab"]).await;
    flow.typed("Caller confirmed the fix").await;
    flow.press(&["enter"]).await;
    assert!(flow.screen().contains("→ 101 Issue Resolved"), "{}", flow.screen());
    flow.press(&["y"]).await;
    flow.settled().await;

    let id = InteractionId::parse(PINNED_CLOSED_INTERACTION).unwrap();
    let interaction = client(&flow.rig.sandbox).interaction(&id).await.unwrap().value;
    let codes: Vec<&str> = interaction.dispositions.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, ["101"]);
    assert_eq!(interaction.dispositions[0].notes.as_deref(), Some("Caller confirmed the fix"));
    assert_eq!(flow.rig.sandbox.stats().writes_of(Resource::InteractionDisposition), 1);
    let outcomes = flow.audit_outcomes("set_interaction_disposition");
    assert_eq!(outcomes, [(PINNED_CLOSED_INTERACTION.to_string(), "applied".to_string())]);
}

#[tokio::test]
async fn marked_contacts_take_one_outcome_and_those_the_dialer_holds_are_skipped_with_the_reason() {
    let mut flow = Flow::start(false).await;
    flow.press(&["3"]).await;
    flow.find("spring").await;
    flow.press(&["l", "*"]).await;
    let marked: Vec<(String, Option<String>)> = flow
        .app
        .contacts
        .picked_rows()
        .into_iter()
        .map(|c| (c.id.to_string(), c.outcome_code.clone()))
        .collect();
    assert_eq!(marked.len(), 20, "every contact of the campaign");
    // Two free contacts go on the line after the console last read them.
    let tenant = &flow.rig.sandbox.state().tenant;
    let held: Vec<String> = flow
        .app
        .contacts
        .picked_rows()
        .into_iter()
        .filter(|c| !c.state.blocks_disposition() && c.outcome_code.as_deref() != Some("CALLBACK_LATER"))
        .take(2)
        .map(|c| c.id.to_string())
        .collect();
    for id in &held {
        tenant.set_contact_state(PINNED_CAMPAIGN, id, DialerState::Dialing).unwrap();
    }
    flow.press(&["d", "c"]).await;
    assert_eq!(flow.form_value(0), "CALLBACK_LATER");
    flow.press(&["enter"]).await;
    assert!(flow.screen().contains("Confirm · 20 changes"), "{}", flow.screen());
    assert!(flow.screen().contains(" of 20 contacts at once; "), "{}", flow.screen());
    flow.press(&["y"]).await;
    flow.settled().await;

    let outcomes = flow.audit_outcomes("contact_disposition");
    let applied = outcomes.iter().filter(|(_, o)| o == "applied").count() as u64;
    assert_eq!(flow.rig.sandbox.stats().writes_of(Resource::ContactDisposition), applied);
    let campaign = CampaignId::parse(PINNED_CAMPAIGN).unwrap();
    for id in &held {
        let skipped = outcomes.iter().find(|(target, _)| target == id).expect("an outcome for each contact");
        assert_eq!(skipped.1, "skipped", "{id}");
        let contact =
            client(&flow.rig.sandbox).contact(&campaign, &ContactId::parse(id).unwrap()).await.unwrap().value;
        assert_ne!(contact.outcome_code.as_deref(), Some("CALLBACK_LATER"), "not written");
    }
    assert_eq!(outcomes.len(), 20, "one outcome per contact");
    assert!(applied > 0, "the free contacts were written");
    let said = flow.app.flash.as_ref().map(|f| f.text.clone()).unwrap_or_default();
    assert!(said.contains("held by the dialer") && said.contains("the dialer holds the contact ("), "{said}");
    // The result line wraps at the screen's width: read its words in order.
    let shown = flow.screen().replace('"', " ");
    let lines: Vec<&str> = shown.lines().collect();
    let words: Vec<&str> =
        lines[lines.len().saturating_sub(3)..].iter().flat_map(|l| l.split_whitespace()).collect();
    let screen = words.join(" ");
    assert!(screen.contains("the dialer holds the contact"), "the reason, on screen: {screen}");
}

/// One contact whose name another loaded contact has (in this tenant, one
/// in the other campaign) is told apart by its phone number and campaign in the form's
/// title and header and in its review; a name of its own stays bare.
#[tokio::test]
async fn one_contact_whose_name_another_has_is_told_apart_by_phone_and_campaign() {
    let size = TenantSize { agents: 30, interactions: 60, campaigns: 2, contacts_per_campaign: 150 };
    let mut flow = Flow::sized(false, size).await;
    let rows = flow.app.contacts.rows();
    let named = |c: &Contact| rows.iter().filter(|o| o.display_name() == c.display_name()).count();
    let elsewhere = |c: &Contact| {
        rows.iter().any(|o| o.display_name() == c.display_name() && o.campaign_id != c.campaign_id)
    };
    let twin = rows.iter().find(|c| elsewhere(c)).cloned().expect("one name in both campaigns at this size");
    let single = rows
        .iter()
        .find(|c| c.campaign_id == twin.campaign_id && named(c) == 1)
        .cloned()
        .expect("a contact with a name of its own");
    let campaign = flow.app.campaigns.rows().iter().find(|c| c.id == twin.campaign_id).unwrap().name.clone();
    flow.press(&["3"]).await;
    flow.find(&campaign).await;
    flow.press(&["l"]).await;
    flow.find(&twin.phone).await;
    assert_eq!(flow.app.contacts.selected_row().map(|c| &c.id), Some(&twin.id), "{}", flow.screen());
    flow.press(&["d"]).await;
    let (name, told) = (twin.display_name(), format!("{}, {campaign}", twin.phone));
    let screen = flow.screen();
    assert!(screen.contains(&format!(" Outcome · {name} ({told}) ")), "the title: {screen}");
    assert!(screen.contains(&format!("For {name} ({told}) (")), "the header: {screen}");
    flow.press(&["c", "enter"]).await;
    let screen = flow.screen();
    assert!(screen.contains(&format!("Set the outcome of {name} ({told}) to ")), "{screen}");
    assert!(screen.contains(&format!("{name} ({told}): ")), "its line: {screen}");

    // The prompt opens on the filter in place: it is emptied first.
    flow.press(&["esc", "esc", "y", "/", "ctrl-u"]).await;
    flow.typed(&single.phone).await;
    flow.press(&["enter"]).await;
    assert_eq!(flow.app.contacts.selected_row().map(|c| &c.id), Some(&single.id), "{}", flow.screen());
    flow.press(&["d"]).await;
    let screen = flow.screen();
    assert!(screen.contains(&format!(" Outcome · {} ─", single.display_name())), "{screen}");
    assert!(!screen.contains(&format!("({}, ", single.phone)), "a name of its own stays bare: {screen}");

    // The two in one batch: the title names their campaign once, and the
    // namesake's line is told apart by its phone alone.
    flow.press(&["esc", "y"]).await;
    for contact in [&twin, &single] {
        flow.press(&["/", "ctrl-u"]).await;
        flow.typed(&contact.phone).await;
        flow.press(&["enter", " "]).await;
    }
    flow.press(&["d", "c", "enter"]).await;
    let screen = flow.screen();
    assert!(screen.contains(&format!("Set the outcome of 2 contacts in {campaign} to ")), "{screen}");
    assert!(screen.contains(&format!("{name} ({}): ", twin.phone)), "its line, by phone: {screen}");
    assert!(!screen.contains(&format!("({told})")), "the campaign said once: {screen}");
}

#[tokio::test]
async fn attributes_with_one_invalid_row_are_refused_before_anything_is_sent() {
    let mut flow = Flow::start(false).await;
    flow.press(&["2"]).await;
    flow.find(&PINNED_ATTRIBUTES_INTERACTION[..13]).await;
    flow.press(&["a"]).await;
    flow.typed("tier").await;
    flow.press(&["tab"]).await;
    flow.typed("gold").await;
    // New keys are added; UPDATE is for keys the interaction holds.
    flow.press(&["tab", "a", "ctrl-n"]).await;
    flow.typed("system:route").await;
    flow.press(&["tab"]).await;
    flow.typed("vip").await;
    flow.press(&["tab", "a", "enter"]).await;
    let screen = flow.screen();
    assert!(screen.contains("starts with the reserved prefix \"system:\""), "beside the field: {screen}");
    assert!(screen.contains("Not sent"), "{screen}");
    assert!(matches!(flow.app.overlays.last(), Some(Overlay::Form(_))), "no confirmation");
    assert!(flow.app.sent.is_empty(), "nothing was sent to the engine");
    // Nothing is in flight, and nothing reached the tenant or the log.
    flow.rig.send(Command::Refresh).await;
    flow.until("a refresh", |app| app.interactions.is_loaded()).await;
    assert_eq!(flow.rig.sandbox.stats().writes_of(Resource::Attributes), 0);
    assert!(flow.audit_outcomes("update_attributes").is_empty());

    flow.press(&["shift-tab", "shift-tab", "ctrl-u"]).await;
    flow.typed("route").await;
    flow.press(&["enter"]).await;
    assert!(flow.screen().contains("route=\"vip\" (ADD)"), "{}", flow.screen());
    flow.press(&["y"]).await;
    flow.settled().await;
    assert_eq!(
        flow.rig.sandbox.stats().writes_of(Resource::Attributes),
        1,
        "once fixed, it goes: {}",
        flow.screen()
    );
}

#[tokio::test]
async fn read_only_mode_refuses_changes_on_screen_and_in_the_engine() {
    let mut flow = Flow::start(true).await;
    flow.press(&["c"]).await;
    assert!(flow.app.overlays.is_empty(), "no form opens");
    assert!(flow.screen().contains("Read-only: c makes changes"), "{}", flow.screen());
    flow.command("state Break Lunch").await;
    assert!(
        flow.screen().contains("state changes the tenant, and this console is read-only"),
        "{}",
        flow.screen()
    );
    // Even a change that got past the screen is refused by the engine.
    let draft = cxone_console::domain::agent_status::AgentStatusDraft {
        user_id: PINNED_USER.into(),
        status: "Break".into(),
        pause_reason: "Lunch".into(),
        ..Default::default()
    };
    let id = cxone_console::engine::CommandId::random();
    let items = vec![cxone_console::engine::Item::new(id.item(0), draft)];
    let change = cxone_console::engine::Change::AgentStatus(items);
    flow.rig.send(Command::Submit { id: id.clone(), change }).await;
    let outcome = flow.rig.finished(&id).await;
    assert!(format!("{outcome:?}").contains("read-only"), "{outcome:?}");
    assert_eq!(flow.rig.sandbox.stats().writes_of(Resource::AgentStatus), 0);
}

#[tokio::test]
async fn the_engine_answers_a_request_for_rules_with_the_tenants_lists() {
    let mut rig = Rig::quiet().await;
    rig.send(Command::LoadRules).await;
    let rules = rig
        .until(|e| match e {
            Event::Rules(rules) => Some(rules.clone()),
            _ => None,
        })
        .await;
    let (reasons, matrix) =
        (rules.pause_reasons.expect("the pause reasons"), rules.dispositions.expect("the matrix"));
    assert!(reasons.contains("Queue Full") && reasons.contains("Lunch"));
    assert_eq!(matrix.get("101").map(|c| c.description.as_str()), Some("Issue Resolved"));
    rig.stop().await;
}

/// `:watch` registers for the tenant's attribute callbacks; a change made
/// afterwards is announced on screen, its signature checked.
#[tokio::test]
async fn watch_registers_for_callbacks_and_each_change_shows_on_screen() {
    let mut flow = Flow::start(false).await;
    flow.command("watch").await;
    flow.settled().await;
    assert!(flow.screen().contains("watching attribute changes"), "{}", flow.screen());
    assert_eq!(flow.rig.sandbox.stats().writes_of(Resource::Webhook), 1);
    assert_eq!(
        flow.audit_outcomes("register_attribute_callbacks"),
        [("cxone-console-analytics".to_string(), "applied".to_string())]
    );

    let row = cxone_console::domain::attributes::AttributeDraft {
        key: "customer_segment".into(),
        value: serde_json::json!("enterprise"),
        mode: "UPDATE".into(),
    };
    let change = cxone_console::engine::Change::Attributes {
        interaction_id: PINNED_ATTRIBUTES_INTERACTION.into(),
        rows: vec![row],
        name: None,
    };
    flow.rig.send(Command::Submit { id: cxone_console::engine::CommandId::random(), change }).await;
    // The count of attributes changed, and how long the callback took.
    let announced = format!("Interaction {PINNED_ATTRIBUTES_INTERACTION}: 1 attribute changed, ");
    flow.until("the callback's flash", |app| {
        let screen = render(app);
        screen.contains(&announced) && screen.contains("after the change (signature verified)")
    })
    .await;
}

#[tokio::test]
async fn watch_is_refused_in_read_only_mode() {
    let mut flow = Flow::start(true).await;
    flow.command("watch").await;
    assert!(
        flow.screen().contains("watch changes the tenant, and this console is read-only"),
        "{}",
        flow.screen()
    );
    assert!(flow.app.sent.is_empty(), "nothing was sent");
}
