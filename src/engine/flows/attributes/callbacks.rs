//! The attribute-callback listener: a loopback HTTP endpoint the tenant
//! calls after each applied attribute change.
//!
//! Registering binds 127.0.0.1:0, registers the analytics webhook for that
//! address and keeps the signing secret the tenant returns (shown once). Each
//! callback's Standard Webhooks signature is checked with it: a verified one
//! becomes an `AttributesChanged` event; any other is still reported, marked
//! not verified, and answered 401, so nothing unsigned is trusted silently.
//!
//! Registrations carry this console's instance header. A console holds its
//! audit log's lock, so a registration with its own instance header found at
//! start is a leftover of an earlier run, whose listener is gone: it is
//! removed before registering anew. The listener stops with the engine,
//! which then removes its registration. A marker file beside the audit log
//! stands while a registration may be on the tenant, so a start after a run
//! that could not remove its own (a crash, a kill) removes it at once, in
//! the background, rather than at the next `:watch`. Each registration and
//! removal is an audited change (see [`registration`]).

use super::again;
use super::listener;
use super::registration;
use crate::api::model::{Webhook, WebhookRegistration};
use crate::engine::SkipKey;
use crate::engine::command::CommandId;
use crate::engine::context::{AttributeWatch, Ctx};
use crate::engine::event::Outcome;
use crate::signing::SigningKey;
use serde_json::json;
use sha2::{Digest, Sha256};
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;
use tokio::net::TcpListener;

/// The registration's name on the tenant.
const NAME: &str = "cxone-console-analytics";
const SOURCE_HEADER: (&str, &str) = ("X-Webhook-Source", "cxone-console");
const INSTANCE_HEADER: &str = "X-Console-Instance";
/// How long removing the registration at stop may take.
const FAREWELL: Duration = Duration::from_secs(2);

/// Starts the listener and registers it, or reports the registration this
/// engine already made. `command` is the change's id in the audit log.
pub(super) async fn watch(ctx: &Ctx, command: &CommandId) -> Outcome {
    let mut held = ctx.attribute_watch.lock().await;
    if let Some(watch) = held.as_ref() {
        // Nothing is registered again: a skip, not a change applied.
        let hook = &watch.hook;
        let already = format!(
            "already watching attribute changes: the tenant calls back on {} (webhook {})",
            hook.uri, hook.id
        );
        return Outcome::skipped(SkipKey::Unchanged, already);
    }
    let socket = match TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await {
        Ok(socket) => socket,
        Err(e) => return Outcome::failed(format!("could not listen on 127.0.0.1 for callbacks ({e})")),
    };
    let addr = match socket.local_addr() {
        Ok(addr) => addr,
        Err(e) => return Outcome::failed(format!("could not read the callback listener's address ({e})")),
    };
    let instance = instance_id(ctx);
    remove_leftovers(ctx, command, &instance).await;
    let (hook, key) = match register(ctx, command, addr, &instance).await {
        Ok(registered) => registered,
        Err(outcome) => return outcome,
    };
    let listener = tokio::spawn(listener::serve(socket, key, ctx.events.clone(), ctx.stop.clone()));
    if let Err(e) = tokio::fs::write(marker(ctx), hook.id.as_str()).await {
        tracing::warn!("could not mark the callback registration for removal after a crash: {e}");
    }
    let outcome = watching(&hook, "watching attribute changes");
    *held = Some(AttributeWatch { hook, listener });
    outcome
}

/// Once the engine is stopping: waits for the listener to close, then
/// removes this run's registration, so the tenant stops calling an address
/// nobody listens on.
pub(super) async fn unwatch(ctx: &Ctx) {
    let Some(AttributeWatch { hook, listener }) = ctx.attribute_watch.lock().await.take() else { return };
    let _ = listener.await;
    let command = CommandId::random();
    let removal = registration::remove(ctx, &command, &hook, "this run's, as the console stops");
    match tokio::time::timeout(FAREWELL, removal).await {
        Ok(outcome) if outcome.is_applied() => {
            let _ = tokio::fs::remove_file(marker(ctx)).await;
            tracing::info!(webhook = %hook.id, "{outcome}");
        }
        Ok(outcome) => {
            tracing::warn!(webhook = %hook.id, "could not remove the callback registration: {outcome}")
        }
        // The intent stays without an outcome: the next start reads it back.
        Err(_) => tracing::warn!(webhook = %hook.id, "gave up removing the callback registration"),
    }
}

