//! One delivery attempt, and what its answer means.
//!
//! * 2xx: delivered.
//! * 3xx: failed for good. Redirects are never followed: a webhook URL that
//!   redirects is misconfigured, and following it would send a signed body
//!   somewhere nobody configured.
//! * 4xx: failed for good, because the same request will get the same answer
//!   (a 400, 401, 403, 404, 410, 413, 422 …), except 408, 409, 423, 425 and
//!   429, which say "not now" and are retried.
//! * 5xx, no answer, a timeout, a refused connection: retried.
//!
//! A message given up on is kept as failed in the outbox, never dropped.
//! Every answer is recorded in the outbox's journal: delivered, given up on,
//! or retried, so a restart goes on counting a message's attempts.

use super::message::Envelope;
use super::store::{Mark, Outbox};
use crate::signing::{self, SigningKey};
use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, HeaderMap, RETRY_AFTER};
use std::error::Error as _;
use std::sync::Arc;
use std::time::{Duration, SystemTime};
use time::OffsetDateTime;
use url::Url;

/// What every attempt is sent with.
pub(super) struct Sender {
    client: reqwest::Client,
    key: SigningKey,
    timeout: Duration,
}

impl Sender {
    pub fn new(client: reqwest::Client, key: SigningKey, timeout: Duration) -> Self {
        Self { client, key, timeout }
    }
}

/// How an attempt ended, once its marker (if any) is durable.
pub(super) enum Report {
    Delivered,
    /// Given up on: refused for good (`answered`), or out of attempts.
    Failed {
        reason: String,
        answered: bool,
    },
    Retry {
        reason: String,
        retry_after: Option<Duration>,
        /// The receiver took it, but the journal could not record so (a
        /// full disk): only the record is tried again, never the delivery.
        delivered: bool,
    },
}

/// What an attempt is: its number, whether it is the last, and whether
/// the message was delivered already and only its record is missing.
#[derive(Debug, Clone, Copy)]
pub(super) struct Try {
    pub attempt: u32,
    pub last_chance: bool,
    pub delivered: bool,
}

