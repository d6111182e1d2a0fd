//! A disposition form over an open interaction, which refuses the change
//! whatever the fields hold: said at once, beside what the form still
//! lacks, and said once.

mod ui_support;

use cxone_console::domain::interaction_disposition::InteractionStatus;
use cxone_console::ui::app::App;
use ui_support::*;

/// Selects the first open interaction whose agent `has_agent` says of.
fn open_interaction(app: &mut App, has_agent: bool) {
    press(app, &["2"]);
    let open = app
        .interactions
        .window(usize::MAX)
        .position(|(_, i)| i.status != InteractionStatus::Closed && i.agent_id.is_some() == has_agent);
    for _ in 0..open.expect("an open interaction of that kind") {
        press(app, &["j"]);
    }
}

/// An open interaction with no agent: the form says at once that the
/// interaction refuses a disposition, beside the agent it lacks, and the
/// footer names the field by its label, not as the wire spells it.
#[test]
fn an_open_interaction_without_an_agent_is_refused_before_the_agent_is_typed() {
    let mut app = ready(120, 40);
    open_interaction(&mut app, false);
    run_command(&mut app, "dispose 101");
    let said = form(&app).general_problems().join(" ");
    assert!(said.contains("nothing here can take it") && said.contains("is open"), "{said}");
    let problems = &form(&app).check.problems;
    assert!(
        problems.iter().any(|(name, _)| name == "agent_id"),
        "the agent is still asked for: {problems:?}"
    );
    press(&mut app, &["enter"]);
    let screen = render(&app);
    assert!(screen.contains("Not sent: 2 problems"), "{screen}");
    assert!(screen.contains("(first: Agent id: is required") && !screen.contains("agent_id:"), "{screen}");
}

/// An open interaction with its own agent: the one problem is of no field,
/// and once Enter is refused it is said once, as the refusal, not again
/// below it.
#[test]
fn a_refusal_that_is_the_one_problem_of_no_field_is_said_once() {
    let mut app = ready(120, 40);
    open_interaction(&mut app, true);
    run_command(&mut app, "dispose 101");
    assert!(render(&app).contains("✕ as of the last refresh, nothing here can take it"), "{}", render(&app));
    press(&mut app, &["enter"]);
    let screen = render(&app);
    assert!(screen.contains("Not sent: as of the last refresh"), "{screen}");
    assert_eq!(screen.matches("as of the last refresh").count(), 1, "{screen}");
}
