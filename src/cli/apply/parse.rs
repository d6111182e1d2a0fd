//! From a line's fields to what it asks for. Field names are the wire's,
//! as the rules name them in their errors: `interaction_id`, `agent_id`
//! for document 000; `contactId`, `outcomeCode` for document 001, and so on.

use super::entry::{ActionRef, Entry, Op};
use super::fields::Fields;
use crate::domain::agent_status::{AgentStatusDraft, DirectiveFlags};
use crate::domain::attributes::AttributeDraft;
use crate::domain::contact_disposition::ContactDispositionDraft;
use crate::domain::data_action::{DataActionDraft, MetricsRange};
use crate::domain::interaction_disposition::DispositionDraft;
use crate::domain::{FieldError, Invalid};
use serde_json::Map;
use std::collections::BTreeSet;
use std::path::Path;

/// A line's entry as its fields give it, before its rules are held to it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Draft {
    Entry(Entry),
    /// A metrics line's range as written: it becomes moments when checked,
    /// read at the moment the file is, in [`super::local::check`].
    Metrics {
        action: ActionRef,
        date_from: String,
        date_to: String,
    },
}

/// The entry `fields` describe (`base` is where document paths start),
/// with a neutral value where a field could not be read, and the problems of those fields: so that the document's
/// rules can still be held to the rest. Fails only when the line names no
/// operation.
pub(crate) fn read_entry(mut fields: Fields, base: &Path) -> Result<(Draft, Vec<FieldError>), Invalid> {
    let op_text = fields.text("op");
    let Some(op) = Op::parse(&op_text) else {
        let known: Vec<&str> = Op::ALL.iter().map(|op| op.name()).collect();
        let rule = match op_text.trim() {
            _ if fields.refused("op") => format!("must be text: one of {}", known.join(", ")),
            "" => format!("is required: one of {}", known.join(", ")),
            other => format!("{other:?} is not an operation; use one of {}", known.join(", ")),
        };
        return Err(FieldError::new("op", rule).into());
    };
    let entry = read(op, &mut fields, base);
    Ok((entry, fields.finish(op.name())))
}

/// Every field some operation reads, `op` included: a CSV column outside
/// them is a mistake even where its cells are empty.
pub(crate) fn known_fields() -> BTreeSet<String> {
    let mut known = BTreeSet::new();
    for op in Op::ALL {
        let mut fields = Fields::from_json(Map::new(), "");
        let _ = fields.text("op");
        read(op, &mut fields, Path::new("."));
        known.extend(fields.asked().iter().cloned());
    }
    known
}

fn read(op: Op, f: &mut Fields, base: &Path) -> Draft {
    Draft::Entry(match op {
        Op::InteractionDisposition => {
            let interaction_id = f.text("interaction_id");
            let dispositions = match f.list("dispositions") {
                Some(entries) => {
                    not_both(
                        f,
                        "dispositions",
                        &["code", "description", "agent_id", "timestamp", "source", "notes"],
                    );
                    entries.into_iter().map(|entry| adopted(f, entry, disposition)).collect()
                }
                None => vec![disposition(f)],
            };
            Entry::InteractionDisposition { interaction_id, dispositions }
        }
        Op::ContactDisposition => Entry::ContactDisposition(ContactDispositionDraft {
            contact_id: f.text("contactId"),
            campaign_id: f.text("campaignId"),
            outcome_code: f.text("outcomeCode"),
            agent_id: f.text("agentId"),
            notes: f.text("notes"),
            custom_fields: f.json("customFields"),
            disposition_timestamp: f.text("dispositionTimestamp"),
        }),
        Op::Attributes => {
            let interaction_id = f.text("interaction_id");
            let rows = match f.list("attributes") {
                Some(entries) => {
                    not_both(f, "attributes", &["key", "value", "mode"]);
                    entries.into_iter().map(|entry| adopted(f, entry, attribute)).collect()
                }
                None => vec![attribute(f)],
            };
            Entry::Attributes { interaction_id, rows }
        }
        Op::AgentStatus => Entry::AgentStatus(AgentStatusDraft {
            user_id: f.text("userId"),
            status: f.text("status"),
            pause_reason: f.text("pauseReason"),
            wrap_up_code: f.text("wrapUpCode"),
            auto_available: f.flag("autoAvailable", DirectiveFlags::default().auto_available),
            respect_wrap_up: f.flag("respectWrapUp", DirectiveFlags::default().respect_wrap_up),
        }),
        Op::Deploy => Entry::Deploy(DataActionDraft {
            name: f.text("name"),
            version: f.text("version"),
            input_schema: required_document(f, "inputSchema", base),
            output_schema: required_document(f, "outputSchema", base),
            handler_url: f.text("handlerUrl"),
            timeout_ms: f.number("timeoutMs"),
            description: f.text("description"),
        }),
        Op::NewVersion => Entry::NewVersion { action: action(f), version: f.text("version") },
        Op::Deprecate => Entry::Deprecate { action: action(f) },
        Op::Simulate => Entry::Simulate { input: required_document(f, "input", base) },
        Op::Metrics => {
            let action = action(f);
            let (date_from, date_to) = (f.text(MetricsRange::FROM), f.text(MetricsRange::TO));
            return Draft::Metrics { action, date_from, date_to };
        }
    })
}

