//! `tracing` to a file in the state directory: the terminal belongs to the
//! console's screen, or to a command's own output.

use super::{RuntimeError, private_dir};
use crate::config::{Environment, Paths};
use std::path::{Path, PathBuf};
use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::EnvFilter;

/// The log's file name, in `Paths::log_dir`.
pub const LOG_FILE: &str = "cxone-console.log";

/// The running file log. Keep it alive: dropping it flushes and stops it.
pub struct LogFile {
    path: PathBuf,
    _writer: WorkerGuard,
}

impl LogFile {
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// What is written when `RUST_LOG` says nothing: the console's own news,
/// and everyone else's warnings.
const DEFAULT_FILTER: &str = "warn,cxone_console=info";

/// Sends this process's `tracing` output to the log file under `paths`,
/// appending. `RUST_LOG` in `env` chooses what is written.
pub fn log_to_file(paths: &Paths, env: &Environment) -> Result<LogFile, RuntimeError> {
    let dir = paths.log_dir();
    private_dir(&dir)?;
    private_file(&dir.join(LOG_FILE))?;
    let (prefix, suffix) = LOG_FILE.rsplit_once('.').unwrap_or((LOG_FILE, ""));
    let appender = RollingFileAppender::builder()
        .rotation(Rotation::NEVER)
        .filename_prefix(prefix)
        .filename_suffix(suffix)
        .build(&dir)
        .map_err(|e| RuntimeError::Logging(format!("{}: {e}", dir.display())))?;
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let (filter, refused) = filter_from(env.var("RUST_LOG").as_deref(), DEFAULT_FILTER);
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(false)
        .try_init()
        .map_err(|e| RuntimeError::Logging(e.to_string()))?;
    if let Some(refused) = refused {
        tracing::warn!("{refused}");
    }
    Ok(LogFile { path: dir.join(LOG_FILE), _writer: guard })
}

/// The filter `rust_log` (the `RUST_LOG` variable) asks for, else
/// `default`; and, when `rust_log` does not read as one, why, for the
/// caller to write once logging is set up: a mistyped filter is said, not
/// dropped in silence.
pub fn filter_from(rust_log: Option<&str>, default: &str) -> (EnvFilter, Option<String>) {
    match rust_log.filter(|directives| !directives.trim().is_empty()).map(EnvFilter::try_new) {
        Some(Ok(filter)) => (filter, None),
        Some(Err(e)) => (
            EnvFilter::new(default),
            Some(format!(
                "RUST_LOG {:?} is not a filter ({e}); logging with {default:?} instead",
                rust_log.unwrap_or_default()
            )),
        ),
        None => (EnvFilter::new(default), None),
    }
}

/// Makes the file at `path` (created if missing) readable by its owner
/// only, as everything else under the home is: the log names agents,
/// contacts and what was done to them.
fn private_file(path: &Path) -> Result<(), RuntimeError> {
    let failed = |source: std::io::Error| RuntimeError::Logging(format!("{}: {source}", path.display()));
    let mut options = std::fs::OpenOptions::new();
    options.append(true).create(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        options.mode(0o600);
        let file = options.open(path).map_err(failed)?;
        // A file made before keeps the mode it was made with.
        file.set_permissions(std::fs::Permissions::from_mode(0o600)).map_err(failed)?;
    }
    #[cfg(not(unix))]
    options.open(path).map_err(failed)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rust_log_that_is_not_a_filter_is_named_and_the_default_used() {
        let (filter, refused) = filter_from(Some("[[[=zz"), DEFAULT_FILTER);
        let refused = refused.expect("the mistake is said");
        assert!(refused.contains("\"[[[=zz\"") && refused.contains(DEFAULT_FILTER), "{refused}");
        assert_eq!(filter.to_string(), EnvFilter::new(DEFAULT_FILTER).to_string());
        for fine in [Some("debug,hyper=warn"), Some("  "), None] {
            assert!(filter_from(fine, DEFAULT_FILTER).1.is_none(), "{fine:?}");
        }
        assert_eq!(filter_from(Some("debug"), DEFAULT_FILTER).0.to_string(), "debug");
    }
}
