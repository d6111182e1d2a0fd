//! A change to one target that is not applied gives its form back: the
//! result says how to reopen it, and the key reopens it as it was typed,
//! with the reason in it. It never opens by itself over what the supervisor
//! is doing. Against a sandbox tenant that refuses the change, and with the
//! engine's outcomes fed in by hand.

mod engine_support;
mod flow_support;
mod ui_support;

use cxone_console::api::model::User;
use cxone_console::engine::audit::{Target, TargetKind};
use cxone_console::engine::{BatchReport, Change, Event, Finished, Outcome, SkipKey, Snapshot, Write};
use cxone_console::sandbox::Resource;
use cxone_console::ui::Looks;
use cxone_console::ui::app::App;
use cxone_console::ui::forms::Kind;
use cxone_console::ui::keymap::Keymap;
use cxone_console::ui::theme::{Colors, Theme};
use flow_support::Flow;
use ui_support::*;

fn flash(app: &App) -> String {
    app.flash.as_ref().map(|f| f.text.clone()).unwrap_or_default()
}

/// The values of the form on top, field by field.
fn values(app: &App) -> Vec<String> {
    form(app).fields.iter().map(|f| f.value()).collect()
}

#[tokio::test]
async fn a_refused_state_change_gives_its_form_back_as_it_was_typed_with_the_reason() {
    let mut flow = Flow::start(false).await;
    let clerk = flow.clerks().into_iter().next().expect("a user with no agent role");
    flow.find(&clerk.display_name()).await;
    assert_eq!(flow.app.agents.selected_row().map(|u| &u.id), Some(&clerk.id));
    flow.press(&["c"]).await;
    flow.until("the tenant's pause reasons", |app| app.rules.pause_reasons().is_ok()).await;
    while flow.form_value(0) != "Available" {
        flow.press(&["a"]).await;
    }
    flow.press(&["tab", "tab"]).await;
    flow.typed("WRAP-42").await;
    flow.press(&["tab", "space", "enter", "y"]).await;
    let typed = vec!["Available", "", "WRAP-42", "true", "true"];

    // The supervisor starts on another form while the change is on its way.
    flow.press(&["c", "tab", "tab"]).await;
    flow.typed("mine").await;
    flow.settled().await;
    assert_eq!(flow.form_value(2), "mine", "the form being typed in keeps the keys: {}", flow.screen());
    let said = flash(&flow.app);
    assert!(said.contains("neither the Agent nor the Supervisor role"), "{said}");
    assert!(said.ends_with("(close this window and press o to reopen the form)"), "{said}");
    assert_eq!(flow.rig.sandbox.stats().writes_of(Resource::AgentStatus), 0);

    flow.press(&["esc", "y", "o"]).await;
    assert_eq!(values(&flow.app), typed, "{}", flow.screen());
    let screen = flow.screen();
    assert!(screen.contains(&format!("Change state · {}", clerk.display_name())), "{screen}");
    assert!(screen.contains("Not applied (refused): user"), "the reason, in the form: {screen}");
    assert!(screen.contains("Agent nor the Supervisor role"), "{screen}");
    assert!(!flash(&flow.app).contains("reopen"), "the offer is answered: {}", flash(&flow.app));
    // It goes to its review as it went the first time.
    flow.press(&["enter"]).await;
    assert!(flow.screen().contains("wrap-up code WRAP-42"), "{}", flow.screen());
}

/// Sends the selected user a change of state that the tenant refuses (they
/// hold no agent role), and waits for its result.
async fn refused_state_change(flow: &mut Flow) {
    flow.press(&["c"]).await;
    flow.until("the tenant's pause reasons", |app| app.rules.pause_reasons().is_ok()).await;
    while flow.form_value(0) != "Available" {
        flow.press(&["a"]).await;
    }
    flow.press(&["tab", "tab", "tab", "space", "enter", "y"]).await;
    flow.settled().await;
}

