//! `cxone-console sandbox`: the simulated tenant on its own, announced as
//! `key=value` lines for scripts.

use super::signal::StopSignal;
use crate::sandbox::config::{MAX_ENTITIES, MAX_LATENCY_MS, RateLimit};
use crate::sandbox::{FaultProfile, FaultRates, Sandbox, SandboxConfig, TenantSize};
use anyhow::{Context, Result, anyhow};
use clap::Args;
use secrecy::{ExposeSecret, SecretString};
use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::process::ExitCode;
use std::time::Duration;

/// The name the printed `webhook_sink` URL records deliveries under.
const DEFAULT_SINK: &str = "default";

/// Serves until Ctrl-C or SIGTERM.
pub fn run(args: SandboxArgs) -> Result<ExitCode> {
    let config = args.config()?;
    super::log_to_stderr();
    super::block_on(serve(config))?;
    Ok(ExitCode::SUCCESS)
}

#[derive(Args)]
pub struct SandboxArgs {
    /// Where to listen (loopback only); port 0 picks a free one.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:0", value_parser = parse_listen)]
    listen: SocketAddr,
    /// Agents in the seeded tenant.
    #[arg(long, default_value_t = TenantSize::default().agents, value_parser = parse_count)]
    agents: usize,
    /// Interactions in the seeded tenant.
    #[arg(long, default_value_t = TenantSize::default().interactions, value_parser = parse_count)]
    interactions: usize,
    /// Outbound campaigns in the seeded tenant.
    #[arg(long, default_value_t = TenantSize::default().campaigns, value_parser = parse_count)]
    campaigns: usize,
    /// Contacts in each campaign.
    #[arg(long, default_value_t = TenantSize::default().contacts_per_campaign, value_parser = parse_count)]
    contacts_per_campaign: usize,
    /// Seeds the tenant's data and the fault dice: the same seed gives the same run.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Fault mix: none, light or storm.
    #[arg(long, value_name = "PROFILE", default_value = "none")]
    faults: FaultProfile,
    /// Median added latency in milliseconds (overrides the profile's).
    #[arg(long = "latency-ms", value_name = "MEDIAN", value_parser = parse_millis)]
    latency_ms: Option<f64>,
    /// 99th percentile of added latency in milliseconds (overrides the profile's).
    #[arg(long = "latency-p99-ms", value_name = "P99", value_parser = parse_millis)]
    latency_p99_ms: Option<f64>,
    /// Access token lifetime in seconds.
    #[arg(long = "token-ttl", value_name = "SECS", default_value_t = 3600,
          value_parser = clap::value_parser!(u64).range(1..=604_800))]
    token_ttl: u64,
    /// Keep the tenant still: no agents, interactions or contacts changing by themselves.
    #[arg(long)]
    no_simulation: bool,
    /// Requests per second per campaign on contact endpoints, or `off`.
    #[arg(long, value_name = "N|off", default_value = "10", value_parser = parse_campaign_rate)]
    campaign_rate: CampaignRate,
    /// The client secret to accept (random when not given).
    #[arg(long, env = "CXONE_SANDBOX_CLIENT_SECRET", hide_env_values = true, value_parser = parse_secret)]
    client_secret: Option<SecretString>,
    #[command(flatten)]
    _profile: super::NoProfile,
}

#[derive(Clone)]
struct CampaignRate(Option<RateLimit>);

fn parse_listen(text: &str) -> Result<SocketAddr, String> {
    let addr = match text.strip_prefix("localhost:") {
        Some(port) => SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), parse_port(port)?),
        None => text.parse().map_err(|_| format!("{text:?} is not an address like 127.0.0.1:8080"))?,
    };
    if !addr.ip().is_loopback() {
        return Err(format!(
            "{addr} is not a loopback address; the sandbox serves demo credentials, so it only \
             listens on 127.0.0.0/8 or ::1"
        ));
    }
    Ok(addr)
}

fn parse_port(text: &str) -> Result<u16, String> {
    text.parse().map_err(|_| format!("{text:?} is not a port number"))
}

fn parse_count(text: &str) -> Result<usize, String> {
    let n: usize = text.parse().map_err(|_| format!("{text:?} is not a whole number"))?;
    // The same range as the profile's `size` table in config.toml.
    if !(1..=MAX_ENTITIES).contains(&n) {
        return Err(format!("{n} is out of range; use 1 to {MAX_ENTITIES}"));
    }
    Ok(n)
}

fn parse_millis(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(ms) if (0.0..=MAX_LATENCY_MS).contains(&ms) => Ok(ms),
        _ => Err(format!("{text:?} is not a number of milliseconds from 0 to {MAX_LATENCY_MS}")),
    }
}

fn parse_campaign_rate(text: &str) -> Result<CampaignRate, String> {
    if text.eq_ignore_ascii_case("off") {
        return Ok(CampaignRate(None));
    }
    match text.parse::<f64>() {
        Ok(per_second) if per_second.is_finite() && per_second > 0.0 => {
            // Bursts of two seconds' worth, as the default 10/s with bursts of 20.
            let burst = (per_second * 2.0).ceil().clamp(1.0, f64::from(u32::MAX)) as u32;
            Ok(CampaignRate(Some(RateLimit { per_second, burst })))
        }
        _ => Err(format!("{text:?} is neither a positive number of requests per second nor `off`")),
    }
}

