//! Changes to many contacts or interactions, some without an agent of
//! their own: the agent typed for those, checked as it is typed and against
//! the agents table, while the others keep theirs.

mod ui_support;

use cxone_console::engine::{Change, Event, Snapshot};
use cxone_console::ui::app::{App, Overlay};
use cxone_console::ui::entity::Person;
use cxone_console::ui::forms::Kind;
use ui_support::*;

/// With the agent field focused: a malformed id is reported under `field`
/// as it is typed (and no longer as missing); mended, the form confirms.
fn malformed_agent_id_then_mended(app: &mut App, field: &str) {
    type_text(app, "agent 77");
    let screen = render(app);
    let rule = "must hold only letters, digits and - _ . : @ (found ' ')";
    let problems = &form(app).check.problems;
    assert!(problems.iter().any(|(name, said)| name == field && said.ends_with(rule)), "{problems:?}");
    assert!(screen.contains(&format!("✕ Agent id: {rule}")), "under the field's label: {screen}");
    assert!(!screen.contains("is required for"), "{screen}");
    press(app, &["left", "left", "backspace"]);
    type_text(app, "-");
    assert!(form(app).check.problems.is_empty(), "{:?}", form(app).check.problems);
    press(app, &["enter"]);
    assert!(matches!(app.overlays.last(), Some(Overlay::Confirm(_))), "{}", render(app));
}

/// Spring Renewal's seven contacts, marked, in the outcome form with
/// INTERESTED chosen. Andre Chandra, Anika Fischer, Camila Horvat and Deepa
/// Jansen have no agent; Aria Gonzalez, Arjun Hernandez and Diego Johnson do.
fn spring_renewal_outcome() -> App {
    let mut app = ready(120, 40);
    press(&mut app, &["3", "j", "l", "*", "d", "i"]);
    assert!(matches!(form(&app).kind, Kind::ContactDisposition(ref rows) if rows.len() == 7));
    assert_eq!(form(&app).fields[0].value(), "INTERESTED");
    app
}

#[test]
fn contacts_without_an_agent_take_the_typed_one_and_the_others_keep_their_own() {
    let mut app = spring_renewal_outcome();
    review_with_agent(&mut app, &["tab", "tab"], "agent-77");
    let confirm = confirmation(&app);
    assert_eq!(confirm.plan.lines.len(), 7, "every contact is listed");
    // Whom each outcome is for, where it is not the contact's own agent.
    let screen = render(&app);
    assert!(screen.contains("Andre Chandra: NO_ANSWER → INTERESTED · agent agent-77"), "{screen}");
    assert!(screen.contains("Aria Gonzalez: NOT_INTERESTED → INTERESTED "), "{screen}");
    assert!(!screen.contains("Aria Gonzalez: NOT_INTERESTED → INTERESTED ·"), "{screen}");
    let sent = submitted(&press(&mut app, &["y"]));
    let [(_, Change::ContactDispositions(items))] = sent.as_slice() else { panic!("{sent:?}") };
    let mut agents: Vec<(&str, &str)> =
        items.iter().map(|i| (i.draft.contact_id.as_str(), i.draft.agent_id.as_str())).collect();
    agents.sort_unstable();
    assert_eq!(
        agents,
        [
            ("contact-uuid-111111111111", "agent-77"),
            ("contact-uuid-222222222222", "agent-77"),
            ("contact-uuid-333333333333", "12345-abcde-67890"),
            ("contact-uuid-444444444444", "2b1f0c4e-6d1a-4f7e-9a51-0c4d2e8b7a10"),
            ("contact-uuid-555555555555", "agent-77"),
            ("contact-uuid-666666666666", "agent-77"),
            ("contact-uuid-777777777777", "7a3d9ebf-5b6c-4fca-8cad-9e8f7a6b5c4d"),
        ],
        "no contact dropped, none of their own agents replaced"
    );
}

/// An agent id nobody in the agents table has is likely a typo: the
/// confirmation says so before anything is sent (the table may lag, so the
/// tenant has the last word); an agent it has brings no warning.
#[test]
fn an_agent_the_agents_table_does_not_have_is_warned_of_before_sending() {
    let confirm_with = |agent: &str| {
        let mut app = spring_renewal_outcome();
        review_with_agent(&mut app, &["tab", "tab"], agent);
        (confirmation(&app).plan.warning.clone(), render(&app))
    };
    let (warning, screen) = confirm_with("agent-77");
    let warning = warning.expect("a warning");
    assert!(warning.starts_with("No agent agent-77 is among the "), "{warning}");
    assert!(warning.contains("the tenant refuses outcomes for an agent it does not have"), "{warning}");
    assert!(screen.contains("No agent agent-77 is among the"), "shown on the confirmation: {screen}");
    let (warning, _) = confirm_with("12345-abcde-67890");
    assert_eq!(warning, None, "a loaded agent");
}

