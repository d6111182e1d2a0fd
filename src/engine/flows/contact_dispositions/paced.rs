//! Calls to a campaign's contacts, paced by the campaign's rate.
//!
//! A 429 pauses the whole campaign for the wait the tenant asked for, then
//! the call goes again; other campaigns carry on meanwhile. Every command
//! whose call waits out a pause tells the console so, whichever command's
//! call met the 429.

use super::places::Places;
use crate::api::{ApiError, ApiErrorKind, Reply};
use crate::engine::context::Ctx;
use crate::engine::waits::Waits;
use std::future::Future;
use std::pin::pin;
use std::time::Duration;

/// Pauses one call may meet before it is reported as rate limited.
const MAX_PAUSES: u32 = 8;
/// The pause when a 429 names no wait.
const DEFAULT_PAUSE: Duration = Duration::from_secs(1);
/// The longest pause waited out; a tenant asking for more is reported.
const LONGEST_PAUSE: Duration = Duration::from_secs(60);

/// The campaign a call goes to, and who is told when the tenant pauses it.
pub(super) struct Campaign<'a> {
    pub id: &'a str,
    /// Its name, when known (else empty).
    pub name: &'a str,
    pub waits: &'a Waits,
}

/// Runs `call` when `campaign`'s pace allows and one of the batch's
/// `places` at the tenant is free (taken as a first read's, when `first_read`),
/// again after each pause a 429 asks for. `call` must come from a client that
/// surfaces 429s.
///
/// `stop` ends the wait for a pause (and only that), with its output and
/// nothing written by this call (what it sent before the pause was refused
/// with a 429); a call that must see its pause out passes a future that
/// never ends (its output `Infallible`, so it cannot be stopped).
pub(super) async fn paced<T, F, Fut, S>(
    ctx: &Ctx,
    places: &Places,
    first_read: bool,
    campaign: Campaign<'_>,
    stop: S,
    mut call: F,
) -> Result<Result<Reply<T>, ApiError>, S::Output>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Reply<T>, ApiError>>,
    S: Future,
{
    let Campaign { id: campaign, name, waits } = campaign;
    let shown = if name.is_empty() { campaign } else { name };
    let mut stop = pin!(stop);
    let mut pauses = 0;
    loop {
        // Told here rather than where the 429 came: the pause may be one
        // another command's call met, and this one waits on it all the same.
        if let Some(left) = ctx.campaign_pacing.paused_for(campaign) {
            waits.campaign_paused(shown, left);
        }
        // A pause is waited out before a place is taken: the places are the
        // whole batch's, and the other campaigns' contacts use them meanwhile.
        // Only a pause can be stopped: a call not held back goes.
        tokio::select! {
            biased;
            () = ctx.campaign_pacing.unpaused(campaign) => {}
            stopped = &mut stop => return Err(stopped),
        }
        // The place first: a call the pace admitted goes at once, so the
        // tenant sees the campaign's requests spaced as paced. A pause met
        // meanwhile (another contact's 429) gives the place back.
        let place = if first_read { places.read().await } else { places.write().await };
        if !ctx.campaign_pacing.admit_unless_paused(campaign).await {
            continue;
        }
        let answer = call().await;
        drop(place);
        let error = match answer {
            Err(e) => e,
            done => return Ok(done),
        };
        let ApiErrorKind::RateLimited { retry_after, .. } = &error.kind else {
            return Ok(Err(error));
        };
        let wait = retry_after.unwrap_or(DEFAULT_PAUSE);
        if pauses == MAX_PAUSES || wait > LONGEST_PAUSE {
            return Ok(Err(error));
        }
        pauses += 1;
        tracing::debug!(campaign, ?wait, "the tenant limits this campaign; pausing it");
        ctx.campaign_pacing.pause(campaign, wait);
    }
}
