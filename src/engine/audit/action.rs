//! The `action` each change is recorded under: the audit log's vocabulary,
//! which the engine writes, reconciliation reads back and the console puts
//! into words.

pub const AGENT_STATUS: &str = "agent_status";
pub const SET_INTERACTION_DISPOSITION: &str = "set_interaction_disposition";
pub const CONTACT_DISPOSITION: &str = "contact_disposition";
pub const UPDATE_ATTRIBUTES: &str = "update_attributes";
pub const DEPLOY_DATA_ACTION: &str = "deploy_data_action";
pub const NEW_DATA_ACTION_VERSION: &str = "new_data_action_version";
pub const DEPRECATE_DATA_ACTION: &str = "deprecate_data_action";
pub const REGISTER_CALLBACKS: &str = "register_attribute_callbacks";
pub const REMOVE_CALLBACKS: &str = "remove_attribute_callbacks";
