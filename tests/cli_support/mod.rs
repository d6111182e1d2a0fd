//! Running the built binary against a temporary `CXONE_CONSOLE_HOME`, and
//! a sandbox in the test's process configured as a tenant profile, so that
//! its counters and sink can be read while the binary talks to it.

#![allow(dead_code)] // each test file uses its own subset

use cxone_console::api::model::{ListQuery, UserFilter};
use cxone_console::api::{Client, ClientConfig};
use cxone_console::sandbox::{Resource, Sandbox, SandboxConfig};
use secrecy::SecretString;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

/// The client secret the test tenant accepts.
pub const CLIENT_SECRET: &str = "cli-test-client-secret-7f3a9c";
/// The webhook signing secret (`whsec_` + base64 of "cli-test-webhook-signing-key!").
pub const WEBHOOK_SECRET: &str = "whsec_Y2xpLXRlc3Qtd2ViaG9vay1zaWduaW5nLWtleSE=";
pub const CLIENT_SECRET_ENV: &str = "CXONE_TEST_CLIENT_SECRET";
pub const WEBHOOK_SECRET_ENV: &str = "CXONE_TEST_WEBHOOK_SECRET";

/// Guards a test against a binary that hangs; not a timing assertion.
const PATIENCE: Duration = Duration::from_secs(120);

/// A temporary home for one test.
pub struct Home {
    dir: tempfile::TempDir,
}

/// What a run of the binary left.
#[derive(Debug)]
pub struct Ran {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Ran {
    /// The JSON report `apply` prints on stdout.
    pub fn report(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!("stdout is not a JSON report ({e}):\n{}\n{}", self.stdout, self.stderr)
        })
    }
}

