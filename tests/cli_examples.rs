//! `cxone-console apply` of the shipped examples, end to end through the
//! engine's flows: every line applied, webhooks delivered and signed, and
//! a second run of the same file settled from the audit log, not repeated.

mod cli_support;

use cli_support::{Home, example, examples, outcomes, secrets, tenant_config, test_tenant};
use cxone_console::sandbox::Resource;
use cxone_console::signing::Verdict;
use serde_json::Value;

/// Every change of a re-run is skipped (`skipped`, or `would_skip` in a
/// dry run) as done by the first run; lines that only read (simulations,
/// metrics) simply run again.
fn skipped_as_earlier(report: &Value, skipped: &str) -> bool {
    report["lines"]
        .as_array()
        .unwrap()
        .iter()
        .all(|l| is_local(l) || (l["outcome"] == skipped && l["key"] == "earlier_run"))
}

fn is_local(line: &Value) -> bool {
    matches!(line["op"].as_str(), Some("data_action.simulate" | "data_action.metrics"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_example_applies_and_running_it_again_repeats_nothing() {
    for file in examples() {
        let name = file.display().to_string();
        let home = Home::new();
        let ran = home.run(&["apply", "--file", &name], &[]).await;
        assert_eq!(ran.code, Some(0), "{name}: {}\n{}", ran.stderr, ran.stdout);
        let report = ran.report();
        assert!(outcomes(&report).iter().all(|o| o == "applied"), "{name}: {report:#}");
        assert_eq!(report["webhooks"]["waiting"], 0, "{name}: every webhook was delivered");
        if name.ends_with("contact-dispositions.csv") {
            assert_eq!(report["contactBatch"]["successful"], 3, "{report:#}");
            assert_eq!(ran.stderr.lines().last(), Some("webhooks: 3 delivered"), "{}", ran.stderr);
        }

        let verified = home.run(&["audit", "verify"], &[]).await;
        assert_eq!(verified.code, Some(0), "{name}: {}", verified.stdout);
        let intents = home.audit_records().iter().filter(|r| r["kind"] == "intent").count();
        let writes = outcomes(&report).len() - count_local(&report);
        assert!(intents >= writes, "{name}: an intent before every write ({intents} for {writes})");

        // A dry run tells what the re-run then does.
        let preview = home.run(&["apply", "--dry-run", "--file", &name], &[]).await;
        assert_eq!(preview.code, Some(0), "{name}: {}", preview.stderr);
        assert!(skipped_as_earlier(&preview.report(), "would_skip"), "{name}: {:#}", preview.report());
        // A simulation's data reads alike, dry or run: its output and latency.
        let data_keys = |report: &Value| -> Vec<Vec<String>> {
            let lines = report["lines"].as_array().unwrap().iter();
            let simulations = lines.filter(|l| l["op"] == "data_action.simulate");
            simulations.map(|l| l["data"].as_object().unwrap().keys().cloned().collect()).collect()
        };
        assert_eq!(data_keys(&preview.report()), data_keys(&report), "{name}");
        assert!(data_keys(&report).iter().all(|keys| keys == &["latencyMs", "output"]), "{name}: {report:#}");
        let again = home.run(&["apply", "--file", &name], &[]).await;
        assert_eq!(again.code, Some(0), "{name}: {}", again.stderr);
        assert!(skipped_as_earlier(&again.report(), "skipped"), "{name}: {:#}", again.report());
    }
}

/// Lines that run without writing to the tenant (simulations, metrics).
fn count_local(report: &Value) -> usize {
    report["lines"].as_array().unwrap().iter().filter(|l| is_local(l)).count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_mixed_example_writes_each_change_once_and_its_webhooks_verify() {
    let tenant = test_tenant().await;
    let home = Home::new();
    home.write_config(&tenant_config(&tenant));
    let file = example("mixed.jsonl");
    let ran = home.run(&["apply", "--file", file.to_str().unwrap()], &secrets()).await;
    assert_eq!(ran.code, Some(0), "{}\n{}", ran.stderr, ran.stdout);

    let stats = tenant.stats();
    let applied = [
        (Resource::AgentStatus, 1),
        (Resource::InteractionDisposition, 1),
        (Resource::ContactDisposition, 2),
        (Resource::Attributes, 1),
        (Resource::DataAction, 1),
    ];
    for (resource, n) in applied {
        assert_eq!(stats.writes_of(resource), n, "{}", resource.name());
    }
    assert_eq!(stats.total_repeated(), 0);
    for (target, n) in [("wfm", 1), ("disposition", 1), ("crm", 2)] {
        let deliveries = tenant.state().sink.deliveries(target);
        assert_eq!(deliveries.len(), n, "{target}");
        assert!(
            deliveries.iter().all(|d| d.verdict == Verdict::Valid),
            "{target}: signed with the configured key"
        );
    }

    let again = home.run(&["apply", "--file", file.to_str().unwrap()], &secrets()).await;
    assert_eq!(again.code, Some(0), "{}", again.stderr);
    assert!(skipped_as_earlier(&again.report(), "skipped"), "{:#}", again.report());
    assert_eq!(tenant.stats().writes, stats.writes, "the second run wrote nothing");
    assert_eq!(tenant.stats().total_repeated(), 0);
    tenant.shutdown().await;
}
