//! Reading a change's target back and comparing it with what was intended.

use super::announcements;
use super::intents::{
    DispositionFacts, Held, Intended, agent_state, attributes_state, dispositions_state, same_dispositions,
};
use crate::api::{ApiError, ApiErrorKind, Client};
use crate::domain::agent_status::{AgentStatus, AgentStatusChange, DirectiveFlags, with_reason};
use crate::domain::attributes::same_value;
use crate::domain::{CampaignId, ContactId, DataActionId, FieldError, InteractionId, Timestamp, UserId};
use crate::engine::audit::Target;
use crate::engine::flows::{Webhook, action_names, again};
use serde_json::{Map, Value, json};
use time::OffsetDateTime;

/// What the target showed.
pub(super) enum Found {
    /// It holds the intended state; `webhook` announces the change.
    Applied {
        state: Value,
        webhook: Option<Webhook>,
        detail: String,
    },
    NotApplied {
        state: Value,
        detail: String,
    },
    /// It holds what a read shows of the intended state, as it did before
    /// the change was sent: whether the change landed cannot be told.
    Undecided {
        state: Value,
        detail: String,
    },
}

/// Why the target could not be read.
pub(super) struct Unreadable {
    pub reason: String,
    /// Nothing answered: the following targets need not be tried.
    pub unreachable: bool,
}

impl From<ApiError> for Unreadable {
    fn from(e: ApiError) -> Self {
        let unreachable = matches!(e.kind, ApiErrorKind::Network { .. } | ApiErrorKind::Timeout { .. });
        Self { reason: e.to_string(), unreachable }
    }
}

impl From<FieldError> for Unreadable {
    fn from(e: FieldError) -> Self {
        Self { reason: format!("the intent names its target badly ({e})"), unreachable: false }
    }
}

/// Why a change whose intent holds a redacted value is not told unapplied
/// when its target differs: the log does not keep what it set, so the
/// difference may be only the redaction.
const KEPT_REDACTED: &str =
    "its intent keeps a value redacted, as it looked like a credential, so the difference may be that alone";

impl Found {
    /// What `self` says of an intent that holds a redaction: a target that
    /// differs from it cannot be told unapplied.
    pub(super) fn despite_redaction(self) -> Self {
        match self {
            Found::NotApplied { state, detail } => {
                Found::Undecided { state, detail: format!("{detail}; {KEPT_REDACTED}") }
            }
            other => other,
        }
    }

    /// A status change's state with the compliance flags its intent
    /// recorded (the role and shift checks it passed before it was sent),
    /// as they were: the tenant's answer on a wrap-up was never heard, and a
    /// read showing the status cannot say the wrap-up check passed (the
    /// wrap-up may have ended by itself), so it stays unchecked.
    fn with_compliance(mut self, recorded: Option<&Value>) -> Self {
        let Some(compliance) = recorded.cloned() else { return self };
        let (Found::Applied { state, .. } | Found::NotApplied { state, .. } | Found::Undecided { state, .. }) =
            &mut self;
        if let Some(fields) = state.as_object_mut() {
            fields.insert("compliance".into(), compliance);
        }
        self
    }
}

/// Reads `target` and compares it with `intended`; `since` is when the
/// intent was recorded.
pub(super) async fn read(
    api: &Client,
    target: &Target,
    intended: &Intended,
    since: OffsetDateTime,
) -> Result<Found, Unreadable> {
    match intended {
        Intended::Dispositions(wanted) => dispositions(api, target, wanted).await,
        Intended::Attributes { before, after } => attributes(api, target, before, after).await,
        Intended::Deployed { name, version, handler_url, known_before } => {
            deployed(api, (name, version, handler_url), since, known_before.as_deref()).await
        }
        Intended::Version(version) => data_action_version(api, target, version).await,
        Intended::Deprecated => deprecated(api, target).await,
        Intended::OutcomeCode(code) => outcome_code(api, target, code).await,
        Intended::Status { status, pause_reason, before, compliance } => {
            let found = agent_status(api, target, *status, pause_reason.as_deref(), before.as_ref()).await?;
            Ok(found.with_compliance(compliance.as_ref()))
        }
        Intended::Registered { name, uri } => registered(api, name, uri).await,
        Intended::Removed => removed(api, target).await,
    }
}

