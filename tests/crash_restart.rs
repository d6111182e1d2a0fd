//! A crash in the middle of `cxone-console apply`, with the real binary.
//!
//! The tenant is a sandbox in this process, so its counters and its webhook
//! sink outlive the console. A batch of a few hundred changes is applied;
//! the console is killed (SIGKILL: no clean-up of any kind) twice, at two
//! points of the batch, then the same command runs to completion. However
//! the kills fell, no change may land twice or be lost, every applied change
//! must be announced with a valid signature, and the audit log must verify
//! with exactly one outcome or reconciled record per intent.

mod cli_support;
mod crash_support;

use cli_support::{CLIENT_SECRET, Home, WEBHOOK_SECRET, secrets, tenant_config};
use crash_support::{AGENT, ATTRIBUTE, BatchFile, CONTACT, DISPOSITION, USERS, changes};
use cxone_console::engine::audit::ChainHash;
use cxone_console::engine::outbox::MessageId;
use cxone_console::sandbox::{Resource, Sandbox, SandboxConfig, TenantSize};
use cxone_console::signing::Verdict;
use secrecy::SecretString;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;
use std::time::Duration;

/// The first kill falls once this many contact intents are durable: inside
/// the batch's second wave of 50, with writes in flight.
const FIRST_KILL: (&str, usize) = (CONTACT, 63);
/// The second falls as the 15th interaction disposition is being sent.
const SECOND_KILL: (&str, usize) = (DISPOSITION, 15);
/// Guards against a run that never reaches its kill point; not a timing assertion.
const PATIENCE: Duration = Duration::from_secs(90);

/// Each change's first intent: it names the webhook of whichever run
/// announced it, the flow's or a restart's read-back (each line is applied
/// once).
fn first_intents(records: &[Value]) -> HashMap<&str, ChainHash> {
    let mut first = HashMap::new();
    for r in records.iter().filter(|r| kind(r) == "intent") {
        let hash = ChainHash::from_hex(r["hash"].as_str().unwrap()).unwrap();
        first.entry(r["commandId"].as_str().unwrap()).or_insert(hash);
    }
    first
}

/// The audit log's complete records, and whether a torn last line (a crash
/// mid-write) was left out.
fn read_log(path: &Path) -> (Vec<Value>, bool) {
    let bytes = std::fs::read(path).unwrap_or_default();
    let torn = bytes.last().is_some_and(|b| *b != b'\n');
    let text = String::from_utf8_lossy(&bytes);
    let mut lines: Vec<&str> = text.split('\n').filter(|l| !l.is_empty()).collect();
    if torn {
        lines.pop();
    }
    let records =
        lines.iter().map(|l| serde_json::from_str(l).expect("a whole audit line is JSON")).collect();
    (records, torn)
}

fn kind(record: &Value) -> &str {
    record["kind"].as_str().unwrap_or_default()
}

fn item_of(record: &Value) -> &str {
    record["commandId"].as_str().unwrap_or_default()
}

/// Intents with no outcome or reconciled record after them.
fn unsettled(records: &[Value]) -> HashSet<String> {
    let mut open = HashSet::new();
    for record in records {
        match kind(record) {
            "intent" => open.insert(item_of(record).to_string()),
            "outcome" | "reconciled" => open.remove(item_of(record)),
            _ => false,
        };
    }
    open
}

/// Follows the audit log as it grows, counting the intents of one action;
/// reads only what was added, so polling stays cheap.
struct Follow {
    marker: String,
    offset: u64,
    partial: Vec<u8>,
    intents: usize,
}

impl Follow {
    fn new(action: &str) -> Self {
        Self { marker: format!("\"action\":\"{action}\""), offset: 0, partial: Vec::new(), intents: 0 }
    }

    fn poll(&mut self, path: &Path) -> usize {
        let Ok(mut file) = std::fs::File::open(path) else { return self.intents };
        let mut added = Vec::new();
        if file.seek(SeekFrom::Start(self.offset)).and_then(|_| file.read_to_end(&mut added)).is_err() {
            return self.intents;
        }
        self.offset += added.len() as u64;
        self.partial.extend(added);
        let complete = self.partial.iter().rposition(|b| *b == b'\n').map_or(0, |at| at + 1);
        let text = String::from_utf8_lossy(&self.partial[..complete]).into_owned();
        self.intents +=
            text.lines().filter(|l| l.contains("\"kind\":\"intent\"") && l.contains(&self.marker)).count();
        self.partial.drain(..complete);
        self.intents
    }
}

/// What one kill left behind.
struct Kill {
    /// Outcome records in the log when it fell.
    outcomes: usize,
    /// Intents left without outcome: writes that may or may not have landed.
    unsettled: HashSet<String>,
    torn: bool,
}

