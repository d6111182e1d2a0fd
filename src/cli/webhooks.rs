//! The end of a headless run: waiting for its webhooks, and saying how
//! that went.

use super::signal::StopSignal;
use crate::engine::Event;
use crate::engine::outbox::{OutboxStatus, no_url};
use crate::runtime::Runtime;
use serde::Serialize;
use std::time::Duration;
use tokio::time::Instant;

/// How long a run waits, at the end, for webhooks to be delivered.
const WEBHOOK_PATIENCE: Duration = Duration::from_secs(30);
/// The outbox is settled when no news came for this long.
const OUTBOX_QUIET: Duration = Duration::from_millis(300);

/// What became of the webhooks of the changes made.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Webhooks {
    pub delivered: u64,
    /// Still in the outbox: delivered by a later run.
    pub waiting: usize,
    pub failed: usize,
    /// Targets of waiting webhooks that have no URL: said, not reported.
    #[serde(skip)]
    pub unrouted: Vec<String>,
}

impl Webhooks {
    /// For the person at the terminal, when there is anything to say.
    pub fn in_words(&self) -> Option<String> {
        let Self { delivered, waiting, failed, .. } = *self;
        if delivered == 0 && waiting == 0 && failed == 0 {
            return None;
        }
        let mut text = format!("webhooks: {delivered} delivered");
        if waiting > 0 {
            let why: String = self.unrouted.iter().map(|target| format!("; {}", no_url(target))).collect();
            text.push_str(&format!(", {waiting} still waiting (kept in the outbox for the next run{why})"));
        }
        if failed > 0 {
            text.push_str(&format!(
                ", {failed} given up on (`cxone-console outbox resend` sends them again)"
            ));
        }
        Some(text)
    }
}

/// Waits (a while) for the webhooks of the changes made to be delivered,
/// so that a run's receivers hear of it before the command returns; returns
/// the last status heard. What is still waiting stays in the outbox for the
/// next run. The wait is a courtesy: a run already stopped (`stop` is
/// `None`) does not wait, and Ctrl-C or SIGTERM ends the wait at once.
pub(crate) async fn settle(
    runtime: &mut Runtime,
    mut latest: Option<OutboxStatus>,
    mut stop: Option<&mut StopSignal>,
) -> Option<OutboxStatus> {
    let patience = if stop.is_some() { WEBHOOK_PATIENCE } else { Duration::ZERO };
    let deadline = Instant::now() + patience;
    let mut news_at = Instant::now();
    let mut announced = false;
    loop {
        let waiting = latest.as_ref().map_or(0, |s| s.backlog.saturating_sub(s.misconfigured));
        let quiet_at = news_at + OUTBOX_QUIET;
        let now = Instant::now();
        if now >= deadline || (waiting == 0 && now >= quiet_at) {
            break;
        }
        if waiting > 0 && !announced {
            tell!("waiting for {waiting} more webhook(s) to be delivered…");
            announced = true;
        }
        let wake = if waiting == 0 { quiet_at.min(deadline) } else { deadline };
        let stopped = async {
            match stop.as_deref_mut() {
                Some(stop) => stop.wait().await,
                None => std::future::pending().await,
            }
        };
        let news = tokio::select! {
            news = tokio::time::timeout_at(wake, runtime.events().recv()) => news,
            _ = stopped => {
                tell!("stopped waiting: the webhooks not yet delivered stay in the outbox for the next run");
                break;
            }
        };
        match news {
            Ok(Some(Event::Outbox(status))) => {
                latest = Some(status);
                news_at = Instant::now();
            }
            Ok(Some(_)) | Err(_) => {}
            Ok(None) => break,
        }
    }
    latest
}

/// What became of the webhooks, said on stderr: from the status the engine
/// left at its end (no attempt in flight then), else the last one heard.
pub(crate) fn told(at_the_end: Option<OutboxStatus>, heard: Option<OutboxStatus>) -> Webhooks {
    let webhooks = at_the_end.or(heard).map_or_else(Webhooks::default, |s| Webhooks {
        delivered: s.delivered,
        waiting: s.backlog,
        failed: s.failed,
        unrouted: s.unrouted,
    });
    if let Some(words) = webhooks.in_words() {
        tell!("{words}");
    }
    webhooks
}
