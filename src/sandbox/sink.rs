//! STUB: the webhook sink.
use super::SandboxConfig;

pub struct Sink;

impl Sink {
    pub fn new(config: &SandboxConfig) -> Self {
        let _ = config;
        Self
    }
}

pub struct Delivery;
pub struct SinkLog;
