//! The same file run again from another home (another machine, or a data
//! directory that was lost): its lines carry the same idempotency keys, so
//! the tenant answers the writes it already took from its idempotency
//! store. Such a line changed nothing now and is reported as done by an
//! earlier run, not as applied.

mod cli_support;

use cli_support::{Home, secrets, tenant_config, test_tenant, write, writes};

const PINNED_USER: &str = "12345-abcde-67890";

fn status_line(status: &str) -> String {
    let pause = if status == "Break" { r#","pauseReason":"Lunch""# } else { "" };
    format!("{{\"op\":\"agent_status\",\"userId\":\"{PINNED_USER}\",\"status\":\"{status}\"{pause}}}\n")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_another_home_already_ran_changes_nothing_and_says_so() {
    let tenant = test_tenant().await;
    let (first, second) = (Home::new(), Home::new());
    for home in [&first, &second] {
        home.write_config(&tenant_config(&tenant));
    }
    let to_break = write(&first, "break.jsonl", &status_line("Break"));
    let back = write(&first, "available.jsonl", &status_line("Available"));
    for file in [&to_break, &back] {
        let ran = first.run(&["apply", "--file", file.to_str().unwrap()], &secrets()).await;
        assert_eq!(ran.code, Some(0), "{}", ran.stderr);
        assert_eq!(ran.report()["lines"][0]["outcome"], "applied", "{}", ran.stdout);
    }
    let (writes_before, wfm_before) = (writes(&tenant), tenant.state().sink.deliveries("wfm").len());

    let again = second.run(&["apply", "--file", to_break.to_str().unwrap()], &secrets()).await;
    assert_eq!(again.code, Some(0), "skipped lines go through: {}", again.stderr);
    let line = &again.report()["lines"][0];
    assert_eq!(line["outcome"], "skipped", "{}", again.stdout);
    assert_eq!(line["key"], "earlier_run", "{}", again.stdout);
    assert!(line["reason"].as_str().unwrap().contains("changed nothing now"), "{line}");

    let user = tenant.state().tenant.user(PINNED_USER).expect("the pinned user").value;
    assert_eq!(user.status.to_string(), "Available", "the agent stays as the last change left it");
    assert_eq!(writes(&tenant), writes_before, "the tenant took no write");
    assert_eq!(tenant.stats().total_repeated(), 0);
    let outcomes: Vec<_> = second.audit_records().into_iter().filter(|r| r["kind"] == "outcome").collect();
    assert_eq!(outcomes.len(), 1);
    assert_eq!(outcomes[0]["outcome"], "skipped", "the audit log does not claim the change: {}", outcomes[0]);
    // The run's own webhooks are all out when apply ends: none went for this line.
    assert_eq!(tenant.state().sink.deliveries("wfm").len(), wfm_before, "no webhook announced it again");
    tenant.shutdown().await;
}

const CAMPAIGN: &str = "a1b2c3d4-e5f6-7890-g1h2-i3j4k5l6m7n8";
const CONTACT: &str = "contact-uuid-111111111111";

/// A file that gives one contact two outcomes: the first wins (document
/// 001's processed set), in the run that applied it and in every run after,
/// dry or not; a re-run must not apply the duplicate over it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_duplicate_skipped_by_the_first_run_stays_skipped_when_the_file_runs_again() {
    let tenant = test_tenant().await;
    let home = Home::new();
    home.write_config(&tenant_config(&tenant));
    let line = |code: &str| {
        format!(
            "{{\"op\":\"contact_disposition\",\"campaignId\":\"{CAMPAIGN}\",\"contactId\":\"{CONTACT}\",\
             \"outcomeCode\":\"{code}\",\"agentId\":\"agent-uuid-1234567890abcdef\",\"notes\":\"first call\"}}\n"
        )
    };
    let file = write(&home, "twice.jsonl", &format!("{}{}", line("INTERESTED"), line("DO_NOT_CALL")));
    let file = file.to_str().unwrap();
    let keys = |ran: &cli_support::Ran| -> Vec<(String, String)> {
        let report = ran.report();
        report["lines"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| (l["outcome"].as_str().unwrap().into(), l["key"].as_str().unwrap_or("").into()))
            .collect()
    };

    let first = home.run(&["apply", "--file", file], &secrets()).await;
    assert_eq!(first.code, Some(0), "{}", first.stderr);
    assert_eq!(keys(&first), [("applied".into(), "".into()), ("skipped".into(), "duplicate".into())]);
    let writes_after_first = writes(&tenant);

    let dry = home.run(&["apply", "--dry-run", "--file", file], &secrets()).await;
    assert_eq!(
        keys(&dry),
        [("would_skip".into(), "earlier_run".into()), ("would_skip".into(), "duplicate".into())],
        "{}",
        dry.stdout
    );
    let again = home.run(&["apply", "--file", file], &secrets()).await;
    assert_eq!(again.code, Some(0), "{}", again.stderr);
    assert_eq!(
        keys(&again),
        [("skipped".into(), "earlier_run".into()), ("skipped".into(), "duplicate".into())]
    );

    let contact = tenant.state().tenant.contact(CAMPAIGN, CONTACT).expect("the pinned contact").value;
    assert_eq!(contact.outcome_code.as_deref(), Some("INTERESTED"), "the first outcome stands");
    assert_eq!(writes(&tenant), writes_after_first, "the tenant took no write after the first run");
    tenant.shutdown().await;
}

/// A line found already so did its work: a re-run that sent it would land
/// after the later lines for its agent and undo them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_line_found_already_so_is_done_and_a_rerun_does_not_send_it_after_the_lines_that_follow() {
    let tenant = test_tenant().await;
    let home = Home::new();
    home.write_config(&tenant_config(&tenant));
    let file = write(&home, "day.jsonl", &format!("{}{}", status_line("Available"), status_line("Break")));
    let file = file.to_str().unwrap();
    let first = home.run(&["apply", "--file", file], &secrets()).await;
    assert_eq!(first.code, Some(0), "{}", first.stderr);
    let report = first.report();
    assert_eq!(
        (report["lines"][0]["key"].as_str(), report["lines"][1]["outcome"].as_str()),
        (Some("unchanged"), Some("applied"))
    );
    let writes_after_first = writes(&tenant);

    for args in [&["apply", "--dry-run", "--file", file][..], &["apply", "--file", file]] {
        let again = home.run(args, &secrets()).await;
        assert_eq!(again.code, Some(0), "{}", again.stderr);
        let keys: Vec<_> =
            again.report()["lines"].as_array().unwrap().iter().map(|l| l["key"].clone()).collect();
        assert_eq!(keys, ["earlier_run", "earlier_run"], "{args:?}: {}", again.stdout);
    }
    let user = tenant.state().tenant.user(PINNED_USER).expect("the pinned user").value;
    assert_eq!(user.status.to_string(), "Break", "the file's last line stands");
    assert_eq!(writes(&tenant), writes_after_first);
    tenant.shutdown().await;
}
