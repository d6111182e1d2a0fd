//! STUB (owned by the tenant work): the simulated tenant's data.
use super::SandboxConfig;

pub struct Tenant;

impl Tenant {
    pub fn seed(config: &SandboxConfig) -> Self {
        let _ = config;
        Self
    }
}
