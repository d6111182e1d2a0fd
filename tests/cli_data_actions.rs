//! `cxone-console apply` with data actions named by name: each name stands
//! for the action it names when its line runs, the actions earlier lines
//! deploy counted, and never for one of several. Metrics of an action the
//! tenant does not have are refused.

mod cli_support;

use cli_support::{Home, outcomes, secrets, tenant_config, test_tenant, write, writes};
use cxone_console::sandbox::Sandbox;
use serde_json::Value;
use std::path::Path;

/// A deploy line of the documents' action under `name`.
fn deploy(name: &str, version: &str) -> String {
    let schemas = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets").join("data-actions");
    let schema = |file: &str| schemas.join(file).to_str().unwrap().to_string();
    serde_json::json!({
        "op": "data_action.deploy", "name": name, "version": version,
        "inputSchema": schema("input.schema.json"), "outputSchema": schema("output.schema.json"),
        "handlerUrl": "https://handlers.sandbox.invalid/holiday-routing",
    })
    .to_string()
}

/// The ids of the tenant's actions named `name`.
fn named(tenant: &Sandbox, name: &str) -> Vec<String> {
    let hooks = &tenant.state().tenant;
    hooks
        .data_action_ids()
        .into_iter()
        .filter(|id| hooks.data_action(id).unwrap().value.name == name)
        .collect()
}

fn version_of(tenant: &Sandbox, id: &str) -> (String, bool) {
    let view = tenant.state().tenant.data_action(id).unwrap().value;
    (view.version, view.is_deprecated)
}

