//! STUB: the scope each call needs.
