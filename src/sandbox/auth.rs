//! STUB: token issuance and bearer checks.
use super::SandboxConfig;

pub struct TokenStore;

impl TokenStore {
    pub fn new(config: &SandboxConfig) -> Self {
        let _ = config;
        Self
    }
}
