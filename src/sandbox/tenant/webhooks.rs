//! Webhook registrations (`/api/v2/webhooks`).
//!
//! Each registration gets its own signing secret, shown once in the 201 and
//! never again: lists and logs carry no secrets.

use super::attributes::EVENT;
use super::clock::Stamp;
use super::store::{Meta, Page, Record, Window};
use super::{Data, Failure, Tenant, not_found, page_of};
use crate::domain::Problems;
use crate::sandbox::Resource;
use crate::signing::SigningKey;
use axum::http::{HeaderName, HeaderValue};
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use std::collections::BTreeMap;
use url::Url;

const KIND: &str = "webhook";
/// Events a registration may subscribe to.
pub const EVENTS: [&str; 1] = [EVENT];
const MAX_NAME_CHARS: usize = 100;
const MAX_HEADERS: usize = 20;
/// Headers the delivery sets itself; a registration cannot override them.
const RESERVED_HEADERS: [&str; 8] = [
    "webhook-id",
    "webhook-timestamp",
    "webhook-signature",
    "content-type",
    "content-length",
    "host",
    "transfer-encoding",
    "connection",
];

#[derive(Debug)]
pub(crate) struct Webhook {
    id: String,
    meta: Meta,
    name: String,
    uri: Url,
    events: Vec<String>,
    enabled: bool,
    headers: BTreeMap<String, String>,
    secret: SecretString,
    created_at: Stamp,
}

impl Record for Webhook {
    fn id(&self) -> &str {
        &self.id
    }
    fn meta(&self) -> &Meta {
        &self.meta
    }
}

impl Webhook {
    fn view(&self) -> WebhookView {
        WebhookView {
            id: self.id.clone(),
            name: self.name.clone(),
            uri: self.uri.to_string(),
            events: self.events.clone(),
            enabled: self.enabled,
            headers: self.headers.clone(),
            secret: None,
            created_at: self.created_at,
            updated_at: self.meta.updated_at,
        }
    }
}

/// A registration as the client sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookDraft {
    pub name: String,
    pub uri: String,
    pub events: Vec<String>,
    pub enabled: bool,
    pub headers: BTreeMap<String, String>,
}

/// `GET /api/v2/webhooks` items; the 201 of a POST also carries `secret`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WebhookView {
    pub id: String,
    pub name: String,
    pub uri: String,
    pub events: Vec<String>,
    pub enabled: bool,
    pub headers: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    pub created_at: Stamp,
    pub updated_at: Stamp,
}

/// Where one delivery goes, and how it is signed.
#[derive(Debug, Clone)]
pub struct Subscriber {
    pub webhook_id: String,
    pub uri: Url,
    pub headers: Vec<(String, String)>,
    pub key: SigningKey,
}

#[derive(Debug)]
struct Checked {
    name: String,
    uri: Url,
    events: Vec<String>,
    headers: BTreeMap<String, String>,
}

fn check(draft: &WebhookDraft) -> Result<Checked, Failure> {
    let mut p = Problems::new();
    let name = draft.name.trim().to_string();
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS || name.chars().any(char::is_control) {
        p.push("name", format!("must be 1 to {MAX_NAME_CHARS} printable characters"));
    }
    let uri = match Url::parse(draft.uri.trim()) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => Some(u),
        Ok(u) => {
            p.push("uri", format!("must be an http or https URL with a host, not {}:", u.scheme()));
            None
        }
        Err(e) => {
            p.push("uri", format!("{:?} is not a URL ({e})", draft.uri));
            None
        }
    };
    if draft.events.is_empty() {
        p.push("events", format!("at least one event is required: {}", EVENTS.join(", ")));
    }
    for (i, e) in draft.events.iter().enumerate() {
        if !EVENTS.contains(&e.as_str()) {
            p.push(
                format!("events[{i}]"),
                format!("{e:?} is not an event; known events: {}", EVENTS.join(", ")),
            );
        }
    }
    if draft.headers.len() > MAX_HEADERS {
        p.push("headers", format!("holds {} headers; at most {MAX_HEADERS}", draft.headers.len()));
    }
    let mut headers = BTreeMap::new();
    let mut seen = std::collections::HashSet::new();
    for (k, v) in &draft.headers {
        let field = format!("headers.{k}");
        match HeaderName::from_bytes(k.as_bytes()) {
            Err(_) => p.push(field, "is not a valid HTTP header name"),
            Ok(n) if RESERVED_HEADERS.contains(&n.as_str()) => {
                p.push(field, "is set by the delivery itself and cannot be overridden")
            }
            Ok(n) if !seen.insert(n.clone()) => p.push(field, "appears more than once (names ignore case)"),
            Ok(_) if HeaderValue::from_str(v).is_err() => {
                p.push(field, "value holds characters a header cannot carry")
            }
            // Kept as registered: names are case-insensitive on the wire,
            // and the registration echoes what the client sent.
            Ok(_) => {
                headers.insert(k.clone(), v.clone());
            }
        }
    }
    let mut events = draft.events.clone();
    events.dedup();
    p.finish(|| Some(Checked { name, uri: uri?, events, headers })).map_err(|e| Failure::invalid(&e))
}

