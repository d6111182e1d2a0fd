//! OAuth2 client-credentials tokens: fetched once, shared, refreshed ahead
//! of expiry, and refreshed by one request however many callers need it.
//!
//! Readers take a read lock and go. A caller that finds no fresh token either
//! joins the refresh in flight or starts one; the refresh runs as its own
//! task, so a caller that gives up does not stall the others, and its result,
//! success or failure, goes to every waiter. A failure is not cached: the
//! next caller starts a new refresh. Each caller's watcher, when it has one,
//! hears of the refresh's requests that go again or are slow to be
//! answered, as of its own calls'.

use super::attempts::{self, Attempt, Failure};
use super::config::{ClientConfig, RetryPolicy};
use super::dialect::{Dialect, RawReply};
use super::error::ApiErrorKind;
use super::transport::{SendError, Transport};
use super::watch::{self, Joined};
use futures_util::FutureExt;
use futures_util::future::{BoxFuture, Shared};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;
use tokio::time::Instant;
use url::Url;

/// How long before expiry a token is replaced, as the documents do.
pub const REFRESH_MARGIN: Duration = Duration::from_secs(60);
/// No token is trusted for longer than this, whatever the server says.
const MAX_LIFETIME: Duration = Duration::from_secs(24 * 3600);

/// A bearer token and when to stop using it.
pub struct AccessToken {
    secret: SecretString,
    refresh_at: Instant,
}

impl AccessToken {
    pub fn secret(&self) -> &SecretString {
        &self.secret
    }

    pub fn is_fresh(&self, now: Instant) -> bool {
        now < self.refresh_at
    }
}

/// When a token obtained at `obtained` and valid for `lifetime` should be
/// replaced: 60 s before it expires, or halfway through a shorter life, so a
/// short-lived token is still used rather than refreshed on every call.
pub fn refresh_at(obtained: Instant, lifetime: Duration) -> Instant {
    let lifetime = lifetime.min(MAX_LIFETIME);
    obtained + lifetime - REFRESH_MARGIN.min(lifetime / 2)
}

type Flight = Shared<BoxFuture<'static, Result<Arc<AccessToken>, ApiErrorKind>>>;

/// Tokens remembered after they were replaced, to be withheld from error
/// text that quotes them.
const REMEMBERED_TOKENS: usize = 4;

#[derive(Default)]
struct Slot {
    token: Option<Arc<AccessToken>>,
    /// The latest tokens issued, the current one included, newest last.
    issued: VecDeque<Arc<AccessToken>>,
    /// The refresh in flight, with its number and its callers' watchers.
    flight: Option<(u64, Flight, Arc<Joined>)>,
    flights: u64,
}

impl Slot {
    fn fresh(&self, now: Instant) -> Option<Arc<AccessToken>> {
        self.token.as_ref().filter(|t| t.is_fresh(now)).cloned()
    }
}

pub struct TokenCache {
    source: Arc<TokenSource>,
    slot: Arc<RwLock<Slot>>,
    /// Tokens the tenant issued: a refused request got none, so the count
    /// (shown as "N tokens") does not grow while the credentials are wrong.
    refreshes: Arc<AtomicU64>,
}

impl TokenCache {
    pub fn new(source: TokenSource) -> Self {
        Self { source: Arc::new(source), slot: Arc::default(), refreshes: Arc::default() }
    }

    /// Tokens issued so far.
    pub fn refreshes(&self) -> u64 {
        self.refreshes.load(Ordering::Relaxed)
    }

    /// A fresh token, from the cache or from the one refresh in flight.
    pub async fn token(&self) -> Result<Arc<AccessToken>, ApiErrorKind> {
        let now = Instant::now();
        if let Some(token) = self.slot.read().unwrap_or_else(PoisonError::into_inner).fresh(now) {
            return Ok(token);
        }
        let (flight, watchers) = {
            let mut slot = self.slot.write().unwrap_or_else(PoisonError::into_inner);
            if let Some(token) = slot.fresh(now) {
                return Ok(token);
            }
            match &slot.flight {
                Some((_, flight, watchers)) => (flight.clone(), watchers.clone()),
                None => self.start_refresh(&mut slot),
            }
        };
        watchers.join();
        flight.await
    }

    /// The latest tokens issued, the current one included: what a tenant
    /// may quote back.
    pub fn recent(&self) -> Vec<Arc<AccessToken>> {
        self.slot.read().unwrap_or_else(PoisonError::into_inner).issued.iter().cloned().collect()
    }

