//! The terminal's lifecycle: raw mode, the alternate screen and mouse
//! capture on the way in, and all of it undone on every way out: a normal
//! quit or an error (the guard's `Drop`), a panic (a hook that restores
//! before the default hook prints, so the message lands on a sane screen;
//! but not for a task's panic the runtime catches while the console runs on),
//! a signal (the driver returns, the guard drops), and Ctrl-Z (restore,
//! stop, and set it all up again on `fg`).

use crossterm::cursor::{Hide, Show};
use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use crossterm::terminal::{
    Clear, ClearType, EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use crossterm::{execute, queue};
use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Once, OnceLock};
use std::thread::{self, ThreadId};

/// Whether the terminal is in the console's modes, so that restoring twice
/// (guard and panic hook) writes nothing the second time.
static ACTIVE: AtomicBool = AtomicBool::new(false);

/// The thread that took the terminal, the one the screen is drawn from.
static OWNER: OnceLock<ThreadId> = OnceLock::new();

/// Holds the terminal in the console's modes; dropping it gives it back.
pub struct TerminalGuard {
    _private: (),
}

impl TerminalGuard {
    /// Enters raw mode, the alternate screen and mouse capture, after
    /// installing the panic hook that undoes them.
    pub fn enter() -> io::Result<Self> {
        OWNER.get_or_init(|| thread::current().id());
        install_panic_hook();
        let guard = Self { _private: () };
        enter_modes()?;
        Ok(guard)
    }

    /// Gives the terminal back to the shell and stops the process, as
    /// Ctrl-Z would in a cooked terminal; on `fg` takes it again. The
    /// caller redraws everything afterwards.
    pub fn suspend(&mut self) -> io::Result<()> {
        restore();
        stop_self()?;
        enter_modes()
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
}

fn enter_modes() -> io::Result<()> {
    enable_raw_mode()?;
    ACTIVE.store(true, Ordering::SeqCst);
    let mut out = io::stdout();
    write_enter(&mut out)
}

/// Undoes every mode the console set. Safe to call any number of times, from
/// any thread, including a panicking one.
pub fn restore() {
    if ACTIVE.swap(false, Ordering::SeqCst) {
        let mut out = io::stdout();
        let _ = write_restore(&mut out);
        let _ = disable_raw_mode();
    }
}

/// The sequences that take the terminal: alternate screen, mouse, paste.
pub fn write_enter(out: &mut impl Write) -> io::Result<()> {
    queue!(out, EnterAlternateScreen, EnableMouseCapture, EnableBracketedPaste, Hide)?;
    out.flush()
}

/// The sequences that give it back, in the reverse order. The alternate
/// screen is emptied before it is left: a terminal resized while it was up
/// can carry some of its rows onto the shell's screen as it goes (tmux puts
/// back part of the last frame), and an empty one has nothing to carry.
pub fn write_restore(out: &mut impl Write) -> io::Result<()> {
    queue!(
        out,
        DisableBracketedPaste,
        DisableMouseCapture,
        Clear(ClearType::All),
        LeaveAlternateScreen,
        Show
    )?;
    out.flush()
}

/// Installs, once, a panic hook that restores the terminal and then runs
/// the hook that was there before (which prints the message), unless the
/// screen outlives the panic.
pub fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| chain_panic_hook(restore, outlived_here));
}

/// Puts `give_back` in front of the current panic hook, for a panic the
/// screen does not outlive; one it outlives (`outlived`) goes to the log
/// alone, since printed it would land over the screen.
pub fn chain_panic_hook(give_back: fn(), outlived: fn() -> bool) {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if outlived() {
            tracing::error!("{info}");
            return;
        }
        give_back();
        previous(info);
    }));
}

/// Whether the screen outlives a panic on the current thread.
fn outlived_here() -> bool {
    let drawn_from = ACTIVE.load(Ordering::SeqCst).then(|| OWNER.get().copied()).flatten();
    screen_outlives(drawn_from, thread::current().id(), tokio::runtime::Handle::try_current().is_ok())
}