/// Runs `apply` and SIGKILLs it once the log holds `enough` intents of `action`.
async fn apply_and_kill(home: &Home, file: &Path, run: usize, (action, enough): (&str, usize)) -> Kill {
    let out = |stream: &str| std::fs::File::create(home.path().join(format!("run-{run}.{stream}"))).unwrap();
    let mut child = home
        .command(&["apply", "--file", file.to_str().expect("a UTF-8 path")], &secrets())
        .stdout(out("stdout"))
        .stderr(out("stderr"))
        .spawn()
        .expect("the binary starts");
    let deadline = tokio::time::Instant::now() + PATIENCE;
    let mut follow = Follow::new(action);
    while follow.poll(&home.audit_log()) < enough {
        if let Ok(Some(status)) = child.try_wait() {
            let stderr = std::fs::read_to_string(home.path().join(format!("run-{run}.stderr")));
            panic!("run {run} ended ({status}) before {enough} {action} intents: {stderr:?}");
        }
        assert!(tokio::time::Instant::now() < deadline, "run {run} never reached {enough} {action} intents");
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    child.start_kill().expect("SIGKILL is sent");
    let status = child.wait().await.expect("the killed console is reaped");
    assert_eq!(status.code(), None, "run {run} died of the signal, not of its own accord");
    let (records, torn) = read_log(&home.audit_log());
    let outcomes = records.iter().filter(|r| kind(r) == "outcome").count();
    Kill { outcomes, unsettled: unsettled(&records), torn }
}

/// A still tenant, as the other command-line tests use, with users enough.
async fn test_tenant() -> Sandbox {
    Sandbox::start(SandboxConfig {
        size: TenantSize { agents: USERS, ..TenantSize::default() },
        client_secret: SecretString::from(CLIENT_SECRET),
        sink_secret: SecretString::from(WEBHOOK_SECRET),
        ..SandboxConfig::quiet()
    })
    .await
    .expect("the sandbox starts on a free loopback port")
}

/// Deliveries with a valid signature by `webhook-id`, and the count of others.
fn webhooks(tenant: &Sandbox) -> (HashMap<String, usize>, usize) {
    let mut valid: HashMap<String, usize> = HashMap::new();
    let mut invalid = 0;
    for target in ["disposition", "crm", "wfm"] {
        for delivery in tenant.state().sink.deliveries(target) {
            match (delivery.verdict, delivery.webhook_id) {
                (Verdict::Valid, Some(id)) => *valid.entry(id).or_default() += 1,
                _ => invalid += 1,
            }
        }
    }
    (valid, invalid)
}

/// Walks the final log: every intent settled by exactly one outcome or
/// reconciled record before the next intent of its change. Returns how many
/// applied records each change has, and the reconciled records by change.
fn settlements(records: &[Value]) -> (HashMap<&str, usize>, HashMap<&str, &Value>) {
    let mut open: HashSet<&str> = HashSet::new();
    let mut applied: HashMap<&str, usize> = HashMap::new();
    let mut reconciled = HashMap::new();
    for record in records {
        let item = item_of(record);
        match kind(record) {
            "intent" => assert!(open.insert(item), "{item}: a second intent before an outcome"),
            settled @ ("outcome" | "reconciled") => {
                assert!(open.remove(item), "{item}: a {settled} record with no intent open");
                if record["outcome"] == "applied" {
                    *applied.entry(item).or_default() += 1;
                }
                if settled == "reconciled" {
                    reconciled.insert(item, record);
                }
            }
            _ => {}
        }
    }
    assert!(open.is_empty(), "intents left without outcome: {open:?}");
    (applied, reconciled)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_killed_twice_applies_every_change_exactly_once() {
    let wall = std::time::Instant::now();
    let tenant = test_tenant().await;
    let home = Home::new();
    home.write_config(&tenant_config(&tenant));
    let batch = BatchFile::new(changes(&tenant).await, &tenant);
    let file = home.path().join("changes.jsonl");
    std::fs::write(&file, &batch.bytes).unwrap();

    let first = apply_and_kill(&home, &file, 1, FIRST_KILL).await;
    let second = apply_and_kill(&home, &file, 2, SECOND_KILL).await;
    let writes_before = tenant.stats().writes.values().sum::<u64>();
    let last = home.run(&["apply", "--file", file.to_str().unwrap()], &secrets()).await;
    assert_eq!(last.code, Some(0), "the last run went through:\n{}\n{}", last.stderr, last.stdout);
    // Each run after a kill says what start-up read back of the changes left open.
    let second_stderr = std::fs::read_to_string(home.path().join("run-2.stderr")).unwrap_or_default();
    for (kill, stderr) in [(&first, &second_stderr), (&second, &last.stderr)] {
        if !kill.unsettled.is_empty() {
            let said = format!(
                "start-up: {} change(s) the last run left unfinished were read back",
                kill.unsettled.len()
            );
            assert!(stderr.contains(&said), "{said:?} not in:\n{stderr}");
        }
    }

    // The last run's report: every line applied now or by an earlier run.
    let report = last.report();
    let lines = report["lines"].as_array().expect("a report lists its lines");
    assert_eq!(lines.len(), batch.lines());
    let mut verdicts: BTreeMap<&str, usize> = BTreeMap::new();
    for line in lines {
        let verdict = match (line["outcome"].as_str(), line["key"].as_str()) {
            (Some("applied"), _) => "applied",
            (Some("skipped"), Some("earlier_run")) => "earlier_run",
            _ => panic!("a line neither applied nor settled by an earlier run: {line:#}"),
        };
        *verdicts.entry(verdict).or_default() += 1;
    }

    // The tenant: each change landed exactly once.
    let stats = tenant.stats();
    assert_eq!(stats.total_repeated(), 0, "no change landed twice: {:?}", stats.repeated_writes);
    for (action, resource) in [
        (CONTACT, Resource::ContactDisposition),
        (AGENT, Resource::AgentStatus),
        (DISPOSITION, Resource::InteractionDisposition),
        (ATTRIBUTE, Resource::Attributes),
    ] {
        assert_eq!(stats.writes_of(resource), batch.count(action) as u64, "{action}: one write per line");
    }

    // The audit log: intact, every intent settled once, every line applied once.
    let verified = home.run(&["audit", "verify"], &[]).await;
    assert_eq!(verified.code, Some(0), "audit verify: {}{}", verified.stdout, verified.stderr);
    let (records, torn) = read_log(&home.audit_log());
    assert!(!torn, "the log ends on a whole record");
    let (applied, reconciled) = settlements(&records);
    for (item, (number, action)) in &batch.items {
        assert_eq!(
            applied.get(item.as_str()),
            Some(&1),
            "line {number} ({action}) is applied once in the log"
        );
    }
    assert_eq!(applied.len(), batch.lines(), "the log applied nothing but the file's lines");
    for (kill, n) in [(&first, 1), (&second, 2)] {
        for item in &kill.unsettled {
            assert!(reconciled.contains_key(item.as_str()), "kill {n}: {item} was reconciled at the restart");
        }
    }
    let repairs: Vec<&Value> = records.iter().filter(|r| kind(r) == "repair").collect();
    let cut =
        repairs.iter().filter(|r| r["reason"].as_str().is_some_and(|t| t.contains("unfinished"))).count();
    let torn_kills = [&first, &second].iter().filter(|k| k.torn).count();
    assert_eq!(cut, torn_kills, "each torn tail was cut, with a repair record: {repairs:?}");

    // The receivers: every announced change arrived, signed.
    let (valid, invalid) = webhooks(&tenant);
    assert_eq!(invalid, 0, "every delivery verifies");
    let announced: Vec<_> = batch.items.iter().filter(|(_, (_, action))| *action != ATTRIBUTE).collect();
    let intents = first_intents(&records);
    for (item, (number, _)) in &announced {
        let id = MessageId::announcing(item, intents.get(item.as_str()));
        assert!(valid.contains_key(id.as_str()), "line {number}: its webhook {id} arrived signed");
    }

    let of_kill = |kill: &Kill| {
        let found = |applied: bool| {
            let matches = |item: &String| reconciled[item.as_str()]["outcome"] == "applied";
            kill.unsettled.iter().filter(|item| matches(item) == applied).count()
        };
        format!(
            "at {} of {} outcomes: {} writes in flight, reconciled as {} applied and {} not; torn tail: {}",
            kill.outcomes,
            batch.lines(),
            kill.unsettled.len(),
            found(true),
            found(false),
            kill.torn
        )
    };
    let actions = [CONTACT, AGENT, DISPOSITION, ATTRIBUTE].map(|a| format!("{} {a}", batch.count(a)));
    println!("crash: {} lines ({})", batch.lines(), actions.join(", "));
    println!("crash: kill 1 {}", of_kill(&first));
    println!("crash: kill 2 {}", of_kill(&second));
    println!(
        "crash: tenant writes {writes_before} before the last run, {} after; repeated {}; idempotent replays {}",
        stats.writes.values().sum::<u64>(),
        stats.total_repeated(),
        stats.idempotent_replays
    );
    println!("crash: last run {verdicts:?}; {} repair records; audit verify OK", repairs.len());
    println!(
        "crash: {} announced changes, each with a valid webhook ({} delivered more than once); {:.1} s",
        announced.len(),
        valid.values().filter(|n| **n > 1).count(),
        wall.elapsed().as_secs_f64()
    );
    tenant.shutdown().await;
}
