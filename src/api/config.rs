//! How the client reaches a tenant and how patient it is.

use secrecy::SecretString;
use std::time::Duration;
use url::Url;

/// The token path of documents 002 and 004; 000 uses `/v1/oauth/token` and
/// 001 `/api/v1/oauth2/token`.
pub const DEFAULT_TOKEN_PATH: &str = "/oauth/token";

/// Where the tenant is and who the console is to it.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// Scheme, host and port of the tenant's API, optionally with a path prefix.
    pub base_url: Url,
    /// Path of the OAuth2 token endpoint, below `base_url`.
    pub token_path: String,
    /// Scopes to ask for; empty sends no `scope` and gets the client's default set.
    pub scopes: Vec<String>,
    pub client_id: String,
    pub client_secret: SecretString,
    /// Bound on opening a connection.
    pub connect_timeout: Duration,
    /// Bound on one attempt, from sending to the last byte of the reply.
    pub request_timeout: Duration,
    pub retry: RetryPolicy,
}

impl ClientConfig {
    /// A configuration with the default token path, no explicit scopes,
    /// a 5 s connect timeout, a 30 s request timeout and the default retries.
    pub fn new(base_url: Url, client_id: impl Into<String>, client_secret: SecretString) -> Self {
        Self {
            base_url,
            token_path: DEFAULT_TOKEN_PATH.to_string(),
            scopes: Vec::new(),
            client_id: client_id.into(),
            client_secret,
            connect_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(30),
            retry: RetryPolicy::default(),
        }
    }

    pub fn with_token_path(mut self, path: impl Into<String>) -> Self {
        self.token_path = path.into();
        self
    }

    pub fn with_scopes<S: Into<String>>(mut self, scopes: impl IntoIterator<Item = S>) -> Self {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Checks what `Client::new` needs; the error names the setting.
    pub(crate) fn check(&self) -> Result<(), String> {
        if !matches!(self.base_url.scheme(), "http" | "https") || self.base_url.host().is_none() {
            return Err(format!("base URL {} must be an http or https URL with a host", self.base_url));
        }
        if self.base_url.cannot_be_a_base() {
            return Err(format!("base URL {} cannot hold API paths", self.base_url));
        }
        if self.token_path.trim_matches('/').trim().is_empty() {
            return Err("token path must not be empty (for example /oauth/token)".into());
        }
        if self.client_id.trim().is_empty() {
            return Err("client id must not be empty".into());
        }
        let bounded = |t: Duration| !t.is_zero() && t <= MAX_DEADLINE;
        if !bounded(self.connect_timeout) || !bounded(self.request_timeout) {
            return Err("connect and request timeouts must be greater than zero and at most a day".into());
        }
        if let Some(bad) = self.scopes.iter().find(|s| s.is_empty() || s.contains(char::is_whitespace)) {
            return Err(format!("scope {bad:?} must be one non-empty word"));
        }
        self.retry.check()
    }
}

/// No call is worth waiting on for longer than this.
const MAX_DEADLINE: Duration = Duration::from_secs(24 * 3600);

/// How often and how long the client retries a call that may succeed later.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts per call, the first one included.
    pub max_attempts: u32,
    /// Upper bound of the first backoff; it doubles with each attempt.
    pub base_delay: Duration,
    /// Cap of any backoff.
    pub max_delay: Duration,
    /// Cap of a wait the tenant asks for with `Retry-After`: a longer wait is
    /// reported to the user instead of hanging the call.
    pub max_retry_after: Duration,
    /// Bound on one call, every attempt and wait included.
    pub deadline: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 4,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(5),
            max_retry_after: Duration::from_secs(30),
            deadline: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// One attempt, no retries.
    pub fn never() -> Self {
        Self { max_attempts: 1, ..Self::default() }
    }

    fn check(&self) -> Result<(), String> {
        if self.max_attempts == 0 {
            return Err("retry.max_attempts must be at least 1".into());
        }
        if self.deadline.is_zero() || self.deadline > MAX_DEADLINE {
            return Err("retry.deadline must be greater than zero and at most a day".into());
        }
        if self.base_delay > self.max_delay {
            return Err("retry.base_delay must not exceed retry.max_delay".into());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> ClientConfig {
        ClientConfig::new(Url::parse("http://127.0.0.1:8080").unwrap(), "id", SecretString::from("s3cr3t"))
    }

    #[test]
    fn defaults_are_usable() {
        assert_eq!(config().check(), Ok(()));
        assert_eq!(config().token_path, "/oauth/token");
    }

    #[test]
    fn bad_settings_are_named() {
        let mut c = config();
        c.base_url = Url::parse("mailto:ops@example.com").unwrap();
        assert!(c.check().unwrap_err().contains("base URL"));
        let c = config().with_token_path("/");
        assert!(c.check().unwrap_err().contains("token path"));
        let c = config().with_scopes(["interactions:read user:read"]);
        assert!(c.check().unwrap_err().contains("scope"));
        let c = config().with_retry(RetryPolicy { max_attempts: 0, ..RetryPolicy::default() });
        assert!(c.check().unwrap_err().contains("max_attempts"));
    }

    #[test]
    fn debug_output_hides_the_secret() {
        let shown = format!("{:?}", config());
        assert!(!shown.contains("s3cr3t"), "{shown}");
    }
}
