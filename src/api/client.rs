//! The client: sends a dialect's calls with authentication, the write guards
//! and the retry policy, and turns every outcome into a [`Reply`] or an
//! [`ApiError`].

use super::attempts::{self, Attempt, Failure};
use super::call::{CallInfo, Replay, Reply};
use super::config::{ClientConfig, RetryPolicy};
use super::dialect::{Call, CallSpec, Dialect, DocumentsDialect, RawReply};
use super::error::{ApiError, ApiErrorKind};
use super::guards::{ETag, IdempotencyKey};
use super::retry;
use super::sent_keys::SentKeys;
use super::setbacks::SetbackCounts;
use super::token::{AccessToken, TokenCache, TokenSource};
use super::transport::{SendError, Transport};
use super::watch;
use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, HeaderValue};
use secrecy::ExposeSecret;
use std::fmt;
use std::sync::Arc;
use tokio::time::Instant;
use url::Url;

/// A tenant's REST API. Cheap to clone: clones share the connection pool
/// and the token.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
    rate_limits: RateLimits,
}

/// What a call does when the tenant answers 429.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RateLimits {
    /// Wait as the tenant asks and try again, within the retry policy.
    Wait,
    /// End the call at once with [`ApiErrorKind::RateLimited`], so the caller
    /// can hold back everything it sends to the limited resource.
    Surface,
}

struct Inner {
    transport: Transport,
    tokens: TokenCache,
    dialect: Arc<dyn Dialect>,
    config: ClientConfig,
    sent_keys: SentKeys,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.config.base_url.as_str())
            .field("client_id", &self.inner.config.client_id)
            .field("dialect", &self.inner.dialect)
            .field("rate_limits", &self.rate_limits)
            .finish_non_exhaustive()
    }
}

/// The optional guards of a write.
#[derive(Debug, Clone, Default)]
pub(crate) struct Guards {
    pub if_match: Option<ETag>,
    pub idempotency_key: Option<IdempotencyKey>,
}

impl Guards {
    pub fn new(if_match: Option<&ETag>, idempotency_key: Option<IdempotencyKey>) -> Self {
        Self { if_match: if_match.cloned(), idempotency_key }
    }
}

impl Client {
    /// A client speaking the documents' dialect.
    pub fn new(config: ClientConfig) -> Result<Self, ApiError> {
        Self::with_dialect(config, Arc::new(DocumentsDialect))
    }

    pub fn with_dialect(config: ClientConfig, dialect: Arc<dyn Dialect>) -> Result<Self, ApiError> {
        let refuse = |message: String| ApiError {
            kind: ApiErrorKind::Config { message },
            call: Box::new(CallInfo::new(reqwest::Method::GET, String::new())),
        };
        config.check().map_err(refuse)?;
        let transport = Transport::new(&config).map_err(refuse)?;
        let tokens = TokenCache::new(TokenSource::new(&config, transport.clone(), dialect.clone()));
        Ok(Self {
            inner: Arc::new(Inner { transport, tokens, dialect, config, sent_keys: SentKeys::default() }),
            rate_limits: RateLimits::Wait,
        })
    }

    /// This client, sharing its connections and token, except that a 429
    /// ends a call at once as [`ApiErrorKind::RateLimited`] (with the wait
    /// the tenant asked for) instead of being waited out inside the call.
    /// For callers that pace requests themselves: a limit on one campaign
    /// should hold back that campaign's requests, not the one that met it.
    pub fn surfacing_rate_limits(&self) -> Self {
        Self { inner: Arc::clone(&self.inner), rate_limits: RateLimits::Surface }
    }

