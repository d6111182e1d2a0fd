//! A full disk, for tests alone in their binary: a limit on the size of the
//! files the process writes, which reaches every test of the process, and
//! the harness's own output when that goes to a file.

/// While held, any file the process writes stops growing at the limit.
#[must_use = "the limit is lifted when this is dropped"]
pub struct FileSizeLimit(());

/// Limits the size of any file the process writes to `bytes`; a write
/// past it fails with EFBIG rather than the signal that would end us. The
/// limit is lifted when the guard drops, a failing test's unwinding
/// included, so that the harness can write its report.
pub fn limit_file_size(bytes: u64) -> FileSizeLimit {
    // SAFETY: ignoring SIGXFSZ and setting a resource limit touch no memory
    // of ours; both only change what the kernel does on a later write.
    unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
    }
    set(bytes);
    FileSizeLimit(())
}

impl Drop for FileSizeLimit {
    fn drop(&mut self) {
        set(libc::RLIM_INFINITY);
    }
}

fn set(bytes: u64) {
    let limit = libc::rlimit { rlim_cur: bytes, rlim_max: libc::RLIM_INFINITY };
    // SAFETY: `limit` is a valid rlimit for the call's duration.
    let set = unsafe { libc::setrlimit(libc::RLIMIT_FSIZE, &limit) };
    assert_eq!(set, 0, "the file size limit is set");
}