/// Whether a panic on `thread` leaves the console running with the screen
/// that `drawn_from` (when it is up) draws: one on a runtime's thread
/// (`in_runtime`) other than the screen's own ends only its task, which the
/// runtime catches (a change's flow, which the engine then reports failed).
/// The screen's thread, or one of the console's own (reading the terminal),
/// takes the terminal down with it.
fn screen_outlives(drawn_from: Option<ThreadId>, thread: ThreadId, in_runtime: bool) -> bool {
    in_runtime && drawn_from.is_some_and(|owner| owner != thread)
}

/// Stops this process with SIGTSTP, as the shell's job control expects;
/// returns once it is continued.
#[cfg(unix)]
fn stop_self() -> io::Result<()> {
    use std::ffi::c_int;
    unsafe extern "C" {
        fn raise(signal: c_int) -> c_int;
    }
    let Some(sigtstp) = sigtstp() else {
        let _ = execute!(io::stdout(), Show);
        return Err(io::Error::new(io::ErrorKind::Unsupported, "suspending is not supported on this system"));
    };
    // SAFETY: `raise` is the C library's, takes a signal number and touches
    // no memory of ours. SIGTSTP's default action stops the whole process;
    // `raise` returns after SIGCONT.
    match unsafe { raise(sigtstp) } {
        0 => Ok(()),
        _ => Err(io::Error::last_os_error()),
    }
}

#[cfg(not(unix))]
fn stop_self() -> io::Result<()> {
    Err(io::Error::new(io::ErrorKind::Unsupported, "suspending is not supported on this system"))
}

/// SIGTSTP's number: the generic Linux numbering, or the BSDs' and macOS's.
#[cfg(unix)]
fn sigtstp() -> Option<std::ffi::c_int> {
    if cfg!(any(
        target_os = "macos",
        target_os = "ios",
        target_os = "freebsd",
        target_os = "netbsd",
        target_os = "openbsd",
        target_os = "dragonfly"
    )) {
        Some(18)
    } else if cfg!(all(
        any(target_os = "linux", target_os = "android"),
        any(
            target_arch = "x86_64",
            target_arch = "x86",
            target_arch = "aarch64",
            target_arch = "arm",
            target_arch = "riscv64",
            target_arch = "powerpc64",
            target_arch = "s390x",
            target_arch = "loongarch64"
        )
    )) {
        Some(20)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restoring_undoes_each_mode_entering_set() {
        let (mut enter, mut leave) = (Vec::new(), Vec::new());
        write_enter(&mut enter).unwrap();
        write_restore(&mut leave).unwrap();
        let (enter, leave) = (String::from_utf8(enter).unwrap(), String::from_utf8(leave).unwrap());
        for (on, off) in [
            ("\x1b[?1049h", "\x1b[?1049l"),
            ("\x1b[?1000h", "\x1b[?1000l"),
            ("\x1b[?2004h", "\x1b[?2004l"),
            ("\x1b[?25l", "\x1b[?25h"),
        ] {
            assert!(enter.contains(on), "{on:?} missing from {enter:?}");
            assert!(leave.contains(off), "{off:?} missing from {leave:?}");
        }
    }

    #[test]
    fn only_a_runtime_tasks_panic_leaves_the_screen_up() {
        let screen = thread::current().id();
        let worker = thread::spawn(|| thread::current().id()).join().unwrap();
        assert!(screen_outlives(Some(screen), worker, true), "a flow's task: the console runs on");
        assert!(!screen_outlives(Some(screen), screen, true), "the screen's own thread");
        assert!(!screen_outlives(Some(screen), worker, false), "a thread of the console's own");
        assert!(!screen_outlives(None, worker, true), "no screen up: the message is printed");
    }

    #[test]
    fn restoring_an_untouched_terminal_writes_nothing() {
        // Nothing entered: restoring (as a panic hook may) must be harmless.
        restore();
        assert!(!ACTIVE.load(Ordering::SeqCst));
    }
}
