//! A full disk, for tests alone in their binary: a limit on the size of the
//! files the process writes, which reaches every test of the process.

/// Limits the size of any file the process writes to `bytes`; a write
/// past it fails with EFBIG rather than the signal that would end us.
pub fn limit_file_size(bytes: u64) {
    // SAFETY: ignoring SIGXFSZ and setting a resource limit touch no memory
    // of ours; both only change what the kernel does on a later write.
    unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
        let limit = libc::rlimit { rlim_cur: bytes, rlim_max: libc::RLIM_INFINITY };
        assert_eq!(libc::setrlimit(libc::RLIMIT_FSIZE, &limit), 0, "the limit is set");
    }
}
