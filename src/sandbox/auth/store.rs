//! Issued access tokens: opaque random strings with an expiry and scopes.
//!
//! The store keeps only a SHA-256 digest of each token, so the tokens
//! themselves never sit in the sandbox's memory after they were handed out,
//! and a lookup's timing says nothing about how much of a guess was right.

use crate::sandbox::SandboxConfig;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use secrecy::SecretString;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::time::Instant;

/// Expired and revoked tokens are remembered this long, so a client presenting
/// one is told what happened to it rather than that it is unknown.
const REMEMBER_AFTER_EXPIRY: Duration = Duration::from_secs(3600);
/// How many grants the store holds at most; the oldest go first.
const CAPACITY: usize = 100_000;
/// How often issuing a token also sweeps out the forgotten ones.
const PURGE_EVERY: Duration = Duration::from_secs(60);

type TokenDigest = [u8; 32];

#[derive(Debug, Clone)]
struct Grant {
    scopes: Arc<[&'static str]>,
    expires_at: Instant,
    revoked: bool,
}

/// Why a presented token does not authenticate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenProblem {
    /// Not issued here, or issued so long ago that it was forgotten.
    Unknown,
    Expired {
        ago: Duration,
    },
    Revoked,
}

impl TokenProblem {
    pub fn describe(self) -> String {
        match self {
            Self::Unknown => "the access token is not one this tenant issued".to_string(),
            Self::Expired { ago } => {
                format!("the access token expired {} s ago; request a new one", ago.as_secs())
            }
            Self::Revoked => "the access token was revoked; request a new one".to_string(),
        }
    }
}

/// A token just issued, with what it grants.
pub struct Issued {
    pub token: SecretString,
    pub expires_in: Duration,
    pub scopes: Arc<[&'static str]>,
}

pub struct TokenStore {
    ttl: Duration,
    state: Mutex<Grants>,
}

struct Grants {
    by_digest: HashMap<TokenDigest, Grant>,
    last_purge: Instant,
}

fn digest(token: &str) -> TokenDigest {
    Sha256::digest(token.as_bytes()).into()
}

impl TokenStore {
    pub fn new(config: &SandboxConfig) -> Self {
        Self::with_ttl(config.token_ttl)
    }

    pub fn with_ttl(ttl: Duration) -> Self {
        Self { ttl, state: Mutex::new(Grants { by_digest: HashMap::new(), last_purge: Instant::now() }) }
    }

