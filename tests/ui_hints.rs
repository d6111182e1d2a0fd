//! What the console tells the supervisor about keys is true: the key that
//! opens the help closes it, every hint names a key or a `:` command that
//! works where it is shown, and a key pressed on the wrong pane says why
//! nothing happened.

mod ui_support;

use cxone_console::domain::interaction_disposition::InteractionStatus;
use cxone_console::engine::{Command, CommandId, Event};
use cxone_console::ui::Looks;
use cxone_console::ui::app::{Action, App, Effect, Overlay, update};
use cxone_console::ui::keymap::{Keymap, Verb};
use cxone_console::ui::theme::{Colors, Theme};
use ui_support::*;

/// A loaded console with `keymap` (a user's keymap.toml) over the defaults.
fn keyed(keymap: &str) -> App {
    let (keymap, problems) = Keymap::with_overrides("keymap.toml", keymap);
    let looks = Looks { keymap, theme: Theme::defaults(Colors::On), problems };
    let mut app = app_with(sandbox_session(), looks, 120, 40);
    feed(&mut app, seeded_events());
    feed(&mut app, [Event::Rules(rule_book())]);
    app.flash = None;
    app
}

fn flash(app: &App) -> String {
    app.flash.as_ref().map(|f| f.text.clone()).unwrap_or_default()
}

/// A batch of `total` changes accepted by the engine, as this console sent it.
fn batch_in_flight(app: &mut App, total: usize) -> CommandId {
    let id = CommandId::derived([&b"batch"[..]]);
    app.sent.sent(id.clone(), cxone_console::ui::app::Pending::new("Break · 3 agents", true));
    feed(app, [Event::Accepted { id: id.clone(), total }]);
    id
}

/// The progress line above the footer.
fn progress_line(app: &App) -> String {
    let screen = render(app);
    screen.lines().find(|l| l.contains(" 0/3 ")).unwrap_or_default().to_string()
}

/// Runs a whole `:` line.
fn run_line(app: &mut App, line: &str) -> Vec<Effect> {
    press(app, &[":"]);
    type_text(app, line);
    press(app, &["enter"])
}

fn help_is_open(app: &App) -> bool {
    matches!(app.overlays.last(), Some(Overlay::Help { .. }))
}

#[test]
fn f1_closes_the_help_it_opens() {
    let mut app = loaded(120, 40);
    press(&mut app, &["f1"]);
    assert!(help_is_open(&app));
    press(&mut app, &["f1"]);
    assert!(app.overlays.is_empty(), "F1 is \"show or hide this help\"");
    press(&mut app, &["?", "f1"]);
    assert!(app.overlays.is_empty(), "whichever key opened it");
    press(&mut app, &["f1", "?"]);
    assert!(app.overlays.is_empty());
}

#[test]
fn an_unbound_cancel_is_hinted_as_the_cancel_command_which_cancels() {
    let mut app = keyed("[global]\ncancel = []");
    let id = batch_in_flight(&mut app, 3);
    let line = progress_line(&app);
    assert!(line.contains(":cancel cancels"), "{line}");
    assert_eq!(run_line(&mut app, "cancel"), [Effect::Engine(Command::Cancel { id })]);
    assert!(flash(&app).starts_with("Cancelling Break · 3 agents"), "{}", flash(&app));
}

#[test]
fn the_help_lists_the_cancel_command() {
    let mut app = loaded(120, 200);
    press(&mut app, &["?"]);
    let help = render(&app);
    assert!(help.contains("cancel  ") && help.contains("Cancel the running batch"), "{help}");
}

