//! `config init`: writes a commented template to start from.

use super::error::ConfigError;
use super::paths::Paths;
use std::fs::OpenOptions;
use std::io::{self, Write};
use std::path::PathBuf;

/// The template: every setting with its default and what it does.
pub const TEMPLATE: &str = include_str!("../../assets/config.toml");

/// Writes [`TEMPLATE`] to the config file under `paths` and returns its
/// path. An existing file is never overwritten.
pub fn init(paths: &Paths) -> Result<PathBuf, ConfigError> {
    let path = paths.config_file();
    let write_error = |source| ConfigError::Write { path: path.clone(), source };
    std::fs::create_dir_all(paths.config_dir()).map_err(write_error)?;
    // create_new: refusing an existing file is decided by the filesystem
    // itself, so two concurrent inits cannot both write.
    let mut file =
        OpenOptions::new().write(true).create_new(true).open(&path).map_err(|e| match e.kind() {
            io::ErrorKind::AlreadyExists => ConfigError::Exists { path: path.clone() },
            _ => write_error(e),
        })?;
    file.write_all(TEMPLATE.as_bytes()).and_then(|()| file.sync_all()).map_err(write_error)?;
    Ok(path)
}
