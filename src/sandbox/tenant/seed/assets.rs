//! The seed's word lists, compiled in from `assets/sandbox/`.

use rand::Rng;
use rand::seq::IndexedRandom;

const FIRST_NAMES: &str = include_str!("../../../../assets/sandbox/first_names.txt");
const LAST_NAMES: &str = include_str!("../../../../assets/sandbox/last_names.txt");
const TEAMS: &str = include_str!("../../../../assets/sandbox/teams.txt");
const QUEUES: &str = include_str!("../../../../assets/sandbox/queues.txt");
const DISPOSITIONS: &str = include_str!("../../../../assets/sandbox/dispositions.txt");
const PAUSE_REASONS: &str = include_str!("../../../../assets/sandbox/pause_reasons.txt");
const CAMPAIGNS: &str = include_str!("../../../../assets/sandbox/campaigns.txt");
const OTHER_ROLES: &str = include_str!("../../../../assets/sandbox/other_roles.txt");
pub(super) const DATA_ACTIONS: &str = include_str!("../../../../assets/sandbox/data_actions.json");

/// Non-blank lines that are not `#` comments.
fn lines(text: &'static str) -> Vec<&'static str> {
    text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).collect()
}

/// The word lists, read once per seed.
pub(crate) struct Words {
    pub first_names: Vec<&'static str>,
    pub last_names: Vec<&'static str>,
    pub teams: Vec<&'static str>,
    pub queues: Vec<&'static str>,
    pub other_roles: Vec<&'static str>,
}

impl Words {
    pub fn load() -> Self {
        Self {
            first_names: lines(FIRST_NAMES),
            last_names: lines(LAST_NAMES),
            teams: lines(TEAMS),
            queues: lines(QUEUES),
            other_roles: lines(OTHER_ROLES),
        }
    }

    pub fn person(&self, rng: &mut impl Rng) -> (String, String) {
        (pick(&self.first_names, rng).to_string(), pick(&self.last_names, rng).to_string())
    }
}

/// One of `items`; the lists are compiled in and never empty.
pub(crate) fn pick<'a, T>(items: &'a [T], rng: &mut impl Rng) -> &'a T {
    items.choose(rng).unwrap_or_else(|| unreachable!("seed lists are not empty"))
}

/// `code|description` pairs of the disposition matrix.
pub(super) fn dispositions() -> Vec<(&'static str, &'static str)> {
    lines(DISPOSITIONS)
        .into_iter()
        .filter_map(|l| l.split_once('|'))
        .map(|(c, d)| (c.trim(), d.trim()))
        .collect()
}

pub(super) fn pause_reasons() -> Vec<&'static str> {
    lines(PAUSE_REASONS)
}

/// A campaign line: name, dialing mode, extra outcome codes.
pub(super) struct CampaignLine {
    pub name: &'static str,
    pub dialing_mode: &'static str,
    pub extra_outcomes: Vec<&'static str>,
}

pub(super) fn campaigns() -> Vec<CampaignLine> {
    lines(CAMPAIGNS)
        .into_iter()
        .map(|l| {
            let mut parts = l.split('|').map(str::trim);
            let name = parts.next().unwrap_or("Campaign");
            let dialing_mode = parts.next().filter(|m| !m.is_empty()).unwrap_or("PREDICTIVE");
            let extra_outcomes =
                parts.next().unwrap_or("").split(',').map(str::trim).filter(|c| !c.is_empty()).collect();
            CampaignLine { name, dialing_mode, extra_outcomes }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::contact_disposition::OutcomeCode;

    #[test]
    fn the_shipped_lists_are_well_formed() {
        let w = Words::load();
        for list in [&w.first_names, &w.last_names, &w.teams, &w.queues, &w.other_roles] {
            assert!(list.len() >= 4);
        }
        let codes = dispositions();
        assert!(codes.iter().any(|(c, d)| *c == "101" && *d == "Issue Resolved"));
        assert!(codes.iter().any(|(c, _)| c.starts_with('2')));
        for reason in crate::domain::agent_status::DEFAULT_PAUSE_REASONS {
            assert!(pause_reasons().contains(&reason), "{reason}");
        }
        let campaigns = campaigns();
        assert_eq!(campaigns[0].name, "Spring Renewal");
        for c in &campaigns {
            for code in &c.extra_outcomes {
                assert!(OutcomeCode::parse_as("outcomeCode", code).is_ok(), "{code}");
            }
        }
    }
}
