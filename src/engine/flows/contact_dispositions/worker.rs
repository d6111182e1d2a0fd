//! One contact: read it, decide, record the intent, write it.

use super::paced::{Campaign, paced};
use super::places::Places;
use super::plan::Ready;
use super::{Conflicts, Done, Ending, Tries, again, not_landed, unsettled};
use crate::api::model::Contact;
use crate::api::{ApiError, CallInfo, Client, IdempotencyKey, Reply};
use crate::domain::contact_disposition::{ContactDisposition, SkipReason, check_contact};
use crate::engine::SkipKey;
use crate::engine::context::Ctx;
use crate::engine::event::Outcome;
use crate::engine::flows::Trail;
use crate::engine::metrics::ErrorClass;
use crate::engine::reconcile::announcements;
use crate::engine::reconcile::intents::{contact_intended, contact_state, planned};
use crate::engine::waits::Waits;
use serde_json::Value;
use std::convert::Infallible;
use std::future::{Future, pending};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// A contact whose requests are over: all that is left is to record how it
/// ended, which needs no request.
pub(super) struct Answered<'a> {
    trail: Trail<'a>,
    ending: Ending,
    /// The contact's time at the tenant, its requests' latencies summed:
    /// what its latency gauges show, rather than the time it queued for a
    /// place or behind its campaign's pace (minutes, in a long batch).
    at_tenant: Duration,
}

/// A contact whose batch was cancelled while the tenant held its campaign
/// back (a 429's pause), its write waiting: it ends there. Its attempts so
/// far were refused, unless one went unanswered and may have landed.
fn held_when_cancelled(tries: &Tries) -> Ending {
    const HELD: &str = "the batch was cancelled while the tenant held this contact's campaign back (429)";
    if tries.may_have_landed() {
        return Ending::new(Outcome::failed(format!(
            "{HELD}; an earlier attempt went unanswered and may have written the outcome: look at the contact \
             before setting it again"
        )));
    }
    Ending::new(Outcome::skipped(SkipKey::Unstarted, format!("{HELD}; its outcome was not written")))
}

/// Reads and writes one planned contact, unless the batch was cancelled
/// first.
pub(super) async fn ask<'a>(
    ctx: &Ctx,
    client: &Client,
    places: &Places,
    ready: Ready<'a>,
    (cancel, waits): (&CancellationToken, &Waits),
) -> Answered<'a> {
    let Ready { mut trail, disposition, campaign } = ready;
    let worker = Worker {
        ctx,
        client,
        places,
        cancel,
        waits,
        d: &disposition,
        campaign: &campaign,
        at_tenant_ns: AtomicU64::new(0),
    };
    let ending = if cancel.is_cancelled() {
        Ending::new(Outcome::unstarted("contact"))
    } else {
        let key = trail.item().idempotency_key();
        worker.run(&mut trail, key).await
    };
    let at_tenant = Duration::from_nanos(worker.at_tenant_ns.load(Ordering::Relaxed));
    Answered { trail, ending, at_tenant }
}

impl Answered<'_> {
    /// Queues the webhook of an applied change and records the outcome.
    pub async fn settle(self) -> Done {
        let Self { trail, ending, at_tenant } = self;
        let (item, target) = (trail.item().clone(), trail.target().clone());
        let write = trail.write(ending.write_ms);
        let outcome = ending.finish(trail, at_tenant).await;
        Done { item, target, outcome, write }
    }
}

struct Worker<'a> {
    ctx: &'a Ctx,
    client: &'a Client,
    places: &'a Places,
    cancel: &'a CancellationToken,
    /// Told when the tenant pauses the contact's campaign.
    waits: &'a Waits,
    d: &'a ContactDisposition,
    /// The campaign's name.
    campaign: &'a str,
    /// The latencies of its requests so far, in nanoseconds; see
    /// [`Answered`]. Atomic only because the worker is shared across awaits.
    at_tenant_ns: AtomicU64,
}

