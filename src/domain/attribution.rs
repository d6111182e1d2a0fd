//! Who a disposition or an outcome is recorded for. Documents 000 and 001
//! attribute each to an agent, so the id must name a user of the tenant who
//! holds the Agent role: a typo would otherwise be written for nobody.

use super::{AgentId, FieldError};

/// The role a user needs for dispositions and outcomes to name them.
pub const AGENT_ROLE: &str = "Agent";

/// Decides from the tenant's users whether `field` may name `agent`:
/// `roles` is the user's roles, or `None` when the tenant has no such user.
pub fn check_agent(field: &str, agent: &AgentId, roles: Option<&[String]>) -> Result<(), FieldError> {
    let Some(roles) = roles else {
        return Err(FieldError::new(field, format!("agent {agent} does not exist on the tenant")));
    };
    if roles.iter().any(|role| role == AGENT_ROLE) {
        return Ok(());
    }
    let held = if roles.is_empty() { "none".to_string() } else { roles.join(", ") };
    Err(FieldError::new(field, format!("user {agent} is not an agent (roles: {held})")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_user_holding_the_agent_role_may_be_named() {
        let agent = AgentId::parse("u-7").unwrap();
        let roles = |names: &[&str]| names.iter().map(|n| n.to_string()).collect::<Vec<_>>();
        assert!(check_agent("agentId", &agent, Some(&roles(&["Supervisor", "Agent"]))).is_ok());
        let rule = |held: Option<Vec<&str>>| {
            check_agent("agent_id", &agent, held.map(|h| roles(&h)).as_deref()).unwrap_err().to_string()
        };
        assert_eq!(rule(None), "agent_id: agent u-7 does not exist on the tenant");
        assert_eq!(
            rule(Some(vec!["Manager", "Admin"])),
            "agent_id: user u-7 is not an agent (roles: Manager, Admin)"
        );
        assert_eq!(rule(Some(vec![])), "agent_id: user u-7 is not an agent (roles: none)");
    }
}
