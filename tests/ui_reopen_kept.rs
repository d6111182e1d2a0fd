//! Forms kept to reopen once more than one came back: the list to choose
//! one from, and a reopened form closed unsent going back among them. The
//! engine's outcomes are fed in by hand.

mod ui_support;

use cxone_console::api::model::User;
use cxone_console::engine::audit::{Target, TargetKind};
use cxone_console::engine::{CommandId, Event, Finished, Outcome};
use cxone_console::ui::app::App;
use cxone_console::ui::forms::Kind;
use ratatui::style::Modifier;
use std::time::Duration;
use ui_support::*;

fn flash(app: &App) -> String {
    app.flash.as_ref().map(|f| f.text.clone()).unwrap_or_default()
}

/// The values of the form on top, field by field.
fn values(app: &App) -> Vec<String> {
    form(app).fields.iter().map(|f| f.value()).collect()
}

/// A form sent and given back: its title, what was typed in it, and why it
/// was not applied.
struct Kept {
    title: String,
    typed: Vec<String>,
    why: String,
    /// Why, as the list of kept forms says it beside the title that names
    /// the target: the kind of refusal first, without the user's id.
    listed: String,
}

/// A state change sent from a form, its outcome still to come.
struct Sent {
    id: CommandId,
    user: User,
    title: String,
    typed: Vec<String>,
}

/// Opens a state form on the selected agent, types `keys` into it and
/// sends it.
fn send_state_change(app: &mut App, keys: &[&str]) -> Sent {
    press(app, &["c"]);
    press(app, keys);
    let title = form(app).title.clone();
    let typed = values(app);
    let Kind::AgentStatus(users) = &form(app).kind else { panic!("{}", render(app)) };
    let user = users[0].clone();
    let effects = press(app, &["enter", "y"]);
    let sent = submitted(&effects);
    let [(id, _)] = sent.as_slice() else { panic!("{effects:?}\n{}", render(app)) };
    Sent { id: id.clone(), user, title, typed }
}

/// The tenant refuses `sent`, so that its form is kept.
fn refuse(app: &mut App, sent: Sent) -> Kept {
    // Named with the id, as the engine names a user in a refusal.
    let why = format!("user {} ({}) is outside their shift", sent.user.display_name(), sent.user.id);
    let listed = format!("refused: user {} is outside their shift", sent.user.display_name());
    let target = Some(Target::new(TargetKind::User, sent.user.id.as_str()));
    let outcome = Outcome::rejected(why.clone());
    feed(app, [Event::Finished { id: sent.id, result: Finished::Single { target, outcome } }]);
    assert!(flash(app).contains("to reopen the form"), "{}", flash(app));
    Kept { title: sent.title, typed: sent.typed, why, listed }
}

fn refused_state_change(app: &mut App, keys: &[&str]) -> Kept {
    let sent = send_state_change(app, keys);
    refuse(app, sent)
}

/// Esc on a reopened form sends nothing and loses nothing: the form goes
/// back among those kept, as the newest, with what was typed in it since
/// and why it came back, and the message says how to reopen it.
#[test]
fn a_reopened_form_closed_unsent_is_kept_again() {
    let mut app = ready(120, 40);
    let kept = refused_state_change(&mut app, &["b"]);
    press(&mut app, &["o"]);
    assert_eq!(values(&app), kept.typed, "{}", render(&app));
    assert!(app.returned.is_empty(), "reopened, it is no longer kept");

    press(&mut app, &["esc"]);
    assert!(app.overlays.is_empty(), "closed at once, with no question: {}", render(&app));
    assert_eq!(app.returned.len(), 1, "the form is kept again: {}", render(&app));
    assert_eq!(flash(&app), "Closed without sending (press o to reopen the form).");

    press(&mut app, &["o"]);
    assert_eq!(form(&app).title, kept.title);
    assert_eq!(values(&app), kept.typed);
    assert!(render(&app).contains("is outside their"), "the reason, in the form: {}", render(&app));
    assert!(
        form(&app).not_applied.as_ref().map(|n| n.why.as_str()).is_some_and(|w| w.contains(&kept.why)),
        "{}",
        render(&app)
    );
}

/// An older form chosen from the list, changed and closed unsent, comes
/// back as the newest, as it was left.
#[test]
fn an_older_form_closed_unsent_comes_back_as_the_newest_as_it_was_left() {
    let mut app = ready(120, 40);
    let [older, newer] = two_kept(&mut app);
    press(&mut app, &["o", "j", "enter", "a"]);
    assert_eq!(form(&app).title, older.title, "{}", render(&app));
    let left = values(&app);
    assert_ne!(left, older.typed, "the state was changed");

    press(&mut app, &["esc"]);
    let kept: Vec<&str> = app.returned.iter().map(|f| f.title.as_str()).collect();
    assert_eq!(kept, [newer.title.as_str(), older.title.as_str()], "the newest last");
    press(&mut app, &["o", "enter"]);
    assert_eq!(form(&app).title, older.title, "first in the list: {}", render(&app));
    assert_eq!(values(&app), left);
    assert!(render(&app).contains("is outside their"), "the reason, in the form: {}", render(&app));
    assert!(
        form(&app).not_applied.as_ref().map(|n| n.why.as_str()).is_some_and(|w| w.contains(&older.why)),
        "{}",
        render(&app)
    );
}

