//! The audit trail of one change to one target: its intent and outcome
//! records, the webhook an applied change sends, and what the outcome
//! record says of how the change's remote part ended.

use crate::api::{CallInfo, Replay};
use crate::engine::SkipKey;
use crate::engine::audit::{AuditEntry, ChainHash, RequestInfo, Target};
use crate::engine::command::CommandId;
use crate::engine::context::Ctx;
use crate::engine::event::{Outcome, Write};
use crate::engine::metrics::{ErrorClass, Operation};
use crate::engine::outbox::Message;
use serde_json::Value;
use std::time::Duration;

/// The webhook announcing an applied change.
pub(crate) struct Webhook {
    /// The receiving system: `disposition`, `crm` or `wfm`.
    pub target: &'static str,
    pub event_type: &'static str,
    pub body: Value,
}

/// How a change's remote part ended, for its outcome record.
pub(crate) struct Settled<'a> {
    pub outcome: Outcome,
    /// The last call made, when any was.
    pub call: Option<&'a CallInfo>,
    pub after: Option<Value>,
    /// The error class the metrics count, for outcomes that are not success.
    pub class: Option<ErrorClass>,
    /// Sent only when the change was applied.
    pub webhook: Option<Webhook>,
}

impl<'a> Settled<'a> {
    pub fn new(outcome: Outcome) -> Self {
        Self { outcome, call: None, after: None, class: None, webhook: None }
    }

    pub fn call(mut self, call: &'a CallInfo) -> Self {
        self.call = Some(call);
        self
    }

    pub fn after(mut self, after: Value) -> Self {
        self.after = Some(after);
        self
    }

    pub fn class(mut self, class: ErrorClass) -> Self {
        self.class = Some(class);
        self
    }

    pub fn webhook(mut self, webhook: Webhook) -> Self {
        self.webhook = Some(webhook);
        self
    }

    /// A write answered from the tenant's memory of another run's write
    /// with the same key (a run of another audit log) changed nothing now:
    /// it is skipped, and neither the reply's state (that run's) nor a
    /// webhook (that run sent its own) goes with it.
    fn made_elsewhere(self) -> Self {
        match self.call {
            Some(call) if call.replay == Some(Replay::KeyNotSentHere) && self.outcome.is_applied() => {
                let reason = "already applied by an earlier run elsewhere: the tenant answered this change's \
                              key from its idempotency store and changed nothing now; reload to see what the \
                              target holds today";
                Self::new(Outcome::skipped(SkipKey::EarlierRun, reason)).call(call)
            }
            _ => self,
        }
    }

    /// A write answered from the tenant's memory of this log's own earlier
    /// write (sent before a crash) was applied then, not now: its reply is
    /// the target as that write left it, which may have changed since. (The
    /// client of this run never sent the key, so it cannot tell whose the
    /// memory is; the log can.)
    fn applied_earlier(mut self) -> Self {
        if let (Some(call), Outcome::Applied { summary, .. }) = (&self.call, &mut self.outcome)
            && call.replay.is_some()
        {
            summary.push_str(
                " (applied when first sent, before the restart: the tenant answered from its idempotency \
                 store, and the target may have changed since)",
            );
        }
        self
    }
}

/// The audit trail of one change to one target.
pub(crate) struct Trail<'a> {
    ctx: &'a Ctx,
    correlation: &'a CommandId,
    item: CommandId,
    /// The gauge the change counts in; `None` for the engine's own upkeep.
    operation: Option<Operation>,
    action: &'static str,
    target: Target,
    before: Option<Value>,
    /// The hash of the first intent the audit log sealed for this change in
    /// this run (a conflict sends it again, under another), which names its
    /// webhook unless an earlier run's did (see [`MessageId::announcing`]).
    intent: Option<ChainHash>,
    /// Requests of earlier write calls that did not settle the change (a
    /// stale tag, an error tried again), added to the attempts of the call
    /// the outcome records.
    earlier_attempts: u32,
    /// The audit log refused the intent, so nothing was sent and the
    /// outcome already says why.
    intent_refused: bool,
}

