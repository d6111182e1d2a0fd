//! Every command the line knows: its name, what follows it, what it does,
//! and the keymap's action it stands for.

use crate::ui::app::PaneId;
use crate::ui::keymap::Verb;

/// What a command takes after its name.
pub(super) enum Args {
    None,
    AgentName,
    Choice(&'static [&'static str]),
    /// A status, then a pause reason.
    State,
    /// A code from the matrix of the focused pane.
    Code,
    /// `key=value` pairs.
    Pairs,
}

pub(super) struct Spec {
    pub name: &'static str,
    pub args: Args,
    pub desc: &'static str,
    pub sandbox_only: bool,
    /// What it does to the tenant, or to what other systems hear of it
    /// ("changes the tenant"): gone in read-only mode, which says so.
    pub writes: Option<&'static str>,
}

impl Spec {
    /// Whether the line offers it: a command of the sandbox only on the
    /// sandbox, and one that writes not in read-only mode.
    pub fn offered(&self, sandbox: bool, read_only: bool) -> bool {
        (sandbox || !self.sandbox_only) && !(read_only && self.writes.is_some())
    }

    /// Why the line refuses it in `scope`, when it does.
    pub fn refused(&self, sandbox: bool, read_only: bool) -> Option<String> {
        match self.writes {
            Some(does) if read_only => Some(format!("{} {does}, and this console is read-only", self.name)),
            _ if self.sandbox_only && !sandbox => Some(format!(
                "{} can only be set on the embedded sandbox; this profile is a real tenant",
                self.name
            )),
            _ => None,
        }
    }
}

const fn spec(name: &'static str, args: Args, desc: &'static str) -> Spec {
    Spec { name, args, desc, sandbox_only: false, writes: None }
}

const fn change(name: &'static str, args: Args, desc: &'static str) -> Spec {
    Spec { name, args, desc, sandbox_only: false, writes: Some("changes the tenant") }
}

pub(super) const SPECS: &[Spec] = &[
    spec("agents", Args::None, "Show the agents"),
    spec("interactions", Args::None, "Show the interactions"),
    spec("campaigns", Args::None, "Show the outbound campaigns"),
    spec("contacts", Args::None, "Show the selected campaign's contacts"),
    spec("data-actions", Args::None, "Show the data actions"),
    spec("audit", Args::None, "Move to the audit log"),
    spec("agent", Args::AgentName, "Jump to an agent by name"),
    change("state", Args::State, "Set the selected or marked agents' state (and pause reason)"),
    change(
        "dispose",
        Args::Code,
        "Set a disposition on the selected or marked interactions, an outcome on contacts",
    ),
    change("attr", Args::Pairs, "Change the selected or marked interactions' attributes"),
    spec("simulate", Args::None, "Try the routing handler on an input, locally"),
    change("deploy", Args::None, "Deploy a new data action"),
    change(
        "watch",
        Args::None,
        "Register for the tenant's attribute callbacks: each change shows as it lands",
    ),
    spec("results", Args::None, "Show how each change of this session ended, newest first"),
    spec("outbox", Args::None, "List the webhooks waiting and those given up on"),
    Spec {
        name: "resend",
        args: Args::None,
        desc: "Send again the webhooks given up on (to the CRM, WFM, analytics)",
        sandbox_only: false,
        writes: Some("sends webhooks out again"),
    },
    Spec {
        name: "faults",
        args: Args::Choice(&["none", "light", "storm"]),
        desc: "Set the sandbox's fault mix",
        sandbox_only: true,
        writes: None,
    },
    spec("refresh", Args::None, "Refresh every table now"),
    spec("freeze", Args::None, "Freeze or thaw the tables"),
    change("cancel", Args::None, "Cancel the running batch: targets not yet started are skipped"),
    change(
        "reopen",
        Args::None,
        "Reopen a form whose change to one target was not applied (a list when several are kept)",
    ),
    spec("help", Args::None, "Show the keys and files"),
    spec("quit", Args::None, "Leave the console"),
];

/// How the help screen writes what follows a command.
pub(super) fn usage(args: &Args) -> String {
    match args {
        Args::None => String::new(),
        Args::AgentName => " <name>".into(),
        Args::Choice(choices) => format!(" {}", choices.join("|")),
        Args::State => " <status> [pause reason]".into(),
        Args::Code => " <code>".into(),
        Args::Pairs => " [key=value …]".into(),
    }
}

/// The command that does what `verb` does, if one does.
pub(super) fn for_verb(verb: Verb) -> Option<&'static str> {
    let name = match verb {
        Verb::Quit => "quit",
        Verb::Help => "help",
        Verb::Focus(PaneId::Agents) => "agents",
        Verb::Focus(PaneId::Interactions) => "interactions",
        Verb::Focus(PaneId::Campaigns) => "campaigns",
        Verb::Focus(PaneId::DataActions) => "data-actions",
        Verb::Focus(PaneId::Audit) => "audit",
        Verb::Freeze => "freeze",
        Verb::Refresh => "refresh",
        Verb::CancelBatch => "cancel",
        Verb::Reopen => "reopen",
        Verb::ChangeState => "state",
        Verb::Dispose => "dispose",
        Verb::Attributes => "attr",
        Verb::Simulate => "simulate",
        Verb::Deploy => "deploy",
        _ => return None,
    };
    Some(name)
}

/// What a hint writes after the name for what the command needs.
pub(super) fn needs(args: &Args) -> &'static str {
    match args {
        Args::State => " <status>",
        Args::Code => " <code>",
        Args::AgentName => " <name>",
        Args::Choice(_) => " <choice>",
        Args::None | Args::Pairs => "",
    }
}