/// Two users with no agent role; the first is sent one refused change and
/// the second twenty, so that the first's form is one too many.
async fn twenty_one_refusals(flow: &mut Flow) -> (User, User) {
    let clerks: Vec<User> = flow.clerks().into_iter().take(2).collect();
    let [first, other] = clerks.as_slice() else { panic!("two users with no agent role: {clerks:?}") };
    flow.find(&first.display_name()).await;
    refused_state_change(flow).await;
    flow.press(&["/", "ctrl-u"]).await;
    flow.typed(&other.display_name()).await;
    flow.press(&["enter"]).await;
    assert_eq!(flow.app.agents.selected_row().map(|u| &u.id), Some(&other.id), "{}", flow.screen());
    for n in 2..=20 {
        refused_state_change(flow).await;
        assert_eq!(flow.app.returned.len(), n);
        assert!(!flash(&flow.app).contains("let go"), "{}", flash(&flow.app));
    }
    refused_state_change(flow).await;
    (first.clone(), other.clone())
}

/// Only the last 20 forms are kept: the one that makes 21 lets the oldest
/// go, and its result says which, with the offer to reopen its own form.
#[tokio::test]
async fn past_twenty_kept_forms_the_oldest_is_let_go_and_the_result_says_which() {
    let mut flow = Flow::start(false).await;
    let (first, other) = twenty_one_refusals(&mut flow).await;
    assert_eq!(flow.app.returned.len(), 20, "the cap holds");
    let said = flash(&flow.app);
    let let_go = format!(
        "(press o to reopen the form; only the last 20 forms are kept: the oldest, \"Change state · {}\", was \
         let go)",
        first.display_name()
    );
    assert!(said.ends_with(&let_go), "{said}");
    let kept: Vec<&str> = flow.app.returned.iter().map(|f| f.title.as_str()).collect();
    let title = format!("Change state · {}", other.display_name());
    assert!(kept.iter().all(|t| *t == title), "{kept:?}");
}

/// The message that offers a form is answered by reopening it, whatever
/// else it says: here, after the offer, that the oldest form was let go.
#[tokio::test]
async fn reopening_clears_the_offer_whatever_its_words() {
    let mut flow = Flow::start(false).await;
    twenty_one_refusals(&mut flow).await;
    assert!(flash(&flow.app).ends_with("was let go)"), "{}", flash(&flow.app));
    // Twenty are kept: the key lists them, and Enter reopens the newest.
    flow.press(&["o", "enter"]).await;
    assert!(form(&flow.app).not_applied.is_some(), "{}", flow.screen());
    assert_eq!(flow.app.flash, None, "the offer is answered: {}", flow.screen());
}

/// A kept form whose target is gone from the table since reopens all the
/// same, as it was typed, on the target as it was when sent, and says so.
#[test]
fn a_kept_form_whose_target_is_gone_reopens_as_it_was_typed() {
    let mut app = ready(120, 40);
    press(&mut app, &["c", "b"]);
    let typed_title = form(&app).title.clone();
    let Kind::AgentStatus(users) = &form(&app).kind else { panic!("{}", render(&app)) };
    let user = users[0].id.to_string();
    let effects = press(&mut app, &["enter", "y"]);
    let sent = submitted(&effects);
    let [(id, _)] = sent.as_slice() else { panic!("{effects:?}") };
    let target = Some(Target::new(TargetKind::User, &user));
    let outcome = Outcome::rejected(format!("no user has id \"{user}\""));
    feed(&mut app, [Event::Finished { id: id.clone(), result: Finished::Single { target, outcome } }]);
    let rows: Vec<User> = agents().into_iter().filter(|u| u.id.as_str() != user).collect();
    feed(&mut app, [Event::Snapshot(Snapshot::Agents(table(rows, 2, &[])))]);
    press(&mut app, &["o"]);
    assert_eq!(form(&app).title, typed_title, "{}", render(&app));
    assert_eq!(values(&app)[0], "Busy");
    assert!(render(&app).contains("no user has id"), "the reason, in the form: {}", render(&app));
    assert_eq!(
        flash(&app),
        "This form's agent is no longer in the list: the form shows it as it was when the change was sent."
    );
}