/// The tenant holds HolidayRoutingAction; a file deploys a second one and
/// then versions the name: the name stands for two actions when that line
/// runs, so the line is refused, and neither action gets the version.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_name_an_earlier_line_gives_a_second_action_is_refused_when_its_line_runs() {
    let tenant = test_tenant().await;
    let home = Home::new();
    home.write_config(&tenant_config(&tenant));
    let first = write(&home, "a.jsonl", &deploy("HolidayRoutingAction", "1.0.0"));
    let ran = home.run(&["apply", "--file", first.to_str().unwrap()], &secrets()).await;
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    let held = named(&tenant, "HolidayRoutingAction");
    assert_eq!(held.len(), 1);
    let lines = [
        deploy("HolidayRoutingAction", "1.0.0"),
        r#"{"op":"data_action.new_version","name":"HolidayRoutingAction","version":"1.1.0"}"#.to_string(),
    ];
    let file = write(&home, "second.jsonl", &lines.join("\n"));
    let reason = |report: &Value| report["lines"][1]["reason"].as_str().unwrap_or_default().to_string();

    let dry = home.run(&["apply", "--dry-run", "--file", file.to_str().unwrap()], &secrets()).await;
    assert_eq!(dry.code, Some(1), "{}", dry.stderr);
    assert_eq!(outcomes(&dry.report()), ["would_apply", "would_reject"], "{}", dry.stdout);
    let said = reason(&dry.report());
    assert!(
        said.contains("2 data actions would be named HolidayRoutingAction when this line runs"),
        "{said}"
    );
    assert!(
        said.contains("line 1") && said.contains(&held[0]) && said.contains("give the id of one"),
        "{said}"
    );

    let before = writes(&tenant);
    let ran = home.run(&["apply", "--file", file.to_str().unwrap()], &secrets()).await;
    assert_eq!(ran.code, Some(1), "{}", ran.stderr);
    assert_eq!(writes(&tenant) - before, 1, "the deploy, and no version");
    assert_eq!(outcomes(&ran.report()), ["applied", "rejected"], "{}", ran.stdout);
    let said = reason(&ran.report());
    assert!(
        said.contains("name: 2 data actions are named HolidayRoutingAction; give the id of one"),
        "{said}"
    );
    let both = named(&tenant, "HolidayRoutingAction");
    assert_eq!(both.len(), 2);
    for id in &both {
        assert_eq!(version_of(&tenant, id).0, "1.0.0", "neither action got the version");
        assert!(said.contains(id.as_str()), "{said}");
    }
    tenant.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_versions_deprecates_and_measures_the_action_it_deploys_by_name() {
    let tenant = test_tenant().await;
    let home = Home::new();
    home.write_config(&tenant_config(&tenant));
    let lines = [
        deploy("FreshAction", "1.0.0"),
        r#"{"op":"data_action.new_version","name":"FreshAction","version":"1.1.0"}"#.to_string(),
        r#"{"op":"data_action.metrics","name":"FreshAction","dateFrom":"2024-01-01T00:00:00Z","dateTo":"2030-12-31T23:59:59Z"}"#.to_string(),
        r#"{"op":"data_action.deprecate","name":"FreshAction"}"#.to_string(),
    ];
    let file = write(&home, "fresh.jsonl", &lines.join("\n"));
    let dry = home.run(&["apply", "--dry-run", "--file", file.to_str().unwrap()], &secrets()).await;
    assert_eq!(dry.code, Some(0), "{}", dry.stderr);
    let report = dry.report();
    assert_eq!(outcomes(&report), ["would_apply"; 4], "{report}");
    let line = |n: usize| &report["lines"][n];
    assert_eq!(
        (line(1)["before"]["version"].as_str(), line(1)["after"]["version"].as_str()),
        (Some("1.0.0"), Some("1.1.0"))
    );
    assert_eq!(line(3)["before"]["version"], "1.1.0", "as the new version leaves it");
    assert!(named(&tenant, "FreshAction").is_empty(), "a dry run deploys nothing");

    let ran = home.run(&["apply", "--file", file.to_str().unwrap()], &secrets()).await;
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    assert_eq!(outcomes(&ran.report()), ["applied"; 4], "{}", ran.stdout);
    let ids = named(&tenant, "FreshAction");
    assert_eq!(ids.len(), 1);
    assert_eq!(version_of(&tenant, &ids[0]), ("1.1.0".into(), true));

    // Run again, the file's deploy is its own action, not a second one: the
    // lines that changed something are skipped, the metrics read again.
    let again = home.run(&["apply", "--file", file.to_str().unwrap()], &secrets()).await;
    assert_eq!(again.code, Some(0), "{}", again.stderr);
    assert_eq!(outcomes(&again.report()), ["skipped", "skipped", "applied", "skipped"], "{}", again.stdout);
    assert_eq!(named(&tenant, "FreshAction").len(), 1);
    tenant.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_of_an_action_the_tenant_does_not_have_are_refused() {
    let tenant = test_tenant().await;
    let home = Home::new();
    home.write_config(&tenant_config(&tenant));
    let missing = "00000000-0000-4000-8000-000000000000";
    let file = write(
        &home,
        "metrics.jsonl",
        &format!(
            r#"{{"op":"data_action.metrics","id":"{missing}","dateFrom":"2024-01-01T00:00:00Z","dateTo":"2030-12-31T23:59:59Z"}}"#
        ),
    );
    let reason = |report: &Value| report["lines"][0]["reason"].as_str().unwrap_or_default().to_string();
    let dry = home.run(&["apply", "--dry-run", "--file", file.to_str().unwrap()], &secrets()).await;
    assert_eq!(dry.code, Some(1), "{}", dry.stderr);
    assert_eq!(outcomes(&dry.report()), ["would_reject"]);
    assert!(
        reason(&dry.report())
            .contains(&format!("not found on the tenant: no data action has id \"{missing}\"")),
        "{}",
        dry.stdout
    );
    let before = writes(&tenant);
    let ran = home.run(&["apply", "--file", file.to_str().unwrap()], &secrets()).await;
    assert_eq!(ran.code, Some(1), "{}", ran.stderr);
    assert_eq!(writes(&tenant), before, "nothing was written");
    assert_eq!(outcomes(&ran.report()), ["rejected"]);
    assert!(
        reason(&ran.report())
            .contains(&format!("not found on the tenant: no data action has id \"{missing}\"")),
        "{}",
        ran.stdout
    );
    tenant.shutdown().await;
}
