//! `y`: the selection's id, or what a window shows, to the clipboard. The
//! console has no clipboard of its own: the text goes to the terminal
//! (OSC 52), which puts it on the desktop's clipboard, over SSH too.

use crate::ui::app::{App, Effect, Level, ListId, ListNav, Overlay};
use crate::ui::panes::format::count;

/// The most text one copy takes. Terminals and multiplexers limit what one
/// OSC 52 sequence may carry, each its own way, and drop one over their
/// limit without a word: a longer copy is refused here, with the reason,
/// rather than lost there unseen.
const MOST: usize = 64 * 1024;

/// Text to copy, and how the message names it.
struct Clip {
    text: String,
    what: String,
    /// How the text is laid out, when the message should say.
    layout: &'static str,
}

impl Clip {
    fn new(text: String, what: String) -> Self {
        Self { text, what, layout: "" }
    }
}

/// `y` on a list: the marked rows' ids, one a line, or else the selected
/// row's id; on the audit log, the selected record.
pub(super) fn from_list(app: &mut App, list: ListId, effects: &mut Vec<Effect>) {
    let clip = match list {
        ListId::Audit => match app.audit.selected_serial() {
            Some(serial) => record(app, serial),
            None => Err("Nothing to copy: no audit record is selected.".to_string()),
        },
        table => ids(app.list(table), Marks::Count),
    };
    copy(app, clip, effects);
}

/// `y` over a window: the row it details, the record it shows, or a
/// result's text.
pub(super) fn from_window(app: &mut App, effects: &mut Vec<Effect>) {
    let clip = match app.overlays.last() {
        Some(&Overlay::Detail { list, .. }) => ids(app.list(list), Marks::Ignored),
        Some(&Overlay::AuditRecord { serial, .. }) => record(app, serial),
        Some(Overlay::Result { title, text, .. }) => {
            // The title's first part names the window; the rest is a summary.
            let name = title.split(" · ").next().unwrap_or_default();
            Ok(Clip::new(text.clone(), format!("the text of “{name}”")))
        }
        _ => Err("Nothing to copy in this window.".to_string()),
    };
    copy(app, clip, effects);
}

fn copy(app: &mut App, clip: Result<Clip, String>, effects: &mut Vec<Effect>) {
    match clip {
        Ok(Clip { text, what, .. }) if text.len() > MOST => app.flash(
            format!(
                "Nothing copied: {what} would be {}, more than the {} one copy through the terminal \
                 can carry.",
                size(text.len()),
                size(MOST)
            ),
            Level::Error,
        ),
        Ok(Clip { text, what, layout }) => {
            effects.push(Effect::Copy(text));
            app.flash(format!("Copied {what} to the clipboard{layout}."), Level::Ok);
        }
        Err(why) => app.flash(why, Level::Info),
    }
}

/// Whether marked rows are what is copied: on the table, yes; in the
/// window that details one row, that row.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Marks {
    Count,
    Ignored,
}

/// The ids of a table's marked rows, or its selected row's.
fn ids(table: &dyn ListNav, marks: Marks) -> Result<Clip, String> {
    let noun = table.noun().ok_or_else(|| "Nothing to copy here.".to_string())?;
    let ids = if marks == Marks::Count { table.picked_ids() } else { Vec::new() };
    match ids.as_slice() {
        [] => {
            let id = table.selected_id().ok_or_else(|| format!("Nothing to copy: no {noun} is selected."))?;
            Ok(Clip::new(id.to_string(), format!("{noun} id {id}")))
        }
        [one] => Ok(Clip::new(one.to_string(), format!("the marked {noun}'s id {one}"))),
        many => {
            let what = format!("the ids of the {} marked {noun}s", count(many.len() as u64));
            Ok(Clip { layout: ", one a line", ..Clip::new(many.join("\n"), what) })
        }
    }
}

/// An audit record's line, as the log holds it.
fn record(app: &App, serial: u64) -> Result<Clip, String> {
    let record =
        app.audit.by_serial(serial).ok_or_else(|| "Nothing to copy: the record is gone.".to_string())?;
    let text = record.line().map_err(|e| format!("Nothing copied: {e}"))?;
    Ok(Clip::new(text, format!("audit record {} as JSON", record.seq)))
}

/// Bytes as the message gives them: `185 KB`.
fn size(bytes: usize) -> String {
    format!("{} KB", count(bytes.div_ceil(1024) as u64))
}