    /// How patient the client is with its calls: the engine's own extra
    /// tries of a call hold to it as well.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.config.retry
    }

    pub fn base_url(&self) -> &Url {
        &self.inner.config.base_url
    }

    /// Signs in now rather than on the first call: for runs that must know
    /// the tenant takes the client before they start anything.
    pub async fn sign_in(&self) -> Result<(), ApiError> {
        let started = Instant::now();
        match self.inner.tokens.token().await {
            Ok(_) => Ok(()),
            Err(kind) => {
                let mut call = CallInfo::new(reqwest::Method::POST, self.inner.config.token_path.clone());
                call.latency = started.elapsed();
                Err(ApiError { kind: self.withheld(kind), call: Box::new(call) })
            }
        }
    }

    /// Tokens issued to this client since it was built.
    pub fn token_refreshes(&self) -> u64 {
        self.inner.tokens.refreshes()
    }

    /// The tenant's 429s, 5xx answers and unanswered requests this client
    /// (its clones and token requests included) has met since it was built,
    /// whether a retry or a pause got past them or not.
    pub fn setbacks(&self) -> SetbackCounts {
        self.inner.transport.setbacks()
    }

    pub fn dialect(&self) -> &dyn Dialect {
        self.inner.dialect.as_ref()
    }

    /// Sends `call` and decodes its reply.
    pub(crate) async fn run<T>(&self, call: Call<T>, guards: Guards) -> Result<Reply<T>, ApiError> {
        let started = Instant::now();
        let url = self.inner.transport.url(&call.spec.segments);
        let mut info = CallInfo::new(call.spec.method.clone(), url.path().to_string());
        info.etag_sent = guards.if_match.as_ref().map(|t| t.as_str().to_string());
        info.idempotency_key = guards.idempotency_key.as_ref().map(|k| k.as_str().to_string());
        let replay_safe = retry::replay_safe(
            &call.spec.method,
            call.spec.intent,
            guards.if_match.is_some(),
            guards.idempotency_key.is_some(),
        );
        let first_send =
            guards.idempotency_key.as_ref().is_some_and(|key| self.inner.sent_keys.first_send(key));
        let mut attempt = ApiRequest {
            inner: &self.inner,
            rate_limits: self.rate_limits,
            spec: &call.spec,
            url,
            guards: &guards,
            sent: 0,
            status: None,
            unanswered: 0,
            awaiting: false,
            reauthenticated: false,
        };
        let config = &self.inner.config;
        let outcome = attempts::run(&config.retry, replay_safe, config.request_timeout, &mut attempt).await;
        info.attempts = attempt.sent;
        info.status = attempt.status;
        // A request the call's deadline cut off went out unanswered too.
        info.unanswered = attempt.unanswered + u32::from(attempt.awaiting);
        info.latency = started.elapsed();
        match outcome {
            Ok(reply) => {
                // Only a first request of a key new to this client answers
                // someone else's write: after that, the replay may answer
                // one of its own attempts.
                info.replay = reply
                    .header("idempotent-replayed")
                    .is_some_and(|v| v.eq_ignore_ascii_case("true"))
                    .then_some(if first_send && attempt.sent == 1 {
                        Replay::KeyNotSentHere
                    } else {
                        Replay::OwnAttempt
                    });
                match call.decode(&reply) {
                    Ok(value) => Ok(Reply { value, call: info }),
                    Err(e) => {
                        let kind = ApiErrorKind::Decode { detail: e.detail, excerpt: e.excerpt };
                        Err(ApiError { kind: self.withheld(kind), call: Box::new(info) })
                    }
                }
            }
            Err(failure) => {
                let writes = info.method != reqwest::Method::GET;
                let kind = self.withheld(self.failure_kind(failure, writes));
                Err(ApiError { kind, call: Box::new(info) })
            }
        }
    }

    /// `kind` without the client's secret or its tokens, should the tenant
    /// have quoted them.
    fn withheld(&self, mut kind: ApiErrorKind) -> ApiErrorKind {
        let tokens = self.inner.tokens.recent();
        let mut secrets: Vec<&str> = tokens.iter().map(|t| t.secret().expose_secret()).collect();
        secrets.push(self.inner.config.client_secret.expose_secret());
        kind.withhold(&secrets);
        kind
    }

    /// `writes`: the call could have changed something on the tenant.
    fn failure_kind(&self, failure: Failure, writes: bool) -> ApiErrorKind {
        match failure {
            Failure::Status(reply) => {
                let said = self.inner.dialect.server_message(&reply);
                ApiErrorKind::from_status(
                    reply.status.as_u16(),
                    said.code.as_deref(),
                    said.message,
                    said.details,
                    attempts::retry_after(&reply),
                )
            }
            Failure::Send(SendError::Connect(detail)) => ApiErrorKind::Network { detail },
            Failure::Send(SendError::Interrupted(detail)) => ApiErrorKind::Interrupted { detail, writes },
            Failure::Send(SendError::Timeout) => {
                ApiErrorKind::Timeout { after: self.inner.config.request_timeout, writes }
            }
            Failure::Send(SendError::TooLarge) => ApiErrorKind::Decode {
                detail: "the reply was larger than the client reads".into(),
                excerpt: String::new(),
            },
            Failure::Deadline(after) => ApiErrorKind::Timeout { after, writes },
            Failure::Fatal(kind) => kind,
        }
    }
}

