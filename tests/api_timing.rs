//! Token expiry, Retry-After, backoff and dropped connections under paused
//! time, against the sandbox in the same current-thread runtime (so time
//! only jumps while every task, the sandbox's included, waits on a timer).

mod api_support;

use api_support::{
    client, client_with, config, faults, patient, quiet, set_fault_profile, set_fault_rates, start,
};
use cxone_console::api::model::ListQuery;
use cxone_console::api::{ApiErrorKind, IdempotencyKey, RetryPolicy};
use cxone_console::domain::InteractionId;
use cxone_console::domain::attributes::{AttributeDraft, AttributeUpdate};
use cxone_console::sandbox::{Fault, Resource, SandboxConfig};
use serde_json::json;
use std::time::Duration;
use tokio::time::sleep;

fn add(id: &InteractionId, key: &str) -> AttributeUpdate {
    let row = AttributeDraft { key: key.into(), value: json!(1), mode: "ADD".into() };
    AttributeUpdate::validate(id.as_str(), &[row]).unwrap()
}

#[tokio::test(start_paused = true)]
async fn a_token_is_replaced_a_minute_before_it_expires() {
    let sandbox =
        start(SandboxConfig { token_ttl: Duration::from_secs(300), ..SandboxConfig::quiet() }).await;
    let c = client(&sandbox);
    c.dispositions().await.unwrap();
    sleep(Duration::from_secs(230)).await;
    c.dispositions().await.unwrap();
    assert_eq!((sandbox.stats().tokens_issued, c.token_refreshes()), (1, 1), "still fresh at 230 s");
    sleep(Duration::from_secs(20)).await;
    let reply = c.dispositions().await.unwrap();
    assert_eq!(reply.call.attempts, 1, "refreshed ahead of expiry, not after a 401");
    assert_eq!((sandbox.stats().tokens_issued, c.token_refreshes()), (2, 2));
}

#[tokio::test(start_paused = true)]
async fn retry_after_is_waited_out_before_trying_again() {
    let sandbox = quiet().await;
    let impatient = client_with(config(&sandbox).with_retry(RetryPolicy::never()));
    let patient_client = client_with(config(&sandbox).with_retry(patient()));
    impatient.dispositions().await.unwrap();
    patient_client.dispositions().await.unwrap();

    set_fault_rates(&sandbox, 1.0, 0.0, 0.0).await;
    let refused = impatient.dispositions().await.unwrap_err();
    let ApiErrorKind::RateLimited { retry_after: Some(wait), .. } = refused.kind else {
        panic!("a 429 carries its Retry-After: {refused:?}")
    };
    assert!(refused.to_string().contains("limiting requests"), "{refused}");

    let call = tokio::spawn(async move { patient_client.dispositions().await });
    while faults(&sandbox.stats(), Fault::TooManyRequests) < 2 {
        sleep(Duration::from_millis(1)).await;
    }
    set_fault_profile(&sandbox, "none").await;
    let reply = call.await.unwrap().unwrap();
    assert!(reply.call.attempts >= 2, "{:?}", reply.call);
    assert!(reply.call.latency >= wait, "waited {:?}, asked {wait:?}", reply.call.latency);
}

#[tokio::test(start_paused = true)]
async fn server_errors_back_off_and_retry_only_what_is_safe_to_repeat() {
    let sandbox = quiet().await;
    let policy = RetryPolicy {
        max_attempts: 4,
        base_delay: Duration::from_millis(100),
        max_delay: Duration::from_secs(1),
        max_retry_after: Duration::from_secs(30),
        deadline: Duration::from_secs(600),
    };
    let c = client_with(config(&sandbox).with_retry(policy));
    let id = c.interactions(&ListQuery::new().top(1)).await.unwrap().value.items[0].id.clone();

    set_fault_rates(&sandbox, 0.0, 1.0, 0.0).await;
    let read = c.interaction(&id).await.unwrap_err();
    assert!(matches!(read.kind, ApiErrorKind::Server { .. }), "{read:?}");
    assert_eq!(read.call.attempts, 4);
    assert!(read.call.latency <= Duration::from_millis(100 + 200 + 400), "full jitter stays under the caps");

    let unguarded = c.update_attributes(&add(&id, "after_5xx"), None).await.unwrap_err();
    assert_eq!(unguarded.call.attempts, 1, "a write that may have landed is not repeated");
    let key = IdempotencyKey::generate();
    let keyed = c.update_attributes(&add(&id, "after_5xx"), Some(key.clone())).await.unwrap_err();
    assert_eq!(keyed.call.attempts, 4, "a keyed write is safe to repeat");

    set_fault_profile(&sandbox, "none").await;
    let landed = c.update_attributes(&add(&id, "after_5xx"), Some(key)).await.unwrap();
    assert_eq!(landed.value.get("after_5xx"), Some(&json!(1)));
}

#[tokio::test(start_paused = true)]
async fn in_a_storm_reads_get_through_and_unguarded_writes_are_never_repeated() {
    let sandbox = quiet().await;
    let c = client_with(config(&sandbox).with_retry(patient()));
    let interactions = c.interactions(&ListQuery::new().top(50)).await.unwrap().value.items;

    set_fault_profile(&sandbox, "storm").await;
    for (n, i) in interactions.iter().cycle().take(300).enumerate() {
        let read = c.interaction(&i.id).await;
        assert!(read.is_ok(), "read {n}: {}", read.unwrap_err());
    }
    let stats = sandbox.stats();
    assert!(faults(&stats, Fault::DroppedBefore) + faults(&stats, Fault::DroppedAfter) > 0, "{stats:?}");

    // Half the connections dropped, many after the write was applied.
    set_fault_rates(&sandbox, 0.0, 0.0, 0.5).await;
    for (n, i) in interactions.iter().enumerate() {
        if let Err(e) = c.update_attributes(&add(&i.id, &format!("storm_{n}")), None).await {
            assert!(matches!(e.kind, ApiErrorKind::Interrupted { writes: true, .. }), "{e:?}");
            assert!(e.to_string().contains("may or may not have been applied"), "{e}");
        }
    }
    // A read cut off the same way (and not tried again) changed nothing,
    // and says so.
    let once = client_with(config(&sandbox).with_retry(RetryPolicy::never()));
    let mut cut = 0;
    for i in &interactions {
        if let Err(e) = once.interaction(&i.id).await {
            assert!(matches!(e.kind, ApiErrorKind::Interrupted { writes: false, .. }), "{e:?}");
            assert!(e.to_string().ends_with("nothing was changed by it; try again"), "{e}");
            cut += 1;
        }
    }
    assert!(cut > 0, "half the connections dropped, some of them reads");
    let stats = sandbox.stats();
    assert!(faults(&stats, Fault::DroppedAfter) > 0, "{stats:?}");
    assert_eq!(stats.repeated_of(Resource::Attributes), 0, "no applied write was sent again");
    set_fault_profile(&sandbox, "none").await;
}
