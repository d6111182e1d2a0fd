//! What a change waits on shows on the progress line, with how long, and
//! no longer once the wait is over: a campaign the tenant paused, and a
//! write sent again after no answer came (a single change, which shows on
//! the progress line only while it waits).

mod ui_support;

use cxone_console::api::retry::Setback;
use cxone_console::engine::{CommandId, Event, Wait};
use std::time::Duration;
use ui_support::*;

/// The rendered line holding `needle`, trimmed, if any.
fn line_with(app: &cxone_console::ui::app::App, needle: &str) -> Option<String> {
    render(app).lines().find(|l| l.contains(needle)).map(|l| l.trim().to_string())
}

#[test]
fn a_paused_campaign_is_said_with_its_wait_until_the_wait_is_over() {
    let mut app = ready(160, 32);
    let id = CommandId::random();
    let paused = Wait::CampaignPaused { campaign: "Spring Renewal".into() };
    feed(
        &mut app,
        [
            Event::Accepted { id: id.clone(), total: 12 },
            Event::Waiting { id: id.clone(), wait: paused, lasts: Duration::from_secs(20) },
        ],
    );
    let said = "waiting 20 s: campaign Spring Renewal paused, the tenant asked (429)";
    let line = line_with(&app, said).unwrap_or_else(|| panic!("not said: {}", render(&app)));
    println!("progress: {line}");
    assert!(line.contains("0/12"), "on the batch's progress line: {line}");
    let header = line_with(&app, "1 change in flight").expect("the header");
    println!("header: {header}");
    assert!(header.contains("1 change in flight (0/12) · waiting 20 s, the tenant asked (429)"), "{header}");

    // Away from the agents, whose time in state redraws every second
    // anyway: the countdown alone asks for the next frame.
    press(&mut app, &["2"]);
    app.mark_drawn();
    tick(&mut app, Duration::from_secs(1));
    assert!(app.is_dirty(), "the countdown is drawn again as it moves");
    tick(&mut app, Duration::from_secs(4));
    assert!(line_with(&app, "waiting 15 s: campaign Spring Renewal paused").is_some(), "{}", render(&app));
    // Another contact ending does not end the campaign's pause.
    feed(&mut app, [Event::Progress { id: id.clone(), done: 1, total: 12 }]);
    assert!(line_with(&app, "waiting 15 s: campaign Spring Renewal").is_some(), "{}", render(&app));

    tick(&mut app, Duration::from_secs(15));
    let screen = render(&app);
    assert!(!screen.contains("paused") && !screen.contains("the tenant asked"), "the wait is over: {screen}");
    assert!(line_with(&app, "1/12").is_some(), "the batch's progress stays: {screen}");
}

#[test]
fn a_single_write_sent_again_after_no_answer_shows_until_it_moves_on() {
    let mut app = ready(160, 32);
    let id = CommandId::random();
    feed(&mut app, [Event::Accepted { id: id.clone(), total: 1 }]);
    assert!(!render(&app).contains("0/1 "), "a single change has no progress line of its own");
    let retrying = Wait::Retrying { setback: Setback::Interrupted, attempt: 2, attempts: 4 };
    feed(
        &mut app,
        [Event::Waiting { id: id.clone(), wait: retrying.clone(), lasts: Duration::from_secs(30) }],
    );
    let said = "no answer yet, trying again (attempt 2 of 4), waiting up to 30 s";
    let line = line_with(&app, said).unwrap_or_else(|| panic!("not said: {}", render(&app)));
    println!("progress: {line}");
    assert!(!line.contains("cancels"), "the batch key does not cancel a single change: {line}");
    let header = line_with(&app, "1 change in flight").expect("the header");
    println!("header: {header}");
    assert!(header.contains("1 change in flight (0/1) · trying again, waiting up to 30 s"), "{header}");

    tick(&mut app, Duration::from_secs(12));
    assert!(line_with(&app, "waiting up to 18 s").is_some(), "{}", render(&app));
    // The engine says the wait is over once the call tried again ends.
    feed(&mut app, [Event::Waiting { id: id.clone(), wait: retrying, lasts: Duration::ZERO }]);
    let screen = render(&app);
    assert!(!screen.contains("trying again"), "the write answered: {screen}");
}