impl<'a> Trail<'a> {
    /// `correlation` is the command; `item` is this target's own id (the
    /// command's id for a single change).
    pub fn new(
        ctx: &'a Ctx,
        correlation: &'a CommandId,
        item: CommandId,
        operation: Operation,
        action: &'static str,
        target: Target,
    ) -> Self {
        Self { operation: Some(operation), ..Self::upkeep(ctx, correlation, item, action, target) }
    }

    /// A change the engine makes for itself (its callback registration),
    /// audited like any other but kept out of the operations' gauges.
    pub fn upkeep(
        ctx: &'a Ctx,
        correlation: &'a CommandId,
        item: CommandId,
        action: &'static str,
        target: Target,
    ) -> Self {
        Self {
            ctx,
            correlation,
            item,
            operation: None,
            action,
            target,
            before: None,
            intent: None,
            earlier_attempts: 0,
            intent_refused: false,
        }
    }

    pub fn target(&self) -> &Target {
        &self.target
    }

    /// Names the target as found once the change ran: a data action named
    /// by name is recorded by its id, before the intent is written (start-up
    /// reads an unsettled change back by the target its intent names); a
    /// deploy's outcome, after it, by the id the deploy made.
    pub fn retarget(&mut self, target: Target) {
        self.target = target;
    }

    /// Names the target as the change read it, before the intent is
    /// written, so both of the change's records say whom it was for.
    pub fn name_target(&mut self, name: &str) {
        self.target.rename(name);
    }

    pub fn item(&self) -> &CommandId {
        &self.item
    }

    /// Whether this change's write was sent (its intent is recorded just
    /// before, and only then), with `write_ms`, its latency once applied,
    /// as a batch report counts it.
    pub fn write(&self, write_ms: Option<f64>) -> Write {
        match self.intent {
            Some(_) => Write::Sent { latency_ms: write_ms },
            None => Write::NotSent,
        }
    }

    /// Whether this log sent this change's write in an earlier run, which
    /// start-up could not settle as applied: a target found holding the
    /// change now most likely holds it from that write, which is then
    /// recorded and announced as applied rather than skipped as already so.
    pub fn sent_before_restart(&self) -> bool {
        self.ctx.sent_before(self.item.as_str())
    }

    /// Set when an earlier run applied this item: a re-run batch file
    /// skips what it already applied and tries the rest again.
    pub fn settled_before(&self) -> Option<Outcome> {
        self.ctx.applied_before(self.item.as_str()).then(|| {
            Outcome::skipped(
                SkipKey::EarlierRun,
                "done by an earlier run (applied, or found already so); see the audit log",
            )
        })
    }

    fn entry(&self, entry: AuditEntry) -> AuditEntry {
        entry.by(&self.ctx.config.operator, &self.ctx.config.client_id, self.correlation.as_str())
    }

    /// Records the intent: the write about to be sent, the target's state
    /// as read (`before`) and the state the change should leave (`intended`,
    /// which start-up compares with a read-back after a crash). Nothing may
    /// be sent to the tenant unless this returns `Ok`; the error is the
    /// outcome to report instead.
    pub async fn intent(
        &mut self,
        request: RequestInfo,
        body: &[u8],
        before: Option<Value>,
        intended: Option<Value>,
    ) -> Result<(), Outcome> {
        let mut entry = self
            .entry(AuditEntry::intent(self.item.as_str(), self.action, self.target.clone()))
            .request(request, body);
        if let Some(before) = &before {
            entry = entry.before(before.clone());
        }
        if let Some(intended) = intended {
            entry = entry.after(intended);
        }
        self.before = before;
        let sealed = self.ctx.audit.append(entry).await.map_err(|e| {
            self.intent_refused = true;
            Outcome::failed(format!("nothing was sent: the audit log could not record the change ({e})"))
        })?;
        self.intent.get_or_insert(sealed.hash);
        Ok(())
    }

