//! The engine against the sandbox (faults off), measured in one run:
//!
//! * the sandbox's raw request capacity on this machine: concurrent GETs and
//!   PATCHes of contacts through the API client, for a fixed time, just
//!   before each engine run;
//! * the engine's throughput for outbound contact dispositions, each a GET,
//!   a PATCH, a durable audit intent and outcome, and a durable outbox entry
//!   (delivered to the sandbox's sink), with every rate limit off; and its
//!   ratio to the raw request rate;
//! * the same with the webhook receiver down (connections refused): each op
//!   then leaves its outbox entry waiting, so the run measures the op alone
//!   (GET, PATCH, durable audit and outbox entry) and shows whether a growing
//!   backlog slows the changes behind it;
//! * the per-campaign rate limit: the rate achieved over one campaign, as a
//!   share of the one configured.
//!
//! `cargo bench --bench engine` prints the numbers; nothing here passes or fails.
//! `cargo bench --bench engine -- engine` runs one part (`raw`, `engine`,
//! `backlog`, `limit`).

use cxone_console::api::model::{Campaign, Contact, ListQuery, NoFilter};
use cxone_console::api::{Client, ClientConfig, IdempotencyKey};
use cxone_console::domain::Timestamp;
use cxone_console::domain::contact_disposition::{
    ContactDisposition, ContactDispositionDraft, OutcomeMatrix,
};
use cxone_console::engine::{Change, Command, CommandId, Engine, EngineConfig, Event, Finished, Item};
use cxone_console::sandbox::{Sandbox, SandboxConfig, TenantSize};
use cxone_console::signing::SigningKey;
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Document 001's agent, whom the sandbox always seeds: outcomes name an agent of the tenant.
const OUTBOUND_AGENT: &str = "agent-uuid-1234567890abcdef";
const CAMPAIGNS: usize = 10;
const CONTACTS_PER_CAMPAIGN: usize = 2_000;
/// How long the raw capacity is measured, before each engine run.
const RAW_FOR: Duration = Duration::from_secs(3);
/// Requests in flight during the raw measurement.
const RAW_CONCURRENCY: usize = 64;
/// Contact dispositions per engine batch.
const ENGINE_BATCH: usize = 10_000;
/// Targets of a batch worked on at once: the default, twice it, and the
/// most a chunk holds (document 001's cap of 50 concurrent requests).
const BATCH_CONCURRENCY: [usize; 3] = [8, 16, 50];
/// Per-campaign limits checked, and how long each is held.
const RATES: [f64; 2] = [10.0, 50.0];
const RATE_FOR: Duration = Duration::from_secs(10);

/// The binary's allocator, so that the figures are the shipped engine's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

type Result<T> = std::result::Result<T, String>;

/// CPU time this process (sandbox, client and engine alike) has used, from
/// `/proc/self/stat` in clock ticks (USER_HZ, 100 a second on Linux);
/// `None` elsewhere.
fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<u64>().ok());
    Some(Duration::from_millis(10 * (ticks(11)? + ticks(12)?)))
}

/// CPU time per unit of work, in microseconds, between two readings.
fn cpu_per(before: Option<Duration>, after: Option<Duration>, units: usize) -> f64 {
    match (before, after) {
        (Some(b), Some(a)) if units > 0 => a.saturating_sub(b).as_secs_f64() * 1e6 / units as f64,
        _ => f64::NAN,
    }
}

fn client(sandbox: &Sandbox) -> Result<Client> {
    let config = ClientConfig::new(sandbox.base_url(), sandbox.client_id(), sandbox.client_secret().clone());
    Client::new(config).map_err(|e| e.to_string())
}

/// The tenant's campaigns and every contact the dialer does not hold.
async fn contacts(api: &Client) -> Result<(Vec<Campaign>, Vec<Contact>)> {
    let campaigns =
        api.campaigns(&ListQuery::<NoFilter>::new().top(1000)).await.map_err(|e| e.to_string())?;
    let mut free = Vec::new();
    for campaign in &campaigns.value.items {
        let mut query = ListQuery::new().top(1000);
        loop {
            let page = api.contacts(&campaign.id, &query).await.map_err(|e| e.to_string())?.value;
            free.extend(page.items.iter().filter(|c| !c.state.blocks_disposition()).cloned());
            match page.next_query(&query) {
                Some(next) => query = next,
                None => break,
            }
        }
    }
    Ok((campaigns.value.items, free))
}

