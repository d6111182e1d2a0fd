//! `cxone-console outbox [resend]`: the webhooks a receiver refused for
//! good are listed, and sent again once it takes them, each under its
//! first webhook-id, signed with the configured secret.

mod cli_support;
mod outbox_support;

use cli_support::{Home, WEBHOOK_SECRET, example, secrets, tenant_config, test_tenant};
use cxone_console::engine::outbox::{MessageId, Outbox};
use cxone_console::sandbox::Sandbox;
use cxone_console::signing::{SigningKey, Verdict};
use outbox_support::{Answer, Receiver, receiver};
use secrecy::SecretString;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Arc;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhooks_refused_for_good_are_listed_then_resent_until_they_land() {
    let home = Home::new();
    let listed = home.run(&["outbox"], &[]).await;
    assert_eq!(listed.code, Some(0), "{}", listed.stderr);
    assert!(listed.stdout.contains("no outbox yet"), "{}", listed.stdout);
    let json = home.run(&["outbox", "--json"], &[]).await;
    assert_eq!(json.stdout.trim(), r#"{"waiting":0,"given_up":0,"rows":[]}"#, "{}", json.stderr);

    let tenant = test_tenant().await;
    let received = refused_three(&home, &tenant, Answer::RefuseFirst(3)).await;

    let listed = home.run(&["outbox"], &[]).await;
    assert_eq!(listed.code, Some(0), "{}", listed.stderr);
    assert!(listed.stdout.contains(": 0 waiting, 3 given up on"), "{}", listed.stdout);
    let gave_up: Vec<&str> = listed.stdout.lines().filter(|l| l.starts_with("given up")).collect();
    assert_eq!(gave_up.len(), 3, "{}", listed.stdout);
    assert!(gave_up.iter().all(|l| l.contains("crm") && l.contains("answered 400")), "{gave_up:?}");
    let json = home.run(&["outbox", "--json"], &[]).await;
    let listing: Value = serde_json::from_str(&json.stdout).expect("one JSON object");
    assert_eq!((listing["waiting"].as_u64(), listing["given_up"].as_u64()), (Some(0), Some(3)), "{listing}");
    assert!(
        listing["rows"].as_array().unwrap().iter().all(|r| r["state"] == "given_up" && r["attempts"] == 1)
    );

    let resent = home.run(&["outbox", "resend"], &secrets()).await;
    assert_eq!(resent.code, Some(0), "{}\n{}", resent.stdout, resent.stderr);
    assert!(
        resent.stdout.contains("3 webhooks given up on are back in line; 3 delivered"),
        "{}",
        resent.stdout
    );
    assert_eq!(resent.stderr.lines().last(), Some("webhooks: 3 delivered"), "{}", resent.stderr);

    let deliveries = received.deliveries();
    assert_eq!(deliveries.len(), 6, "each refused once, then taken");
    assert!(deliveries.iter().all(|(_, _, v)| *v == Verdict::Valid), "signed with the configured secret");
    let mut sent: HashMap<&str, usize> = HashMap::new();
    for (id, _, _) in &deliveries {
        *sent.entry(id.as_str()).or_default() += 1;
    }
    assert!(sent.len() == 3 && sent.values().all(|n| *n == 2), "one webhook-id each: {sent:?}");

    let listed = home.run(&["outbox"], &[]).await;
    assert!(listed.stdout.contains(": 0 waiting, 0 given up on"), "{}", listed.stdout);
    let again = home.run(&["outbox", "resend"], &secrets()).await;
    assert_eq!(again.code, Some(0), "{}", again.stderr);
    assert!(again.stdout.contains("no webhook has been given up on"), "{}", again.stdout);
}

/// Applies the contact example with the CRM answering as `answer`; its
/// first three deliveries refused (400, final), the run says so.
async fn refused_three(home: &Home, tenant: &Sandbox, answer: Answer) -> Arc<Receiver> {
    let key = SigningKey::from_secret(&SecretString::from(WEBHOOK_SECRET)).unwrap();
    let (crm, received) = receiver(answer, &key, false).await;
    let config = tenant_config(tenant);
    let sink_crm = format!("{}/sandbox/webhooks/crm", tenant.base_url().as_str().trim_end_matches('/'));
    home.write_config(&config.replace(&sink_crm, crm.as_str()));

    let file = example("contact-dispositions.csv");
    let applied = home.run(&["apply", "--file", file.to_str().unwrap()], &secrets()).await;
    assert_eq!(applied.report()["contactBatch"]["successful"], 3, "{}", applied.stderr);
    let last = applied.stderr.lines().last().unwrap_or_default();
    assert!(last.starts_with("webhooks: 0 delivered, 3 given up on"), "{}", applied.stderr);
    received
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resend_refused_again_exits_1_and_keeps_them() {
    let home = Home::new();
    let tenant = test_tenant().await;
    let received = refused_three(&home, &tenant, Answer::Refuse).await;
    let resent = home.run(&["outbox", "resend"], &secrets()).await;
    assert_eq!(resent.code, Some(1), "{}\n{}", resent.stdout, resent.stderr);
    let last = resent.stderr.lines().last().unwrap_or_default();
    assert!(last.starts_with("webhooks: 0 delivered, 3 given up on"), "{}", resent.stderr);
    assert!(
        resent.stdout.contains("not all went through: 0 delivered, 0 still waiting, 3 given up on"),
        "the answer does not read as a success: {}",
        resent.stdout
    );
    assert_eq!(received.deliveries().len(), 6, "each tried once more");

    // Listing reads without the lock: it works while a console owns the outbox.
    let owner = Outbox::open(home.outbox()).await.expect("the outbox opens");
    let listed = home.run(&["outbox"], &[]).await;
    assert_eq!(listed.code, Some(0), "{}", listed.stderr);
    assert!(listed.stdout.contains(": 0 waiting, 3 given up on"), "{}", listed.stdout);
    // Resending needs the outbox itself: the owner is named, and its own way to resend.
    let refused = home.run(&["outbox", "resend"], &secrets()).await;
    assert_eq!(refused.code, Some(2), "{}", refused.stderr);
    assert!(refused.stderr.contains("is in use: it is locked by process"), "{}", refused.stderr);
    assert!(
        refused.stderr.contains("or send them again from that console with :resend"),
        "{}",
        refused.stderr
    );
    owner.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_damaged_outbox_end_is_said_by_the_listing_and_by_a_run_that_cuts_it() {
    let home = Home::new();
    std::fs::create_dir_all(home.outbox().parent().unwrap()).unwrap();
    std::fs::write(home.outbox(), "garbage\n").unwrap();
    let listed = home.run(&["outbox"], &[]).await;
    assert_eq!(listed.code, Some(0), "{}", listed.stderr);
    assert!(listed.stdout.contains(": 0 waiting, 0 given up on"), "{}", listed.stdout);
    assert!(
        listed.stderr.contains("8 bytes at byte 0 (1 line), nothing in them readable"),
        "{}",
        listed.stderr
    );
    assert!(listed.stderr.contains("which the next start cuts"), "{}", listed.stderr);
    let json = home.run(&["outbox", "--json"], &[]).await;
    let listing: Value = serde_json::from_str(&json.stdout).expect("one JSON object");
    assert_eq!(listing["cut"]["bytes"], 8, "{listing}");

    // A crash cut an enqueue short; the next run cuts it and says which webhook it held.
    let torn =
        r#"{"op":"enqueued","id":"msg_77aa","target":"wfm","eventType":"agent.status.changed","body":{}"#;
    std::fs::write(home.outbox(), torn).unwrap();
    let tenant = test_tenant().await;
    home.write_config(&tenant_config(&tenant));
    let file = example("contact-dispositions.csv");
    let applied = home.run(&["apply", "--file", file.to_str().unwrap()], &secrets()).await;
    let said: Vec<&str> = applied
        .stderr
        .lines()
        .filter(|l| l.starts_with("start-up: the webhook outbox repaired itself"))
        .collect();
    assert_eq!(said.len(), 1, "{}", applied.stderr);
    assert!(said[0].contains(r#"an "enqueued" line for webhook msg_77aa to "wfm""#), "{}", said[0]);
    assert!(said[0].contains("outbox.cut"), "where the cut bytes went: {}", said[0]);
    let repairs: Vec<Value> = home
        .audit_records()
        .into_iter()
        .filter(|r| r["reason"].as_str().is_some_and(|t| t.contains("msg_77aa")))
        .collect();
    assert_eq!(repairs.len(), 1, "the audit log records the repair too");
    let kept = std::fs::read_to_string(home.outbox().with_extension("cut")).unwrap();
    assert!(kept.starts_with(torn), "{kept}");
}

/// Whole lines gone leave nothing unfinished; the head file beside the
/// outbox says what it held, and the listing holds the outbox to it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn whole_lines_gone_from_the_outbox_end_are_said_by_the_listing() {
    let home = Home::new();
    let outbox = Outbox::open(home.outbox()).await.expect("the outbox opens");
    for n in 0..3 {
        let message = outbox_support::disposition(n);
        outbox.enqueue_as(MessageId::derived(&format!("cmd_{n}")), message).await.unwrap();
    }
    outbox.close().await;
    let text = std::fs::read_to_string(home.outbox()).unwrap();
    let first: String = text.lines().take(1).map(|l| format!("{l}\n")).collect();
    std::fs::write(home.outbox(), first).unwrap();

    let listed = home.run(&["outbox"], &[]).await;
    assert_eq!(listed.code, Some(0), "{}", listed.stderr);
    assert!(listed.stdout.contains(": 1 waiting, 0 given up on"), "{}", listed.stdout);
    assert!(listed.stderr.contains("2 whole lines (from line 2"), "{}", listed.stderr);
    assert!(listed.stderr.contains(MessageId::derived("cmd_2").as_str()), "{}", listed.stderr);
    assert!(listed.stderr.contains("the next start reports it"), "{}", listed.stderr);
    let json = home.run(&["outbox", "--json"], &[]).await;
    let listing: Value = serde_json::from_str(&json.stdout).expect("one JSON object");
    assert_eq!((listing["lost"]["lines"].as_u64(), listing["lost"]["messages"].as_u64()), (Some(2), Some(2)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhooks_whose_target_lost_its_url_say_so_when_resent_and_listed() {
    let home = Home::new();
    let tenant = test_tenant().await;
    refused_three(&home, &tenant, Answer::Refuse).await;
    // The crm line is deleted from config.toml: nothing can take them now.
    let without_crm: String = tenant_config(&tenant)
        .lines()
        .filter(|l| !l.starts_with("crm = "))
        .map(|l| format!("{l}\n"))
        .collect();
    home.write_config(&without_crm);

    let resent = home.run(&["outbox", "resend"], &secrets()).await;
    assert_eq!(resent.code, Some(1), "{}\n{}", resent.stdout, resent.stderr);
    let said =
        r#"no URL is configured for target "crm": set crm = "https://…" under [webhooks] in config.toml"#;
    assert!(resent.stdout.contains("3 webhooks given up on are back in line, but "), "{}", resent.stdout);
    assert!(resent.stdout.contains(said), "{}", resent.stdout);
    assert_eq!(resent.stdout.matches(said).count(), 1, "said once: {}", resent.stdout);
    let last = resent.stderr.lines().last().unwrap_or_default();
    assert!(last.contains("3 still waiting") && last.contains(said), "{}", resent.stderr);

    // A look needs no secrets, and says why they wait.
    let listed = home.run(&["outbox"], &[]).await;
    assert_eq!(listed.code, Some(0), "{}", listed.stderr);
    assert!(
        listed.stdout.contains("3 waiting, 0 given up on; no URL is configured for crm"),
        "{}",
        listed.stdout
    );
    let waiting: Vec<&str> = listed.stdout.lines().filter(|l| l.starts_with("waiting")).collect();
    assert!(waiting.len() == 3 && waiting.iter().all(|l| l.contains(said)), "{}", listed.stdout);
    let json = home.run(&["outbox", "--json"], &[]).await;
    let listing: Value = serde_json::from_str(&json.stdout).expect("one JSON object");
    assert_eq!(listing["unrouted"], serde_json::json!(["crm"]), "{listing}");

    // Again, with nothing given up on: what waits for a URL was not sent,
    // and is not said to have been.
    let again = home.run(&["outbox", "resend"], &secrets()).await;
    assert!(!again.stdout.contains("were sent"), "{}", again.stdout);
    assert!(again.stdout.contains(said), "{}", again.stdout);
}

/// `outbox resend` starts an engine, which settles what a crash left in the
/// audit log: it says so on stderr, as `apply` does, rather than leaving
/// the `reconciled` records unmentioned.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resend_after_a_crash_says_what_start_up_read_back() {
    use cxone_console::engine::audit::{AuditEntry, AuditLog, Target, TargetKind};
    use cxone_console::sandbox::tenant::PINNED_USER;
    let (tenant, home) = cli_support::tenant_home().await;
    std::fs::create_dir_all(home.audit_log().parent().unwrap()).unwrap();
    let (log, _) = AuditLog::open(home.audit_log()).await.unwrap();
    // A status change whose write never left: the agent is not in Training.
    let intent =
        AuditEntry::intent("crashed-1", "set_agent_status", Target::new(TargetKind::User, PINNED_USER))
            .by("jdoe", "console", "crashed-1")
            .after(serde_json::json!({ "status": "Training", "pauseReason": null }));
    log.append(intent).await.unwrap();
    log.close().await;

    let ran = home.run(&["outbox", "resend"], &secrets()).await;
    assert_eq!(ran.code, Some(0), "{}{}", ran.stdout, ran.stderr);
    assert!(
        ran.stderr.contains(
            "start-up: 1 change(s) the last run left unfinished were read back: 0 found applied, 1 not;"
        ),
        "{}",
        ran.stderr
    );
    assert!(!ran.stderr.contains("lines of this file"), "no file is run here: {}", ran.stderr);
    let reconciled = home.audit_records().into_iter().filter(|r| r["kind"] == "reconciled").count();
    assert_eq!(reconciled, 1);
    tenant.shutdown().await;
}