fn parse_secret(text: &str) -> Result<SecretString, String> {
    if text.trim().is_empty() {
        return Err("the client secret must not be empty".to_string());
    }
    // It is printed as one `key=value` line for scripts, and sent in a form.
    if text.chars().any(char::is_control) {
        return Err("the client secret must not hold a line break or another control character".to_string());
    }
    Ok(SecretString::from(text.to_string()))
}

impl SandboxArgs {
    fn config(self) -> Result<SandboxConfig> {
        let defaults = SandboxConfig::default();
        if self.campaigns.checked_mul(self.contacts_per_campaign).is_none_or(|all| all > MAX_ENTITIES) {
            anyhow::bail!(
                "--contacts-per-campaign: {} campaigns of {} contacts is more than {MAX_ENTITIES} contacts in all",
                self.campaigns,
                self.contacts_per_campaign
            );
        }
        Ok(SandboxConfig {
            listen: self.listen,
            size: TenantSize {
                agents: self.agents,
                interactions: self.interactions,
                campaigns: self.campaigns,
                contacts_per_campaign: self.contacts_per_campaign,
            },
            seed: self.seed,
            faults: fault_rates(self.faults, self.latency_ms, self.latency_p99_ms)?,
            token_ttl: Duration::from_secs(self.token_ttl),
            simulate: !self.no_simulation,
            campaign_rate: self.campaign_rate.0,
            client_secret: self.client_secret.unwrap_or(defaults.client_secret.clone()),
            ..defaults
        })
    }
}

/// The profile's rates with its latency overridden by the flags given. A
/// median given alone keeps the profile's tail unless that is shorter.
fn fault_rates(profile: FaultProfile, median: Option<f64>, p99: Option<f64>) -> Result<FaultRates> {
    let mut rates = FaultRates::from(profile);
    if median.is_some() || p99.is_some() {
        rates.profile = None;
    }
    if let Some(median) = median {
        rates.latency_median_ms = median;
        rates.latency_p99_ms = rates.latency_p99_ms.max(median);
    }
    if let Some(p99) = p99 {
        rates.latency_p99_ms = p99;
    }
    rates.check().map_err(|e| anyhow!("--latency-ms / --latency-p99-ms: {e}"))?;
    Ok(rates)
}

/// `cxone-console sandbox`: prints `key=value` lines for scripts, then serves.
async fn serve(config: SandboxConfig) -> Result<()> {
    // Listen for signals before announcing, so a caller that reads the lines
    // and stops us at once gets a clean shutdown, not the default kill.
    let mut stop = StopSignal::listen()?;
    let listen = config.listen;
    let sandbox = Sandbox::start(config).await.with_context(|| format!("listening on {listen}"))?;
    let lines = [
        format!("base_url={}", base(&sandbox)),
        format!("client_id={}", sandbox.client_id()),
        format!("client_secret={}", sandbox.client_secret().expose_secret()),
        format!("webhook_sink={}", sandbox.sink_url(DEFAULT_SINK)),
        format!("webhook_secret={}", sandbox.sink_secret().expose_secret()),
    ];
    announce(&lines.join("\n"))?;
    stop.wait().await?;
    sandbox.shutdown().await;
    Ok(())
}

/// The base URL as printed: without the trailing slash `Url` adds.
pub(super) fn base(sandbox: &Sandbox) -> String {
    sandbox.base_url().as_str().trim_end_matches('/').to_string()
}

pub(super) fn announce(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{text}").and_then(|()| out.flush()).context("writing to stdout")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_addresses_are_accepted() {
        assert!(parse_listen("127.0.0.1:0").is_ok());
        assert!(parse_listen("[::1]:8080").is_ok());
        assert_eq!(parse_listen("localhost:9000").unwrap(), SocketAddr::from(([127, 0, 0, 1], 9000)));
        assert!(parse_listen("0.0.0.0:8080").unwrap_err().contains("loopback"));
        assert!(parse_listen("nowhere").is_err());
    }

    #[test]
    fn campaign_rates_and_counts_are_checked() {
        assert!(parse_campaign_rate("off").unwrap().0.is_none());
        let rate = parse_campaign_rate("2.5").unwrap().0.unwrap();
        assert_eq!((rate.per_second, rate.burst), (2.5, 5));
        assert!(parse_campaign_rate("0").is_err());
        assert!(parse_count(&(MAX_ENTITIES + 1).to_string()).is_err());
        assert!(parse_secret("hunter2").is_ok());
        for bad in ["", "  ", "hunter2\nx", "tab\there"] {
            assert!(parse_secret(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn latency_flags_override_the_profile() {
        let rates = fault_rates(FaultProfile::Storm, Some(10.0), None).unwrap();
        assert_eq!((rates.latency_median_ms, rates.latency_p99_ms, rates.profile), (10.0, 600.0, None));
        let rates = fault_rates(FaultProfile::None, Some(50.0), None).unwrap();
        assert_eq!(rates.latency_p99_ms, 50.0, "the tail is never shorter than the median");
        assert!(fault_rates(FaultProfile::None, Some(50.0), Some(10.0)).is_err());
        assert_eq!(parse_millis("60000"), Ok(60_000.0));
        for huge in ["60000.5", "1e300", "inf", "NaN", "-1"] {
            assert!(parse_millis(huge).unwrap_err().contains("0 to 60000"), "{huge}");
        }
        assert_eq!(
            fault_rates(FaultProfile::Light, None, None).unwrap(),
            FaultRates::from(FaultProfile::Light)
        );
    }
}