/// A contact's outcome goes as a batch of one: refused, its form comes
/// back all the same, and the key that reopens it is the keymap's.
#[test]
fn a_refused_contact_outcome_comes_back_by_the_keymaps_key() {
    let (keymap, problems) = Keymap::with_overrides("keymap.toml", "[global]\nreopen = \"ctrl-o\"");
    assert!(problems.is_empty(), "{problems:?}");
    let mut app =
        app_with(sandbox_session(), Looks { keymap, theme: Theme::defaults(Colors::On), problems }, 120, 40);
    feed(&mut app, seeded_events());
    press(&mut app, &["3", "l", "d", "w", "tab"]);
    type_text(&mut app, "left a voicemail");
    press(&mut app, &["tab", "tab"]);
    type_text(&mut app, "lead_score=85");
    let typed = values(&app);
    let effects = press(&mut app, &["enter", "y"]);
    let sent = submitted(&effects);
    let [(id, Change::ContactDispositions(items))] = sent.as_slice() else { panic!("{effects:?}") };
    assert_eq!(items.len(), 1);
    let refused =
        Outcome::rejected("the tenant refused the outcome (400): the contact is on the do-not-call list");
    let mut report = BatchReport::default();
    report.count(&refused, Write::Sent { latency_ms: None });
    let target = Target::new(TargetKind::Contact, "contact-uuid-aaaaaaaaaaaa");
    feed(
        &mut app,
        [
            Event::ItemFinished { id: id.clone(), item: id.item(0), target, outcome: refused },
            Event::Finished { id: id.clone(), result: Finished::Batch(report) },
        ],
    );
    assert!(flash(&app).ends_with("(press Ctrl-o to reopen the form)"), "{}", flash(&app));
    press(&mut app, &["o"]);
    assert!(app.overlays.is_empty(), "o is not the key any more");
    press(&mut app, &["ctrl-o"]);
    assert_eq!(values(&app), typed);
    let screen = render(&app);
    assert!(
        screen.contains("Not applied: contact-uuid-aaaaaaaaaaaa: the tenant refused the outcome"),
        "{screen}"
    );
    assert!(screen.contains("do-not-call list"), "{screen}");
}

/// What applied, or was skipped, needs no retyping; a batch's targets each
/// end their own way and no one form holds them: none of these comes back.
#[test]
fn only_a_change_to_one_target_that_was_not_applied_comes_back() {
    let mut app = ready(120, 40);
    let outcomes =
        [Outcome::applied("Amara Okafor is now Busy"), Outcome::skipped(SkipKey::Unchanged, "already so")];
    for outcome in outcomes {
        let effects = press(&mut app, &["c", "b", "enter", "y"]);
        let sent = submitted(&effects);
        let [(id, _)] = sent.as_slice() else { panic!("{effects:?}") };
        let target = Some(Target::new(TargetKind::User, "12345-abcde-67890"));
        feed(&mut app, [Event::Finished { id: id.clone(), result: Finished::Single { target, outcome } }]);
        assert!(!flash(&app).contains("reopen"), "{}", flash(&app));
    }
    let effects = press(&mut app, &["*", "c", "b", "enter", "y"]);
    let sent = submitted(&effects);
    let [(id, _)] = sent.as_slice() else { panic!("{effects:?}") };
    let mut report = BatchReport::default();
    for _ in 0..app.agents.rows().len() {
        report.count(&Outcome::rejected("outside their shift"), Write::Sent { latency_ms: None });
    }
    feed(&mut app, [Event::Finished { id: id.clone(), result: Finished::Batch(report) }]);
    assert!(!flash(&app).contains("reopen"), "{}", flash(&app));
    press(&mut app, &["o"]);
    assert!(app.overlays.is_empty());
    assert!(flash(&app).starts_with("No form to reopen"), "{}", flash(&app));
}

/// With no key for it, the form comes back by the command line all the
/// same, and the result says how.
#[test]
fn with_no_key_to_reopen_the_command_line_reopens_the_form() {
    let (keymap, problems) = Keymap::with_overrides("keymap.toml", "[global]\nreopen = []");
    assert!(problems.is_empty(), "{problems:?}");
    let mut app =
        app_with(sandbox_session(), Looks { keymap, theme: Theme::defaults(Colors::On), problems }, 120, 40);
    feed(&mut app, seeded_events());
    press(&mut app, &["c", "b"]);
    let typed = values(&app);
    let effects = press(&mut app, &["enter", "y"]);
    let sent = submitted(&effects);
    let [(id, _)] = sent.as_slice() else { panic!("{effects:?}") };
    let target = Some(Target::new(TargetKind::User, "12345-abcde-67890"));
    let outcome = Outcome::rejected("no user has id \"12345-abcde-67890\"");
    feed(&mut app, [Event::Finished { id: id.clone(), result: Finished::Single { target, outcome } }]);
    assert!(flash(&app).contains(":reopen"), "{}", flash(&app));
    press(&mut app, &["o"]);
    assert!(app.overlays.is_empty(), "o reopens nothing now");
    press(&mut app, &[":"]);
    type_text(&mut app, "reopen");
    press(&mut app, &["enter"]);
    assert_eq!(values(&app), typed, "{}", render(&app));
    assert!(render(&app).contains("no user has id"), "{}", render(&app));
}

