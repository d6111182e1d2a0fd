//! Which OAuth scopes each call of `docs/wire.md` needs, as data.
//!
//! Any one scope of a rule's list is enough. A call that has no rule is
//! refused (fail closed), so a route added without deciding who may call it
//! can never be reached by accident.

use axum::http::Method;

/// Every scope the tenant knows, in the order a token without an explicit
/// `scope` lists them.
pub const ALL: &[&str] = &[
    "dispositions:read",
    "interactions:read",
    "interactions:write",
    "webhooks:read",
    "webhooks:write",
    "outbound:campaign:read",
    "outbound:campaign:write",
    "outbound:contact:read",
    "outbound:contact:write",
    "outbound:disposition:write",
    "user:read",
    "user:status:read",
    "user:status:write",
    "data-actions:read",
    "data-actions:write",
    "analytics:read",
];

const INTERACTIONS_READ: &[&str] = &["interactions:read", "interactions:write"];
const INTERACTIONS_WRITE: &[&str] = &["interactions:write"];
const WEBHOOKS_READ: &[&str] = &["webhooks:read", "webhooks:write"];
const WEBHOOKS_WRITE: &[&str] = &["webhooks:write"];
const CAMPAIGNS_READ: &[&str] = &["outbound:campaign:read", "outbound:campaign:write"];
const CONTACTS_READ: &[&str] =
    &["outbound:contact:read", "outbound:contact:write", "outbound:campaign:write"];
const CONTACTS_WRITE: &[&str] = &["outbound:disposition:write", "outbound:contact:write"];
// Document 003: reading a user "requires user:status:read or user:read";
// unlike the other resources, the write scope alone does not read.
const USERS_READ: &[&str] = &["user:read", "user:status:read"];
const STATUS_WRITE: &[&str] = &["user:status:write"];
const DATA_ACTIONS_READ: &[&str] = &["data-actions:read", "data-actions:write"];
const DATA_ACTIONS_WRITE: &[&str] = &["data-actions:write"];

/// One call: its method, its axum path template, and the scopes that allow it.
struct Rule {
    method: &'static str,
    path: &'static str,
    scopes: &'static [&'static str],
}

const fn rule(method: &'static str, path: &'static str, scopes: &'static [&'static str]) -> Rule {
    Rule { method, path, scopes }
}

const CONTACT: &str = "/api/v1/outbound/campaigns/{campaignId}/contacts/{contactId}";

static RULES: &[Rule] = &[
    rule("GET", "/api/v1/dispositions", &["dispositions:read", "interactions:read", "interactions:write"]),
    rule("GET", "/api/v1/interactions", INTERACTIONS_READ),
    rule("GET", "/api/v1/interactions/{id}", INTERACTIONS_READ),
    rule("PATCH", "/api/v1/interactions/{id}", INTERACTIONS_WRITE),
    rule("GET", "/api/v2/interactions/{id}/attributes", INTERACTIONS_READ),
    rule("POST", "/api/v2/interactions/{id}/attributes", INTERACTIONS_WRITE),
    rule("GET", "/api/v2/webhooks", WEBHOOKS_READ),
    rule("POST", "/api/v2/webhooks", WEBHOOKS_WRITE),
    rule("DELETE", "/api/v2/webhooks/{id}", WEBHOOKS_WRITE),
    rule("GET", "/api/v1/outbound/campaigns", CAMPAIGNS_READ),
    rule("GET", "/api/v1/outbound/campaigns/{campaignId}", CAMPAIGNS_READ),
    rule("GET", "/api/v1/outbound/campaigns/{campaignId}/contacts", CONTACTS_READ),
    rule("GET", CONTACT, CONTACTS_READ),
    rule("PATCH", CONTACT, CONTACTS_WRITE),
    rule("GET", "/api/v2/users", USERS_READ),
    rule("GET", "/api/v2/users/{id}", USERS_READ),
    rule("GET", "/api/v2/pause-reasons", USERS_READ),
    rule("PUT", "/api/v2/users/{id}/status", STATUS_WRITE),
    rule("GET", "/api/v2/data-actions", DATA_ACTIONS_READ),
    rule("GET", "/api/v2/data-actions/{id}", DATA_ACTIONS_READ),
    rule("POST", "/api/v2/data-actions", DATA_ACTIONS_WRITE),
    rule("PATCH", "/api/v2/data-actions/{id}", DATA_ACTIONS_WRITE),
    rule("POST", "/api/v2/analytics/data-actions/details/query", &["analytics:read"]),
];

