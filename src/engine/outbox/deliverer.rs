//! The deliverer: sends what waits in the outbox, at least once.
//!
//! Every waiting message is posted to its target's URL, signed the Standard
//! Webhooks way with the same `webhook-id` on every attempt, with a timeout per
//! attempt and at most `max_in_flight` attempts at once. A failure holds its
//! target as a whole for an exponential backoff ([`Backoff`]), then the target
//! is probed by one message at a time until it answers (see [`super::lines`]);
//! answers that will not change are final (see [`super::attempt`]), and so is
//! running out of attempts: such a message is marked failed and kept. A
//! message whose target has no URL stays waiting and is reported as
//! misconfigured.
//!
//! Order: messages to one target are started in queue order (the order they
//! were enqueued), after an outage and a restart too: the probe is the oldest
//! message waiting, and once the target answers the rest start oldest first.
//! Messages about one subject (one agent, contact or interaction) go to a
//! target one at a time: a later one waits until the one before it is
//! delivered or given up on, so a receiver hears each entity's changes in
//! the order they were made, retries and restarts included. Messages about
//! different subjects, up to `max_in_flight` at once, may land in any order
//! among themselves. A message given up on leaves the line, and is sent
//! again (by hand) after those behind it.
//!
//! Delivery is at least once: a crash after a receiver answered but before
//! the delivered marker was durable sends the message again after restart,
//! with the same `webhook-id`. Run one deliverer per outbox.
//!
//! Targets are https URLs, or plain http only to this machine (127.0.0.0/8,
//! ::1, localhost), the rule every URL the console sends data to follows.
//! Redirects are not followed. The signing key never appears in logs or errors.

use super::attempt::{Report, Sender, Try, deliver};
use super::backoff::Backoff;
use super::delivery::{DeliveryConfig, DeliveryError, check};
use super::lines::Lines;
use super::listing::no_url;
use super::message::Envelope;
use super::status::OutboxStatus;
use super::store::{Mark, Outbox};
use super::subjects::Subjects;
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::{JoinError, JoinHandle, JoinSet};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use url::Url;

/// The running deliverer.
pub struct Deliverer {
    status: watch::Receiver<OutboxStatus>,
    task: JoinHandle<()>,
}

impl Deliverer {
    /// Starts delivering from `outbox` until `cancel` fires.
    pub fn spawn(
        outbox: Outbox,
        config: DeliveryConfig,
        cancel: CancellationToken,
    ) -> Result<Self, DeliveryError> {
        check(&config)?;
        let client = reqwest::Client::builder()
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(crate::api::USER_AGENT)
            // Receivers close idle connections too; see the constant.
            .pool_idle_timeout(crate::api::KEPT_IDLE)
            .build()
            .map_err(|e| DeliveryError::Client(e.to_string()))?;
        let (status, watch) = watch::channel(OutboxStatus { running: true, ..OutboxStatus::default() });
        let run = Run {
            sender: Arc::new(Sender::new(client, config.key, config.attempt_timeout)),
            targets: config.targets,
            backoff: config.backoff,
            max_attempts: config.max_attempts,
            max_in_flight: config.max_in_flight,
            outbox,
            cursor: 0,
            slots: HashMap::new(),
            lines: Lines::default(),
            tasks: JoinSet::new(),
            running: HashMap::new(),
            subjects: Subjects::default(),
            misconfigured: 0,
            unrouted: BTreeSet::new(),
            status,
            delivered: 0,
            last_error: None,
        };
        Ok(Self { status: watch, task: tokio::spawn(run.run(cancel)) })
    }

    /// Backlog, in flight, delivered, failed, lag, last error.
    pub fn status(&self) -> watch::Receiver<OutboxStatus> {
        self.status.clone()
    }

    /// Waits until the deliverer has stopped (after its token is cancelled).
    pub async fn stopped(self) {
        if let Err(e) = self.task.await {
            tracing::error!("the webhook deliverer stopped abnormally: {e}");
        }
    }
}

/// A waiting message the deliverer knows of.
struct Slot {
    envelope: Arc<Envelope>,
    /// Attempts started so far.
    attempts: u32,
    /// Delivered, but not yet recorded so.
    delivered: bool,
}

