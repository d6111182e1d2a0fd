//! Changes to many interactions go to the engine one command per
//! interaction; the console shows, reports and cancels them as one batch.

mod ui_support;

use cxone_console::engine::audit::{Target, TargetKind};
use cxone_console::engine::{Change, Command, CommandId, Event, Finished, Outcome};
use cxone_console::ui::app::{App, Effect};
use ui_support::*;

/// Every interaction marked and disposed with 101 (Hana Bakker's, which
/// has no agent, given one), confirmed: the commands sent.
fn six_sent() -> (App, Vec<(CommandId, String)>) {
    let mut app = ready(120, 40);
    press(&mut app, &["2", "*", "d", "1"]);
    review_with_agent(&mut app, &["tab", "tab", "tab"], "12345-abcde-67890");
    let sent = submitted(&press(&mut app, &["y"]));
    let sent: Vec<(CommandId, String)> = sent
        .into_iter()
        .map(|(id, change)| match change {
            Change::InteractionDisposition { interaction_id, .. } => (id, interaction_id),
            other => panic!("one disposition per interaction: {other:?}"),
        })
        .collect();
    assert_eq!(sent.len(), 6);
    let accepted: Vec<Event> =
        sent.iter().map(|(id, _)| Event::Accepted { id: id.clone(), total: 1 }).collect();
    feed(&mut app, accepted);
    (app, sent)
}

fn ended(id: &CommandId, interaction: &str, outcome: Outcome) -> Event {
    let target = Some(Target::new(TargetKind::Interaction, interaction));
    Event::Finished { id: id.clone(), result: Finished::Single { target, outcome } }
}

fn flash(app: &App) -> String {
    app.flash.as_ref().map(|f| f.text.clone()).unwrap_or_default()
}

#[test]
fn interactions_changed_together_run_and_end_as_one_batch() {
    let (mut app, sent) = six_sent();
    let screen = render(&app);
    assert!(screen.contains("1 change in flight (0/6)"), "one change, not six: {screen}");
    let bar = screen.lines().rev().nth(1).unwrap_or_default();
    assert!(bar.contains("disposition 101 · 6 interactions") && bar.contains(" 0/6 "), "{bar}");

    for (id, interaction) in &sent[..5] {
        let effects = feed(&mut app, [ended(id, interaction, Outcome::applied("ok"))]);
        assert!(effects.is_empty(), "the tables refresh once, at the end: {effects:?}");
    }
    assert!(render(&app).contains("1 change in flight (5/6)"), "{}", render(&app));
    let (last, interaction) = &sent[5];
    let refused = Outcome::conflict("the interaction kept changing while its disposition was being set");
    let effects = feed(&mut app, [ended(last, interaction, refused)]);
    assert_eq!(effects, [Effect::Engine(Command::Refresh)]);
    let text = flash(&app);
    assert!(text.starts_with("disposition 101 · 6 interactions: 5 of 6 applied, 1 conflict. "), "{text}");
    assert!(text.contains(&format!("{interaction}: the interaction kept changing")), "{text}");
    assert!(app.sent.is_empty());
}

#[test]
fn cancelling_them_cancels_each_one_not_yet_ended() {
    let (mut app, sent) = six_sent();
    feed(&mut app, sent[..2].iter().map(|(id, i)| ended(id, i, Outcome::applied("ok"))));
    let effects = press(&mut app, &["ctrl-x"]);
    let cancelled: Vec<&CommandId> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::Engine(Command::Cancel { id }) => Some(id),
            _ => None,
        })
        .collect();
    let mut waiting: Vec<&CommandId> = sent[2..].iter().map(|(id, _)| id).collect();
    waiting.sort();
    assert_eq!(cancelled, waiting, "the four not yet ended");

    feed(&mut app, sent[2..].iter().map(|(id, i)| ended(id, i, Outcome::unstarted("interaction"))));
    let text = flash(&app);
    assert_eq!(text, "disposition 101 · 6 interactions: 2 of 6 applied, skipped 4 cancelled (not written)");
}

/// The customer each interaction's change is for, by interaction.
fn customers() -> std::collections::BTreeMap<String, Option<String>> {
    interactions().into_iter().map(|i| (i.id.to_string(), i.customer_name)).collect()
}

/// Each interaction's change carries the customer's name as the console
/// shows it, so that the audit log names even one cancelled before it was
/// read.
#[test]
fn each_interactions_change_carries_its_customers_name() {
    let mut app = ready(120, 40);
    press(&mut app, &["2", "*", "d", "1"]);
    review_with_agent(&mut app, &["tab", "tab", "tab"], "12345-abcde-67890");
    let mut named: Vec<(String, Option<String>)> = submitted(&press(&mut app, &["y"]))
        .into_iter()
        .map(|(_, change)| match change {
            Change::InteractionDisposition { interaction_id, name, .. } => (interaction_id, name),
            other => panic!("one disposition per interaction: {other:?}"),
        })
        .collect();

    press(&mut app, &["*", "a"]);
    type_text(&mut app, "tier");
    press(&mut app, &["tab"]);
    type_text(&mut app, "gold");
    press(&mut app, &["enter"]);
    named.extend(submitted(&press(&mut app, &["y"])).into_iter().map(|(_, change)| match change {
        Change::Attributes { interaction_id, name, .. } => (interaction_id, name),
        other => panic!("attributes per interaction: {other:?}"),
    }));

    assert_eq!(named.len(), 12, "six dispositions, six attribute changes: {named:?}");
    let customers = customers();
    for (interaction, name) in named {
        assert!(name.is_some(), "{interaction}");
        assert_eq!(Some(&name), customers.get(&interaction), "{interaction}");
    }
}
