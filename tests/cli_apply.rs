//! `cxone-console apply`: files refused whole, a refused sign-in, reports
//! that cannot be printed. Dry runs are in `cli_dry_run.rs`; secrets kept
//! out of every output in `cli_secrets.rs`.

mod cli_support;

use cli_support::{
    CLIENT_SECRET_ENV, Home, WEBHOOK_SECRET, WEBHOOK_SECRET_ENV, example, secrets, tenant_config,
    tenant_home, test_tenant, user_without_a_desk, write, writes,
};
use serde_json::Value;
use std::time::Duration;

const CAMPAIGN: &str = "a1b2c3d4-e5f6-7890-g1h2-i3j4k5l6m7n8";
const PINNED_USER: &str = "12345-abcde-67890";

/// Each error's line and field, in order.
fn places(found: &[(u64, String, String)]) -> Vec<(u64, &str)> {
    found.iter().map(|(line, field, _)| (*line, field.as_str())).collect()
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
    // The totals count what the file lists (its comment aside), and what was refused.
    assert_eq!(report["format"], "jsonlines", "{report}");
    assert_eq!(
        (report["totals"]["lines"].as_u64(), report["totals"]["refused"].as_u64()),
        (Some(3), Some(2))
    );
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

    // An attribute's empty cell is not a null, and a line's one attribute
    // is named by the fields it wrote, not as the first of a list.
    let interaction = "8f7a9b2c-1d3e-4f5a-9c8b-7e6d5f4a3b2c";
    let long = "x".repeat(2001);
    let csv = write(
        &home,
        "attributes.csv",
        &format!(
            "op,interaction_id,key,value,mode\n\
             attributes,{interaction},language,,UPDATE\n\
             attributes,{interaction},language,,DELETE\n\
             attributes,{interaction},language,{long},UPDATE\n"
        ),
    );
    let ran = home.run(&["apply", "--file", csv.to_str().unwrap(), "--dry-run"], &[]).await;
    assert_eq!(ran.code, Some(2));
    let found = errors(&ran.report());
    assert_eq!(places(&found), [(2, "value"), (4, "value")]);
    assert!(found[0].2.contains("is required unless the mode is DELETE"), "{found:?}");
    assert!(found[1].2.contains("the limit is 2000"), "{found:?}");
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
    assert_eq!(
        places(&found),
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

/// A line that breaks a rule needing no tenant does not keep the other
/// lines from being held to the tenant's rules: one run names every problem.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broken_line_does_not_hide_what_the_tenant_refuses_on_the_others() {
    let (tenant, home) = tenant_home().await;
    let file = write(
        &home,
        "changes.jsonl",
        &format!(
            "{{\"op\":\"agent_status\",\"userId\":\"{PINNED_USER}\",\"status\":\"Nap\"}}\n\
             {{\"op\":\"contact_disposition\",\"campaignId\":\"no-such-campaign\",\"contactId\":\"c-1\",\"outcomeCode\":\"BUSY\",\"agentId\":\"a-1\"}}\n\
             {{\"op\":\"agent_status\",\"userId\":\"{PINNED_USER}\",\"status\":\"Break\",\"pauseReason\":\"Nap\"}}\n"
        ),
    );
    let path = file.to_str().unwrap();
    for dry_run in [false, true] {
        let args: &[&str] =
            if dry_run { &["apply", "--file", path, "--dry-run"] } else { &["apply", "--file", path] };
        let ran = home.run(args, &secrets()).await;
        assert_eq!(ran.code, Some(2), "{}", ran.stderr);
        let found = errors(&ran.report());
        assert_eq!(places(&found), [(1, "status"), (2, "campaignId"), (3, "pauseReason")], "{found:?}");
        assert!(found[1].2.contains("no campaign no-such-campaign on the tenant"), "{found:?}");
        assert!(found[2].2.contains("not one of the tenant's pause reasons"), "{found:?}");
    }
    assert_eq!(writes(&tenant), 0);

    // With the tenant gone, the broken line is still named, and the others
    // are said to be unchecked rather than passed over in silence.
    tenant.shutdown().await;
    let ran = home.run(&["apply", "--file", path], &secrets()).await;
    assert_eq!(ran.code, Some(2), "{}", ran.stderr);
    let found = errors(&ran.report());
    assert_eq!(places(&found), [(1, "status")]);
    assert_eq!(ran.report()["unchecked"]["lines"], serde_json::json!([2, 3]));
    assert!(ran.stderr.contains("lines 2, 3 not checked against the tenant's rules: "), "{}", ran.stderr);
}

/// A tenant that refuses the client stops the run before any line, the same
/// way whatever the file holds: exit 2, nothing on stdout, nothing sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tenant_refusing_the_client_stops_any_file_before_its_first_line() {
    let (tenant, home) = tenant_home().await;
    // Agent status lines need none of the tenant's rule data, so nothing
    // but the sign-in asks the tenant anything before the engine starts.
    let file = write(
        &home,
        "agents.jsonl",
        &format!("{{\"op\":\"agent_status\",\"userId\":\"{PINNED_USER}\",\"status\":\"Busy\"}}\n"),
    );
    let wrong = [(CLIENT_SECRET_ENV, "not-the-client-secret-at-all"), (WEBHOOK_SECRET_ENV, WEBHOOK_SECRET)];
    for args in [
        vec!["apply", "--file", file.to_str().unwrap()],
        vec!["apply", "--dry-run", "--file", file.to_str().unwrap()],
    ] {
        let ran = home.run(&args, &wrong).await;
        assert_eq!(ran.code, Some(2), "{args:?}: {}", ran.stderr);
        assert!(ran.stdout.is_empty(), "{}", ran.stdout);
        assert!(ran.stderr.contains("signing in to the tenant"), "{}", ran.stderr);
        assert!(ran.stderr.contains("refused to issue an access token"), "{}", ran.stderr);
        assert!(!ran.stderr.contains("not-the-client-secret-at-all"), "{}", ran.stderr);
    }
    assert_eq!(writes(&tenant), 0);
    assert!(!home.audit_log().exists(), "the engine never started");
}

