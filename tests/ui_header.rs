//! The header and the banner under it in each state of the link, the
//! tables and the engine, as insta snapshots of real frames.

mod ui_support;

use cxone_console::engine::{Connection, Entities, Event, Link, Stale};
use cxone_console::ui::Looks;
use cxone_console::ui::app::{Action, update};
use cxone_console::ui::theme::Colors;
use insta::assert_snapshot;
use ui_support::*;

/// The first `n` lines of a frame.
fn top(app: &cxone_console::ui::App, n: usize) -> String {
    render(app).lines().take(n).collect::<Vec<_>>().join("\n")
}

#[test]
fn header_on_a_real_tenant_read_only() {
    let mut session = tenant_session();
    session.read_only = true;
    let mut app = app_with(session, Looks::defaults(Colors::On), 110, 24);
    feed(&mut app, seeded_events());
    assert_snapshot!(top(&app, 1));
}

#[test]
fn header_while_connecting_frozen_with_changes_in_flight() {
    let mut app = app(110, 24);
    feed(&mut app, [Event::Connection(Connection { link: Link::Connecting, ..Connection::default() })]);
    press(&mut app, &["f"]);
    feed(
        &mut app,
        [
            Event::Accepted { id: cxone_console::engine::CommandId::derived([&b"a"[..]]), total: 10 },
            Event::Progress {
                id: cxone_console::engine::CommandId::derived([&b"a"[..]]),
                done: 4,
                total: 10,
            },
        ],
    );
    assert_snapshot!(top(&app, 1));
}

#[test]
fn a_tenant_out_of_reach_says_so_in_the_header_and_a_banner() {
    let mut app = loaded(110, 24);
    let down = Link::Down { reason: "connection refused by api-na1.niceincontact.com:443".into() };
    feed(
        &mut app,
        [Event::Connection(Connection { link: down, token_refreshes: 2, ..Connection::default() })],
    );
    assert_snapshot!(top(&app, 3));
}

#[test]
fn refused_credentials_are_not_called_out_of_reach_and_the_banner_says_it_retries() {
    let reason = "the tenant refused to issue an access token (HTTP 401: unknown client or wrong client \
                  secret); check the client id, secret and scopes of this profile";
    for width in [120, 80] {
        let mut app = loaded(width, 24);
        let down = Link::Down { reason: reason.into() };
        feed(
            &mut app,
            [Event::Connection(Connection { link: down, token_refreshes: 1, ..Connection::default() })],
        );
        let banner = top(&app, 4);
        assert!(!banner.contains("Cannot reach"), "{banner}");
        assert!(banner.contains("retrying") && banner.contains("client id, secret and scopes"), "{banner}");
        assert_snapshot!(format!("refused_credentials_banner_{width}"), banner);
    }
}

/// A kind that stopped refreshing while the link is up: its pane says for
/// how long, and the banner why; a round failing now and then is not
/// worth either.
#[test]
fn a_table_that_stopped_refreshing_says_for_how_long_and_why() {
    let forbidden = "the tenant refused the request (HTTP 403: missing scope agents:read)";
    let stale = |since: i64| {
        let stale = Stale {
            reason: forbidden.into(),
            last_read: Some(at(since + 5).datetime()),
            since: at(since).datetime(),
        };
        Event::Connection(Connection {
            link: Link::Up,
            stale: [(Entities::Agents, stale)].into(),
            ..Connection::default()
        })
    };
    let mut shown = loaded(120, 24);
    feed(&mut shown, [stale(3)]);
    let screen = render(&shown);
    assert!(!screen.contains("not refreshed") && !screen.contains("stopped refreshing"), "{screen}");
    feed(&mut shown, [stale(75)]);
    let screen = render(&shown);
    assert!(screen.contains("not refreshed for 1m 20s"), "{screen}");
    assert!(
        screen.contains("The agents table has stopped refreshing") && screen.contains("HTTP 403"),
        "{screen}"
    );
    // Never read at all, the empty table says why rather than wait.
    let mut empty = app(120, 24);
    feed(&mut empty, [stale(30)]);
    let screen = render(&empty);
    assert!(screen.contains("Could not read the agents, retrying: the tenant refused"), "{screen}");
}

/// Down from the start, nothing was ever read: the banner does not speak of
/// data received.
#[test]
fn a_tenant_never_reached_is_not_said_to_have_sent_data() {
    let mut app = app(120, 24);
    let down = Link::Down { reason: "connection refused".into() };
    feed(
        &mut app,
        [Event::Connection(Connection { link: down, token_refreshes: 0, ..Connection::default() })],
    );
    let banner = top(&app, 3);
    assert!(banner.contains("Nothing has been read from the tenant yet"), "{banner}");
    assert!(!banner.contains("last data received"), "{banner}");
}

#[test]
fn a_stopped_engine_says_so() {
    let mut app = loaded(110, 24);
    update(&mut app, Action::EngineStopped);
    assert_snapshot!(top(&app, 2));
}

/// On a narrow screen the profile's words give way before how the link
/// stands and what is in flight: the badge already says where the console
/// points.
#[test]
fn a_narrow_header_cuts_the_profile_before_the_link() {
    const EMBEDDED: &str = "sandbox · embedded at 127.0.0.1:38211";
    let header = |width| {
        let mut app = loaded(width, 12);
        app.session.profile = EMBEDDED.into();
        feed(&mut app, [Event::Connection(Connection { link: Link::Up, ..Connection::default() })]);
        top(&app, 1)
    };
    for width in [40, 52, 60, 70] {
        let header = header(width);
        assert!(header.contains("SANDBOX") && header.contains("● link up"), "at {width}: {header}");
    }
    assert!(header(52).contains("sandbox"), "cut, not left out, while some of it says something");
    let wide = header(160);
    assert!(wide.contains(&format!("{EMBEDDED} │ ● link up")), "whole where it fits: {wide}");
}
