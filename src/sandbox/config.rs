//! How a sandbox is shaped: size, seed, faults, token lifetime, limits.

use crate::signing::SigningKey;
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::num::NonZeroUsize;
use std::str::FromStr;
use std::time::Duration;

/// The client id the sandbox accepts.
pub const DEMO_CLIENT_ID: &str = "cxone-console-sandbox";
/// The largest tenant the flags accept, per entity kind.
pub const MAX_ENTITIES: usize = 100_000;
/// The longest added latency, median or tail, in milliseconds: a minute,
/// past every timeout a client of the sandbox keeps.
pub const MAX_LATENCY_MS: f64 = 60_000.0;

#[derive(Debug, Clone)]
pub struct SandboxConfig {
    /// Where to listen; port 0 picks a free one.
    pub listen: SocketAddr,
    pub size: TenantSize,
    /// Seeds the tenant's generation and the fault dice.
    pub seed: u64,
    pub faults: FaultRates,
    pub token_ttl: Duration,
    /// Keep agents, interactions, contacts and data actions changing.
    pub simulate: bool,
    /// How often the simulation moves things along.
    pub tick: Duration,
    pub client_id: String,
    pub client_secret: SecretString,
    /// What the webhook sink verifies signatures with.
    pub sink_secret: SecretString,
    /// Requests per second per campaign on contact endpoints; `None` is unlimited.
    pub campaign_rate: Option<RateLimit>,
    /// How long the simulation keeps a closed interaction left untouched, and
    /// how long a run goes before it retires any: a file of changes made
    /// from a listing must not find its interactions gone.
    pub retention: Duration,
    /// How many connections are served at once, and how long a request's
    /// headers may take.
    pub connections: ConnectionLimits,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            size: TenantSize::default(),
            seed: 42,
            faults: FaultRates::from(FaultProfile::None),
            token_ttl: Duration::from_secs(3600),
            simulate: true,
            tick: Duration::from_secs(1),
            client_id: DEMO_CLIENT_ID.to_string(),
            client_secret: random_secret("sbx_"),
            sink_secret: SigningKey::generate_secret(),
            campaign_rate: Some(RateLimit::default()),
            retention: Duration::from_secs(30 * 60),
            connections: ConnectionLimits::default(),
        }
    }
}

impl SandboxConfig {
    /// A small, still tenant for tests: no simulation, no faults.
    pub fn quiet() -> Self {
        Self { simulate: false, ..Self::default() }
    }
}

fn random_secret(prefix: &str) -> SecretString {
    let bytes: [u8; 24] = rand::random();
    SecretString::from(format!("{prefix}{}", hex::encode(bytes)))
}

/// How many of each entity the seeded tenant holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantSize {
    pub agents: usize,
    pub interactions: usize,
    pub campaigns: usize,
    pub contacts_per_campaign: usize,
}

impl Default for TenantSize {
    fn default() -> Self {
        Self { agents: 200, interactions: 2_000, campaigns: 5, contacts_per_campaign: 1_000 }
    }
}

/// What one peer can hold of the sandbox: it runs inside the console's
/// process, whose file descriptors the audit log needs too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// Connections served at once; past these, further ones wait in the
    /// system's queue until one ends.
    pub most: NonZeroUsize,
    /// Longest wait for a request's headers, timed from when the connection
    /// is ready for one: a connection left idle between requests is closed
    /// after this too, and headers trickled in do not stretch it.
    pub headers_within: Duration,
    /// Longest wait for a request's body, timed from its headers: a body
    /// trickled in, or never finished, fails its request and closes its
    /// connection then.
    pub body_within: Duration,
}

