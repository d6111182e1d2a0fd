//! `cxone-console apply --dry-run`: every line held to its target as the
//! run would find it, nothing written, and the run then doing what the dry
//! run said.

mod cli_support;

use cli_support::{
    Home, desk_less, example, examples, outcomes, secrets, tenant_config, test_tenant, write, writes,
};
use cxone_console::domain::contact_disposition::DialerState;
use serde_json::json;
use std::time::Duration;

const CAMPAIGN: &str = "a1b2c3d4-e5f6-7890-g1h2-i3j4k5l6m7n8";
const PINNED_USER: &str = "12345-abcde-67890";
/// Document 001's agent, whom the sandbox always seeds.
const OUTBOUND_AGENT: &str = "agent-uuid-1234567890abcdef";

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
        // As the run has it (document 001), a line skipped leaves its contact
        // to the next line for it, which is checked on its own.
        contact("333333333333", "CALLBACK_LATER"),
        contact("222222222222", "BUSY"),
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
            "would_apply",  // the line before for it was skipped
            "would_skip",   // the dialer still holds it
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
    assert_eq!(
        (&line(11)["after"]["outcomeCode"], &line(12)["key"]),
        (&json!("CALLBACK_LATER"), &json!("dialer_state"))
    );
    assert_eq!(report["totals"]["would_apply"], 5);

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
    // A DELETE carries no value: it removes the key whatever it holds.
    let attribute = |value: &str, mode: &str| {
        let value = if mode == "DELETE" { String::new() } else { format!(",\"value\":\"{value}\"") };
        format!(
            "{{\"op\":\"attributes\",\"interaction_id\":\"{CLOSED_INTERACTION}\",\"key\":\"tier\"{value},\"mode\":\"{mode}\"}}"
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

/// A client allowed interactions and not users: the agent's line would be
/// refused, as the run would find it, and the dry run goes on to the
/// interaction's rather than stopping at the first target it may not read.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_target_the_client_may_not_read_is_its_lines_refusal_not_the_runs() {
    let tenant = test_tenant().await;
    let home = Home::new();
    let config = tenant_config(&tenant).replace(
        "client_secret_env",
        "scopes = [\"interactions:read\", \"interactions:write\"]\nclient_secret_env",
    );
    home.write_config(&config);
    let lines = [
        format!("{{\"op\":\"agent_status\",\"userId\":\"{PINNED_USER}\",\"status\":\"Training\"}}"),
        "{\"op\":\"interaction_disposition\",\"interaction_id\":\"8f7a9b2c-1d3e-4f5a-9c8b-7e6d5f4a3b2c\",\"code\":\"101\",\"description\":\"Issue Resolved\",\"agent_id\":\"agent_xyz_123\"}".into(),
    ];
    let file = write(&home, "changes.jsonl", &lines.join("\n"));
    let ran = home.run(&["apply", "--dry-run", "--file", file.to_str().unwrap()], &secrets()).await;
    assert_eq!(ran.code, Some(1), "{}", ran.stderr);
    let report = ran.report();
    assert_eq!(outcomes(&report)[0], "would_reject", "{report}");
    let reason = |n: usize| report["lines"][n]["reason"].as_str().unwrap_or_default().to_string();
    assert!(reason(0).contains("not allowed") && reason(0).contains("user:read"), "{}", reason(0));
    assert!(reason(1).contains("interaction with Jamal Larsen"), "the interaction was read: {}", reason(1));
    tenant.shutdown().await;
}