/// Two forms kept, on two agents: the first on the selected agent, the
/// second on the one below it. The older first.
fn two_kept(app: &mut App) -> [Kept; 2] {
    let older = refused_state_change(app, &["b"]);
    press(app, &["j"]);
    tick(app, Duration::from_secs(95));
    let newer = refused_state_change(app, &["a"]);
    assert_ne!(older.title, newer.title, "two targets");
    assert_eq!(app.returned.len(), 2);
    [older, newer]
}

/// With more than one form kept, the key shows them, the newest first,
/// each with why it came back; the one chosen opens as it was typed, and
/// the other stays kept.
#[test]
fn with_two_forms_kept_the_key_lists_them_and_opens_the_one_chosen() {
    let mut app = ready(120, 40);
    let [older, newer] = two_kept(&mut app);
    press(&mut app, &["o"]);
    let screen = frame(&app);
    let (Some(newest), Some(oldest)) = (row_of(&screen, &newer.title), row_of(&screen, &older.title)) else {
        panic!("both forms are listed:\n{}", render(&app));
    };
    assert!(newest < oldest, "the newest first:\n{}", render(&app));
    assert!(find_in_row(&screen, newest, &newer.listed).is_some(), "why, beside it:\n{}", render(&app));
    assert!(find_in_row(&screen, oldest, &older.listed).is_some(), "why, beside it:\n{}", render(&app));
    // When each came back: the clock moved between the two refusals.
    assert!(find_in_row(&screen, newest, "14:03:46  ").is_some(), "its time:\n{}", render(&app));
    assert!(find_in_row(&screen, oldest, "14:02:11  ").is_some(), "its time:\n{}", render(&app));
    assert_eq!(app.returned.len(), 2, "listing them reopens none");
    let chosen = |app: &App, y: u16| {
        let x = find_in_row(&frame(app), y, "Change state").unwrap();
        frame(app)[(x, y)].modifier.contains(Modifier::REVERSED)
    };
    assert!(chosen(&app, newest) && !chosen(&app, oldest), "the newest is chosen first");

    press(&mut app, &["j"]);
    assert!(chosen(&app, oldest) && !chosen(&app, newest), "j chooses the next:\n{}", render(&app));
    press(&mut app, &["enter"]);
    assert_eq!(form(&app).title, older.title, "{}", render(&app));
    assert_eq!(values(&app), older.typed);
    assert!(render(&app).contains("is outside their"), "the reason, in the form: {}", render(&app));
    assert!(
        form(&app).not_applied.as_ref().map(|n| n.why.as_str()).is_some_and(|w| w.contains(&older.why)),
        "{}",
        render(&app)
    );
    let kept: Vec<&str> = app.returned.iter().map(|f| f.title.as_str()).collect();
    assert_eq!(kept, [newer.title.as_str()], "the other stays kept");
    assert!(!flash(&app).contains("reopen"), "the offer is answered: {}", flash(&app));
}

/// Closing the list reopens nothing and keeps every form; the command
/// line's `:reopen` shows the same list.
#[test]
fn closing_the_list_keeps_every_form() {
    let mut app = ready(120, 40);
    let [older, newer] = two_kept(&mut app);
    run_command(&mut app, "reopen");
    let listed = render(&app);
    assert!(listed.contains(&older.title) && listed.contains(&newer.title), "{listed}");

    press(&mut app, &["esc"]);
    assert!(app.overlays.is_empty(), "{}", render(&app));
    assert!(!render(&app).contains(&older.title), "the list is closed:\n{}", render(&app));
    let kept: Vec<&str> = app.returned.iter().map(|f| f.title.as_str()).collect();
    assert_eq!(kept, [older.title.as_str(), newer.title.as_str()], "every form is still kept");
}

/// With one form kept there is nothing to choose: the key opens it at once.
#[test]
fn with_one_form_kept_the_key_opens_it_at_once() {
    let mut app = ready(120, 40);
    let [older, newer] = two_kept(&mut app);
    press(&mut app, &["o"]);
    assert!(render(&app).contains(&older.title), "two forms are listed:\n{}", render(&app));
    press(&mut app, &["enter"]);
    assert_eq!(form(&app).title, newer.title, "the newest is chosen first: {}", render(&app));
    // The newest is sent again, and applied this time.
    let effects = press(&mut app, &["enter", "y"]);
    let sent = submitted(&effects);
    let [(id, _)] = sent.as_slice() else { panic!("{effects:?}\n{}", render(&app)) };
    let outcome = Outcome::applied("now Available");
    feed(&mut app, [Event::Finished { id: id.clone(), result: Finished::Single { target: None, outcome } }]);
    assert_eq!(app.returned.len(), 1);

    press(&mut app, &["o"]);
    assert_eq!(form(&app).title, older.title, "no list for one form: {}", render(&app));
    assert_eq!(values(&app), older.typed);
    assert!(app.returned.is_empty());
}

/// A form that comes back while the list is open joins it at the top, and
/// the form chosen stays chosen.
#[test]
fn a_form_that_comes_back_while_the_list_is_open_does_not_move_the_choice() {
    let mut app = ready(120, 40);
    let [older, _] = two_kept(&mut app);
    press(&mut app, &["j"]);
    let third = send_state_change(&mut app, &["b"]);
    press(&mut app, &["o", "j"]);
    let third = refuse(&mut app, third);
    let screen = frame(&app);
    let rows = [&third, &older].map(|kept| row_of(&screen, &kept.title));
    assert!(matches!(rows, [Some(a), Some(b)] if a < b), "the newest first:\n{}", render(&app));

    press(&mut app, &["enter"]);
    assert_eq!(form(&app).title, older.title, "{}", render(&app));
    assert_eq!(values(&app), older.typed);
    assert_eq!(app.returned.len(), 2);
}
