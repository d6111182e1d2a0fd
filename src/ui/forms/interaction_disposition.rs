//! The interaction disposition form: a code from the tenant's matrix, its
//! description, notes, and the agent it is recorded for (see
//! [`target_agents`]).

use super::target_agents::{self, Target};
use super::{
    Check, Choice, Facts, Field, Form, Input, Kind, Named, Opt, Outgoing, Plan, PlanLine, Rules, count,
};
use crate::api::model::Interaction;
use crate::domain::interaction_disposition::{DispositionDraft, InteractionDisposition, ensure_closed};
use crate::ui::entity::Entity;
use crate::ui::panes::format::short_id;

const CODE: usize = 0;
const DESCRIPTION: usize = 1;
const NOTES: usize = 2;
const AGENT: usize = 3;

pub(super) fn open(rows: Vec<Interaction>, code: Option<&str>, rules: &Rules) -> Form {
    let title = match rows.as_slice() {
        [one] => format!("Disposition · {}", named(one)),
        many => format!("Disposition · {}", count(many.len(), "interaction")),
    };
    let fields = vec![
        Field::choice("code", "Code", Choice::new(codes(rules, code.unwrap_or("")), code.unwrap_or(""))),
        Field::text("description", "Description", "", "filled in from the code; edit to say more"),
        Field::text("notes", "Notes", "", "optional"),
        Field::text(
            Interaction::FIELD,
            "Agent id",
            &target_agents::prefill(&rows),
            &target_agents::help(&rows),
        ),
    ];
    let mut form = Form::new(Kind::InteractionDisposition(rows), title, fields);
    if let Some(code) = code {
        form.fields[CODE].touched = true;
        describe(&mut form.fields, rules, code);
    }
    form
}

/// "(choose a code)", then the matrix's codes once read, and `kept` when it
/// is not one of them: a code given before the matrix was read (`:dispose
/// 105` at start-up) stays until the rules say whether it holds.
fn codes(rules: &Rules, kept: &str) -> Vec<Opt> {
    let mut options = vec![Opt::new("", "(choose a code)")];
    if let Ok(matrix) = rules.dispositions() {
        options.extend(matrix.codes().map(|c| Opt::new(&c.code, format!("{} {}", c.code, c.description))));
    }
    if !options.iter().any(|o| o.value == kept) {
        options.push(Opt::plain(kept));
    }
    options
}

/// Fills the description from the code until the supervisor types in it;
/// from then on it is theirs, whatever code they choose.
fn describe(fields: &mut [Field], rules: &Rules, code: &str) {
    let Ok(matrix) = rules.dispositions() else { return };
    let described = matrix.get(code).map(|c| c.description.as_str()).unwrap_or_default();
    let Some(field) = fields.get_mut(DESCRIPTION) else { return };
    if field.touched {
        // Typed in, cleared included: it no longer follows the code, and its
        // help stops saying it does.
        field.help = "what this disposition means (no longer follows the code)".into();
        return;
    }
    if let Input::Text(text) = &mut field.input
        && text.text() != described
    {
        *text = super::TextInput::new(described.to_owned());
    }
}

