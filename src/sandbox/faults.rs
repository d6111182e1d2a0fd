//! Fault injection: what makes the sandbox behave like a tenant on a bad day.
//!
//! Each request gets one decision from a seeded RNG: a latency drawn from a
//! log-normal (most requests near the median, a long tail to the p99, as real
//! gateways behave), then at most one fault. The same seed and the same
//! sequence of requests give the same faults, so a failing run can be replayed.
//!
//! A write's fault may come before the tenant applied it or after: a dropped
//! connection, or a gateway's 502 or 504, can follow an upstream that had
//! already made the change. A client that retries only what it knows failed
//! meets both.

use super::config::MAX_LATENCY_MS;
use super::reply::Failure;
use super::server::ConnectionHandle;
use super::{Fault, FaultRates, SandboxState, auth};
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, MutexGuard, RwLock};
use std::time::Duration;

/// z-score of the 99th percentile of the standard normal.
const Z_P99: f64 = 2.326;
/// The log-normal's tail is unbounded; real gateways give up long before.
const TAIL_CAP_OVER_P99: f64 = 3.0;
const SERVER_ERRORS: [StatusCode; 4] = [
    StatusCode::INTERNAL_SERVER_ERROR,
    StatusCode::BAD_GATEWAY,
    StatusCode::SERVICE_UNAVAILABLE,
    StatusCode::GATEWAY_TIMEOUT,
];

/// What happens to one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    pub latency: Duration,
    pub fault: Option<Injected>,
}

/// The faults a request can get, beyond latency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Injected {
    TooManyRequests {
        retry_after_secs: u64,
    },
    ServerError(StatusCode),
    /// Handle a write, then answer this 502 or 504 instead of its reply, as
    /// a gateway does whose upstream applied the write but answered late or
    /// broken. On a read, the same as [`Injected::ServerError`].
    ServerErrorAfter(StatusCode),
    /// Close the connection before the request is handled.
    DropBefore,
    /// Handle the request, then close the connection without replying.
    DropAfter,
    /// Revoke the presented token, so the request is refused as unauthenticated.
    RevokeToken,
}

pub struct Faults {
    rates: RwLock<FaultRates>,
    rng: Mutex<StdRng>,
    /// The next requests to paths under this prefix answer 503, whatever
    /// the rates say: a brief outage of one service, the same on every run.
    outage: Mutex<String>,
    /// How many requests the outage has left. Read before the lock, so a
    /// sandbox without one takes no lock for it on any request.
    outage_left: AtomicU32,
}

impl Faults {
    pub fn new(rates: FaultRates, seed: u64) -> Self {
        Self {
            rates: RwLock::new(rates),
            rng: Mutex::new(StdRng::seed_from_u64(seed)),
            outage: Mutex::new(String::new()),
            outage_left: AtomicU32::new(0),
        }
    }

    pub fn rates(&self) -> FaultRates {
        self.rates.read().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
    }

    /// Replaces the rates after checking them.
    pub fn set(&self, rates: FaultRates) -> Result<(), String> {
        rates.check()?;
        *self.rates.write().unwrap_or_else(|poisoned| poisoned.into_inner()) = rates;
        Ok(())
    }

    /// The next `requests` to paths starting with `prefix` answer 503.
    pub fn fail_next(&self, prefix: &str, requests: u32) {
        let mut outage = self.outage.lock().unwrap_or_else(|p| p.into_inner());
        *outage = prefix.to_string();
        self.outage_left.store(requests, Ordering::SeqCst);
    }

    /// Whether a request to `path` falls in the outage, counting it if so.
    fn in_outage(&self, path: &str) -> bool {
        if self.outage_left.load(Ordering::Relaxed) == 0 {
            return false;
        }
        let prefix = self.outage.lock().unwrap_or_else(|p| p.into_inner());
        path.starts_with(prefix.as_str())
            && self.outage_left.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1)).is_ok()
    }

    fn rng(&self) -> MutexGuard<'_, StdRng> {
        self.rng.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn decide(&self) -> Decision {
        let rates = self.rates();
        let mut rng = self.rng();
        let latency = latency(&rates, &mut *rng);
        Decision { latency, fault: fault(&rates, &mut *rng) }
    }
}

fn latency(rates: &FaultRates, rng: &mut impl Rng) -> Duration {
    let median = rates.latency_median_ms;
    if median <= 0.0 {
        return Duration::ZERO;
    }
    let p99 = rates.latency_p99_ms.max(median);
    let sigma = (p99 / median).ln() / Z_P99;
    let ms = median * (sigma * standard_normal(rng)).exp();
    // Rates built in code skip `FaultRates::check`: a latency too long for
    // a Duration waits the longest one allowed instead of panicking.
    let capped = ms.min(p99 * TAIL_CAP_OVER_P99).min(MAX_LATENCY_MS * TAIL_CAP_OVER_P99);
    Duration::try_from_secs_f64(capped / 1000.0).unwrap_or(Duration::ZERO)
}

