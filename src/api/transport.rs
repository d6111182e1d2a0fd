//! One HTTP exchange: build the URL, send, read the whole reply.

use super::config::ClientConfig;
use super::dialect::RawReply;
use super::setbacks::{SetbackCounts, Setbacks};
use super::text;
use crate::domain::data_action::is_loopback;
use bytes::{Bytes, BytesMut};
use reqwest::header::{ACCEPT, HeaderMap, HeaderValue};
use std::sync::Arc;
use url::Url;

/// The User-Agent of every request.
pub const USER_AGENT: &str = concat!("cxone-console/", env!("CARGO_PKG_VERSION"));

/// How long a connection is kept for reuse once idle. A server closes its
/// idle connections on a schedule of its own (the sandbox after 10 s, common
/// servers after 15 to 75 s); a request sent on one just as it closes meets
/// the close instead of an answer, and a write then cannot tell whether it
/// landed. Letting go first avoids that race, and 8 s still keeps a
/// connection from one 5 s refresh to the next.
pub const KEPT_IDLE: std::time::Duration = std::time::Duration::from_secs(8);

/// Largest reply body read; a page of 1,000 data actions with their schemas
/// stays far below it, and a broken server cannot exhaust memory.
const MAX_BODY_BYTES: usize = 32 * 1024 * 1024;

/// Why an exchange produced no reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendError {
    /// No connection: nothing was sent.
    Connect(String),
    /// Sent, then the connection broke before a whole reply arrived.
    Interrupted(String),
    /// Sent, and the reply did not arrive within the request timeout.
    Timeout,
    /// The reply was larger than the client reads.
    TooLarge,
}

#[derive(Debug, Clone)]
pub struct Transport {
    http: reqwest::Client,
    base: Url,
    /// Shared by the clones: the client's and its token source's.
    setbacks: Arc<Setbacks>,
}

impl Transport {
    pub fn new(config: &ClientConfig) -> Result<Self, String> {
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        let mut builder = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .default_headers(headers)
            .connect_timeout(config.connect_timeout)
            .timeout(config.request_timeout)
            .pool_idle_timeout(KEPT_IDLE)
            // The API never redirects; following one would resend writes and
            // bearer tokens to wherever a reply points.
            .redirect(reqwest::redirect::Policy::none());
        if is_loopback(&config.base_url) {
            // A proxy from the environment must never see loopback traffic.
            builder = builder.no_proxy();
        }
        let http = builder.build().map_err(|e| format!("the HTTP client could not be built: {e}"))?;
        Ok(Self { http, base: config.base_url.clone(), setbacks: Arc::default() })
    }

    /// The base URL with `segments` appended, each percent-encoded.
    pub fn url<S: AsRef<str>>(&self, segments: &[S]) -> Url {
        let mut url = self.base.clone();
        // `check` refused bases that cannot hold a path, so this always applies.
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().extend(segments.iter().map(AsRef::as_ref));
        }
        url
    }

    pub fn request(&self, method: reqwest::Method, url: Url) -> reqwest::RequestBuilder {
        self.http.request(method, url)
    }

    /// The setbacks every request sent through this transport met.
    pub fn setbacks(&self) -> SetbackCounts {
        self.setbacks.counts()
    }

    pub async fn send(&self, request: reqwest::RequestBuilder) -> Result<RawReply, SendError> {
        let sent = self.exchange(request).await;
        match &sent {
            Ok(reply) => self.setbacks.answered(reply.status),
            Err(SendError::TooLarge) => {}
            Err(_) => self.setbacks.unanswered(),
        }
        sent
    }

    async fn exchange(&self, request: reqwest::RequestBuilder) -> Result<RawReply, SendError> {
        let mut response = request.send().await.map_err(classify)?;
        let status = response.status();
        let headers = response.headers().clone();
        let mut body = BytesMut::new();
        while let Some(chunk) = response.chunk().await.map_err(classify)? {
            if body.len() + chunk.len() > MAX_BODY_BYTES {
                return Err(SendError::TooLarge);
            }
            body.extend_from_slice(&chunk);
        }
        Ok(RawReply { status, headers, body: Bytes::from(body) })
    }
}

fn classify(e: reqwest::Error) -> SendError {
    if e.is_connect() {
        SendError::Connect(root_cause(&e))
    } else if e.is_timeout() {
        SendError::Timeout
    } else {
        SendError::Interrupted(root_cause(&e))
    }
}

/// The innermost cause, which names what happened ("connection refused")
/// rather than what was being done.
fn root_cause(e: &reqwest::Error) -> String {
    let mut cause: &dyn std::error::Error = e;
    while let Some(next) = cause.source() {
        cause = next;
    }
    text::sanitize(&cause.to_string(), text::MAX_MESSAGE_CHARS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::SecretString;

    fn transport(base: &str) -> Transport {
        let config = ClientConfig::new(Url::parse(base).unwrap(), "id", SecretString::from("s"));
        Transport::new(&config).unwrap()
    }

    #[test]
    fn segments_are_percent_encoded_below_the_base_path() {
        let t = transport("http://127.0.0.1:9/tenant/");
        let url = t.url(&["api", "v1", "interactions", "a b/../c?x#y"]);
        assert_eq!(url.path(), "/tenant/api/v1/interactions/a%20b%2F..%2Fc%3Fx%23y");
        assert_eq!(url.query(), None);
        let bare = transport("http://127.0.0.1:9");
        assert_eq!(bare.url(&["oauth", "token"]).as_str(), "http://127.0.0.1:9/oauth/token");
    }

    #[test]
    fn user_agent_names_the_console_and_its_version() {
        assert_eq!(USER_AGENT, format!("cxone-console/{}", env!("CARGO_PKG_VERSION")));
    }
}
