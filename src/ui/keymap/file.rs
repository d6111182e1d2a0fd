//! Reading keymap.toml over the bindings so far, and settling conflicts.
//! Every mistake becomes a [`Problem`]; the entry at fault is skipped.

use super::{Binding, Context, Key, Verb};
use crate::ui::looks::Problem;
use toml::{Table, Value};

/// Applies one file; returns the bindings it set, which win conflicts.
pub(super) fn apply(
    source: &str,
    text: &str,
    bindings: &mut Vec<Binding>,
    problems: &mut Vec<Problem>,
) -> Vec<(Context, Verb)> {
    let mut touched = Vec::new();
    let mut report = |place: String, message: String| problems.push(Problem::new(source, place, message));
    let table = match text.parse::<Table>() {
        Ok(table) => table,
        Err(e) => {
            report(String::new(), format!("is not valid TOML, so none of it is used: {e}"));
            return touched;
        }
    };
    for (name, entries) in &table {
        let Some(context) = Context::from_name(name) else {
            let known = Context::ALL.map(Context::name).join("], [");
            report(format!("[{name}]"), format!("is not a place keys apply; use [{known}]"));
            continue;
        };
        let Value::Table(entries) = entries else {
            report(format!("[{name}]"), "must be a table of action = keys".into());
            continue;
        };
        for (action, spec) in flatten(entries) {
            let place = format!("[{name}] {action}");
            let Some(verb) = Verb::from_name(&action) else {
                report(
                    place,
                    format!(
                        "is not an action; the actions are {}",
                        Verb::names().collect::<Vec<_>>().join(", ")
                    ),
                );
                continue;
            };
            if !verb.allowed_in(context) {
                let allowed = verb.contexts().join("], [");
                report(place, format!("cannot be bound in [{name}]; it belongs in [{allowed}]"));
                continue;
            }
            match Entry::read(spec) {
                Ok(entry) => {
                    entry.merge_into(context, verb, bindings);
                    touched.push((context, verb));
                }
                Err(message) => report(place, message),
            }
        }
    }
    touched
}

/// The entries of a context, with dotted names written bare
/// (`sort.next = "s"`, which TOML reads as a table `sort`) put back together.
fn flatten(entries: &Table) -> Vec<(String, &Value)> {
    let mut flat = Vec::new();
    for (name, value) in entries {
        match value {
            Value::Table(inner) if Verb::from_name(name).is_none() => {
                flat.extend(inner.iter().map(|(rest, v)| (format!("{name}.{rest}"), v)));
            }
            _ => flat.push((name.clone(), value)),
        }
    }
    flat
}

/// One entry as written: keys, and optionally words.
struct Entry {
    keys: Vec<Key>,
    desc: Option<String>,
    hint: Option<String>,
}

impl Entry {
    fn read(spec: &Value) -> Result<Self, String> {
        match spec {
            Value::String(_) | Value::Array(_) => Ok(Self { keys: keys(spec)?, desc: None, hint: None }),
            Value::Table(fields) => {
                let mut entry = Self { keys: Vec::new(), desc: None, hint: None };
                let mut has_keys = false;
                for (field, value) in fields {
                    match (field.as_str(), value) {
                        ("keys", _) => {
                            entry.keys = keys(value)?;
                            has_keys = true;
                        }
                        ("desc", Value::String(text)) => entry.desc = Some(text.trim().to_string()),
                        ("hint", Value::String(text)) => entry.hint = Some(text.trim().to_string()),
                        ("desc" | "hint", _) => return Err(format!("{field} must be text in quotes")),
                        _ => return Err(format!("has an unknown field {field:?}; use keys, desc or hint")),
                    }
                }
                if !has_keys {
                    return Err("needs keys = [...]".into());
                }
                Ok(entry)
            }
            _ => Err("must be a key in quotes, a list of keys, or { keys = [...] }".into()),
        }
    }

    fn merge_into(self, context: Context, verb: Verb, bindings: &mut Vec<Binding>) {
        match bindings.iter_mut().find(|b| b.context == context && b.verb == verb) {
            Some(binding) => {
                binding.keys = self.keys;
                if let Some(desc) = self.desc {
                    binding.desc = desc;
                }
                if self.hint.is_some() {
                    binding.hint = self.hint;
                }
            }
            None => {
                // A verb bound in a new place keeps the words it has elsewhere.
                let known = bindings.iter().find(|b| b.verb == verb);
                let desc = self.desc.or_else(|| known.map(|b| b.desc.clone()));
                bindings.push(Binding {
                    context,
                    verb,
                    keys: self.keys,
                    desc: desc.unwrap_or_else(|| verb.name().to_string()),
                    hint: self.hint,
                });
            }
        }
    }
}

