//! A change that waits says what on: a campaign the tenant paused with a
//! 429, a write or a token request whose answer is slow to come, and a
//! write sent again after its answer never came, by the client or by the
//! engine once the client gave up, until the last call sent again ends.

mod engine_support;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use cxone_console::api::retry::Setback;
use cxone_console::api::watch::UNANSWERED_AFTER;
use cxone_console::api::{ClientConfig, RetryPolicy};
use cxone_console::engine::{CommandId, Event, Finished, Outcome, Wait};
use cxone_console::sandbox::tenant::PINNED_CLOSED_INTERACTION;
use cxone_console::sandbox::{Resource, Sandbox, SandboxConfig};
use engine_support::contacts::{CAMPAIGN, batch, batch_report, draft, pending_contacts};
use engine_support::forward as forward_support;
use engine_support::proxy::{self, Route};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;
use url::Url;

/// A contact batch whose campaign the tenant holds back: the console hears
/// that the campaign is paused, by name, and for how long the tenant asked.
#[tokio::test]
async fn a_campaign_paused_by_a_429_is_told_with_its_wait() {
    let mut rig = engine_support::contacts::slow_to_refill(20, |_| {}).await;
    let contacts = pending_contacts(&rig.sandbox, CAMPAIGN, 2).await;
    let name = rig.sandbox.state().tenant.campaign(CAMPAIGN).expect("the seeded campaign").value.name;
    // Every request of the campaign's allowance spent, as another client would.
    while rig.sandbox.state().tenant.contact(CAMPAIGN, &contacts[0]).is_ok() {}

    let (_, change) = batch(contacts.iter().map(|c| draft(CAMPAIGN, c, "BUSY")).collect());
    let id = rig.submit(change).await;
    let (wait, lasts) = first_wait(&mut rig, &id).await;
    let Wait::CampaignPaused { campaign } = &wait else { panic!("not a pause: {wait:?}") };
    assert_eq!(*campaign, name);
    assert!(
        lasts > Duration::ZERO && lasts <= Duration::from_secs(3),
        "the tenant asked about 2 s: {lasts:?}"
    );
    let said = wait.describe(lasts);
    assert!(said.contains(&format!("campaign {name} paused, the tenant asked (429)")), "{said}");
    assert_eq!(batch_report(rig.finished(&id).await).successful(), 2, "the pause was waited out");
    rig.stop().await;
}

/// A batch whose campaign another batch's 429 paused waits the pause out
/// too, and says so itself, before any request of its own met the 429.
#[tokio::test]
async fn a_campaign_paused_by_another_batchs_429_is_told_by_each_batch_waiting_on_it() {
    let mut rig = engine_support::contacts::slow_to_refill(20, |_| {}).await;
    let contacts = pending_contacts(&rig.sandbox, CAMPAIGN, 2).await;
    let name = rig.sandbox.state().tenant.campaign(CAMPAIGN).expect("the seeded campaign").value.name;
    while rig.sandbox.state().tenant.contact(CAMPAIGN, &contacts[0]).is_ok() {}
    let paused = |of: CommandId| {
        move |e: &Event| match e {
            Event::Waiting { id, wait: Wait::CampaignPaused { campaign }, lasts } if *id == of => {
                Some((campaign.clone(), *lasts))
            }
            _ => None,
        }
    };

    let first = rig.submit(batch(vec![draft(CAMPAIGN, &contacts[0], "BUSY")]).1).await;
    rig.until(paused(first.clone())).await;
    let limited = rig.sandbox.stats().rate_limited;
    let second = rig.submit(batch(vec![draft(CAMPAIGN, &contacts[1], "BUSY")]).1).await;
    let (campaign, lasts) = rig.until(paused(second.clone())).await;
    assert_eq!(campaign, name);
    assert!(lasts > Duration::ZERO && lasts <= Duration::from_secs(3), "what is left of it: {lasts:?}");
    assert_eq!(rig.sandbox.stats().rate_limited, limited, "told of the first batch's pause, not its own");
    for id in [first, second] {
        assert_eq!(batch_report(rig.finished(&id).await).successful(), 1, "the pause was waited out");
    }
    rig.stop().await;
}

/// The first wait told for command `id`, and how long it may last.
async fn first_wait(rig: &mut engine_support::Rig, id: &CommandId) -> (Wait, Duration) {
    rig.until(|e| match e {
        Event::Waiting { id: of, wait, lasts } if of == id => Some((wait.clone(), *lasts)),
        _ => None,
    })
    .await
}

