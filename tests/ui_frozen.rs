//! Frozen tables and this session's own changes: a row a change reached
//! that the frozen table does not show is marked out of date, and says what
//! the change did, until the thaw shows the entity as it is; and a form
//! foretells nothing from such a row however long the freeze lasts.

mod ui_support;

use cxone_console::api::model::UserStatus;
use cxone_console::domain::agent_status::AgentStatus;
use cxone_console::engine::audit::{Target, TargetKind};
use cxone_console::engine::{CommandId, Event, Finished, Outcome};
use cxone_console::ui::app::App;
use ui_support::*;

const AMARA: &str = "12345-abcde-67890";
/// What the engine says the change did, the agent's id included.
const DID: &str = "agent Amara Okafor (12345-abcde-67890) is now Break (Queue Full); was Available";

/// Amara Okafor selected and put on a Break through the form: the command sent.
fn break_for_amara(app: &mut App) -> CommandId {
    press(app, &["g", "j"]);
    assert_eq!(selected_name(app).as_deref(), Some("Amara Okafor"));
    press(app, &["c", "b", "b", "tab", "q", "enter"]);
    let sent = submitted(&press(app, &["y"]));
    let [(id, _)] = sent.as_slice() else { panic!("one change: {sent:?}") };
    feed(app, [Event::Accepted { id: id.clone(), total: 1 }]);
    id.clone()
}

fn ended(id: &CommandId, outcome: Outcome) -> Event {
    let target = Some(Target::new(TargetKind::User, AMARA));
    Event::Finished { id: id.clone(), result: Finished::Single { target, outcome } }
}

/// The agents table as the tenant has it after the change.
fn amara_on_break() -> Event {
    let mut rows = agents();
    let amara = rows.iter_mut().find(|u| u.id.as_str() == AMARA).expect("Amara is seeded");
    amara.status = UserStatus::Known(AgentStatus::Break);
    agents_event(rows, &[AMARA])
}

/// The table row of `name`, as drawn: the part of its line left of the
/// detail pane.
fn row_of_agent(screen: &str, name: &str) -> String {
    screen
        .lines()
        .map(|l| l.split("││").next().unwrap_or_default())
        .find(|l| l.contains(name))
        .unwrap_or_default()
        .to_string()
}

#[test]
fn a_change_applied_while_frozen_marks_its_row_out_of_date_until_the_thaw() {
    for (width, height) in [(120, 40), (80, 24)] {
        let mut app = ready(width, height);
        press(&mut app, &["f"]);
        let id = break_for_amara(&mut app);
        feed(&mut app, [ended(&id, Outcome::applied(DID)), amara_on_break()]);
        let screen = render(&app);
        let row = row_of_agent(&screen, "Amara Okafor");
        assert!(row.contains("≠ Amara Okafor") && row.contains("Available"), "{width}: {screen}");
        assert!(!row_of_agent(&screen, "Aiko Ito").contains('≠'), "untouched rows are not marked");
        assert!(screen.contains("≠ 1 out of date"), "the pane says so: {screen}");
        assert!(screen.contains("│Out of date  changed since"), "the detail says so first: {screen}");

        press(&mut app, &["f"]);
        let screen = render(&app);
        let row = row_of_agent(&screen, "Amara Okafor");
        assert!(row.contains("Break") && !screen.contains('≠'), "{screen}");
        assert!(!screen.contains("Out of date"), "{screen}");
    }
}

#[test]
fn the_detail_says_what_the_change_did_and_how_to_see_it() {
    let mut app = ready(120, 40);
    press(&mut app, &["f"]);
    let id = break_for_amara(&mut app);
    feed(&mut app, [ended(&id, Outcome::applied(DID))]);
    let screen = render(&app);
    let said: String =
        screen.lines().map(|l| l.rsplit('│').nth(1).unwrap_or_default().trim()).collect::<Vec<_>>().join(" ");
    // The id is the row's own: the note leaves it out.
    let note = "changed since the freeze: agent Amara Okafor is now Break (Queue Full); was Available.";
    assert!(said.contains(note), "{screen}");
    assert!(said.contains("Press f to thaw and see it."), "{screen}");
}

#[test]
fn a_change_the_table_had_not_read_before_the_freeze_marks_its_row_too() {
    let mut app = ready(120, 40);
    let id = break_for_amara(&mut app);
    feed(&mut app, [ended(&id, Outcome::applied(DID))]);
    press(&mut app, &["f"]);
    feed(&mut app, [amara_on_break()]);
    let screen = render(&app);
    assert!(row_of_agent(&screen, "Amara Okafor").contains("≠ Amara Okafor"), "{screen}");
    assert!(screen.contains("│Out of date  changed just before the freeze"), "{screen}");
}

