//! Whether a change may be recorded for the agent it names, from the
//! tenant's users (see [`crate::domain::attribution`]), read before anything
//! about the target is sent.

use crate::domain::AgentId;
use crate::domain::attribution::check_agent;
use crate::engine::context::{Ctx, error_class};
use crate::engine::event::Outcome;
use crate::engine::metrics::ErrorClass;
use crate::engine::rules::{AgentRoles, RULES_TTL};
use std::time::Duration;

/// Why a change is settled without a request, and how the gauges count it.
pub(super) type Refusal = (Outcome, ErrorClass);

/// How old the roles a refusal rests on may be: the user may just have been
/// added, or given the Agent role, so an older copy is read again first.
const REFUSE_ON: Duration = Duration::from_secs(10);

/// The verdict on naming `agent` in `field`. Each user's roles are read
/// once for all the engine's changes, and kept for a while.
pub(super) async fn check(ctx: &Ctx, field: &str, agent: &AgentId) -> Result<(), Refusal> {
    let mut age = RULES_TTL;
    loop {
        let roles = match ctx.rules.agent(agent, age).await {
            Ok(roles) => roles,
            Err(e) => {
                // Said as the tenant's failure it is, not under the field:
                // nothing is known to be wrong with the agent named.
                let text = format!(
                    "the tenant could not be asked whether {agent} ({field}) is an agent, so nothing was sent ({e})"
                );
                return Err((Outcome::failed(text), error_class(&e)));
            }
        };
        let verdict = match &*roles {
            // The tenant checks the id on write too; a client that may not
            // read users should still be able to record changes.
            AgentRoles::Unreadable => return Ok(()),
            AgentRoles::Unknown => check_agent(field, agent, None),
            AgentRoles::Held(roles) => check_agent(field, agent, Some(roles)),
        };
        match verdict {
            Ok(()) => return Ok(()),
            Err(_) if age > REFUSE_ON => age = REFUSE_ON,
            Err(e) => return Err((Outcome::rejected(e.to_string()), ErrorClass::Validation)),
        }
    }
}
