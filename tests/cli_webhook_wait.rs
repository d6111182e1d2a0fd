//! The end of `apply`: it waits a while for its webhooks to be delivered,
//! and Ctrl-C ends that wait at once, the webhooks kept in the outbox.

mod cli_support;
#[path = "closed_port/mod.rs"]
mod closed_port;

use cli_support::{Home, example, secrets, tenant_config, test_tenant};
use closed_port::nowhere;
use serde_json::Value;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};

#[tokio::test]
async fn ctrl_c_while_webhooks_are_awaited_ends_the_wait_and_keeps_them() {
    let tenant = test_tenant().await;
    let home = Home::new();
    let config = tenant_config(&tenant);
    let wfm = config.lines().find(|l| l.starts_with("wfm = ")).expect("a wfm target").to_string();
    home.write_config(&config.replace(&wfm, &format!("wfm = \"{}\"", nowhere("/wfm"))));
    let file = example("agent-status.csv");
    let mut child = home.spawn(&["apply", "--file", file.to_str().unwrap()], &secrets());
    let mut stderr = BufReader::new(child.stderr.take().expect("stderr")).lines();
    let mut said = Vec::new();
    let waiting = tokio::time::timeout(Duration::from_secs(60), async {
        while let Some(line) = stderr.next_line().await.expect("stderr reads") {
            let waits = line.contains("more webhook(s) to be delivered");
            said.push(line);
            if waits {
                return true;
            }
        }
        false
    })
    .await
    .expect("the run gets to its webhooks");
    assert!(waiting, "the run waits for its webhooks: {said:?}");

    let pid = child.id().expect("the run is alive").to_string();
    let signalled = std::process::Command::new("kill").args(["-INT", &pid]).status().expect("kill runs");
    assert!(signalled.success());
    let mut stdout = String::new();
    let mut out = child.stdout.take().expect("stdout");
    // The test's own guard against a hang; the wait it ends would last 30 s.
    let status = tokio::time::timeout(Duration::from_secs(20), async {
        out.read_to_string(&mut stdout).await.expect("stdout reads");
        while let Some(line) = stderr.next_line().await.expect("stderr reads") {
            said.push(line);
        }
        child.wait().await.expect("the run ends")
    })
    .await
    .expect("Ctrl-C ends the wait for webhooks");

    assert!(said.iter().any(|l| l.contains("stopped waiting")), "{said:?}");
    let report: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}\n{said:?}"));
    assert_eq!(report["totals"]["applied"], report["totals"]["lines"], "every change was made: {stdout}");
    let kept = report["webhooks"]["waiting"].as_u64().unwrap_or_default();
    assert!(kept > 0, "the undelivered webhooks are kept for the next run: {stdout}");
    let outbox = std::fs::read_to_string(home.outbox()).expect("the outbox");
    assert!(outbox.contains("agent_status_updated"), "{outbox}");
    assert_eq!(status.code(), Some(0), "the changes went through: {said:?}");
    tenant.shutdown().await;
}