/// One attempt, and its marker once the answer is final.
pub(super) async fn deliver(
    sender: Arc<Sender>,
    outbox: Outbox,
    envelope: Arc<Envelope>,
    url: Url,
    this: Try,
) -> Report {
    let Try { attempt, last_chance, delivered } = this;
    let verdict = match delivered {
        true => Verdict::Delivered,
        false => send(&sender.client, &url, &sender.key, &envelope, sender.timeout).await,
    };
    let (reason, answered) = match verdict {
        Verdict::Delivered => {
            return match outbox.mark(&envelope.id, attempt, Mark::Delivered).await {
                Ok(()) => Report::Delivered,
                Err(e) => Report::Retry {
                    reason: format!("delivered, but not recorded: {e}"),
                    retry_after: None,
                    delivered: true,
                },
            };
        }
        Verdict::Permanent { reason } => (reason, true),
        Verdict::Retry { reason, .. } if last_chance => {
            (format!("gave up after {attempt} attempts; last: {reason}"), false)
        }
        Verdict::Retry { reason, retry_after } => {
            // Counted in the journal, so a restart goes on from this attempt;
            // a count not recorded only means more tries than configured.
            if let Err(e) = outbox.mark(&envelope.id, attempt, Mark::Retried(reason.clone())).await {
                tracing::warn!("webhook {}: attempt {attempt} not recorded: {e}", envelope.id);
            }
            return Report::Retry { reason, retry_after, delivered: false };
        }
    };
    match outbox.mark(&envelope.id, attempt, Mark::Failed(reason.clone())).await {
        Ok(()) => Report::Failed { reason, answered },
        Err(e) => Report::Retry {
            reason: format!("{reason}; and not recorded: {e}"),
            retry_after: None,
            delivered: false,
        },
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Verdict {
    Delivered,
    Retry { reason: String, retry_after: Option<Duration> },
    Permanent { reason: String },
}

/// Posts the envelope to `url`, signed for this attempt.
pub(super) async fn send(
    client: &reqwest::Client,
    url: &Url,
    key: &SigningKey,
    envelope: &Envelope,
    timeout: Duration,
) -> Verdict {
    let timestamp = OffsetDateTime::now_utc().unix_timestamp();
    let signature = key.sign(envelope.id.as_str(), timestamp, &envelope.body);
    let request = client
        .post(url.clone())
        .timeout(timeout)
        .header(CONTENT_TYPE, "application/json")
        .header(signing::HEADER_ID, envelope.id.as_str())
        .header(signing::HEADER_TIMESTAMP, timestamp.to_string())
        .header(signing::HEADER_SIGNATURE, signature)
        .body(envelope.body.clone());
    match request.send().await {
        Ok(response) => classify(response.status(), retry_after(response.headers())),
        Err(e) if e.is_timeout() => Verdict::Retry {
            reason: format!("no answer within {} ms", timeout.as_millis()),
            retry_after: None,
        },
        Err(e) => Verdict::Retry { reason: describe(&e), retry_after: None },
    }
}

pub(super) fn classify(status: StatusCode, retry_after: Option<Duration>) -> Verdict {
    let answered = format!("answered {status}");
    if status.is_success() {
        Verdict::Delivered
    } else if status.is_redirection() {
        Verdict::Permanent { reason: format!("{answered}, a redirect (redirects are not followed)") }
    } else if status.is_client_error() && !is_transient(status) {
        Verdict::Permanent { reason: answered }
    } else {
        Verdict::Retry { reason: answered, retry_after }
    }
}

fn is_transient(status: StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 409 | 423 | 425 | 429)
}

/// `Retry-After` in seconds or as an HTTP date.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let text = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    match text.parse::<u64>() {
        Ok(secs) => Some(Duration::from_secs(secs)),
        Err(_) => httpdate::parse_http_date(text).ok()?.duration_since(SystemTime::now()).ok(),
    }
}

/// What went wrong and its innermost cause (`could not connect: Connection
/// refused (os error 111)`): the layers between say only that a client
/// erred, and reqwest's own message carries the URL.
fn describe(e: &reqwest::Error) -> String {
    let what = if e.is_connect() {
        "could not connect"
    } else if e.is_timeout() {
        "no answer in time"
    } else {
        "the request failed"
    };
    let mut innermost = None;
    let mut cause = e.source();
    while let Some(c) = cause {
        innermost = Some(c);
        cause = c.source();
    }
    match innermost {
        Some(cause) => format!("{what}: {cause}"),
        None => what.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_classified() {
        assert_eq!(classify(StatusCode::NO_CONTENT, None), Verdict::Delivered);
        assert!(matches!(classify(StatusCode::FOUND, None), Verdict::Permanent { .. }));
        assert!(matches!(classify(StatusCode::UNPROCESSABLE_ENTITY, None), Verdict::Permanent { .. }));
        assert!(matches!(classify(StatusCode::GONE, None), Verdict::Permanent { .. }));
        let later = Some(Duration::from_secs(3));
        assert_eq!(
            classify(StatusCode::TOO_MANY_REQUESTS, later),
            Verdict::Retry { reason: "answered 429 Too Many Requests".into(), retry_after: later }
        );
        assert!(matches!(classify(StatusCode::BAD_GATEWAY, None), Verdict::Retry { .. }));
        assert!(matches!(classify(StatusCode::REQUEST_TIMEOUT, None), Verdict::Retry { .. }));
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, "7".parse().unwrap());
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(7)));
        let soon = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(120));
        headers.insert(RETRY_AFTER, soon.parse().unwrap());
        assert!(retry_after(&headers).is_some_and(|d| d > Duration::from_secs(60)));
        headers.insert(RETRY_AFTER, "soon".parse().unwrap());
        assert_eq!(retry_after(&headers), None);
    }
}