/// How long the next wait told for command `id` lasts (zero: the wait is
/// over), or `Duration::MAX` when the command finished first.
async fn wait_over_or_finished(rig: &mut engine_support::Rig, id: &CommandId) -> Duration {
    rig.until(|e| match e {
        Event::Waiting { id: of, lasts, .. } if of == id => Some(*lasts),
        Event::Finished { id: of, .. } if of == id => Some(Duration::MAX),
        _ => None,
    })
    .await
}

/// Command `id`, an interaction's disposition, ends applied, written once.
async fn applied_once(mut rig: engine_support::Rig, id: &CommandId) {
    let outcome = rig.finished(id).await;
    assert!(matches!(&outcome, Finished::Single { outcome: Outcome::Applied { .. }, .. }), "{outcome:?}");
    assert_eq!(rig.sandbox.stats().writes_of(Resource::InteractionDisposition), 1, "applied once");
    rig.stop().await;
}

/// Forwards to the sandbox; the first interaction writes are applied and
/// their answers cut off, as from a tenant that never answered them.
struct Unanswered {
    upstream: Url,
    http: reqwest::Client,
    /// How many writes' answers are still to be cut off.
    cuts: AtomicUsize,
}

async fn forward(State(proxy): State<Arc<Unanswered>>, request: Request) -> Response {
    let Some((parts, body)) = forward_support::read(request).await else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let Some(answer) = forward_support::ask(&proxy.http, &proxy.upstream, &parts, body).await else {
        return StatusCode::BAD_GATEWAY.into_response();
    };
    let writes = parts.method == Method::PATCH && parts.uri.path().contains("/interactions/");
    if !writes || proxy.cuts.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1)).is_err() {
        return answer.respond();
    }
    let cut: Result<axum::body::Bytes, std::io::Error> = Err(std::io::Error::other("connection lost"));
    answer.respond_with(Body::from_stream(futures_util::stream::iter([cut])))
}

/// An engine whose first `cuts` interaction writes land on the sandbox
/// unanswered.
async fn unanswered(cuts: usize) -> engine_support::Rig {
    let sandbox = Sandbox::start(SandboxConfig::quiet()).await.expect("the sandbox binds 127.0.0.1:0");
    let http = forward_support::http();
    let unanswered =
        Arc::new(Unanswered { upstream: sandbox.base_url(), http, cuts: AtomicUsize::new(cuts) });
    let url = forward_support::serve(axum::Router::new().fallback(forward).with_state(unanswered)).await;
    proxy::rig_at(sandbox, url, |_| {}).await
}

/// The client sends the write again after no answer came: the console hears
/// so, with the attempt and how long the answer may take.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_sent_again_after_no_answer_is_told() {
    let mut rig = unanswered(1).await;
    let id = rig.submit(engine_support::issue_resolved(PINNED_CLOSED_INTERACTION)).await;
    let (wait, lasts) = first_wait(&mut rig, &id).await;
    assert_eq!(wait, Wait::Retrying { setback: Setback::Interrupted, attempt: 2, attempts: 4 });
    assert!(lasts >= Duration::from_secs(29) && lasts <= Duration::from_secs(36), "{lasts:?}");
    assert!(
        wait.describe(lasts).starts_with("no answer yet, trying again (attempt 2 of 4), waiting up to 3")
    );
    // Once the write is answered, the wait is said to be over, before the
    // change ends.
    let over = wait_over_or_finished(&mut rig, &id).await;
    assert_eq!(over, Duration::ZERO, "the wait is over once the call ends");
    applied_once(rig, &id).await;
}

/// The client gives up on a write none of whose answers came, and the
/// engine sends it again itself: the console hears of that try as it hears
/// of the client's, and that its wait is over once the write is answered.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_the_engine_sends_again_after_no_answer_is_told() {
    let client_attempts = RetryPolicy::default().max_attempts;
    let mut rig = unanswered(client_attempts as usize).await;
    let id = rig.submit(engine_support::issue_resolved(PINNED_CLOSED_INTERACTION)).await;
    let (wait, lasts) = rig
        .until(|e| match e {
            Event::Waiting { id: of, wait: wait @ Wait::Retrying { attempts, .. }, lasts }
                if *of == id && *attempts != client_attempts =>
            {
                Some((wait.clone(), *lasts))
            }
            _ => None,
        })
        .await;
    assert_eq!(wait, Wait::Retrying { setback: Setback::Interrupted, attempt: 2, attempts: 3 });
    assert!(lasts > RetryPolicy::default().deadline, "the pause, then the whole call: {lasts:?}");
    let said = wait.describe(lasts);
    assert!(said.starts_with("no answer yet, trying again (attempt 2 of 3), waiting up to"), "{said}");
    let over = wait_over_or_finished(&mut rig, &id).await;
    assert_eq!(over, Duration::ZERO, "the wait is over once the write is answered");
    applied_once(rig, &id).await;
}

