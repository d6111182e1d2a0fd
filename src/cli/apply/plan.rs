//! The commands a batch file becomes, in file order. Contact dispositions
//! are gathered into one batch command (the engine deduplicates them and
//! keeps at most 50 of its requests at the tenant), placed where the first
//! of them stands; every other line is its own command.
//!
//! Every id derives from the tenant, the file's bytes and the line's number,
//! so running the same file against the same tenant again, after a crash
//! say, gives the same ids: the engine finds in the audit log what was
//! settled and skips it, and the tenant answers a repeated write from its
//! idempotency store. The same file run against another tenant (staging,
//! then production) is a new run.

use super::batch::Batch;
use super::entry::Entry;
use crate::engine::{Change, CommandId, Item};

/// One command and the lines it carries.
#[derive(Debug, Clone, PartialEq)]
pub struct Planned {
    pub id: CommandId,
    pub change: Change,
    /// Each line's index in the batch, with the id its outcome comes under.
    pub items: Vec<(usize, CommandId)>,
}

/// The id of the line numbered `number` in the file with `digest`, run
/// against `tenant` (a name for the tenant that stays the same across runs).
pub fn line_id(tenant: &str, digest: &[u8; 32], number: usize) -> CommandId {
    CommandId::derived([
        &b"cxone-console apply"[..],
        tenant.as_bytes(),
        digest,
        &(number as u64).to_be_bytes(),
    ])
}

fn contacts_id(tenant: &str, digest: &[u8; 32]) -> CommandId {
    CommandId::derived([&b"cxone-console apply"[..], tenant.as_bytes(), digest, b"contact_dispositions"])
}

/// The batch's commands against `tenant`, one for every line but the
/// contact dispositions, which make one.
pub fn plan(batch: &Batch, tenant: &str) -> Vec<Planned> {
    let mut commands = Vec::new();
    let mut contacts: Option<usize> = None;
    for (index, line) in batch.lines.iter().enumerate() {
        let id = line_id(tenant, &batch.digest, line.number);
        match &line.entry {
            Entry::ContactDisposition(draft) => {
                let item = Item::new(id.clone(), draft.clone());
                let at = *contacts.get_or_insert_with(|| {
                    commands.push(Planned {
                        id: contacts_id(tenant, &batch.digest),
                        change: Change::ContactDispositions(Vec::new()),
                        items: Vec::new(),
                    });
                    commands.len() - 1
                });
                let batch_command = &mut commands[at];
                if let Change::ContactDispositions(items) = &mut batch_command.change {
                    items.push(item);
                }
                batch_command.items.push((index, id));
            }
            Entry::AgentStatus(draft) => {
                let item = id.item(0);
                commands.push(Planned {
                    id,
                    change: Change::AgentStatus(vec![Item::new(item.clone(), draft.clone())]),
                    items: vec![(index, item)],
                });
            }
            entry => {
                if let Some(change) = entry.change() {
                    commands.push(Planned { id: id.clone(), change, items: vec![(index, id)] });
                }
            }
        }
    }
    commands
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Timestamp;
    use std::path::Path;

    const FILE: &str = r#"{"op":"contact_disposition","campaignId":"k","contactId":"c-1","outcomeCode":"BUSY","agentId":"a"}
{"op":"agent_status","userId":"u-1","status":"Busy"}
{"op":"contact_disposition","campaignId":"k","contactId":"c-2","outcomeCode":"BUSY","agentId":"a"}
{"op":"data_action.deprecate","id":"act-1"}
"#;

    fn batch(text: &str) -> Batch {
        Batch::parse(text.as_bytes(), Path::new("f.jsonl"), Timestamp::now()).unwrap()
    }

    #[test]
    fn contact_lines_make_one_batch_where_the_first_stands() {
        let commands = plan(&batch(FILE), "lab");
        assert_eq!(commands.len(), 3);
        let Change::ContactDispositions(items) = &commands[0].change else { panic!("{:?}", commands[0]) };
        assert_eq!(items.len(), 2);
        assert_eq!(commands[0].items.iter().map(|(i, _)| *i).collect::<Vec<_>>(), [0, 2]);
        assert!(matches!(commands[1].change, Change::AgentStatus(_)));
        assert_eq!(commands[2].items, [(3, commands[2].id.clone())]);
    }

    #[test]
    fn ids_follow_the_file_and_the_line() {
        let (once, again) = (plan(&batch(FILE), "lab"), plan(&batch(FILE), "lab"));
        assert_eq!(once, again, "the same file, the same ids");
        let elsewhere = plan(&batch(FILE), "production");
        assert!(once.iter().zip(&elsewhere).all(|(a, b)| a.id != b.id), "another tenant, another run");
        let edited = plan(&batch(&FILE.replace("u-1", "u-9")), "lab");
        assert_ne!(once[1].id, edited[1].id);
        assert_ne!(once[0].id, edited[0].id, "any edit makes a new run of the whole file");
        let ids: std::collections::HashSet<_> = once
            .iter()
            .flat_map(|c| c.items.iter().map(|(_, id)| id.clone()).chain([c.id.clone()]))
            .collect();
        // The batch, its two items, the status command and its item, and the
        // deprecation (a one-target command whose outcome comes under its own id).
        assert_eq!(ids.len(), 6);
    }
}
