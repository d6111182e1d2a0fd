//! Where effects leave the console: commands to the engine, and fault
//! changes to the embedded sandbox. Neither ever blocks the screen: both
//! hand their work to a task and report back through the inbox.

use super::driver::Input;
use crate::engine::Command;
use crate::sandbox::FaultProfile;
use std::net::IpAddr;
use std::time::Duration;
use tokio::sync::mpsc;
use url::{Host, Url};

/// How long the sandbox has to answer a fault change.
const SANDBOX_TIMEOUT: Duration = Duration::from_secs(5);

pub struct Outlets {
    commands: mpsc::UnboundedSender<Command>,
    sandbox: Option<Sandbox>,
    inbox: mpsc::Sender<Input>,
}

struct Sandbox {
    faults: Url,
    http: reqwest::Client,
}

impl Outlets {
    /// Commands go to `engine` in order, through a task, so a full engine
    /// queue holds up that task and never the screen.
    pub fn new(engine: mpsc::Sender<Command>, sandbox: Option<&Url>, inbox: mpsc::Sender<Input>) -> Self {
        let (commands, mut queued) = mpsc::unbounded_channel::<Command>();
        tokio::spawn(async move {
            while let Some(command) = queued.recv().await {
                if engine.send(command).await.is_err() {
                    break;
                }
            }
        });
        let sandbox = sandbox.and_then(|base| {
            let faults = base.join("sandbox/faults").ok()?;
            let http = reqwest::Client::builder().no_proxy().timeout(SANDBOX_TIMEOUT).build().ok()?;
            Some(Sandbox { faults, http })
        });
        Self { commands, sandbox, inbox }
    }

    pub fn command(&self, command: Command) {
        // The engine being gone is reported by its event channel closing.
        let _ = self.commands.send(command);
    }

    /// `PUT /sandbox/faults`; the answer comes back as an input.
    pub fn set_faults(&self, profile: FaultProfile) {
        let inbox = self.inbox.clone();
        let Some(sandbox) = &self.sandbox else {
            let said = Err("faults can only be set on the embedded sandbox".to_string());
            tokio::spawn(async move { inbox.send(Input::Faults(said)).await });
            return;
        };
        let (url, http) = (sandbox.faults.clone(), sandbox.http.clone());
        tokio::spawn(async move {
            let result = put_faults(&http, url, profile).await;
            let _ = inbox.send(Input::Faults(result)).await;
        });
    }
}

async fn put_faults(http: &reqwest::Client, url: Url, profile: FaultProfile) -> Result<String, String> {
    if !is_loopback(&url) {
        return Err(format!("{url} is not on this machine; the sandbox only ever is, so nothing was sent"));
    }
    let body = serde_json::json!({ "profile": profile });
    let reply =
        http.put(url).json(&body).send().await.map_err(|e| format!("the sandbox did not answer: {e}"))?;
    let status = reply.status();
    if status.is_success() {
        let name = serde_json::to_value(profile)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        Ok(format!("Sandbox faults are now {name}."))
    } else {
        let text = reply.text().await.unwrap_or_default();
        Err(format!("the sandbox refused the fault change ({status}): {}", text.trim()))
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        Some(Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_addresses_are_called() {
        assert!(is_loopback(&Url::parse("http://127.0.0.1:4000/sandbox/faults").unwrap()));
        assert!(is_loopback(&Url::parse("http://[::1]:4000/").unwrap()));
        assert!(is_loopback(&Url::parse("http://localhost:4000/").unwrap()));
        assert!(!is_loopback(&Url::parse("http://10.0.0.8:4000/").unwrap()));
        assert!(!is_loopback(&Url::parse("https://example.com/").unwrap()));
    }
}
