//! The audit log's head file: where the log ended after its last synced batch.
//!
//! `audit.head` beside the log holds the last record's seq and hash and the
//! log's length in bytes, as one JSON line, kept by a journal
//! [`Keeper`](journal::head::Keeper) (see [`journal::head`] for when it is
//! written and why a head behind the log is allowed). A log shorter than
//! its head says was truncated.
//!
//! While the head cannot be written, the log starts no new change: records
//! cut from its end would go unnoticed.

use super::digest::ChainHash;
use crate::engine::journal::{self, head::HeadError as Unread};
use serde::{Deserialize, Serialize};
use std::io;
use std::path::{Path, PathBuf};

pub use journal::head::path_for;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Head {
    pub seq: u64,
    pub hash: ChainHash,
    /// The log's length in bytes, up to and including that record's newline.
    pub len: u64,
}

/// Writes the audit head on a thread of its own.
pub(super) type Keeper = journal::head::Keeper<Head>;

#[derive(Debug, thiserror::Error)]
pub enum HeadError {
    #[error("cannot read {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    // Not rebuilt on its own: a head that no longer reads could be hiding a
    // cut, so a person decides that the log as it stands is to be trusted.
    #[error(
        "{} is not a head file ({detail}), so a cut at the log's end cannot be ruled out and nothing is \
         recorded until it is dealt with; if the log is to be trusted as it stands, move the file aside \
         (mv {0} {0}.unreadable) and it is rebuilt from the log when the console or apply next opens the \
         log (the rebuild is recorded as a repair; audit verify only reads, and reports the head missing \
         until then)",
        path.display()
    )]
    Unreadable { path: PathBuf, detail: String },
}

/// The head, or `None` when there is no head file.
pub fn read(path: &Path) -> Result<Option<Head>, HeadError> {
    journal::head::read(path).map_err(|e| match e {
        Unread::Io { path, source } => HeadError::Io { path, source },
        Unread::Unreadable { path, detail } => HeadError::Unreadable { path, detail },
    })
}

pub fn write(path: &Path, head: &Head) -> io::Result<()> {
    journal::head::write(path, head)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unreadable_head_says_how_to_have_it_rebuilt() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.head");
        std::fs::write(&path, "").unwrap();
        let shown = read(&path).unwrap_err().to_string();
        assert!(shown.contains("is not a head file"), "{shown}");
        let aside = format!("move the file aside (mv {0} {0}.unreadable)", path.display());
        assert!(shown.contains(&aside), "says what to do, not that it was done: {shown}");
    }
}
