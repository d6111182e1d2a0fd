//! The interaction attributes form: rows of key, value and mode, added and
//! removed as needed; the tenant applies them all or none.

use super::interaction_disposition::named;
use super::{Check, Choice, Field, Form, Input, Kind, Named, Opt, Outgoing, Plan, PlanLine, count};
use crate::api::model::{Attribute, Interaction};
use crate::domain::attributes::{AttributeDraft, AttributeMode, AttributeUpdate, Refusal, held_values, plan};
use crate::domain::numbers::first_inexact;
use crate::ui::panes::format::short_id;
use serde_json::{Map, Value};

/// Fields per row: key, value, mode.
const PER_ROW: usize = 3;
/// The mode's place in its row.
const MODE: usize = 2;

pub(super) fn open(rows: Vec<Interaction>, typed: &[(String, String)]) -> Form {
    let title = match rows.as_slice() {
        [one] => format!("Attributes · {}", named(one)),
        many => format!("Attributes · {}", count(many.len(), "interaction")),
    };
    let mut fields = Vec::new();
    for (n, (key, value)) in typed.iter().enumerate() {
        fields.extend(row(n, key, value));
    }
    if fields.is_empty() {
        fields.extend(row(0, "", ""));
    }
    let mut form = Form::new(Kind::Attributes(rows), title, fields);
    // Typed keys and values show their problems at once; their modes are
    // still the form's to pick (see `follow_modes`).
    for (i, field) in form.fields.iter_mut().enumerate() {
        field.touched = !typed.is_empty() && i % PER_ROW != MODE;
    }
    form
}

/// Each row's mode follows its key until the supervisor picks one: ADD
/// for a key none of the interactions has, UPDATE for one all of them
/// have (the tenant refuses the other way round). A key some have and some
/// lack is left to the supervisor; the confirmation notes which.
fn follow_modes(fields: &mut [Field], rows: &[Interaction]) {
    for row in fields.chunks_mut(PER_ROW) {
        let [key, _, Field { input: Input::Choice(mode), touched: false, .. }] = row else { continue };
        let key = key.value();
        if key.trim().is_empty() {
            continue;
        }
        let having = rows.iter().filter(|i| i.attributes.iter().any(|a| a.key == key)).count();
        if having == 0 {
            mode.pick(AttributeMode::Add.as_str());
        } else if having == rows.len() {
            mode.pick(AttributeMode::Update.as_str());
        }
    }
}

fn row(n: usize, key: &str, value: &str) -> [Field; PER_ROW] {
    let modes =
        [AttributeMode::Update, AttributeMode::Add, AttributeMode::Delete].map(|m| Opt::plain(m.as_str()));
    [
        // The row shows each field's label before it: the hints say only
        // what goes there, or the row would read "key key value value".
        Field::text(&format!("attributes[{n}].key"), "Key", key, "e.g. tier").in_row(n),
        Field::text(&format!("attributes[{n}].value"), "Value", value, "text or a number").in_row(n),
        Field::choice(&format!("attributes[{n}].mode"), "Mode", Choice::new(modes.to_vec(), "UPDATE"))
            .in_row(n),
    ]
}

pub(super) fn add_row(fields: &mut Vec<Field>, after: Option<usize>) -> Option<usize> {
    let at = after.map_or(fields.len(), |row| (row + 1) * PER_ROW);
    for (i, field) in row(0, "", "").into_iter().enumerate() {
        fields.insert(at + i, field);
    }
    renumber(fields);
    Some(at)
}

pub(super) fn remove_row(fields: &mut Vec<Field>, row_number: usize) -> bool {
    let start = row_number * PER_ROW;
    if start + PER_ROW > fields.len() {
        return false;
    }
    fields.drain(start..start + PER_ROW);
    if fields.is_empty() {
        fields.extend(row(0, "", ""));
    }
    renumber(fields);
    true
}

