//! Keeps secrets out of the log even when a caller hands one over by mistake.
//!
//! An entity snapshot can carry a secret a caller did not think of (a webhook
//! registration's `secret`, say). Members whose names look secret, and
//! webhook secrets and bearer tokens inside strings, are replaced in place by
//! [`REDACTED`] before the record is sealed.
//!
//! The tenant's own data is left as it is: an interaction attribute named
//! `promo_token`, or notes saying "the card bearer confirmed", are what a
//! change set and what start-up compares the target with after a crash. Inside
//! such data only a string shaped like a secret is replaced, and only that
//! part of it.

use serde_json::Value;

pub const REDACTED: &str = "[redacted]";

/// Names (lowercase, without `_` and `-`) whose values are always secret.
const SECRET_NAMES: [&str; 8] =
    ["secret", "password", "passwd", "authorization", "apikey", "accesskey", "privatekey", "signingkey"];
/// Name endings that mark a secret (`clientSecret`, `access_token`).
const SECRET_ENDINGS: [&str; 3] = ["secret", "token", "password"];
/// Members whose own members are named by the tenant or a supervisor (an
/// attribute's key, a custom field, a schema's property), not by the console.
const DATA_MEMBERS: [&str; 4] = ["attributes", "customFields", "inputSchema", "outputSchema"];
/// The shortest run of token characters taken for a bearer token or a
/// webhook secret's key: shorter ones are words.
const SHORTEST_TOKEN: usize = 16;

pub fn value(v: &mut Value) {
    match v {
        Value::String(s) => text(s),
        Value::Array(items) => items.iter_mut().for_each(value),
        Value::Object(members) => {
            for (name, member) in members.iter_mut() {
                if DATA_MEMBERS.contains(&name.as_str()) {
                    data(member);
                } else if is_secret_name(name) {
                    *member = Value::String(REDACTED.to_owned());
                } else {
                    value(member);
                }
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// The tenant's data: its names say nothing, its strings are looked at.
fn data(v: &mut Value) {
    match v {
        Value::String(s) => text(s),
        Value::Array(items) => items.iter_mut().for_each(data),
        Value::Object(members) => members.values_mut().for_each(data),
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// Replaces each webhook secret (`whsec_…`) and bearer token (`Bearer …`)
/// in `s`, keeping the words around them.
pub fn text(s: &mut String) {
    // ASCII lowering keeps every byte where it was: offsets found in
    // `lower` hold in `s`. Made once, not once a find.
    let lower = s.to_ascii_lowercase();
    if !lower.contains("whsec_") && !lower.contains("bearer") {
        return;
    }
    let mut out = String::with_capacity(s.len());
    let mut at = 0;
    loop {
        let whsec = lower[at..].find("whsec_").map(|found| (at + found, "whsec_".len(), true));
        let next = [whsec, bearer_at(&lower, at)].into_iter().flatten().min_by_key(|(found, _, _)| *found);
        let Some((found, lead, replace_lead)) = next else { break };
        let token = token_len(&s[found + lead..]);
        at = if is_token(&s[found + lead..found + lead + token]) {
            out.push_str(&s[at..found]);
            if !replace_lead {
                out.push_str(&s[found..found + lead]);
            }
            out.push_str(REDACTED);
            found + lead + token
        } else {
            out.push_str(&s[at..found + lead]);
            found + lead
        };
    }
    out.push_str(&s[at..]);
    *s = out;
}

/// Where, from byte `from` of `lower`, `bearer` and the spaces after it
/// start, and their length.
fn bearer_at(lower: &str, from: usize) -> Option<(usize, usize, bool)> {
    let mut from = from;
    while let Some(found) = lower[from..].find("bearer") {
        let at = from + found;
        let after = &lower[at + "bearer".len()..];
        let spaces = after.len() - after.trim_start_matches([' ', '\t']).len();
        if spaces > 0 {
            return Some((at, "bearer".len() + spaces, false));
        }
        from = at + "bearer".len();
    }
    None
}

/// The length of the run of token characters (RFC 6750's `b64token`) that
/// starts `s`.
fn token_len(s: &str) -> usize {
    s.find(|c: char| !(c.is_ascii_alphanumeric() || "-._~+/=".contains(c))).unwrap_or(s.len())
}

/// Whether `run` is a credential rather than a word: long enough, and with a
/// digit or a mark no word has, or too long to be a word.
fn is_token(run: &str) -> bool {
    run.len() >= 2 * SHORTEST_TOKEN
        || (run.len() >= SHORTEST_TOKEN
            && run.contains(|c: char| c.is_ascii_digit() || "-._~+/=".contains(c)))
}

fn is_secret_name(name: &str) -> bool {
    let plain: String =
        name.chars().filter(|c| *c != '_' && *c != '-').collect::<String>().to_ascii_lowercase();
    SECRET_NAMES.contains(&plain.as_str()) || SECRET_ENDINGS.iter().any(|e| plain.ends_with(e))
}

/// Whether `v` holds [`REDACTED`] anywhere: a state the log keeps redacted
/// cannot be compared with what a target holds.
pub fn holds_redaction(v: &Value) -> bool {
    match v {
        Value::String(s) => s.contains(REDACTED),
        Value::Array(items) => items.iter().any(holds_redaction),
        Value::Object(members) => members.values().any(holds_redaction),
        Value::Null | Value::Bool(_) | Value::Number(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const JWT: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjb25zb2xlIn0.c2lnbmF0dXJl";

    #[test]
    fn secret_members_and_token_strings_are_replaced() {
        let mut v = json!({
            "name": "crm", "secret": "whsec_abc", "headers": { "Authorization": "x" },
            "client_secret": "s", "accessToken": "t", "note": format!("sent with Bearer {JWT} twice"),
            "tokens": 3, "list": ["whsec_c2VjcmV0LWtleS0xMjM0NTY=", "plain"]
        });
        value(&mut v);
        assert_eq!(
            v,
            json!({
                "name": "crm", "secret": REDACTED, "headers": { "Authorization": REDACTED },
                "client_secret": REDACTED, "accessToken": REDACTED,
                "note": format!("sent with Bearer {REDACTED} twice"), "tokens": 3,
                "list": [REDACTED, "plain"]
            })
        );
    }

    #[test]
    fn the_tenants_data_keeps_its_names_and_its_words() {
        let held = json!({
            "attributes": { "promo_token": "SPRING-24", "password_hint": "the usual" },
            "customFields": { "api_token": 7 },
            "inputSchema": { "properties": { "token": { "type": "string" } } },
            "notes": "Card bearer confirmed the billing fix; whsec_ was mentioned",
            "description": "bearer   of bad news",
        });
        let mut v = held.clone();
        value(&mut v);
        assert_eq!(v, held);
        assert!(!holds_redaction(&v));
        let mut leaked = json!({ "attributes": { "note": format!("Bearer {JWT}") } });
        value(&mut leaked);
        assert_eq!(leaked, json!({ "attributes": { "note": format!("Bearer {REDACTED}") } }));
        assert!(holds_redaction(&leaked));
    }

    #[test]
    fn words_are_not_tokens_but_credentials_are() {
        for word in ["confirmed", "uncharacteristic", "abcdefghijklmnop"] {
            assert!(!is_token(word), "{word}");
        }
        for token in [JWT, "0123456789abcdef", "abcdefghijklmnopqrstuvwxyzabcdefgh"] {
            assert!(is_token(token), "{token}");
        }
        let mut s = "BEARER\t0123456789abcdef, then bearer".to_string();
        text(&mut s);
        assert_eq!(s, format!("BEARER\t{REDACTED}, then bearer"));
    }
}