fn watching(hook: &Webhook, what: &str) -> Outcome {
    Outcome::Applied {
        summary: format!("{what}: the tenant calls back on {} (webhook {})", hook.uri, hook.id),
        data: Some(json!({ "webhookId": hook.id.as_str(), "uri": hook.uri })),
    }
}

/// Names this console's registrations: the same data directory, the same
/// console, whichever run made them.
fn instance_id(ctx: &Ctx) -> String {
    let path = ctx.config.audit_path.to_string_lossy();
    hex::encode(&Sha256::digest(path.as_bytes())[..8])
}

/// Stands beside the audit log while a registration of this console may
/// be on the tenant; holds its id, no secret.
fn marker(ctx: &Ctx) -> PathBuf {
    ctx.config.audit_path.with_file_name("callbacks.registered")
}

/// At start: when an earlier run left its marker, removes what that run
/// registered, then the marker. Holds the watch's lock meanwhile, so a
/// `:watch` given at once waits rather than have its own registration
/// taken for a leftover.
pub(super) async fn tidy(ctx: &Ctx) {
    let marker = marker(ctx);
    if !tokio::fs::try_exists(&marker).await.unwrap_or(false) {
        return;
    }
    let held = ctx.attribute_watch.lock().await;
    if held.is_some() {
        return;
    }
    if remove_leftovers(ctx, &CommandId::random(), &instance_id(ctx)).await {
        let _ = tokio::fs::remove_file(&marker).await;
    }
}

/// Removes registrations an earlier run of this console left behind; true
/// when none is left.
async fn remove_leftovers(ctx: &Ctx, command: &CommandId, instance: &str) -> bool {
    let hooks = match again(ctx.api.retry_policy(), || ctx.api.webhooks()).await {
        Ok(reply) => reply.value,
        Err(e) => {
            tracing::warn!("could not list webhook registrations to remove leftovers: {e}");
            return false;
        }
    };
    let mut all_gone = true;
    let ours = |h: &&Webhook| {
        h.name == NAME
            && h.headers.iter().any(|(k, v)| k.eq_ignore_ascii_case(INSTANCE_HEADER) && v == instance)
    };
    for hook in hooks.iter().filter(ours) {
        let outcome = registration::remove(ctx, command, hook, "left by an earlier run").await;
        if !outcome.is_applied() {
            all_gone = false;
            tracing::warn!(webhook = %hook.id, "could not remove a leftover callback registration: {outcome}");
        }
    }
    all_gone
}

/// Registers the listener at `addr`; the signing key comes from the secret
/// the tenant returns, which is never kept anywhere else.
async fn register(
    ctx: &Ctx,
    command: &CommandId,
    addr: SocketAddr,
    instance: &str,
) -> Result<(Webhook, SigningKey), Outcome> {
    let uri = format!("http://{addr}{}", listener::PATH);
    let registration = WebhookRegistration::new(NAME, &uri)
        .and_then(|r| Ok(r.with_header(SOURCE_HEADER.0, SOURCE_HEADER.1)?))
        .and_then(|r| Ok(r.with_header(INSTANCE_HEADER, instance)?))
        .map_err(|e| Outcome::failed(format!("the callback registration is malformed ({e})")))?;
    let mut hook = registration::register(ctx, command, &registration).await?;
    let key = hook.secret.take().ok_or("the tenant returned no signing secret").and_then(|secret| {
        SigningKey::from_secret(&secret).map_err(|_| "the tenant's signing secret is unusable")
    });
    match key {
        Ok(key) => Ok((hook, key)),
        Err(why) => {
            // Callbacks that cannot be verified are worth nothing: undo.
            registration::remove(ctx, command, &hook, "unusable without its secret").await;
            Err(Outcome::failed(format!(
                "{why}, so callbacks could not be verified; nothing stays registered"
            )))
        }
    }
}