/// Box–Muller: one standard normal sample from two uniform ones.
fn standard_normal(rng: &mut impl Rng) -> f64 {
    let u1: f64 = 1.0 - rng.random::<f64>(); // (0, 1], so ln is finite
    let u2: f64 = rng.random();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

fn fault(rates: &FaultRates, rng: &mut impl Rng) -> Option<Injected> {
    let roll: f64 = rng.random();
    let mut threshold = 0.0;
    let mut hit = |rate: f64| {
        threshold += rate;
        roll < threshold
    };
    if hit(rates.rate429) {
        Some(Injected::TooManyRequests { retry_after_secs: rng.random_range(1..=3) })
    } else if hit(rates.rate5xx) {
        let status = SERVER_ERRORS[rng.random_range(0..SERVER_ERRORS.len())];
        // A 500 or 503 is the service's own refusal; only a gateway's error
        // may stand in front of a write that landed. Half of those did.
        let gateway = matches!(status, StatusCode::BAD_GATEWAY | StatusCode::GATEWAY_TIMEOUT);
        Some(if gateway && rng.random::<bool>() {
            Injected::ServerErrorAfter(status)
        } else {
            Injected::ServerError(status)
        })
    } else if hit(rates.rate_drop) {
        Some(if rng.random::<bool>() { Injected::DropBefore } else { Injected::DropAfter })
    } else if hit(rates.rate_revoke) {
        Some(Injected::RevokeToken)
    } else {
        None
    }
}

/// The fault layer: sleeps the sampled latency, then applies the fault.
pub async fn inject(State(state): State<SandboxState>, request: Request, next: Next) -> Response {
    if state.faults.in_outage(request.uri().path()) {
        state.stats.fault(Fault::ServerError);
        return Failure::server(StatusCode::SERVICE_UNAVAILABLE).into_response();
    }
    let decision = state.faults.decide();
    if !decision.latency.is_zero() {
        tokio::time::sleep(decision.latency).await;
    }
    let Some(fault) = decision.fault else {
        return next.run(request).await;
    };
    let connection = request.extensions().get::<ConnectionHandle>().cloned();
    let write = is_write(&request);
    match fault {
        Injected::TooManyRequests { retry_after_secs } => {
            state.stats.fault(Fault::TooManyRequests);
            Failure::rate_limited(
                retry_after_secs,
                format!("the tenant is throttling requests; retry after {retry_after_secs} s"),
            )
            .into_response()
        }
        Injected::ServerErrorAfter(status) if write => {
            // Applied, and its reply remembered for idempotent replay, like
            // a drop after; only the answer the client gets is the gateway's.
            let _reply = next.run(request).await;
            state.stats.fault(Fault::ServerErrorAfter);
            Failure::server(status).into_response()
        }
        Injected::ServerError(status) | Injected::ServerErrorAfter(status) => {
            state.stats.fault(Fault::ServerError);
            Failure::server(status).into_response()
        }
        Injected::DropBefore => drop_connection(&state, connection, Fault::DroppedBefore).await,
        Injected::DropAfter => {
            // The reply is produced (and remembered for idempotent replay)
            // before it is thrown away with the connection.
            let _reply = next.run(request).await;
            drop_connection(&state, connection, Fault::DroppedAfter).await
        }
        Injected::RevokeToken => {
            let revoked = auth::bearer_token(request.headers()).is_ok_and(|token| state.auth.revoke(token));
            if revoked {
                state.stats.fault(Fault::TokenRevoked);
            }
            next.run(request).await
        }
    }
}

/// A request that changes the tenant. A token is not part of the tenant's
/// state, so a token request is not one.
fn is_write(request: &Request) -> bool {
    matches!(*request.method(), Method::POST | Method::PATCH | Method::PUT | Method::DELETE)
        && !auth::TOKEN_PATHS.contains(&request.uri().path())
}

/// Closes the client's connection without a byte of reply. The future never
/// completes: the connection task drops it along with the socket.
async fn drop_connection(
    state: &SandboxState,
    connection: Option<ConnectionHandle>,
    kind: Fault,
) -> Response {
    match connection {
        Some(connection) => {
            state.stats.fault(kind);
            connection.close_without_reply();
            std::future::pending().await
        }
        None => {
            // Served without the sandbox's accept loop, there is no
            // connection to drop; a 503 is the nearest visible fault.
            state.stats.fault(Fault::ServerError);
            Failure::server(StatusCode::SERVICE_UNAVAILABLE).into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sandbox::FaultProfile;

    fn rates(r429: f64, r5xx: f64, drop: f64, revoke: f64) -> FaultRates {
        FaultRates {
            rate429: r429,
            rate5xx: r5xx,
            rate_drop: drop,
            rate_revoke: revoke,
            ..FaultRates::from(FaultProfile::None)
        }
    }

    #[test]
    fn no_faults_means_no_latency_and_no_fault() {
        let faults = Faults::new(FaultRates::from(FaultProfile::None), 1);
        for _ in 0..1000 {
            assert_eq!(faults.decide(), Decision { latency: Duration::ZERO, fault: None });
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_decisions() {
        let storm = || Faults::new(FaultRates::from(FaultProfile::Storm), 7);
        let (a, b) = (storm(), storm());
        for _ in 0..200 {
            assert_eq!(a.decide(), b.decide());
        }
    }

    #[test]
    fn fault_frequencies_follow_the_rates() {
        let faults = Faults::new(rates(0.2, 0.1, 0.1, 0.05), 3);
        let n = 20_000;
        let (mut r429, mut r5xx, mut before, mut after, mut revoke) = (0, 0, 0, 0, 0);
        let (mut gateway, mut gateway_after) = (0, 0);
        for _ in 0..n {
            match faults.decide().fault {
                Some(Injected::TooManyRequests { retry_after_secs }) => {
                    assert!((1..=3).contains(&retry_after_secs));
                    r429 += 1;
                }
                Some(Injected::ServerError(status)) => {
                    assert!(SERVER_ERRORS.contains(&status));
                    r5xx += 1;
                    gateway += i32::from(matches!(status.as_u16(), 502 | 504));
                }
                Some(Injected::ServerErrorAfter(status)) => {
                    assert!(matches!(status.as_u16(), 502 | 504), "{status}");
                    (r5xx, gateway, gateway_after) = (r5xx + 1, gateway + 1, gateway_after + 1);
                }
                Some(Injected::DropBefore) => before += 1,
                Some(Injected::DropAfter) => after += 1,
                Some(Injected::RevokeToken) => revoke += 1,
                None => {}
            }
        }
        let share = |count: i32| f64::from(count) / f64::from(n);
        assert!((share(r429) - 0.2).abs() < 0.02, "429 share {}", share(r429));
        assert!((share(r5xx) - 0.1).abs() < 0.015);
        let after_share = f64::from(gateway_after) / f64::from(gateway);
        assert!((after_share - 0.5).abs() < 0.08, "half the 502/504s come after: {after_share}");
        assert!((f64::from(gateway) / f64::from(r5xx) - 0.5).abs() < 0.08, "500-504 drawn alike");
        assert!((share(before + after) - 0.1).abs() < 0.015);
        assert!(before > n / 40 && after > n / 40, "drops split between before and after");
        assert!((share(revoke) - 0.05).abs() < 0.01);
    }

    #[test]
    fn latency_has_the_configured_median_and_p99() {
        let faults = Faults::new(
            FaultRates {
                latency_median_ms: 40.0,
                latency_p99_ms: 600.0,
                ..FaultRates::from(FaultProfile::None)
            },
            11,
        );
        let mut samples: Vec<f64> =
            (0..20_000).map(|_| faults.decide().latency.as_secs_f64() * 1000.0).collect();
        samples.sort_by(f64::total_cmp);
        let at = |q: f64| samples[(q * samples.len() as f64) as usize];
        assert!((at(0.5) - 40.0).abs() < 4.0, "median {}", at(0.5));
        assert!((at(0.99) - 600.0).abs() < 120.0, "p99 {}", at(0.99));
        assert!(samples.iter().all(|ms| *ms <= 1800.0 + 1e-9), "the tail is capped");
    }

    #[test]
    fn rates_can_change_at_runtime_but_not_to_nonsense() {
        let faults = Faults::new(FaultRates::from(FaultProfile::None), 1);
        assert!(faults.set(rates(1.0, 0.0, 0.0, 0.0)).is_ok());
        assert!(matches!(faults.decide().fault, Some(Injected::TooManyRequests { .. })));
        let error = faults.set(rates(1.5, 0.0, 0.0, 0.0)).unwrap_err();
        assert!(error.contains("rate429"), "{error}");
        assert_eq!(faults.rates().rate429, 1.0, "a refused change leaves the rates alone");
    }

    #[test]
    fn latencies_past_a_minute_are_refused_and_a_huge_one_built_in_code_waits_capped() {
        let faults = Faults::new(FaultRates::from(FaultProfile::None), 1);
        let slow = |median, p99| FaultRates {
            latency_median_ms: median,
            latency_p99_ms: p99,
            ..FaultRates::from(FaultProfile::None)
        };
        assert!(faults.set(slow(MAX_LATENCY_MS, MAX_LATENCY_MS)).is_ok());
        for (median, p99) in [(1.0, 1e300), (1e20, 1e20), (f64::NAN, 1.0), (1.0, f64::INFINITY)] {
            let error = faults.set(slow(median, p99)).unwrap_err();
            assert!(error.contains("latency") && error.contains("60000"), "{error}");
        }
        let unchecked = Faults::new(slow(1.0, 1e300), 5);
        for _ in 0..1000 {
            assert!(unchecked.decide().latency <= Duration::from_secs(180), "capped at three minutes");
        }
    }

    #[test]
    fn an_outage_fails_the_next_requests_under_its_path_only() {
        let faults = Faults::new(FaultRates::from(FaultProfile::None), 1);
        faults.fail_next("/api/v1/outbound", 2);
        assert!(!faults.in_outage("/api/v2/users/u-1"), "another service answers");
        assert!(faults.in_outage("/api/v1/outbound/campaigns/c-1"));
        assert!(faults.in_outage("/api/v1/outbound/campaigns/c-1/contacts/k-1"));
        assert!(!faults.in_outage("/api/v1/outbound/campaigns/c-1"), "two requests, then it is over");
    }
}
