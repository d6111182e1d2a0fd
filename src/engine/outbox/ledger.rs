//! What the outbox holds: messages waiting and messages given up on.
//!
//! The same rules replay the journal on open and apply each line once it is
//! durable, so memory and file never disagree.

use super::message::{Envelope, FailedMessage, MessageId, Op, Tried};
use bytes::Bytes;
use serde_json::value::RawValue;
use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::sync::Arc;
use time::OffsetDateTime;

/// Delivered ids remembered (and kept through compaction), so a change's
/// webhook queued again after a crash is recognised as already sent.
pub const REMEMBERED_DELIVERIES: usize = 20_000;

#[derive(Debug, Default)]
pub(super) struct Ledger {
    /// Enqueue order, so delivery and compaction keep it.
    next_order: u64,
    /// Shared, so the deliverer's frequent snapshots copy pointers only.
    pending: BTreeMap<u64, Arc<Envelope>>,
    /// Waiting messages already tried once or more, kept as they change:
    /// the journal asks for its live lines after every commit, so counting
    /// them by walking a long line would make each commit slower than the
    /// last.
    tried: usize,
    failed: BTreeMap<u64, FailedMessage>,
    index: HashMap<MessageId, u64>,
    /// The latest deliveries, oldest first, at most [`REMEMBERED_DELIVERIES`].
    delivered: VecDeque<(MessageId, u32, OffsetDateTime)>,
    delivered_ids: HashSet<MessageId>,
    /// Failed messages put back in line since the deliverer last looked:
    /// they keep their place, before its cursor.
    requeued: Vec<u64>,
}

/// What the outbox holds, counted without walking it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Tally {
    pub pending: usize,
    pub failed: usize,
    /// When the first message in line was enqueued: the oldest, as order
    /// follows enqueue time.
    pub oldest_pending: Option<OffsetDateTime>,
}

impl Ledger {
    /// Applies one durable line. Markers for messages the ledger does not
    /// hold change nothing, except that a delivery is always remembered.
    pub fn apply(&mut self, op: &Op) {
        match op {
            Op::Enqueued { id, target, event_type, subject, body, at } => {
                if self.contains(id) {
                    return;
                }
                let order = self.next_order;
                self.next_order += 1;
                let envelope = Envelope {
                    id: id.clone(),
                    target: target.clone(),
                    event_type: event_type.clone(),
                    subject: subject.clone(),
                    body: Bytes::copy_from_slice(body.get().as_bytes()),
                    enqueued_at: *at,
                    tried: None,
                };
                self.index.insert(id.clone(), order);
                self.pending.insert(order, Arc::new(envelope));
            }
            Op::Delivered { id, attempts, at } => {
                self.remember_delivery(id, *attempts, *at);
                if let Some(order) = self.index.remove(id) {
                    self.take_pending(order);
                    self.failed.remove(&order);
                }
            }
            Op::Failed { id, attempts, reason, at } => {
                let Some(&order) = self.index.get(id) else { return };
                if let Some(envelope) = self.take_pending(order) {
                    let envelope = Arc::unwrap_or_clone(envelope);
                    let failed = FailedMessage {
                        envelope,
                        attempts: *attempts,
                        reason: reason.clone(),
                        failed_at: *at,
                    };
                    self.failed.insert(order, failed);
                }
            }
            Op::Retried { id, attempts, reason, at } => {
                let Some(&order) = self.index.get(id) else { return };
                if let Some(envelope) = self.pending.get_mut(&order) {
                    let tried = Tried { attempts: *attempts, reason: reason.clone(), at: *at };
                    if Arc::make_mut(envelope).tried.replace(tried).is_none() {
                        self.tried += 1;
                    }
                }
            }
            Op::Requeued { id, .. } => {
                let Some(&order) = self.index.get(id) else { return };
                if let Some(failed) = self.failed.remove(&order) {
                    // Sent again by hand: its attempts are counted afresh.
                    let envelope = Envelope { tried: None, ..failed.envelope };
                    self.pending.insert(order, Arc::new(envelope));
                    self.requeued.push(order);
                }
            }
            // Says what the file holds, for its head; nothing about a message.
            Op::Compacted { .. } => {}
        }
    }

    /// Takes a message out of the line, keeping the count of tried ones.
    fn take_pending(&mut self, order: u64) -> Option<Arc<Envelope>> {
        let envelope = self.pending.remove(&order)?;
        if envelope.tried.is_some() {
            self.tried -= 1;
        }
        Some(envelope)
    }

