//! Entity identifiers.
//!
//! Tenants use UUIDs, numbers and free-form ids (`agent_xyz_123`,
//! `a1b2c3d4-e5f6-7890-g1h2-i3j4k5l6m7n8`), so ids are opaque strings. They
//! are restricted to a safe alphabet because they end up inside URL paths:
//! an id holding `/` or `?` would silently address a different resource,
//! and so would `.` or `..`, which a URL reads as its own path segments.

use super::errors::FieldError;
use serde::{Deserialize, Serialize};
use std::fmt;

const MAX_ID_LEN: usize = 128;

fn id_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':' | '@')
}

/// Checks one id as typed by a user; `field` names it in the error.
pub(crate) fn check_id(field: &str, raw: &str) -> Result<String, FieldError> {
    let id = raw.trim();
    if id.is_empty() {
        return Err(FieldError::new(field, "is required"));
    }
    if id.chars().count() > MAX_ID_LEN {
        return Err(FieldError::new(field, format!("must be at most {MAX_ID_LEN} characters")));
    }
    if let Some(bad) = id.chars().find(|c| !id_char(*c)) {
        return Err(FieldError::new(
            field,
            format!("must hold only letters, digits and - _ . : @ (found {bad:?})"),
        ));
    }
    if id == "." || id == ".." {
        return Err(FieldError::new(
            field,
            format!("{id:?} is not an id: a URL reads it as a step in its path"),
        ));
    }
    Ok(id.to_string())
}

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $field:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// The field name used in errors when no more specific one is given.
            pub const FIELD: &'static str = $field;

            /// Checks a raw id, naming `field` in the error.
            pub fn parse_as(field: &str, raw: &str) -> Result<Self, FieldError> {
                check_id(field, raw).map(Self)
            }

            /// Checks a raw id under its default field name.
            pub fn parse(raw: &str) -> Result<Self, FieldError> {
                Self::parse_as(Self::FIELD, raw)
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

id_type!(
    /// An interaction (call, chat, email…) on the tenant.
    InteractionId,
    "interaction_id"
);
id_type!(
    /// A contact inside an outbound campaign.
    ContactId,
    "contactId"
);
id_type!(
    /// An outbound campaign.
    CampaignId,
    "campaignId"
);
id_type!(
    /// The agent a disposition is attributed to.
    AgentId,
    "agent_id"
);
id_type!(
    /// A tenant user (agent or supervisor) whose status is changed.
    UserId,
    "userId"
);
id_type!(
    /// A deployed data action.
    DataActionId,
    "id"
);

impl AgentId {
    /// The user the agent is: agents are users, and both ids keep one rule.
    pub fn as_user(&self) -> UserId {
        UserId(self.0.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_ids_are_accepted() {
        for raw in [
            "a1b2c3d4-e5f6-7890-abcd-ef1234567890",
            "a1b2c3d4-e5f6-7890-g1h2-i3j4k5l6m7n8",
            "agent_xyz_123",
            "12345-abcde-67890",
            "int_8f3a9c2d-4e1b-4a7c-9d2e-1f8a3b4c5d6e",
        ] {
            assert_eq!(InteractionId::parse(raw).unwrap().as_str(), raw);
        }
    }

    #[test]
    fn path_characters_are_refused_with_the_field_name() {
        let err = ContactId::parse("../users/1").unwrap_err();
        assert_eq!(err.field, "contactId");
        assert!(err.rule.contains("'/'"), "{}", err.rule);
        assert_eq!(UserId::parse("  ").unwrap_err().rule, "is required");
        for dots in [".", "..", " .. "] {
            let err = InteractionId::parse(dots).unwrap_err();
            assert!(err.rule.contains("is not an id"), "{dots:?}: {}", err.rule);
        }
        assert!(InteractionId::parse("...").is_ok() && InteractionId::parse("v1.2").is_ok());
        assert!(UserId::parse(&"x".repeat(129)).is_err());
    }
}
