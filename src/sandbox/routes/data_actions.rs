//! Document 004: data actions and their execution analytics.

use super::extract::{Fields, IfMatchHeader, JsonBody, ListQuery, PathParams};
use super::{page, tagged, with_etag};
use crate::domain::data_action::{DataActionDefinition, DataActionDraft};
use crate::sandbox::SandboxState;
use crate::sandbox::reply::{Failure, Result};
use crate::sandbox::tenant::{AnalyticsQuery, DataActionPatch, FilterDraft};
use axum::Json;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use serde_json::{Value, json};

pub(super) async fn list(State(s): State<SandboxState>, RawQuery(q): RawQuery) -> Result<Response> {
    let q = ListQuery::parse(q.as_deref(), &[])?;
    Ok(page(s.tenant.list_data_actions(&q.window)))
}

pub(super) async fn get_one(
    State(s): State<SandboxState>,
    PathParams(id): PathParams<String>,
) -> Result<Response> {
    s.tenant.data_action(&id).map(tagged)
}

/// The fields document 004's deploy sends; a misspelt one (`timeout_ms`) is
/// refused rather than left to its default.
const DEPLOY_FIELDS: [&str; 8] = [
    "name",
    "version",
    "isDeprecated",
    "inputSchema",
    "outputSchema",
    "handlerUrl",
    "timeoutMs",
    "description",
];
const QUERY_FIELDS: [&str; 6] = ["dateFrom", "dateTo", "groupBy", "interval", "filters", "metrics"];
const FILTER_FIELDS: [&str; 3] = ["dimension", "operator", "value"];

pub(super) async fn create(State(s): State<SandboxState>, JsonBody(body): JsonBody) -> Result<Response> {
    let mut f = Fields::of(&body, "request body")?;
    f.deny_unknown(&DEPLOY_FIELDS);
    let draft = DataActionDraft {
        name: f.text("name"),
        version: f.text("version"),
        input_schema: f.required("inputSchema").unwrap_or(Value::Null),
        output_schema: f.required("outputSchema").unwrap_or(Value::Null),
        handler_url: f.text("handlerUrl"),
        timeout_ms: f.optional("timeoutMs"),
        description: f.text("description"),
    };
    let deprecated = f.optional("isDeprecated").unwrap_or(false);
    // The definition's own rules are checked alongside the fields', so one
    // answer names every bad field.
    let definition = DataActionDefinition::validate(&draft);
    if let Err(invalid) = &definition {
        f.also(invalid);
    }
    f.finish()?;
    let definition = definition.map_err(|e| Failure::invalid(&e))?;
    let created = s.tenant.create_data_action(definition, deprecated)?;
    let location = HeaderValue::from_str(&format!("/api/v2/data-actions/{}", created.value.id)).ok();
    let mut response = with_etag(StatusCode::CREATED, created);
    if let Some(l) = location {
        response.headers_mut().insert(header::LOCATION, l);
    }
    Ok(response)
}

pub(super) async fn patch(
    State(s): State<SandboxState>,
    PathParams(id): PathParams<String>,
    IfMatchHeader(if_match): IfMatchHeader,
    JsonBody(body): JsonBody,
) -> Result<Response> {
    let mut f = Fields::of(&body, "request body")?;
    f.deny_unknown(&["version", "isDeprecated"]);
    let patch = DataActionPatch { version: f.optional("version"), is_deprecated: f.optional("isDeprecated") };
    f.finish()?;
    s.tenant.patch_data_action(&id, if_match.as_ref(), &patch).map(tagged)
}

pub(super) async fn query(State(s): State<SandboxState>, JsonBody(body): JsonBody) -> Result<Json<Value>> {
    let mut f = Fields::of(&body, "request body")?;
    f.deny_unknown(&QUERY_FIELDS);
    let date_from = f.text("dateFrom");
    let date_to = f.text("dateTo");
    let group_by: Vec<String> = f.optional("groupBy").unwrap_or_default();
    let interval: Option<String> = f.optional("interval");
    let metrics: Vec<String> = f.optional("metrics").unwrap_or_default();
    let filters = f.each("filters", false, |e| {
        e.deny_unknown(&FILTER_FIELDS);
        FilterDraft {
            dimension: e.text("dimension"),
            operator: e.text("operator"),
            value: e.required("value").unwrap_or_default(),
        }
    })?;
    f.finish()?;
    let q = AnalyticsQuery::parse(&date_from, &date_to, &group_by, interval.as_deref(), &filters, &metrics)
        .map_err(|e| Failure::invalid(&e))?;
    Ok(Json(json!({
        "data": s.tenant.query_executions(&q),
        "dateFrom": q.date_from,
        "dateTo": q.date_to,
        "interval": q.interval.as_str(),
    })))
}
