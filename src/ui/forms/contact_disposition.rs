//! The outbound contact disposition form: an outcome from the campaign's
//! matrix, notes, the agent (see [`target_agents`]), and custom fields as
//! `key=value` rows.

use super::attributes::{scalar, shown};
use super::plan::Names;
use super::target_agents::{self, Target};
use super::{Check, Choice, Facts, Field, Form, Kind, Named, Opt, Outgoing, Plan, PlanLine, count};
use crate::api::model::{Campaign, Contact};
use crate::domain::contact_disposition::{
    ContactDisposition, ContactDispositionDraft, OPT_OUT, OutcomeMatrix, check_contact,
};
use crate::domain::numbers::{AS_TEXT, first_inexact};
use crate::ui::capped::capped_name;
use crate::ui::entity::{Directory, Entity};
use serde_json::{Map, Value};
use std::collections::BTreeSet;

const OUTCOME: usize = 0;
const NOTES: usize = 1;
const AGENT: usize = 2;
/// Where the custom field rows start.
const ROWS: usize = 3;

pub(super) fn open(rows: Vec<Contact>, code: Option<&str>, campaigns: &[Campaign]) -> Form {
    // Namesakes are told apart once the form is checked against the contacts loaded.
    let title = title(&rows, &Directory::default());
    let fields = vec![
        Field::choice("outcomeCode", "Outcome", Choice::new(outcomes(&rows, campaigns), code.unwrap_or(""))),
        Field::text("notes", "Notes", "", "optional"),
        Field::text("agentId", "Agent id", &target_agents::prefill(&rows), &target_agents::help(&rows)),
        custom_row(0),
    ];
    let mut form = Form::new(Kind::ContactDisposition(rows), title, fields);
    form.fields[OUTCOME].touched = code.is_some();
    form
}

/// The form's title: the contact it is for, told apart from a namesake,
/// or how many.
pub(super) fn title(rows: &[Contact], names: &Directory) -> String {
    match rows {
        [one] => format!("Outcome · {}", contact_name(one, names)),
        many => format!("Outcome · {}", count(many.len(), "contact")),
    }
}

/// A contact's name, with what tells it apart when another contact loaded
/// goes by the same name: the confirmation tells its lines apart the same way.
pub fn contact_name(contact: &Contact, names: &Directory) -> String {
    let name = capped_name(&contact.first_name, &contact.last_name).into_owned();
    if names.has_contact_namesake(&contact.key(), &name) {
        format!("{name} ({})", aside(contact, names))
    } else {
        name
    }
}

/// What tells a contact from its namesakes: the number the dialer calls,
/// which the supervisor sees in the list (or the id when it has none), and
/// its campaign when a namesake is in another one, for the same person
/// called in two campaigns.
fn aside(contact: &Contact, names: &Directory) -> String {
    let campaign = contact.campaign_id.as_str();
    if names.has_contact_namesake_outside(&capped_name(&contact.first_name, &contact.last_name), campaign) {
        format!("{}, {}", reached(contact), names.campaign_or_id(campaign))
    } else {
        reached(contact).to_string()
    }
}

/// The number the dialer calls, or the id of a contact that has none.
fn reached(contact: &Contact) -> &str {
    match contact.phone.trim() {
        "" => contact.id.as_str(),
        phone => phone,
    }
}

/// The campaign every row is in, when they are all in one: the review then
/// says it once, in its title, rather than beside each namesake.
fn one_campaign(rows: &[Contact]) -> Option<&str> {
    let (first, rest) = rows.split_first()?;
    rest.iter().all(|c| c.campaign_id == first.campaign_id).then_some(first.campaign_id.as_str())
}

/// Why `row`'s campaign, not among the loaded ones, gives no outcomes: not
/// read yet, or gone from the tenant's list since the contact was.
fn missing_campaign(row: &Contact, facts: &Facts<'_>) -> String {
    let campaign = facts.directory.campaign_or_id(row.campaign_id.as_str());
    if facts.campaigns.is_empty() {
        format!("campaign {campaign} is not loaded yet; wait for the refresh")
    } else {
        format!(
            "campaign {campaign} is no longer on the tenant's list, so its outcomes cannot be checked or sent"
        )
    }
}

fn custom_row(n: usize) -> Field {
    Field::text(
        &format!("customFields[{n}]"),
        "Custom field",
        "",
        "key=value; a number, true, false or null stays one",
    )
    .in_row(n)
}

/// Whether `code`, chosen, is one `matrix` lacks.
fn misses(matrix: &OutcomeMatrix, code: &str) -> bool {
    let code = code.trim();
    !code.is_empty() && !matrix.contains(code)
}

