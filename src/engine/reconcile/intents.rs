//! What an intent record holds, written by the flows and read back by
//! start-up: the planned request, the action's name and the intended state.
//!
//! One module builds and reads both sides, so a flow cannot record an
//! intended state that recovery would misread.

use crate::api::dialect::CallSpec;
use crate::api::model::{Contact, UserStatus};
use crate::api::{Client, ETag, IdempotencyKey};
use crate::domain::agent_status::{AgentStatus, AgentStatusChange, held_reason};
use crate::domain::interaction_disposition::{Disposition, InteractionDisposition};
use crate::engine::audit::{Method, REDACTED, RequestInfo, TargetKind, holds_redaction};
use serde::Deserialize;
use serde_json::{Map, Value, json};

pub(crate) use crate::engine::audit::action;

/// The request a write is about to send, as the intent records it, and the
/// exact body bytes the client will send (whose hash the intent carries).
/// `key` is the idempotency key it carries, if any (a DELETE needs none).
pub(crate) fn planned(
    api: &Client,
    spec: &CallSpec,
    etag: Option<&ETag>,
    key: Option<&IdempotencyKey>,
) -> (RequestInfo, Vec<u8>) {
    let mut url = api.base_url().clone();
    if let Ok(mut path) = url.path_segments_mut() {
        path.pop_if_empty().extend(&spec.segments);
    }
    let request = RequestInfo {
        method: audit_method(&spec.method),
        path: url.path().to_string(),
        etag: etag.map(|t| t.as_str().to_string()),
        idempotency_key: key.map(|k| k.as_str().to_string()),
    };
    // The client sends `body.to_string()`; the same call gives the same bytes.
    let body = spec.body.as_ref().map(|b| b.to_string().into_bytes()).unwrap_or_default();
    (request, body)
}

/// The audit log's name for an HTTP method.
pub(crate) fn audit_method(method: &reqwest::Method) -> Method {
    match method.as_str() {
        "POST" => Method::Post,
        "PUT" => Method::Put,
        "PATCH" => Method::Patch,
        "DELETE" => Method::Delete,
        _ => Method::Get,
    }
}

/// A disposition as an intent asked for it, and whether its timestamp was
/// given (`timestampGiven`) and so is part of the change.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub(crate) struct DispositionFacts {
    #[serde(flatten)]
    disposition: Disposition,
    #[serde(default, rename = "timestampGiven")]
    timestamp_given: bool,
}

/// Whether `held` is the list `wanted` asks for.
pub(crate) fn same_dispositions(held: &[Disposition], wanted: &[DispositionFacts]) -> bool {
    held.len() == wanted.len()
        && held.iter().zip(wanted).all(|(h, w)| w.disposition.held_as(h, w.timestamp_given))
}

/// `{"dispositions": [{code, description, agent_id, timestamp, source, notes?}]}`:
/// the domain's own form of each disposition.
pub(crate) fn dispositions_state(list: &[Disposition]) -> Value {
    json!({ "dispositions": list })
}

/// What a disposition change intends: its list, each entry saying whether
/// its timestamp was given (`timestampGiven`), so start-up compares those.
pub(crate) fn intended_dispositions(change: &InteractionDisposition) -> Value {
    let list: Vec<Value> = change
        .dispositions
        .iter()
        .zip(change.given_timestamps())
        .map(|(d, given)| {
            let mut entry = json!(d);
            entry["timestampGiven"] = json!(given);
            entry
        })
        .collect();
    json!({ "dispositions": list })
}

/// `{"attributes": {key: value, …}}`: every attribute an interaction holds.
pub(crate) fn attributes_state(attributes: &Map<String, Value>) -> Value {
    json!({ "attributes": attributes })
}

/// `{"status": …, "pauseReason": …}`: an agent's status and the pause
/// reason they hold with it (only a Break's: see `held_reason`), as a status
/// change's intent and outcome record it, before and after, and start-up
/// reads the intended one back.
pub(crate) fn agent_state(status: &UserStatus, pause_reason: Option<&str>) -> Value {
    json!({ "status": status.to_string(), "pauseReason": held_reason(status.known(), pause_reason) })
}