    /// Forgets `failed` after the tenant refused it, unless it was already
    /// replaced: callers that met the same 401 together cause one refresh.
    pub fn invalidate(&self, failed: &Arc<AccessToken>) {
        let mut slot = self.slot.write().unwrap_or_else(PoisonError::into_inner);
        if slot.token.as_ref().is_some_and(|t| Arc::ptr_eq(t, failed)) {
            slot.token = None;
        }
    }

    fn start_refresh(&self, slot: &mut Slot) -> (Flight, Arc<Joined>) {
        slot.flights += 1;
        let number = slot.flights;
        let source = self.source.clone();
        let shared_slot = self.slot.clone();
        let issued = Arc::clone(&self.refreshes);
        let watchers = Arc::new(Joined::default());
        let watchers_of_task: Arc<dyn watch::Watcher> = watchers.clone();
        let task = tokio::spawn(async move {
            let result = watch::watched(watchers_of_task, source.fetch()).await.map(Arc::new);
            let mut slot = shared_slot.write().unwrap_or_else(PoisonError::into_inner);
            if slot.flight.as_ref().is_some_and(|(n, ..)| *n == number) {
                slot.flight = None;
            }
            if let Ok(token) = &result {
                issued.fetch_add(1, Ordering::Relaxed);
                slot.token = Some(token.clone());
                if slot.issued.len() == REMEMBERED_TOKENS {
                    slot.issued.pop_front();
                }
                slot.issued.push_back(token.clone());
            }
            result
        });
        let flight: Flight = async move {
            task.await.unwrap_or_else(|_| {
                Err(ApiErrorKind::Config { message: "the token refresh stopped before it finished".into() })
            })
        }
        .boxed()
        .shared();
        slot.flight = Some((number, flight.clone(), watchers.clone()));
        (flight, watchers)
    }
}

/// Where and how tokens are requested.
pub struct TokenSource {
    transport: Transport,
    url: Url,
    client_id: String,
    client_secret: SecretString,
    scope: Option<String>,
    policy: RetryPolicy,
    request_timeout: Duration,
    dialect: Arc<dyn Dialect>,
}

impl TokenSource {
    pub fn new(config: &ClientConfig, transport: Transport, dialect: Arc<dyn Dialect>) -> Self {
        let segments: Vec<&str> = config.token_path.split('/').filter(|s| !s.is_empty()).collect();
        Self {
            url: transport.url(&segments),
            transport,
            client_id: config.client_id.clone(),
            client_secret: config.client_secret.clone(),
            scope: (!config.scopes.is_empty()).then(|| config.scopes.join(" ")),
            policy: config.retry.clone(),
            request_timeout: config.request_timeout,
            dialect,
        }
    }

    async fn fetch(&self) -> Result<AccessToken, ApiErrorKind> {
        // Issuing a token changes nothing on the tenant, so it is always safe to repeat.
        let mut request = TokenRequest { source: self };
        let outcome = attempts::run(&self.policy, true, self.request_timeout, &mut request).await;
        match outcome {
            Ok(reply) => decode(&reply, Instant::now()),
            Err(failure) => Err(self.refused(failure)),
        }
    }

    fn refused(&self, failure: Failure) -> ApiErrorKind {
        match failure {
            // A token endpoint that failed, or asked for a pause, says
            // nothing of the credentials: it is the tenant's trouble, for now.
            Failure::Status(reply) if reply.status.is_server_error() => ApiErrorKind::Server {
                status: reply.status.as_u16(),
                message: format!("its token endpoint: {}", self.dialect.server_message(&reply).message),
            },
            Failure::Status(reply) if reply.status == reqwest::StatusCode::TOO_MANY_REQUESTS => {
                ApiErrorKind::RateLimited {
                    retry_after: attempts::retry_after(&reply),
                    message: format!("its token endpoint: {}", self.dialect.server_message(&reply).message),
                }
            }
            Failure::Status(reply) if reply.status == reqwest::StatusCode::NOT_FOUND => {
                ApiErrorKind::Config {
                    message: format!(
                        "the tenant has no token endpoint at {} (HTTP 404); check token_path of this profile",
                        self.url.path()
                    ),
                }
            }
            Failure::Status(reply) => ApiErrorKind::TokenRefused {
                status: reply.status.as_u16(),
                message: self.dialect.server_message(&reply).message,
            },
            Failure::Send(SendError::Connect(detail)) => ApiErrorKind::Network { detail },
            // Asking for a token changes nothing on the tenant.
            Failure::Send(SendError::Interrupted(detail)) => {
                ApiErrorKind::Interrupted { detail, writes: false }
            }
            Failure::Send(SendError::Timeout) | Failure::Deadline(_) => {
                ApiErrorKind::Timeout { after: self.policy.deadline, writes: false }
            }
            Failure::Send(SendError::TooLarge) => ApiErrorKind::Decode {
                detail: "the token reply was larger than any token".into(),
                excerpt: String::new(),
            },
            Failure::Fatal(kind) => kind,
        }
    }
}