fn keys(value: &Value) -> Result<Vec<Key>, String> {
    let texts: Vec<&str> = match value {
        Value::String(text) => vec![text.as_str()],
        Value::Array(items) => items
            .iter()
            .map(|item| item.as_str().ok_or_else(|| format!("{item} must be a key in quotes")))
            .collect::<Result<_, _>>()?,
        _ => return Err("keys must be a key in quotes or a list of them".into()),
    };
    let mut keys = Vec::new();
    for text in texts {
        let key = Key::parse(text)?;
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    Ok(keys)
}

/// Within one context a key does one thing: the user's binding keeps it
/// (else the first), the others lose it. Across contexts, a key a more
/// specific context takes never reaches the general one there; that is how
/// the defaults are built, so it is only reported when the user made it so.
pub(super) fn settle_conflicts(
    source: &str,
    bindings: &mut [Binding],
    user_set: &[(Context, Verb)],
    problems: &mut Vec<Problem>,
) {
    let by_user = |b: &Binding| user_set.contains(&(b.context, b.verb));
    for i in 0..bindings.len() {
        while let Some((key, all)) = first_conflict(bindings, i) {
            let keeper = all.iter().copied().find(|&j| by_user(&bindings[j])).unwrap_or(i);
            let losers: Vec<&str> =
                all.iter().filter(|&&j| j != keeper).map(|&j| bindings[j].verb.name()).collect();
            let keeper_name = bindings[keeper].verb.name();
            problems.push(Problem::new(
                source,
                format!("[{}] {key}", bindings[i].context.name()),
                format!(
                    "is bound to both {keeper_name} and {}; {keeper_name} keeps it",
                    losers.join(" and ")
                ),
            ));
            for j in all.into_iter().filter(|&j| j != keeper) {
                bindings[j].keys.retain(|k| *k != key);
            }
        }
    }
    for specific in Context::ALL {
        for general in specific.chain().iter().skip(1) {
            for near in bindings.iter().filter(|b| b.context == specific) {
                for far in bindings.iter().filter(|b| b.context == *general && b.verb != near.verb) {
                    if !(by_user(near) || by_user(far)) {
                        continue;
                    }
                    for key in near.keys.iter().filter(|k| far.keys.contains(k)) {
                        problems.push(Problem::new(
                            source,
                            format!("[{}] {key}", general.name()),
                            format!(
                                "does {} everywhere but in [{}], where it does {}",
                                far.verb.name(),
                                specific.name(),
                                near.verb.name()
                            ),
                        ));
                    }
                }
            }
        }
    }
}

/// The first key of binding `i` that another binding of its context also
/// holds, with every binding holding it (`i` first).
fn first_conflict(bindings: &[Binding], i: usize) -> Option<(Key, Vec<usize>)> {
    let binding = &bindings[i];
    binding.keys.iter().find_map(|key| {
        let rivals = (0..bindings.len())
            .filter(|&j| j != i && bindings[j].context == binding.context && bindings[j].keys.contains(key));
        let all: Vec<usize> = std::iter::once(i).chain(rivals).collect();
        (all.len() > 1).then_some((*key, all))
    })
}

#[cfg(test)]
mod tests {
    use super::super::Keymap;
    use super::*;

    fn problems(text: &str) -> Vec<String> {
        Keymap::with_overrides("keymap.toml", text).1.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn an_override_replaces_the_keys_and_keeps_the_words() {
        let (keymap, problems) = Keymap::with_overrides("keymap.toml", "[list]\ndown = [\"w\", \"down\"]");
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(keymap.verb(Context::Table, Key::char('w')), Some(Verb::Down));
        assert_eq!(keymap.verb(Context::Table, Key::char('j')), None, "the default key is gone");
        let down = keymap.bindings().iter().find(|b| b.verb == Verb::Down).unwrap();
        assert_eq!(down.desc, "Down one row");
    }

    #[test]
    fn a_conflict_in_one_context_goes_to_the_users_binding() {
        let (keymap, problems) = Keymap::with_overrides("keymap.toml", "[global]\nfreeze = \"q\"");
        assert_eq!(keymap.verb(Context::Global, Key::char('q')), Some(Verb::Freeze));
        assert_eq!(
            keymap.verb(Context::Global, Key::ctrl('c')),
            Some(Verb::Quit),
            "quit keeps its other key"
        );
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(
            problems[0].to_string(),
            "keymap.toml: [global] q is bound to both freeze and quit; freeze keeps it"
        );
    }

    #[test]
    fn a_key_a_table_takes_is_reported_for_the_global_binding() {
        let found = problems("[global]\nfreeze = \"s\"");
        assert_eq!(
            found,
            ["keymap.toml: [global] s does freeze everywhere but in [table], where it does sort.next"]
        );
    }

    /// The README's keymap.toml is an example to copy: it must read as
    /// written, with no key that another action's already holds.
    #[test]
    fn the_readmes_example_has_no_problems() {
        let readme = include_str!("../../../README.md");
        let start = readme.find("```toml\n# keymap.toml").expect("the README's keymap example");
        let block = &readme[start + "```toml\n".len()..];
        let example = &block[..block.find("```").expect("the example's end")];
        assert!(example.contains("sort.next"), "{example}");
        assert_eq!(problems(example), Vec::<String>::new());
    }

    #[test]
    fn dotted_names_may_be_written_without_quotes() {
        let (keymap, problems) = Keymap::with_overrides("keymap.toml", "[table]\nsort.next = \"w\"");
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(keymap.verb(Context::Table, Key::char('w')), Some(Verb::SortNext));
    }

    #[test]
    fn unknown_places_actions_and_keys_are_named() {
        let found = problems(
            "[nowhere]\nquit = \"q\"\n[global]\nlaunch = \"l\"\nfollow = \"x\"\nquit = \"ctrl-\"\n\
             help = { keys = [\"?\"], colour = \"red\" }\nfreeze = 3",
        );
        let expected = [
            "[nowhere] is not a place",
            "[global] launch is not an action",
            "[global] follow cannot be bound in [global]; it belongs in [audit]",
            "[global] quit \"ctrl-\" is not a key",
            "[global] help has an unknown field \"colour\"",
            "[global] freeze must be a key in quotes",
        ];
        for text in expected {
            assert!(found.iter().any(|p| p.contains(text)), "{text:?} missing from {found:#?}");
        }
        assert_eq!(found.len(), expected.len(), "{found:#?}");
    }
}