/// A code of `campaign` other than the contact's current one.
fn fresh_code<'a>(codes: &'a [String], current: Option<&str>, turn: usize) -> Option<&'a String> {
    let n = codes.len().max(1);
    (0..n).map(|i| &codes[(turn + i) % n]).find(|code| Some(code.as_str()) != current)
}

/// Concurrent GET-then-PATCH loops over the contacts for [`RAW_FOR`]:
/// requests a second, and CPU microseconds per request.
async fn raw_capacity(sandbox: &Sandbox) -> Result<(f64, f64)> {
    let api = client(sandbox)?;
    let (campaigns, free) = contacts(&api).await?;
    let matrices: Arc<HashMap<String, OutcomeMatrix>> =
        Arc::new(campaigns.iter().map(|c| (c.id.to_string(), c.outcome_matrix())).collect());
    let codes: Arc<HashMap<String, Vec<String>>> =
        Arc::new(campaigns.iter().map(|c| (c.id.to_string(), c.outcome_codes.clone())).collect());
    let free = Arc::new(free);
    let requests = Arc::new(AtomicU64::new(0));
    let cpu = cpu_time();
    let started = Instant::now();
    let deadline = started + RAW_FOR;
    let loops: Vec<_> = (0..RAW_CONCURRENCY)
        .map(|task| {
            let (api, free, matrices, codes, requests) =
                (api.clone(), free.clone(), matrices.clone(), codes.clone(), requests.clone());
            tokio::spawn(async move {
                let mut turn = task;
                while Instant::now() < deadline {
                    let contact = &free[turn % free.len()];
                    turn += RAW_CONCURRENCY;
                    let Ok(read) = api.contact(&contact.campaign_id, &contact.id).await else { continue };
                    requests.fetch_add(1, Ordering::Relaxed);
                    let campaign = contact.campaign_id.as_str();
                    let (Some(codes), Some(matrix)) = (codes.get(campaign), matrices.get(campaign)) else {
                        continue;
                    };
                    let Some(code) = fresh_code(codes, read.value.outcome_code.as_deref(), turn) else {
                        continue;
                    };
                    let draft = ContactDispositionDraft {
                        contact_id: contact.id.to_string(),
                        campaign_id: campaign.to_string(),
                        outcome_code: code.clone(),
                        agent_id: OUTBOUND_AGENT.into(),
                        ..Default::default()
                    };
                    let Ok(change) = ContactDisposition::validate(&draft, matrix, Timestamp::now()) else {
                        continue;
                    };
                    let key = Some(IdempotencyKey::generate());
                    if api.set_contact_disposition(&change, read.value.etag.as_ref(), key).await.is_ok() {
                        requests.fetch_add(1, Ordering::Relaxed);
                    }
                }
            })
        })
        .collect();
    for task in loops {
        let _ = task.await;
    }
    let requests = requests.load(Ordering::Relaxed);
    Ok((requests as f64 / started.elapsed().as_secs_f64(), cpu_per(cpu, cpu_time(), requests as usize)))
}

fn engine_config(sandbox: &Sandbox, dir: &std::path::Path) -> Result<EngineConfig> {
    let key = SigningKey::from_secret(sandbox.sink_secret()).map_err(|e| e.to_string())?;
    let mut config = EngineConfig::new(dir, key);
    config.operator = "bench".into();
    config.client_id = sandbox.client_id().into();
    config.refresh_every = Duration::ZERO;
    config.callbacks = false;
    config.webhook_targets = HashMap::from([("crm".to_string(), sandbox.sink_url("crm"))]);
    Ok(config)
}

