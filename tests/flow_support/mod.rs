//! A console on a real engine and a small sandbox tenant: keys go into the
//! app, its commands to the engine, and the engine's events back into the
//! app only while a test waits for them, as a supervisor's screen would
//! take them between keystrokes.

#![allow(dead_code)] // each test file uses its own subset

use crate::engine_support::{PATIENCE, Rig, engine_config};
use crate::ui_support::{app_with, key_event, render, sandbox_session};
use cxone_console::api::model::User;
use cxone_console::domain::agent_status::role_fit;
use cxone_console::sandbox::{Sandbox, SandboxConfig, TenantSize};
use cxone_console::ui::Looks;
use cxone_console::ui::app::{Action, App, Clock, Effect, Overlay, update};
use cxone_console::ui::theme::Colors;
use std::time::Duration;

/// A console on a real engine and a small, still sandbox.
pub struct Flow {
    pub rig: Rig,
    pub app: App,
}

impl Flow {
    pub async fn start(read_only: bool) -> Self {
        let size = TenantSize { agents: 30, interactions: 60, campaigns: 2, contacts_per_campaign: 20 };
        Self::sized(read_only, size).await
    }

    /// A console on a sandbox of `size`, its tables loaded.
    pub async fn sized(read_only: bool, size: TenantSize) -> Self {
        let sandbox =
            Sandbox::start(SandboxConfig { size, ..SandboxConfig::quiet() }).await.expect("a sandbox");
        let dir = tempfile::tempdir().expect("a temporary directory");
        let mut config = engine_config(&sandbox, dir.path());
        config.refresh_every = Duration::from_secs(2);
        config.read_only = read_only;
        let mut session = sandbox_session();
        session.read_only = read_only;
        session.sandbox = Some(sandbox.base_url());
        let rig = Rig::with(sandbox, dir, config).await;
        let mut app = app_with(session, Looks::defaults(Colors::On), 160, 45);
        // Shifts are checked against the tenant's clock, which is real.
        update(&mut app, Action::Tick(Clock::new(Duration::from_secs(700), time::OffsetDateTime::now_utc())));
        let mut flow = Self { rig, app };
        flow.until("the tables load", |app| {
            app.agents.is_loaded()
                && app.interactions.is_loaded()
                && app.contacts.rows().len() >= size.campaigns * size.contacts_per_campaign
        })
        .await;
        flow
    }

    pub async fn press(&mut self, keys: &[&str]) {
        for key in keys {
            let effects = update(&mut self.app, Action::Key(key_event(key)));
            self.perform(effects).await;
        }
    }

    pub async fn typed(&mut self, text: &str) {
        for c in text.chars() {
            self.press(&[&c.to_string()]).await;
        }
    }

    pub async fn perform(&mut self, effects: Vec<Effect>) {
        for effect in effects {
            if let Effect::Engine(command) = effect {
                self.rig.send(command).await;
            }
        }
    }

    /// Runs `line` on the `:` command line.
    pub async fn command(&mut self, line: &str) {
        self.press(&[":"]).await;
        self.typed(line).await;
        self.press(&["enter"]).await;
    }

    /// Applies the engine's events until `done` holds.
    pub async fn until(&mut self, what: &str, done: impl Fn(&App) -> bool) {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        while !done(&self.app) {
            let event = tokio::time::timeout_at(deadline, self.rig.events.recv())
                .await
                .unwrap_or_else(|_| {
                    panic!("waiting for {what}: nothing more came; the screen:\n{}", render(&self.app))
                })
                .expect("the engine is running");
            let effects = update(&mut self.app, Action::Engine(event));
            self.perform(effects).await;
        }
    }

    /// Waits for every change sent to finish.
    pub async fn settled(&mut self) {
        self.until("the change to finish", |app| app.sent.is_empty()).await;
    }

    pub fn screen(&self) -> String {
        render(&self.app)
    }

    /// Selects the row of the focused list whose text holds `needle`.
    pub async fn find(&mut self, needle: &str) {
        self.press(&["/"]).await;
        self.typed(needle).await;
        self.press(&["enter"]).await;
    }

    /// The loaded users who hold neither the Agent nor the Supervisor role:
    /// the tenant refuses them an agent state.
    pub fn clerks(&self) -> Vec<User> {
        self.app.agents.rows().iter().filter(|u| role_fit(u.role_names()).is_err()).cloned().collect()
    }

    pub fn form_value(&self, field: usize) -> String {
        match self.app.overlays.last() {
            Some(Overlay::Form(form)) => form.fields[field].value(),
            other => panic!("expected a form, found {other:?}"),
        }
    }

    pub fn audit_outcomes(&self, action: &str) -> Vec<(String, String)> {
        self.rig
            .audit_records()
            .into_iter()
            .filter(|r| r.entry.action.as_deref() == Some(action))
            .filter_map(|r| {
                let outcome = serde_json::to_value(r.entry.outcome?).ok()?.as_str()?.to_string();
                Some((r.entry.target?.id, outcome))
            })
            .collect()
    }
}
