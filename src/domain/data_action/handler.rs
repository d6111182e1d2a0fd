//! The documents' sentiment/VIP routing handler, run locally.
//!
//! This is the business logic a deployed action would run, so a supervisor
//! can try a payload before deploying: the input is checked against the input
//! schema, the routing rules applied, and the output checked against the
//! output schema.

use super::schema::Schema;
use crate::domain::Timestamp;
use crate::domain::errors::Invalid;
use serde::Serialize;
use serde_json::{Map, Value, json};

/// Why a simulation produced no output.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SimulationError {
    #[error("the input does not match the input schema: {0}")]
    Input(Invalid),
    #[error("the handler's output does not match the output schema: {0}")]
    Output(Invalid),
}

/// The routing decision and the full output payload.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Routing {
    pub routing_recommendation: String,
    pub confidence_score: f64,
    pub output: Value,
}

impl Routing {
    /// What a simulation reports beside its words, run for real or dry:
    /// the handler's output and how long it ran, in milliseconds rounded to
    /// 2 places as document 004 reports it (`round(elapsed * 1000, 2)`).
    pub fn report(&self, ran_for: std::time::Duration) -> Value {
        json!({ "output": self.output, "latencyMs": latency_ms(ran_for) })
    }
}

/// `ran_for` in milliseconds, rounded to 2 places.
pub fn latency_ms(ran_for: std::time::Duration) -> f64 {
    (ran_for.as_secs_f64() * 100_000.0).round() / 100.0
}

/// Runs the handler on `input` at time `now`.
pub fn simulate(
    input: &Value,
    input_schema: &Schema,
    output_schema: &Schema,
    now: Timestamp,
) -> Result<Routing, SimulationError> {
    input_schema.check("input", input).map_err(SimulationError::Input)?;
    let sentiment = input.get("sentiment_score").and_then(Value::as_f64);
    let vip = input
        .get("tags")
        .and_then(Value::as_array)
        .is_some_and(|tags| tags.iter().any(|t| t.as_str() == Some("vip")));

    let mut target = "default-queue";
    let mut confidence = 0.5;
    let mut enriched = Map::new();
    match sentiment {
        Some(s) if s < -0.3 => {
            target = "priority-escalation-queue";
            confidence = 0.92;
            enriched.insert("escalation_reason".into(), json!("negative_sentiment"));
        }
        Some(s) if s > 0.4 => {
            target = "retention-specialists";
            confidence = 0.85;
            enriched.insert("retention_flag".into(), json!(true));
        }
        _ => {}
    }
    if vip {
        target = "vip-dedicated-queue";
        confidence = 0.95;
        enriched.insert("vip_tier".into(), json!("platinum"));
    }
    let output = json!({
        "enriched_data": enriched,
        "routing_recommendation": target,
        "confidence_score": confidence,
        "processed_at": now.to_string(),
    });
    output_schema.check("output", &output).map_err(SimulationError::Output)?;
    Ok(Routing { routing_recommendation: target.to_string(), confidence_score: confidence, output })
}

#[cfg(test)]
mod tests {
    use super::super::schema::{input_schema, output_schema, sample_input};
    use super::*;

    fn run(input: Value) -> Result<Routing, SimulationError> {
        simulate(&input, input_schema(), output_schema(), Timestamp::now())
    }

    #[test]
    fn documents_sample_routes_to_vip() {
        let r = run(sample_input()).unwrap();
        assert_eq!(r.routing_recommendation, "vip-dedicated-queue");
        assert_eq!(r.confidence_score, 0.95);
        assert_eq!(r.output["enriched_data"]["escalation_reason"], "negative_sentiment");
        assert_eq!(r.output["enriched_data"]["vip_tier"], "platinum");
    }

    #[test]
    fn sentiment_rules() {
        let base = |s: f64| json!({"interaction_id": "i", "channel_type": "chat", "sentiment_score": s});
        assert_eq!(run(base(-0.5)).unwrap().routing_recommendation, "priority-escalation-queue");
        assert_eq!(run(base(0.5)).unwrap().routing_recommendation, "retention-specialists");
        assert_eq!(run(base(0.0)).unwrap().routing_recommendation, "default-queue");
        assert_eq!(run(base(0.0)).unwrap().confidence_score, 0.5);
    }

    #[test]
    fn bad_input_never_reaches_the_handler() {
        let err = run(json!({"interaction_id": "i", "channel_type": "pigeon"})).unwrap_err();
        assert!(matches!(&err, SimulationError::Input(inv) if inv.mentions("input.channel_type")), "{err}");
    }
}
