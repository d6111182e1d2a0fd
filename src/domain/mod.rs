//! The rules of the five operations, as pure functions over plain values.
//!
//! Nothing here performs I/O. Every rule that the tenant's documents state is
//! checked here, so the console's forms, the headless `apply` command, the
//! engine and the sandbox all refuse the same inputs with the same words.
//!
//! Validation turns a *draft* (what a user typed, all strings) into a typed
//! request that can only hold valid values. Every problem is reported, each
//! naming its field and the rule it broke, so a form can show them all at once.

pub mod agent_status;
pub mod attributes;
pub mod attribution;
pub mod contact_disposition;
pub mod custom_fields;
pub mod data_action;
mod errors;
mod ids;
pub mod interaction_disposition;
pub mod numbers;
pub mod strict_json;
mod timestamp;

pub(crate) use errors::printable;
pub use errors::{FieldError, Invalid, Problems};
pub use ids::{AgentId, CampaignId, ContactId, DataActionId, InteractionId, UserId};
pub use timestamp::Timestamp;

/// 2^53: past it a JSON number read as a float no longer holds every whole
/// number, so a larger one written without quotes is not kept as written.
pub const EXACT_WHOLE_UP_TO: f64 = 9_007_199_254_740_992.0;