/// "(choose an outcome)", then every outcome the targets' campaigns accept.
fn outcomes(rows: &[Contact], campaigns: &[Campaign]) -> Vec<Opt> {
    let wanted: BTreeSet<&str> = rows.iter().map(|c| c.campaign_id.as_str()).collect();
    let mut codes = BTreeSet::new();
    for campaign in campaigns.iter().filter(|c| wanted.contains(c.id.as_str())) {
        codes.extend(campaign.outcome_matrix().codes().map(str::to_string));
    }
    std::iter::once(Opt::new("", "(choose an outcome)")).chain(codes.into_iter().map(Opt::plain)).collect()
}

pub(super) fn add_row(fields: &mut Vec<Field>, after: Option<usize>) -> Option<usize> {
    let at = after.map_or(fields.len(), |row| ROWS + row + 1);
    fields.insert(at, custom_row(0));
    renumber(fields);
    Some(at)
}

pub(super) fn remove_row(fields: &mut Vec<Field>, row: usize) -> bool {
    fields.remove(ROWS + row);
    if fields.len() == ROWS {
        fields.push(custom_row(0));
    }
    renumber(fields);
    true
}

fn renumber(fields: &mut [Field]) {
    for (n, field) in fields.iter_mut().skip(ROWS).enumerate() {
        field.name = format!("customFields[{n}]");
        field.row = Some(n);
    }
}

/// The rows as one JSON object; each row that is not `key=value`, or
/// repeats a key, is a problem under its own name.
fn custom_fields(fields: &[Field], check: &mut Check) -> Option<Value> {
    let mut map = Map::new();
    for field in fields.iter().skip(ROWS) {
        let text = field.value();
        if text.trim().is_empty() {
            continue;
        }
        let Some((key, value)) = text.split_once('=') else {
            check.note(&field.name, "write it as key=value");
            continue;
        };
        let (key, value) = (key.trim(), value.trim());
        if key.is_empty() {
            check.note(&field.name, "the key before = is empty");
        } else if let Some(rule) = unkept_number(value) {
            check.note(&field.name, format!("{key}: {value} {rule}"));
        } else if map.insert(key.to_string(), scalar(value)).is_some() {
            check.note(&field.name, format!("{key:?} is set twice"));
        }
    }
    (!map.is_empty()).then_some(Value::Object(map))
}

/// Why a value written as a bare number cannot go as that number, as a
/// change file's `customFields` is refused: sent as text instead, it would
/// replace a number (a lead score) with a string nobody asked for.
fn unkept_number(value: &str) -> Option<String> {
    let reads_as_number = value.starts_with(['-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9'])
        && value.parse::<f64>().is_ok();
    let inexact = first_inexact(value).filter(|_| reads_as_number)?;
    // Even a number out of range may be an account number meant as text.
    Some(format!("{}; {AS_TEXT}", inexact.rule()))
}