impl Default for ConnectionLimits {
    /// The engine holds up to 50 requests at once in a batch and as many
    /// deliveries to the sink, the raw benchmark runs 64 request loops, and
    /// clients keep their connections open between requests: 256 serves all
    /// of them at once with room to spare, and is a quarter of the 1024
    /// descriptors a process is commonly allowed. Ten seconds lets a batch's
    /// connections wait between requests, and is well inside the console's
    /// 30 s request timeout, so a request queued behind idle peers is still
    /// answered. A body gets the console's 30 s as well: a client sending
    /// more slowly has given up on its request by then.
    fn default() -> Self {
        Self {
            most: NonZeroUsize::new(256).expect("256 is not zero"),
            headers_within: Duration::from_secs(10),
            body_within: Duration::from_secs(30),
        }
    }
}

/// A token bucket: `per_second` sustained, `burst` at once.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RateLimit {
    pub per_second: f64,
    pub burst: u32,
}

impl Default for RateLimit {
    /// Document 001 recommends capping at 10 requests per second per campaign.
    fn default() -> Self {
        Self { per_second: 10.0, burst: 20 }
    }
}

/// Named fault mixes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FaultProfile {
    /// No faults, no added latency.
    None,
    /// A healthy production tenant: some latency, rare errors.
    Light,
    /// A bad day: slow, and every kind of fault often.
    Storm,
}

impl FromStr for FaultProfile {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "none" | "off" => Ok(Self::None),
            "light" => Ok(Self::Light),
            "storm" => Ok(Self::Storm),
            other => Err(format!("unknown fault profile {other:?}; use none, light or storm")),
        }
    }
}

/// What the fault injector does to each API request (not to `/sandbox/*`).
///
/// Latency is log-normal: most requests near the median, a long tail to the
/// 99th percentile, as real gateways behave. Rates are probabilities per request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FaultRates {
    pub profile: Option<FaultProfile>,
    pub latency_median_ms: f64,
    pub latency_p99_ms: f64,
    pub rate429: f64,
    /// Server errors; half the 502s and 504s to a write come after it was
    /// applied.
    pub rate5xx: f64,
    /// Connections closed without a reply; half before the request is
    /// handled, half after it was applied.
    pub rate_drop: f64,
    /// Tokens revoked before their expiry.
    pub rate_revoke: f64,
}

impl From<FaultProfile> for FaultRates {
    fn from(p: FaultProfile) -> Self {
        let (median, p99, r429, r5xx, drop, revoke) = match p {
            FaultProfile::None => (0.0, 0.0, 0.0, 0.0, 0.0, 0.0),
            FaultProfile::Light => (15.0, 120.0, 0.01, 0.01, 0.002, 0.001),
            FaultProfile::Storm => (40.0, 600.0, 0.08, 0.08, 0.03, 0.01),
        };
        Self {
            profile: Some(p),
            latency_median_ms: median,
            latency_p99_ms: p99,
            rate429: r429,
            rate5xx: r5xx,
            rate_drop: drop,
            rate_revoke: revoke,
        }
    }
}

impl FaultRates {
    /// Refuses rates outside [0, 1] and latencies that are negative, longer
    /// than [`MAX_LATENCY_MS`], or whose tail is shorter than the median.
    pub fn check(&self) -> Result<(), String> {
        for (name, r) in [
            ("rate429", self.rate429),
            ("rate5xx", self.rate5xx),
            ("rateDrop", self.rate_drop),
            ("rateRevoke", self.rate_revoke),
        ] {
            if !(0.0..=1.0).contains(&r) {
                return Err(format!("{name}: {r} must be between 0 and 1"));
            }
        }
        for (name, ms) in [("latencyMedianMs", self.latency_median_ms), ("latencyP99Ms", self.latency_p99_ms)]
        {
            if !(0.0..=MAX_LATENCY_MS).contains(&ms) {
                // Not echoed: a value past the range may run to 300 digits.
                return Err(format!("{name} must be between 0 and {MAX_LATENCY_MS} milliseconds"));
            }
        }
        if self.latency_p99_ms < self.latency_median_ms {
            return Err("latencyP99Ms must be at least latencyMedianMs".into());
        }
        Ok(())
    }
}
