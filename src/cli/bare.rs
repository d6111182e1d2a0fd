//! `cxone-console` with no subcommand. The console's screen is not here
//! yet, so it starts the sandbox in-process and says how to reach it.

use super::sandbox::{announce, base};
use super::signal::StopSignal;
use crate::sandbox::{Sandbox, SandboxConfig};
use anyhow::{Context, Result};
use secrecy::ExposeSecret;
use std::process::ExitCode;

pub fn run() -> Result<ExitCode> {
    super::log_to_stderr();
    super::block_on(serve())?;
    Ok(ExitCode::SUCCESS)
}

async fn serve() -> Result<()> {
    let mut stop = StopSignal::listen()?;
    let sandbox = Sandbox::start(SandboxConfig::default()).await.context("starting the sandbox")?;
    let base = base(&sandbox);
    let (id, secret) = (sandbox.client_id(), sandbox.client_secret().expose_secret());
    announce(&format!(
        "cxone-console: the console's screen is not available yet.\n\
         A simulated CXone tenant is running at {base}\n\
         \n  client id:     {id}\n  client secret: {secret}\n\
         \nGet a token:\n  curl -s {base}/oauth/token -d grant_type=client_credentials \
         -d client_id={id} -d client_secret={secret}\n\
         \nThe API is described in docs/wire.md. Press Ctrl-C to stop."
    ))?;
    stop.wait().await?;
    sandbox.shutdown().await;
    Ok(())
}
