//! A data action's execution metrics (document 004's analytics query):
//! a read, so no audit record and no webhook; the action is named by id or
//! by name as the changes to it are.

use super::action_names::{self, Unresolved};
use super::ending::again;
use crate::api::model::{MetricsQuery, MetricsRow};
use crate::domain::data_action::MetricsRange;
use crate::engine::command::ActionRef;
use crate::engine::context::{Ctx, settle};
use crate::engine::event::Outcome;
use serde_json::{Value, json};

pub(super) async fn metrics(ctx: &Ctx, named: &ActionRef, range: MetricsRange) -> Outcome {
    // The range was held to its rule where it was read; an id that is no
    // id is refused by the lookup, before the tenant is asked anything.
    let action_id = match action_names::resolve(&ctx.api, named).await {
        Ok(action_id) => action_id,
        Err(Unresolved::Rule(rule)) => return Outcome::rejected(rule.to_string()),
        Err(Unresolved::Api(e)) => return settle(&e).0,
    };
    // The analytics query answers an unknown id with no rows, which would
    // read as an action that never ran: the action is read first, so one the
    // tenant does not have is refused as a new version or deprecation is.
    let action = match again(ctx.api.retry_policy(), || ctx.api.data_action(&action_id)).await {
        Ok(reply) => reply.value,
        Err(e) => return settle(&e).0,
    };
    let named = format!("{} ({action_id})", action.name);
    let query = MetricsQuery::daily(Some(action_id), range);
    let rows = match again(ctx.api.retry_policy(), || ctx.api.data_action_metrics(&query)).await {
        Ok(reply) => reply.value,
        Err(e) => return settle(&e).0,
    };
    let executions: u64 = rows.iter().map(|r| r.count).sum();
    let errors: f64 = rows.iter().map(|r| r.error_rate * r.count as f64).sum();
    // No run has no error rate: "0.0% errors" would read as a clean record.
    let ran = match executions {
        0 => "no executions".to_owned(),
        n => format!("{n} executions, {:.1}% errors", errors * 100.0 / n as f64),
    };
    Outcome::Applied {
        summary: format!(
            "{} row{} for action {named}: {ran}",
            rows.len(),
            if rows.len() == 1 { "" } else { "s" }
        ),
        data: Some(Value::Array(rows.iter().map(row_json).collect())),
    }
}

fn row_json(row: &MetricsRow) -> Value {
    json!({
        "actionId": row.action_id,
        "date": row.date,
        "status": row.status,
        "version": row.version,
        "count": row.count,
        "avgLatencyMs": row.avg_latency_ms,
        "errorRate": row.error_rate,
    })
}
