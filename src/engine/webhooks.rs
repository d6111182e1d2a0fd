//! The outbox as a supervisor asks after it: what waits, what was given
//! up on, and sending the latter again.

use super::context::Ctx;
use super::event::Outcome;
use super::outbox::Listing;
use serde_json::json;

/// Rows listed of each kind; the counts still say how many there are.
const LISTED: usize = 200;

/// Puts the webhooks given up on back in line; the deliverer sends them
/// as their receivers' backoff allows.
pub(super) async fn resend(ctx: &Ctx) -> Outcome {
    match ctx.outbox.retry_failed().await {
        Ok(0) => Outcome::skipped(
            "nothing_failed",
            "no webhook has been given up on; there is nothing to send again",
        ),
        Ok(1) => Outcome::applied("1 webhook given up on is back in line"),
        Ok(n) => Outcome::applied(format!("{n} webhooks given up on are back in line")),
        Err(e) => Outcome::failed(format!("the webhooks given up on could not be put back in line: {e}")),
    }
}

/// What waits and what was given up on, as `{"webhooks": Listing}` data.
pub(super) fn list(ctx: &Ctx) -> Outcome {
    let listing = Listing::of(&ctx.outbox, LISTED);
    Outcome::Applied { summary: listing.summary(), data: Some(json!({ "webhooks": listing })) }
}