/// One attempt of an API call: a token, the request, and on a 401 one
/// fresh token and one more try.
struct ApiRequest<'a> {
    inner: &'a Inner,
    rate_limits: RateLimits,
    spec: &'a CallSpec,
    url: Url,
    guards: &'a Guards,
    sent: u32,
    status: Option<u16>,
    /// Requests sent that got no answer, and whether one is out now.
    unanswered: u32,
    awaiting: bool,
    reauthenticated: bool,
}

impl ApiRequest<'_> {
    async fn send(&mut self, token: &AccessToken, retried: bool) -> Result<RawReply, Failure> {
        let transport = &self.inner.transport;
        let mut request = transport
            .request(self.spec.method.clone(), self.url.clone())
            .bearer_auth(token.secret().expose_secret());
        if !self.spec.query.is_empty() {
            request = request.query(&self.spec.query);
        }
        for (name, value) in &self.spec.headers {
            request = request.header(name, value);
        }
        if let Some(tag) = &self.guards.if_match {
            request = request.header("If-Match", tag.as_str());
        }
        if let Some(key) = &self.guards.idempotency_key {
            request = request.header("Idempotency-Key", key.as_str());
        }
        if let Some(body) = &self.spec.body {
            request = request
                .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
                .body(body.to_string());
        }
        self.sent += 1;
        self.awaiting = true;
        let timeout = self.inner.config.request_timeout;
        let sent = watch::attempt_answered(retried, timeout, transport.send(request)).await;
        self.awaiting = false;
        let reply = sent.map_err(|e| {
            if matches!(e, SendError::Interrupted(_) | SendError::Timeout) {
                self.unanswered += 1;
            }
            Failure::Send(e)
        })?;
        self.status = Some(reply.status.as_u16());
        Ok(reply)
    }
}

impl ApiRequest<'_> {
    /// One exchange, with one more on a fresh token after a 401.
    async fn exchange(&mut self, retried: bool) -> Result<RawReply, Failure> {
        let tokens = &self.inner.tokens;
        let token = tokens.token().await.map_err(Failure::Fatal)?;
        let reply = self.send(&token, retried).await?;
        if reply.status != StatusCode::UNAUTHORIZED || self.reauthenticated {
            return Ok(reply);
        }
        // Revoked or expired early: a 401 means nothing was done, so one
        // more try with a fresh token is safe for any request.
        self.reauthenticated = true;
        tokens.invalidate(&token);
        let fresh = tokens.token().await.map_err(Failure::Fatal)?;
        self.send(&fresh, retried).await
    }

    /// A 429 as a failure that no retry at this level handles.
    fn rate_limited(&self, reply: &RawReply) -> Failure {
        let said = self.inner.dialect.server_message(reply);
        Failure::Fatal(ApiErrorKind::RateLimited {
            retry_after: attempts::retry_after(reply),
            message: said.message,
        })
    }
}

impl Attempt for ApiRequest<'_> {
    async fn run(&mut self, retried: bool) -> Result<RawReply, Failure> {
        let reply = self.exchange(retried).await?;
        if reply.status == StatusCode::TOO_MANY_REQUESTS && self.rate_limits == RateLimits::Surface {
            return Err(self.rate_limited(&reply));
        }
        Ok(reply)
    }
}

#[cfg(test)]
mod tests;