/// The tenant holds a write's answer back for 8 s: once the write has been
/// out a few seconds, the console hears that the client waits for the
/// answer and for how long it may, and that the wait is over once the
/// answer comes. On the paused clock, so the seconds cost nothing.
#[tokio::test(start_paused = true)]
async fn a_write_the_tenant_is_slow_to_answer_is_told_until_its_answer_comes() {
    let sandbox = Sandbox::start(SandboxConfig::quiet()).await.expect("the sandbox binds 127.0.0.1:0");
    let late = Duration::from_secs(8);
    let route = move |method: &Method, path: &str| {
        if *method == Method::PATCH && path.starts_with("/api/v1/interactions/") {
            Route::Late(late)
        } else {
            Route::Pass
        }
    };
    let mut rig = proxy::routed(sandbox, route, |_| {}).await;
    let began = tokio::time::Instant::now();
    let id = rig.submit(engine_support::issue_resolved(PINNED_CLOSED_INTERACTION)).await;
    let (wait, lasts) = first_wait(&mut rig, &id).await;
    let told_after = began.elapsed();
    assert_eq!(wait, Wait::Unanswered);
    assert!(told_after >= UNANSWERED_AFTER && told_after < late, "told after {told_after:?}");
    let timeout = ClientConfig::new(rig.sandbox.base_url(), "id", "s".to_string().into()).request_timeout;
    assert_eq!(lasts, timeout - UNANSWERED_AFTER, "the rest of the request's time");
    assert_eq!(wait.describe(lasts), "waiting for the tenant's answer, up to 25 s");
    let over = wait_over_or_finished(&mut rig, &id).await;
    assert_eq!(over, Duration::ZERO, "the wait is over once the answer comes");
    assert!(began.elapsed() >= late);
    let outcome = rig.finished(&id).await;
    assert!(matches!(&outcome, Finished::Single { outcome: Outcome::Applied { .. }, .. }), "{outcome:?}");
    rig.stop().await;
}

/// The tenant's token endpoint fails (503) the first token request a
/// change makes: the console hears that the request goes again, as a call's
/// would, and that the wait is over once the token came.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_request_sent_again_after_a_5xx_is_told() {
    let sandbox = Sandbox::start(SandboxConfig::quiet()).await.expect("the sandbox binds 127.0.0.1:0");
    let refusals = Arc::new(AtomicUsize::new(0));
    let route = {
        let refusals = Arc::clone(&refusals);
        move |method: &Method, path: &str| {
            let token = *method == Method::POST && path == cxone_console::api::DEFAULT_TOKEN_PATH;
            if token
                && refusals.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1)).is_ok()
            {
                Route::Refuse(StatusCode::SERVICE_UNAVAILABLE)
            } else {
                Route::Pass
            }
        }
    };
    let mut rig = proxy::routed(sandbox, route, |_| {}).await;
    refusals.store(1, Ordering::SeqCst);
    let id = rig.submit(engine_support::issue_resolved(PINNED_CLOSED_INTERACTION)).await;
    let told = |e: &Event| match e {
        Event::Waiting { id: of, wait, lasts } if *of == id => Some(Some((wait.clone(), *lasts))),
        Event::Finished { id: of, .. } if *of == id => Some(None),
        _ => None,
    };
    let (wait, lasts) = rig.until(told).await.expect("the token request's retry is told");
    assert_eq!(refusals.load(Ordering::SeqCst), 0, "the token request was refused");
    let setback = Setback::Status { status: 503, retry_after: None };
    assert_eq!(wait, Wait::Retrying { setback, attempt: 2, attempts: RetryPolicy::default().max_attempts });
    assert!(lasts > Duration::ZERO && lasts <= RetryPolicy::default().deadline, "{lasts:?}");
    assert!(wait.describe(lasts).starts_with("the tenant failed (503), trying again (attempt 2 of 4)"));
    let (_, over) = rig.until(told).await.expect("the wait is over before the change ends");
    assert_eq!(over, Duration::ZERO, "the wait is over once the token came");
    let outcome = rig.finished(&id).await;
    assert!(matches!(&outcome, Finished::Single { outcome: Outcome::Applied { .. }, .. }), "{outcome:?}");
    rig.stop().await;
}

/// Whether the wait told for command `id` was said to be over before the
/// command finished, counting the events seen already.
async fn over_before_finished(rig: &mut engine_support::Rig, id: &CommandId) -> bool {
    rig.seen_or_next(|e| match e {
        Event::Waiting { id: of, lasts, .. } if of == id && lasts.is_zero() => Some(true),
        Event::Finished { id: of, .. } if of == id => Some(false),
        _ => None,
    })
    .await
}

