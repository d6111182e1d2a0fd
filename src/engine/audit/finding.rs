//! What verifying the audit log finds: the log intact, the first bad
//! record and what is wrong with it, or why the log could not be checked.

use std::fmt;
use std::io;
use std::path::PathBuf;

/// What is wrong with a log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    Edited,
    Deleted,
    Reordered,
    /// A record under a seq already seen: a line copied or inserted.
    Duplicated,
    Truncated,
    Unreadable,
}

impl Problem {
    pub fn name(self) -> &'static str {
        match self {
            Self::Edited => "edited",
            Self::Deleted => "deleted",
            Self::Reordered => "reordered",
            Self::Duplicated => "duplicated",
            Self::Truncated => "truncated",
            Self::Unreadable => "unreadable",
        }
    }
}

/// The first bad record and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub problem: Problem,
    /// 1-based line of the log, when the problem is on a line.
    pub line: Option<u64>,
    /// The seq that belongs where the problem is: the edited record, the
    /// first missing one, the first out of place.
    pub seq: Option<u64>,
    pub detail: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.problem.name())?;
        if let Some(line) = self.line {
            write!(f, " at line {line}")?;
        }
        if let Some(seq) = self.seq {
            write!(f, " (seq {seq})")?;
        }
        write!(f, ": {}", self.detail)
    }
}

/// The verdict on a whole log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VerifyReport {
    Intact {
        records: u64,
        /// Seqs of the `repair` records, which say what opening had to fix.
        repairs: Vec<u64>,
        /// What is odd about the records' times, though the chain holds:
        /// the first that goes back by more than [`CLOCK_SLACK`](super::verify::CLOCK_SLACK), and the
        /// first dated after the check by more than that. A clock set wrong
        /// does this; so does a log rewritten whole and its chain forged.
        odd_times: Vec<String>,
    },
    Broken(Finding),
}

#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error("there is no audit log at {}", path.display())]
    Missing { path: PathBuf },
    #[error("cannot read the audit log {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    /// The head file is there but cannot be read (its permissions, or a
    /// directory in its place): that says nothing of the records.
    #[error("cannot read the audit log's head file {}: {source}", path.display())]
    HeadIo {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}