/// Fresh outcomes for up to `count` of `free`, as one batch's items.
fn drafts(
    campaigns: &[Campaign],
    free: &[Contact],
    count: usize,
    turn: usize,
) -> (CommandId, Vec<Item<ContactDispositionDraft>>) {
    let codes: HashMap<&str, &Vec<String>> =
        campaigns.iter().map(|c| (c.id.as_str(), &c.outcome_codes)).collect();
    let id = CommandId::random();
    let items = free
        .iter()
        .filter_map(|contact| {
            let codes = codes.get(contact.campaign_id.as_str())?;
            let code = fresh_code(codes, contact.outcome_code.as_deref(), turn)?;
            Some(ContactDispositionDraft {
                contact_id: contact.id.to_string(),
                campaign_id: contact.campaign_id.to_string(),
                outcome_code: code.clone(),
                agent_id: OUTBOUND_AGENT.into(),
                ..Default::default()
            })
        })
        .take(count)
        .enumerate()
        .map(|(i, draft)| Item::new(id.item(i), draft))
        .collect();
    (id, items)
}

/// What one batch through the engine came to.
struct Run {
    elapsed: Duration,
    applied: usize,
    other: usize,
    /// The most webhooks waiting at once.
    backlog: usize,
    /// CPU microseconds per applied change.
    cpu_per_op: f64,
}

/// Runs one batch through a new engine (its logs in a fresh directory), from
/// submitting it to its report.
async fn through_engine(
    sandbox: &Sandbox,
    config: EngineConfig,
    (id, items): (CommandId, Vec<Item<ContactDispositionDraft>>),
) -> Result<Run> {
    let (engine, mut events) = Engine::start(client(sandbox)?, config).await.map_err(|e| e.to_string())?;
    let cpu = cpu_time();
    let started = Instant::now();
    if !engine.send(Command::Submit { id: id.clone(), change: Change::ContactDispositions(items) }).await {
        return Err("the engine stopped".into());
    }
    let mut backlog = 0;
    let report = loop {
        match events.recv().await {
            Some(Event::Finished { id: done, result: Finished::Batch(report) }) if done == id => {
                break report;
            }
            Some(Event::Outbox(status)) => backlog = backlog.max(status.backlog),
            Some(_) => {}
            None => return Err("the engine stopped before the batch ended".into()),
        }
    };
    let elapsed = started.elapsed();
    let cpu_per_op = cpu_per(cpu, cpu_time(), report.successful());
    let drain = tokio::spawn(async move { while events.recv().await.is_some() {} });
    engine.shutdown().await;
    drain.abort();
    Ok(Run {
        elapsed,
        applied: report.successful(),
        other: report.total() - report.successful(),
        backlog,
        cpu_per_op,
    })
}

/// A loopback URL nothing listens on: every delivery to it is refused.
async fn nowhere() -> Result<url::Url> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.map_err(|e| e.to_string())?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    drop(listener);
    url::Url::parse(&format!("http://{addr}/crm")).map_err(|e| e.to_string())
}

/// A batch of [`ENGINE_BATCH`] contacts across every campaign, no rate
/// limit; webhooks to the sandbox's sink, or to `receiver` when given.
async fn throughput(
    sandbox: &Sandbox,
    concurrency: usize,
    turn: usize,
    receiver: Option<url::Url>,
) -> Result<Run> {
    let (campaigns, free) = contacts(&client(sandbox)?).await?;
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let mut config = engine_config(sandbox, dir.path())?;
    config.campaign_rate = None;
    config.batch_concurrency = concurrency;
    if let Some(url) = receiver {
        config.webhook_targets.insert("crm".into(), url);
    }
    through_engine(sandbox, config, drafts(&campaigns, &free, ENGINE_BATCH, turn)).await
}

/// One campaign's contacts at `rate` requests a second for about
/// [`RATE_FOR`]: the rate achieved, counted as the intervals between its
/// requests over the whole batch's time (a little under the true pace).
async fn paced(sandbox: &Sandbox, rate: f64, turn: usize) -> Result<(f64, Run)> {
    let (campaigns, free) = contacts(&client(sandbox)?).await?;
    let first = campaigns.first().ok_or("the tenant has no campaign")?;
    let one: Vec<Contact> = free.into_iter().filter(|c| c.campaign_id == first.id).collect();
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let mut config = engine_config(sandbox, dir.path())?;
    config.campaign_rate = Some(rate);
    // Each contact is two requests: a GET, then a PATCH.
    let count = (rate * RATE_FOR.as_secs_f64() / 2.0).round() as usize;
    let run = through_engine(sandbox, config, drafts(&campaigns, &one, count, turn)).await?;
    let intervals = (2 * run.applied).saturating_sub(1);
    Ok((intervals as f64 / run.elapsed.as_secs_f64(), run))
}