#[test]
fn a_row_read_again_before_the_freeze_or_a_change_not_applied_marks_nothing() {
    // Applied and read again before the freeze: the row shows it.
    let mut app = ready(120, 40);
    let id = break_for_amara(&mut app);
    feed(&mut app, [ended(&id, Outcome::applied(DID)), amara_on_break()]);
    press(&mut app, &["f"]);
    let screen = render(&app);
    assert!(row_of_agent(&screen, "Amara Okafor").contains("Break"), "{screen}");
    assert!(!screen.contains('≠') && !screen.contains("Out of date"), "{screen}");
    // Refused while frozen: the entity is as the row shows it.
    let mut app = ready(120, 40);
    press(&mut app, &["f"]);
    let id = break_for_amara(&mut app);
    feed(&mut app, [ended(&id, Outcome::conflict("agent is in wrap-up until 14:03"))]);
    let screen = render(&app);
    assert!(!screen.contains('≠') && !screen.contains("Out of date"), "{screen}");
}

#[test]
fn in_a_batch_only_the_targets_it_changed_are_marked() {
    let mut app = ready(120, 40);
    press(&mut app, &["f", "*", "c", "b", "b", "tab", "q", "enter"]);
    let sent = submitted(&press(&mut app, &["y"]));
    let [(id, _)] = sent.as_slice() else { panic!("one batch: {sent:?}") };
    let item = |target: &str, outcome: Outcome| Event::ItemFinished {
        id: id.clone(),
        item: CommandId::derived([target.as_bytes()]),
        target: Target::new(TargetKind::User, target),
        outcome,
    };
    let aiko = agents().into_iter().find(|u| u.first_name == "Aiko").expect("Aiko is seeded");
    feed(
        &mut app,
        [
            Event::Accepted { id: id.clone(), total: 12 },
            item(AMARA, Outcome::applied(DID)),
            item(aiko.id.as_str(), Outcome::conflict("agent is in wrap-up until 14:03")),
        ],
    );
    let screen = render(&app);
    assert!(row_of_agent(&screen, "Amara Okafor").contains("≠ Amara Okafor"), "{screen}");
    assert!(!row_of_agent(&screen, "Aiko Ito").contains('≠'), "{screen}");
    assert!(screen.contains("≠ 1 out of date"), "{screen}");
}

/// A contact's id is unique only within its campaign: a change to one,
/// applied before the freeze and not read since or applied while frozen,
/// marks its row out of date, not another campaign's contact of the same id.
#[test]
fn a_change_to_a_contact_marks_it_not_another_campaigns_of_its_id() {
    for while_frozen in [false, true] {
        let mut app = ready(120, 40);
        let (own, twin, _) = contact_and_twin(&mut app);
        let id = CommandId::random();
        let target = Target::contact(own.campaign_id.as_str(), own.id.as_str());
        let applied = Event::ItemFinished {
            id: id.clone(),
            item: id.item(0),
            target,
            outcome: Outcome::applied("done"),
        };
        if while_frozen {
            press(&mut app, &["f"]);
            feed(&mut app, [applied]);
        } else {
            feed(&mut app, [applied]);
            press(&mut app, &["f"]);
        }
        assert!(app.contacts.out_of_date(&contact_key(&own)).is_some());
        assert_eq!(app.contacts.out_of_date(&contact_key(&twin)), None);
        assert_eq!(app.contacts.out_of_date_count(), 1, "{while_frozen}");
        // The contact's rows, not the detail pane's line naming it.
        let row = |screen: &str| {
            let rows = screen.lines().filter_map(|l| l.split_once("││").map(|(row, _)| row.to_string()));
            rows.filter(|row| row.contains(&own.display_name())).collect::<Vec<_>>()
        };
        let screen = render(&app);
        assert!(matches!(row(&screen).as_slice(), [one] if one.contains('≠')), "{screen}");
        press(&mut app, &["h", "j", "l"]);
        let screen = render(&app);
        assert!(matches!(row(&screen).as_slice(), [twin] if !twin.contains('≠')), "{while_frozen}: {screen}");
    }
}

/// A row the freeze keeps from being read again stays behind however long
/// the freeze lasts: setting Amara back to the Available her frozen row
/// shows is not foretold "already so", minutes on, and after the thaw the
/// row has the usual time to be read again.
#[test]
fn a_frozen_row_behind_its_change_foretells_nothing_however_long_the_freeze() {
    use cxone_console::ui::app::Overlay;
    use std::time::Duration;
    let mut app = ready(120, 40);
    press(&mut app, &["f"]);
    let id = break_for_amara(&mut app);
    feed(&mut app, [ended(&id, Outcome::applied(DID))]);
    tick(&mut app, Duration::from_secs(300));
    let review = |app: &mut App| {
        press(app, &["c", "a", "enter"]);
        let Some(Overlay::Confirm(review)) = app.overlays.last() else { panic!("{}", render(app)) };
        let said = (review.plan.warning.clone().unwrap_or_default(), review.plan.lines[0].note.clone());
        press(app, &["n", "esc", "y"]);
        assert!(app.overlays.is_empty(), "{:?}", app.overlays);
        said
    };
    let (warning, note) = review(&mut app);
    assert!(warning.contains("came back and the frozen table has not read it since"), "{warning}");
    assert_eq!(note, None, "nothing foretold from the frozen row");

    press(&mut app, &["f"]);
    let (warning, note) = review(&mut app);
    assert!(warning.contains("came back a moment ago"), "the thaw's tables may predate it: {warning}");
    assert_eq!(note, None);
    tick(&mut app, Duration::from_secs(11));
    assert!(!review(&mut app).0.contains("came back a moment ago"), "then trusted again");
}
