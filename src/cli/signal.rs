//! Ctrl-C, or SIGTERM where there is one.

use anyhow::{Context, Result};

/// Listens from creation, so a signal that arrives before anyone waits is
/// not lost to the default handler (which would kill the process).
pub struct StopSignal {
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
}

impl StopSignal {
    pub fn listen() -> Result<Self> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let interrupt = signal(SignalKind::interrupt()).context("listening for Ctrl-C")?;
            let terminate = signal(SignalKind::terminate()).context("listening for SIGTERM")?;
            Ok(Self { interrupt, terminate })
        }
        #[cfg(not(unix))]
        Ok(Self {})
    }

    pub async fn wait(&mut self) -> Result<()> {
        #[cfg(unix)]
        tokio::select! {
            _ = self.interrupt.recv() => {}
            _ = self.terminate.recv() => {}
        }
        #[cfg(not(unix))]
        tokio::signal::ctrl_c().await.context("listening for Ctrl-C")?;
        Ok(())
    }
}