impl Worker<'_> {
    async fn run(&self, trail: &mut Trail<'_>, key: IdempotencyKey) -> Ending {
        // A contact still reading has not started: nothing is decided or
        // written before its read, and a read left unanswered changes
        // nothing, so a cancel stops it at once rather than after its wait
        // for a place, its campaign's pace or a 429's pause.
        let read = tokio::select! {
            biased;
            read = self.read(true) => read,
            () = self.cancel.cancelled() => return Ending::new(Outcome::unstarted("contact")),
        };
        let read = match read {
            Ok(read) => read,
            Err(e) => return Ending::error(&e),
        };
        let before = read.value;
        trail.name_target(&before.display_name());
        match self.check(&before) {
            Err(SkipReason::Unchanged) if trail.sent_before_restart() => {
                return self.found_in_place(&before, read.call);
            }
            Err(skip) => return skipped(skip).call(read.call),
            Ok(()) => {}
        }
        // Cancelled as its read came back, it stops before its intent, with
        // nothing written.
        if self.cancel.is_cancelled() {
            return Ending::new(Outcome::unstarted("contact"));
        }
        let spec = self.client.dialect().set_contact_disposition(self.d).spec;
        let (request, body) = planned(self.client, &spec, before.etag.as_ref(), Some(&key));
        let state = self.state_of(&before);
        if let Err(outcome) = trail.intent(request, &body, Some(state), Some(self.intended())).await {
            return Ending::new(outcome);
        }
        self.write(trail, &before, key).await
    }

    /// PATCHes with the tag last read; a 409 reads the contact again and
    /// decides anew, within the configured number of retries.
    async fn write(&self, trail: &mut Trail<'_>, before: &Contact, key: IdempotencyKey) -> Ending {
        let mut etag = before.etag.clone();
        let (mut conflicts, mut tries) =
            (Conflicts::new(self.ctx.config.conflict_retries), Tries::new(self.client.retry_policy()));
        loop {
            let written = tries
                .answer(paced(self.ctx, self.places, false, self.campaign(), self.cancel.cancelled(), || {
                    self.timed(self.client.set_contact_disposition(self.d, etag.as_ref(), Some(key.clone())))
                }))
                .await;
            let Ok(written) = written else { return held_when_cancelled(&tries) };
            let error = match written {
                Ok(reply) => return self.applied(before, reply.value.as_ref(), reply.call, ""),
                Err(e) => e,
            };
            if tries.again(&error).await {
                trail.sent(&error.call);
                continue;
            }
            let error = tries.carry(error);
            if !error.kind.is_conflict() {
                return self.read_back(before, &error).await;
            }
            let again = match self.read(false).await {
                Ok(again) => again.value,
                Err(_) => return Ending::error(&error),
            };
            if let Err(skip) = self.check(&again) {
                return skipped(skip).call(*error.call);
            }
            if !conflicts.refused() {
                let refused = format!(
                    "contact {} kept changing while its outcome was being set (refused {} times as stale); \
                     reload it and decide again",
                    self.d.contact_id,
                    conflicts.times()
                );
                return Ending::new(Outcome::conflict(refused)).call(*error.call).class(ErrorClass::Conflict);
            }
            trail.sent(&error.call);
            etag = again.etag;
        }
    }

    /// A write still unsettled after its extra tries is read back: the
    /// contact holding the outcome settles it as applied.
    async fn read_back(&self, before: &Contact, error: &ApiError) -> Ending {
        if !unsettled(error) {
            return Ending::error(error);
        }
        match self.read(false).await {
            Ok(now) if now.value.outcome_code.as_deref() == Some(self.d.outcome_code.as_str()) => self
                .applied(before, Some(&now.value), (*error.call).clone(), " (confirmed by reading it back)"),
            Ok(_) => Ending::error(&not_landed(error)),
            Err(_) => Ending::error(error),
        }
    }

    /// Reads the contact: `first` before anything is decided (a read that
    /// queues behind the batch's writes; see `places`), or again.
    async fn read(&self, first: bool) -> Result<Reply<Contact>, ApiError> {
        let d = self.d;
        again(self.client.retry_policy(), || async move {
            // A read sees its campaign's pause out: the first is stopped by
            // the cancel around it, and a read again comes before a write.
            let Ok(read) =
                paced(self.ctx, self.places, first, self.campaign(), pending::<Infallible>(), || {
                    self.timed(self.client.contact(&d.campaign_id, &d.contact_id))
                })
                .await;
            read
        })
        .await
    }

    /// The contact's campaign, as its calls are paced.
    fn campaign(&self) -> Campaign<'_> {
        Campaign { id: self.d.campaign_id.as_str(), name: self.campaign, waits: self.waits }
    }

    /// `call`, its latency counted in the contact's time at the tenant.
    async fn timed<T>(
        &self,
        call: impl Future<Output = Result<Reply<T>, ApiError>>,
    ) -> Result<Reply<T>, ApiError> {
        let answer = call.await;
        let latency = match &answer {
            Ok(reply) => reply.call.latency,
            Err(e) => e.call.latency,
        };
        let nanos = u64::try_from(latency.as_nanos()).unwrap_or(u64::MAX);
        self.at_tenant_ns.fetch_add(nanos, Ordering::Relaxed);
        answer
    }

    /// What the audit records of `contact`: every value the change overwrites.
    fn state_of(&self, contact: &Contact) -> Value {
        contact_state(contact, self.d.custom_fields.as_ref())
    }

    /// The state this change should leave: what start-up compares with a
    /// read-back after a crash (by its outcome), and the record's after
    /// when the tenant answers without the contact.
    fn intended(&self) -> Value {
        contact_intended(self.d.outcome_code.as_str(), self.d.notes.as_deref(), self.d.custom_fields.as_ref())
    }

    fn check(&self, contact: &Contact) -> Result<(), SkipReason> {
        check_contact(&contact.state, contact.outcome_code.as_deref(), &self.d.outcome_code)
    }

    /// `after`: the contact as the tenant answered, when it did (not on a 204).
    fn applied(&self, before: &Contact, after: Option<&Contact>, call: CallInfo, how: &str) -> Ending {
        let d = self.d;
        let write_ms = (call.latency.as_secs_f64() * 1000.0 * 100.0).round() / 100.0;
        let campaign = match self.campaign {
            "" => d.campaign_id.to_string(),
            name => format!("{name} ({})", d.campaign_id),
        };
        let summary = format!(
            "contact {} now has outcome {}{how} (was {}) in campaign {campaign}",
            before.named(),
            d.outcome_code,
            before.outcome_code.as_deref().unwrap_or("none"),
        );
        Ending {
            after: Some(match after {
                Some(after) => self.state_of(after),
                None => self.intended(),
            }),
            webhook: Some(announcements::contact_disposition(
                d.campaign_id.as_str(),
                d.contact_id.as_str(),
                d.outcome_code.as_str(),
                Some(d.agent_id.as_str()),
                Some(write_ms),
            )),
            write_ms: Some(write_ms),
            ..Ending::new(Outcome::applied(summary)).call(call)
        }
    }
}

impl Worker<'_> {
    /// The contact holds the outcome that this log's write before a restart
    /// asked for: applied then, announced now.
    fn found_in_place(&self, contact: &Contact, call: CallInfo) -> Ending {
        let d = self.d;
        let summary = format!(
            "contact {} has outcome {}, as this change's write before the restart left it (found in place now)",
            contact.named(),
            d.outcome_code
        );
        let webhook = announcements::contact_disposition(
            d.campaign_id.as_str(),
            d.contact_id.as_str(),
            d.outcome_code.as_str(),
            Some(d.agent_id.as_str()),
            None,
        );
        Ending {
            after: Some(self.state_of(contact)),
            webhook: Some(webhook),
            ..Ending::new(Outcome::applied(summary)).call(call)
        }
    }
}

fn skipped(skip: SkipReason) -> Ending {
    Ending::new(Outcome::skipped_for(&skip))
}
