//! cxone-console: a terminal console for NICE CXone supervisors.
//!
//! The crate is layered so that the core never depends on the front end:
//! [`domain`] holds the pure rules of the five operations, [`api`] speaks the
//! tenant's REST surface, and [`sandbox`] is an embedded simulated tenant that
//! serves that same surface over real HTTP.

pub mod api;
mod bounded_accept;
pub mod canonical_json;
pub mod cli;
pub mod config;
pub mod domain;
pub mod engine;
pub mod runtime;
pub mod sandbox;
pub mod signing;
pub mod ui;