/// A line that gives a list and also one entry's fields beside it: which
/// it meant cannot be known, so each such field is refused by name.
fn not_both(f: &mut Fields, list: &str, flat: &[&str]) {
    for field in flat {
        if !f.has(field) {
            continue;
        }
        // Taken, so it is not also named as a field the operation lacks.
        let _ = f.text(field);
        f.refuse(field, format!("give one entry's fields or a list of them in {list}, not both"));
    }
}

/// An entry of one of the line's lists, read by `read`; its problems join
/// the line's.
fn adopted<T>(line: &mut Fields, mut entry: Fields, read: impl FnOnce(&mut Fields) -> T) -> T {
    let value = read(&mut entry);
    line.adopt(entry);
    value
}

fn disposition(f: &mut Fields) -> DispositionDraft {
    DispositionDraft {
        code: f.text("code"),
        description: f.text("description"),
        agent_id: f.text("agent_id"),
        timestamp: f.text("timestamp"),
        source: f.text("source"),
        notes: f.text("notes"),
    }
}

fn attribute(f: &mut Fields) -> AttributeDraft {
    let given = f.has("value");
    let draft = AttributeDraft { key: f.text("key"), value: f.value("value"), mode: f.text("mode") };
    // An empty CSV cell or a forgotten field must not set null: only a
    // JSON null says so.
    let deleting = draft.mode.trim().eq_ignore_ascii_case("DELETE");
    if !given && !deleting {
        // A CSV cell left empty is read as forgotten, not as empty text.
        f.refuse(
            "value",
            "is required unless the mode is DELETE (an empty text is set from a JSON line, \"value\": \"\", \
             and null from \"value\": null)",
        );
    }
    // A DELETE removes the key whatever it holds: a value beside it reads as
    // a condition the tenant never checks.
    if given && deleting && !draft.value.is_null() {
        f.refuse("value", "is not used by DELETE, which removes the key whatever it holds; leave it out");
    }
    draft
}

fn required_document(f: &mut Fields, field: &str, base: &Path) -> serde_json::Value {
    let document = f.document(field, base);
    if document.is_none() && !f.refused(field) {
        f.refuse(field, "is required: a JSON document, or the path of a file holding one");
    }
    document.unwrap_or_default()
}

