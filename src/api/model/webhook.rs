//! Webhook registrations for attribute changes.

use crate::domain::{FieldError, Invalid, Problems, Timestamp};
use secrecy::SecretString;
use std::collections::BTreeMap;
use std::fmt;
use url::Url;

/// The event the tenant emits after an attribute change.
pub const ATTRIBUTES_UPDATED: &str = "interaction.attributes.updated";

/// A registration's id, as the tenant assigned it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct WebhookId(String);

impl WebhookId {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let id = raw.trim();
        if id.is_empty() {
            return Err(FieldError::new("webhookId", "is required"));
        }
        Ok(Self(id.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for WebhookId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What to register. Header values may carry a receiver's credentials, so
/// Debug output shows header names only.
#[derive(Clone, PartialEq)]
pub struct WebhookRegistration {
    pub name: String,
    pub uri: Url,
    pub events: Vec<String>,
    pub enabled: bool,
    pub headers: BTreeMap<String, String>,
}

impl WebhookRegistration {
    /// An enabled registration for attribute changes.
    pub fn new(name: &str, uri: &str) -> Result<Self, Invalid> {
        let mut p = Problems::new();
        let name = name.trim();
        if name.is_empty() {
            p.push("name", "is required");
        }
        let uri = match Url::parse(uri.trim()) {
            Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => Some(u),
            Ok(u) => {
                p.push("uri", format!("{u} must be an http or https URL with a host"));
                None
            }
            Err(e) => {
                p.push("uri", format!("{uri:?} is not a URL ({e})"));
                None
            }
        };
        p.finish(|| {
            Some(Self {
                name: name.to_string(),
                uri: uri?,
                events: vec![ATTRIBUTES_UPDATED.to_string()],
                enabled: true,
                headers: BTreeMap::new(),
            })
        })
    }

    /// Adds a header sent with every delivery; the name must be an HTTP token.
    pub fn with_header(mut self, name: &str, value: &str) -> Result<Self, FieldError> {
        let field = format!("headers.{name}");
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_".contains(&b)) {
            return Err(FieldError::new(field, "a header name holds only letters, digits, - and _"));
        }
        if value.bytes().any(|b| b.is_ascii_control()) {
            return Err(FieldError::new(field, "must not contain control characters"));
        }
        self.headers.insert(name.to_string(), value.to_string());
        Ok(self)
    }
}

impl fmt::Debug for WebhookRegistration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookRegistration")
            .field("name", &self.name)
            .field("uri", &self.uri.as_str())
            .field("events", &self.events)
            .field("enabled", &self.enabled)
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// A registration as the tenant holds it. The signing `secret` is only
/// returned when the registration is created.
#[derive(Clone)]
pub struct Webhook {
    pub id: WebhookId,
    pub name: String,
    pub uri: String,
    pub events: Vec<String>,
    pub enabled: bool,
    pub headers: BTreeMap<String, String>,
    pub secret: Option<SecretString>,
    pub created_at: Option<Timestamp>,
}

impl fmt::Debug for Webhook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Webhook")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("uri", &self.uri)
            .field("events", &self.events)
            .field("enabled", &self.enabled)
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .field("secret", &self.secret.as_ref().map(|_| "[REDACTED]"))
            .field("created_at", &self.created_at)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registration_rules_name_their_field() {
        let err = WebhookRegistration::new(" ", "ftp://x").unwrap_err();
        assert!(err.mentions("name") && err.mentions("uri"), "{err}");
        let ok = WebhookRegistration::new("crm", "http://127.0.0.1:9/hook").unwrap();
        assert_eq!(ok.events, [ATTRIBUTES_UPDATED]);
        assert!(ok.clone().with_header("X Bad", "v").is_err());
    }

    #[test]
    fn debug_output_hides_header_values_and_the_secret() {
        let reg = WebhookRegistration::new("crm", "http://127.0.0.1:9/hook")
            .unwrap()
            .with_header("Authorization", "Bearer hunter2")
            .unwrap();
        let shown = format!("{reg:?}");
        assert!(shown.contains("Authorization") && !shown.contains("hunter2"), "{shown}");
        let hook = Webhook {
            id: WebhookId::parse("wh-1").unwrap(),
            name: reg.name.clone(),
            uri: reg.uri.to_string(),
            events: reg.events.clone(),
            enabled: true,
            headers: reg.headers.clone(),
            secret: Some(SecretString::from("whsec_c2VjcmV0")),
            created_at: None,
        };
        let shown = format!("{hook:?}");
        assert!(!shown.contains("hunter2") && !shown.contains("whsec_"), "{shown}");
    }
}