/// The state a status change leaves, as its intent records it for
/// reconciliation and a dry run shows it.
pub(crate) fn state_after(change: &AgentStatusChange) -> Value {
    with_unseen(change, agent_state(&UserStatus::Known(change.status), change.pause_reason.as_deref()))
}

/// `state` with what else the change set that the tenant keeps but neither
/// answers with nor shows on a read: its wrap-up code, when it sent one, and
/// an `autoAvailable` other than the default. The record must show every
/// value the change set.
pub(crate) fn with_unseen(change: &AgentStatusChange, mut state: Value) -> Value {
    if let Some(fields) = state.as_object_mut() {
        if let Some(code) = &change.wrap_up_code {
            fields.insert("wrapUpCode".into(), json!(code));
        }
        if !change.flags.keep_the_default() {
            fields.insert("autoAvailable".into(), json!(change.flags.auto_available));
        }
    }
    state
}

/// A contact as a change to it records it, before and after: its outcome
/// and dialer state, its notes (a change sends notes whether or not it gives
/// any, so every change overwrites them), and those of its custom fields
/// `sent` names.
pub(crate) fn contact_state(contact: &Contact, sent: Option<&Map<String, Value>>) -> Value {
    let mut state = json!({
        "outcomeCode": contact.outcome_code,
        "state": contact.state.as_str(),
        "notes": contact.notes.as_deref().unwrap_or_default(),
    });
    if let Some(sent) = sent {
        let held: Map<String, Value> = sent
            .keys()
            .map(|k| (k.clone(), contact.custom_fields.get(k).cloned().unwrap_or(Value::Null)))
            .collect();
        state["customFields"] = Value::Object(held);
    }
    state
}

/// What a contact change should leave, as its intent records it: the
/// outcome, the notes it sends (empty when it gives none) and the custom
/// fields it sets.
pub(crate) fn contact_intended(
    outcome: &str,
    notes: Option<&str>,
    custom: Option<&Map<String, Value>>,
) -> Value {
    let mut intended = json!({ "outcomeCode": outcome, "notes": notes.unwrap_or_default() });
    if let Some(custom) = custom {
        intended["customFields"] = Value::Object(custom.clone());
    }
    intended
}

/// An agent's status (when one this console sets) and pause reason, as a
/// status change's intent recorded them before it was sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Held {
    pub status: Option<AgentStatus>,
    pub pause_reason: Option<String>,
}

/// What each recorded action intended, read back from an intent record.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Intended {
    Dispositions(Vec<DispositionFacts>),
    /// The attributes before and as intended after; only the keys that
    /// differ between the two are the change.
    Attributes {
        before: Map<String, Value>,
        after: Map<String, Value>,
    },
    Deployed {
        name: String,
        version: String,
        handler_url: String,
        /// The ids of the actions of that name the tenant held before the
        /// deploy, when the intent recorded them: none of them is its
        /// action. `None` when it could not list them (or is older).
        known_before: Option<Vec<String>>,
    },
    Version(String),
    Deprecated,
    OutcomeCode(String),
    Status {
        status: AgentStatus,
        pause_reason: Option<String>,
        /// The agent's status and reason before the change was sent, when
        /// recorded: an agent that showed the change already went for what a
        /// read does not show (a wrap-up code, an `autoAvailable`, a wrap-up
        /// to end), so a read cannot tell whether it landed.
        before: Option<Held>,
        /// The compliance flags as the intent recorded them: the checks that
        /// ran and passed before the change was sent.
        compliance: Option<Value>,
    },
    /// A webhook registration by its name and the address it calls.
    Registered {
        name: String,
        uri: String,
    },
    /// The registration named by the target's id, gone.
    Removed,
}

