//! Keys, mouse, paste and resizes, read on a thread of their own.
//!
//! crossterm's reader loops without end on a terminal that has hung up: it
//! reads its end of file (or EIO) again and again inside one call, burning
//! a core until the process exits, which after a hangup is once the changes
//! in flight have finished. So the thread waits on the terminal itself
//! first, and stops at the hangup instead of handing the dead terminal to
//! crossterm. A hangup in the moment between that look and crossterm's read
//! still spins until the process exits, which after a hangup it does once
//! the changes in flight end; the look before every read makes that moment
//! short. Resizes come by a signal crossterm keeps to itself, so the wait
//! is cut into ticks to ask it for one.
//!
//! crossterm reads through poll(2) here (its `use-dev-tty` reader): its
//! default reader waits on epoll, which tells of new input once, and reads
//! 1 KB of it, so the rest of a burst (a paste sent as keys) stayed unread
//! until the next key.

use super::driver::Input;
use std::io;
use std::time::Duration;
use tokio::sync::mpsc;

/// How long the thread waits on the terminal before asking crossterm for a
/// resize, which comes by a signal rather than on the terminal.
const RESIZE_TICK: Duration = Duration::from_millis(50);
/// How long crossterm is given to read what the terminal holds. Its poll(2)
/// reader does not read at all when given no time.
const LOOK: Duration = Duration::from_millis(1);

/// Starts the thread that forwards the terminal's events into `inbox`. It
/// ends at the terminal's hangup, at a read that fails, or at the first
/// event after the console has stopped listening.
pub(super) fn forward_terminal(inbox: mpsc::Sender<Input>) -> io::Result<()> {
    let watch = Watch::open();
    let read = move || {
        if let Err(e) = forward(&watch, &inbox) {
            tracing::warn!(error = %e, "reading the terminal failed; input stops");
        }
    };
    std::thread::Builder::new().name("terminal input".into()).spawn(read).map(drop)
}

fn forward(watch: &Watch, inbox: &mpsc::Sender<Input>) -> io::Result<()> {
    let mut tick = RESIZE_TICK;
    loop {
        if watch.wait(tick)? == Ready::HungUp {
            tracing::info!("the terminal hung up; input stops");
            return Ok(());
        }
        // One event at a time, each after a look at the terminal, so a
        // hangup while events are drained is seen before crossterm reads.
        tick = Duration::ZERO;
        if crossterm::event::poll(LOOK)? {
            if inbox.blocking_send(Input::Terminal(crossterm::event::read()?)).is_err() {
                return Ok(());
            }
        } else {
            tick = RESIZE_TICK;
        }
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Ready {
    /// Something to read, or the tick passed.
    Maybe,
    HungUp,
}

/// The terminal crossterm reads: standard input when it is one, else the
/// process's controlling terminal.
struct Watch {
    #[cfg(unix)]
    fd: Option<std::os::fd::OwnedFd>,
}

#[cfg(unix)]
impl Watch {
    fn open() -> Self {
        use std::io::IsTerminal;
        use std::os::fd::AsFd;
        let fd = if io::stdin().is_terminal() {
            io::stdin().as_fd().try_clone_to_owned().ok()
        } else {
            std::fs::File::open("/dev/tty").ok().map(std::os::fd::OwnedFd::from)
        };
        Self { fd }
    }

    /// Waits up to `tick` for the terminal to have something to say.
    /// Without a terminal to watch it only sleeps, and crossterm is left to
    /// fail as it will.
    fn wait(&self, tick: Duration) -> io::Result<Ready> {
        use std::os::fd::AsRawFd;
        let Some(fd) = &self.fd else {
            std::thread::sleep(tick);
            return Ok(Ready::Maybe);
        };
        let mut watched = libc::pollfd { fd: fd.as_raw_fd(), events: libc::POLLIN, revents: 0 };
        let millis = libc::c_int::try_from(tick.as_millis()).unwrap_or(libc::c_int::MAX);
        // SAFETY: one `pollfd` that lives across the call, and its count.
        match unsafe { libc::poll(&raw mut watched, 1, millis) } {
            -1 => {
                let e = io::Error::last_os_error();
                if e.kind() == io::ErrorKind::Interrupted { Ok(Ready::Maybe) } else { Err(e) }
            }
            _ if watched.revents & (libc::POLLHUP | libc::POLLERR | libc::POLLNVAL) != 0 => Ok(Ready::HungUp),
            _ => Ok(Ready::Maybe),
        }
    }
}

#[cfg(not(unix))]
impl Watch {
    fn open() -> Self {
        Self {}
    }

    fn wait(&self, tick: Duration) -> io::Result<Ready> {
        std::thread::sleep(tick);
        Ok(Ready::Maybe)
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::fd::OwnedFd;

    /// A pseudo-terminal pair: the console's end and the window's.
    fn pty() -> (OwnedFd, OwnedFd) {
        let (mut master, mut slave) = (-1, -1);
        // SAFETY: two out-pointers to ints that live across the call; the
        // rest may be null.
        let made = unsafe {
            libc::openpty(
                &raw mut master,
                &raw mut slave,
                std::ptr::null_mut(),
                std::ptr::null(),
                std::ptr::null(),
            )
        };
        assert_eq!(made, 0, "a pseudo-terminal: {}", io::Error::last_os_error());
        // SAFETY: `openpty` just opened both, and nothing else owns them.
        unsafe { (std::os::fd::FromRawFd::from_raw_fd(master), std::os::fd::FromRawFd::from_raw_fd(slave)) }
    }

    #[test]
    fn a_quiet_terminal_is_waited_on_and_a_closed_one_is_a_hangup() {
        let (window, console) = pty();
        let watch = Watch { fd: Some(console) };
        assert_eq!(watch.wait(Duration::from_millis(10)).expect("a wait"), Ready::Maybe);
        drop(window);
        assert_eq!(watch.wait(Duration::from_secs(5)).expect("a wait"), Ready::HungUp);
    }
}
