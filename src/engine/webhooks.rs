//! The outbox as a supervisor asks after it: what waits, what was given
//! up on, and sending the latter again.

use super::context::Ctx;
use super::event::Outcome;
use super::outbox::{Listing, MessageId, no_url};
use crate::engine::SkipKey;
use serde_json::json;
use std::collections::BTreeSet;

/// Rows listed of each kind; the counts still say how many there are.
const LISTED: usize = 200;

/// Puts the webhooks given up on (of `only`, when given) back in line; the
/// deliverer sends them as their receivers' backoff allows.
pub(super) async fn resend(ctx: &Ctx, only: Option<&BTreeSet<MessageId>>) -> Outcome {
    let asked = |id: &MessageId| only.is_none_or(|ids| ids.contains(id));
    // Those whose target has no URL go back in line too (they are sent once
    // it has one), but the answer must not read as if they were on their way.
    let unrouted: BTreeSet<String> = ctx
        .outbox
        .failed()
        .into_iter()
        .filter(|f| asked(&f.envelope.id))
        .map(|f| f.envelope.target)
        .filter(|t| !routed(ctx, t))
        .collect();
    let mut text = match ctx.outbox.retry_failed(asked).await {
        Ok(0) => {
            return Outcome::skipped(
                SkipKey::NothingFailed,
                "no webhook has been given up on; there is nothing to send again",
            );
        }
        Ok(1) => "1 webhook given up on is back in line".to_owned(),
        Ok(n) => format!("{n} webhooks given up on are back in line"),
        Err(e) => {
            return Outcome::failed(format!("the webhooks given up on could not be put back in line: {e}"));
        }
    };
    for target in &unrouted {
        text.push_str(&format!(", but {}", no_url(target)));
    }
    Outcome::applied(text)
}

/// What waits and what was given up on, as `{"webhooks": Listing}` data.
pub(super) fn list(ctx: &Ctx) -> Outcome {
    let listing = Listing::of(&ctx.outbox, LISTED).with_routes(|target| routed(ctx, target));
    Outcome::Applied { summary: listing.summary(), data: Some(json!({ "webhooks": listing })) }
}

/// Whether the deliverer has a URL for `target`.
fn routed(ctx: &Ctx, target: &str) -> bool {
    ctx.config.webhook_targets.contains_key(target)
}
