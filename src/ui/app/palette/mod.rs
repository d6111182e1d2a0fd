//! The `:` command line: what it understands, and what it suggests while
//! the supervisor types, arguments included (statuses, pause reasons,
//! codes, agents' names). A command is one more [`specs::Spec`] and one
//! more [`PaletteCommand`].

mod specs;
mod state;
mod words;

use super::pane::{CampaignSide, PaneId};
use super::{App, ListId};
use crate::sandbox::FaultProfile;
use crate::ui::entity::{Directory, Person};
use crate::ui::keymap::Verb;
use specs::{Args, SPECS, Spec};
use state::{state, state_suggestions};
use words::words;

/// Suggestions shown at once.
const MOST_SUGGESTIONS: usize = 8;

/// A command the line can run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaletteCommand {
    Pane(PaneId, CampaignSide),
    /// Select the agent with this id on the agents pane.
    Agent(String),
    /// Compose a state change for the selected or marked agents.
    State {
        status: String,
        reason: Option<String>,
    },
    /// Compose a disposition with this code where the keys are.
    Dispose(String),
    /// Compose attribute changes, starting with these pairs.
    Attr(Vec<(String, String)>),
    Simulate,
    Deploy,
    /// Register for the tenant's attribute callbacks.
    Watch,
    /// List the webhooks waiting and those given up on.
    Outbox,
    /// Put the webhooks given up on back in line.
    Resend,
    /// Show how each change of this session ended.
    Results,
    Faults(FaultProfile),
    Refresh,
    Freeze,
    /// Cancel the newest batch still running.
    Cancel,
    /// Bring back a form whose change was not applied: the one kept, or a
    /// list to choose from.
    Reopen,
    Help,
    Quit,
}

/// What the line can see to complete and resolve names.
pub struct Scope<'a> {
    pub agents: &'a Directory,
    pub sandbox: bool,
    /// Commands that change the tenant are gone.
    pub read_only: bool,
    /// The tenant's pause reasons, once read.
    pub pause_reasons: Vec<&'a str>,
    /// The codes `dispose` takes where the keys are, with what each means.
    pub codes: Vec<(String, String)>,
}

/// What `app` lets the line see: the codes are the disposition matrix's,
/// or the selected campaign's outcomes when the keys are on its contacts.
pub fn scope(app: &App) -> Scope<'_> {
    let on_contacts = app.focused_list() == ListId::Contacts || app.focused_list() == ListId::Campaigns;
    let codes = if on_contacts {
        let campaign = app.campaigns.selected_row();
        campaign.map_or_else(Vec::new, |c| {
            c.outcome_matrix()
                .codes()
                .map(|code| (code.to_string(), format!("outcome · {}", c.name)))
                .collect()
        })
    } else {
        app.rules.dispositions().map_or_else(
            |_| Vec::new(),
            |matrix| matrix.codes().map(|c| (c.code.clone(), c.description.clone())).collect(),
        )
    };
    Scope {
        agents: &app.directory,
        sandbox: app.session.is_sandbox(),
        read_only: app.session.read_only,
        pause_reasons: app
            .rules
            .pause_reasons()
            .map_or_else(|_| Vec::new(), |reasons| reasons.iter().collect()),
        codes,
    }
}

/// The line being typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Palette {
    pub input: String,
    /// The highlighted suggestion.
    pub selected: usize,
    /// The highlight was moved with ↑/↓ since the line last changed: Enter
    /// then runs that suggestion, even when the typed line runs on its own
    /// (`agent valentina` would otherwise pick the first Valentina).
    pub chosen: bool,
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
        Args::State => state_suggestions(&rest, scope),
        Args::Code => scope
            .codes
            .iter()
            .filter(|(code, _)| code.to_lowercase().starts_with(&rest))
            .take(MOST_SUGGESTIONS * 2)
            .map(|(code, desc)| Suggestion { line: format!("dispose {code}"), desc: desc.clone() })
            .collect(),
        Args::Pairs => Vec::new(),
    }
}

