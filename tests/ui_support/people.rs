//! Agents and interactions like the seeded tenant's.

use super::{NOW, at};
use cxone_console::api::model::{Attribute, Channel, Interaction, User, UserStatus};
use cxone_console::domain::agent_status::{AgentStatus, Shift};
use cxone_console::domain::interaction_disposition::{Disposition, InteractionStatus};
use cxone_console::domain::{AgentId, InteractionId, UserId};
use serde_json::json;

fn user(
    id: &str,
    first: &str,
    last: &str,
    team: Option<&str>,
    status: AgentStatus,
    reason: Option<&str>,
    since: i64,
) -> User {
    let shift_start = (NOW.unix_timestamp() - 5 * 3600 - 2 * 60 - 11) as f64;
    User {
        id: UserId::parse(id).unwrap(),
        first_name: first.into(),
        last_name: last.into(),
        user_name: format!("{}.{}", first.to_lowercase(), last.to_lowercase()),
        team_id: team.map(|_| "team-001".into()),
        team_name: team.map(Into::into),
        roles: vec!["Agent".into()],
        shift: team.map(|_| Shift { start: shift_start, end: shift_start + 8.0 * 3600.0 }),
        status: UserStatus::Known(status),
        pause_reason: reason.map(Into::into),
        status_since: Some(at(since)),
        wrap_up_until: None,
        updated_at: Some(at(since)),
        etag: None,
    }
}

pub fn agents() -> Vec<User> {
    use AgentStatus::*;
    vec![
        user("12345-abcde-67890", "Amara", "Okafor", Some("Billing North"), Available, None, 184),
        user(
            "2b1f0c4e-6d1a-4f7e-9a51-0c4d2e8b7a10",
            "Bilal",
            "Haddad",
            Some("Technical Support Tier 2"),
            Busy,
            None,
            724,
        ),
        user(
            "3c9e5a7b-1f2d-4b8c-8e6f-5a4b3c2d1e0f",
            "Beatriz",
            "Costa",
            Some("Sales Inbound"),
            Break,
            Some("Lunch"),
            1_503,
        ),
        user("4d0a6b8c-2e3f-4c9d-9f7a-6b5c4d3e2f1a", "Aiko", "Ito", Some("Retention"), Training, None, 3_960),
        user(
            "5e1b7c9d-3f4a-4dae-8a8b-7c6d5e4f3a2b",
            "Carlos",
            "Garcia",
            Some("Claims"),
            Offline,
            None,
            52_000,
        ),
        user(
            "6f2c8dae-4a5b-4ebf-9b9c-8d7e6f5a4b3c",
            "Chloe",
            "Dubois",
            Some("Billing South"),
            Available,
            None,
            42,
        ),
        user(
            "7a3d9ebf-5b6c-4fca-8cad-9e8f7a6b5c4d",
            "Daniel",
            "Eriksson",
            Some("Premium Care"),
            Busy,
            None,
            95,
        ),
        user(
            "8b4eafca-6c7d-40db-9dbe-af9a8b7c6d5e",
            "Elif",
            "Kaya",
            Some("Digital Channels"),
            Break,
            Some("Coaching Session"),
            611,
        ),
        user(
            "9c5fbadb-7d8e-41ec-8ecf-ba0b9c8d7e6f",
            "Emeka",
            "Adeyemi",
            Some("Collections"),
            Available,
            None,
            2_405,
        ),
        user("ad60cbec-8e9f-42fd-9fda-cb1cad9e8f7a", "Freya", "Hansen", None, Offline, None, 200_000),
        user(
            "be71dcfd-9fa0-430e-8aeb-dc2dbeaf9a8b",
            "Hassan",
            "Ibrahim",
            Some("Onboarding"),
            Busy,
            None,
            333,
        ),
        user(
            "cf82ed0e-a0b1-441f-9bfc-ed3ecfb0ab9c",
            "Ines",
            "Fernandes",
            Some("Sales Outbound"),
            Available,
            None,
            15,
        ),
    ]
}

fn interaction(
    id: &str,
    channel: Channel,
    agent: Option<&str>,
    status: InteractionStatus,
    codes: &[(&str, &str)],
    (queue, customer): (&str, &str),
    started: i64,
) -> Interaction {
    let closed = status == InteractionStatus::Closed;
    Interaction {
        id: InteractionId::parse(id).unwrap(),
        status,
        channel,
        agent_id: agent.map(Into::into),
        queue: Some(queue.into()),
        customer_name: Some(customer.into()),
        started_at: Some(at(started)),
        closed_at: closed.then(|| at(started - 300)),
        dispositions: codes
            .iter()
            .map(|(code, description)| Disposition {
                code: (*code).into(),
                description: (*description).into(),
                agent_id: AgentId::parse(agent.unwrap_or("12345-abcde-67890")).unwrap(),
                timestamp: at(started - 320),
                source: "AGENT".into(),
                notes: None,
            })
            .collect(),
        attributes: vec![Attribute { key: "sentimentScore".into(), value: json!(0.82) }],
        updated_at: Some(at(started - 320)),
        etag: None,
    }
}

pub fn interactions() -> Vec<Interaction> {
    use InteractionStatus::*;
    vec![
        interaction(
            "a1b2c3d4-e5f6-7890-abcd-ef1234567890",
            Channel::Voice,
            Some("12345-abcde-67890"),
            Closed,
            &[],
            ("Billing", "Grace Kim"),
            2_400,
        ),
        interaction(
            "8f7a9b2c-1d3e-4f5a-9c8b-7e6d5f4a3b2c",
            Channel::Chat,
            Some("2b1f0c4e-6d1a-4f7e-9a51-0c4d2e8b7a10"),
            Open,
            &[],
            ("Technical Support", "Ivan Kowalski"),
            700,
        ),
        interaction(
            "0d4e8f12-3a5b-4c6d-8e9f-a0b1c2d3e4f5",
            Channel::Email,
            Some("6f2c8dae-4a5b-4ebf-9b9c-8d7e6f5a4b3c"),
            Closed,
            &[("101", "Issue Resolved")],
            ("General Enquiries", "Jasmine Chen"),
            // Two days ago: a day other than today's.
            180_000,
        ),
        interaction(
            "1e5f9023-4b6c-4d7e-9fa0-b1c2d3e4f5a6",
            Channel::Voice,
            Some("7a3d9ebf-5b6c-4fca-8cad-9e8f7a6b5c4d"),
            Closed,
            &[("102", "Sale Completed"), ("201", "Follow-up Required")],
            ("Sales", "Javier Alvarez"),
            3_100,
        ),
        interaction(
            "2f60a134-5c7d-4e8f-a0b1-c2d3e4f5a6b7",
            Channel::Sms,
            None,
            Open,
            &[],
            ("Collections", "Hana Bakker"),
            60,
        ),
        interaction(
            "3071b245-6d8e-4f90-b1c2-d3e4f5a6b7c8",
            Channel::Voice,
            Some("be71dcfd-9fa0-430e-8aeb-dc2dbeaf9a8b"),
            Open,
            &[],
            ("Retention", "Felix Brennan"),
            330,
        ),
    ]
}
