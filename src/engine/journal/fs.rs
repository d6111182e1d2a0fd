//! File-system helpers: private files and directories, locks, atomic replacement.

use super::JournalError;
use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Replaces `path` with `content` atomically: a temporary file beside it is
/// written and synced, renamed over it, and the directory synced.
pub fn write_atomically(path: &Path, content: &[u8]) -> io::Result<()> {
    rename_into_place(path, content, |_| Ok(()))?;
    sync_parent(path)
}

/// A file that has taken a journal's name.
pub(super) struct Replaced {
    pub file: File,
    /// Why the directory could not be synced after the rename: the file is
    /// the journal now, but a crash could still bring the old one back.
    pub unsynced: Option<io::Error>,
}

/// Like [`write_atomically`], keeping the new file open and locked before it
/// takes the old one's name, so no other process can slip in between. Once
/// renamed, the new file is the journal whatever follows, so a failed
/// directory sync is handed back with it rather than as a failure: a caller
/// that went on with the old file would write to one no longer named.
pub(super) fn replace_locked(path: &Path, content: &[u8]) -> io::Result<Replaced> {
    let file = rename_into_place(path, content, |file| match try_lock(file)? {
        true => Ok(()),
        false => Err(io::Error::other("the compacted file is locked by another process")),
    })?;
    Ok(Replaced { file, unsynced: sync_parent(path).err() })
}

/// Writes `content` to a temporary file beside `path`, syncs it and renames
/// it to `path`; the directory is left for the caller to sync.
fn rename_into_place(
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
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written
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

/// Appends bytes cut from the journal at `journal` to the `.cut` file
/// beside it, ending them with a newline when they do not end with one so
/// each cut starts a line, and syncs them: what the cut held stays to be
/// read by hand. Returns where they were kept.
pub fn keep_cut(journal: &Path, fragment: &[u8]) -> io::Result<PathBuf> {
    let path = journal.with_extension("cut");
    let mut file = open_private(&path)?;
    file.write_all(fragment)?;
    if !fragment.ends_with(b"\n") {
        file.write_all(b"\n")?;
    }
    file.sync_data()?;
    Ok(path)
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
    #[cfg(test)]
    faults::dir_sync(path)?;
    #[cfg(unix)]
    if let Some(dir) = path.parent() {
        let dir = if dir.as_os_str().is_empty() { Path::new(".") } else { dir };
        File::open(dir)?.sync_all()?;
    }
    Ok(())
}

/// Directory syncs made to fail, for the tests of what a journal does then.
#[cfg(test)]
pub(super) mod faults {
    use std::io;
    use std::path::{Path, PathBuf};
    use std::sync::Mutex;

    /// Directories whose next syncs fail, one entry a sync: keyed by
    /// directory so that tests running at once do not take each other's.
    static FAILING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

    pub fn fail_dir_syncs(dir: &Path, times: usize) {
        let mut failing = FAILING.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        failing.extend(std::iter::repeat_n(dir.to_path_buf(), times));
    }

    pub(super) fn dir_sync(path: &Path) -> io::Result<()> {
        let mut failing = FAILING.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        match failing.iter().position(|dir| Some(dir.as_path()) == path.parent()) {
            Some(at) => {
                failing.remove(at);
                Err(io::Error::other("injected: the directory could not be synced"))
            }
            None => Ok(()),
        }
    }
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