/// `apply --file` of the example `name` under `home`, with `/dev/full` (a
/// disk with no room left) as its stdout, or else as its stderr; the other
/// is read.
async fn apply_into_a_full_disk(home: &Home, name: &str, stdout_full: bool) -> std::process::Output {
    let full = || {
        std::process::Stdio::from(
            std::fs::OpenOptions::new().write(true).open("/dev/full").expect("/dev/full"),
        )
    };
    let (stdout, stderr) = if stdout_full {
        (full(), std::process::Stdio::piped())
    } else {
        (std::process::Stdio::piped(), full())
    };
    let file = example(name);
    let child = home
        .command(&["apply", "--file", file.to_str().unwrap()], &[])
        .stdout(stdout)
        .stderr(stderr)
        .spawn()
        .expect("the binary runs");
    tokio::time::timeout(Duration::from_secs(120), child.wait_with_output())
        .await
        .expect("apply ends")
        .unwrap()
}

/// The changes are made before the report is printed: a report that cannot
/// be written says so and where the outcomes are, rather than claiming the
/// run never happened.
#[tokio::test]
async fn a_report_that_cannot_be_printed_points_to_the_audit_log() {
    let home = Home::new();
    let output = apply_into_a_full_disk(&home, "agent-status.csv", true).await;
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

/// Progress and warnings go to stderr, which may be unwritable (a full disk,
/// a pipe nobody reads any more): the run goes on and its report still
/// reaches stdout, rather than the process panicking halfway.
#[tokio::test]
async fn an_unwritable_stderr_loses_neither_the_run_nor_its_report() {
    let home = Home::new();
    let output = apply_into_a_full_disk(&home, "mixed.jsonl", false).await;
    assert_eq!(output.status.code(), Some(0), "the run went through, not a panic (101)");
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("the report on stdout");
    let applied = home.audit_records().iter().filter(|r| r["outcome"] == "applied").count();
    assert!(applied > 0, "the changes were made and recorded");
    assert_eq!(report["totals"]["applied"], report["totals"]["lines"], "every line went through: {report}");
}

/// Contacts of [`CAMPAIGN`] the dialer does not hold, each with an outcome
/// code other than its own, as CSV lines of `apply`.
async fn contact_lines(tenant: &cxone_console::sandbox::Sandbox, count: usize) -> String {
    use cxone_console::api::model::ListQuery;
    let client = cxone_console::api::Client::new(cxone_console::api::ClientConfig::new(
        tenant.base_url(),
        tenant.client_id(),
        tenant.client_secret().clone(),
    ))
    .unwrap();
    let page = client
        .contacts(&cxone_console::domain::CampaignId::parse(CAMPAIGN).unwrap(), &ListQuery::new().top(1000))
        .await
        .unwrap()
        .value;
    let mut text = String::from("op,campaignId,contactId,outcomeCode,agentId\n");
    for contact in page.items.iter().filter(|c| !c.state.blocks_disposition()).take(count) {
        let code = if contact.outcome_code.as_deref() == Some("INTERESTED") {
            "NOT_INTERESTED"
        } else {
            "INTERESTED"
        };
        text +=
            &format!("contact_disposition,{CAMPAIGN},{},{code},agent-uuid-1234567890abcdef\n", contact.id);
    }
    text
}

/// Ctrl-C in the middle of a contact batch: the contacts in flight finish,
/// and those never started are reported as not sent, so the run does not
/// claim to have gone through.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn contacts_a_stopped_batch_never_started_are_not_sent_and_fail_the_run() {
    let (tenant, home) = tenant_home().await;
    let file = write(&home, "contacts.csv", &contact_lines(&tenant, 60).await);
    let child = home
        .command(&["apply", "--file", file.to_str().unwrap()], &secrets())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the binary runs");
    // The default pace of 10 requests a second holds 60 contacts for 12 s:
    // the first intent comes long before the last.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while !home.audit_records().iter().any(|r| r["kind"] == "intent") {
        assert!(tokio::time::Instant::now() < deadline, "no intent was ever recorded");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let pid = child.id().expect("the run is alive").to_string();
    let signalled = std::process::Command::new("kill").args(["-INT", &pid]).status().expect("kill runs");
    assert!(signalled.success());
    let output = tokio::time::timeout(Duration::from_secs(60), child.wait_with_output())
        .await
        .expect("the stopped run ends")
        .unwrap();
    let (stdout, stderr) = (String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    let report: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}\n{stderr}"));
    let lines = report["lines"].as_array().unwrap();
    let not_sent = lines.iter().filter(|l| l["outcome"] == "not_sent").count();
    let applied = lines.iter().filter(|l| l["outcome"] == "applied").count();
    assert!(not_sent > 0 && applied > 0, "stopped in the middle: {applied} applied, {not_sent} not sent");
    assert_eq!(applied + not_sent, 60, "every line is applied or not sent: {stdout}");
    assert_eq!(report["totals"]["not_sent"], not_sent, "{stdout}");
    assert_eq!(output.status.code(), Some(1), "lines not sent fail the run: {stderr}");
    assert_eq!(tenant.stats().total_repeated(), 0);
    tenant.shutdown().await;
}
