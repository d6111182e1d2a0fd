//! The head file: where the log ended after its last synced batch.
//!
//! `audit.head` beside the log holds the last record's seq and hash and the
//! log's length in bytes, as one JSON line. It is replaced atomically after
//! every synced batch (once that batch's appenders have their answer), so it
//! never claims more than the log durably holds; a crash between the two
//! leaves the head one batch behind, which is allowed.
//! A log shorter than its head says was truncated.

use super::digest::ChainHash;
use crate::engine::journal;
use serde::{Deserialize, Serialize};
use std::io;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Head {
    pub seq: u64,
    pub hash: ChainHash,
    /// The log's length in bytes, up to and including that record's newline.
    pub len: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum HeadError {
    #[error("cannot read {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("{} is not a head file: {detail}", path.display())]
    Unreadable { path: PathBuf, detail: String },
}

/// The head file of the log at `log`: `audit.jsonl` → `audit.head`.
pub fn path_for(log: &Path) -> PathBuf {
    log.with_extension("head")
}

/// The head, or `None` when there is no head file.
pub fn read(path: &Path) -> Result<Option<Head>, HeadError> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(source) => return Err(HeadError::Io { path: path.to_path_buf(), source }),
    };
    serde_json::from_slice(&bytes)
        .map(Some)
        .map_err(|e| HeadError::Unreadable { path: path.to_path_buf(), detail: e.to_string() })
}

pub fn write(path: &Path, head: &Head) -> io::Result<()> {
    let mut line = serde_json::to_vec(head).map_err(io::Error::other)?;
    line.push(b'\n');
    journal::write_atomically(path, &line)
}
