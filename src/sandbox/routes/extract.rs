//! Extractors whose every refusal is a JSON [`Failure`] naming the problem,
//! never one of axum's plain-text rejections.

use crate::domain::{Invalid, Problems};
use crate::sandbox::reply::Failure;
use crate::sandbox::tenant::{IfMatch, Stamp, Window};
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use bytes::Bytes;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use std::collections::HashMap;

/// A JSON request body: `Content-Type: application/json` (or `+json`),
/// within the body limit, well-formed.
pub(super) struct JsonBody(pub Value);

impl<S: Send + Sync> FromRequest<S> for JsonBody {
    type Rejection = Failure;

    async fn from_request(req: Request, state: &S) -> Result<Self, Failure> {
        let content_type =
            req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
        let essence = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        if essence != "application/json" && !essence.ends_with("+json") {
            let got = if content_type.is_empty() { "none".to_string() } else { format!("{content_type:?}") };
            return Err(Failure::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                format!("Content-Type: the body must be JSON (application/json); got {got}"),
            ));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|r| {
            let status = r.status();
            let error =
                if status == StatusCode::PAYLOAD_TOO_LARGE { "payload_too_large" } else { "bad_request" };
            Failure::new(status, error, format!("request body: {}", r.body_text()))
        })?;
        serde_json::from_slice(&bytes)
            .map(Self)
            .map_err(|e| Failure::bad_request(format!("request body: malformed JSON ({e})")))
    }
}

/// Path parameters; a value that cannot be read is a JSON 400.
pub(super) struct PathParams<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for PathParams<T> {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Failure> {
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|Path(v)| Self(v))
            .map_err(|r| Failure::bad_request(format!("path: {}", r.body_text())))
    }
}

/// The `If-Match` header, when sent.
pub(super) struct IfMatchHeader(pub Option<IfMatch>);

impl<S: Send + Sync> FromRequestParts<S> for IfMatchHeader {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Failure> {
        let Some(raw) = parts.headers.get(header::IF_MATCH) else { return Ok(Self(None)) };
        let text = raw.to_str().map_err(|_| Failure::bad_request("If-Match: must be visible ASCII"))?;
        IfMatch::parse(text).map(|m| Self(Some(m)))
    }
}

/// The query string of a list: `top`, `skip`, `updatedSince`, plus the
/// filters the list accepts. Anything else is refused by name, so a typo
/// (`updated_since`) does not silently return everything.
#[derive(Debug)]
pub(super) struct ListQuery {
    pub window: Window,
    filters: HashMap<String, String>,
}

impl ListQuery {
    pub fn parse(raw: Option<&str>, filters: &[&str]) -> Result<Self, Failure> {
        let mut p = Problems::new();
        let mut window = Window::default();
        let mut found = HashMap::new();
        for (key, value) in url::form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
            let (key, value) = (key.into_owned(), value.into_owned());
            match key.as_str() {
                "top" => match value.parse::<usize>() {
                    Ok(n) if (1..=Window::MAX_TOP).contains(&n) => window.top = n,
                    _ => p.push(
                        "top",
                        format!("{value:?} must be a whole number from 1 to {}", Window::MAX_TOP),
                    ),
                },
                "skip" => match value.parse::<usize>() {
                    Ok(n) => window.skip = n,
                    Err(_) => p.push("skip", format!("{value:?} must be a whole number, 0 or more")),
                },
                "updatedSince" => window.updated_since = p.take(Stamp::parse_as("updatedSince", &value)),
                k if filters.contains(&k) => {
                    found.insert(key, value);
                }
                _ => {
                    let mut known = vec!["top", "skip", "updatedSince"];
                    known.extend(filters);
                    p.push(key.clone(), format!("is not a parameter of this list; use {}", known.join(", ")));
                }
            }
        }
        p.finish(|| Some(Self { window, filters: found })).map_err(|e| Failure::invalid(&e))
    }

    pub fn filter(&self, name: &str) -> Option<&str> {
        self.filters.get(name).map(String::as_str)
    }
}

/// Reads the fields of one JSON object, recording every problem by field
/// name (`dispositions[0].code`) so a client sees them all at once.
pub(super) struct Fields<'a> {
    map: &'a Map<String, Value>,
    prefix: String,
    problems: Problems,
}

impl<'a> Fields<'a> {
    /// `what` names the object in errors: "request body", "dispositions[0]".
    pub fn of(value: &'a Value, what: &str) -> Result<Self, Failure> {
        let map = value
            .as_object()
            .ok_or_else(|| Failure::bad_request(format!("{what}: must be a JSON object")))?;
        let prefix = if what == "request body" { String::new() } else { format!("{what}.") };
        Ok(Self { map, prefix, problems: Problems::new() })
    }

    fn name(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }

    fn present(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    /// A field that must be there.
    pub fn required<T: DeserializeOwned>(&mut self, key: &str) -> Option<T> {
        if self.present(key).is_none() {
            self.problems.push(self.name(key), "is required");
            return None;
        }
        self.optional(key)
    }

    /// A field that may be missing or null.
    pub fn optional<T: DeserializeOwned>(&mut self, key: &str) -> Option<T> {
        let value = self.present(key)?;
        match T::deserialize(value) {
            Ok(v) => Some(v),
            Err(e) => {
                self.problems.push(self.name(key), format!("has the wrong type: {e}"));
                None
            }
        }
    }

    /// A text field whose absence the domain rules report ("is required"),
    /// or which is optional; missing or null reads as empty.
    pub fn text(&mut self, key: &str) -> String {
        self.optional(key).unwrap_or_default()
    }

    /// A text field the tenant matches exactly (documents 001 and 003: an
    /// outcome code, a status, a pause reason). The domain's parsers trim,
    /// as a person's typing deserves; on the wire a space makes another
    /// value, which the tenant does not know.
    pub fn exact(&mut self, key: &str) -> String {
        let value = self.text(key);
        if value.trim() != value {
            self.refuse(
                key,
                &format!("{value:?} must not begin or end with whitespace: the value is matched exactly"),
            );
        }
        value
    }

    /// Records a rule `key` broke that only the wire has.
    pub fn refuse(&mut self, key: &str, rule: &str) {
        self.problems.push(self.name(key), rule);
    }

    /// Any JSON value; missing reads as null.
    pub fn value(&self, key: &str) -> Value {
        self.map.get(key).cloned().unwrap_or(Value::Null)
    }

    /// A list of objects, each read with its own [`Fields`].
    fn objects(&mut self, key: &str, required: bool) -> Vec<&'a Value> {
        match self.map.get(key) {
            Some(Value::Array(items)) => items.iter().collect(),
            None | Some(Value::Null) if !required => Vec::new(),
            None | Some(Value::Null) => {
                self.problems.push(self.name(key), "is required");
                Vec::new()
            }
            Some(_) => {
                self.problems.push(self.name(key), "must be a list");
                Vec::new()
            }
        }
    }

    /// A list of objects, each read by `read` with its own [`Fields`]
    /// named `key[i]`; their problems join this object's.
    pub fn each<T>(
        &mut self,
        key: &str,
        required: bool,
        mut read: impl FnMut(&mut Fields<'a>) -> T,
    ) -> Result<Vec<T>, Failure> {
        let entries = self.objects(key, required);
        let mut items = Vec::with_capacity(entries.len());
        for (i, entry) in entries.into_iter().enumerate() {
            let mut fields = Fields::of(entry, &format!("{}[{i}]", self.name(key)))?;
            items.push(read(&mut fields));
            self.absorb(fields);
        }
        Ok(items)
    }

    /// Refuses fields this request does not take.
    pub fn deny_unknown(&mut self, known: &[&str]) {
        for key in self.map.keys().filter(|k| !known.contains(&k.as_str())) {
            self.problems
                .push(self.name(key), format!("is not a field of this request; use {}", known.join(", ")));
        }
    }

    /// Adds what a domain check of the request found, but for the fields
    /// already refused here: a missing field is not also called empty.
    pub fn also(&mut self, invalid: &Invalid) {
        for e in invalid.errors() {
            if !self.problems.mentions(&e.field) {
                self.problems.push(e.field.clone(), e.rule.clone());
            }
        }
    }

    /// Merges the problems of a nested object into this one.
    pub fn absorb(&mut self, other: Fields<'_>) {
        if let Err(e) = other.problems.finish(|| Some(())) {
            for err in e.errors() {
                self.problems.push(err.field.clone(), err.rule.clone());
            }
        }
    }

    pub fn finish(self) -> Result<(), Failure> {
        self.problems.finish(|| Some(())).map_err(|e| Failure::invalid(&e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn list_queries_name_every_bad_parameter() {
        let q = ListQuery::parse(
            Some("top=5&skip=10&updatedSince=2026-01-01T00:00:00Z&status=open"),
            &["status"],
        )
        .unwrap();
        assert_eq!((q.window.top, q.window.skip), (5, 10));
        assert!(q.window.updated_since.is_some());
        assert_eq!(q.filter("status"), Some("open"));
        let err =
            ListQuery::parse(Some("top=0&skip=-1&updatedSince=yesterday&updated_since=x"), &[]).unwrap_err();
        let fields: Vec<_> = err.details.iter().map(|d| d.field.as_str()).collect();
        assert_eq!(fields, ["top", "skip", "updatedSince", "updated_since"]);
        assert!(ListQuery::parse(Some("top=1001"), &[]).is_err());
        assert_eq!(ListQuery::parse(None, &[]).unwrap().window, Window::default());
    }

    #[test]
    fn fields_report_missing_and_mistyped_values_by_name() {
        let body = json!({"name": 7, "timeoutMs": "soon", "extra": true});
        let mut f = Fields::of(&body, "request body").unwrap();
        assert_eq!(f.optional::<String>("name"), None);
        assert_eq!(f.optional::<u64>("timeoutMs"), None);
        assert_eq!(f.required::<String>("version"), None);
        f.deny_unknown(&["name", "timeoutMs", "version"]);
        let err = f.finish().unwrap_err();
        let fields: Vec<_> = err.details.iter().map(|d| d.field.as_str()).collect();
        assert_eq!(fields, ["name", "timeoutMs", "version", "extra"]);
        assert!(err.message.contains("timeoutMs: has the wrong type"), "{}", err.message);
        assert!(Fields::of(&json!([1]), "request body").is_err());
        let nested = json!({"code": 1});
        let mut inner = Fields::of(&nested, "dispositions[0]").unwrap();
        inner.text("code");
        assert!(inner.finish().unwrap_err().message.starts_with("dispositions[0].code"));
    }

    #[test]
    fn an_exact_field_keeps_its_spaces_and_is_refused_for_them() {
        let body = json!({"status": " Available ", "pauseReason": "Queue Full", "code": "\tX"});
        let mut f = Fields::of(&body, "request body").unwrap();
        assert_eq!(f.exact("status"), " Available ");
        assert_eq!(f.exact("pauseReason"), "Queue Full");
        assert_eq!(f.exact("missing"), "");
        f.exact("code");
        let err = f.finish().unwrap_err();
        let fields: Vec<_> = err.details.iter().map(|d| d.field.as_str()).collect();
        assert_eq!(fields, ["status", "code"]);
        assert!(
            err.message.contains(r#"status: " Available " must not begin or end with whitespace"#),
            "{}",
            err.message
        );
    }
}