pub(super) fn check(fields: &mut [Field], rows: &[Interaction], facts: &Facts<'_>) -> Check {
    if let Some(field) = fields.get_mut(AGENT) {
        target_agents::describe(field, rows, facts.directory);
    }
    if let Some(Input::Choice(choice)) = fields.get_mut(CODE).map(|f| &mut f.input) {
        let kept = choice.value().to_string();
        choice.set_options(codes(facts.rules, &kept));
    }
    let code = fields.get(CODE).map(Field::value).unwrap_or_default();
    describe(fields, facts.rules, &code);
    let mut check = Check::default();
    let matrix = match facts.rules.dispositions() {
        Ok(matrix) => matrix,
        Err(missing) => {
            check.note("", missing);
            return check;
        }
    };
    let value = |i: usize| fields.get(i).map(Field::value).unwrap_or_default();
    let typed_agent = value(AGENT);
    let rule = target_agents::rule(rows);
    let mut agent_problems = target_agents::Problems::default();
    let mut unknown = target_agents::Unknown::default();
    let mut each = Vec::new();
    let mut lines = Vec::new();
    let mut all_refused = true;
    let mut first_refusal = None;
    for row in rows {
        // Told whatever else the form lacks: an open interaction refuses
        // the change however the fields are filled in.
        let refused =
            ensure_closed(&row.id, &row.status).err().map(|e| format!("will be refused: {}", e.rule));
        all_refused &= refused.is_some();
        if first_refusal.is_none() {
            first_refusal.clone_from(&refused);
        }
        let (agent_id, source) = target_agents::resolve(row, &typed_agent, rule);
        unknown.note(agent_id, source, facts.directory);
        let draft = DispositionDraft {
            code: code.clone(),
            description: value(DESCRIPTION),
            agent_id: agent_id.to_string(),
            notes: value(NOTES),
            ..Default::default()
        };
        match InteractionDisposition::validate(
            row.id.as_str(),
            std::slice::from_ref(&draft),
            matrix,
            facts.now,
        ) {
            Ok(valid) => {
                // A row that may not show this session's latest change
                // foretells nothing from what it holds.
                let lagging = facts.lagging.of(&row.key()).is_some();
                let note = refused.or_else(|| {
                    (!lagging && valid.held_by(&row.dispositions))
                        .then(|| "already so; will be skipped".into())
                });
                let change = format!("{} {}", draft.code.trim(), draft.description.trim());
                let after = target_agents::after(row, agent_id, change, facts.directory);
                lines.push(PlanLine { entity: entity(row, facts), before: current(row), after, note });
            }
            Err(invalid) => {
                for e in invalid.errors() {
                    match e.field.as_str() {
                        Interaction::FIELD => agent_problems.note(&mut check, row, agent_id, source, &e.rule),
                        "interaction_id" => check.note("", e.rule.clone()),
                        _ => check.note(e.field.clone(), e.rule.clone()),
                    }
                }
                continue;
            }
        }
        each.push(Named {
            draft: (row.id.to_string(), vec![draft]),
            name: row.customer_name.clone().unwrap_or_default(),
        });
    }
    agent_problems.finish::<Interaction>(&mut check);
    if rows.is_empty() {
        check.note("", "no interaction is selected");
    }
    // Rows that hold the change already are warned of on the confirmation;
    // only rows that all refuse it leave nothing to confirm.
    if let Some(why) = first_refusal.filter(|_| all_refused) {
        // The form holds the rows as they were; the keys of the panes (refresh
        // among them) do nothing while it is open.
        check.note(
            "",
            format!(
                "as of the last refresh, nothing here can take it ({why}); refresh, then open the form again"
            ),
        );
    }
    let title = match rows {
        [one] => format!("Set this disposition on the {}?", named(one)),
        many => format!("Set this disposition on {}?", count(many.len(), "interaction")),
    };
    let label = format!("disposition {code}");
    let notes = value(NOTES);
    check.finish(|| {
        let mut plan = Plan::new(title, label, lines, Outgoing::Dispositions(each)).counted("interaction");
        if !notes.trim().is_empty() {
            plan = plan.also(format!("notes: {:?}", notes.trim()));
        }
        unknown.warn::<Interaction>(plan, facts.directory)
    })
}

/// An interaction as a confirmation names it: who called, and its id.
fn entity(row: &Interaction, facts: &Facts<'_>) -> String {
    let who = row
        .customer_name
        .clone()
        .or_else(|| row.agent_id.as_deref().map(|a| facts.directory.name_or_id(a).to_string()));
    match who {
        Some(who) => format!("{} ({who}, {})", short_id(row.id.as_str()), row.status),
        None => format!("{} ({})", short_id(row.id.as_str()), row.status),
    }
}

fn current(row: &Interaction) -> String {
    if row.dispositions.is_empty() {
        "no disposition".into()
    } else {
        row.dispositions
            .iter()
            .map(|d| format!("{} {}", d.code, d.description))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl Target for Interaction {
    const FIELD: &'static str = "agent_id";
    const NOUN: &'static str = "interaction";
    const WHICH: &'static str = "which";
    const RECORDS: &'static str = "dispositions";

    fn agent(&self) -> Option<&str> {
        self.agent_id.as_deref()
    }

    fn name(&self) -> String {
        named(self)
    }
}

/// An interaction as a title names it: by its customer, whom the
/// supervisor knows it by, else by the first block of its id.
pub(super) fn named(row: &Interaction) -> String {
    match &row.customer_name {
        Some(name) => format!("interaction with {name}"),
        None => format!("interaction {}", short_id(row.id.as_str())),
    }
}