#[test]
fn hints_for_unbound_changes_name_commands_that_exist_or_say_unbound() {
    let mut app = keyed("[table]\n\"compose.state\" = []\n\"compose.disposition\" = []");
    press(&mut app, &["*"]);
    assert!(flash(&app).ends_with(":state <status> changes them all."), "{}", flash(&app));
    run_line(&mut app, "state Available");
    assert!(
        matches!(app.overlays.last(), Some(Overlay::Form(_) | Overlay::Confirm(_))),
        "the command named works: {}",
        render(&app)
    );

    // Without the command line, nothing can be named: it says so.
    let mut app = keyed("[global]\npalette = []\n[table]\n\"compose.disposition\" = []");
    press(&mut app, &["2", "*"]);
    assert!(flash(&app).ends_with("; compose.disposition is unbound in keymap.toml."), "{}", flash(&app));

    let mut app = keyed("[global]\npalette = []\ncancel = []");
    batch_in_flight(&mut app, 3);
    let line = progress_line(&app);
    assert!(line.contains(" 0/3 ") && !line.contains("cancels"), "no way to cancel, none named: {line}");
}

#[test]
fn an_action_without_a_key_or_command_is_not_named_as_a_command() {
    let mut app = keyed("[table]\n\"data.version\" = []");
    update(&mut app, Action::Run(Verb::NewVersion));
    let text = flash(&app);
    assert!(!text.contains(":data."), "{text}");
    assert!(text.contains("data.version"), "{text}");
}

#[test]
fn the_progress_line_names_the_cancel_key_only_where_it_cancels() {
    let mut app = ready(120, 40);
    let id = batch_in_flight(&mut app, 3);
    assert!(progress_line(&app).contains("Ctrl-x cancels"), "{}", progress_line(&app));

    press(&mut app, &["2", "a"]);
    assert!(matches!(app.overlays.last(), Some(Overlay::Form(_))), "the attributes form, which has rows");
    let line = progress_line(&app);
    assert!(line.contains(" 0/3 ") && !line.contains("cancels"), "Ctrl-x removes a row here: {line}");
    let effects = press(&mut app, &["ctrl-x"]);
    assert!(!effects.contains(&Effect::Engine(Command::Cancel { id: id.clone() })), "{effects:?}");

    press(&mut app, &["esc", "esc"]);
    assert!(app.overlays.is_empty(), "{}", render(&app));
    press(&mut app, &["?"]);
    assert!(!progress_line(&app).contains("cancels"), "the help reads only [overlay]");
    press(&mut app, &["?"]);
    assert!(progress_line(&app).contains("Ctrl-x cancels"));
    assert_eq!(press(&mut app, &["ctrl-x"]), [Effect::Engine(Command::Cancel { id })]);
    // Cancelled, it no longer offers what it has done.
    let line = progress_line(&app);
    assert!(
        line.contains("cancelled: the targets not started are skipped") && !line.contains("cancels"),
        "{line}"
    );
}

#[test]
fn the_quit_question_shows_every_key_it_takes() {
    let asking = || {
        let mut app = loaded(120, 40);
        batch_in_flight(&mut app, 3);
        assert!(press(&mut app, &["q"]).is_empty());
        assert_eq!(app.overlays.last(), Some(&Overlay::ConfirmQuit));
        app
    };
    let screen = render(&asking());
    assert!(screen.contains("1 change is still in flight (3 of 3 targets left)"), "{screen}");
    for line in [
        "y/Enter/Ctrl-c  let it finish, then quit",
        "c               skip the targets not started yet, then quit",
        "n/Esc           stay",
    ] {
        assert!(screen.contains(line), "{line}: {screen}");
    }
    let footer = screen.lines().last().unwrap_or_default();
    for hint in ["y/Enter/Ctrl-c quit when done", "c skip the rest and quit", "n/Esc stay"] {
        assert!(footer.contains(hint), "{hint}: {footer}");
    }
    assert!(!footer.contains("close"), "the question is not closed like a view: {footer}");
    for key in ["y", "enter", "ctrl-c"] {
        assert_eq!(press(&mut asking(), &[key]), [Effect::Quit], "{key} quits");
    }
    let id = CommandId::derived([&b"batch"[..]]);
    assert_eq!(press(&mut asking(), &["c"]), [Effect::Engine(Command::Cancel { id }), Effect::Quit]);
    for key in ["n", "esc"] {
        let mut app = asking();
        assert!(press(&mut app, &[key]).is_empty(), "{key} stays");
        assert!(app.overlays.is_empty(), "{key} closes the question");
    }
}