    /// Whether a message with this id is waiting, failed, or was delivered
    /// lately.
    pub fn contains(&self, id: &MessageId) -> bool {
        self.index.contains_key(id) || self.delivered_ids.contains(id)
    }

    /// Whether the message `id` was recorded as delivered (lately).
    pub fn was_delivered(&self, id: &MessageId) -> bool {
        self.delivered_ids.contains(id)
    }

    fn remember_delivery(&mut self, id: &MessageId, attempts: u32, at: OffsetDateTime) {
        if !self.delivered_ids.insert(id.clone()) {
            return;
        }
        self.delivered.push_back((id.clone(), attempts, at));
        while self.delivered.len() > REMEMBERED_DELIVERIES {
            if let Some((old, ..)) = self.delivered.pop_front() {
                self.delivered_ids.remove(&old);
            }
        }
    }

    pub fn pending(&self) -> impl Iterator<Item = &Arc<Envelope>> {
        self.pending.values()
    }

    /// Messages that joined the line since `cursor`, each with its place,
    /// and moves the cursor past them: enqueued ones, and requeued ones
    /// still waiting. The deliverer's way to learn of new work in time
    /// proportional to it, however long the line.
    pub fn arrivals(&mut self, cursor: &mut u64) -> Vec<(u64, Arc<Envelope>)> {
        let mut new: Vec<(u64, Arc<Envelope>)> =
            self.pending.range(*cursor..).map(|(order, e)| (*order, Arc::clone(e))).collect();
        for order in self.requeued.drain(..).filter(|order| *order < *cursor) {
            if let Some(envelope) = self.pending.get(&order) {
                new.push((order, Arc::clone(envelope)));
            }
        }
        *cursor = self.next_order;
        new
    }

    pub fn is_pending(&self, order: u64) -> bool {
        self.pending.contains_key(&order)
    }

    pub fn tally(&self) -> Tally {
        Tally {
            pending: self.pending.len(),
            failed: self.failed.len(),
            oldest_pending: self.pending.first_key_value().map(|(_, e)| e.enqueued_at),
        }
    }

    pub fn failed(&self) -> impl Iterator<Item = &FailedMessage> {
        self.failed.values()
    }

    pub fn is_failed(&self, id: &MessageId) -> bool {
        self.index.get(id).is_some_and(|order| self.failed.contains_key(order))
    }

    /// Lines a compacted journal needs: one per waiting message and one
    /// more if it was tried, two per failed one (its enqueue and its
    /// failure), one per remembered delivery.
    pub fn live_lines(&self) -> u64 {
        (self.pending.len() + self.tried + 2 * self.failed.len() + self.delivered.len()) as u64
    }