/// Both writes of a batch of two contacts meet a 503 and go again, one
/// answered 2 s later and the other 8 s later: the wait stands until the
/// later one is answered, rather than being said over when the first is.
/// On the paused clock, so the seconds cost nothing.
#[tokio::test(start_paused = true)]
async fn the_calls_of_a_batch_tried_again_are_over_once_the_last_is_answered() {
    let sandbox = Sandbox::start(SandboxConfig::quiet()).await.expect("the sandbox binds 127.0.0.1:0");
    let contacts = pending_contacts(&sandbox, CAMPAIGN, 2).await;
    let answered_after = [Duration::from_secs(2), Duration::from_secs(8)];
    let writes: Arc<[AtomicUsize; 2]> = Arc::default();
    let route = {
        let (contacts, writes) = (contacts.clone(), Arc::clone(&writes));
        move |method: &Method, path: &str| {
            let written = |c: &String| *method == Method::PATCH && path.ends_with(&format!("/contacts/{c}"));
            let Some(contact) = contacts.iter().position(written) else { return Route::Pass };
            match writes[contact].fetch_add(1, Ordering::SeqCst) {
                0 => Route::Refuse(StatusCode::SERVICE_UNAVAILABLE),
                _ => Route::Late(answered_after[contact]),
            }
        }
    };
    let mut rig = proxy::routed(sandbox, route, |_| {}).await;
    let began = tokio::time::Instant::now();
    let id = rig.submit(batch(contacts.iter().map(|c| draft(CAMPAIGN, c, "BUSY")).collect()).1).await;
    let (wait, _) = first_wait(&mut rig, &id).await;
    assert!(matches!(wait, Wait::Retrying { .. }), "{wait:?}");
    assert!(over_before_finished(&mut rig, &id).await, "the wait is over before the batch ends");
    let over_after = began.elapsed();
    assert!(over_after >= answered_after[1], "over after {over_after:?}, while a write still went again");
    assert_eq!(batch_report(rig.finished(&id).await).successful(), 2);
    assert!(writes.iter().all(|w| w.load(Ordering::SeqCst) == 2), "each write went twice");
    rig.stop().await;
}

/// The tenant holds the answer to a token request back for 8 s: the change
/// that asked for the token hears that the client waits for the tenant's
/// answer, a change joining that request later hears so too, with what is
/// left of its time, and each hears the wait over once the token came.
#[tokio::test(start_paused = true)]
async fn a_token_request_the_tenant_is_slow_to_answer_is_told_to_each_change_waiting_on_it() {
    let sandbox = Sandbox::start(SandboxConfig::quiet()).await.expect("the sandbox binds 127.0.0.1:0");
    let contacts = pending_contacts(&sandbox, CAMPAIGN, 1).await;
    let late = Duration::from_secs(8);
    let slow = Arc::new(AtomicBool::new(false));
    let route = {
        let slow = Arc::clone(&slow);
        move |method: &Method, path: &str| {
            let token = *method == Method::POST && path == cxone_console::api::DEFAULT_TOKEN_PATH;
            if token && slow.load(Ordering::SeqCst) { Route::Late(late) } else { Route::Pass }
        }
    };
    let mut rig = proxy::routed(sandbox, route, |_| {}).await;
    slow.store(true, Ordering::SeqCst);
    let began = tokio::time::Instant::now();
    let first = rig.submit(engine_support::issue_resolved(PINNED_CLOSED_INTERACTION)).await;
    let (wait, lasts) = first_wait(&mut rig, &first).await;
    let told_after = began.elapsed();
    assert_eq!(wait, Wait::Unanswered);
    assert!(told_after >= UNANSWERED_AFTER && told_after < late, "told after {told_after:?}");
    let timeout = ClientConfig::new(rig.sandbox.base_url(), "id", "s".to_string().into()).request_timeout;
    assert_eq!(lasts, timeout - UNANSWERED_AFTER, "the rest of the request's time");

    let second = rig.submit(batch(vec![draft(CAMPAIGN, &contacts[0], "BUSY")]).1).await;
    let (wait, left) = first_wait(&mut rig, &second).await;
    assert_eq!(wait, Wait::Unanswered, "the batch waits on the same token request");
    assert!(left <= lasts && left + late > lasts, "what is left of its time: {left:?}");
    for id in [&first, &second] {
        assert!(over_before_finished(&mut rig, id).await, "the wait is over once the token came");
    }
    assert!(began.elapsed() >= late);
    let outcome = rig.finished(&first).await;
    assert!(matches!(&outcome, Finished::Single { outcome: Outcome::Applied { .. }, .. }), "{outcome:?}");
    assert_eq!(batch_report(rig.finished(&second).await).successful(), 1);
    rig.stop().await;
}
