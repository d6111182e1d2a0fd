//! The tenant's disposition matrix: the codes it accepts, and the tier each
//! code's first digit puts it in.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Where a code sits in the compliance hierarchy, read from its first digit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CodeTier {
    /// 1xx: the outcome of the interaction.
    Primary,
    /// 2xx: follow-up classification.
    Secondary,
    /// Any other prefix: allowed alongside either tier.
    Other,
}

impl CodeTier {
    pub fn of(code: &str) -> Self {
        match code.as_bytes().first() {
            Some(b'1') => Self::Primary,
            Some(b'2') => Self::Secondary,
            _ => Self::Other,
        }
    }
}

/// One code of the tenant's disposition matrix (`GET /api/v1/dispositions`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatrixCode {
    pub code: String,
    pub description: String,
}

/// The codes the tenant accepts, keyed by code.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DispositionMatrix {
    codes: BTreeMap<String, MatrixCode>,
}

impl DispositionMatrix {
    pub fn new(codes: impl IntoIterator<Item = MatrixCode>) -> Self {
        Self { codes: codes.into_iter().map(|c| (c.code.clone(), c)).collect() }
    }

    pub fn get(&self, code: &str) -> Option<&MatrixCode> {
        self.codes.get(code)
    }

    pub fn contains(&self, code: &str) -> bool {
        self.codes.contains_key(code)
    }

    pub fn codes(&self) -> impl Iterator<Item = &MatrixCode> {
        self.codes.values()
    }

    pub fn len(&self) -> usize {
        self.codes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
    }
}