impl Home {
    pub fn new() -> Self {
        Self { dir: tempfile::tempdir().expect("a temporary directory") }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn config_file(&self) -> PathBuf {
        self.path().join("config").join("config.toml")
    }

    pub fn write_config(&self, text: &str) {
        std::fs::create_dir_all(self.path().join("config")).unwrap();
        std::fs::write(self.config_file(), text).unwrap();
    }

    pub fn audit_log(&self) -> PathBuf {
        self.path().join("data").join("audit.jsonl")
    }

    pub fn outbox(&self) -> PathBuf {
        self.path().join("data").join("outbox").join("outbox.jsonl")
    }

    pub fn log_file(&self) -> PathBuf {
        self.path().join("state").join("logs").join("cxone-console.log")
    }

    /// Every record of the audit log; none when there is no log.
    pub fn audit_records(&self) -> Vec<Value> {
        let text = std::fs::read_to_string(self.audit_log()).unwrap_or_default();
        text.lines().map(|line| serde_json::from_str(line).expect("audit lines are JSON")).collect()
    }

    /// The binary with this home and `env` (and no other secrets, no
    /// `RUST_LOG` of the caller's), set up to run `args`, killed if dropped:
    /// every test starts it this way, setting only where its output goes.
    pub fn command(&self, args: &[&str], env: &[(&str, &str)]) -> tokio::process::Command {
        let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_cxone-console"));
        command
            .args(args)
            .env("CXONE_CONSOLE_HOME", self.path())
            .env("USER", "cli-tester")
            .env_remove("RUST_LOG")
            .env_remove("CXONE_SANDBOX_CLIENT_SECRET")
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .kill_on_drop(true);
        command
    }

    /// Starts the binary with this home and `env`, its stdout and stderr
    /// piped, for a test that signals it while it runs.
    pub fn spawn(&self, args: &[&str], env: &[(&str, &str)]) -> tokio::process::Child {
        self.command(args, env)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary runs")
    }

    /// Runs the binary with this home and `env` (and no other secrets).
    pub async fn run(&self, args: &[&str], env: &[(&str, &str)]) -> Ran {
        let mut command = self.command(args, env);
        let output = tokio::time::timeout(PATIENCE, command.output())
            .await
            .unwrap_or_else(|_| panic!("cxone-console {args:?} did not finish"))
            .expect("the binary runs");
        Ran {
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

/// A shipped example file.
pub fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("assets").join("examples").join(name)
}

/// Every shipped example file.
pub fn examples() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets").join("examples");
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(dir).unwrap().map(|entry| entry.unwrap().path()).filter(|p| p.is_file()).collect();
    files.sort();
    files
}

/// A still sandbox that accepts [`CLIENT_SECRET`] and verifies webhooks
/// signed with [`WEBHOOK_SECRET`].
pub async fn test_tenant() -> Sandbox {
    test_tenant_with(|_| {}).await
}

/// [`test_tenant`], the rest of its settings as `adjust` leaves them.
pub async fn test_tenant_with(adjust: impl FnOnce(&mut SandboxConfig)) -> Sandbox {
    let mut config = SandboxConfig {
        client_secret: SecretString::from(CLIENT_SECRET),
        sink_secret: SecretString::from(WEBHOOK_SECRET),
        ..SandboxConfig::quiet()
    };
    adjust(&mut config);
    Sandbox::start(config).await.expect("the sandbox starts on a free loopback port")
}

/// A test tenant, and a home whose active profile is that tenant.
pub async fn tenant_home() -> (Sandbox, Home) {
    let tenant = test_tenant().await;
    let home = Home::new();
    home.write_config(&tenant_config(&tenant));
    (tenant, home)
}

/// config.toml making `tenant` the active profile `lab`, secrets from the
/// environment, webhooks to its sink.
pub fn tenant_config(tenant: &Sandbox) -> String {
    let base = tenant.base_url().as_str().trim_end_matches('/').to_string();
    format!(
        r#"profile = "lab"

[profiles.lab]
kind = "tenant"
base_url = "{base}"
client_id = "{client_id}"
client_secret_env = "{CLIENT_SECRET_ENV}"

[webhooks]
secret_env = "{WEBHOOK_SECRET_ENV}"
disposition = "{base}/sandbox/webhooks/disposition"
crm = "{base}/sandbox/webhooks/crm"
wfm = "{base}/sandbox/webhooks/wfm"
"#,
        client_id = tenant.client_id(),
    )
}

/// The environment [`tenant_config`] reads its secrets from.
pub fn secrets() -> [(&'static str, &'static str); 2] {
    [(CLIENT_SECRET_ENV, CLIENT_SECRET), (WEBHOOK_SECRET_ENV, WEBHOOK_SECRET)]
}

/// The outcomes of a report's lines, in order.
pub fn outcomes(report: &Value) -> Vec<String> {
    report["lines"]
        .as_array()
        .expect("a report lists its lines")
        .iter()
        .map(|line| line["outcome"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// Writes `text` to a file `name` in the home.
pub fn write(home: &Home, name: &str, text: &str) -> PathBuf {
    let path = home.path().join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// Every write the tenant took, of any resource.
pub fn writes(tenant: &Sandbox) -> u64 {
    let stats = tenant.stats();
    Resource::ALL.iter().map(|r| stats.writes_of(*r)).sum()
}

/// A user who holds neither the Agent nor the Supervisor role.
pub async fn user_without_a_desk(tenant: &Sandbox) -> String {
    desk_less(tenant).await.id.as_str().to_string()
}

pub async fn desk_less(tenant: &Sandbox) -> cxone_console::api::model::User {
    let client =
        Client::new(ClientConfig::new(tenant.base_url(), tenant.client_id(), tenant.client_secret().clone()))
            .unwrap();
    let page = client.users(&ListQuery::<UserFilter>::new().top(1000)).await.unwrap().value;
    page.items
        .into_iter()
        .find(|u| !u.role_names().any(|r| r == "Agent" || r == "Supervisor"))
        .expect("the seed has users with other roles only")
}
