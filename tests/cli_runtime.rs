//! What a run is built from its configuration: the embedded sandbox or a
//! tenant, the signed-in client, the engine with its logs under the home,
//! and the log file.

mod cli_support;

use cli_support::{CLIENT_SECRET, Home, WEBHOOK_SECRET, secrets, tenant_config, test_tenant};
use cxone_console::config::{Config, Environment, Paths};
use cxone_console::engine::{Event, Link, Snapshot};
use cxone_console::runtime::{Location, Options, Runtime, log_to_file};
use std::time::Duration;

fn load(home: &Home, vars: &[(&str, &str)]) -> Config {
    let env = Environment::fixed(vars.iter().copied().chain([("USER", "jdoe")]));
    Config::load(&Paths::under(home.path()), &env).expect("the configuration loads").config
}

async fn until<T>(runtime: &mut Runtime, mut pick: impl FnMut(&Event) -> Option<T>) -> T {
    let waiting = async {
        loop {
            let event = runtime.events().recv().await.expect("the engine is running");
            if let Some(found) = pick(&event) {
                return found;
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(60), waiting).await.expect("the event arrives")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_nothing_configured_the_embedded_sandbox_is_the_tenant() {
    let home = Home::new();
    let config = load(&home, &[]);
    let mut runtime = Runtime::start(&config).await.expect("the runtime starts");
    let profile = runtime.profile().clone();
    assert_eq!(
        (profile.name.as_str(), profile.place(), profile.operator.as_str()),
        ("sandbox", "SANDBOX".into(), "jdoe")
    );
    let sandbox = runtime.sandbox().expect("the sandbox runs in-process");
    assert_eq!(profile.location, Location::Sandbox(sandbox.base_url()));
    assert_eq!(profile.to_string(), "sandbox · SANDBOX · jdoe");
    let at = sandbox.base_url().authority().to_string();
    assert!(at.starts_with("127.0.0.1:"), "{at}");
    assert_eq!(
        profile.header(),
        format!("sandbox · embedded at {at}"),
        "the header gives this run's address"
    );

    let settings = runtime.tenant().engine_config(&config, Options::console()).unwrap();
    for target in ["disposition", "crm", "wfm"] {
        assert_eq!(settings.webhook_targets[target], sandbox.sink_url(target), "{target} goes to the sink");
    }
    assert_eq!(settings.audit_path, home.audit_log());
    assert_eq!(settings.operator, "jdoe");

    until(&mut runtime, |e| matches!(e, Event::Connection(c) if c.link == Link::Up).then_some(())).await;
    let agents = until(&mut runtime, |e| match e {
        Event::Snapshot(Snapshot::Agents(table)) => Some(table.rows.len()),
        _ => None,
    })
    .await;
    assert!(agents >= 200, "the console's snapshots flow: {agents} agents");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(home.path().join("data")).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700, "the audit log's directory is the operator's alone");
    }
    runtime.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tenant_profile_signs_in_with_its_secret_and_a_headless_run_reads_no_snapshots() {
    let tenant = test_tenant().await;
    let home = Home::new();
    home.write_config(&tenant_config(&tenant));
    let config = load(&home, &secrets());
    let runtime = Runtime::start_with(&config, Options::headless()).await.expect("the runtime starts");
    assert!(runtime.sandbox().is_none(), "no sandbox for a tenant profile");
    assert_eq!(runtime.profile().place(), tenant.base_url().as_str().trim_end_matches('/'));
    assert!(runtime.profile().header().ends_with(&format!(" · {}", runtime.profile().place())));
    let settings = runtime.tenant().engine_config(&config, Options::headless()).unwrap();
    assert_eq!(settings.refresh_every, Duration::ZERO);
    assert_eq!(settings.webhook_targets["crm"], tenant.sink_url("crm"));

    let reasons = runtime.tenant().client().pause_reasons().await.expect("signed in with the env secret");
    assert!(reasons.value.contains("Queue Full"));
    let requests = tenant.stats().requests;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(tenant.stats().requests, requests, "nothing reads the tenant by itself");
    runtime.shutdown().await;

    let wrong = load(
        &home,
        &[("CXONE_TEST_CLIENT_SECRET", "not-the-secret"), ("CXONE_TEST_WEBHOOK_SECRET", WEBHOOK_SECRET)],
    );
    let runtime = Runtime::start_with(&wrong, Options::headless()).await.expect("nothing is sent at start");
    let refused = runtime.tenant().client().pause_reasons().await.expect_err("the tenant refuses");
    assert!(refused.to_string().contains("refused to issue an access token"), "{refused}");
    assert!(!refused.to_string().contains(CLIENT_SECRET) && !refused.to_string().contains("not-the-secret"));
    runtime.shutdown().await;
    tenant.shutdown().await;
}

#[tokio::test]
async fn the_log_goes_to_a_file_in_the_state_directory() {
    let home = Home::new();
    let log = log_to_file(&Paths::under(home.path()), &Environment::fixed([("RUST_LOG", "")]))
        .expect("logging starts");
    assert_eq!(log.path(), home.log_file());
    tracing::info!(target: "cxone_console::runtime", "a line for the log file");
    tracing::debug!(target: "cxone_console::runtime", "below the default level");
    tracing::info!("another crate's news, below its default level");
    drop(log);
    let text = std::fs::read_to_string(home.log_file()).unwrap();
    assert!(text.contains("a line for the log file"), "{text}");
    assert!(!text.contains("below the default level") && !text.contains("another crate"), "{text}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(home.log_file()).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the log is its owner's alone, as the audit log is");
    }
}