/// Stopped mid-run, the report still says where each applied change's
/// webhook stands: delivered or waiting, as the outbox holds them once the
/// run is over, not as last heard while attempts were still in flight.
#[tokio::test]
async fn a_run_stopped_mid_way_reports_every_applied_changes_webhook() {
    use cxone_console::sandbox::tenant::Window;
    let tenant = test_tenant().await;
    let home = Home::new();
    home.write_config(&tenant_config(&tenant));
    let users = tenant.state().tenant.list_users(&Window { top: 1_000, ..Window::default() }, None).items;
    let lines: String = users
        .iter()
        .map(|u| format!("{{\"op\":\"agent_status\",\"userId\":\"{}\",\"status\":\"Training\"}}\n", u.id))
        .collect();
    let file = cli_support::write(&home, "many.jsonl", &lines);
    let child = home.spawn(&["apply", "--file", file.to_str().unwrap()], &secrets());
    tokio::time::timeout(Duration::from_secs(60), async {
        while tenant.state().sink.deliveries("wfm").len() < 3 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await
    .expect("webhooks start arriving");
    let pid = child.id().expect("the run is alive").to_string();
    assert!(std::process::Command::new("kill").args(["-TERM", &pid]).status().expect("kill runs").success());
    let output = tokio::time::timeout(Duration::from_secs(60), child.wait_with_output())
        .await
        .expect("SIGTERM ends the run")
        .expect("the run ends");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let report: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    let applied = report["totals"]["applied"].as_u64().unwrap_or_default();
    let count = |field: &str| report["webhooks"][field].as_u64().unwrap_or_default();
    let outbox = std::fs::read_to_string(home.outbox()).unwrap_or_default();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        count("delivered") + count("waiting") + count("failed"),
        applied,
        "{stdout}\n{outbox}\n{stderr}"
    );
    let received: std::collections::HashSet<String> =
        tenant.state().sink.deliveries("wfm").into_iter().filter_map(|d| d.webhook_id).collect();
    // An attempt cut short by the stop may have reached the receiver before
    // its delivery was recorded: it waits, to be sent again with its id.
    let heard = received.len() as u64;
    assert!(
        (count("delivered")..=count("delivered") + count("waiting")).contains(&heard),
        "the receiver heard {heard}: {stdout}"
    );
    tenant.shutdown().await;
}

/// A second SIGTERM (or Ctrl-C) stops a run at once, though its changes in
/// flight are slow to answer: they are left as a crash leaves them, and the
/// next start reads them back.
#[tokio::test]
async fn a_second_stop_ends_the_run_at_once_and_the_next_start_reads_back_what_was_in_flight() {
    use cxone_console::sandbox::{FaultProfile, FaultRates};
    let tenant = test_tenant().await;
    let slow = FaultRates {
        latency_median_ms: 6_000.0,
        latency_p99_ms: 6_000.0,
        ..FaultRates::from(FaultProfile::None)
    };
    let home = Home::new();
    home.write_config(&tenant_config(&tenant));
    let line = "{\"op\":\"agent_status\",\"userId\":\"12345-abcde-67890\",\"status\":\"Training\"}\n";
    let file = cli_support::write(&home, "one.jsonl", line);
    tenant.state().faults.set(slow).expect("valid fault rates");
    let mut child = home.spawn(&["apply", "--file", file.to_str().unwrap()], &secrets());
    // Read as it comes, so the second stop goes only once the first was heard.
    let stderr = child.stderr.take().expect("stderr is piped");
    let heard = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let reader = tokio::spawn({
        let heard = std::sync::Arc::clone(&heard);
        async move {
            use tokio::io::AsyncReadExt;
            let (mut stderr, mut chunk) = (stderr, [0u8; 4096]);
            while let Ok(n @ 1..) = stderr.read(&mut chunk).await {
                heard.lock().unwrap().push_str(&String::from_utf8_lossy(&chunk[..n]));
            }
        }
    });
    // Changes are in flight once their intents are in the audit log.
    tokio::time::timeout(Duration::from_secs(60), async {
        while !std::fs::read_to_string(home.audit_log()).unwrap_or_default().contains("\"kind\":\"intent\"") {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("changes go out");
    let pid = child.id().expect("the run is alive").to_string();
    let term = || {
        assert!(
            std::process::Command::new("kill").args(["-TERM", &pid]).status().expect("kill runs").success()
        )
    };
    term();
    tokio::time::timeout(Duration::from_secs(30), async {
        while !heard.lock().unwrap().contains("stopping:") {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("the first stop is heard");
    term();
    // Before the slow answer comes: had the run waited for it, it would have
    // ended as done (exit 0), not stopped.
    let status = tokio::time::timeout(Duration::from_secs(30), child.wait())
        .await
        .expect("the second stop ends the run at once")
        .expect("the run ends");
    reader.await.expect("stderr read to its end");
    let stderr = heard.lock().unwrap().clone();
    assert_eq!(status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("stopped at once"), "{stderr}");

    tenant.state().faults.set(FaultRates::from(FaultProfile::None)).expect("valid fault rates");
    let next = home.run(&["apply", "--file", file.to_str().unwrap()], &secrets()).await;
    assert!(
        next.stderr.contains("were read back"),
        "the next start reads back what was in flight: {}",
        next.stderr
    );
    tenant.shutdown().await;
}