async fn dispositions(
    api: &Client,
    target: &Target,
    wanted: &[DispositionFacts],
) -> Result<Found, Unreadable> {
    let id = InteractionId::parse(&target.id)?;
    let held = again(api.retry_policy(), || api.interaction(&id)).await?.value.dispositions;
    let state = dispositions_state(&held);
    Ok(if same_dispositions(&held, wanted) {
        let webhook = announcements::interaction_disposition(id.as_str(), &held, None);
        Found::Applied { state, webhook: Some(webhook), detail: "the interaction holds them".into() }
    } else {
        Found::NotApplied { state, detail: "the interaction holds other dispositions".into() }
    })
}

async fn attributes(
    api: &Client,
    target: &Target,
    before: &Map<String, Value>,
    after: &Map<String, Value>,
) -> Result<Found, Unreadable> {
    let id = InteractionId::parse(&target.id)?;
    let snapshot = again(api.retry_policy(), || api.attributes(&id)).await?.value;
    let held: Map<String, Value> = snapshot.attributes.into_iter().map(|a| (a.key, a.value)).collect();
    let state = attributes_state(&held);
    Ok(match attribute_difference(before, after, &held) {
        None => Found::Applied { state, webhook: None, detail: "every attribute is as intended".into() },
        Some(key) => Found::NotApplied { state, detail: format!("{key:?} is not as intended") },
    })
}

/// A deploy, by the action's `(name, version, handler_url)`: an action so
/// named created after `since` and not among those `known_before` it.
async fn deployed(
    api: &Client,
    (name, version, handler_url): (&str, &str, &str),
    since: OffsetDateTime,
    known_before: Option<&[String]>,
) -> Result<Found, Unreadable> {
    let found = action_names::deployed_since(api, name, version, handler_url, since, known_before).await?;
    Ok(match found.map(|action| action.id) {
        Some(id) => Found::Applied {
            state: json!({ "id": id, "name": name, "version": version }),
            webhook: None,
            detail: format!("it was deployed as {id}"),
        },
        None => Found::NotApplied {
            state: json!({}),
            detail: format!("no action {name} {version} was created after the intent"),
        },
    })
}

async fn data_action_version(api: &Client, target: &Target, version: &str) -> Result<Found, Unreadable> {
    let id = DataActionId::parse(&target.id)?;
    let action = again(api.retry_policy(), || api.data_action(&id)).await?.value;
    let state = json!({ "version": action.version.to_string(), "isDeprecated": action.is_deprecated });
    let held = action.version.to_string() == version || action.versions.iter().any(|v| v.version == version);
    Ok(if held {
        Found::Applied { state, webhook: None, detail: format!("version {version} is deployed") }
    } else {
        Found::NotApplied { state, detail: format!("the action is at version {}", action.version) }
    })
}

async fn deprecated(api: &Client, target: &Target) -> Result<Found, Unreadable> {
    let id = DataActionId::parse(&target.id)?;
    let action = again(api.retry_policy(), || api.data_action(&id)).await?.value;
    let state = json!({ "version": action.version.to_string(), "isDeprecated": action.is_deprecated });
    Ok(if action.is_deprecated {
        Found::Applied { state, webhook: None, detail: "the action is deprecated".into() }
    } else {
        Found::NotApplied { state, detail: "the action is still live".into() }
    })
}