/// The deliverer's state. Each wake costs time in proportion to what
/// arrived and what is started, never to the length of the line: a backlog
/// of many thousands (a receiver down for an hour) must not slow the
/// changes that keep adding to it.
struct Run {
    sender: Arc<Sender>,
    targets: HashMap<String, Url>,
    backoff: Backoff,
    max_attempts: u32,
    max_in_flight: usize,
    outbox: Outbox,
    /// Where the next arrivals start, in the outbox's enqueue order.
    cursor: u64,
    /// Every waiting message known, by its place in line.
    slots: HashMap<u64, Slot>,
    /// Messages neither in flight nor misconfigured, in their targets' lines.
    lines: Lines,
    tasks: JoinSet<Report>,
    running: HashMap<tokio::task::Id, u64>,
    subjects: Subjects,
    misconfigured: usize,
    /// The targets of those messages.
    unrouted: BTreeSet<String>,
    status: watch::Sender<OutboxStatus>,
    delivered: u64,
    /// The last thing that went wrong, and the target it went wrong for:
    /// a delivery to that target clears it.
    last_error: Option<(String, String)>,
}

impl Run {
    async fn run(mut self, cancel: CancellationToken) {
        let wake = self.outbox.waker();
        loop {
            self.admit();
            self.start_due();
            self.publish(true);
            let next_due = self.next_due();
            let woken = wake.notified();
            tokio::select! {
                biased;
                () = cancel.cancelled() => break,
                Some(done) = self.tasks.join_next_with_id(), if !self.tasks.is_empty() => self.finish(done),
                () = woken => {}
                () = sleep_until(next_due) => {}
            }
        }
        // Attempts cut short stay waiting in the journal and go out after a
        // restart, each counted as tried, so a receiver that never answers
        // reaches the attempt limit across short runs too. An attempt that
        // ended on its own has recorded how already.
        self.tasks.abort_all();
        while let Some(done) = self.tasks.join_next_with_id().await {
            let cut = match done {
                // It ended before the cut, its record made: counted as any.
                Ok(ended) => {
                    self.finish(Ok(ended));
                    continue;
                }
                Err(cut) => cut,
            };
            let Some(&order) = self.running.get(&cut.id()) else { continue };
            let Some(slot) = self.slots.get(&order) else { continue };
            // An attempt cut between recording its delivery and reporting
            // it is a delivery all the same (its record may still be on its
            // way to the journal, ahead of any mark made here).
            if self.outbox.is_pending(order) {
                let mark = Mark::Retried("the console stopped before the receiver answered".into());
                if let Err(e) = self.outbox.mark(&slot.envelope.id, slot.attempts, mark).await {
                    tracing::warn!(
                        "webhook {}: could not record the attempt cut short: {e}",
                        slot.envelope.id
                    );
                }
            }
            if self.outbox.was_delivered(&slot.envelope.id) {
                self.delivered += 1;
            }
        }
        self.running.clear();
        self.publish(false);
    }

    /// Starts tracking the messages that joined the line, in their places.
    fn admit(&mut self) {
        let seen = self.cursor;
        for (order, envelope) in self.outbox.arrivals(&mut self.cursor) {
            if self.slots.contains_key(&order) {
                continue;
            }
            if !self.targets.contains_key(&envelope.target) {
                // Targets are fixed for the deliverer's life: it waits until
                // a restart with a URL for it.
                self.misconfigured += 1;
                self.unrouted.insert(envelope.target.clone());
                let error = format!("{}: {}", envelope.id, no_url(&envelope.target));
                tracing::warn!("{error}");
                self.last_error = Some((envelope.target.clone(), error));
                continue;
            }
            if order < seen {
                // Requeued by hand (see `Lines::release`).
                self.lines.release(&envelope.target);
            } else if envelope.tried.is_some() {
                // It failed before a restart: the target may still be down.
                self.lines.suspect(&envelope.target);
            }
            self.lines.push(&envelope.target, order);
            // A restart goes on counting the attempts the journal recorded.
            let attempts = envelope.tried.as_ref().map_or(0, |tried| tried.attempts);
            self.slots.insert(order, Slot { envelope, attempts, delivered: false });
        }
    }

