//! Data actions and their metrics.

use crate::api::guards::ETag;
use crate::api::model::{ActionVersion, DataAction, MetricsRow, RecentExecutions};
use crate::domain::data_action::HeldVersion;
use crate::domain::{DataActionId, Timestamp};
use serde::Deserialize;
use serde_json::Value;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WireVersion {
    version: String,
    created_at: Option<Timestamp>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WireExecutions {
    #[serde(default)]
    count: u64,
    #[serde(default)]
    error_rate: f64,
    #[serde(default)]
    avg_latency_ms: f64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WireDataAction {
    id: DataActionId,
    #[serde(default)]
    name: String,
    version: String,
    #[serde(default)]
    is_deprecated: bool,
    #[serde(default)]
    input_schema: Value,
    #[serde(default)]
    output_schema: Value,
    #[serde(default)]
    handler_url: String,
    #[serde(default)]
    timeout_ms: u64,
    #[serde(default)]
    description: String,
    #[serde(default)]
    versions: Vec<WireVersion>,
    recent_executions: Option<WireExecutions>,
    created_at: Option<Timestamp>,
    updated_at: Option<Timestamp>,
}

impl WireDataAction {
    pub fn into_model(self, etag: Option<ETag>) -> Result<DataAction, String> {
        let version = HeldVersion::read(&self.version);
        Ok(DataAction {
            id: self.id,
            name: self.name,
            version,
            is_deprecated: self.is_deprecated,
            input_schema: self.input_schema,
            output_schema: self.output_schema,
            handler_url: self.handler_url,
            timeout_ms: self.timeout_ms,
            description: self.description,
            versions: self
                .versions
                .into_iter()
                .map(|v| ActionVersion { version: v.version, created_at: v.created_at })
                .collect(),
            recent_executions: self.recent_executions.map(|r| RecentExecutions {
                count: r.count,
                error_rate: r.error_rate,
                avg_latency_ms: r.avg_latency_ms,
            }),
            created_at: self.created_at,
            updated_at: self.updated_at,
            etag,
        })
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WireMetricsRow {
    #[serde(default)]
    action_id: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    version: String,
    #[serde(default)]
    count: u64,
    #[serde(default)]
    avg_latency_ms: f64,
    #[serde(default)]
    error_rate: f64,
}

#[derive(Deserialize)]
pub struct WireMetrics {
    /// Absent when nothing ran, as document 004 reads it.
    #[serde(default)]
    data: Vec<WireMetricsRow>,
}

impl WireMetrics {
    pub fn into_model(self) -> Vec<MetricsRow> {
        self.data
            .into_iter()
            .map(|r| MetricsRow {
                action_id: r.action_id,
                date: r.date,
                status: r.status,
                version: r.version,
                count: r.count,
                avg_latency_ms: r.avg_latency_ms,
                error_rate: r.error_rate,
            })
            .collect()
    }
}