    /// The ops that rebuild this ledger, in enqueue order.
    pub fn ops(&self) -> Result<Vec<Op>, serde_json::Error> {
        let mut entries: Vec<(u64, &Envelope, Option<&FailedMessage>)> =
            self.pending.iter().map(|(order, e)| (*order, e.as_ref(), None)).collect();
        entries.extend(self.failed.iter().map(|(order, f)| (*order, &f.envelope, Some(f))));
        entries.sort_by_key(|(order, ..)| *order);
        let mut ops = Vec::with_capacity(entries.len() + self.delivered.len());
        ops.extend(self.delivered.iter().map(|(id, attempts, at)| Op::Delivered {
            id: id.clone(),
            attempts: *attempts,
            at: *at,
        }));
        for (_, envelope, failed) in entries {
            ops.push(Op::Enqueued {
                id: envelope.id.clone(),
                target: envelope.target.clone(),
                event_type: envelope.event_type.clone(),
                subject: envelope.subject.clone(),
                body: RawValue::from_string(String::from_utf8_lossy(&envelope.body).into_owned())?,
                at: envelope.enqueued_at,
            });
            if let Some(tried) = envelope.tried.as_ref().filter(|_| failed.is_none()) {
                ops.push(Op::Retried {
                    id: envelope.id.clone(),
                    attempts: tried.attempts,
                    reason: tried.reason.clone(),
                    at: tried.at,
                });
            }
            if let Some(f) = failed {
                ops.push(Op::Failed {
                    id: envelope.id.clone(),
                    attempts: f.attempts,
                    reason: f.reason.clone(),
                    at: f.failed_at,
                });
            }
        }
        Ok(ops)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enqueued(id: &str, body: &str) -> Op {
        Op::Enqueued {
            id: serde_json::from_value(serde_json::json!(id)).unwrap(),
            target: "crm".into(),
            event_type: "contact.disposition.updated".into(),
            subject: None,
            body: RawValue::from_string(body.into()).unwrap(),
            at: OffsetDateTime::UNIX_EPOCH,
        }
    }

    #[test]
    fn compaction_keeps_a_waiting_body_byte_for_byte() {
        let body = r#"{"z":1, "a":2.50}"#;
        let mut ledger = Ledger::default();
        ledger.apply(&enqueued("msg_1", body));
        ledger.apply(&enqueued("msg_2", "{}"));
        let delivered = ledger.pending().nth(1).unwrap().id.clone();
        ledger.apply(&Op::Delivered { id: delivered, attempts: 1, at: OffsetDateTime::UNIX_EPOCH });

        let mut rebuilt = Ledger::default();
        for op in ledger.ops().unwrap() {
            let line = serde_json::to_string(&op).unwrap();
            rebuilt.apply(&serde_json::from_str(&line).unwrap());
        }
        let waiting: Vec<&Arc<Envelope>> = rebuilt.pending().collect();
        assert_eq!(waiting.len(), 1);
        assert_eq!(&waiting[0].body[..], body.as_bytes());
        assert_eq!(rebuilt.delivered.len(), 1);
    }

    #[test]
    fn attempts_survive_compaction_and_a_resend_counts_afresh() {
        let mut ledger = Ledger::default();
        ledger.apply(&enqueued("msg_1", "{}"));
        let id = ledger.pending().next().unwrap().id.clone();
        let at = OffsetDateTime::UNIX_EPOCH;
        ledger.apply(&Op::Retried { id: id.clone(), attempts: 3, reason: "answered 503".into(), at });
        let mut rebuilt = Ledger::default();
        for op in ledger.ops().unwrap() {
            rebuilt.apply(&op);
        }
        assert_eq!(rebuilt.live_lines(), 2, "its enqueue and its attempts");
        let tried = rebuilt.pending().next().unwrap().tried.clone().unwrap();
        assert_eq!((tried.attempts, tried.reason.as_str()), (3, "answered 503"));

        rebuilt.apply(&Op::Failed { id: id.clone(), attempts: 4, reason: "gave up".into(), at });
        assert_eq!(rebuilt.live_lines(), 2, "its enqueue and its failure");
        rebuilt.apply(&Op::Requeued { id, at });
        assert_eq!(rebuilt.pending().next().unwrap().tried, None, "sent again by hand, counted afresh");
        assert_eq!(rebuilt.live_lines(), 1);
    }

    /// The live lines, counted the slow way: what the kept count must equal.
    fn recounted(ledger: &Ledger) -> u64 {
        let tried = ledger.pending().filter(|e| e.tried.is_some()).count();
        (ledger.pending.len() + tried + 2 * ledger.failed.len() + ledger.delivered.len()) as u64
    }

    #[test]
    fn the_kept_count_of_live_lines_follows_every_kind_of_line() {
        let mut ledger = Ledger::default();
        let at = OffsetDateTime::UNIX_EPOCH;
        let id = |n: usize| -> MessageId {
            serde_json::from_value(serde_json::json!(format!("msg_{n}"))).unwrap()
        };
        let retried = |n: usize, attempts: u32| Op::Retried { id: id(n), attempts, reason: "503".into(), at };
        let ops = [
            enqueued("msg_0", "{}"),
            enqueued("msg_1", "{}"),
            enqueued("msg_2", "{}"),
            retried(0, 1),
            retried(0, 2), // tried again: still one tried message
            retried(1, 1),
            Op::Delivered { id: id(0), attempts: 3, at },
            Op::Failed { id: id(1), attempts: 15, reason: "gave up".into(), at },
            Op::Requeued { id: id(1), at },
            retried(1, 1),
            retried(2, 1),
            Op::Failed { id: id(2), attempts: 2, reason: "410".into(), at },
            Op::Delivered { id: id(1), attempts: 2, at },
            retried(9, 1), // a marker for a message the ledger does not hold
        ];
        for op in &ops {
            ledger.apply(op);
            assert_eq!(ledger.live_lines(), recounted(&ledger), "after {op:?}");
        }
        assert_eq!(ledger.live_lines(), 4, "one failed message (two lines) and two deliveries");
    }
}