    /// Counts the requests of a write call that did not settle the change,
    /// so the outcome's attempts say how often it was sent in all.
    pub fn sent(&mut self, call: &CallInfo) {
        self.earlier_attempts = self.earlier_attempts.saturating_add(call.attempts);
    }

    /// Records a change sent with others and cancelled before its turn: a
    /// `what` (an interaction) not started.
    pub async fn unstarted(self, what: &str) -> Outcome {
        self.finish(Settled::new(Outcome::unstarted(what)), Duration::ZERO).await
    }

    /// Queues the webhook of an applied change, records the outcome, counts
    /// it in the metrics and returns the outcome to report. `latency` is the
    /// whole change's.
    pub async fn finish(self, settled: Settled<'_>, latency: Duration) -> Outcome {
        // A replay of this log's own earlier write is applied and announced
        // under the id that write's webhook had (its first intent's), which
        // a receiver that has it already drops.
        let settled =
            if self.sent_before_restart() { settled.applied_earlier() } else { settled.made_elsewhere() };
        let Settled { mut outcome, call, after, mut class, webhook } = settled;
        if class == Some(ErrorClass::NotFound) {
            // The tenant no longer has something the change named: the
            // refresh that follows every change reads whole, so a removed
            // row leaves the table then rather than at the next whole read.
            self.ctx.whole_reads.ask();
        }
        let webhook = webhook.filter(|hook| self.ctx.announces(hook.target));
        if let (Outcome::Applied { .. }, Some(hook)) = (&outcome, webhook) {
            let subject = self.target.subject();
            let message = Message {
                target: hook.target,
                event_type: hook.event_type,
                body: hook.body,
                subject: Some(&subject),
            };
            if let Err(e) = self
                .ctx
                .outbox
                .enqueue_as(self.ctx.announcing(self.item.as_str(), self.intent.as_ref()), message)
                .await
            {
                tracing::error!(item = %self.item, "could not queue a webhook: {e}");
                outcome = Outcome::failed(format!(
                    "applied on the tenant, but its webhook could not be queued ({e}); the audit log has the change"
                ));
                class = Some(ErrorClass::Console);
            }
        }
        let mut entry = self
            .entry(AuditEntry::outcome(self.item.as_str(), self.action, self.target.clone(), outcome.kind()))
            .reason(outcome.text());
        if let Outcome::Skipped { key, .. } = &outcome {
            entry = entry.skip(*key);
        }
        if let Some(call) = call {
            let request = request_info(call);
            if let Some(status) = call.status {
                entry = entry.http(status, call.attempts.saturating_add(self.earlier_attempts), call.latency);
            }
            entry.request = Some(request);
        }
        if let Some(before) = self.before {
            entry = entry.before(before);
        }
        if let Some(after) = after {
            entry = entry.after(after);
        }
        if self.intent_refused {
            class = Some(ErrorClass::Console);
        }
        if let Err(e) = self.ctx.audit.append(entry).await {
            tracing::error!(item = %self.item, "could not record an outcome: {e}");
            if matches!(outcome, Outcome::Applied { .. }) {
                class = Some(ErrorClass::Console);
            }
            // A refused intent's outcome says so already, of the same log.
            if !self.intent_refused {
                outcome = Outcome::failed(format!("{outcome}; but the audit log could not record it ({e})"));
            }
        }
        let result = match (&outcome, class) {
            (Outcome::Applied { .. }, _) => Ok(()),
            (Outcome::Skipped { .. }, _) => return outcome,
            (_, Some(class)) => Err(class),
            (_, None) => Err(ErrorClass::Validation),
        };
        if let Some(operation) = self.operation {
            self.ctx.measure(operation, result, latency);
        }
        outcome
    }
}

/// The audit form of a call: method, path, the tag and key it carried.
fn request_info(call: &CallInfo) -> RequestInfo {
    RequestInfo {
        method: crate::engine::reconcile::intents::audit_method(&call.method),
        path: call.path.clone(),
        etag: call.etag_sent.clone(),
        idempotency_key: call.idempotency_key.clone(),
    }
}
