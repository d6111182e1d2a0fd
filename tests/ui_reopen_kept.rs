//! Forms kept to reopen once more than one came back: the list to choose
//! one from, and a reopened form closed unsent going back among them. The
//! engine's outcomes are fed in by hand.

mod ui_support;

use cxone_console::engine::audit::{Target, TargetKind};
use cxone_console::engine::{Event, Finished, Outcome};
use cxone_console::ui::app::App;
use cxone_console::ui::forms::Kind;
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
}

/// Opens a state form on the selected agent, types `keys` into it, sends
/// it and has the tenant refuse it, so that it is kept.
fn refused_state_change(app: &mut App, keys: &[&str]) -> Kept {
    press(app, &["c"]);
    press(app, keys);
    let title = form(app).title.clone();
    let typed = values(app);
    let Kind::AgentStatus(users) = &form(app).kind else { panic!("{}", render(app)) };
    let user = users[0].clone();
    let effects = press(app, &["enter", "y"]);
    let sent = submitted(&effects);
    let [(id, _)] = sent.as_slice() else { panic!("{effects:?}\n{}", render(app)) };
    let why = format!("{} is outside their shift", user.display_name());
    let target = Some(Target::new(TargetKind::User, user.id.as_str()));
    let outcome = Outcome::rejected(why.clone());
    feed(app, [Event::Finished { id: id.clone(), result: Finished::Single { target, outcome } }]);
    assert!(flash(app).contains("to reopen the form"), "{}", flash(app));
    Kept { title, typed, why }
}

/// Esc on a reopened form sends nothing and loses nothing: the form goes
/// back among those kept, as the newest, with why it came back, and the
/// message says how to reopen it.
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
    assert_eq!(flash(&app), "Closed without sending; the form is kept (press o to reopen the form).",);

    press(&mut app, &["o"]);
    assert_eq!(form(&app).title, kept.title);
    assert_eq!(values(&app), kept.typed);
    assert!(render(&app).contains(&kept.why), "the reason, in the form: {}", render(&app));
}