    fn start_due(&mut self) {
        let now = Instant::now();
        while self.running.len() < self.max_in_flight {
            let Some((target, order)) = self.lines.next(now) else { return };
            let (Some(slot), Some(url)) = (self.slots.get_mut(&order), self.targets.get(&target)) else {
                // Every message in a line has a slot and a URL; should one
                // not, it waits rather than being lost.
                self.lines.put_back(&target, order, now + self.backoff.cap);
                continue;
            };
            if !self.subjects.start(&target, slot.envelope.subject.as_deref(), order) {
                self.lines.unstart(&target);
                continue;
            }
            if !slot.delivered {
                slot.attempts += 1;
            }
            let this = Try {
                attempt: slot.attempts,
                last_chance: slot.attempts >= self.max_attempts,
                delivered: slot.delivered,
            };
            let (envelope, url) = (Arc::clone(&slot.envelope), url.clone());
            let attempt = deliver(Arc::clone(&self.sender), self.outbox.clone(), envelope, url, this);
            let handle = self.tasks.spawn(attempt);
            self.running.insert(handle.id(), order);
        }
    }

    fn finish(&mut self, done: Result<(tokio::task::Id, Report), JoinError>) {
        let (task, report) = match done {
            Ok((task, report)) => (task, report),
            Err(e) => {
                let reason = format!("the attempt stopped: {e}");
                (e.id(), Report::Retry { reason, retry_after: None, delivered: false })
            }
        };
        let Some(order) = self.running.remove(&task) else { return };
        let Some(slot) = self.slots.get_mut(&order) else { return };
        let (id, target) = (slot.envelope.id.clone(), slot.envelope.target.clone());
        let subject = slot.envelope.subject.clone();
        let now = Instant::now();
        match report {
            Report::Delivered => {
                self.delivered += 1;
                self.last_error.take_if(|(failed, _)| *failed == target);
                self.lines.answered(&target);
                self.slots.remove(&order);
                self.unpark(&target, subject.as_deref());
            }
            Report::Failed { reason, answered } => {
                tracing::warn!("webhook {id} failed for good: {reason}");
                self.last_error = Some((target.clone(), format!("to {target}: {reason}")));
                if answered {
                    self.lines.answered(&target);
                } else {
                    self.hold(&target, now, None);
                }
                self.slots.remove(&order);
                self.unpark(&target, subject.as_deref());
            }
            Report::Retry { reason, retry_after, delivered } => {
                tracing::debug!("webhook {id}, attempt {}: {reason}", slot.attempts);
                // Delivered but not recorded: only its record goes again.
                slot.delivered |= delivered;
                self.last_error = Some((target.clone(), format!("to {target}: {reason}")));
                // Back to its place in line: the target's hold paces it, and
                // it goes before the messages queued after it (those about
                // its subject stay parked until it is through).
                self.subjects.again(&target, subject.as_deref());
                self.hold(&target, now, retry_after);
                self.lines.push(&target, order);
            }
        }
    }

    /// Puts back in line the messages that waited for `subject`'s message
    /// in flight, now through.
    fn unpark(&mut self, target: &str, subject: Option<&str>) {
        for order in self.subjects.through(target, subject) {
            self.lines.push(target, order);
        }
    }

    /// Holds a target that failed for its backoff, or its `Retry-After`
    /// when the receiver asks for longer.
    fn hold(&mut self, target: &str, now: Instant, retry_after: Option<Duration>) {
        let backoff = self.backoff;
        self.lines.failed(target, now, |failures| {
            backoff.hold(failures, &mut rand::rng()).max(retry_after.unwrap_or_default().min(backoff.cap))
        });
    }

    fn next_due(&self) -> Option<Instant> {
        if self.running.len() >= self.max_in_flight {
            return None;
        }
        self.lines.next_ready(Instant::now())
    }

    fn publish(&self, running: bool) {
        // An attempt whose marker is already applied is no longer in flight,
        // even before its task is reaped.
        let (tally, in_flight) = self.outbox.tally(self.running.values().copied());
        let now = OutboxStatus {
            backlog: tally.pending,
            in_flight,
            delivered: self.delivered,
            failed: tally.failed,
            misconfigured: self.misconfigured,
            unrouted: self.unrouted.iter().cloned().collect(),
            oldest_pending: tally.oldest_pending,
            last_error: self.last_error.as_ref().map(|(_, error)| error.clone()),
            repaired: self.outbox.repaired(),
            running,
        };
        self.status.send_if_modified(|status| {
            let changed = *status != now;
            *status = now;
            changed
        });
    }
}

async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}
