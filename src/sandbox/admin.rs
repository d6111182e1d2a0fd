//! The sandbox's own controls: fault rates, counters, token revocation.
//!
//! These never get faults or auth: they are how a test or a demo steers and
//! observes the tenant, and must answer even while the tenant is "down".

use super::reply::{Failure, Result};
use super::server::unreadable_body;
use super::{FaultProfile, FaultRates, SandboxState, StatsSnapshot};
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;

pub fn routes() -> Router<SandboxState> {
    Router::new()
        .route("/sandbox/faults", get(faults).put(set_faults))
        .route("/sandbox/stats", get(stats))
        .route("/sandbox/tokens/revoke", post(revoke_tokens))
}

async fn faults(State(state): State<SandboxState>) -> Json<FaultRates> {
    Json(state.faults.rates())
}

async fn stats(State(state): State<SandboxState>) -> Json<StatsSnapshot> {
    Json(state.stats.snapshot())
}

async fn revoke_tokens(State(state): State<SandboxState>) -> StatusCode {
    let revoked = state.auth.revoke_all();
    tracing::info!(revoked, "every live token revoked");
    StatusCode::NO_CONTENT
}

/// `PUT /sandbox/faults`: a profile, explicit rates, or a profile with some
/// rates overridden. Fields left out are those of the profile, or zero.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct FaultsChange {
    profile: Option<FaultProfile>,
    latency_median_ms: Option<f64>,
    latency_p99_ms: Option<f64>,
    rate429: Option<f64>,
    rate5xx: Option<f64>,
    rate_drop: Option<f64>,
    rate_revoke: Option<f64>,
}

impl FaultsChange {
    fn overrides_anything(&self) -> bool {
        [
            self.latency_median_ms,
            self.latency_p99_ms,
            self.rate429,
            self.rate5xx,
            self.rate_drop,
            self.rate_revoke,
        ]
        .iter()
        .any(Option::is_some)
    }

    fn into_rates(self) -> std::result::Result<FaultRates, String> {
        if self.profile.is_none() && !self.overrides_anything() {
            return Err("give a profile (none, light, storm) or at least one rate".to_string());
        }
        let base = FaultRates::from(self.profile.unwrap_or(FaultProfile::None));
        // A profile with a rate changed is no longer that profile.
        let profile = if self.overrides_anything() { None } else { self.profile };
        Ok(FaultRates {
            profile,
            latency_median_ms: self.latency_median_ms.unwrap_or(base.latency_median_ms),
            latency_p99_ms: self.latency_p99_ms.unwrap_or(base.latency_p99_ms),
            rate429: self.rate429.unwrap_or(base.rate429),
            rate5xx: self.rate5xx.unwrap_or(base.rate5xx),
            rate_drop: self.rate_drop.unwrap_or(base.rate_drop),
            rate_revoke: self.rate_revoke.unwrap_or(base.rate_revoke),
        })
    }
}

async fn set_faults(
    State(state): State<SandboxState>,
    body: std::result::Result<Bytes, BytesRejection>,
) -> Result<Json<FaultRates>> {
    let body = body.map_err(unreadable_body)?;
    let change: FaultsChange =
        serde_json::from_slice(&body).map_err(|e| Failure::bad_request(format!("faults: {e}")))?;
    let rates = change.into_rates().map_err(Failure::bad_request)?;
    state.faults.set(rates).map_err(Failure::bad_request)?;
    let rates = state.faults.rates();
    tracing::info!(?rates, "fault rates changed");
    Ok(Json(rates))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(json: &str) -> std::result::Result<FaultRates, String> {
        serde_json::from_str::<FaultsChange>(json).map_err(|e| e.to_string())?.into_rates()
    }

    #[test]
    fn a_profile_alone_is_that_profile() {
        assert_eq!(change(r#"{"profile":"storm"}"#).unwrap(), FaultRates::from(FaultProfile::Storm));
    }

    #[test]
    fn overrides_apply_on_top_of_the_profile_or_of_nothing() {
        let rates = change(r#"{"profile":"light","rate429":0.5}"#).unwrap();
        assert_eq!(rates.profile, None);
        assert_eq!(rates.rate429, 0.5);
        assert_eq!(rates.rate5xx, FaultRates::from(FaultProfile::Light).rate5xx);
        let rates = change(r#"{"rateDrop":1.0}"#).unwrap();
        assert_eq!((rates.rate_drop, rates.rate429, rates.latency_median_ms), (1.0, 0.0, 0.0));
    }

    #[test]
    fn nothing_or_misspelt_fields_are_refused() {
        assert!(change("{}").unwrap_err().contains("profile"));
        assert!(change(r#"{"rate_429":0.1}"#).unwrap_err().contains("rate_429"));
        assert!(change(r#"{"profile":"hurricane"}"#).is_err());
    }
}