impl Intended {
    /// Whether what start-up compares the target with holds a value the
    /// sealer redacted, so that a target differing from it may differ by the
    /// redaction alone. What the read-back does not compare (a contact's
    /// notes, say) does not count.
    pub fn holds_redaction(&self) -> bool {
        let text = |s: &str| s.contains(REDACTED);
        match self {
            Self::Dispositions(list) => {
                list.iter().any(|d| serde_json::to_value(&d.disposition).is_ok_and(|v| holds_redaction(&v)))
            }
            Self::Attributes { before, after } => before.values().chain(after.values()).any(holds_redaction),
            Self::Deployed { name, version, handler_url, .. } => {
                [name, version, handler_url].into_iter().any(|s| text(s))
            }
            Self::Version(value) | Self::OutcomeCode(value) => text(value),
            Self::Status { pause_reason, before, .. } => {
                let before = before.as_ref().and_then(|b| b.pause_reason.as_deref());
                pause_reason.as_deref().is_some_and(text) || before.is_some_and(text)
            }
            Self::Registered { name, uri } => text(name) || text(uri),
            Self::Deprecated | Self::Removed => false,
        }
    }

    /// Reads the intended state of an intent, or says why it cannot.
    pub fn read(
        kind: TargetKind,
        action: &str,
        before: Option<&Value>,
        after: Option<&Value>,
    ) -> Result<Self, String> {
        let after = after.ok_or("the intent does not record the state it intended")?;
        let text = |field: &str| after.get(field).and_then(Value::as_str).map(str::to_string);
        let missing = |field: &str| format!("the intended state has no {field}");
        match (kind, action) {
            (TargetKind::Interaction, action::SET_INTERACTION_DISPOSITION) => {
                let list = after.get("dispositions").cloned().ok_or_else(|| missing("dispositions"))?;
                serde_json::from_value(list)
                    .map(Self::Dispositions)
                    .map_err(|e| format!("the intended dispositions are unreadable ({e})"))
            }
            (TargetKind::Interaction, action::UPDATE_ATTRIBUTES) => {
                let map = |v: Option<&Value>| {
                    v.and_then(|v| v.get("attributes")).and_then(Value::as_object).cloned()
                };
                let after = map(Some(after)).ok_or_else(|| missing("attributes"))?;
                Ok(Self::Attributes { before: map(before).unwrap_or_default(), after })
            }
            (TargetKind::DataAction, action::DEPLOY_DATA_ACTION) => Ok(Self::Deployed {
                name: text("name").ok_or_else(|| missing("name"))?,
                version: text("version").ok_or_else(|| missing("version"))?,
                handler_url: text("handlerUrl").ok_or_else(|| missing("handlerUrl"))?,
                known_before: before
                    .and_then(|b| b.get("namesakes"))
                    .and_then(|ids| serde_json::from_value(ids.clone()).ok()),
            }),
            (TargetKind::DataAction, action::NEW_DATA_ACTION_VERSION) => {
                text("version").map(Self::Version).ok_or_else(|| missing("version"))
            }
            (TargetKind::DataAction, action::DEPRECATE_DATA_ACTION) => Ok(Self::Deprecated),
            (TargetKind::Contact, _) => {
                text("outcomeCode").map(Self::OutcomeCode).ok_or_else(|| missing("outcomeCode"))
            }
            (TargetKind::User, _) => {
                let status = text("status").ok_or_else(|| missing("status"))?;
                let status: AgentStatus = status
                    .parse()
                    .map_err(|()| format!("the intended status {status:?} is not one this console sets"))?;
                let pause_reason = text("pauseReason");
                let before = before.map(|before| {
                    let said = |field: &str| before.get(field).and_then(Value::as_str);
                    Held {
                        status: said("status").and_then(|s| s.parse().ok()),
                        pause_reason: said("pauseReason").map(str::to_string),
                    }
                });
                let compliance = after.get("compliance").cloned();
                Ok(Self::Status { status, pause_reason, before, compliance })
            }
            (TargetKind::Webhook, action::REGISTER_CALLBACKS) => Ok(Self::Registered {
                name: text("name").ok_or_else(|| missing("name"))?,
                uri: text("uri").ok_or_else(|| missing("uri"))?,
            }),
            (TargetKind::Webhook, action::REMOVE_CALLBACKS) => Ok(Self::Removed),
            (kind, action) => {
                Err(format!("this console does not know how to read back {action} on a {kind:?}"))
            }
        }
    }
}

#[cfg(test)]
#[path = "intents_tests.rs"]
mod tests;
