//! The durable webhook outbox.
//!
//! After a change's outcome is recorded, the engine enqueues its webhook here
//! ([`Outbox::enqueue`] returns once the message is durable) and the
//! [`Deliverer`] signs and sends it, at least once, across restarts.
//!
//! The outbox is a journal of JSON lines (`{"op":"enqueued",…}`, then
//! `delivered`, `failed` or `requeued` markers). Opening replays it to rebuild
//! what waits and what failed. Once the file holds at least 64 lines and at
//! least twice the lines still needed, it is rewritten with only those (each
//! waiting message, and each failed one with its failure), atomically, after
//! a first line saying which compaction wrote it. An unfinished last line a
//! crash left is cut on open, said (see [`Cut`]) and kept in `outbox.cut`
//! beside the journal. Whole lines gone from its end, which no crash leaves
//! (a disk that lost synced data, an edit), are found by the head file
//! `outbox.head` beside it (see [`head`]), said (see [`Lost`]) and noted in
//! `outbox.cut` too.

mod attempt;
mod backoff;
mod deliverer;
mod delivery;
mod head;
mod ledger;
mod lines;
mod listing;
mod lost;
mod message;
mod open;
mod repair;
mod sealer;
mod status;
mod store;
mod subjects;

pub use backoff::Backoff;
pub use deliverer::Deliverer;
pub use delivery::{DeliveryConfig, DeliveryError};
pub use ledger::REMEMBERED_DELIVERIES;
pub use listing::{Listing, Row, RowState, no_url};
pub use lost::{Lost, Queued};
pub use message::{Envelope, FailedMessage, Message, MessageId};
pub use repair::Cut;
pub use status::OutboxStatus;
pub use store::{Outbox, OutboxError, Peek, peek};
