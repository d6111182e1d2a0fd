//! Request bodies of docs/wire.md, field for field.
//!
//! Built by hand rather than derived so that the JSON is exactly what the
//! documents show: snake_case disposition entries (document 000), camelCase
//! everywhere else, `notes` always present on a contact (document 001 sends
//! `""`), `customFields` only when there are some.

use crate::api::model::{MetricsQuery, WebhookRegistration};
use crate::domain::agent_status::AgentStatusChange;
use crate::domain::attributes::AttributeUpdate;
use crate::domain::contact_disposition::ContactDisposition;
use crate::domain::data_action::DataActionDefinition;
use crate::domain::interaction_disposition::InteractionDisposition;
use serde_json::{Map, Value, json};

pub fn dispositions(change: &InteractionDisposition) -> Value {
    let entries: Vec<Value> = change
        .dispositions
        .iter()
        .map(|d| {
            let mut entry = json!({
                "code": d.code,
                "description": d.description,
                "agent_id": d.agent_id.as_str(),
                "timestamp": d.timestamp.to_string(),
                "source": d.source,
            });
            if let Some(notes) = &d.notes {
                entry["notes"] = json!(notes);
            }
            entry
        })
        .collect();
    json!({ "dispositions": entries })
}

pub fn attributes(update: &AttributeUpdate) -> Value {
    let entries: Vec<Value> = update
        .entries
        .iter()
        .map(|e| json!({ "key": e.key.as_str(), "value": e.value.to_json(), "mode": e.mode.as_str() }))
        .collect();
    json!({ "attributes": entries })
}

pub fn contact_disposition(d: &ContactDisposition) -> Value {
    let mut body = json!({
        "outcomeCode": d.outcome_code.as_str(),
        "agentId": d.agent_id.as_str(),
        "notes": d.notes.as_deref().unwrap_or(""),
        "dispositionTimestamp": d.disposition_timestamp.to_string(),
    });
    if let Some(fields) = d.custom_fields.as_ref().filter(|f| !f.is_empty()) {
        body["customFields"] = Value::Object(fields.clone());
    }
    body
}

pub fn agent_status(change: &AgentStatusChange) -> Value {
    json!({
        "status": change.status.as_str(),
        "pauseReason": change.pause_reason,
        "wrapUpCode": change.wrap_up_code,
        "directiveFlags": {
            "autoAvailable": change.flags.auto_available,
            "respectWrapUp": change.flags.respect_wrap_up,
        },
    })
}

pub fn webhook(registration: &WebhookRegistration) -> Value {
    let headers: Map<String, Value> =
        registration.headers.iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect();
    json!({
        "name": registration.name,
        "uri": registration.uri.as_str(),
        "events": registration.events,
        "enabled": registration.enabled,
        "headers": headers,
    })
}

pub fn data_action(definition: &DataActionDefinition) -> Value {
    json!({
        "name": definition.name,
        "version": definition.version.to_string(),
        "isDeprecated": false,
        "inputSchema": definition.input_schema.document(),
        "outputSchema": definition.output_schema.document(),
        "handlerUrl": definition.handler_url.as_str(),
        "timeoutMs": definition.timeout_ms,
        "description": definition.description,
    })
}

pub fn new_version(version: &semver::Version) -> Value {
    json!({ "version": version.to_string() })
}

pub fn deprecation() -> Value {
    json!({ "isDeprecated": true })
}