struct TokenRequest<'a> {
    source: &'a TokenSource,
}

impl Attempt for TokenRequest<'_> {
    async fn run(&mut self, retried: bool) -> Result<RawReply, Failure> {
        let s = self.source;
        let mut form = vec![
            ("grant_type", "client_credentials"),
            ("client_id", s.client_id.as_str()),
            ("client_secret", s.client_secret.expose_secret()),
        ];
        if let Some(scope) = &s.scope {
            form.push(("scope", scope.as_str()));
        }
        let request = s.transport.request(reqwest::Method::POST, s.url.clone()).form(&form);
        // As an API call's; one slow the first time is told to every call
        // waiting on the token.
        let sent = watch::attempt_answered(retried, s.request_timeout, s.transport.send(request)).await;
        sent.map_err(Failure::Send)
    }
}

#[derive(Deserialize)]
struct TokenReply {
    access_token: SecretString,
    expires_in: f64,
}

/// Reads a token reply. The body holds the token, so no part of it is ever
/// quoted in an error.
fn decode(reply: &RawReply, now: Instant) -> Result<AccessToken, ApiErrorKind> {
    let unreadable = |detail: &str| ApiErrorKind::Decode {
        detail: detail.to_string(),
        excerpt: "(withheld: it may hold a token)".into(),
    };
    let body: TokenReply = serde_json::from_slice(&reply.body)
        .map_err(|_| unreadable("the token reply lacks a string access_token or a numeric expires_in"))?;
    if body.access_token.expose_secret().is_empty() {
        return Err(unreadable("the token reply holds an empty access_token"));
    }
    if !(body.expires_in.is_finite() && body.expires_in > 0.0) {
        return Err(unreadable("the token reply's expires_in is not a positive number of seconds"));
    }
    let lifetime = Duration::from_secs_f64(body.expires_in.min(MAX_LIFETIME.as_secs_f64()));
    Ok(AccessToken { secret: body.access_token, refresh_at: refresh_at(now, lifetime) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::StatusCode;
    use reqwest::header::HeaderMap;

    fn reply(body: &str) -> RawReply {
        RawReply { status: StatusCode::OK, headers: HeaderMap::new(), body: body.as_bytes().to_vec().into() }
    }

    #[test]
    fn an_hour_long_token_is_replaced_a_minute_before_it_expires() {
        let now = Instant::now();
        let at = refresh_at(now, Duration::from_secs(3600));
        assert_eq!(at - now, Duration::from_secs(3540));
        let token =
            decode(&reply(r#"{"access_token":"abc","token_type":"Bearer","expires_in":3600}"#), now).unwrap();
        assert!(token.is_fresh(now + Duration::from_secs(3539)));
        assert!(!token.is_fresh(now + Duration::from_secs(3540)));
    }

    #[test]
    fn short_lived_tokens_are_used_for_half_their_life() {
        let now = Instant::now();
        assert_eq!(refresh_at(now, Duration::from_secs(30)) - now, Duration::from_secs(15));
        assert_eq!(refresh_at(now, Duration::from_secs(120)) - now, Duration::from_secs(60));
        assert_eq!(refresh_at(now, Duration::from_secs(10 * 24 * 3600)) - now, MAX_LIFETIME - REFRESH_MARGIN);
    }

    #[test]
    fn unreadable_token_replies_never_quote_the_body() {
        let now = Instant::now();
        for body in [
            r#"{"access_token":"tok_SECRET","expires_in":"soon"}"#,
            r#"{"access_token":"tok_SECRET","expires_in":-5}"#,
            r#"{"access_token":"","expires_in":60}"#,
            r#"tok_SECRET"#,
        ] {
            let err = decode(&reply(body), now).err().unwrap();
            let shown = format!("{err} {err:?}");
            assert!(!shown.contains("tok_SECRET"), "{shown}");
            assert!(matches!(err, ApiErrorKind::Decode { .. }), "{err:?}");
        }
    }
}