fn renumber(fields: &mut [Field]) {
    for (i, field) in fields.iter_mut().enumerate() {
        let n = i / PER_ROW;
        let part = ["key", "value", "mode"][i % PER_ROW];
        field.name = format!("attributes[{n}].{part}");
        field.row = Some(n);
    }
}

/// A typed value as JSON: a number, `true`, `false` or `null` stays what it
/// is, and a value in double quotes is text (see [`unquote`]); anything
/// else is text as typed, and so is a number that would not be sent as
/// typed (`0.1000000000000000000001`), kept whole.
pub(super) fn scalar(text: &str) -> Value {
    if let Some(text) = unquote(text) {
        return Value::String(text);
    }
    if first_inexact(text).is_some() {
        return Value::String(text.to_string());
    }
    match serde_json::from_str::<Value>(text) {
        Ok(value @ (Value::Number(_) | Value::Bool(_) | Value::Null)) => value,
        _ => Value::String(text.to_string()),
    }
}

/// The text inside double quotes, where `\"` stands for a quote and `\\`
/// for a backslash. Any other backslash is kept as typed, not read as a
/// JSON escape: `"C:\temp\new"` is a path, not C: a tab emp a line break
/// ew. `None` when `text` is not one quoted value (a quote inside it left
/// bare, or its closing quote escaped).
fn unquote(text: &str) -> Option<String> {
    let inner = text.strip_prefix('"')?.strip_suffix('"')?;
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next()? {
                escaped @ ('"' | '\\') => out.push(escaped),
                other => out.extend(['\\', other]),
            },
            '"' => return None,
            c => out.push(c),
        }
    }
    Some(out)
}

