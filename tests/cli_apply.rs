//! `cxone-console apply`: files refused whole, dry runs that only read,
//! and secrets that stay out of every output.

mod cli_support;

use cli_support::{Home, example, examples, outcomes, secrets, tenant_config, test_tenant};
use cxone_console::api::model::{ListQuery, UserFilter};
use cxone_console::api::{Client, ClientConfig};
use cxone_console::domain::contact_disposition::DialerState;
use cxone_console::sandbox::{Resource, Sandbox};
use serde_json::Value;
use std::path::PathBuf;
use std::time::Duration;

const CAMPAIGN: &str = "a1b2c3d4-e5f6-7890-g1h2-i3j4k5l6m7n8";
const PINNED_USER: &str = "12345-abcde-67890";
/// Document 001's agent, whom the sandbox always seeds.
const OUTBOUND_AGENT: &str = "agent-uuid-1234567890abcdef";

fn write(home: &Home, name: &str, text: &str) -> PathBuf {
    let path = home.path().join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn errors(report: &Value) -> Vec<(u64, String, String)> {
    report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let text = |k: &str| e[k].as_str().unwrap_or_default().to_string();
            (e["line"].as_u64().unwrap(), text("field"), text("rule"))
        })
        .collect()
}

fn writes(tenant: &Sandbox) -> u64 {
    let stats = tenant.stats();
    Resource::ALL.iter().map(|r| stats.writes_of(*r)).sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_with_bad_lines_sends_nothing_and_names_each_line_field_and_rule() {
    let home = Home::new();
    let file = write(
        &home,
        "changes.jsonl",
        &format!(
            "{{\"op\":\"agent_status\",\"userId\":\"{PINNED_USER}\",\"status\":\"Busy\"}}\n\
             # the next line's code breaks ^[A-Z_]{{3,20}}$\n\
             {{\"op\":\"contact_disposition\",\"campaignId\":\"{CAMPAIGN}\",\"contactId\":\"contact-uuid-111111111111\",\"outcomeCode\":\"sold\",\"agentId\":\"a-1\"}}\n\
             {{\"op\":\"agent_status\",\"userId\":\"{PINNED_USER}\",\"status\":\"Break\"}}\n"
        ),
    );
    let ran = home.run(&["apply", "--file", file.to_str().unwrap()], &[]).await;
    assert_eq!(ran.code, Some(2), "{}", ran.stderr);
    let report = ran.report();
    assert_eq!(report["sent"], false);
    let found = errors(&report);
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!((found[0].0, found[0].1.as_str()), (3, "outcomeCode"));
    assert!(found[0].2.contains("^[A-Z_]{3,20}$"), "{found:?}");
    assert_eq!(found[1], (4, "pauseReason".into(), "a Break needs a pause reason".into()));
    assert!(ran.stderr.contains("line 3: outcomeCode:"), "{}", ran.stderr);
    assert!(ran.stderr.contains("nothing was sent"), "{}", ran.stderr);
    assert!(!home.audit_log().exists(), "the engine never started, so nothing could be sent");

    let csv = write(
        &home,
        "agents.csv",
        "op,userId,status\nagent_status,12345-abcde-67890,Busy\nagent_status,,Busy\n",
    );
    let ran = home.run(&["apply", "--file", csv.to_str().unwrap(), "--dry-run"], &[]).await;
    assert_eq!(ran.code, Some(2));
    assert_eq!(errors(&ran.report()), [(3, "userId".into(), "is required".into())]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_tenants_rules_refuse_the_file_before_anything_is_sent() {
    let tenant = test_tenant().await;
    let clerk = user_without_a_desk(&tenant).await;
    let home = Home::new();
    home.write_config(&tenant_config(&tenant));
    let file = write(
        &home,
        "changes.jsonl",
        &format!(
            "{{\"op\":\"agent_status\",\"userId\":\"{PINNED_USER}\",\"status\":\"Busy\"}}\n\
             {{\"op\":\"interaction_disposition\",\"interaction_id\":\"a1b2c3d4-e5f6-7890-abcd-ef1234567890\",\"code\":\"999\",\"description\":\"Made up\",\"agent_id\":\"a-1\"}}\n\
             {{\"op\":\"contact_disposition\",\"campaignId\":\"no-such-campaign\",\"contactId\":\"c-1\",\"outcomeCode\":\"BUSY\",\"agentId\":\"a-1\"}}\n\
             {{\"op\":\"contact_disposition\",\"campaignId\":\"{CAMPAIGN}\",\"contactId\":\"contact-uuid-111111111111\",\"outcomeCode\":\"BUSY\",\"agentId\":\"a-1\"}}\n\
             {{\"op\":\"contact_disposition\",\"campaignId\":\"{CAMPAIGN}\",\"contactId\":\"contact-uuid-222222222222\",\"outcomeCode\":\"BUSY\",\"agentId\":\"{clerk}\"}}\n\
             {{\"op\":\"agent_status\",\"userId\":\"{PINNED_USER}\",\"status\":\"Break\",\"pauseReason\":\"Nap\"}}\n\
             {{\"op\":\"data_action.deprecate\",\"name\":\"NoSuchAction\"}}\n\
             {{\"op\":\"interaction_disposition\",\"interaction_id\":\"a1b2c3d4-e5f6-7890-abcd-ef1234567890\",\"code\":\"101\",\"description\":\"Issue Resolved\",\"agent_id\":\"a-1\"}}\n\
             {{\"op\":\"interaction_disposition\",\"interaction_id\":\"a1b2c3d4-e5f6-7890-abcd-ef1234567890\",\"code\":\"101\",\"description\":\"Issue Resolved\",\"agent_id\":\"{clerk}\"}}\n"
        ),
    );
    let ran = home.run(&["apply", "--file", file.to_str().unwrap()], &secrets()).await;
    assert_eq!(ran.code, Some(2), "{}", ran.stderr);
    let found = errors(&ran.report());
    let at: Vec<(u64, &str)> = found.iter().map(|(line, field, _)| (*line, field.as_str())).collect();
    assert_eq!(
        at,
        [
            (2, "code"),
            (3, "campaignId"),
            (4, "agentId"),
            (5, "agentId"),
            (6, "pauseReason"),
            (7, "name"),
            (8, "agent_id"),
            (9, "agent_id")
        ],
        "{found:?}"
    );
    assert!(found[0].2.contains("999 is not in the tenant's disposition matrix"), "{found:?}");
    assert!(found[2].2.contains("agent a-1 does not exist on the tenant"), "{found:?}");
    assert!(found[3].2.contains(&format!("user {clerk} is not an agent")), "{found:?}");
    assert!(found[4].2.contains("not one of the tenant's pause reasons"), "{found:?}");
    assert!(found[6].2.contains("agent a-1 does not exist on the tenant"), "{found:?}");
    assert!(found[7].2.contains(&format!("user {clerk} is not an agent")), "{found:?}");
    assert_eq!(writes(&tenant), 0, "the tenant saw no write");
    assert!(tenant.stats().requests > 0, "its rules were read");
    assert!(!home.audit_log().exists());
    tenant.shutdown().await;
}

/// A user who holds neither the Agent nor the Supervisor role.
async fn user_without_a_desk(tenant: &Sandbox) -> String {
    desk_less(tenant).await.id.as_str().to_string()
}

async fn desk_less(tenant: &Sandbox) -> cxone_console::api::model::User {
    let client =
        Client::new(ClientConfig::new(tenant.base_url(), tenant.client_id(), tenant.client_secret().clone()))
            .unwrap();
    let page = client.users(&ListQuery::<UserFilter>::new().top(1000)).await.unwrap().value;
    page.items
        .into_iter()
        .find(|u| !u.role_names().any(|r| r == "Agent" || r == "Supervisor"))
        .expect("the seed has users with other roles only")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dry_run_holds_each_line_to_its_target_and_writes_nothing() {
    let tenant = test_tenant().await;
    let hooks = &tenant.state().tenant;
    hooks.set_contact_state(CAMPAIGN, "contact-uuid-222222222222", DialerState::Dialing).unwrap();
    hooks.start_wrap_up(PINNED_USER, Duration::from_secs(600)).unwrap();
    let desk_less = desk_less(&tenant).await;
    let clerk = desk_less.id.as_str();
    let home = Home::new();
    home.write_config(&tenant_config(&tenant));
    let contact = |id: &str, code: &str| {
        format!(
            "{{\"op\":\"contact_disposition\",\"campaignId\":\"{CAMPAIGN}\",\"contactId\":\"contact-uuid-{id}\",\"outcomeCode\":\"{code}\",\"agentId\":\"{OUTBOUND_AGENT}\"}}"
        )
    };
    let lines = [
        format!("{{\"op\":\"agent_status\",\"userId\":\"{PINNED_USER}\",\"status\":\"Busy\"}}"),
        format!("{{\"op\":\"agent_status\",\"userId\":\"{PINNED_USER}\",\"status\":\"Busy\",\"respectWrapUp\":false}}"),
        format!("{{\"op\":\"agent_status\",\"userId\":\"{clerk}\",\"status\":\"Busy\"}}"),
        contact("111111111111", "INTERESTED"),
        contact("222222222222", "INTERESTED"),
        contact("111111111111", "BUSY"),
        contact("333333333333", "NOT_INTERESTED"),
        "{\"op\":\"interaction_disposition\",\"interaction_id\":\"8f7a9b2c-1d3e-4f5a-9c8b-7e6d5f4a3b2c\",\"code\":\"101\",\"description\":\"Issue Resolved\",\"agent_id\":\"agent_xyz_123\"}".into(),
        "{\"op\":\"interaction_disposition\",\"interaction_id\":\"a1b2c3d4-e5f6-7890-abcd-ef1234567890\",\"code\":\"101\",\"description\":\"Issue Resolved\",\"agent_id\":\"agent_xyz_123\"}".into(),
        "{\"op\":\"attributes\",\"interaction_id\":\"8f7a9b2c-1d3e-4f5a-9c8b-7e6d5f4a3b2c\",\"key\":\"customer_segment\",\"value\":\"enterprise\"}".into(),
        "{\"op\":\"data_action.new_version\",\"name\":\"VipLookup\",\"version\":\"2.0.0\"}".into(),
    ];
    let file = write(&home, "changes.jsonl", &lines.join("\n"));
    let before = tenant.stats().requests;
    let ran = home.run(&["apply", "--dry-run", "--file", file.to_str().unwrap()], &secrets()).await;
    assert_eq!(ran.code, Some(1), "some lines would not go through: {}", ran.stderr);
    let report = ran.report();
    assert_eq!((report["dryRun"].as_bool(), report["sent"].as_bool()), (Some(true), Some(false)));
    assert_eq!(
        outcomes(&report),
        [
            "would_conflict", // in wrap-up, and the change respects it
            "would_apply",
            "would_reject", // no agent desk
            "would_apply",
            "would_skip",   // the dialer holds it
            "would_skip",   // already in this file
            "would_skip",   // already has this outcome
            "would_reject", // still open
            "would_apply",
            "would_apply",
            "would_reject", // not a newer version
        ]
    );
    let line = |n: usize| &report["lines"][n];
    assert_eq!(line(0)["before"]["status"], "Available");
    assert_eq!(line(1)["after"]["status"], "Busy");
    let named = format!(
        "user {} ({clerk}) holds neither the Agent nor the Supervisor role",
        desk_less.display_name()
    );
    assert!(line(2)["reason"].as_str().unwrap().starts_with(&named), "said as the run says it: {}", line(2));
    assert_eq!(
        (line(3)["before"]["outcomeCode"].as_str(), line(3)["after"]["outcomeCode"].as_str()),
        (Some("NO_ANSWER"), Some("INTERESTED"))
    );
    assert_eq!(line(4)["key"], "dialer_state");
    assert_eq!(line(5)["key"], "duplicate");
    assert_eq!(line(6)["key"], "unchanged");
    let open = line(7)["reason"].as_str().unwrap();
    assert!(open.starts_with("interaction with ") && open.contains("only a closed interaction"), "{open}");
    assert_eq!(line(9)["before"]["customer_segment"], "smb");
    assert_eq!(line(9)["after"]["customer_segment"], "enterprise");
    assert!(
        line(10)["reason"].as_str().unwrap().contains("greater than the current version 2.0.1"),
        "{}",
        line(10)
    );
    assert_eq!(report["totals"]["would_apply"], 4);

    assert!(tenant.stats().requests > before, "targets were read");
    assert_eq!(writes(&tenant), 0, "and nothing was written");
    assert!(home.audit_records().iter().all(|r| r["kind"] != "intent"), "no intent was recorded");
    tenant.shutdown().await;
}

/// A closed interaction of document 000 the sandbox seeds.
const CLOSED_INTERACTION: &str = "a1b2c3d4-e5f6-7890-abcd-ef1234567890";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dry_run_says_what_the_run_then_does_when_lines_share_a_target() {
    let tenant = test_tenant().await;
    let home = Home::new();
    home.write_config(&tenant_config(&tenant));
    let status = |status: &str, reason: &str| {
        format!(
            "{{\"op\":\"agent_status\",\"userId\":\"{PINNED_USER}\",\"status\":\"{status}\",\"pauseReason\":\"{reason}\"}}"
        )
    };
    let disposition = format!(
        "{{\"op\":\"interaction_disposition\",\"interaction_id\":\"{CLOSED_INTERACTION}\",\"code\":\"101\",\"description\":\"Issue Resolved\",\"agent_id\":\"agent_xyz_123\"}}"
    );
    let attribute = |value: &str, mode: &str| {
        format!(
            "{{\"op\":\"attributes\",\"interaction_id\":\"{CLOSED_INTERACTION}\",\"key\":\"tier\",\"value\":\"{value}\",\"mode\":\"{mode}\"}}"
        )
    };
    let version = "{\"op\":\"data_action.new_version\",\"name\":\"VipLookup\",\"version\":\"2.1.0\"}";
    let schemas = example("../data-actions");
    let deploy = |name: &str| {
        format!(
            "{{\"op\":\"data_action.deploy\",\"name\":\"{name}\",\"version\":\"1.0.0\",\"inputSchema\":{:?},\"outputSchema\":{:?},\"handlerUrl\":\"https://handlers.sandbox.invalid/night\"}}",
            schemas.join("input.schema.json"),
            schemas.join("output.schema.json")
        )
    };
    let deprecate = "{\"op\":\"data_action.deprecate\",\"name\":\"VipLookup\"}";
    let lines = [
        status("Available", ""),
        status("Break", "Queue Full"),
        status("Break", "Queue Full"),
        status("Available", ""),
        disposition.clone(),
        disposition,
        attribute("gold", "ADD"),
        attribute("silver", "ADD"),
        attribute("gold", "DELETE"),
        version.into(),
        version.into(),
        deprecate.into(),
        deprecate.into(),
        deploy("NightRouting"),
        deploy("nightrouting"),
    ];
    let file = write(&home, "twice.jsonl", &lines.join("\n"));
    let path = file.to_str().unwrap();

    let dry = home.run(&["apply", "--dry-run", "--file", path], &secrets()).await;
    assert_eq!(dry.code, Some(1), "one line would not go through: {}", dry.stderr);
    let dry = dry.report();
    let predicted = outcomes(&dry);
    assert_eq!(
        predicted,
        [
            "would_skip",  // already Available
            "would_apply", // Available → Break
            "would_skip",  // on Break, as the line before leaves the agent
            "would_apply", // Break → Available
            "would_apply",
            "would_skip", // the line before set exactly this
            "would_apply",
            "would_conflict", // the line before adds it with another value
            "would_apply",    // deletes what two lines before add
            "would_apply",
            "would_skip", // the line before publishes 2.1.0
            "would_apply",
            "would_skip", // the line before deprecates it
            "would_apply",
            "would_apply", // a second action of that name
        ]
    );
    let line = |n: usize| &dry["lines"][n];
    assert_eq!(line(0)["key"], "unchanged");
    assert!(line(0)["reason"].as_str().unwrap().contains("is already Available"), "{}", line(0));
    assert_eq!(
        (line(3)["before"]["status"].as_str(), line(3)["after"]["status"].as_str()),
        (Some("Break"), Some("Available"))
    );
    assert!(line(5)["reason"].as_str().unwrap().contains("already has disposition 101"), "{}", line(5));
    let conflict = line(7)["reason"].as_str().unwrap();
    assert!(conflict.contains("attributes[0].key") && conflict.contains("use UPDATE"), "{conflict}");
    assert_eq!(line(8)["before"]["tier"], "gold");
    assert!(line(8)["after"].get("tier").is_none(), "{}", line(8));
    assert!(line(10)["reason"].as_str().unwrap().contains("already at version 2.1.0"), "{}", line(10));
    assert_eq!(line(13)["reason"], "would create a new data action");
    let second = line(14)["reason"].as_str().unwrap();
    assert!(second.contains("beside the 1 already named nightrouting"), "{second}");
    assert_eq!(writes(&tenant), 0, "a dry run writes nothing");

    let ran = home.run(&["apply", "--file", path], &secrets()).await;
    assert_eq!(ran.code, Some(1), "{}", ran.stderr);
    let ran = ran.report();
    let said: Vec<&str> = predicted
        .iter()
        .map(|p| match p.as_str() {
            "would_apply" => "applied",
            "would_skip" => "skipped",
            "would_conflict" => "conflict",
            other => panic!("no line here should be {other}"),
        })
        .collect();
    assert_eq!(outcomes(&ran), said, "the run does what the dry run said");
    for n in 0..lines.len() {
        assert_eq!(ran["lines"][n]["key"], dry["lines"][n]["key"], "line {}: the same reason", n + 1);
    }
    tenant.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_example_parses_and_dry_runs_against_the_default_profile() {
    let files = examples();
    assert!(files.len() >= 6, "one file per operation and a mixed one: {files:?}");
    for file in files {
        let home = Home::new();
        let ran = home.run(&["apply", "--dry-run", "--file", file.to_str().unwrap()], &[]).await;
        assert_eq!(ran.code, Some(0), "{}: {}", file.display(), ran.stderr);
        let report = ran.report();
        let changes = std::fs::read_to_string(&file)
            .unwrap()
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#') && !l.starts_with("op,"))
            .count();
        assert_eq!(report["lines"].as_array().unwrap().len(), changes, "{}", file.display());
        for outcome in outcomes(&report) {
            assert!(outcome == "would_apply" || outcome == "would_skip", "{}: {outcome}", file.display());
        }
        assert!(!home.audit_log().exists(), "a dry run starts no engine");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_secrets_stay_out_of_every_output_log_and_file() {
    let tenant = test_tenant().await;
    let home = Home::new();
    home.write_config(&tenant_config(&tenant));
    let file = example("mixed.jsonl");
    let dry = home.run(&["apply", "--dry-run", "--file", file.to_str().unwrap()], &secrets()).await;
    let real = home.run(&["apply", "--file", file.to_str().unwrap()], &secrets()).await;
    assert_eq!(dry.code, Some(0), "{}", dry.stderr);
    assert!(real.code.is_some(), "{}", real.stderr);
    assert!(tenant.stats().tokens_issued >= 2, "both runs signed in with the secret");

    let log = std::fs::read_to_string(home.log_file()).expect("apply writes a log file");
    assert!(log.contains("apply"), "the log is not empty: {log}");
    let files = [home.audit_log(), home.outbox(), home.log_file()];
    let mut places: Vec<(String, String)> = files
        .iter()
        .map(|path| (path.display().to_string(), std::fs::read_to_string(path).unwrap_or_default()))
        .collect();
    for (name, ran) in [("dry run", &dry), ("run", &real)] {
        places.push((format!("{name} stdout"), ran.stdout.clone()));
        places.push((format!("{name} stderr"), ran.stderr.clone()));
    }
    for (place, text) in &places {
        for (_, secret) in secrets() {
            assert!(!text.contains(secret), "a secret appeared in {place}");
        }
        assert!(
            !text.contains("Y2xpLXRlc3Qtd2ViaG9vay1zaWduaW5nLWtleSE"),
            "the signing key appeared in {place}"
        );
    }
    tenant.shutdown().await;
}

/// The changes are made before the report is printed: a report that cannot
/// be written says so and where the outcomes are, rather than claiming the
/// run never happened.
#[tokio::test]
async fn a_report_that_cannot_be_printed_points_to_the_audit_log() {
    let home = Home::new();
    let full = std::fs::OpenOptions::new().write(true).open("/dev/full").expect("/dev/full");
    let file = example("agent-status.csv");
    let child = tokio::process::Command::new(env!("CARGO_BIN_EXE_cxone-console"))
        .args(["apply", "--file", file.to_str().unwrap()])
        .env("CXONE_CONSOLE_HOME", home.path())
        .env_remove("RUST_LOG")
        .stdin(std::process::Stdio::null())
        .stdout(full)
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("the binary runs");
    let output = tokio::time::timeout(Duration::from_secs(120), child.wait_with_output())
        .await
        .expect("apply ends")
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "not through, not refused: {stderr}");
    assert!(
        stderr.contains("the report could not be written to stdout (No space left on device"),
        "{stderr}"
    );
    assert!(stderr.contains("every outcome is in the audit log"), "{stderr}");
    let applied = home.audit_records().iter().filter(|r| r["outcome"] == "applied").count();
    assert!(applied > 0, "the changes were made and recorded");
}
