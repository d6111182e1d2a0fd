//! STUB: Idempotency-Key replay.
#[derive(Default)]
pub struct IdempotencyStore;