#[test]
fn a_change_key_on_the_wrong_pane_says_where_it_works() {
    let mut app = ready(120, 40);
    press(&mut app, &["2", "c"]);
    assert!(app.overlays.is_empty());
    assert_eq!(flash(&app), "c: state changes are for Agents (press 1); this is Interactions.");
    press(&mut app, &["3", "d"]);
    assert_eq!(
        flash(&app),
        "d: dispositions are for Interactions (press 2), outcomes for Contacts (press l); this is Campaigns."
    );
    press(&mut app, &["1", "x"]);
    assert_eq!(flash(&app), "x: deprecations are for Data actions (press 4); this is Agents.");
    press(&mut app, &["4", " "]);
    assert_eq!(
        flash(&app),
        "Space: marks are for batch changes to Agents (press 1), Interactions (press 2) and Contacts \
         (press 3, then l); Data actions takes none."
    );
    assert_eq!(app.data_actions.pick_count(), 0);
    press(&mut app, &["5", "c"]);
    assert!(app.overlays.is_empty());
    assert_eq!(flash(&app), "c: state changes are for Agents (press 1); this is Audit log.");
    press(&mut app, &["*"]);
    assert!(flash(&app).ends_with("Audit log takes none."), "{}", flash(&app));
}

#[test]
fn wrong_pane_messages_name_the_keys_of_the_keymap_in_effect() {
    let mut app = keyed("[global]\n\"pane.agents\" = \"A\"\n[table]\n\"compose.state\" = \"S\"");
    press(&mut app, &["2", "S"]);
    assert_eq!(flash(&app), "S: state changes are for Agents (press A); this is Interactions.");
    let mut app = keyed("[global]\n\"pane.agents\" = []");
    press(&mut app, &["2", "c"]);
    assert_eq!(flash(&app), "c: state changes are for Agents (type :agents); this is Interactions.");
    press(&mut app, &["4"]);
    run_line(&mut app, "dispose 101");
    assert_eq!(
        flash(&app),
        "dispose sets a disposition on Interactions (press 2) or an outcome on Contacts (press 3, then l).",
        "the command line's refusal too"
    );
}

/// `:state` and `:attr` act on the pane their keys act on, as `:dispose`
/// does: typed on another pane they say where they act, and change nothing
/// there (the newest interaction of a table that changes every second).
#[test]
fn change_commands_typed_on_another_pane_say_where_they_act() {
    let mut app = ready(120, 40);
    run_line(&mut app, "attr note=hi");
    assert!(app.overlays.is_empty(), "{}", render(&app));
    assert_eq!(flash(&app), "attr changes the attributes of Interactions (press 2); this is Agents.");
    press(&mut app, &["2"]);
    run_line(&mut app, "state Available");
    assert!(app.overlays.is_empty(), "{}", render(&app));
    assert_eq!(flash(&app), "state sets the state of Agents (press 1); this is Interactions.");
    run_line(&mut app, "attr note=hi");
    assert!(render(&app).contains("Change the attributes of the interaction"), "on its own pane it acts");
}

#[test]
fn a_key_another_pane_uses_keeps_its_general_meaning_where_it_has_one() {
    let mut app = keyed("[global]\nfreeze = \"t\"");
    press(&mut app, &["t"]);
    assert!(app.frozen, "t freezes on agents");
    press(&mut app, &["t", "4", "t"]);
    assert!(!app.frozen);
    assert!(matches!(app.overlays.last(), Some(Overlay::Form(_))), "t simulates on data actions");
}

#[test]
fn the_help_names_the_key_that_opens_the_command_line() {
    let help = |keymap: &str| {
        let mut app = keyed(keymap);
        app.size = ratatui::layout::Size { width: 120, height: 200 };
        press(&mut app, &["?"]);
        render(&app)
    };
    assert!(help("").contains("Commands (press : first)"));
    assert!(help("[global]\npalette = \";\"").contains("Commands (press ; first)"));
    assert!(help("[global]\npalette = []").contains("Commands (palette is unbound in keymap.toml)"));
}

