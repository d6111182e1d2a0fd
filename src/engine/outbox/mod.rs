//! The durable webhook outbox.
