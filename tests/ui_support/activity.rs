//! What a short run leaves behind: metrics and an audit trail.

use super::NOW;
use cxone_console::engine::Event;
use cxone_console::engine::audit::{
    AuditEntry, AuditRecord, Digest256, Method, Outcome, RequestInfo, Target, TargetKind,
};
use cxone_console::engine::metrics::{self, ErrorClass, Metrics, MetricsSnapshot, Operation};
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;

/// Metrics from a run of a minute and a half: steady agent-status traffic,
/// a burst of 503s forty seconds in, slower dispositions.
pub fn metrics() -> MetricsSnapshot {
    let start = tokio::time::Instant::now();
    let m = Metrics::starting_at(start);
    for second in 0..90u64 {
        let at = start + Duration::from_secs(second) + Duration::from_millis(500);
        for n in 0..4u64 {
            let latency = Duration::from_millis(30 + (second * 7 + n * 13) % 60);
            m.record_at(at, Operation::AgentStatus, metrics::Outcome::Succeeded, latency);
        }
        let slow = Duration::from_millis(120 + (second * 11) % 300);
        m.record_at(at, Operation::InteractionDisposition, metrics::Outcome::Succeeded, slow);
        if (40..44).contains(&second) {
            let failed = metrics::Outcome::Failed(ErrorClass::ServerError);
            m.record_at(at, Operation::ContactDisposition, failed, Duration::from_millis(900));
        }
    }
    m.set_webhook_backlog(3);
    m.set_oldest_waiting(Some(time::OffsetDateTime::now_utc() - Duration::from_secs(4)));
    m.snapshot_at(start + Duration::from_secs(90))
}

/// An audit record as the log seals it.
pub fn record(seq: u64, seconds_ago: i64, entry: AuditEntry) -> AuditRecord {
    AuditRecord {
        seq,
        time: NOW - time::Duration::seconds(seconds_ago),
        entry,
        prev_hash: Digest256::of(&seq.to_be_bytes()),
        hash: Digest256::of(&(seq + 1).to_be_bytes()),
    }
}

/// A short run's trail: status changes, a disposition refused, a failure.
pub fn audit_trail() -> Vec<AuditRecord> {
    let user = |id: &str| Target::new(TargetKind::User, id);
    let put = |path: &str| RequestInfo {
        method: Method::Put,
        path: path.into(),
        etag: None,
        idempotency_key: Some("idem-1".into()),
    };
    let by = |e: AuditEntry, cmd: &str| e.by("jdoe", "console-client", cmd);
    vec![
        record(
            1,
            300,
            by(AuditEntry::intent("cmd_01", "agent_status", user("12345-abcde-67890")), "cmd_01")
                .request(put("/api/v2/users/12345-abcde-67890/status"), b"{}")
                .before(json!({ "status": "Available", "pauseReason": null, "team": "Billing" }))
                .after(json!({ "status": "Break", "pauseReason": "Lunch", "team": "Billing" })),
        ),
        record(
            2,
            299,
            by(
                AuditEntry::outcome("cmd_01", "agent_status", user("12345-abcde-67890"), Outcome::Applied),
                "cmd_01",
            )
            .reason("agent Amara Okafor (12345-abcde-67890) is now Break (Lunch); was Available")
            .http(200, 1, Duration::from_millis(41)),
        ),
        record(
            3,
            200,
            by(
                AuditEntry::outcome(
                    "cmd_02",
                    "set_interaction_disposition",
                    Target::new(TargetKind::Interaction, "8f7a9b2c-1d3e-4f5a-9c8b-7e6d5f4a3b2c"),
                    Outcome::Rejected,
                ),
                "cmd_02",
            )
            .reason("interaction is open; only a closed interaction takes a disposition"),
        ),
        record(
            4,
            120,
            by(
                AuditEntry::outcome(
                    "cmd_03",
                    "contact_disposition",
                    Target::contact("a1b2c3d4-e5f6-7890-g1h2-i3j4k5l6m7n8", "contact-uuid-444444444444"),
                    Outcome::Skipped,
                ),
                "cmd_03",
            )
            .reason("dialer has the contact (CONNECTED)"),
        ),
        record(
            5,
            60,
            by(
                AuditEntry::outcome(
                    "cmd_04",
                    "agent_status",
                    user("2b1f0c4e-6d1a-4f7e-9a51-0c4d2e8b7a10"),
                    Outcome::Failed,
                ),
                "cmd_04",
            )
            .reason("the tenant failed (503) after 3 attempts")
            .http(503, 3, Duration::from_millis(2_310)),
        ),
        record(
            6,
            30,
            by(
                AuditEntry::outcome(
                    "cmd_05",
                    "agent_status",
                    user("6f2c8dae-4a5b-4ebf-9b9c-8d7e6f5a4b3c"),
                    Outcome::Conflict,
                ),
                "cmd_05",
            )
            .reason("agent is in wrap-up until 14:03"),
        ),
    ]
}

pub fn audit_events() -> Vec<Event> {
    audit_trail().into_iter().map(|r| Event::Audit(Arc::new(r))).collect()
}
