//! The `:` command line: what it understands, and what it suggests while
//! the supervisor types. New commands (`:state`, `:dispose`) are one more
//! [`Spec`] and one more [`PaletteCommand`].

use super::pane::{CampaignSide, PaneId};
use crate::sandbox::FaultProfile;
use crate::ui::entity::{Directory, Person};

/// Suggestions shown at once.
const MOST_SUGGESTIONS: usize = 8;

/// A command the line can run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaletteCommand {
    Pane(PaneId, CampaignSide),
    /// Select the agent with this id on the agents pane.
    Agent(String),
    Faults(FaultProfile),
    Refresh,
    Freeze,
    Help,
    Quit,
}

enum Args {
    None,
    AgentName,
    Choice(&'static [&'static str]),
}

struct Spec {
    name: &'static str,
    args: Args,
    desc: &'static str,
    sandbox_only: bool,
}

const SPECS: &[Spec] = &[
    Spec { name: "agents", args: Args::None, desc: "Show the agents", sandbox_only: false },
    Spec { name: "interactions", args: Args::None, desc: "Show the interactions", sandbox_only: false },
    Spec { name: "campaigns", args: Args::None, desc: "Show the outbound campaigns", sandbox_only: false },
    Spec {
        name: "contacts",
        args: Args::None,
        desc: "Show the selected campaign's contacts",
        sandbox_only: false,
    },
    Spec { name: "data-actions", args: Args::None, desc: "Show the data actions", sandbox_only: false },
    Spec { name: "audit", args: Args::None, desc: "Move to the audit log", sandbox_only: false },
    Spec { name: "agent", args: Args::AgentName, desc: "Jump to an agent by name", sandbox_only: false },
    Spec {
        name: "faults",
        args: Args::Choice(&["none", "light", "storm"]),
        desc: "Set the sandbox's fault mix",
        sandbox_only: true,
    },
    Spec { name: "refresh", args: Args::None, desc: "Refresh every table now", sandbox_only: false },
    Spec { name: "freeze", args: Args::None, desc: "Freeze or thaw the tables", sandbox_only: false },
    Spec { name: "help", args: Args::None, desc: "Show the keys and files", sandbox_only: false },
    Spec { name: "quit", args: Args::None, desc: "Leave the console", sandbox_only: false },
];

/// What the line can see to complete and resolve names.
pub struct Scope<'a> {
    pub agents: &'a Directory,
    pub sandbox: bool,
}

/// The line being typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Palette {
    pub input: String,
    /// The highlighted suggestion.
    pub selected: usize,
    /// Why the last Enter did nothing.
    pub error: Option<String>,
}

/// A completion: the whole line it makes, and what it does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    pub line: String,
    pub desc: String,
}

pub fn suggestions(input: &str, scope: &Scope<'_>) -> Vec<Suggestion> {
    let input = input.trim_start();
    let Some((word, rest)) = input.split_once(' ') else {
        let word = input.to_lowercase();
        return specs(scope)
            .filter(|s| s.name.starts_with(&word))
            .map(|s| {
                let space = if matches!(s.args, Args::None) { "" } else { " " };
                Suggestion { line: format!("{}{space}", s.name), desc: s.desc.to_string() }
            })
            .collect();
    };
    let Some(spec) = specs(scope).find(|s| s.name == word.to_lowercase()) else { return Vec::new() };
    let rest = rest.trim_start().to_lowercase();
    match spec.args {
        Args::None => Vec::new(),
        Args::Choice(choices) => choices
            .iter()
            .filter(|c| c.starts_with(&rest))
            .map(|c| Suggestion { line: format!("{} {c}", spec.name), desc: spec.desc.to_string() })
            .collect(),
        Args::AgentName => agents_named(scope.agents, &rest)
            .into_iter()
            .take(MOST_SUGGESTIONS)
            .map(|(_, person)| Suggestion {
                line: format!("agent {}", person.name),
                desc: person.team.clone().unwrap_or_else(|| "no team".into()),
            })
            .collect(),
    }
}

/// Reads a whole line into a command, or says in words why it cannot.
pub fn parse(input: &str, scope: &Scope<'_>) -> Result<PaletteCommand, String> {
    let input = input.trim();
    let (word, rest) = input.split_once(' ').map_or((input, ""), |(w, r)| (w, r.trim()));
    let word = word.to_lowercase();
    let command = match word.as_str() {
        "" => return Err("type a command; Tab completes, Esc closes".into()),
        "agents" => PaletteCommand::Pane(PaneId::Agents, CampaignSide::Campaigns),
        "interactions" => PaletteCommand::Pane(PaneId::Interactions, CampaignSide::Campaigns),
        "campaigns" => PaletteCommand::Pane(PaneId::Campaigns, CampaignSide::Campaigns),
        "contacts" => PaletteCommand::Pane(PaneId::Campaigns, CampaignSide::Contacts),
        "data-actions" | "actions" => PaletteCommand::Pane(PaneId::DataActions, CampaignSide::Campaigns),
        "audit" => PaletteCommand::Pane(PaneId::Audit, CampaignSide::Campaigns),
        "agent" => return agent(scope.agents, rest),
        "faults" if !scope.sandbox => {
            return Err(
                "faults can only be set on the embedded sandbox; this profile is a real tenant".into()
            );
        }
        "faults" => return rest.parse().map(PaletteCommand::Faults),
        "refresh" => PaletteCommand::Refresh,
        "freeze" => PaletteCommand::Freeze,
        "help" => PaletteCommand::Help,
        "quit" | "q" => PaletteCommand::Quit,
        other => {
            let known: Vec<&str> = specs(scope).map(|s| s.name).collect();
            return Err(format!("unknown command {other:?}; the commands are {}", known.join(", ")));
        }
    };
    if !rest.is_empty() {
        return Err(format!("{word} takes nothing after it"));
    }
    Ok(command)
}

