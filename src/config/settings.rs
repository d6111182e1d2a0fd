//! How the engine paces and retries its work, and how the screen behaves.

use super::check::Table;
use super::error::ConfigError;
use super::file::{EngineFile, UiFile};
use std::time::Duration;

/// The `[engine]` table.
#[derive(Debug, Clone, PartialEq)]
pub struct EngineSettings {
    campaign_rate: f64,
    batch_concurrency: usize,
    conflict_retries: u32,
    refresh: Duration,
    retry: RetrySettings,
}

/// How one remote call is retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetrySettings {
    max_attempts: u32,
    deadline: Duration,
    connect_timeout: Duration,
    request_timeout: Duration,
}

/// The `[ui]` table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UiSettings {
    read_only: bool,
    tick_rate: Duration,
    max_fps: u32,
}

impl Default for EngineSettings {
    fn default() -> Self {
        Self {
            // Document 001 recommends at most 10 requests a second per campaign.
            campaign_rate: 10.0,
            batch_concurrency: 8,
            // Document 000 writes at most three times (`max_retries = 3`
            // attempts): the first, and two after refetching on a 409.
            conflict_retries: 2,
            refresh: Duration::from_secs(5),
            retry: RetrySettings::default(),
        }
    }
}

impl Default for RetrySettings {
    fn default() -> Self {
        Self {
            // The documents stop after three attempts.
            max_attempts: 3,
            deadline: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
        }
    }
}

impl Default for UiSettings {
    fn default() -> Self {
        Self { read_only: false, tick_rate: Duration::from_millis(250), max_fps: 30 }
    }
}

impl EngineSettings {
    /// Requests per second per outbound campaign.
    pub fn campaign_rate(&self) -> f64 {
        self.campaign_rate
    }

    /// A batch's requests at the tenant at once (contacts), or agents
    /// worked on at once.
    pub fn batch_concurrency(&self) -> usize {
        self.batch_concurrency
    }

    /// Times a 409 is answered by refetching and trying again.
    pub fn conflict_retries(&self) -> u32 {
        self.conflict_retries
    }

    /// How often panes reload what changed on the tenant.
    pub fn refresh(&self) -> Duration {
        self.refresh
    }

    pub fn retry(&self) -> RetrySettings {
        self.retry
    }

    pub(super) fn read(table: &Table<'_>, file: &EngineFile) -> Result<Self, ConfigError> {
        let defaults = Self::default();
        let campaign_rate = match &file.campaign_rate {
            None => defaults.campaign_rate,
            Some(rate) if (0.1..=1000.0).contains(rate.get_ref()) => *rate.get_ref(),
            Some(rate) => {
                let rule = format!("{} is out of range; use 0.1 to 1000 requests per second", rate.get_ref());
                return Err(table.error("campaign_rate", Some(rate.span()), rule));
            }
        };
        let retry = defaults.retry;
        let int = |key, value, range, default: u64| table.int(key, value, range, default);
        // Document 001: batches beyond 50 concurrent requests get throttled.
        let batch_concurrency =
            int("batch_concurrency", &file.batch_concurrency, 1..=50, defaults.batch_concurrency as u64)?;
        let conflict_retries =
            int("conflict_retries", &file.conflict_retries, 0..=10, defaults.conflict_retries.into())?;
        let refresh_secs = int("refresh_secs", &file.refresh_secs, 1..=3600, defaults.refresh.as_secs())?;
        let max_attempts = int("max_attempts", &file.max_attempts, 1..=10, retry.max_attempts.into())?;
        let deadline_secs = int("deadline_secs", &file.deadline_secs, 1..=600, retry.deadline.as_secs())?;
        let connect_secs =
            int("connect_timeout_secs", &file.connect_timeout_secs, 1..=60, retry.connect_timeout.as_secs())?;
        let request_secs = int(
            "request_timeout_secs",
            &file.request_timeout_secs,
            1..=300,
            retry.request_timeout.as_secs(),
        )?;
        if request_secs > deadline_secs {
            let span = file.request_timeout_secs.as_ref().or(file.deadline_secs.as_ref()).map(|s| s.span());
            let rule = format!(
                "{request_secs} s exceeds deadline_secs ({deadline_secs} s); one request cannot outlast the whole call"
            );
            return Err(table.error("request_timeout_secs", span, rule));
        }
        Ok(Self {
            campaign_rate,
            batch_concurrency: batch_concurrency as usize,
            conflict_retries: conflict_retries as u32,
            refresh: Duration::from_secs(refresh_secs),
            retry: RetrySettings {
                max_attempts: max_attempts as u32,
                deadline: Duration::from_secs(deadline_secs),
                connect_timeout: Duration::from_secs(connect_secs),
                request_timeout: Duration::from_secs(request_secs),
            },
        })
    }
}

impl RetrySettings {
    /// Attempts of one call, the first included.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The time one call may take, every attempt and wait included.
    pub fn deadline(&self) -> Duration {
        self.deadline
    }

    pub fn connect_timeout(&self) -> Duration {
        self.connect_timeout
    }

    /// The time one attempt may take.
    pub fn request_timeout(&self) -> Duration {
        self.request_timeout
    }
}

impl UiSettings {
    /// Whether changes are refused and their keys hidden.
    pub fn read_only(&self) -> bool {
        self.read_only
    }

    /// How often the screen's clocks and timers advance.
    pub fn tick_rate(&self) -> Duration {
        self.tick_rate
    }

    /// The most frames drawn in a second.
    pub fn max_fps(&self) -> u32 {
        self.max_fps
    }

    pub(super) fn read(table: &Table<'_>, file: &UiFile) -> Result<Self, ConfigError> {
        let defaults = Self::default();
        let tick_ms = defaults.tick_rate.as_millis() as u64;
        Ok(Self {
            read_only: file.read_only.as_ref().map_or(defaults.read_only, |r| *r.get_ref()),
            tick_rate: Duration::from_millis(table.int(
                "tick_rate_ms",
                &file.tick_rate_ms,
                50..=5000,
                tick_ms,
            )?),
            max_fps: table.int("max_fps", &file.max_fps, 1..=120, defaults.max_fps.into())? as u32,
        })
    }
}
