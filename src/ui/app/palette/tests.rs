//! The command line's parsing, completion and hints.

use super::*;

fn directory() -> Directory {
    let person = |name: &str| Person { name: name.into(), team: None, agent: true };
    Directory::new([
        ("u1".to_string(), person("Amara Okafor")),
        ("u2".to_string(), person("Mara Lindqvist")),
        ("u3".to_string(), person("Bilal Haddad")),
    ])
}

fn scope_of(agents: &Directory, sandbox: bool) -> Scope<'_> {
    Scope {
        agents,
        sandbox,
        read_only: false,
        pause_reasons: vec!["Queue Full", "Lunch", "IT Issue"],
        codes: vec![("101".into(), "Issue Resolved".into()), ("201".into(), "Follow-up Required".into())],
    }
}

#[test]
fn commands_complete_by_prefix_and_agents_by_name() {
    let agents = directory();
    let scope = scope_of(&agents, true);
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
    let scope = scope_of(&agents, true);
    assert_eq!(parse("agent bilal", &scope), Ok(PaletteCommand::Agent("u3".into())));
    assert_eq!(parse(" faults STORM ", &scope), Ok(PaletteCommand::Faults(FaultProfile::Storm)));
    assert!(parse("faults hail", &scope).unwrap_err().contains("unknown fault profile"));
    assert!(parse("agent zed", &scope).unwrap_err().contains("no agent's name contains \"zed\""));
    assert_eq!(parse("launch", &scope).unwrap_err(), "unknown command \"launch\"; Tab lists the commands");
    assert_eq!(
        parse("resnd", &scope).unwrap_err(),
        "unknown command \"resnd\": did you mean resend? Tab lists the commands"
    );
    assert!(parse("refresh now", &scope).unwrap_err().contains("takes nothing"));
    let tenant = scope_of(&agents, false);
    assert!(parse("faults storm", &tenant).unwrap_err().contains("only be set on the embedded sandbox"));
    assert!(suggestions("fa", &tenant).is_empty(), "no faults on a real tenant");
}

