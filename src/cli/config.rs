//! `cxone-console config show|init`.

use crate::config::{self, Environment};
use anyhow::Result;
use clap::{Args, Subcommand};
use std::process::ExitCode;

#[derive(Args)]
pub struct ConfigArgs {
    #[command(subcommand)]
    action: ConfigAction,
}

#[derive(Subcommand)]
enum ConfigAction {
    /// Print the settings in effect, defaults filled in and secrets shown
    /// only as where they come from; warnings go to stderr.
    /// (`--profile NAME` shows that profile as the active one.)
    Show,
    /// Write a commented config.toml to start from; an existing file is
    /// never overwritten.
    Init,
}

pub fn run(args: ConfigArgs, profile: Option<&str>) -> Result<ExitCode> {
    let env = Environment::process();
    match args.action {
        ConfigAction::Show => {
            // A secret that cannot be read is warned of, not fatal: this is
            // the command that shows what to fix.
            let shown = super::load(&env.for_showing(), profile)?.show();
            super::put(shown.as_bytes())?;
        }
        // The template holds every profile; writing it for one would be a
        // promise it cannot keep.
        ConfigAction::Init if profile.is_some() => {
            anyhow::bail!("--profile: config init writes one template for every profile, and takes none")
        }
        ConfigAction::Init => {
            let path = config::init(&super::paths(&env)?)?;
            super::say(format_args!("wrote {}", path.display()))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
