//! A webhook receiver inside the sandbox: it records every delivery and
//! whether its Standard Webhooks signature verified.
//!
//! Unsigned or badly signed deliveries are recorded, not refused, so a test
//! can see exactly what a sender did. Each name keeps its latest deliveries
//! only, and the number of names is bounded, so memory stays flat however
//! long the sandbox runs.

use super::reply::{Failure, Result};
use super::server::unreadable_body;
use super::{SandboxConfig, SandboxState};
use crate::signing::{self, SigningKey, Verdict};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Mutex, MutexGuard};
use time::OffsetDateTime;

pub const BODY_LIMIT: usize = 1 << 20;
/// Deliveries kept per name; older ones are dropped first.
pub const KEPT_PER_NAME: usize = 1_000;
/// Names the sink records at once.
pub const MAX_NAMES: usize = 256;
const MAX_NAME_LEN: usize = 64;

/// One delivery as the sink received it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Delivery {
    #[serde(with = "time::serde::rfc3339")]
    pub received_at: OffsetDateTime,
    pub webhook_id: Option<String>,
    pub webhook_timestamp: Option<String>,
    pub verdict: Verdict,
    /// Content type, user agent, the `webhook-*` headers, the idempotency key
    /// and any `x-*` header a registration added. Never `Authorization`.
    pub headers: BTreeMap<String, String>,
    /// The body as JSON when it parses, else as a string.
    pub body: serde_json::Value,
}

/// `GET /sandbox/webhooks/{name}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SinkLog {
    pub name: String,
    pub deliveries: Vec<Delivery>,
}

pub struct Sink {
    key: Option<SigningKey>,
    logs: Mutex<HashMap<String, VecDeque<Delivery>>>,
}

impl Sink {
    pub fn new(config: &SandboxConfig) -> Self {
        let key = match SigningKey::from_secret(&config.sink_secret) {
            Ok(key) => Some(key),
            Err(error) => {
                tracing::warn!(%error, "the sink's secret is unusable; every signed delivery will read as invalid");
                None
            }
        };
        Self { key, logs: Mutex::new(HashMap::new()) }
    }

    fn logs(&self) -> MutexGuard<'_, HashMap<String, VecDeque<Delivery>>> {
        // Each change is one push or pop, so a poisoned lock still holds whole deliveries.
        self.logs.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// What `name` has received, oldest first.
    pub fn deliveries(&self, name: &str) -> Vec<Delivery> {
        self.logs().get(name).map(|log| log.iter().cloned().collect()).unwrap_or_default()
    }

    fn record(&self, name: &str, delivery: Delivery) -> Result<()> {
        let mut logs = self.logs();
        if !logs.contains_key(name) && logs.len() >= MAX_NAMES {
            return Err(Failure::bad_request(format!(
                "name: the sink records at most {MAX_NAMES} names; reuse one"
            )));
        }
        let log = logs.entry(name.to_string()).or_default();
        if log.len() >= KEPT_PER_NAME {
            log.pop_front();
        }
        log.push_back(delivery);
        Ok(())
    }

    fn verdict(&self, headers: &HeaderMap, body: &[u8], now: i64) -> Verdict {
        let text = |name: &str| headers.get(name).map(|v| v.to_str());
        match (text(signing::HEADER_ID), text(signing::HEADER_TIMESTAMP), text(signing::HEADER_SIGNATURE)) {
            (None, None, None) => Verdict::Unsigned,
            (Some(Ok(id)), Some(Ok(ts)), Some(Ok(sig))) => match &self.key {
                Some(key) => key.verify(id, ts, sig, body, now),
                None => Verdict::Invalid,
            },
            _ => Verdict::Malformed,
        }
    }
}

pub fn routes() -> Router<SandboxState> {
    Router::new()
        .route("/sandbox/webhooks/{name}", post(receive).get(list))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
}

fn check_name(name: &str) -> Result<()> {
    let fine = !name.is_empty()
        && name.len() <= MAX_NAME_LEN
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    if fine {
        Ok(())
    } else {
        Err(Failure::bad_request(format!(
            "name: {name:?} must be 1 to {MAX_NAME_LEN} letters, digits, '-', '_' or '.'"
        )))
    }
}

async fn receive(
    State(state): State<SandboxState>,
    Path(name): Path<String>,
    headers: HeaderMap,
    body: std::result::Result<Bytes, BytesRejection>,
) -> Result<StatusCode> {
    check_name(&name)?;
    let body = body.map_err(unreadable_body)?;
    let now = OffsetDateTime::now_utc();
    let delivery = Delivery {
        received_at: now,
        webhook_id: header_text(&headers, signing::HEADER_ID),
        webhook_timestamp: header_text(&headers, signing::HEADER_TIMESTAMP),
        verdict: state.sink.verdict(&headers, &body, now.unix_timestamp()),
        headers: selected_headers(&headers),
        body: serde_json::from_slice(&body)
            .unwrap_or_else(|_| serde_json::Value::String(String::from_utf8_lossy(&body).into_owned())),
    };
    tracing::debug!(name, verdict = ?delivery.verdict, "webhook delivery recorded");
    state.sink.record(&name, delivery)?;
    Ok(StatusCode::NO_CONTENT)
}

