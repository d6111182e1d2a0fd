//! The binary: `cxone-console sandbox`, and the console refusing to start without a terminal.

mod common;

use common::{client, join, token_request};
use reqwest::StatusCode;
use std::collections::HashMap;
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader, Lines};
use tokio::process::{Child, ChildStdout, Command};
use url::Url;

/// Guards a test against a binary that never prints; not a timing assertion.
const PATIENCE: Duration = Duration::from_secs(60);

fn binary(args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_cxone-console"))
        .args(args)
        .env_remove("RUST_LOG")
        .env_remove("CXONE_SANDBOX_CLIENT_SECRET")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("the binary starts")
}

/// Reads lines until one starts with `last`, returning them all.
async fn read_until(lines: &mut Lines<BufReader<ChildStdout>>, last: &str) -> Vec<String> {
    let mut seen = Vec::new();
    let reading = async {
        while let Some(line) = lines.next_line().await.expect("stdout is readable") {
            let done = line.starts_with(last);
            seen.push(line);
            if done {
                return;
            }
        }
        panic!("stdout closed before a line starting with {last:?}: {seen:?}");
    };
    tokio::time::timeout(PATIENCE, reading).await.expect("the binary announces itself");
    seen
}

fn stdout_lines(child: &mut Child) -> Lines<BufReader<ChildStdout>> {
    BufReader::new(child.stdout.take().expect("stdout is piped")).lines()
}

async fn announced_sandbox(extra: &[&str]) -> (Child, HashMap<String, String>) {
    let mut args = vec!["sandbox", "--listen", "127.0.0.1:0", "--no-simulation"];
    args.extend_from_slice(extra);
    let mut child = binary(&args);
    let mut lines = stdout_lines(&mut child);
    let lines = read_until(&mut lines, "webhook_secret=").await;
    let values = lines
        .iter()
        .map(|line| line.split_once('=').expect("key=value lines"))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    (child, values)
}

#[tokio::test]
async fn sandbox_prints_how_to_reach_it_and_serves_with_those_credentials() {
    let (mut child, values) =
        announced_sandbox(&["--client-secret", "cli-test-secret", "--token-ttl", "120"]).await;
    let keys: Vec<&str> =
        ["base_url", "client_id", "client_secret", "webhook_sink", "webhook_secret"].to_vec();
    for key in &keys {
        assert!(values.contains_key(*key), "{key} printed: {values:?}");
    }
    assert_eq!(values["client_secret"], "cli-test-secret");
    assert!(values["webhook_secret"].starts_with("whsec_"));
    let base = Url::parse(&values["base_url"]).unwrap();
    assert_eq!(base.host_str(), Some("127.0.0.1"));
    assert_eq!(values["webhook_sink"], format!("{}sandbox/webhooks/default", base));

    let http = client();
    let form = [
        ("grant_type", "client_credentials"),
        ("client_id", values["client_id"].as_str()),
        ("client_secret", values["client_secret"].as_str()),
    ];
    let response = token_request(&http, &base, "/v1/oauth/token", &form).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.json::<serde_json::Value>().await.unwrap()["expires_in"], 120, "--token-ttl applies");
    let response = http.post(values["webhook_sink"].as_str()).body("{}").send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let stats = common::stats(&http, &base).await;
    assert_eq!(stats.tokens_issued, 1);
    child.kill().await.unwrap();
}

#[cfg(unix)]
#[tokio::test]
async fn sigterm_stops_the_sandbox_cleanly() {
    let (mut child, values) = announced_sandbox(&[]).await;
    let pid = child.id().expect("still running").to_string();
    let status = Command::new("kill").args(["-TERM", &pid]).status().await.expect("kill runs");
    assert!(status.success());
    let exit = tokio::time::timeout(PATIENCE, child.wait()).await.expect("it stops").unwrap();
    assert!(exit.success(), "clean exit on SIGTERM: {exit:?}");
    let base = Url::parse(&values["base_url"]).unwrap();
    assert!(client().get(join(&base, "/sandbox/stats")).send().await.is_err(), "no longer serving");
}

#[tokio::test]
async fn a_non_loopback_address_or_a_tenant_out_of_range_is_refused() {
    for (args, says) in [
        (&["sandbox", "--listen", "0.0.0.0:8080"][..], "loopback"),
        (&["sandbox", "--agents", "100001"][..], "100001 is out of range; use 1 to 100000"),
        // The same ranges as the profile's size table in config.toml.
        (&["sandbox", "--agents", "0"][..], "0 is out of range; use 1 to 100000"),
        (
            &["sandbox", "--campaigns", "3", "--contacts-per-campaign", "100000"][..],
            "3 campaigns of 100000 contacts is more than 100000 contacts in all",
        ),
        (&["sandbox", "--faults", "hurricane"][..], "hurricane"),
    ] {
        let output = binary(args).wait_with_output().await.unwrap();
        assert!(!output.status.success(), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(says), "{args:?}: {stderr}");
        assert!(output.stdout.is_empty(), "nothing announced");
    }
}

#[tokio::test]
async fn the_console_without_a_terminal_says_what_to_use_instead() {
    let output = binary(&[]).wait_with_output().await.unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("the console needs a terminal"), "{stderr}");
    assert!(stderr.contains("cxone-console apply"), "{stderr}");
}
