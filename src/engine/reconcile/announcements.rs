//! The webhook announcing each kind of applied change, built the same way by
//! the flow that applies it and by start-up when it finds a change applied
//! whose announcement a crash may have lost.
//!
//! `latency_ms` is the change's own latency; start-up cannot know it and
//! sends `null` with `"reconciled": true`.

use crate::domain::Timestamp;
use crate::domain::interaction_disposition::Disposition;
use crate::engine::flows::Webhook;
use serde_json::{Value, json};

/// Document 000's analytics event, with `codes` added when several codes
/// were set (`code` is then the first).
pub(crate) fn interaction_disposition(
    interaction_id: &str,
    dispositions: &[Disposition],
    latency_ms: Option<f64>,
) -> Webhook {
    let first = dispositions.first();
    let mut body = json!({
        "type": "DISPOSITION_UPDATED",
        "interaction_id": interaction_id,
        "code": first.map(|d| d.code.as_str()),
        "agent_id": first.map(|d| d.agent_id.as_str()),
        "timestamp": first.map(|d| d.timestamp.to_string()),
        "latency_ms": latency_ms,
    });
    if dispositions.len() > 1 {
        body["codes"] = json!(dispositions.iter().map(|d| d.code.as_str()).collect::<Vec<_>>());
    }
    mark_reconciled(&mut body, latency_ms);
    Webhook { target: "disposition", event_type: "interaction.disposition.updated", body }
}

/// Document 001's CRM event: the batch's audit entry for the contact, with
/// its time and the write's latency in milliseconds to two places.
pub(crate) fn contact_disposition(
    campaign_id: &str,
    contact_id: &str,
    outcome_code: &str,
    agent_id: Option<&str>,
    latency_ms: Option<f64>,
) -> Webhook {
    let mut body = json!({
        "event": "DISPOSITION_UPDATE",
        "source": "CXone_Outbound_Sync",
        "data": {
            "timestamp": Timestamp::now().to_string(),
            "contact_id": contact_id,
            "campaign_id": campaign_id,
            "outcome_code": outcome_code,
            "agent_id": agent_id,
            "status": "SUCCESS",
            "latency_ms": latency_ms.map(hundredths),
        },
    });
    mark_reconciled(&mut body, latency_ms);
    Webhook { target: "crm", event_type: "contact.disposition.updated", body }
}

/// Document 003's WFM event.
pub(crate) fn agent_status(user_id: &str, status: &str, latency_ms: Option<f64>) -> Webhook {
    let mut body = json!({
        "event": "agent_status_updated",
        "userId": user_id,
        "status": status,
        "timestamp": Timestamp::now().to_string(),
        "latencyMs": latency_ms.map(hundredths),
        "source": "cxone_status_updater",
    });
    mark_reconciled(&mut body, latency_ms);
    Webhook { target: "wfm", event_type: "agent.status.updated", body }
}

/// Milliseconds to two places, as the documents round them.
fn hundredths(ms: f64) -> f64 {
    (ms * 100.0).round() / 100.0
}

fn mark_reconciled(body: &mut Value, latency_ms: Option<f64>) {
    if latency_ms.is_none() {
        body["reconciled"] = json!(true);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::AgentId;

    fn disposition(code: &str) -> Disposition {
        Disposition {
            code: code.into(),
            description: "d".into(),
            agent_id: AgentId::parse("agent_xyz_123").unwrap(),
            timestamp: Timestamp::parse_as("t", "2024-05-15T14:32:10Z").unwrap(),
            source: "api".into(),
            notes: None,
        }
    }

    #[test]
    fn the_documents_disposition_event_with_every_code_when_several() {
        let one = interaction_disposition("i-1", &[disposition("101")], Some(12.5));
        assert_eq!(one.body["type"], "DISPOSITION_UPDATED");
        assert_eq!(one.body["code"], "101");
        assert_eq!(one.body["latency_ms"], 12.5);
        assert!(one.body.get("codes").is_none() && one.body.get("reconciled").is_none());
        let two = interaction_disposition("i-1", &[disposition("101"), disposition("102")], None);
        assert_eq!(two.body["codes"], json!(["101", "102"]));
        assert_eq!(two.body["reconciled"], true);
    }

    fn fields(body: &Value) -> Vec<&str> {
        body.as_object().map(|o| o.keys().map(String::as_str).collect()).unwrap_or_default()
    }

    #[test]
    fn the_crm_event_has_the_documents_fields_live_and_reconciled() {
        let live = contact_disposition("c-1", "k-1", "INTERESTED", Some("a-1"), Some(12.3456));
        let documented =
            ["agent_id", "campaign_id", "contact_id", "latency_ms", "outcome_code", "status", "timestamp"];
        assert_eq!(fields(&live.body["data"]), documented);
        assert_eq!(live.body["data"]["latency_ms"], 12.35);
        assert!(Timestamp::parse_as("t", live.body["data"]["timestamp"].as_str().unwrap_or("")).is_ok());
        let found = contact_disposition("c-1", "k-1", "INTERESTED", None, None);
        assert_eq!(fields(&found.body["data"]), documented);
        assert_eq!(
            (found.body["data"]["latency_ms"].clone(), found.body["reconciled"].clone()),
            (json!(null), json!(true))
        );
    }

    #[test]
    fn the_wfm_event_has_the_documents_fields_live_and_reconciled() {
        let live = agent_status("u-1", "Break", Some(0.004));
        let documented = ["event", "latencyMs", "source", "status", "timestamp", "userId"];
        assert_eq!(fields(&live.body), documented);
        assert_eq!(live.body["latencyMs"], 0.0);
        let found = agent_status("u-1", "Break", None);
        let reconciled = ["event", "latencyMs", "reconciled", "source", "status", "timestamp", "userId"];
        assert_eq!(fields(&found.body), reconciled);
    }
}