impl Data {
    /// The enabled registrations for `event`, ready to sign deliveries.
    pub(super) fn webhooks_for(&self, event: &str) -> Vec<Subscriber> {
        self.webhooks
            .oldest_first()
            .filter(|w| w.enabled && w.events.iter().any(|e| e == event))
            .filter_map(|w| {
                // Secrets are generated here and always parse; one that did not
                // would sign nothing, so it is skipped rather than sent unsigned.
                let key = SigningKey::from_secret(&w.secret).ok()?;
                Some(Subscriber {
                    webhook_id: w.id.clone(),
                    uri: w.uri.clone(),
                    headers: w.headers.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
                    key,
                })
            })
            .collect()
    }
}

impl Tenant {
    /// `POST /api/v2/webhooks`: every POST creates a registration.
    pub fn register_webhook(&self, draft: &WebhookDraft) -> Result<WebhookView, Failure> {
        let checked = check(draft)?;
        let mut data = self.lock();
        let now = data.clock.now();
        let secret = SigningKey::generate_secret();
        let hook = Webhook {
            id: uuid::Uuid::new_v4().to_string(),
            meta: Meta::new(now),
            name: checked.name,
            uri: checked.uri,
            events: checked.events,
            enabled: draft.enabled,
            headers: checked.headers,
            created_at: now,
            secret,
        };
        let view = WebhookView { secret: Some(hook.secret.expose_secret().to_string()), ..hook.view() };
        data.webhooks.insert(hook);
        self.stats.write_applied(Resource::Webhook);
        Ok(view)
    }

    /// `GET /api/v2/webhooks`, without secrets.
    pub fn list_webhooks(&self, window: &Window) -> Page<WebhookView> {
        let mut data = self.lock();
        let as_of = data.clock.now();
        let (items, total) = data.webhooks.page(window, |_| true);
        page_of(items, total, window, as_of, Webhook::view)
    }

    /// `DELETE /api/v2/webhooks/{id}`.
    pub fn delete_webhook(&self, id: &str) -> Result<(), Failure> {
        let mut data = self.lock();
        data.webhooks.remove(id).ok_or_else(|| not_found(KIND, id))?;
        self.stats.write_applied(Resource::Webhook);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> WebhookDraft {
        WebhookDraft {
            name: "analytics_sync".into(),
            uri: "https://your-analytics-platform.com/cxone/webhook".into(),
            events: vec![EVENT.into()],
            enabled: true,
            headers: BTreeMap::from([("X-Webhook-Source".into(), "cxone-attribute-updater".into())]),
        }
    }

    #[test]
    fn the_documents_registration_passes_and_header_names_are_kept_as_sent() {
        let c = check(&draft()).unwrap();
        assert_eq!(c.headers.get("X-Webhook-Source").map(String::as_str), Some("cxone-attribute-updater"));
        let mut twice = draft();
        twice.headers.insert("x-webhook-source".into(), "other".into());
        let err = check(&twice).unwrap_err();
        assert!(err.details.iter().any(|d| d.rule.contains("more than once")), "{err:?}");
    }

    #[test]
    fn every_bad_field_is_named() {
        let bad = WebhookDraft {
            name: " ".into(),
            uri: "ftp://x".into(),
            events: vec!["call.started".into()],
            enabled: true,
            headers: BTreeMap::from([
                ("webhook-signature".into(), "forged".into()),
                ("bad name".into(), "v".into()),
            ]),
        };
        let err = check(&bad).unwrap_err();
        let fields: Vec<_> = err.details.iter().map(|d| d.field.as_str()).collect();
        for f in ["name", "uri", "events[0]", "headers.webhook-signature", "headers.bad name"] {
            assert!(fields.contains(&f), "{f} missing from {fields:?}");
        }
    }
}
