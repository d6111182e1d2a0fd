//! A form for many rows: a state form for several agents opens on no state
//! and says which agents the picked one already holds, and a mark on a
//! contact is that contact's alone, not another campaign's of the same id.

mod ui_support;

use cxone_console::api::model::User;
use cxone_console::ui::app::{App, Effect};
use ui_support::*;

fn snap(app: &App) -> String {
    render(app)
}

/// The first four agents by name, marked: Aiko Ito (Training), Amara Okafor
/// (Available), Beatriz Costa (Break, Lunch), Bilal Haddad (Busy).
fn four_marked(agents: Vec<User>) -> App {
    let mut app = ready(140, 40);
    feed(&mut app, [agents_event(agents, &[])]);
    press(&mut app, &["g", " ", " ", " ", " "]);
    app
}

#[test]
fn a_batch_form_opens_on_no_state_and_sends_none_until_one_is_picked() {
    let mut app = four_marked(agents());
    press(&mut app, &["c"]);
    let form = snap(&app);
    assert!(
        form.contains("State            ◂ (choose a state) ▸ 1/6"),
        "the first agent's state speaks for none: {form}"
    );
    assert!(!form.contains("already so"), "nothing is foretold of no state: {form}");
    press(&mut app, &["enter"]);
    assert!(!snap(&app).contains("Confirm ·"), "no state, nothing to confirm: {}", snap(&app));
    assert!(press(&mut app, &["y"]).iter().all(|e| !matches!(e, Effect::Engine(_))), "nothing is sent");
    press(&mut app, &["a"]);
    let picked = snap(&app);
    assert!(picked.contains("◂ Available ▸ 2/6"), "{picked}");
    assert!(picked.contains("⚠ Amara Okafor: already so; will be skipped  "), "only she is: {picked}");
}

#[test]
fn the_form_counts_as_already_so_only_the_agents_who_are() {
    use cxone_console::api::model::UserStatus;
    use cxone_console::domain::agent_status::AgentStatus::{Available, Busy};
    let mut agents = agents();
    // Two Available, two Busy and in a wrap-up that the change is refused for.
    for (name, status) in [("Aiko", Available), ("Amara", Available), ("Beatriz", Busy), ("Bilal", Busy)] {
        let user = agents.iter_mut().find(|u| u.first_name == name).unwrap();
        user.status = UserStatus::Known(status);
        user.pause_reason = None;
        user.wrap_up_until = (status == Busy).then(|| at(-300));
    }
    let mut app = four_marked(agents);
    press(&mut app, &["c", "a"]);
    let form = snap(&app);
    assert!(
        form.contains("⚠ Aiko Ito: already so; will be skipped (and 1 more like it, 2 with other notes;"),
        "{form}"
    );
}

/// A contact's id is unique within its campaign only: marking one marks
/// that one, not another campaign's contact of the same id, and its form
/// is for it alone.
#[test]
fn marking_a_contact_does_not_mark_another_campaigns_contact_of_the_same_id() {
    let mut app = loaded(120, 40);
    let (chosen, _, _) = contact_and_twin(&mut app);
    press(&mut app, &[" "]);
    let picked = app.contacts.picked_rows();
    assert_eq!(picked.len(), 1, "{picked:?}");
    assert_eq!(picked[0].campaign_id, chosen.campaign_id);
    press(&mut app, &["d"]);
    assert!(render(&app).contains(&format!("Outcome · {}", chosen.display_name())), "{}", render(&app));
}

/// Contacts of two campaigns, marked together with no campaign chosen: the
/// form offers both campaigns' outcomes, and one that a campaign lacks is
/// refused naming that campaign.
#[test]
fn an_outcome_one_of_the_campaigns_lacks_names_that_campaign() {
    let mut app = loaded(120, 40);
    let (own, _twin, _) = contact_and_twin(&mut app);
    press(&mut app, &["h", "/"]);
    type_text(&mut app, "zzzz");
    press(&mut app, &["enter", "l", "/"]);
    type_text(&mut app, &own.display_name());
    press(&mut app, &["enter", "*", "d"]);
    let screen = render(&app);
    assert!(screen.contains("Outcome · 2 contacts"), "{screen}");
    type_text(&mut app, "PROMISE_TO_PAY");
    press(&mut app, &["enter"]);
    let screen = render(&app);
    assert!(
        screen.contains("PROMISE_TO_PAY is not in the outcome matrix of campaign Spring Renewal"),
        "{screen}"
    );
}