/// Whether `part` (`raw`, `engine` or `limit`) was asked for: every part
/// when the command line names none.
fn wanted(part: &str) -> bool {
    let parts: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with('-')).collect();
    parts.is_empty() || parts.iter().any(|p| p == part)
}

async fn bench() -> Result<()> {
    let size = TenantSize {
        campaigns: CAMPAIGNS,
        contacts_per_campaign: CONTACTS_PER_CAMPAIGN,
        ..Default::default()
    };
    let config = SandboxConfig { size, campaign_rate: None, ..SandboxConfig::quiet() };
    let sandbox = Sandbox::start(config).await.map_err(|e| e.to_string())?;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "machine  {cores} cores; sandbox of {CAMPAIGNS} campaigns x {CONTACTS_PER_CAMPAIGN} contacts, \
         faults off, rate limits off"
    );

    // The machine may be shared: each engine run is compared with a raw
    // measurement taken just before it, so a change of load between the two
    // moves both.
    let mut turn = 1;
    let runs: Vec<Option<usize>> =
        if wanted("engine") { BATCH_CONCURRENCY.map(Some).to_vec() } else { vec![None] };
    for concurrency in runs {
        let (raw, raw_cpu) = if wanted("raw") { raw_capacity(&sandbox).await? } else { (f64::NAN, f64::NAN) };
        println!(
            "raw      {raw:>6.0} requests/s ({RAW_CONCURRENCY} concurrent GET+PATCH loops for {RAW_FOR:?}), \
             {raw_cpu:.0} µs CPU per request"
        );
        let Some(concurrency) = concurrency else { continue };
        let run = throughput(&sandbox, concurrency, turn, None).await?;
        turn += 1;
        let ops = run.applied as f64 / run.elapsed.as_secs_f64();
        println!(
            "engine   {ops:>6.0} ops/s, {:.2} of the raw rate (target 0.4), batch_concurrency {concurrency:>2}: \
             {} applied ({} not) in {:.2} s, {:.0} µs CPU per op, webhook backlog at most {}",
            ops / raw,
            run.applied,
            run.other,
            run.elapsed.as_secs_f64(),
            run.cpu_per_op,
            run.backlog
        );
    }

    if wanted("backlog") {
        let concurrency = BATCH_CONCURRENCY[BATCH_CONCURRENCY.len() - 1];
        let (raw, _) = if wanted("raw") { raw_capacity(&sandbox).await? } else { (f64::NAN, f64::NAN) };
        let run = throughput(&sandbox, concurrency, turn, Some(nowhere().await?)).await?;
        turn += 1;
        let ops = run.applied as f64 / run.elapsed.as_secs_f64();
        println!(
            "backlog  {ops:>6.0} ops/s, {:.2} of the raw rate ({raw:.0}/s just before), receiver down, \
             batch_concurrency {concurrency}: {} applied ({} not) in {:.2} s, {:.0} µs CPU per op, \
             webhook backlog at most {}",
            ops / raw,
            run.applied,
            run.other,
            run.elapsed.as_secs_f64(),
            run.cpu_per_op,
            run.backlog
        );
    }

    for rate in RATES.into_iter().filter(|_| wanted("limit")) {
        let (achieved, run) = paced(&sandbox, rate, turn).await?;
        turn += 1;
        println!(
            "limit    {achieved:>6.2} requests/s of {rate} configured on one campaign: {:.1}% (target 95%), \
             {} contacts in {:.1} s",
            100.0 * achieved / rate,
            run.applied,
            run.elapsed.as_secs_f64()
        );
    }
    let stats = sandbox.stats();
    println!(
        "tenant   {} requests, {} writes repeated, {} refused by its rate limiter",
        stats.requests,
        stats.total_repeated(),
        stats.rate_limited
    );
    sandbox.shutdown().await;
    Ok(())
}

fn main() {
    let Ok(runtime) = tokio::runtime::Builder::new_multi_thread().enable_all().build() else {
        return eprintln!("no runtime");
    };
    if let Err(e) = runtime.block_on(bench()) {
        eprintln!("engine bench: {e}");
    }
}
