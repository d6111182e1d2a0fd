//! What the console tells the supervisor about keys is true: the key that
//! opens the help closes it, every hint names a key or a `:` command that
//! works where it is shown, and a key pressed on the wrong pane says why
//! nothing happened.

mod ui_support;

use cxone_console::ui::app::{App, Overlay};
use ui_support::*;

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