/// A value as a review shows it: text in quotes, so that "68" and 68 are
/// told apart, with nothing inside changed but control characters, which
/// are escaped (`\u0009`) so that none moves the screen and none passes for
/// the backslash and letter it would otherwise look like.
pub(super) fn shown(value: &Value) -> String {
    let Value::String(text) = value else { return value.to_string() };
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        if c.is_control() {
            out.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out.push('"');
    out
}

/// The rows as drafts, blank rows left out; with each draft's row number.
fn drafts(fields: &[Field]) -> Vec<(usize, AttributeDraft)> {
    fields
        .chunks(PER_ROW)
        .enumerate()
        .filter_map(|(n, row)| {
            let [key, value, mode] = row else { return None };
            let (key, value, mode) = (key.value(), value.value(), mode.value());
            if key.is_empty() && value.is_empty() {
                return None;
            }
            // A DELETE takes no value: one typed is left out (its row
            // says so), not sent for the tenant to ignore or refuse.
            let value = if mode == "DELETE" { Value::Null } else { scalar(&value) };
            Some((n, AttributeDraft { key, value, mode }))
        })
        .collect()
}

/// The note on a DELETE row with a value typed: said as it is typed, since
/// the value is left out of what is sent.
const DELETE_TAKES_NO_VALUE: &str = "a DELETE takes no value; it is not sent";

fn note_values_not_sent(fields: &mut [Field]) {
    for row in fields.chunks_mut(PER_ROW) {
        let [_, value, mode] = row else { continue };
        let dropped = mode.value() == AttributeMode::Delete.as_str() && !value.value().trim().is_empty();
        value.aside = if dropped { DELETE_TAKES_NO_VALUE.to_string() } else { String::new() };
    }
}

/// A DELETE of a key that some of the interactions lack does nothing to
/// those, which the tenant takes without a word: said on the row as it is
/// typed, and warned of again on the confirmation.
fn nothing_to_delete(key: &str, rows: &[Interaction]) -> Option<String> {
    let lacking = rows.iter().filter(|i| !holds(i, key)).count();
    let whom = match (lacking, rows.len()) {
        (0, _) => return None,
        (_, 1) => "this interaction".to_string(),
        (l, n) if l == n => format!("any of the {n} interactions"),
        (l, n) => format!("{l} of the {n} interactions"),
    };
    Some(format!("{key} is not set on {whom} (as of the last refresh): nothing to delete"))
}

fn holds(interaction: &Interaction, key: &str) -> bool {
    interaction.attributes.iter().any(|a| a.key == key)
}

fn note_nothing_to_delete(fields: &mut [Field], rows: &[Interaction]) {
    for row in fields.chunks_mut(PER_ROW) {
        let [key, _, mode] = row else { continue };
        let typed = key.value();
        let deleting = mode.value() == AttributeMode::Delete.as_str() && !typed.trim().is_empty();
        key.aside = deleting.then(|| nothing_to_delete(typed.trim(), rows)).flatten().unwrap_or_default();
    }
}

pub(super) fn check(fields: &mut [Field], rows: &[Interaction]) -> Check {
    follow_modes(fields, rows);
    note_values_not_sent(fields);
    note_nothing_to_delete(fields, rows);
    let numbered = drafts(fields);
    let drafts: Vec<AttributeDraft> = numbered.iter().map(|(_, d)| d.clone()).collect();
    // Problems name the n-th draft; the form's rows skip blank ones.
    let rename = |field: &str| -> String {
        let Some(rest) = field.strip_prefix("attributes[") else { return field.to_string() };
        let Some((index, tail)) = rest.split_once(']') else { return field.to_string() };
        match index.parse::<usize>().ok().and_then(|i| numbered.get(i)) {
            Some((row, _)) => format!("attributes[{row}]{tail}"),
            None => field.to_string(),
        }
    };
    let mut check = Check::default();
    let mut each = Vec::new();
    let mut lines = Vec::new();
    for row in rows {
        match AttributeUpdate::validate(row.id.as_str(), &drafts) {
            Ok(update) => {
                let before = update
                    .entries
                    .iter()
                    .map(|e| {
                        let held = row.attributes.iter().find(|a| a.key == e.key.as_str());
                        format!("{}={}", e.key, held.map_or("—".to_string(), |a| shown(&a.value)))
                    })
                    .collect::<Vec<_>>()
                    .join(", ");
                let after = update
                    .entries
                    .iter()
                    .map(|e| match e.mode {
                        AttributeMode::Delete if !holds(row, e.key.as_str()) => {
                            format!("{}: nothing to delete", e.key)
                        }
                        AttributeMode::Delete => format!("{} deleted", e.key),
                        mode => format!("{}={} ({mode})", e.key, shown(&e.value.to_json())),
                    })
                    .collect::<Vec<_>>()
                    .join(", ");
                let who = row.customer_name.as_deref().map_or(String::new(), |c| format!(" ({c})"));
                let note = held_against(&update, &row.attributes);
                lines.push(PlanLine {
                    entity: format!("{}{who}", short_id(row.id.as_str())),
                    before,
                    after,
                    note,
                });
                each.push(Named {
                    draft: (row.id.to_string(), drafts.clone()),
                    name: row.customer_name.clone().unwrap_or_default(),
                });
            }
            Err(invalid) => {
                for e in invalid.errors() {
                    let field = if e.field == "interaction_id" { String::new() } else { rename(&e.field) };
                    check.note(field, e.rule.clone());
                }
            }
        }
    }
    if rows.is_empty() {
        check.note("", "no interaction is selected");
    }
    let title = match rows {
        [one] => format!("Change the attributes of the {}?", named(one)),
        many => format!("Change the attributes of {}?", count(many.len(), "interaction")),
    };
    let label = count(drafts.len(), "attribute");
    let warnings: Vec<String> = drafts
        .iter()
        .filter(|d| d.mode == AttributeMode::Delete.as_str())
        .filter_map(|d| nothing_to_delete(d.key.trim(), rows))
        .collect();
    check.finish(|| {
        let plan = Plan::new(title, label, lines, Outgoing::Attributes(each)).counted("interaction");
        warnings.into_iter().fold(plan, |plan, warning| plan.warn(format!("{warning}.")))
    })
}

/// What the tenant would make of `update` on an interaction holding
/// `held` (as of the last refresh), by the rules it applies: the entries it
/// refuses, or that nothing would change.
fn held_against(update: &AttributeUpdate, held: &[Attribute]) -> Option<String> {
    let held_map: Map<String, Value> = held.iter().map(|a| (a.key.clone(), a.value.clone())).collect();
    let values = held_values(&held_map);
    match plan(&update.entries, |key| values.get(key), held.len()) {
        Ok(changes) if changes.is_empty() => {
            Some("as of the last refresh, it holds these already: nothing would change".into())
        }
        Ok(_) => None,
        Err(Refusal::Conflict(conflicts)) => {
            let rules: Vec<&str> = conflicts.errors().iter().map(|e| e.rule.as_str()).collect();
            Some(format!("as of the last refresh, the tenant would refuse it: {}", rules.join("; ")))
        }
        Err(too_many) => Some(format!("as of the last refresh, the tenant would refuse it: {too_many}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_values_keep_their_json_kind_and_everything_else_is_text() {
        assert_eq!(scalar("9"), Value::from(9));
        assert_eq!(scalar("true"), Value::Bool(true));
        assert_eq!(scalar("null"), Value::Null);
        assert_eq!(scalar("\"9\""), Value::from("9"));
        assert_eq!(scalar("enterprise"), Value::from("enterprise"));
        assert_eq!(scalar("[1]"), Value::from("[1]"), "lists are text here");
        assert_eq!(scalar("1e16"), serde_json::from_str::<Value>("1e16").unwrap(), "a float kept as typed");
        for typed in ["0.1000000000000000000001", "123456789012345678901234567890", "1e400"] {
            assert_eq!(scalar(typed), Value::from(typed), "not sent as another number: {typed}");
        }
    }

    /// Inside quotes a backslash is itself, but before a quote or another
    /// backslash: a Windows path is not read as JSON escapes.
    #[test]
    fn a_quoted_value_keeps_its_backslashes_but_for_quotes_and_backslashes() {
        assert_eq!(scalar(r#""C:\temp\new""#), Value::from(r"C:\temp\new"));
        assert_eq!(scalar(r#""a\qb""#), Value::from(r"a\qb"));
        assert_eq!(scalar(r#""say \"hi\"""#), Value::from(r#"say "hi""#));
        assert_eq!(scalar(r#""C:\\temp\\""#), Value::from(r"C:\temp\"));
        assert_eq!(scalar(r#""\u00e9""#), Value::from(r"\u00e9"), "no JSON escape at all");
        assert_eq!(scalar(r#""""#), Value::from(""));
        for not_one_value in [r#""a"b""#, r#""a\""#, r#"""#] {
            assert_eq!(scalar(not_one_value), Value::from(not_one_value), "text as typed: {not_one_value}");
        }
    }

    #[test]
    fn a_review_shows_text_as_it_goes_and_control_characters_escaped() {
        assert_eq!(shown(&Value::from(r"C:\temp\new")), r#""C:\temp\new""#);
        assert_eq!(shown(&Value::from("C:\temp\new")), r#""C:\u0009emp\u000aew""#);
        assert_eq!(shown(&Value::from("68")), r#""68""#);
        assert_eq!(shown(&Value::from(68)), "68");
        assert_eq!(shown(&Value::from(r#"say "hi""#)), r#""say "hi"""#);
    }

    #[test]
    fn rows_are_added_after_the_focus_and_renumbered() {
        let mut form = open(Vec::new(), &[("a".into(), "1".into()), ("b".into(), "2".into())]);
        assert_eq!(add_row(&mut form.fields, Some(0)), Some(3));
        let keys: Vec<String> = form.fields.chunks(3).map(|r| r[0].value()).collect();
        assert_eq!(keys, ["a", "", "b"]);
        assert_eq!(form.fields[6].name, "attributes[2].key");
        assert!(remove_row(&mut form.fields, 1));
        assert_eq!(form.fields[3].value(), "b");
        assert_eq!(form.fields[3].name, "attributes[1].key");
    }
}