#[test]
fn changes_complete_their_arguments_and_parse_to_what_the_tenant_spells() {
    let agents = directory();
    let scope = scope_of(&agents, true);
    let lines =
        |typed: &str| -> Vec<String> { suggestions(typed, &scope).into_iter().map(|s| s.line).collect() };
    assert_eq!(lines("state b"), ["state Busy", "state Break "]);
    assert_eq!(lines("state break q"), ["state Break Queue Full"]);
    assert_eq!(lines("dispose 1"), ["dispose 101"]);
    assert_eq!(
        parse("state break queue full", &scope),
        Ok(PaletteCommand::State { status: "Break".into(), reason: Some("Queue Full".into()) })
    );
    assert!(parse("state lunch", &scope).unwrap_err().contains("is not a status"));
    assert_eq!(
        parse(r#"state "break" "queue full""#, &scope),
        Ok(PaletteCommand::State { status: "Break".into(), reason: Some("Queue Full".into()) }),
        "quoted as attr quotes a value"
    );
    assert_eq!(lines(r#"state break "que"#), ["state Break Queue Full"]);
    assert_eq!(
        parse("state break coffee", &scope).unwrap_err(),
        r#""coffee" is not one of the tenant's pause reasons; Tab lists them"#
    );
    assert_eq!(
        parse("attr tier=gold score=9", &scope),
        Ok(PaletteCommand::Attr(vec![("tier".into(), "gold".into()), ("score".into(), "9".into())]))
    );
    assert!(parse("attr tier", &scope).unwrap_err().contains("is not key=value"));
    assert_eq!(
        parse(r#"attr note="call back after 5" tier=gold"#, &scope),
        Ok(PaletteCommand::Attr(vec![
            ("note".into(), r#""call back after 5""#.into()),
            ("tier".into(), "gold".into())
        ])),
        "a quoted value keeps its spaces, and its quotes, which make it text"
    );
    assert!(parse(r#"attr note="unclosed"#, &scope).unwrap_err().contains("does not close"));
    assert!(parse("dispose", &scope).unwrap_err().contains("needs a code"));
    assert_eq!(parse("dispose 201", &scope), Ok(PaletteCommand::Dispose("201".into())));
    assert!(parse("dispose 7", &scope).unwrap_err().contains("not one of the codes here"));
}

#[test]
fn cancel_completes_parses_and_is_listed() {
    let agents = directory();
    let scope = scope_of(&agents, false);
    let lines: Vec<String> = suggestions("ca", &scope).into_iter().map(|s| s.line).collect();
    assert_eq!(lines, ["campaigns", "cancel"]);
    assert_eq!(parse("cancel", &scope), Ok(PaletteCommand::Cancel));
    assert!(usage(false, false).iter().any(|(u, d)| u == "cancel" && d.contains("running batch")));
    assert!(!usage(false, true).iter().any(|(u, _)| u == "cancel"), "read-only runs no batch");
}

#[test]
fn watch_parses_and_is_gone_in_read_only_mode() {
    let agents = directory();
    assert_eq!(parse("watch", &scope_of(&agents, false)), Ok(PaletteCommand::Watch));
    assert!(parse("watch now", &scope_of(&agents, false)).unwrap_err().contains("takes nothing"));
    assert!(usage(false, false).iter().any(|(u, d)| u == "watch" && d.contains("attribute callbacks")));
    assert!(!usage(false, true).iter().any(|(u, _)| u == "watch"), "read-only registers nothing");
}

#[test]
fn every_command_a_hint_names_runs() {
    let agents = directory();
    let scope = scope_of(&agents, true);
    let mut named = 0;
    for verb in Verb::names().filter_map(Verb::from_name) {
        let Some(command) = command_for(verb, true, false) else { continue };
        let line = command.replace("<status>", "Available").replace("<code>", "101");
        assert!(parse(&line, &scope).is_ok(), "{verb:?}: {line:?} does not parse");
        named += 1;
    }
    assert!(named >= 10, "{named}");
    assert_eq!(command_for(Verb::CancelBatch, false, false).as_deref(), Some("cancel"));
    assert_eq!(command_for(Verb::ChangeState, false, false).as_deref(), Some("state <status>"));
    assert_eq!(command_for(Verb::NewVersion, false, false), None, "no command versions an action");
    assert_eq!(command_for(Verb::ChangeState, false, true), None, "read-only refuses it");
}

#[test]
fn read_only_hides_and_refuses_changes_but_keeps_simulate() {
    let agents = directory();
    let scope = Scope { read_only: true, ..scope_of(&agents, true) };
    assert!(suggestions("st", &scope).is_empty());
    assert!(parse("state Available", &scope).unwrap_err().contains("read-only"));
    assert_eq!(parse("simulate", &scope), Ok(PaletteCommand::Simulate));
    assert!(!usage(true, true).iter().any(|(u, _)| u.starts_with("dispose")));
    assert!(usage(true, false).iter().any(|(u, _)| u.starts_with("dispose <code>")));
}

#[test]
fn reopen_parses_is_listed_and_is_gone_in_read_only_mode() {
    let agents = directory();
    assert_eq!(parse("reopen", &scope_of(&agents, false)), Ok(PaletteCommand::Reopen));
    assert!(
        parse("reopen", &Scope { read_only: true, ..scope_of(&agents, false) })
            .unwrap_err()
            .contains("read-only")
    );
    assert!(usage(false, false).iter().any(|(u, d)| u == "reopen" && d.contains("not applied")));
    assert!(!usage(false, true).iter().any(|(u, _)| u == "reopen"), "read-only sends no change");
    assert_eq!(command_for(Verb::Reopen, false, false).as_deref(), Some("reopen"));
}
