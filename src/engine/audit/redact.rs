//! Keeps secrets out of the log even when a caller hands one over by mistake.
//!
//! An entity snapshot can carry a secret a caller did not think of (a webhook
//! registration's `secret`, say). Members whose names look secret and strings
//! that look like a webhook secret or a bearer token are replaced, in place,
//! by [`REDACTED`] before the record is sealed.

use serde_json::Value;

pub const REDACTED: &str = "[redacted]";

/// Names (lowercase, without `_` and `-`) whose values are always secret.
const SECRET_NAMES: [&str; 8] =
    ["secret", "password", "passwd", "authorization", "apikey", "accesskey", "privatekey", "signingkey"];
/// Name endings that mark a secret (`clientSecret`, `access_token`).
const SECRET_ENDINGS: [&str; 3] = ["secret", "token", "password"];

pub fn value(v: &mut Value) {
    match v {
        Value::String(s) => text(s),
        Value::Array(items) => items.iter_mut().for_each(value),
        Value::Object(members) => {
            for (name, member) in members.iter_mut() {
                if is_secret_name(name) {
                    *member = Value::String(REDACTED.to_owned());
                } else {
                    value(member);
                }
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

pub fn text(s: &mut String) {
    let lower = s.to_ascii_lowercase();
    if lower.contains("whsec_") || lower.contains("bearer ") {
        *s = REDACTED.to_owned();
    }
}

fn is_secret_name(name: &str) -> bool {
    let plain: String =
        name.chars().filter(|c| *c != '_' && *c != '-').collect::<String>().to_ascii_lowercase();
    SECRET_NAMES.contains(&plain.as_str()) || SECRET_ENDINGS.iter().any(|e| plain.ends_with(e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn secret_members_and_token_strings_are_replaced() {
        let mut v = json!({
            "name": "crm", "secret": "whsec_abc", "headers": { "Authorization": "x" },
            "client_secret": "s", "accessToken": "t", "note": "sent with Bearer eyJ", "tokens": 3,
            "list": ["whsec_def", "plain"]
        });
        value(&mut v);
        assert_eq!(
            v,
            json!({
                "name": "crm", "secret": REDACTED, "headers": { "Authorization": REDACTED },
                "client_secret": REDACTED, "accessToken": REDACTED, "note": REDACTED, "tokens": 3,
                "list": [REDACTED, "plain"]
            })
        );
    }
}