pub fn metrics_query(query: &MetricsQuery) -> Value {
    let filters: Vec<Value> = query
        .action_id()
        .map(|id| json!({ "dimension": "actionId", "operator": "EQUALS", "value": id.as_str() }))
        .into_iter()
        .collect();
    json!({
        "dateFrom": query.date_from().to_string(),
        "dateTo": query.date_to().to_string(),
        "groupBy": query.group_by(),
        "interval": query.interval(),
        "filters": filters,
        "metrics": query.metrics(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Timestamp;
    use crate::domain::agent_status::{AgentStatusDraft, PauseReasons};
    use crate::domain::attributes::AttributeDraft;
    use crate::domain::contact_disposition::{ContactDispositionDraft, OutcomeMatrix};
    use crate::domain::data_action::{DataActionDraft, MetricsRange};
    use crate::domain::interaction_disposition::{DispositionDraft, DispositionMatrix, MatrixCode};
    use crate::domain::{DataActionId, Timestamp as Ts};

    fn at(raw: &str) -> Timestamp {
        Ts::parse_as("t", raw).unwrap()
    }

    #[test]
    fn interaction_dispositions_are_snake_case_as_document_000_shows() {
        let matrix =
            DispositionMatrix::new([MatrixCode { code: "101".into(), description: "Issue Resolved".into() }]);
        let draft = DispositionDraft {
            code: "101".into(),
            description: "Issue Resolved".into(),
            agent_id: "agent_xyz_123".into(),
            timestamp: "2024-05-15T14:32:10.000000Z".into(),
            ..Default::default()
        };
        let change = InteractionDisposition::validate("i-1", &[draft], &matrix, Ts::now()).unwrap();
        assert_eq!(
            dispositions(&change),
            json!({ "dispositions": [ {
                "code": "101", "description": "Issue Resolved", "agent_id": "agent_xyz_123",
                "timestamp": "2024-05-15T14:32:10Z", "source": "api"
            } ] })
        );
    }

    #[test]
    fn attribute_entries_carry_key_value_and_mode() {
        let rows = [
            AttributeDraft {
                key: "customer_segment".into(),
                value: json!("enterprise"),
                mode: String::new(),
            },
            AttributeDraft { key: "routing_priority".into(), value: json!(9), mode: "add".into() },
            AttributeDraft { key: "legacy".into(), value: Value::Null, mode: "DELETE".into() },
        ];
        let update = AttributeUpdate::validate("i-1", &rows).unwrap();
        assert_eq!(
            attributes(&update),
            json!({ "attributes": [
                { "key": "customer_segment", "value": "enterprise", "mode": "UPDATE" },
                { "key": "routing_priority", "value": 9, "mode": "ADD" },
                { "key": "legacy", "value": null, "mode": "DELETE" }
            ] })
        );
    }

    #[test]
    fn contact_disposition_is_camel_case_as_document_001_shows() {
        let draft = ContactDispositionDraft {
            contact_id: "contact-uuid-111111111111".into(),
            campaign_id: "camp-1".into(),
            outcome_code: "INTERESTED".into(),
            agent_id: "agent-uuid-1234567890abcdef".into(),
            notes: "Scheduled follow-up for next week".into(),
            custom_fields: Some(json!({ "lead_score": 85 })),
            disposition_timestamp: "2026-11-21T19:20:11+01:00".into(),
        };
        let d = ContactDisposition::validate(&draft, &OutcomeMatrix::default(), Ts::now()).unwrap();
        assert_eq!(
            contact_disposition(&d),
            json!({
                "outcomeCode": "INTERESTED", "agentId": "agent-uuid-1234567890abcdef",
                "notes": "Scheduled follow-up for next week",
                "dispositionTimestamp": "2026-11-21T19:20:11+01:00",
                "customFields": { "lead_score": 85 }
            })
        );
        let bare = ContactDispositionDraft { notes: String::new(), custom_fields: Some(json!({})), ..draft };
        let d = ContactDisposition::validate(&bare, &OutcomeMatrix::default(), Ts::now()).unwrap();
        let body = contact_disposition(&d);
        assert_eq!(body["notes"], json!(""));
        assert!(body.get("customFields").is_none(), "{body}");
    }

    #[test]
    fn status_change_sends_nulls_and_directive_flags() {
        let draft = AgentStatusDraft {
            user_id: "12345-abcde-67890".into(),
            status: "Break".into(),
            pause_reason: "Queue Full".into(),
            auto_available: false,
            ..Default::default()
        };
        let change = AgentStatusChange::validate(&draft, &PauseReasons::default()).unwrap();
        assert_eq!(
            agent_status(&change),
            json!({
                "status": "Break", "pauseReason": "Queue Full", "wrapUpCode": null,
                "directiveFlags": { "autoAvailable": false, "respectWrapUp": true }
            })
        );
    }

    #[test]
    fn webhook_registration_body() {
        let reg = WebhookRegistration::new("crm-sync", "http://127.0.0.1:9000/hooks/attrs")
            .unwrap()
            .with_header("X-Source", "cxone")
            .unwrap();
        assert_eq!(
            webhook(&reg),
            json!({
                "name": "crm-sync", "uri": "http://127.0.0.1:9000/hooks/attrs",
                "events": ["interaction.attributes.updated"], "enabled": true,
                "headers": { "X-Source": "cxone" }
            })
        );
    }

    #[test]
    fn data_action_bodies() {
        let draft = DataActionDraft::documents_example("https://handler.example.com/process");
        let def = DataActionDefinition::validate(&draft).unwrap();
        let body = data_action(&def);
        assert_eq!(body["name"], json!("SentimentRoutingAction"));
        assert_eq!(body["version"], json!("1.0.0"));
        assert_eq!(body["isDeprecated"], json!(false));
        assert_eq!(body["inputSchema"], draft.input_schema);
        assert_eq!(body["outputSchema"], draft.output_schema);
        assert_eq!(body["handlerUrl"], json!("https://handler.example.com/process"));
        assert_eq!(body["timeoutMs"], json!(5000));
        assert_eq!(body["description"], json!("Sentiment-based routing enrichment action"));
        assert_eq!(body.as_object().map(Map::len), Some(8));
        assert_eq!(new_version(&semver::Version::new(1, 1, 0)), json!({ "version": "1.1.0" }));
        assert_eq!(deprecation(), json!({ "isDeprecated": true }));
    }

    #[test]
    fn metrics_query_is_document_004s_body() {
        let id = DataActionId::parse("da-1").unwrap();
        let q = MetricsQuery::daily(
            Some(id),
            MetricsRange::new(at("2026-11-20T00:00:00Z"), at("2026-11-21T00:00:00Z")).unwrap(),
        );
        assert_eq!(
            metrics_query(&q),
            json!({
                "dateFrom": "2026-11-20T00:00:00Z", "dateTo": "2026-11-21T00:00:00Z",
                "groupBy": ["status", "version"], "interval": "P1D",
                "filters": [ { "dimension": "actionId", "operator": "EQUALS", "value": "da-1" } ],
                "metrics": ["count", "avgLatencyMs", "errorRate"]
            })
        );
        let all = MetricsQuery::daily(
            None,
            MetricsRange::new(at("2026-11-20T00:00:00Z"), at("2026-11-21T00:00:00Z")).unwrap(),
        );
        assert_eq!(metrics_query(&all)["filters"], json!([]));
    }
}
