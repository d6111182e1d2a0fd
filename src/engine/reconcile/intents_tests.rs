//! Intents read back as start-up reads them: each flow's intended state,
//! dispositions compared by their instants, and a deploy's namesakes.

use super::*;
use crate::domain::{AgentId, Timestamp};

fn disposition(code: &str, at: &str) -> Disposition {
    Disposition {
        code: code.into(),
        description: "Issue Resolved".into(),
        agent_id: AgentId::parse("agent_xyz_123").unwrap(),
        timestamp: Timestamp::parse_as("t", at).unwrap(),
        source: "api".into(),
        notes: None,
    }
}

#[test]
fn dispositions_round_trip_through_the_intended_state_ignoring_timestamps_left_to_now() {
    let sent = [disposition("101", "2024-05-15T14:32:10Z")];
    let state = dispositions_state(&sent);
    let Ok(Intended::Dispositions(wanted)) =
        Intended::read(TargetKind::Interaction, action::SET_INTERACTION_DISPOSITION, None, Some(&state))
    else {
        panic!("unreadable: {state}");
    };
    assert!(same_dispositions(&[disposition("101", "2024-05-16T00:00:00Z")], &wanted));
    assert!(!same_dispositions(&[disposition("102", "2024-05-15T14:32:10Z")], &wanted));
    assert!(!same_dispositions(&[], &wanted));
}

#[test]
fn a_given_timestamp_is_compared_by_its_instant() {
    let sent = [disposition("101", "2024-05-15T14:32:10Z"), disposition("102", "2024-05-15T14:32:10Z")];
    let mut state = json!({ "dispositions": sent });
    state["dispositions"][0]["timestampGiven"] = json!(true);
    let Ok(Intended::Dispositions(wanted)) =
        Intended::read(TargetKind::Interaction, action::SET_INTERACTION_DISPOSITION, None, Some(&state))
    else {
        panic!("unreadable: {state}");
    };
    let held = |first: &str, second: &str| [disposition("101", first), disposition("102", second)];
    assert!(same_dispositions(&held("2024-05-15T16:32:10+02:00", "2025-01-01T00:00:00Z"), &wanted));
    assert!(!same_dispositions(&held("2024-05-15T14:32:11Z", "2024-05-15T14:32:10Z"), &wanted));
}

#[test]
fn other_flows_intents_are_read_by_target_kind() {
    let contact = json!({"outcomeCode": "INTERESTED"});
    assert_eq!(
        Intended::read(TargetKind::Contact, "set_contact_disposition", None, Some(&contact)),
        Ok(Intended::OutcomeCode("INTERESTED".into()))
    );
    let user = json!({"status": "Break", "pauseReason": "Lunch"});
    assert_eq!(
        Intended::read(TargetKind::User, "anything", None, Some(&user)),
        Ok(Intended::Status {
            status: AgentStatus::Break,
            pause_reason: Some("Lunch".into()),
            before: None,
            compliance: None
        })
    );
    // What the agent held before, as the flow recorded it; a status this
    // console does not set is none of its own.
    for (before, status, reason) in [
        (json!({"status": "Break", "pauseReason": "Lunch"}), Some(AgentStatus::Break), Some("Lunch")),
        (json!({"status": "Available", "pauseReason": null}), Some(AgentStatus::Available), None),
        (json!({"status": "Lunch", "pauseReason": null}), None, None),
    ] {
        let Ok(Intended::Status { before: Some(held), .. }) =
            Intended::read(TargetKind::User, "x", Some(&before), Some(&user))
        else {
            panic!("unreadable: {user}");
        };
        assert_eq!(held, Held { status, pause_reason: reason.map(str::to_string) }, "before {before}");
    }
    let other = Intended::read(TargetKind::User, "x", None, Some(&json!({"status": "Lunch"}))).unwrap_err();
    assert!(other.contains("\"Lunch\" is not one this console sets"), "{other}");
    let err = Intended::read(TargetKind::User, "x", None, Some(&json!({}))).unwrap_err();
    assert!(err.contains("no status"), "{err}");
    assert!(Intended::read(TargetKind::User, "x", None, None).is_err());
    let err = Intended::read(TargetKind::Interaction, "mystery", None, Some(&json!({}))).unwrap_err();
    assert!(err.contains("mystery"), "{err}");
}

/// The state a status change records is the one start-up reads back,
/// and a reason never goes with a status other than a Break.
#[test]
fn an_agents_state_round_trips_through_the_intended_state() {
    let read = |status, reason| {
        let state = agent_state(&UserStatus::Known(status), reason);
        Intended::read(TargetKind::User, action::AGENT_STATUS, None, Some(&state))
    };
    assert_eq!(
        read(AgentStatus::Break, Some("Lunch")),
        Ok(Intended::Status {
            status: AgentStatus::Break,
            pause_reason: Some("Lunch".into()),
            before: None,
            compliance: None
        })
    );
    assert_eq!(
        read(AgentStatus::Busy, Some("Lunch")),
        Ok(Intended::Status {
            status: AgentStatus::Busy,
            pause_reason: None,
            before: None,
            compliance: None
        })
    );
    let other = agent_state(&UserStatus::Other("Lunch".into()), Some("Lunch"));
    assert_eq!(other, json!({"status": "Lunch", "pauseReason": null}));
}

/// A deploy's intent names the actions of its name held before it, or,
/// when it could not list them, none: read as `None`, not as an empty
/// list, which would say there were none.
#[test]
fn a_deploys_namesakes_are_read_from_what_it_recorded_before() {
    let after = json!({"name": "Vip", "version": "1.0.0", "handlerUrl": "https://h.example/route"});
    let deployed = |before: Option<&Value>| match Intended::read(
        TargetKind::DataAction,
        action::DEPLOY_DATA_ACTION,
        before,
        Some(&after),
    ) {
        Ok(Intended::Deployed { known_before, .. }) => known_before,
        other => panic!("{other:?}"),
    };
    let listed = json!({"namesakes": ["da-1", "da-2"]});
    assert_eq!(deployed(Some(&listed)), Some(vec!["da-1".to_string(), "da-2".to_string()]));
    assert_eq!(deployed(Some(&json!({"namesakes": []}))), Some(Vec::new()));
    assert_eq!(deployed(None), None);
}