/// HEAD is answered by the GET handler, so it needs what GET needs.
fn effective(method: &Method) -> &str {
    if method == Method::HEAD { "GET" } else { method.as_str() }
}

/// The scopes that allow `method` on the route matched as `path` (an axum
/// template such as `/api/v2/users/{id}`), or `None` when no rule exists.
pub fn required(method: &Method, path: &str) -> Option<&'static [&'static str]> {
    let method = effective(method);
    RULES.iter().find(|r| r.method == method && r.path == path).map(|r| r.scopes)
}

/// The methods the wire allows on `path`; empty when the path has no rule at all.
pub fn methods_allowed(path: &str) -> Vec<&'static str> {
    RULES.iter().filter(|r| r.path == path).map(|r| r.method).collect()
}

/// The known scope spelled `name`, as the table's own string.
pub fn known(name: &str) -> Option<&'static str> {
    ALL.iter().copied().find(|s| *s == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allows(granted: &str, method: Method, path: &str) -> bool {
        let needed = required(&method, path).unwrap_or_else(|| panic!("no rule for {method} {path}"));
        granted.split_whitespace().any(|g| needed.contains(&g))
    }

    #[test]
    fn every_scope_in_the_table_is_known_and_every_known_scope_is_used() {
        for r in RULES {
            for s in r.scopes {
                assert!(known(s).is_some(), "{} {} uses unknown scope {s}", r.method, r.path);
            }
        }
        for s in ALL {
            assert!(RULES.iter().any(|r| r.scopes.contains(s)), "{s} allows no call");
        }
    }

    #[test]
    fn each_documents_own_scopes_are_enough_for_its_calls() {
        let documents: [(&str, &[(Method, &str)]); 5] = [
            (
                "interactions:write dispositions:read",
                &[
                    (Method::GET, "/api/v1/dispositions"),
                    (Method::GET, "/api/v1/interactions/{id}"),
                    (Method::PATCH, "/api/v1/interactions/{id}"),
                ],
            ),
            (
                "outbound:campaign:write outbound:contact:write outbound:disposition:write",
                &[
                    (Method::GET, "/api/v1/outbound/campaigns/{campaignId}"),
                    (Method::GET, CONTACT),
                    (Method::PATCH, CONTACT),
                ],
            ),
            (
                "interactions:write webhooks:write",
                &[
                    (Method::POST, "/api/v2/interactions/{id}/attributes"),
                    (Method::GET, "/api/v2/interactions/{id}/attributes"),
                    (Method::POST, "/api/v2/webhooks"),
                ],
            ),
            (
                "user:status:write user:status:read",
                &[
                    (Method::GET, "/api/v2/users/{id}"),
                    (Method::GET, "/api/v2/pause-reasons"),
                    (Method::PUT, "/api/v2/users/{id}/status"),
                ],
            ),
            (
                "data-actions:write data-actions:read analytics:read",
                &[
                    (Method::POST, "/api/v2/data-actions"),
                    (Method::GET, "/api/v2/data-actions/{id}"),
                    (Method::PATCH, "/api/v2/data-actions/{id}"),
                    (Method::POST, "/api/v2/analytics/data-actions/details/query"),
                ],
            ),
        ];
        for (scopes, calls) in documents {
            for (method, path) in calls {
                assert!(allows(scopes, method.clone(), path), "{scopes:?} cannot {method} {path}");
            }
        }
    }

    #[test]
    fn read_scopes_do_not_allow_writes() {
        assert!(!allows("interactions:read", Method::PATCH, "/api/v1/interactions/{id}"));
        assert!(!allows("user:status:read", Method::PUT, "/api/v2/users/{id}/status"));
        assert!(!allows("data-actions:read", Method::POST, "/api/v2/data-actions"));
        assert!(!allows("webhooks:read", Method::DELETE, "/api/v2/webhooks/{id}"));
    }

    #[test]
    fn head_follows_get_and_unknown_calls_have_no_rule() {
        assert_eq!(required(&Method::HEAD, "/api/v2/users"), required(&Method::GET, "/api/v2/users"));
        assert_eq!(required(&Method::DELETE, "/api/v2/users/{id}"), None);
        assert_eq!(required(&Method::GET, "/api/v9/nothing"), None);
        assert_eq!(methods_allowed("/api/v2/data-actions/{id}"), ["GET", "PATCH"]);
        assert!(methods_allowed("/api/v9/nothing").is_empty());
    }
}