async fn outcome_code(api: &Client, target: &Target, code: &str) -> Result<Found, Unreadable> {
    let campaign = CampaignId::parse(target.campaign.as_deref().unwrap_or_default())?;
    let id = ContactId::parse(&target.id)?;
    let contact = again(api.retry_policy(), || api.contact(&campaign, &id)).await?.value;
    let state = json!({ "outcomeCode": contact.outcome_code, "agentId": contact.agent_id });
    Ok(if contact.outcome_code.as_deref() == Some(code) {
        let webhook = announcements::contact_disposition(
            campaign.as_str(),
            contact.id.as_str(),
            code,
            contact.agent_id.as_deref(),
            None,
        );
        Found::Applied { state, webhook: Some(webhook), detail: format!("the contact holds {code}") }
    } else {
        let held = contact.outcome_code.as_deref().unwrap_or("no outcome");
        Found::NotApplied { state, detail: format!("the contact holds {held}") }
    })
}

async fn agent_status(
    api: &Client,
    target: &Target,
    status: AgentStatus,
    pause_reason: Option<&str>,
    before: Option<&Held>,
) -> Result<Found, Unreadable> {
    let id = UserId::parse(&target.id)?;
    let user = again(api.retry_policy(), || api.user(&id)).await?.value;
    let state = agent_state(&user.status, user.pause_reason.as_deref());
    let now = Timestamp::now();
    // A landed write ends a wrap-up (or is refused during one), so an agent
    // still in one shows the status from before it, as the flow that sent
    // it would have found it.
    if let Some(until) = user.wrap_up_at(now) {
        let detail =
            format!("the agent is {} but in wrap-up until {}", user.status, until.up_to_the_second());
        return Ok(Found::NotApplied { state, detail });
    }
    // What a read can show of the change, as the flow's own read-back
    // compares it: the status, and the reason only a Break holds. Its
    // wrap-up code and flags a read does not show, and take no part.
    let change = AgentStatusChange {
        user_id: id,
        status,
        pause_reason: pause_reason.map(str::to_string),
        wrap_up_code: None,
        flags: DirectiveFlags::default(),
    };
    let shown = user.shows(&change, now);
    // The record of before says nothing of a wrap-up: one the write was to
    // end leaves the read unable to tell, and so undecided.
    let shown_before = before.is_some_and(|b| change.shown_by(b.status, b.pause_reason.as_deref(), false));
    if shown && shown_before {
        let detail = format!(
            "the agent is {}, as before it was sent; what else it set (a wrap-up code, autoAvailable, the \
             end of a wrap-up) a read does not show",
            with_reason(status, change.kept_reason())
        );
        return Ok(Found::Undecided { state, detail });
    }
    Ok(if shown {
        let webhook = announcements::agent_status(user.id.as_str(), status.as_str(), None);
        Found::Applied { state, webhook: Some(webhook), detail: format!("the agent is {status}") }
    } else {
        let held = with_reason(&user.status, user.held_reason());
        Found::NotApplied { state, detail: format!("the agent is {held}") }
    })
}

async fn registered(api: &Client, name: &str, uri: &str) -> Result<Found, Unreadable> {
    let hooks = again(api.retry_policy(), || api.webhooks()).await?.value;
    Ok(match hooks.iter().find(|h| h.name == name && h.uri == uri) {
        // Its listener went with the crash; the next watch removes it.
        Some(hook) => Found::Applied {
            state: json!({ "id": hook.id.as_str(), "name": name, "uri": uri }),
            webhook: None,
            detail: format!("the tenant holds it as {}, calling a listener that is gone", hook.id),
        },
        None => Found::NotApplied {
            state: json!({ "name": name, "uri": uri }),
            detail: "the tenant holds no such registration".into(),
        },
    })
}

async fn removed(api: &Client, target: &Target) -> Result<Found, Unreadable> {
    let hooks = again(api.retry_policy(), || api.webhooks()).await?.value;
    Ok(if hooks.iter().any(|h| h.id.as_str() == target.id) {
        Found::NotApplied { state: json!({ "removed": false }), detail: "the tenant still holds it".into() }
    } else {
        Found::Applied {
            state: json!({ "removed": true }),
            webhook: None,
            detail: "the tenant holds it no more".into(),
        }
    })
}

