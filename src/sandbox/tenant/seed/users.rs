//! Seeded users: agents in teams, a supervisor per team, a few users with
//! other roles only, and the agents of documents 003, 001 and 000.

use super::assets::{Words, pick};
use super::{PINNED_INTERACTION_AGENT, PINNED_OUTBOUND_AGENT, PINNED_USER, random_id};
use crate::domain::agent_status::AgentStatus;
use crate::sandbox::tenant::clock::Stamp;
use crate::sandbox::tenant::shifts::{FLOOR_SHIFTS, ShiftPattern};
use crate::sandbox::tenant::store::{Meta, Store};
use crate::sandbox::tenant::users::User;
use rand::Rng;
use time::{Duration, OffsetDateTime};

const AGENTS_PER_TEAM: usize = 20;

pub(super) fn generate(
    rng: &mut impl Rng,
    words: &Words,
    agents: usize,
    pause_reasons: &[&str],
    now: OffsetDateTime,
) -> Store<User> {
    let teams = team_names(words, agents.div_ceil(AGENTS_PER_TEAM).max(1));
    let others = 2 + agents / 50;
    let mut users = Store::with_capacity(agents + others);
    for n in 0..agents {
        let team = &teams[n % teams.len()];
        let supervisor = n < teams.len();
        let id = if n == 0 { PINNED_USER.to_string() } else { random_id(rng) };
        // Documents 001's and 000's agents take the second and third places;
        // their ids were drawn all the same, so every later user is seeded
        // as before.
        let id = match n {
            1 => PINNED_OUTBOUND_AGENT.to_string(),
            2 => PINNED_INTERACTION_AGENT.to_string(),
            _ => id,
        };
        let (first, last) = if n == 0 { ("Jordan".into(), "Rivera".into()) } else { words.person(rng) };
        let shift = if n == 0 { ShiftPattern::AroundTheClock } else { shift(rng) };
        let (status, pause_reason) = if n == 0 {
            (AgentStatus::Available, None)
        } else {
            initial_status(rng, shift.covers(now), pause_reasons)
        };
        let roles = if supervisor && n != 0 {
            vec!["Supervisor".to_string(), "Agent".to_string()]
        } else {
            vec!["Agent".to_string()]
        };
        users.insert(user(
            rng,
            id,
            (first, last),
            Some(team.clone()),
            roles,
            shift,
            status,
            pause_reason,
            now,
        ));
    }
    for _ in 0..others {
        let id = random_id(rng);
        let role = pick(&words.other_roles, rng).to_string();
        let person = words.person(rng);
        users.insert(user(
            rng,
            id,
            person,
            None,
            vec![role],
            ShiftPattern::Unscheduled,
            AgentStatus::Offline,
            None,
            now,
        ));
    }
    users
}

/// `(team id, team name)`, numbering names once the list runs out.
fn team_names(words: &Words, count: usize) -> Vec<(String, String)> {
    (0..count)
        .map(|i| {
            let base = words.teams[i % words.teams.len()];
            let round = i / words.teams.len();
            let name = if round == 0 { base.to_string() } else { format!("{base} {}", round + 1) };
            (format!("team-{:03}", i + 1), name)
        })
        .collect()
}

/// Mostly one of the floor's four shifts; some agents have none set.
fn shift(rng: &mut impl Rng) -> ShiftPattern {
    if rng.random_bool(0.1) {
        return ShiftPattern::Unscheduled;
    }
    let (start, hours) = *pick(&FLOOR_SHIFTS, rng);
    ShiftPattern::daily(start, hours)
}

fn initial_status(
    rng: &mut impl Rng,
    on_shift: bool,
    pause_reasons: &[&str],
) -> (AgentStatus, Option<String>) {
    if !on_shift {
        return (AgentStatus::Offline, None);
    }
    match rng.random_range(0..100) {
        0..45 => (AgentStatus::Available, None),
        45..75 => (AgentStatus::Busy, None),
        75..87 => (AgentStatus::Break, Some(pick(pause_reasons, rng).to_string())),
        87..92 => (AgentStatus::Training, None),
        _ => (AgentStatus::Offline, None),
    }
}

#[allow(clippy::too_many_arguments)]
fn user(
    rng: &mut impl Rng,
    id: String,
    (first, last): (String, String),
    team: Option<(String, String)>,
    roles: Vec<String>,
    shift: ShiftPattern,
    status: AgentStatus,
    pause_reason: Option<String>,
    now: OffsetDateTime,
) -> User {
    let since = Stamp::from_datetime(now - Duration::seconds(rng.random_range(30..4 * 3600)));
    let user_name = format!(
        "{}.{}{}",
        first.to_lowercase(),
        last.to_lowercase().replace(' ', ""),
        rng.random_range(1..100)
    );
    User {
        id,
        meta: Meta::new(since),
        first_name: first,
        last_name: last,
        user_name,
        team,
        roles,
        shift,
        status,
        pause_reason,
        status_since: since,
        wrap_up: None,
        auto_available: rng.random_bool(0.8),
        handling: None,
    }
}