    fn grants(&self) -> MutexGuard<'_, Grants> {
        // A panic while holding the lock cannot leave a grant half-written
        // (each change is one map operation), so the data stays usable.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Issues a fresh token granting `scopes` for the configured lifetime.
    pub fn issue(&self, scopes: Vec<&'static str>) -> Issued {
        let bytes: [u8; 32] = rand::random();
        let token = URL_SAFE_NO_PAD.encode(bytes);
        let now = Instant::now();
        let scopes: Arc<[&'static str]> = scopes.into();
        let grant = Grant { scopes: scopes.clone(), expires_at: far_or(now, self.ttl), revoked: false };
        let mut grants = self.grants();
        if now.duration_since(grants.last_purge) >= PURGE_EVERY || grants.by_digest.len() >= CAPACITY {
            grants.purge(now);
        }
        grants.by_digest.insert(digest(&token), grant);
        Issued { token: SecretString::from(token), expires_in: self.ttl, scopes }
    }

    /// Whether this store issued `token` (live, expired or revoked, while
    /// remembered): how a test finds a token where it must never be.
    pub fn issued(&self, token: &str) -> bool {
        self.grants().by_digest.contains_key(&digest(token))
    }

    /// The scopes `token` grants, if it is live.
    pub fn check(&self, token: &str) -> Result<Arc<[&'static str]>, TokenProblem> {
        let now = Instant::now();
        let grants = self.grants();
        let grant = grants.by_digest.get(&digest(token)).ok_or(TokenProblem::Unknown)?;
        if grant.revoked {
            return Err(TokenProblem::Revoked);
        }
        if now >= grant.expires_at {
            return Err(TokenProblem::Expired { ago: now.duration_since(grant.expires_at) });
        }
        Ok(grant.scopes.clone())
    }

    /// Revokes one token; `false` when it was not live.
    pub fn revoke(&self, token: &str) -> bool {
        let now = Instant::now();
        match self.grants().by_digest.get_mut(&digest(token)) {
            Some(grant) if !grant.revoked && now < grant.expires_at => {
                grant.revoked = true;
                true
            }
            _ => false,
        }
    }

    /// Revokes every live token; returns how many there were.
    pub fn revoke_all(&self) -> usize {
        let now = Instant::now();
        let mut grants = self.grants();
        let mut revoked = 0;
        for grant in grants.by_digest.values_mut().filter(|g| !g.revoked && now < g.expires_at) {
            grant.revoked = true;
            revoked += 1;
        }
        revoked
    }

    /// How many grants are remembered, live or not.
    pub fn remembered(&self) -> usize {
        self.grants().by_digest.len()
    }
}

/// `now + ttl`, or a point far enough away when the sum does not fit.
fn far_or(now: Instant, ttl: Duration) -> Instant {
    now.checked_add(ttl).unwrap_or_else(|| now + Duration::from_secs(100 * 365 * 86_400))
}

impl Grants {
    fn purge(&mut self, now: Instant) {
        self.last_purge = now;
        self.by_digest.retain(|_, g| now < far_or(g.expires_at, REMEMBER_AFTER_EXPIRY));
        if self.by_digest.len() >= CAPACITY {
            let mut expiries: Vec<Instant> = self.by_digest.values().map(|g| g.expires_at).collect();
            expiries.sort_unstable();
            // Keep the newest ~90% so that a flood of tokens does not make
            // every issue pay for another sort.
            let cutoff = expiries[expiries.len() / 10];
            self.by_digest.retain(|_, g| g.expires_at > cutoff);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store(ttl_secs: u64) -> TokenStore {
        TokenStore::with_ttl(Duration::from_secs(ttl_secs))
    }

    fn expose(issued: &Issued) -> String {
        use secrecy::ExposeSecret;
        issued.token.expose_secret().to_string()
    }

    #[tokio::test(start_paused = true)]
    async fn a_token_lives_for_its_ttl_then_says_it_expired() {
        let store = store(60);
        let issued = store.issue(vec!["user:read"]);
        let token = expose(&issued);
        assert_eq!(&*store.check(&token).unwrap(), ["user:read"]);
        tokio::time::sleep(Duration::from_secs(59)).await;
        assert!(store.check(&token).is_ok());
        tokio::time::sleep(Duration::from_secs(6)).await;
        assert_eq!(store.check(&token).unwrap_err(), TokenProblem::Expired { ago: Duration::from_secs(5) });
    }

    #[tokio::test(start_paused = true)]
    async fn revocation_is_reported_and_only_hits_live_tokens() {
        let store = store(60);
        let a = expose(&store.issue(vec![]));
        let b = expose(&store.issue(vec![]));
        assert!(store.revoke(&a));
        assert!(!store.revoke(&a), "already revoked");
        assert_eq!(store.check(&a).unwrap_err(), TokenProblem::Revoked);
        assert!(store.check(&b).is_ok());
        assert_eq!(store.revoke_all(), 1);
        assert_eq!(store.check(&b).unwrap_err(), TokenProblem::Revoked);
        assert_eq!(store.check("made-up").unwrap_err(), TokenProblem::Unknown);
    }

    #[tokio::test(start_paused = true)]
    async fn forgotten_tokens_are_purged_so_memory_stays_bounded() {
        let store = store(10);
        for _ in 0..50 {
            store.issue(vec![]);
        }
        tokio::time::sleep(Duration::from_secs(10) + REMEMBER_AFTER_EXPIRY).await;
        let fresh = expose(&store.issue(vec![]));
        assert_eq!(store.remembered(), 1);
        assert!(store.check(&fresh).is_ok());
    }

    #[test]
    fn tokens_are_opaque_and_distinct() {
        let store = store(60);
        let a = expose(&store.issue(vec![]));
        let b = expose(&store.issue(vec![]));
        assert_ne!(a, b);
        assert!(a.len() >= 43, "32 random bytes, base64url");
    }

    #[test]
    fn a_huge_ttl_does_not_overflow() {
        let store = TokenStore::with_ttl(Duration::MAX);
        let token = expose(&store.issue(vec![]));
        assert!(store.check(&token).is_ok());
    }
}