/// The first changed key the interaction does not hold as intended, or
/// `None` when it holds every one. A request is applied whole or not at all,
/// so one key out of place means it was not applied (or changed since).
fn attribute_difference<'a>(
    before: &'a Map<String, Value>,
    after: &'a Map<String, Value>,
    held: &Map<String, Value>,
) -> Option<&'a str> {
    let holds = |map: &Map<String, Value>, k: &str, v: &Value| map.get(k).is_some_and(|h| same_value(h, v));
    let set = after.iter().filter(|(k, v)| !holds(before, k, v)).find(|(k, v)| !holds(held, k, v));
    let removed = before.keys().filter(|k| !after.contains_key(*k)).find(|k| held.contains_key(*k));
    set.map(|(k, _)| k.as_str()).or(removed.map(String::as_str))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn only_the_keys_a_change_touched_are_compared() {
        let before = map(json!({"segment": "smb", "lang": "en", "old": 1}));
        let after = map(json!({"segment": "enterprise", "lang": "en"}));
        let applied = map(json!({"segment": "enterprise", "lang": "fr", "other": true}));
        assert_eq!(attribute_difference(&before, &after, &applied), None);
        let untouched = map(json!({"segment": "smb", "lang": "en", "old": 1}));
        assert_eq!(attribute_difference(&before, &after, &untouched), Some("segment"));
        let half = map(json!({"segment": "enterprise", "old": 1}));
        assert_eq!(attribute_difference(&before, &after, &half), Some("old"));
    }

    /// An UPDATE to `1` over a held `1.0` changes nothing, and the tenant
    /// keeps its spelling: the change is still found applied.
    #[test]
    fn numbers_are_compared_by_value() {
        let before = map(json!({"n": 1.0, "segment": "smb"}));
        let after = map(json!({"n": 1, "segment": "enterprise"}));
        let applied = map(json!({"n": 1.0, "segment": "enterprise"}));
        assert_eq!(attribute_difference(&before, &after, &applied), None);
        let other = map(json!({"n": 2, "segment": "enterprise"}));
        assert_eq!(attribute_difference(&before, &map(json!({"n": 1.5})), &other), Some("n"));
    }

    /// A reconciled status change carries the checks its intent recorded,
    /// found applied or not: the wrap-up's stays unchecked.
    #[test]
    fn a_status_change_found_keeps_the_compliance_its_intent_recorded() {
        let recorded = json!({"roleChecked": "passed", "shiftValidated": "no shift set",
            "respectWrapUp": true, "wrapUpVerified": "not checked"});
        let state = json!({"status": "Break", "pauseReason": "Lunch"});
        let applied = Found::Applied { state: state.clone(), webhook: None, detail: String::new() };
        let Found::Applied { state: found, .. } = applied.with_compliance(Some(&recorded)) else {
            unreachable!("still applied")
        };
        assert_eq!(found["compliance"]["roleChecked"], "passed");
        assert_eq!(found["compliance"]["shiftValidated"], "no shift set");
        assert_eq!(found["compliance"]["wrapUpVerified"], "not checked", "no answer was heard");
        let missed = Found::NotApplied { state: state.clone(), detail: String::new() };
        let Found::NotApplied { state: found, .. } = missed.with_compliance(Some(&recorded)) else {
            unreachable!("still not applied")
        };
        assert_eq!(found["compliance"]["wrapUpVerified"], "not checked");
        let older = Found::Applied { state: state.clone(), webhook: None, detail: String::new() };
        let Found::Applied { state: found, .. } = older.with_compliance(None) else { unreachable!() };
        assert_eq!(found, state, "an intent from before the flags were recorded adds none");
    }
}