async fn list(State(state): State<SandboxState>, Path(name): Path<String>) -> Result<Json<SinkLog>> {
    check_name(&name)?;
    let deliveries = state.sink.deliveries(&name);
    Ok(Json(SinkLog { name, deliveries }))
}

fn header_text(headers: &HeaderMap, name: &str) -> Option<String> {
    headers.get(name).map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
}

fn selected_headers(headers: &HeaderMap) -> BTreeMap<String, String> {
    headers
        .iter()
        .filter(|(name, _)| {
            let name = name.as_str();
            matches!(name, "content-type" | "user-agent" | "idempotency-key")
                || name.starts_with("webhook-")
                || name.starts_with("x-")
        })
        .map(|(name, value)| (name.to_string(), String::from_utf8_lossy(value.as_bytes()).into_owned()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn sink() -> (Sink, SigningKey) {
        let config = SandboxConfig::quiet();
        let key = SigningKey::from_secret(&config.sink_secret).unwrap();
        (Sink::new(&config), key)
    }

    fn signed(id: &'static str, ts: i64, sig: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(signing::HEADER_ID, HeaderValue::from_static(id));
        headers.insert(signing::HEADER_TIMESTAMP, HeaderValue::from_str(&ts.to_string()).unwrap());
        headers.insert(signing::HEADER_SIGNATURE, HeaderValue::from_str(sig).unwrap());
        headers
    }

    #[test]
    fn verdicts_follow_the_headers() {
        let (sink, key) = sink();
        let sig = key.sign("msg_1", 1_000, b"{}");
        assert_eq!(sink.verdict(&signed("msg_1", 1_000, &sig), b"{}", 1_000), Verdict::Valid);
        assert_eq!(sink.verdict(&signed("msg_1", 1_000, &sig), b"{ }", 1_000), Verdict::Invalid);
        assert_eq!(sink.verdict(&signed("msg_1", 1_000, &sig), b"{}", 5_000), Verdict::Stale);
        assert_eq!(sink.verdict(&HeaderMap::new(), b"{}", 1_000), Verdict::Unsigned);
        let mut partial = HeaderMap::new();
        partial.insert(signing::HEADER_ID, HeaderValue::from_static("msg_1"));
        assert_eq!(sink.verdict(&partial, b"{}", 1_000), Verdict::Malformed);
    }

    fn delivery(n: i64) -> Delivery {
        Delivery {
            received_at: OffsetDateTime::UNIX_EPOCH,
            webhook_id: None,
            webhook_timestamp: None,
            verdict: Verdict::Unsigned,
            headers: BTreeMap::new(),
            body: serde_json::json!(n),
        }
    }

    #[test]
    fn each_name_keeps_only_its_latest_deliveries() {
        let (sink, _) = sink();
        for n in 0..(KEPT_PER_NAME as i64 + 5) {
            sink.record("crm", delivery(n)).unwrap();
        }
        let kept = sink.deliveries("crm");
        assert_eq!(kept.len(), KEPT_PER_NAME);
        assert_eq!(kept[0].body, serde_json::json!(5));
        assert!(sink.deliveries("other").is_empty());
    }

    #[test]
    fn the_number_of_names_is_bounded() {
        let (sink, _) = sink();
        for n in 0..MAX_NAMES {
            sink.record(&format!("n{n}"), delivery(0)).unwrap();
        }
        let refused = sink.record("one-more", delivery(0)).unwrap_err();
        assert!(refused.message.starts_with("name:"));
        assert!(sink.record("n0", delivery(1)).is_ok(), "known names still record");
    }

    #[test]
    fn names_are_checked() {
        assert!(check_name("crm-sync_1.v2").is_ok());
        assert!(check_name("").is_err());
        assert!(check_name("a/b").is_err());
        assert!(check_name(&"x".repeat(65)).is_err());
    }

    #[test]
    fn authorization_is_never_recorded() {
        let mut headers = HeaderMap::new();
        headers.insert("authorization", HeaderValue::from_static("Bearer secret"));
        headers.insert("x-webhook-source", HeaderValue::from_static("cxone"));
        headers.insert("content-type", HeaderValue::from_static("application/json"));
        let kept = selected_headers(&headers);
        assert_eq!(kept.keys().collect::<Vec<_>>(), ["content-type", "x-webhook-source"]);
    }
}
