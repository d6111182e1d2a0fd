//! Windows over the panes at the sizes a supervisor's terminal has: each
//! empties what it covers and the column either side, none leaves part of
//! what is under it (a form's corner, a pane's border) in or against its
//! border, and none reaches past the screen.

mod ui_support;

use cxone_console::engine::CommandId;
use cxone_console::engine::Event;
use cxone_console::ui::app::App;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ui_support::*;

const SIZES: [(u16, u16); 3] = [(80, 24), (100, 30), (120, 40)];

/// The box whose top-left corner starts `title` (as `┌ Confirm`): from that
/// corner to the `┐` that ends its top row and the `└` under the corner.
fn window_titled(buffer: &Buffer, title: &str) -> Option<Rect> {
    let y = row_of(buffer, title)?;
    let x = find_in_row(buffer, y, title)?;
    let right = (x + 1..buffer.area.width).find(|&c| buffer[(c, y)].symbol() == "┐")?;
    let bottom = (y + 1..buffer.area.height).find(|&r| buffer[(x, r)].symbol() == "└")?;
    Some(Rect::new(x, y, right - x + 1, bottom - y + 1))
}

fn is_border(symbol: &str) -> bool {
    symbol.chars().any(|c| ('\u{2500}'..='\u{257f}').contains(&c))
}

/// The column either side of `window`, where it is on screen, holds nothing.
fn sides_are_empty(buffer: &Buffer, window: Rect) -> Result<(), String> {
    for y in window.top()..window.bottom() {
        let left = window.x.checked_sub(1).map(|x| (x, y));
        let right = (window.right() < buffer.area.width).then_some((window.right(), y));
        for (x, y) in left.into_iter().chain(right) {
            if buffer[(x, y)].symbol() != " " {
                return Err(format!("{:?} at ({x}, {y}) beside the window", buffer[(x, y)].symbol()));
            }
        }
    }
    Ok(())
}

/// The state form for every agent, filled in: its window, and the console.
fn batch_form(width: u16, height: u16) -> (App, Rect) {
    let mut app = ready(width, height);
    press(&mut app, &["*", "c", "b", "b", "tab", "q"]);
    let form = window_titled(&frame(&app), "┌ Change state").expect("the form's window");
    (app, form)
}

#[test]
fn a_review_over_its_form_leaves_no_part_of_the_form_showing() {
    for (width, height) in SIZES {
        let (mut app, form) = batch_form(width, height);
        press(&mut app, &["enter"]);
        confirmation(&app);
        let buffer = frame(&app);
        let review = window_titled(&buffer, "┌ Confirm").expect("the review's window");
        for y in form.top()..form.bottom() {
            for x in form.left()..form.right() {
                let symbol = buffer[(x, y)].symbol();
                let on_review = review.contains((x, y).into());
                assert!(
                    on_review || !is_border(symbol),
                    "{width}×{height}: the form's {symbol:?} at ({x}, {y}) outside the review:\n{}",
                    render(&app)
                );
            }
        }
        if let Err(stray) = sides_are_empty(&buffer, review) {
            panic!("{width}×{height}: {stray}:\n{}", render(&app));
        }
    }
}

#[test]
fn a_review_of_one_change_covers_its_form_too() {
    for (width, height) in SIZES {
        let mut app = ready(width, height);
        press(&mut app, &["c", "b", "b", "tab", "q"]);
        let form = window_titled(&frame(&app), "┌ Change state").expect("the form's window");
        press(&mut app, &["enter"]);
        let review = window_titled(&frame(&app), "┌ Confirm").expect("the review's window");
        assert_eq!(review.union(form), review, "{width}×{height}:\n{}", render(&app));
    }
}

/// A console with a batch of three in flight, asked whether to quit.
fn asked_to_quit(width: u16, height: u16) -> App {
    let mut app = loaded(width, height);
    feed(&mut app, [Event::Accepted { id: CommandId::derived([&b"status"[..]]), total: 3 }]);
    press(&mut app, &["q"]);
    app
}

#[test]
fn the_quit_question_keeps_the_panes_borders_off_its_own() {
    for (width, height) in SIZES {
        let app = asked_to_quit(width, height);
        let buffer = frame(&app);
        let window = window_titled(&buffer, "┌ Quit?").expect("the question's window");
        if let Err(stray) = sides_are_empty(&buffer, window) {
            panic!("{width}×{height}: {stray}:\n{}", render(&app));
        }
    }
}

#[test]
fn the_quit_question_on_a_narrow_screen_wraps_and_stays_on_it() {
    let app = asked_to_quit(40, 14);
    let buffer = frame(&app);
    let window = window_titled(&buffer, "┌ Quit?").expect("the question's window");
    assert!(window.right() <= 40, "{}", render(&app));
    let inside: String = (window.top() + 1..window.bottom() - 1)
        .flat_map(|y| (window.left() + 1..window.right() - 1).map(move |x| (x, y)))
        .map(|(x, y)| buffer[(x, y)].symbol().to_string())
        .collect::<String>();
    let said = inside.split_whitespace().collect::<Vec<_>>().join(" ");
    for words in [
        "1 change is still in flight (3 of 3 targets left).",
        "Every outcome is recorded before the console exits.",
        "y/Enter/Ctrl-c let it finish, then quit",
        "n/Esc stay",
    ] {
        assert!(said.contains(words), "{words:?} in {said:?}:\n{}", render(&app));
    }
}

