//! What an intent is about to send, in a few words for the audit pane:
//! its method and the fields it moves (`PUT status Available → Break`).

use super::format;
use crate::engine::audit::AuditEntry;
use crate::ui::capped::capped;
use serde_json::{Map, Value};

/// What a record without words of its own (an intent) is about to send:
/// its method and the fields it changes, `PUT status Available → Break`;
/// the path when no field it moves can be said in a few words.
pub(super) fn intended(entry: &AuditEntry) -> String {
    let Some(request) = &entry.request else { return String::new() };
    let mut moved = Vec::new();
    if let Some(Value::Object(after)) = &entry.after {
        let before = entry.before.as_ref().and_then(Value::as_object);
        changes(before, after, true, &mut moved);
    }
    let method = request.method.as_str();
    if moved.is_empty() {
        format!("{method} {}", request.path)
    } else {
        format!("{method} {}", moved.join(", "))
    }
}

/// Members of a state that record how the change was checked, not a field
/// it sends (an agent status intent's compliance flags).
const NOT_SENT: [&str; 1] = ["compliance"];

/// `key from → to` for each field of `after` that differs from `before`.
/// At the top, an object is looked into once (an interaction's attributes),
/// and a key it loses is said to be removed; a field of the top that the
/// state leaves out is not, as the flows record only what they change.
fn changes(
    before: Option<&Map<String, Value>>,
    after: &Map<String, Value>,
    top: bool,
    out: &mut Vec<String>,
) {
    for (key, to) in after {
        let from = before.and_then(|b| b.get(key));
        if from == Some(to) || (top && NOT_SENT.contains(&key.as_str())) {
            continue;
        }
        // Below the top, the members are the tenant's data (attributes):
        // their values read as typed, text told apart from numbers.
        let brief = |value: &Value| if top { brief(value) } else { typed_brief(value) };
        match (to, brief(to)) {
            (Value::Object(inner), _) if top => changes(from.and_then(Value::as_object), inner, false, out),
            (_, Some(to)) => match from.and_then(brief) {
                Some(from) => out.push(format!("{key} {from} → {to}")),
                None => out.push(format!("{key} → {to}")),
            },
            (_, None) => {}
        }
    }
    if !top {
        for (key, from) in before.into_iter().flatten().filter(|(key, _)| !after.contains_key(*key)) {
            out.push(format!("{key} {} → removed", typed_brief(from).unwrap_or_default()));
        }
    }
}

/// A value of the tenant's data in a few words: a scalar as one would type
/// it (see [`format::typed`]), else as [`brief`] has it.
fn typed_brief(value: &Value) -> Option<String> {
    match value {
        Value::Array(_) | Value::Object(_) => brief(value),
        scalar => Some(capped(format::typed(scalar)).into_owned()),
    }
}

/// A value in a few words: a scalar as it reads, a list by its items'
/// codes, keys or names (`none` when empty); `None` for anything longer.
fn brief(value: &Value) -> Option<String> {
    match value {
        Value::Null => Some("none".into()),
        // Quoted, as an empty text would otherwise read as nothing at all.
        Value::String(text) if text.is_empty() => Some("\"\"".into()),
        Value::String(text) => Some(capped(text).into_owned()),
        Value::Array(items) if items.is_empty() => Some("none".into()),
        Value::Array(items) => items.iter().map(label).collect::<Option<Vec<_>>>().map(|l| l.join(" ")),
        Value::Object(_) => None,
        other => Some(other.to_string()),
    }
}

fn label(item: &Value) -> Option<String> {
    match item {
        Value::Object(fields) => ["code", "key", "name", "id"]
            .iter()
            .find_map(|k| fields.get(*k).filter(|v| v.is_string() || v.is_number()))
            .and_then(brief),
        Value::Array(_) => None,
        scalar => brief(scalar),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::audit::{Method, RequestInfo, Target, TargetKind};
    use serde_json::json;

    fn intent(method: Method, before: Option<Value>, after: Value) -> String {
        let request = RequestInfo { method, path: "/api/x".into(), etag: None, idempotency_key: None };
        let mut entry = AuditEntry::intent("cmd_1", "act", Target::new(TargetKind::Interaction, "i-1"))
            .request(request, b"{}");
        if let Some(before) = before {
            entry = entry.before(before);
        }
        intended(&entry.after(after))
    }

    #[test]
    fn an_intent_says_the_fields_it_moves() {
        // A contact's outcome: the state it was read in is not news.
        let contact = intent(
            Method::Patch,
            Some(json!({ "outcomeCode": null, "state": "Available" })),
            json!({ "outcomeCode": "DO_NOT_CALL" }),
        );
        assert_eq!(contact, "PATCH outcomeCode none → DO_NOT_CALL");
        // A list of dispositions, by their codes; which timestamps were
        // given is for start-up, not for the line.
        let dispositions = intent(
            Method::Patch,
            Some(json!({ "dispositions": [] })),
            json!({
                "dispositions": [
                    { "code": "101", "description": "Issue Resolved", "agent_id": "a-1", "timestampGiven": true }
                ],
            }),
        );
        assert_eq!(dispositions, "PATCH dispositions none → 101");
        // Attributes, looked into: added, changed and removed keys.
        let attributes = intent(
            Method::Post,
            Some(json!({ "attributes": { "tier": "silver", "vip": true, "kept": 1 } })),
            json!({ "attributes": { "tier": "gold", "segment": "smb", "kept": 1 } }),
        );
        assert_eq!(attributes, "POST segment → smb, tier silver → gold, vip true → removed");
        // Their values read as typed: text that looks like a number or null
        // is quoted, and null is null, not "none".
        let typed = intent(
            Method::Post,
            Some(json!({ "attributes": { "score": 9, "code": "7" } })),
            json!({ "attributes": { "score": "9", "code": "7", "note": null } }),
        );
        assert_eq!(typed, "POST note → null, score 9 → \"9\"");
        // A deploy has nothing before it.
        let deploy = intent(Method::Post, None, json!({ "name": "Routing", "isDeprecated": false }));
        assert_eq!(deploy, "POST isDeprecated → false, name → Routing");
        // An empty text reads as one, not as nothing.
        let undescribed = intent(Method::Post, None, json!({ "description": "", "name": "Routing" }));
        assert_eq!(undescribed, r#"POST description → "", name → Routing"#);
        // A status change's compliance flags say how it was checked, not
        // what it sends.
        let status = intent(
            Method::Put,
            Some(json!({ "status": "Available", "pauseReason": null })),
            json!({ "status": "Break", "pauseReason": "Lunch",
                "compliance": { "roleChecked": "passed", "wrapUpVerified": "not checked" } }),
        );
        assert_eq!(status, "PUT pauseReason none → Lunch, status Available → Break");
    }

    #[test]
    fn an_intent_that_cannot_be_said_briefly_names_its_path() {
        let nested = intent(Method::Put, None, json!({ "rules": [{ "when": { "x": 1 } }] }));
        assert_eq!(nested, "PUT /api/x");
    }
}