/// `id`, or `name` when the id is not known; not both.
fn action(f: &mut Fields) -> ActionRef {
    let (id, name) = (f.text("id"), f.text("name"));
    match (id.trim(), name.trim()) {
        ("", "") => {
            f.refuse("id", "is required (or give the action's name instead)");
            ActionRef::Id(String::new())
        }
        (id, "") => ActionRef::Id(id.to_string()),
        ("", name) => ActionRef::Name(name.to_string()),
        (id, _) => {
            f.refuse("name", "give the action's id or its name, not both");
            // The id is still held to its own rules, and only to those.
            ActionRef::Id(id.to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Problems;
    use serde_json::{Value, json};

    /// The entry, or every problem of its fields.
    fn parse(value: Value) -> Result<Draft, Invalid> {
        let Value::Object(object) = value else { unreachable!("tests pass objects") };
        let (entry, unread) = read_entry(Fields::from_json(object, ""), Path::new("."))?;
        let mut p = Problems::new();
        for problem in unread {
            p.push(problem.field, problem.rule);
        }
        p.finish(|| Some(entry))
    }

    #[test]
    fn a_single_disposition_may_be_written_flat_or_as_a_list() {
        let flat = parse(json!({"op": "interaction_disposition", "interaction_id": "i-1", "code": "101",
            "description": "Issue Resolved", "agent_id": "a-1"}))
        .unwrap();
        let listed = parse(json!({"op": "interaction_disposition", "interaction_id": "i-1",
            "dispositions": [{"code": "101", "description": "Issue Resolved", "agent_id": "a-1"}]}))
        .unwrap();
        assert_eq!(flat, listed);
    }

    #[test]
    fn unknown_operations_and_fields_are_named() {
        let err = parse(json!({"op": "agent_state"})).unwrap_err();
        assert!(err.mentions("op") && err.to_string().contains("agent_status"), "{err}");
        let err =
            parse(json!({"op": "agent_status", "userId": "u", "status": "Busy", "reason": "x"})).unwrap_err();
        assert_eq!(
            err.to_string(),
            "reason: is not a field of agent_status, whose fields are userId, status, pauseReason, wrapUpCode, \
             autoAvailable, respectWrapUp"
        );
        let err = parse(json!({"op": "agent_status", "user_id": "u", "status": "Busy",
            "autoAvailable": "maybe", "respectWrapUp": false}))
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "autoAvailable: must be true or false; user_id: is not a field of agent_status: did you mean userId?",
            "the field after a bad one is still read, and a near miss is pointed at"
        );
        let err = parse(json!({"op": "attributes", "interaction_id": "i",
            "attributes": [{"key": "k", "value": 1, "modus": "ADD"}]}))
        .unwrap_err();
        assert!(err.mentions("attributes[0].modus"), "{err}");
    }

    #[test]
    fn a_list_and_one_entrys_fields_on_one_line_are_refused_by_name() {
        let err = parse(json!({"op": "attributes", "interaction_id": "i", "key": "k", "value": 1,
            "attributes": [{"key": "a", "value": 2}]}))
        .unwrap_err();
        let said = err.to_string();
        assert!(
            said.contains("key: give one entry's fields or a list of them in attributes, not both"),
            "{said}"
        );
        assert!(!said.contains("is not a field"), "{said}");
        let err = parse(json!({"op": "interaction_disposition", "interaction_id": "i", "code": "101",
            "dispositions": [{"code": "101", "description": "Issue Resolved", "agent_id": "a-1"}]}))
        .unwrap_err();
        assert!(
            err.to_string().contains("code: give one entry's fields or a list of them in dispositions"),
            "{err}"
        );
    }

    #[test]
    fn an_attribute_row_is_refused_a_value_delete_would_ignore_or_no_key() {
        let err = parse(json!({"op": "attributes", "interaction_id": "i", "key": "segment", "value": "zzz",
            "mode": "DELETE"}))
        .unwrap_err();
        assert!(err.to_string().contains("value: is not used by DELETE"), "{err}");
        let fine =
            parse(json!({"op": "attributes", "interaction_id": "i", "key": "segment", "mode": "DELETE"}));
        assert!(fine.is_ok(), "{fine:?}");
        let fine = parse(json!({"op": "attributes", "interaction_id": "i", "key": "segment", "value": null,
            "mode": "DELETE"}));
        assert!(fine.is_ok(), "null says no value: {fine:?}");
    }

    #[test]
    fn an_operation_that_is_not_text_is_told_so_not_missing() {
        let err = parse(json!({"op": ["agent_status"], "userId": "u", "status": "Busy"})).unwrap_err();
        assert!(err.to_string().contains("op: must be text: one of"), "{err}");
        let err = parse(json!({"userId": "u", "status": "Busy"})).unwrap_err();
        assert!(err.to_string().contains("op: is required: one of"), "{err}");
    }

    #[test]
    fn data_actions_are_named_by_id_or_name_and_documents_are_required() {
        let Draft::Entry(Entry::Deprecate { action }) =
            parse(json!({"op": "data_action.deprecate", "name": "VipLookup"})).unwrap()
        else {
            unreachable!("a deprecate line")
        };
        assert_eq!(action, ActionRef::Name("VipLookup".into()));
        let err = parse(json!({"op": "data_action.deprecate", "id": "x", "name": "y"})).unwrap_err();
        assert!(err.mentions("name"), "{err}");
        let err = parse(json!({"op": "data_action.simulate"})).unwrap_err();
        assert!(err.mentions("input"), "{err}");
    }
}