pub(super) fn check(fields: &mut [Field], rows: &[Contact], facts: &Facts<'_>) -> Check {
    if let Some(field) = fields.get_mut(AGENT) {
        target_agents::describe(field, rows, facts.directory);
    }
    let value = |i: usize| fields.get(i).map(Field::value).unwrap_or_default();
    let mut check = Check::default();
    let custom = custom_fields(fields, &mut check);
    let code = value(OUTCOME);
    let typed_agent = value(AGENT);
    let rule = target_agents::rule(rows);
    let mut agent_problems = target_agents::Problems::default();
    let mut unknown = target_agents::Unknown::default();
    let mut drafts = Vec::new();
    let mut lines = Vec::new();
    let namesakes = rows.iter().filter(|c| {
        facts.directory.has_contact_namesake(&c.key(), &capped_name(&c.first_name, &c.last_name))
    });
    let names = Names::new(rows.iter().map(Contact::display_name))
        .shared_beyond(namesakes.map(Contact::display_name));
    // One contact's title names it in full, campaign and all.
    let in_one = one_campaign(rows).filter(|_| rows.len() > 1);
    for row in rows {
        let Some(campaign) = facts.campaigns.iter().find(|c| c.id == row.campaign_id) else {
            check.note("", missing_campaign(row, facts));
            continue;
        };
        let matrix: OutcomeMatrix = campaign.outcome_matrix();
        let (agent_id, source) = target_agents::resolve(row, &typed_agent, rule);
        let draft = ContactDispositionDraft {
            contact_id: row.id.to_string(),
            campaign_id: row.campaign_id.to_string(),
            outcome_code: code.clone(),
            agent_id: agent_id.to_string(),
            notes: value(NOTES),
            custom_fields: custom.clone(),
            disposition_timestamp: String::new(),
        };
        unknown.note(agent_id, source, facts.directory);
        match ContactDisposition::validate(&draft, &matrix, facts.now) {
            Ok(valid) => {
                let mut line = line(row, &valid, (&names, in_one.is_some()), facts);
                if facts.contacts_done.contains(&row.key()) {
                    line.note = Some(
                        "given an outcome earlier this session: will be skipped as a duplicate (each contact \
                         is sent once a session)"
                            .into(),
                    );
                }
                lines.push(line);
            }
            Err(invalid) => {
                for e in invalid.errors() {
                    match e.field.as_str() {
                        Contact::FIELD => agent_problems.note(&mut check, row, agent_id, source, &e.rule),
                        "contactId" | "campaignId" => check.note("", e.rule.clone()),
                        // Contacts of several campaigns are offered every
                        // campaign's outcomes: one missing from a matrix
                        // names the campaign it is missing from.
                        "outcomeCode" if in_one.is_none() && rows.len() > 1 && misses(&matrix, &code) => {
                            let campaign = facts.directory.campaign_or_id(row.campaign_id.as_str());
                            let rule = format!(
                                "{} is not in the outcome matrix of campaign {campaign}",
                                code.trim()
                            );
                            check.note(e.field.clone(), rule);
                        }
                        _ => check.note(e.field.clone(), e.rule.clone()),
                    }
                }
            }
        }
        drafts.push(Named { draft, name: row.display_name() });
    }
    agent_problems.finish::<Contact>(&mut check);
    if rows.is_empty() {
        check.note("", "no contact is selected");
    }
    let title = match rows {
        [one]
            if facts
                .directory
                .has_contact_namesake(&one.key(), &capped_name(&one.first_name, &one.last_name)) =>
        {
            format!("Set the outcome of {} to {code}?", contact_name(one, facts.directory))
        }
        [one] => format!("Set {}'s outcome to {code}?", capped_name(&one.first_name, &one.last_name)),
        many => {
            let campaign =
                in_one.map(|id| format!(" in {}", facts.directory.campaign_or_id(id))).unwrap_or_default();
            format!("Set the outcome of {}{campaign} to {code}?", count(many.len(), "contact"))
        }
    };
    let opted_out =
        rows.iter().filter(|r| r.outcome_code.as_deref() == Some(OPT_OUT) && code != OPT_OUT).count();
    // Notes replace the contact's own: the review says what they replace.
    let notes = match (value(NOTES).trim(), rows) {
        ("", _) => None,
        (new, [one]) => Some(match one.notes.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
            Some(old) => format!("notes: {new:?}, replacing {old:?}"),
            None => format!("notes: {new:?}"),
        }),
        (new, _) => Some(format!("notes: {new:?}, replacing each contact's own")),
    };
    check.finish(|| {
        let mut plan = Plan::new(title, code.clone(), lines, Outgoing::Contacts(drafts)).counted("contact");
        if let Some(notes) = notes {
            plan = plan.also(notes);
        }
        if opted_out > 0 {
            let which = if opted_out == 1 { "a contact that" } else { "contacts that" };
            let n = if opted_out == 1 { String::new() } else { format!("{opted_out} ") };
            plan = plan.warn(format!(
                "This replaces {OPT_OUT} on {n}{which} asked not to be called: the dialer may call them again."
            ));
        }
        unknown.warn::<Contact>(plan, facts.directory)
    })
}

/// A contact before → after; the agent is named where it is not the
/// contact's own, so a confirmation shows every attribution the form made.
/// `names` tells namesakes apart, by phone alone when the title names the
/// one campaign (`campaign_said`).
fn line(
    row: &Contact,
    valid: &ContactDisposition,
    (names, campaign_said): (&Names, bool),
    facts: &Facts<'_>,
) -> PlanLine {
    let before = row.outcome_code.clone().unwrap_or_else(|| "no outcome".into());
    let wanted = &valid.outcome_code;
    // A row that may not show this session's latest change foretells
    // nothing from its state: the engine reads the contact when it goes.
    let note = match facts.lagging.of(&row.key()) {
        Some(_) => None,
        None => check_contact(&row.state, row.outcome_code.as_deref(), wanted)
            .err()
            .map(|skip| format!("will be skipped: {skip}")),
    };
    let mut after = target_agents::after(row, valid.agent_id.as_str(), wanted.to_string(), facts.directory);
    // Each custom field sent, as its own pair beside the outcome's, with
    // what the contact holds now; values as JSON (text quoted, as the
    // attributes review writes it) so "68" and 68 are told apart.
    for (key, value) in valid.custom_fields.iter().flatten() {
        let now = row.custom_fields.get(key).map_or_else(|| "(not set)".to_string(), shown);
        after.push_str(&format!(" · {key}: {now} → {}", shown(value)));
    }
    let told = if campaign_said { reached(row).to_string() } else { aside(row, facts.directory) };
    PlanLine { entity: names.of(row.display_name(), &told), before, after, note }
}

impl Target for Contact {
    const FIELD: &'static str = "agentId";
    const NOUN: &'static str = "contact";
    const WHICH: &'static str = "who";
    const RECORDS: &'static str = "outcomes";

    fn agent(&self) -> Option<&str> {
        self.agent_id.as_deref()
    }

    fn name(&self) -> String {
        self.display_name()
    }
}