#[test]
fn a_form_names_no_key_that_does_nothing_in_it() {
    let mut app = ready(120, 40);
    press(&mut app, &["2"]);
    let open = app
        .interactions
        .window(usize::MAX)
        .position(|(_, i)| i.status != InteractionStatus::Closed && i.agent_id.is_some());
    for _ in 0..open.expect("an interaction still open") {
        press(&mut app, &["j"]);
    }
    run_line(&mut app, "dispose 101");
    let Some(Overlay::Form(form)) = app.overlays.last() else { panic!("{}", render(&app)) };
    let said = form.general_problems().join(" ");
    assert!(said.contains("nothing here can take it"), "{said}");
    assert!(!said.contains("Ctrl-R"), "Ctrl-R refreshes nothing in a form: {said}");
}

#[test]
fn the_discard_question_names_its_own_keys_on_the_hint_line() {
    let mut app = loaded(120, 40);
    press(&mut app, &["c"]);
    assert!(matches!(app.overlays.last(), Some(Overlay::Form(_))), "{}", render(&app));
    press(&mut app, &["right", "esc"]);
    assert!(matches!(app.overlays.last(), Some(Overlay::Form(f)) if f.discarding), "{}", render(&app));
    let screen = render(&app);
    let footer = screen.lines().last().unwrap_or_default();
    assert!(footer.contains("y discard") && footer.contains("n/Enter/Esc keep editing"), "{footer}");
    assert!(!footer.contains("cancel"), "Esc keeps editing here: {footer}");
    press(&mut app, &["esc"]);
    assert!(matches!(app.overlays.last(), Some(Overlay::Form(f)) if !f.discarding), "Esc kept the form");
}

#[test]
fn ctrl_z_suspends_over_a_form_a_confirmation_and_the_help_and_keeps_them() {
    let mut app = ready(120, 40);
    press(&mut app, &["c", "tab", "tab"]);
    type_text(&mut app, "keep");
    let suspended = press(&mut app, &["ctrl-z"]);
    assert!(suspended.iter().any(|e| matches!(e, Effect::Suspend)), "{suspended:?}");
    type_text(&mut app, "me");
    assert!(render(&app).contains("keepme"), "the form is there on fg, with what was typed");
    press(&mut app, &["enter"]);
    assert!(matches!(app.overlays.last(), Some(Overlay::Confirm(_))));
    let suspended = press(&mut app, &["ctrl-z"]);
    assert!(suspended.iter().any(|e| matches!(e, Effect::Suspend)), "over the confirmation too");
    assert!(matches!(app.overlays.last(), Some(Overlay::Confirm(_))), "which is still open");
    press(&mut app, &["esc", "esc", "y", "?"]);
    assert!(help_is_open(&app));
    let suspended = press(&mut app, &["ctrl-z"]);
    assert!(suspended.iter().any(|e| matches!(e, Effect::Suspend)), "over the help too");
    assert!(help_is_open(&app));
}

/// The bottom line names the way between the campaign list and its
/// contacts, from whichever side the keys are on, and only there.
#[test]
fn the_hint_line_names_the_keys_between_campaigns_and_contacts() {
    let mut app = loaded(120, 40);
    let footer = |app: &App| render(app).lines().last().unwrap_or_default().to_string();
    press(&mut app, &["3"]);
    assert!(footer(&app).contains(" l contacts "), "{}", footer(&app));
    assert!(!footer(&app).contains("h campaigns"), "{}", footer(&app));
    press(&mut app, &["l"]);
    assert!(footer(&app).contains(" h campaigns "), "{}", footer(&app));
    assert!(footer(&app).contains("d outcome") && !footer(&app).contains("disposition"), "{}", footer(&app));
    assert!(!footer(&app).contains("l contacts"), "{}", footer(&app));
    press(&mut app, &["1"]);
    assert!(!footer(&app).contains("contacts") && !footer(&app).contains("campaigns"), "{}", footer(&app));
}
