//! OAuth 2.0 client credentials: the token endpoints, the store of issued
//! tokens, and the bearer and scope check in front of every API call.

mod bearer;
mod endpoint;
mod store;

pub use bearer::{authorize, bearer_token};
pub use endpoint::{TOKEN_PATHS, routes};
pub use store::{TokenProblem, TokenStore};
