//! How and where the deliverer sends, and the rules its settings follow.

use super::backoff::Backoff;
use crate::domain::data_action::is_loopback;
use crate::signing::SigningKey;
use std::collections::HashMap;
use std::time::Duration;
use url::Url;

/// How and where the deliverer sends.
#[derive(Debug, Clone)]
pub struct DeliveryConfig {
    /// Each target's URL (`crm` → `http://127.0.0.1:9000/hooks/crm`).
    pub targets: HashMap<String, Url>,
    pub key: SigningKey,
    pub attempt_timeout: Duration,
    pub backoff: Backoff,
    /// Attempts before a message is given up on and kept as failed.
    pub max_attempts: u32,
    pub max_in_flight: usize,
}

impl DeliveryConfig {
    /// Ten-second attempts, backoff from 1 s to 10 min, 15 attempts (about
    /// an hour and a half of trying), four at once.
    pub fn new(targets: HashMap<String, Url>, key: SigningKey) -> Self {
        Self {
            targets,
            key,
            attempt_timeout: Duration::from_secs(10),
            backoff: Backoff::default(),
            max_attempts: 15,
            max_in_flight: 4,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DeliveryError {
    #[error("{field}: {rule}")]
    Config { field: String, rule: String },
    #[error("cannot build the webhook client: {0}")]
    Client(String),
}

pub(super) fn check(config: &DeliveryConfig) -> Result<(), DeliveryError> {
    let refuse = |field: String, rule: &str| Err(DeliveryError::Config { field, rule: rule.to_owned() });
    if config.max_attempts == 0 {
        return refuse("max_attempts".into(), "must be at least 1");
    }
    if config.max_in_flight == 0 {
        return refuse("max_in_flight".into(), "must be at least 1");
    }
    for (target, url) in &config.targets {
        let allowed = match url.scheme() {
            "https" => url.host().is_some(),
            "http" => is_loopback(url),
            _ => false,
        };
        if !allowed {
            return refuse(
                format!("targets.{target}"),
                "must be an https URL, or plain http to this machine (127.0.0.1, ::1 or localhost)",
            );
        }
    }
    Ok(())
}
