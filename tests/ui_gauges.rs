//! The live gauges: latency, errors and throughput before and during a
//! run, and the webhook backlog: its age by the clock, and the last
//! delivery error whole.

mod ui_support;

use cxone_console::engine::Event;
use insta::assert_snapshot;
use ui_support::*;

#[test]
fn gauges_before_any_request_and_during_a_run() {
    let mut app = app(80, 24);
    let before = render(&app).lines().skip(16).collect::<Vec<_>>().join("\n");
    feed(&mut app, seeded_events());
    let during = render(&app).lines().skip(16).collect::<Vec<_>>().join("\n");
    assert_snapshot!(format!("{before}\n\n{during}"));
}

/// The oldest webhook waiting ages on screen by the clock, not only when
/// the outbox's status moves.
#[test]
fn the_oldest_webhook_waiting_ages_by_the_clock() {
    use cxone_console::engine::outbox::OutboxStatus;
    let mut app = loaded(150, 36);
    let status = OutboxStatus {
        backlog: 3,
        oldest_pending: Some(app.clock.wall - time::Duration::seconds(4)),
        running: true,
        ..Default::default()
    };
    feed(&mut app, [Event::Outbox(status)]);
    assert!(render(&app).contains("3 webhooks waiting, oldest 4s"), "{}", render(&app));
    tick(&mut app, std::time::Duration::from_secs(20));
    assert!(render(&app).contains("3 webhooks waiting, oldest 24s"), "{}", render(&app));
    // Past a minute the age takes more room: the word "webhooks" gives way first.
    tick(&mut app, std::time::Duration::from_secs(3_600));
    assert!(render(&app).contains("3 waiting, oldest 1h 00m"), "{}", render(&app));
}

/// The last webhook error's reason comes after a long message id: it wraps
/// onto the rows below instead of being cut at the panel's edge.
#[test]
fn the_last_webhook_error_wraps_to_show_its_reason() {
    use cxone_console::engine::outbox::OutboxStatus;
    let mut app = loaded(120, 40);
    let status = OutboxStatus {
        backlog: 55,
        running: true,
        last_error: Some(
            "msg_e4cef71cc5599456ff2d4e4074ff62b0: could not connect: Connection refused (os error 111)"
                .into(),
        ),
        ..Default::default()
    };
    feed(&mut app, [Event::Outbox(status)]);
    let screen = render(&app);
    assert!(screen.contains("last    msg_e4cef71cc5599456ff2d4e4074ff62b0:"), "{screen}");
    assert!(screen.contains("could not connect"), "the reason is on screen: {screen}");
    assert!(screen.contains("refused"), "{screen}");
}