fn agent(agents: &Directory, name: &str) -> Result<PaletteCommand, String> {
    if name.is_empty() {
        return Err("agent needs a name: agent <name>".into());
    }
    let lower = name.to_lowercase();
    let found = agents_named(agents, &lower);
    let exact = found.iter().find(|(_, p)| p.name.to_lowercase() == lower);
    match exact.or(found.first()) {
        Some((id, _)) => Ok(PaletteCommand::Agent((*id).to_string())),
        None if agents.is_empty() => Err("no agents are loaded yet".into()),
        None => Err(format!("no agent's name contains {name:?}")),
    }
}

/// Agents whose name contains `needle` (lowercase): names starting with it
/// first, then alphabetically.
fn agents_named<'a>(agents: &'a Directory, needle: &str) -> Vec<(&'a str, &'a Person)> {
    let mut found: Vec<(bool, String, &str, &Person)> = agents
        .iter()
        .filter_map(|(id, person)| {
            let lower = person.name.to_lowercase();
            lower.contains(needle).then(|| (!lower.starts_with(needle), lower, id, person))
        })
        .collect();
    found.sort_by(|a, b| (a.0, &a.1, a.2).cmp(&(b.0, &b.1, b.2)));
    found.into_iter().map(|(_, _, id, person)| (id, person)).collect()
}

/// Every command as the help screen lists it: how to write it, what it does.
pub fn usage(sandbox: bool) -> Vec<(String, &'static str)> {
    SPECS
        .iter()
        .filter(|s| sandbox || !s.sandbox_only)
        .map(|s| {
            let args = match s.args {
                Args::None => String::new(),
                Args::AgentName => " <name>".into(),
                Args::Choice(choices) => format!(" {}", choices.join("|")),
            };
            (format!("{}{args}", s.name), s.desc)
        })
        .collect()
}

fn specs<'s>(scope: &'s Scope<'_>) -> impl Iterator<Item = &'static Spec> + 's {
    SPECS.iter().filter(|s| scope.sandbox || !s.sandbox_only)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn directory() -> Directory {
        let person = |name: &str| Person { name: name.into(), team: None };
        Directory::new([
            ("u1".to_string(), person("Amara Okafor")),
            ("u2".to_string(), person("Mara Lindqvist")),
            ("u3".to_string(), person("Bilal Haddad")),
        ])
    }

    #[test]
    fn commands_complete_by_prefix_and_agents_by_name() {
        let agents = directory();
        let scope = Scope { agents: &agents, sandbox: true };
        let lines: Vec<String> = suggestions("f", &scope).into_iter().map(|s| s.line).collect();
        assert_eq!(lines, ["faults ", "freeze"]);
        let lines: Vec<String> = suggestions("agent mar", &scope).into_iter().map(|s| s.line).collect();
        assert_eq!(lines, ["agent Mara Lindqvist", "agent Amara Okafor"], "prefix matches first");
        let lines: Vec<String> = suggestions("faults s", &scope).into_iter().map(|s| s.line).collect();
        assert_eq!(lines, ["faults storm"]);
    }

    #[test]
    fn lines_parse_or_say_why_not() {
        let agents = directory();
        let scope = Scope { agents: &agents, sandbox: true };
        assert_eq!(parse("agent bilal", &scope), Ok(PaletteCommand::Agent("u3".into())));
        assert_eq!(parse(" faults STORM ", &scope), Ok(PaletteCommand::Faults(FaultProfile::Storm)));
        assert!(parse("faults hail", &scope).unwrap_err().contains("unknown fault profile"));
        assert!(parse("agent zed", &scope).unwrap_err().contains("no agent's name contains \"zed\""));
        assert!(parse("launch", &scope).unwrap_err().starts_with("unknown command \"launch\""));
        assert!(parse("refresh now", &scope).unwrap_err().contains("takes nothing"));
        let tenant = Scope { agents: &agents, sandbox: false };
        assert!(parse("faults storm", &tenant).unwrap_err().contains("only be set on the embedded sandbox"));
        assert!(suggestions("fa", &tenant).is_empty(), "no faults on a real tenant");
    }
}
