//! Reply bodies of docs/wire.md, and how they become model values.
//!
//! Required here is only what the console cannot work without (ids, the
//! state a rule reads); descriptive fields default when absent, and unknown
//! enum values fall into `Other`, so one odd item does not fail a page.

mod data_actions;
mod interactions;
mod outbound;
mod users;

pub use data_actions::{WireDataAction, WireMetrics};
pub use interactions::{WireAttributes, WireInteraction, WireWebhook, WireWebhookList};
pub use outbound::{WireCampaign, WireContact};
pub use users::{WireStatusChanged, WireUser};

use super::{DecodeError, RawReply};
use crate::api::guards::ETag;
use crate::api::model::Page;
use serde::Deserialize;
use serde::de::DeserializeOwned;

/// Parses the body as `W`, naming `what` in the error.
pub fn json<W: DeserializeOwned>(reply: &RawReply, what: &str) -> Result<W, DecodeError> {
    serde_json::from_slice(&reply.body)
        .map_err(|e| DecodeError::new(format!("{what} is not as documented: {e}"), &reply.body))
}

/// The entity tag of a single-entity reply; an unusable one is ignored.
pub fn etag(reply: &RawReply) -> Option<ETag> {
    reply.header("etag").and_then(|raw| ETag::parse(raw).ok())
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WirePage<T> {
    items: Vec<T>,
    total_count: u64,
    #[serde(default)]
    top: u32,
    #[serde(default)]
    skip: u64,
    as_of: String,
}

impl<T> WirePage<T> {
    pub fn into_page<M>(self, item: impl Fn(T) -> Result<M, String>) -> Result<Page<M>, String> {
        Ok(Page {
            items: self.items.into_iter().map(item).collect::<Result<_, _>>()?,
            total_count: self.total_count,
            top: self.top,
            skip: self.skip,
            as_of: self.as_of,
        })
    }
}
