//! Ctrl-C, or SIGTERM (and, for the console, SIGHUP) where there are such.

use anyhow::{Context, Result};

/// Listens from creation, so a signal that arrives before anyone waits is
/// not lost to the default handler (which would kill the process).
pub struct StopSignal {
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
    /// The terminal closed. Heard only where that terminal was the one way
    /// in: `nohup cxone-console apply …` must still outlive its terminal.
    #[cfg(unix)]
    hangup: Option<tokio::signal::unix::Signal>,
}

impl StopSignal {
    pub fn listen() -> Result<Self> {
        Self::new(false)
    }

    /// Hears SIGHUP too, as the console does once its screen is gone.
    pub fn listen_with_hangup() -> Result<Self> {
        Self::new(true)
    }

    #[cfg_attr(not(unix), allow(unused_variables))]
    fn new(hangup: bool) -> Result<Self> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let interrupt = signal(SignalKind::interrupt()).context("listening for Ctrl-C")?;
            let terminate = signal(SignalKind::terminate()).context("listening for SIGTERM")?;
            let hangup = match hangup {
                true => Some(signal(SignalKind::hangup()).context("listening for SIGHUP")?),
                false => None,
            };
            Ok(Self { interrupt, terminate, hangup })
        }
        #[cfg(not(unix))]
        Ok(Self {})
    }

    pub async fn wait(&mut self) -> Result<()> {
        #[cfg(unix)]
        {
            let hangup = async {
                match &mut self.hangup {
                    Some(hangup) => hangup.recv().await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                _ = self.interrupt.recv() => {}
                _ = self.terminate.recv() => {}
                _ = hangup => {}
            }
        }
        #[cfg(not(unix))]
        tokio::signal::ctrl_c().await.context("listening for Ctrl-C")?;
        Ok(())
    }
}
