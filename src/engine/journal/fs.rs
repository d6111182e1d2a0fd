//! File-system helpers: private files and directories, locks, atomic replacement.

use super::JournalError;
use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Replaces `path` with `content` atomically: a temporary file beside it is
/// written and synced, renamed over it, and the directory synced.
pub fn write_atomically(path: &Path, content: &[u8]) -> io::Result<()> {
    write_temp_then_rename(path, content, |_| Ok(())).map(drop)
}

/// Like [`write_atomically`], keeping the new file open and locked before it
/// takes the old one's name, so no other process can slip in between.
pub(super) fn replace_locked(path: &Path, content: &[u8]) -> io::Result<File> {
    write_temp_then_rename(path, content, |file| match try_lock(file)? {
        true => Ok(()),
        false => Err(io::Error::other("the compacted file is locked by another process")),
    })
}

fn write_temp_then_rename(
    path: &Path,
    content: &[u8],
    before_rename: impl FnOnce(&File) -> io::Result<()>,
) -> io::Result<File> {
    let mut temp = path.as_os_str().to_owned();
    temp.push(".tmp");
    let temp = PathBuf::from(temp);
    let written = (|| {
        let mut file = create_private_truncated(&temp)?;
        before_rename(&file)?;
        file.write_all(content)?;
        file.sync_all()?;
        std::fs::rename(&temp, path)?;
        Ok(file)
    })();
    match written {
        Ok(file) => {
            sync_parent(path)?;
            Ok(file)
        }
        Err(e) => {
            let _ = std::fs::remove_file(&temp);
            Err(e)
        }
    }
}

pub(super) fn lock(file: &File, path: &Path) -> Result<(), JournalError> {
    match try_lock(file) {
        Ok(true) => Ok(()),
        Ok(false) => Err(JournalError::Locked { path: path.to_path_buf(), holder: lock_holder(file) }),
        Err(e) => Err(JournalError::io("lock", path)(e)),
    }
}

/// Takes the exclusive advisory lock without waiting: `false` when another
/// open file holds it.
fn try_lock(file: &File) -> io::Result<bool> {
    match file.try_lock() {
        Ok(()) => Ok(true),
        Err(std::fs::TryLockError::WouldBlock) => Ok(false),
        Err(std::fs::TryLockError::Error(e)) => Err(e),
    }
}

/// Who holds the lock on `file`, as Linux tells it in `/proc/locks`: the
/// process id and its program's name, never its arguments. `None` where
/// the system does not tell.
#[cfg(target_os = "linux")]
fn lock_holder(file: &File) -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    let meta = file.metadata().ok()?;
    let dev = meta.dev();
    // The kernel lists the device as major:minor in hex (glibc's split of st_dev).
    let major = ((dev >> 8) & 0xfff) | ((dev >> 32) & !0xfff);
    let minor = (dev & 0xff) | ((dev >> 12) & !0xff);
    let locks = std::fs::read_to_string("/proc/locks").ok()?;
    let pid = locks.lines().find_map(|line| locker(line, (major, minor, meta.ino())))?;
    let name = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
    Some(match name.trim() {
        "" => format!("process {pid}"),
        name => format!("process {pid} ({name})"),
    })
}

#[cfg(not(target_os = "linux"))]
fn lock_holder(_: &File) -> Option<String> {
    None
}

/// The process holding a lock in one line of `/proc/locks`
/// (`1: FLOCK  ADVISORY  WRITE 8796 fe:00:10100738 0 EOF`) when it is on the
/// file `(major, minor, inode)`; processes waiting for it (`1: -> FLOCK …`)
/// do not hold it.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
fn locker(line: &str, (major, minor, inode): (u64, u64, u64)) -> Option<u32> {
    let fields: Vec<&str> = line.split_whitespace().collect();
    if fields.get(1) == Some(&"->") {
        return None;
    }
    let mut file = fields.get(5)?.split(':');
    let at = (
        u64::from_str_radix(file.next()?, 16).ok()?,
        u64::from_str_radix(file.next()?, 16).ok()?,
        file.next()?.parse::<u64>().ok()?,
    );
    if at != (major, minor, inode) {
        return None;
    }
    fields.get(4)?.parse().ok()
}

/// Opens for reading and appending, creating it readable by its owner only.
pub fn open_private(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true).append(true).create(true);
    private_mode(&mut options);
    options.open(path)
}

fn create_private_truncated(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true).write(true).create(true).truncate(true);
    private_mode(&mut options);
    options.open(path)
}

#[cfg(unix)]
fn private_mode(options: &mut OpenOptions) {
    use std::os::unix::fs::OpenOptionsExt;
    options.mode(0o600);
}

#[cfg(not(unix))]
fn private_mode(_: &mut OpenOptions) {}

/// Creates `dir` and its missing parents, readable by the owner only.
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// Makes a new or renamed directory entry durable.
pub(super) fn sync_parent(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    if let Some(dir) = path.parent() {
        let dir = if dir.as_os_str().is_empty() { Path::new(".") } else { dir };
        File::open(dir)?.sync_all()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::locker;

    #[test]
    fn the_holder_of_a_lock_is_read_from_its_line() {
        let on = (0xfe, 0, 10_100_738);
        assert_eq!(locker("1: FLOCK  ADVISORY  WRITE 8796 fe:00:10100738 0 EOF", on), Some(8796));
        assert_eq!(locker("2: FLOCK  ADVISORY  WRITE 8796 fe:00:10100833 0 EOF", on), None, "another file");
        assert_eq!(locker("1: -> FLOCK  ADVISORY  WRITE 9001 fe:00:10100738 0 EOF", on), None, "a waiter");
        assert_eq!(locker("3: POSIX  ADVISORY  WRITE 77 08:01:10100738 0 EOF", on), None, "another device");
        assert_eq!(locker("garbage", on), None);
    }
}