/// A user the agents table has, but without the Agent role: named beside
/// the field and warned of, as the tenant refuses outcomes for them.
#[test]
fn a_user_who_is_not_an_agent_is_warned_of_before_sending() {
    let mut app = spring_renewal_outcome();
    let mut people: Vec<(String, Person)> =
        app.directory.iter().map(|(id, p)| (id.to_string(), p.clone())).collect();
    let admin = Person { name: "Camila Zhang".into(), team: None, agent: false };
    // A full-length id: the note beside it must still fit the field's line.
    let id = "2528f470-1d2e-4f3a-8b4c-5d6e7f8a9b0c";
    people.push((id.into(), admin));
    app.directory.set_agents(people);
    review_with_agent(&mut app, &["tab", "tab"], id);
    let warning = confirmation(&app).plan.warning.clone().expect("a warning");
    let expected = format!("Camila Zhang ({id}) does not hold the Agent role; the tenant refuses outcomes");
    assert!(warning.starts_with(&expected), "{warning}");
    press(&mut app, &["esc"]);
    let screen = render(&app);
    let field = screen.lines().find(|l| l.contains("Agent id")).expect("the Agent id field");
    assert!(field.contains(id) && field.contains("Camila Zhang (not an agent)"), "{screen}");
}

/// The same for interactions: the typed id goes to the one without an
/// agent, and the tenant refuses dispositions for an agent it does not have.
#[test]
fn an_agent_the_agents_table_does_not_have_is_warned_of_for_interactions_too() {
    let confirm_with = |agent: &str| {
        let mut app = every_interaction_disposed();
        review_with_agent(&mut app, &["tab", "tab", "tab"], agent);
        confirmation(&app).plan.warning.clone()
    };
    let warning = confirm_with("agent-77").expect("a warning");
    assert!(warning.starts_with("No agent agent-77 is among the "), "{warning}");
    assert!(warning.contains("the tenant refuses dispositions for an agent it does not have"), "{warning}");
    assert_eq!(confirm_with("12345-abcde-67890"), None, "a loaded agent");
}

#[test]
fn the_agent_for_contacts_without_one_is_checked_as_it_is_typed() {
    let mut app = spring_renewal_outcome();
    let screen = render(&app);
    assert!(screen.contains("for the 4 contacts without one; the other 3 keep their own"), "{screen}");
    press(&mut app, &["enter"]);
    let screen = render(&app);
    // Beside the field (wrapped there), and in the refusal.
    assert!(
        screen.contains("✕ Agent id: is required for Andre Chandra, Anika Fischer and 2 more,"),
        "the field and the rule, once for all of them: {screen}"
    );
    let refusal =
        "Not sent: Agent id: is required for Andre Chandra, Anika Fischer and 2 more, who have no agent.";
    assert!(screen.contains(refusal), "{screen}");
    press(&mut app, &["tab", "tab"]);
    malformed_agent_id_then_mended(&mut app, "agentId");

    // One contact, without an agent: the field says it is needed.
    let mut app = ready(120, 40);
    press(&mut app, &["3", "j", "l", "d"]);
    let screen = render(&app);
    assert!(screen.contains("Outcome · Andre Chandra"), "{screen}");
    assert!(screen.contains("required: Andre Chandra has no agent"), "{screen}");
}

/// Every interaction, marked, in the disposition form with 101 chosen.
/// 2f60a134 (Hana Bakker's SMS) has no agent; the other five do.
fn every_interaction_disposed() -> App {
    let mut app = ready(120, 40);
    press(&mut app, &["2", "*", "d", "1"]);
    assert!(matches!(form(&app).kind, Kind::InteractionDisposition(ref rows) if rows.len() == 6));
    assert_eq!(form(&app).fields[0].value(), "101");
    app
}

