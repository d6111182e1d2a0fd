//! Data actions: deployment, versions, deprecation (document 004).
//!
//! Execution statistics are derived data and not part of an action's
//! version: a tag read before a PATCH stays good while the action runs. The
//! list reports them (`recentExecutions`), so a run does move the action's
//! `updatedAt`: a client polling with `updatedSince` sees the figures change.

use super::analytics::{AnalyticsQuery, AnalyticsRow};
use super::clock::Stamp;
use super::etag::{self, ETag, IfMatch};
use super::executions::{RecentExecutions, RunStatus};
use super::store::{Meta, Page, Record, Window};
use super::{Data, Failure, Tagged, Tenant, not_found, page_of};
use crate::domain::data_action::{DataActionDefinition, Schema, check_new_version};
use crate::domain::{FieldError, Invalid};
use crate::sandbox::Resource;
use semver::Version;
use serde::Serialize;
use serde_json::Value;
use url::Url;

pub(crate) const KIND: &str = "data action";

#[derive(Debug, Clone)]
pub(crate) struct DataAction {
    pub id: String,
    pub meta: Meta,
    pub name: String,
    pub version: Version,
    pub deprecated: bool,
    pub input_schema: Schema,
    pub output_schema: Schema,
    pub handler_url: Url,
    pub timeout_ms: u64,
    pub description: String,
    pub versions: Vec<(Version, Stamp)>,
    pub created_at: Stamp,
}

impl Record for DataAction {
    fn id(&self) -> &str {
        &self.id
    }
    fn meta(&self) -> &Meta {
        &self.meta
    }
}

impl DataAction {
    pub fn new(id: String, def: DataActionDefinition, deprecated: bool, at: Stamp) -> Self {
        Self {
            id,
            meta: Meta::new(at),
            name: def.name,
            versions: vec![(def.version.clone(), at)],
            version: def.version,
            deprecated,
            input_schema: def.input_schema,
            output_schema: def.output_schema,
            handler_url: def.handler_url,
            timeout_ms: def.timeout_ms,
            description: def.description,
            created_at: at,
        }
    }

    fn etag(&self) -> ETag {
        ETag::of(KIND, &self.id, self.meta.version)
    }
}

/// `GET /api/v2/data-actions/{id}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DataActionView {
    pub id: String,
    pub name: String,
    pub version: String,
    pub is_deprecated: bool,
    pub input_schema: Value,
    pub output_schema: Value,
    pub handler_url: String,
    pub timeout_ms: u64,
    pub description: String,
    pub versions: Vec<VersionView>,
    pub recent_executions: RecentExecutions,
    pub created_at: Stamp,
    pub updated_at: Stamp,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VersionView {
    pub version: String,
    pub created_at: Stamp,
}

/// `PATCH /api/v2/data-actions/{id}`: a new version, deprecation, or both.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DataActionPatch {
    pub version: Option<String>,
    pub is_deprecated: Option<bool>,
}

impl Data {
    fn action_view(&self, a: &DataAction) -> DataActionView {
        DataActionView {
            id: a.id.clone(),
            name: a.name.clone(),
            version: a.version.to_string(),
            is_deprecated: a.deprecated,
            input_schema: a.input_schema.document().clone(),
            output_schema: a.output_schema.document().clone(),
            handler_url: a.handler_url.to_string(),
            timeout_ms: a.timeout_ms,
            description: a.description.clone(),
            versions: a
                .versions
                .iter()
                .map(|(v, at)| VersionView { version: v.to_string(), created_at: *at })
                .collect(),
            recent_executions: self.executions.recent(&a.id),
            created_at: a.created_at,
            updated_at: a.meta.updated_at,
        }
    }

