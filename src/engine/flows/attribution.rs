//! Whether a change may be recorded for the agent it names, from the
//! tenant's users (see [`crate::domain::attribution`]), read before anything
//! about the target is sent.

use super::ending::again;
use crate::api::ApiErrorKind;
use crate::domain::AgentId;
use crate::domain::attribution::check_agent;
use crate::engine::context::{Ctx, error_class};
use crate::engine::event::Outcome;
use crate::engine::metrics::ErrorClass;

/// Why a change is settled without a request, and how the gauges count it.
pub(super) type Refusal = (Outcome, ErrorClass);

/// The verdict on naming `agent` in `field`, and whether it holds for the
/// rest of the command: a read that failed may go better for the next entry.
pub(super) async fn check(ctx: &Ctx, field: &str, agent: &AgentId) -> (Result<(), Refusal>, bool) {
    let roles = match again(|| ctx.api.agent_roles(agent)).await {
        Ok(roles) => roles,
        // The tenant checks the id on write too; a client that may not read
        // users should still be able to record changes.
        Err(e) if matches!(e.kind, ApiErrorKind::Forbidden { .. }) => {
            tracing::warn!(%agent, "agent ids are not checked before writing: {e}");
            return (Ok(()), true);
        }
        Err(e) => {
            let text = format!("{field}: agent {agent} could not be checked, so nothing was sent ({e})");
            return (Err((Outcome::failed(text), error_class(&e))), false);
        }
    };
    let verdict = check_agent(field, agent, roles.as_deref())
        .map_err(|e| (Outcome::rejected(e.to_string()), ErrorClass::Validation));
    (verdict, true)
}