/// Reads a whole line into a command, or says in words why it cannot.
pub fn parse(input: &str, scope: &Scope<'_>) -> Result<PaletteCommand, String> {
    let input = input.trim();
    let (word, rest) = input.split_once(' ').map_or((input, ""), |(w, r)| (w, r.trim()));
    let word = word.to_lowercase();
    if let Some(refused) = refusal(&word, scope) {
        return Err(refused);
    }
    let command = match word.as_str() {
        "" => return Err("type a command; Tab completes, Esc closes".into()),
        "agents" => PaletteCommand::Pane(PaneId::Agents, CampaignSide::Campaigns),
        "interactions" => PaletteCommand::Pane(PaneId::Interactions, CampaignSide::Campaigns),
        "campaigns" => PaletteCommand::Pane(PaneId::Campaigns, CampaignSide::Campaigns),
        "contacts" => PaletteCommand::Pane(PaneId::Campaigns, CampaignSide::Contacts),
        "data-actions" | "actions" => PaletteCommand::Pane(PaneId::DataActions, CampaignSide::Campaigns),
        "audit" => PaletteCommand::Pane(PaneId::Audit, CampaignSide::Campaigns),
        "agent" => return agent(scope.agents, rest),
        "state" => return state(rest, scope),
        "dispose" if rest.is_empty() => {
            return Err("dispose needs a code: dispose <code> (Tab lists them)".into());
        }
        "dispose" => return dispose(rest, scope),
        "attr" => return pairs(rest).map(PaletteCommand::Attr),
        "simulate" => PaletteCommand::Simulate,
        "deploy" => PaletteCommand::Deploy,
        "watch" => PaletteCommand::Watch,
        "resend" => PaletteCommand::Resend,
        "outbox" => PaletteCommand::Outbox,
        "results" => PaletteCommand::Results,
        "faults" => return rest.parse().map(PaletteCommand::Faults),
        "refresh" => PaletteCommand::Refresh,
        "freeze" => PaletteCommand::Freeze,
        "cancel" => PaletteCommand::Cancel,
        "reopen" => PaletteCommand::Reopen,
        "help" => PaletteCommand::Help,
        "quit" | "q" => PaletteCommand::Quit,
        other => {
            // Listing every command would not fit the line; Tab shows them.
            let near = specs(scope).map(|s| s.name).find(|name| edits(name, other) <= 2);
            return Err(match near {
                Some(name) => {
                    format!("unknown command {other:?}: did you mean {name}? Tab lists the commands")
                }
                None => format!("unknown command {other:?}; Tab lists the commands"),
            });
        }
    };
    if !rest.is_empty() {
        return Err(format!("{word} takes nothing after it"));
    }
    Ok(command)
}

/// The edits (a letter added, dropped or changed) from `a` to `b`.
fn edits(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let next = (diagonal + usize::from(ca != *cb)).min(row[j] + 1).min(row[j + 1] + 1);
            diagonal = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

/// `dispose <code>`: one of the codes where the keys are, as the tenant
/// spells it.
fn dispose(code: &str, scope: &Scope<'_>) -> Result<PaletteCommand, String> {
    if scope.codes.is_empty() {
        return Ok(PaletteCommand::Dispose(code.to_string()));
    }
    match scope.codes.iter().find(|(known, _)| known.eq_ignore_ascii_case(code)) {
        Some((known, _)) => Ok(PaletteCommand::Dispose(known.clone())),
        None => Err(format!("{code:?} is not one of the codes here; Tab lists them")),
    }
}

/// `key=value` pairs, separated by spaces; a value with spaces is quoted
/// (`note="call back after 5"`), and keeps its quotes, which make it text.
fn pairs(rest: &str) -> Result<Vec<(String, String)>, String> {
    words(rest)?
        .into_iter()
        .map(|pair| match pair.split_once('=') {
            Some((key, value)) if !key.is_empty() => Ok((key.to_string(), value.to_string())),
            _ => Err(format!(
                "{pair:?} is not key=value; write attr customer_segment=enterprise (quote a value with \
                 spaces: note=\"call back\")"
            )),
        })
        .collect()
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
pub fn usage(sandbox: bool, read_only: bool) -> Vec<(String, &'static str)> {
    SPECS
        .iter()
        .filter(|s| s.offered(sandbox, read_only))
        .map(|s| (format!("{}{}", s.name, specs::usage(&s.args)), s.desc))
        .collect()
}

/// The command that does what `verb` does, as a hint writes it
/// (`cancel`, `state <status>`), when this console has one.
pub fn command_for(verb: Verb, sandbox: bool, read_only: bool) -> Option<String> {
    let name = specs::for_verb(verb)?;
    let spec = SPECS.iter().find(|s| s.name == name && s.offered(sandbox, read_only))?;
    Some(format!("{name}{}", specs::needs(&spec.args)))
}

/// Why the line refuses the command `word` names in `scope`, when it does.
fn refusal(word: &str, scope: &Scope<'_>) -> Option<String> {
    SPECS.iter().find(|s| s.name == word)?.refused(scope.sandbox, scope.read_only)
}

fn specs<'s>(scope: &'s Scope<'_>) -> impl Iterator<Item = &'static Spec> + 's {
    SPECS.iter().filter(|s| s.offered(scope.sandbox, scope.read_only))
}

#[cfg(test)]
mod tests;