#[test]
fn help_and_the_breakdown_keep_the_panes_borders_off_their_own() {
    for (width, height) in SIZES {
        let mut app = loaded(width, height);
        for (keys, title) in [(&["?"][..], "┌ Help"), (&["esc", "m"][..], "┌ Per operation")] {
            press(&mut app, keys);
            let buffer = frame(&app);
            let window = window_titled(&buffer, title).expect("the window");
            if let Err(stray) = sides_are_empty(&buffer, window) {
                panic!("{width}×{height} {title}: {stray}:\n{}", render(&app));
            }
        }
    }
}

/// What `window` says, border and all, its rows joined and its spaces
/// collapsed, box-drawing left out.
fn said_in(buffer: &Buffer, window: Rect) -> String {
    let text: String = (window.top()..window.bottom())
        .flat_map(|y| (window.left()..window.right()).map(move |x| (x, y)).chain([(u16::MAX, y)]))
        .map(|(x, y)| match buffer.cell((x, y)).map(|c| c.symbol()) {
            Some(symbol) if !is_border(symbol) => symbol.to_string(),
            _ => " ".to_string(),
        })
        .collect();
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The command line's box: it stands on the line above the command line,
/// its left side on the screen's.
fn suggestions_box(buffer: &Buffer) -> Option<Rect> {
    let bottom = buffer.area.height.checked_sub(2)?;
    (buffer[(0, bottom)].symbol() == "└").then_some(())?;
    let top = (0..bottom).rev().find(|&y| buffer[(0, y)].symbol() == "┌")?;
    let right = (1..buffer.area.width).find(|&x| buffer[(x, top)].symbol() == "┐")?;
    Some(Rect::new(0, top, right + 1, bottom - top + 1))
}

#[test]
fn every_command_and_what_it_does_reads_whole_on_the_command_line() {
    use cxone_console::ui::app::palette;
    for (width, height) in [(80, 24), (100, 30)] {
        let mut app = loaded(width, height);
        press(&mut app, &[":"]);
        let found = palette::suggestions("", &palette::scope(&app));
        assert!(found.len() > 20, "every command: {found:?}");
        for (i, suggestion) in found.iter().enumerate() {
            if i > 0 {
                press(&mut app, &["down"]);
            }
            let buffer = frame(&app);
            let area = suggestions_box(&buffer).expect("the suggestions' box");
            let rows: Vec<String> = (area.top() + 1..area.bottom() - 1)
                .map(|y| (1..area.right() - 1).map(|x| buffer[(x, y)].symbol()).collect())
                .collect();
            assert!(
                rows.iter().all(|r| !r.contains('…')),
                "{width}×{height}: nothing cut:\n{}",
                render(&app)
            );
            // The selected one, and the lines its description goes on to.
            let named = format!("{} ", suggestion.line.trim_end());
            let Some(first) = rows.iter().position(|r| r.starts_with(&named)) else {
                panic!("{width}×{height}: {:?} in view when selected:\n{}", suggestion.line, render(&app));
            };
            let more = rows[first + 1..].iter().take_while(|r| r.starts_with(' '));
            let entry: Vec<&str> =
                std::iter::once(&rows[first]).chain(more).flat_map(|r| r.split_whitespace()).collect();
            let whole = format!("{} {}", suggestion.line, suggestion.desc);
            assert_eq!(entry.join(" "), whole.split_whitespace().collect::<Vec<_>>().join(" "));
        }
    }
}

#[test]
fn a_metrics_result_shows_its_whole_title() {
    use cxone_console::engine::{Change, Finished, Outcome};
    let summary = "7 rows: 12,840 executions, 0.4% errors, from 2026-11-14 to 2026-11-21";
    for (width, height) in [(80, 24), (100, 30), (120, 40)] {
        let mut app = ready(width, height);
        press(&mut app, &["4", "j", "j", "e"]);
        let sent = submitted(&press(&mut app, &["enter"]));
        let [(id, Change::DataAction(_))] = sent.as_slice() else { panic!("{sent:?}") };
        let rows = serde_json::json!([{"actionId": "da-0001", "date": "2026-11-21", "version": "1.2.0",
            "status": "success", "count": 1842, "errorRate": 0.0, "avgLatencyMs": 38.4}]);
        let outcome = Outcome::Applied { summary: summary.into(), data: Some(rows) };
        feed(
            &mut app,
            [Event::Finished { id: id.clone(), result: Finished::Single { target: None, outcome } }],
        );
        let buffer = frame(&app);
        let window = window_titled(&buffer, "┌ metrics of SentimentRoutingAction").expect("the result");
        let said = said_in(&buffer, window);
        assert!(said.contains("metrics of SentimentRoutingAction"), "{said}");
        assert!(said.contains(summary), "{width}×{height}: {said}\n{}", render(&app));
        assert!(said.contains("2026-11-21 1.2.0 success 1842"), "the rows still follow: {said}");
    }
}