#[test]
fn interactions_without_an_agent_take_the_typed_one_and_the_others_keep_their_own() {
    let mut app = every_interaction_disposed();
    review_with_agent(&mut app, &["tab", "tab", "tab"], "agent-77");
    let confirm = confirmation(&app);
    assert_eq!(confirm.plan.lines.len(), 6, "every interaction is listed");
    // Whom each disposition is for, where it is not the interaction's own agent.
    let screen = render(&app);
    assert!(screen.contains("→ 101 Issue Resolved · agent agent-77"), "{screen}");
    assert_eq!(screen.matches("· agent ").count(), 1, "{screen}");
    let sent = submitted(&press(&mut app, &["y"]));
    let mut agents: Vec<(&str, &str)> = sent
        .iter()
        .filter_map(|(_, change)| match change {
            Change::InteractionDisposition { interaction_id, dispositions, .. } => {
                Some((interaction_id.as_str(), dispositions.first()?.agent_id.as_str()))
            }
            _ => None,
        })
        .collect();
    agents.sort_unstable();
    assert_eq!(
        agents,
        [
            ("0d4e8f12-3a5b-4c6d-8e9f-a0b1c2d3e4f5", "6f2c8dae-4a5b-4ebf-9b9c-8d7e6f5a4b3c"),
            ("1e5f9023-4b6c-4d7e-9fa0-b1c2d3e4f5a6", "7a3d9ebf-5b6c-4fca-8cad-9e8f7a6b5c4d"),
            ("2f60a134-5c7d-4e8f-a0b1-c2d3e4f5a6b7", "agent-77"),
            ("3071b245-6d8e-4f90-b1c2-d3e4f5a6b7c8", "be71dcfd-9fa0-430e-8aeb-dc2dbeaf9a8b"),
            ("8f7a9b2c-1d3e-4f5a-9c8b-7e6d5f4a3b2c", "2b1f0c4e-6d1a-4f7e-9a51-0c4d2e8b7a10"),
            ("a1b2c3d4-e5f6-7890-abcd-ef1234567890", "12345-abcde-67890"),
        ],
        "no interaction dropped, none of their own agents replaced"
    );
}

#[test]
fn the_agent_for_interactions_without_one_is_checked_as_it_is_typed() {
    let mut app = every_interaction_disposed();
    press(&mut app, &["enter"]);
    let screen = render(&app);
    let refusal = "Not sent: Agent id: is required for interaction with Hana Bakker, which has no agent.";
    assert!(screen.contains(refusal), "the field's label and the rule, once: {screen}");
    assert_eq!(
        form(&app).check.problems,
        [(
            "agent_id".to_string(),
            "agent_id: is required for interaction with Hana Bakker, which has no agent".to_string()
        )],
    );
    assert!(
        screen.contains("for interaction with Hana Bakker, which has none; the other 5 keep their own"),
        "the help says which rule applies: {screen}"
    );

    // One interaction, without an agent: the field says it is needed.
    let mut app = ready(120, 40);
    press(&mut app, &["2", "j", "j", "d"]);
    let screen = render(&app);
    assert!(screen.contains("Disposition · interaction with Hana Bakker"), "named by its customer: {screen}");
    assert!(screen.contains("required: interaction with Hana Bakker has no agent"), "{screen}");
}

#[test]
fn a_malformed_agent_id_for_interactions_is_reported_as_typed() {
    let mut app = every_interaction_disposed();
    press(&mut app, &["tab", "tab", "tab"]);
    malformed_agent_id_then_mended(&mut app, "agent_id");
}

/// An id says whom it names beside the field, as it is typed: the agent, or
/// that nobody loaded has it; the confirmation names the agent typed for a
/// contact without one.
#[test]
fn an_agent_id_is_named_beside_its_field_and_in_the_confirmation() {
    let mut app = ready(120, 40);
    press(&mut app, &["3", "j", "l", "j", "j", "j", "d"]);
    let screen = render(&app);
    assert!(screen.contains("Outcome · Arjun Hernandez"), "{screen}");
    assert!(screen.contains("2b1f0c4e-6d1a-4f7e-9a51-0c4d2e8b7a10  Bilal Haddad"), "{screen}");
    press(&mut app, &["tab", "tab", "end"]);
    type_text(&mut app, "x");
    let screen = render(&app);
    let loaded = app.directory.len();
    assert!(screen.contains(&format!("no such agent among the {loaded} users loaded")), "{screen}");
    let field = screen.lines().find(|l| l.contains("Agent id")).expect("the Agent id field");
    assert!(!field.contains("Bilal Haddad"), "{field}");
    // An id too long for the whole words still gets the short ones.
    type_text(&mut app, "yz0123");
    let screen = render(&app);
    let field = screen.lines().find(|l| l.contains("Agent id")).expect("the Agent id field");
    assert!(field.contains("xyz0123 ") && field.contains("  no such agent "), "{field}");
    assert!(!field.contains("users loaded"), "{field}");
    // One too long for even those says so on the line under it.
    type_text(&mut app, &"q".repeat(40));
    let screen = render(&app);
    let at = screen.lines().position(|l| l.contains("Agent id")).expect("the field's line");
    let under = screen.lines().nth(at + 1).expect("a line under the field");
    assert!(under.contains(&format!("no such agent among the {loaded} users loaded")), "{screen}");

    let mut app = spring_renewal_outcome();
    review_with_agent(&mut app, &["tab", "tab"], "12345-abcde-67890");
    let screen = render(&app);
    assert!(screen.contains("Andre Chandra: NO_ANSWER → INTERESTED · agent Amara Okafor"), "{screen}");
}

