//! A panic leaves a usable terminal: the console's hook gives the terminal
//! back first, then the hook that was there before prints the message, so
//! the message lands on the normal screen instead of vanishing with the
//! alternate one; a panic the console outlives (a change's task) leaves
//! both the screen and the message alone. Panic hooks are global, hence
//! this file of its own. And the alternate screen is emptied before it is
//! left.

use cxone_console::ui::terminal;
use std::sync::Mutex;

static ORDER: Mutex<Vec<&str>> = Mutex::new(Vec::new());

fn note(what: &'static str) {
    ORDER.lock().unwrap_or_else(|e| e.into_inner()).push(what);
}

#[test]
fn a_panic_restores_the_terminal_before_the_message_is_printed() {
    std::panic::set_hook(Box::new(|_| note("message printed")));
    terminal::chain_panic_hook(|| note("terminal restored"), || false);
    let result = std::panic::catch_unwind(|| panic!("boom"));
    let _ = std::panic::take_hook();
    assert!(result.is_err());
    let order = ORDER.lock().unwrap_or_else(|e| e.into_inner()).clone();
    assert_eq!(order, ["terminal restored", "message printed"]);

    // Outlived, the panic neither takes the screen down nor prints over it.
    ORDER.lock().unwrap_or_else(|e| e.into_inner()).clear();
    std::panic::set_hook(Box::new(|_| note("message printed")));
    terminal::chain_panic_hook(|| note("terminal restored"), || true);
    let result = std::panic::catch_unwind(|| panic!("boom"));
    let _ = std::panic::take_hook();
    assert!(result.is_err());
    assert!(ORDER.lock().unwrap_or_else(|e| e.into_inner()).is_empty());
    // Restoring a terminal the console never took is harmless.
    terminal::restore();
}

/// A terminal resized while the console ran (tmux, from 80×24 to 140×40)
/// put rows of the last frame on the shell's screen after quitting: the
/// alternate screen is emptied before it is left, so nothing is left to
/// carry over.
#[test]
fn the_alternate_screen_is_emptied_before_it_is_left() {
    let mut out = Vec::new();
    terminal::write_restore(&mut out).expect("written to memory");
    let out = String::from_utf8(out).expect("text");
    let (cleared, left) = (out.find("\x1b[2J"), out.find("\x1b[?1049l"));
    assert!(cleared.is_some() && left.is_some() && cleared < left, "{out:?}");
}
