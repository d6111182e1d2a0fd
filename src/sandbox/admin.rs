//! STUB: `/sandbox/faults`, `/sandbox/stats`.