/// A kept contact form whose campaign has left the tenant's list since
/// reopens as it was typed, and says the campaign is gone, not that it is
/// still to be read.
#[test]
fn a_kept_contact_form_whose_campaign_is_gone_says_so() {
    let mut app = ready(120, 40);
    press(&mut app, &["3", "l", "d", "w"]);
    let Kind::ContactDisposition(targets) = &form(&app).kind else { panic!("{}", render(&app)) };
    let contact = targets[0].clone();
    let effects = press(&mut app, &["enter", "y"]);
    let sent = submitted(&effects);
    let [(id, _)] = sent.as_slice() else { panic!("{effects:?}\n{}", render(&app)) };
    let refused = Outcome::rejected("the tenant refused the outcome (404): no such campaign");
    let mut report = BatchReport::default();
    report.count(&refused, Write::Sent { latency_ms: None });
    let target = Target::new(TargetKind::Contact, contact.id.as_str());
    feed(
        &mut app,
        [
            Event::ItemFinished { id: id.clone(), item: id.item(0), target, outcome: refused },
            Event::Finished { id: id.clone(), result: Finished::Batch(report) },
        ],
    );
    let gone = campaigns().into_iter().find(|c| c.id == contact.campaign_id).expect("its campaign").name;
    let campaigns = campaigns().into_iter().filter(|c| c.id != contact.campaign_id).collect();
    let left = contacts().into_iter().filter(|c| c.campaign_id != contact.campaign_id).collect();
    feed(
        &mut app,
        [
            Event::Snapshot(Snapshot::Campaigns(table(campaigns, 2, &[]))),
            Event::Snapshot(Snapshot::Contacts(table(left, 2, &[]))),
        ],
    );
    press(&mut app, &["o"]);
    let screen = render(&app);
    assert!(
        screen.contains(&format!("campaign {gone} is no longer on the tenant's list")),
        "by the name it had: {screen}"
    );
    assert!(!screen.contains("is not loaded yet"), "{screen}");
    assert_eq!(
        flash(&app),
        "This form's contact is no longer in the list: the form shows it as it was when the change was sent."
    );
}

/// A contact's id is unique only within its campaign: a kept form's
/// contact gone from the list is gone, though another campaign's contact
/// of its id is still there.
#[test]
fn a_kept_contact_form_whose_contact_is_gone_says_so_though_another_campaign_has_its_id() {
    use cxone_console::api::model::Contact;
    let mut app = ready(120, 40);
    press(&mut app, &["3", "l", "d", "w"]);
    let Kind::ContactDisposition(targets) = &form(&app).kind else { panic!("{}", render(&app)) };
    let contact = targets[0].clone();
    let sent = submitted(&press(&mut app, &["enter", "y"]));
    let [(id, _)] = sent.as_slice() else { panic!("{sent:?}\n{}", render(&app)) };
    let refused = Outcome::rejected("the tenant refused the outcome (404): no such contact");
    let mut report = BatchReport::default();
    report.count(&refused, Write::Sent { latency_ms: None });
    let target = Target::contact(contact.campaign_id.as_str(), contact.id.as_str());
    feed(
        &mut app,
        [
            Event::ItemFinished { id: id.clone(), item: id.item(0), target, outcome: refused },
            Event::Finished { id: id.clone(), result: Finished::Batch(report) },
        ],
    );
    let spring = campaigns().into_iter().find(|c| c.name == "Spring Renewal").expect("seeded").id;
    let mut rows: Vec<Contact> = contacts().into_iter().filter(|c| *c != contact).collect();
    rows.push(Contact { campaign_id: spring, ..contact });
    feed(&mut app, [Event::Snapshot(Snapshot::Contacts(table(rows, 2, &[])))]);
    press(&mut app, &["o"]);
    assert_eq!(
        flash(&app),
        "This form's contact is no longer in the list: the form shows it as it was when the change was sent."
    );
}