/// A form for many targets names the first two by name alone, so they fit
/// the line; one target shows with its state.
#[test]
fn a_form_for_many_targets_names_the_first_ones_briefly() {
    let app = every_interaction_disposed();
    let screen = render(&app);
    let line = screen.lines().find(|l| l.contains("For 6 interactions")).expect("the targets line");
    assert!(line.contains("For 6 interactions (the marked rows): "), "{line}");
    assert!(line.contains(" and 4 more"), "{line}");
    assert!(!line.contains("interaction with"), "customers' names alone: {line}");

    let mut app = ready(120, 40);
    press(&mut app, &["2", "j", "j", "d"]);
    let screen = render(&app);
    assert!(screen.contains("For interaction with Hana Bakker (2f60a134-"), "{screen}");
}

#[test]
fn replacing_an_opt_out_is_warned_of_on_the_confirmation() {
    let mut app = ready(120, 40);
    let mut rows = contacts();
    let opted = rows.iter_mut().find(|c| c.first_name == "Aria").expect("Aria Gonzalez");
    opted.outcome_code = Some("DO_NOT_CALL".into());
    feed(&mut app, [Event::Snapshot(Snapshot::Contacts(table(rows, 2, &[])))]);
    press(&mut app, &["3", "j", "l", "*", "d", "i"]);
    review_with_agent(&mut app, &["tab", "tab"], "agent-77");
    let screen = render(&app);
    assert!(
        screen.contains("This replaces DO_NOT_CALL on a contact that asked not to be called"),
        "{screen}"
    );
}

/// The engine sends each contact once a session (document 001): a second
/// outcome for a contact given one earlier is said to be skipped before it
/// is sent.
#[test]
fn a_contact_given_an_outcome_this_session_is_said_to_be_skipped() {
    use cxone_console::engine::audit::Target;
    use cxone_console::engine::{CommandId, Outcome};
    let mut app = spring_renewal_outcome();
    let Kind::ContactDisposition(rows) = &form(&app).kind else { unreachable!("an outcome form") };
    let first = rows[0].clone();
    let id = CommandId::random();
    let target = Target::contact(first.campaign_id.as_str(), first.id.as_str());
    let applied = Outcome::applied("done");
    feed(&mut app, [Event::ItemFinished { id: id.clone(), item: id.item(0), target, outcome: applied }]);
    review_with_agent(&mut app, &["tab", "tab"], "12345-abcde-67890");
    let lines = &confirmation(&app).plan.lines;
    let noted: Vec<_> = lines
        .iter()
        .filter(|l| l.note.as_deref().is_some_and(|n| n.contains("earlier this session")))
        .collect();
    assert_eq!(noted.len(), 1, "{lines:#?}");
    assert!(noted[0].entity.starts_with(&first.display_name()), "{:?}", noted[0]);
}

/// A contact's id is unique only within its campaign: an outcome given to
/// one this session does not make another campaign's contact of the same
/// id a duplicate (nor does the engine, which takes both ids), and one of
/// the same name is a namesake, told apart by its campaign.
#[test]
fn an_outcome_given_to_a_contact_is_not_counted_for_another_campaigns_of_its_id() {
    use cxone_console::engine::audit::Target;
    use cxone_console::engine::{CommandId, Outcome};
    let mut app = ready(120, 40);
    let (own, twin, _) = contact_and_twin(&mut app);
    let id = CommandId::random();
    let target = Target::contact(own.campaign_id.as_str(), own.id.as_str());
    let applied = Outcome::applied("done");
    feed(&mut app, [Event::ItemFinished { id: id.clone(), item: id.item(0), target, outcome: applied }]);
    // Each campaign's own outcome: WRONG_NUMBER, INTERESTED.
    let note = |app: &mut App, outcome| {
        press(app, &["d", outcome, "enter"]);
        let note = confirmation(app).plan.lines[0].note.clone().unwrap_or_default();
        press(app, &["n", "esc", "y"]);
        note
    };
    assert!(note(&mut app, "w").contains("earlier this session"), "{}", render(&app));
    press(&mut app, &["h", "j", "l"]);
    assert!(app.contacts.select_key(&contact_key(&twin)), "{}", render(&app));
    assert!(!note(&mut app, "i").contains("earlier this session"), "another campaign's contact");
    // Of the same name too: the form says which of the two it is for.
    press(&mut app, &["d"]);
    let told = format!("Outcome · {} ({}, Spring Renewal)", twin.display_name(), twin.phone);
    assert_eq!(form(&app).title, told);
}