    /// Records a run of action `id` at `version`, and moves the action's
    /// `updatedAt` (not its version, nor so its tag) to `at`.
    pub(super) fn record_run(
        &mut self,
        id: &str,
        version: &str,
        at: Stamp,
        status: RunStatus,
        latency_ms: f64,
    ) {
        self.executions.record(id, version, at, status, latency_ms);
        self.actions.edit(id, |a| a.meta.updated_at = at);
    }

    fn tagged_action(&self, id: &str) -> Result<Tagged<DataActionView>, Failure> {
        let a = self.actions.get(id).ok_or_else(|| not_found(KIND, id))?;
        Ok(Tagged { etag: a.etag(), value: self.action_view(a) })
    }
}

/// A refused new version: 409 on a deprecated action, 400 otherwise.
fn version_refused(deprecated: bool, e: FieldError) -> Failure {
    if deprecated {
        Failure { details: vec![e.clone()], ..Failure::conflict(e.to_string()) }
    } else {
        Failure::field(e)
    }
}

impl Tenant {
    /// `GET /api/v2/data-actions`.
    pub fn list_data_actions(&self, window: &Window) -> Page<DataActionView> {
        let mut data = self.lock();
        let as_of = data.clock.now();
        let (items, total) = data.actions.page(window, |_| true);
        page_of(items, total, window, as_of, |a| data.action_view(a))
    }

    /// `GET /api/v2/data-actions/{id}`.
    pub fn data_action(&self, id: &str) -> Result<Tagged<DataActionView>, Failure> {
        self.lock().tagged_action(id)
    }

    /// `POST /api/v2/data-actions`: every POST deploys a new action.
    pub fn create_data_action(
        &self,
        def: DataActionDefinition,
        deprecated: bool,
    ) -> Result<Tagged<DataActionView>, Failure> {
        let mut data = self.lock();
        let now = data.clock.now();
        let id = uuid::Uuid::new_v4().to_string();
        data.actions.insert(DataAction::new(id.clone(), def, deprecated, now));
        self.stats.write_applied(Resource::DataAction);
        data.tagged_action(&id)
    }

    /// `PATCH /api/v2/data-actions/{id}`. Deprecating a deprecated action
    /// changes nothing and counts as a repeat.
    pub fn patch_data_action(
        &self,
        id: &str,
        if_match: Option<&IfMatch>,
        patch: &DataActionPatch,
    ) -> Result<Tagged<DataActionView>, Failure> {
        let mut data = self.lock();
        let now = data.clock.now();
        let action = data.actions.get(id).ok_or_else(|| not_found(KIND, id))?;
        etag::check(if_match, &action.etag(), &format!("data action {id}"))?;
        if patch.version.is_none() && patch.is_deprecated.is_none() {
            return Err(Failure::invalid(&Invalid::one(
                "request",
                "give a new version, isDeprecated: true, or both",
            )));
        }
        if patch.is_deprecated == Some(false) && action.deprecated {
            return Err(Failure::invalid(&Invalid::one(
                "isDeprecated",
                "a deprecated action cannot be revived; deploy a new action instead",
            )));
        }
        let next = match &patch.version {
            Some(raw) => Some(
                check_new_version(&action.version.clone().into(), action.deprecated, raw)
                    .map_err(|e| version_refused(action.deprecated, e))?,
            ),
            None => None,
        };
        let deprecate = patch.is_deprecated == Some(true) && !action.deprecated;
        if next.is_none() && !deprecate {
            self.stats.write_repeated(Resource::DataAction);
            return data.tagged_action(id);
        }
        data.actions.edit(id, |a| {
            if let Some(v) = next {
                a.versions.push((v.clone(), now));
                a.version = v;
            }
            a.deprecated |= deprecate;
            a.meta.touch(now);
        });
        self.stats.write_applied(Resource::DataAction);
        data.tagged_action(id)
    }

    /// `POST /api/v2/analytics/data-actions/details/query`.
    pub fn query_executions(&self, query: &AnalyticsQuery) -> Vec<AnalyticsRow> {
        self.lock().executions.query(query)
    }
}
