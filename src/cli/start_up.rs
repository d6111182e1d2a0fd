//! What start-up found after the last run, said on stderr by the commands
//! that start an engine without a screen (`apply`, `outbox resend`): the
//! audit log's and the outbox's own repairs, and the changes a stop left
//! unfinished, as read back.

use crate::engine::Recovery;

/// What the command does next with the changes start-up could not settle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Then {
    /// A batch file runs: its lines among them are sent again now.
    FileSentAgain,
    /// Nothing here sends them again.
    Nothing,
}

pub(crate) fn lines(recovery: &Recovery, then: Then) -> Vec<String> {
    let mut said: Vec<String> = recovery
        .repairs
        .iter()
        .map(|repair| format!("start-up: the audit log repaired itself: {repair}"))
        .chain(
            recovery
                .outbox_repairs
                .iter()
                .map(|repair| format!("start-up: the webhook outbox repaired itself: {repair}")),
        )
        .collect();
    let applied = recovery.reconciled.iter().filter(|(_, outcome)| outcome.is_applied()).count();
    let pending = recovery.still_pending.len();
    let read_back = recovery.read_back();
    let (again, again_keyed) = match then {
        Then::FileSentAgain => (
            " (lines of this file among them are sent again now)",
            " (lines of this file among them are sent again now, under the key each was first sent with, so the \
             tenant applies each once)",
        ),
        Then::Nothing => ("", ""),
    };
    if read_back > 0 {
        let undecided = recovery.undecided.len();
        let not = read_back.saturating_sub(applied + undecided);
        let told = match undecided {
            0 => format!("{applied} found applied, {not} not"),
            _ => format!("{applied} found applied, {not} not, {undecided} that cannot be told"),
        };
        said.push(format!(
            "start-up: {read_back} change(s) the last run left unfinished were read back: {told}{again}; see \
             `reconciled` in the audit log"
        ));
    }
    if pending > 0 {
        said.push(format!(
            "start-up: {pending} change(s) the last run left unfinished could not be read back and stay pending \
             until a start can{again_keyed}"
        ));
    }
    said
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Outcome;

    /// A change start-up could not read back is told apart from one it
    /// found not applied.
    #[test]
    fn start_up_tells_changes_read_back_from_those_still_pending() {
        let recovery = Recovery {
            reconciled: vec![
                ("a".into(), Outcome::applied("was applied")),
                ("b".into(), Outcome::failed("was not applied")),
                ("c".into(), Outcome::failed("unknown whether")),
            ],
            still_pending: vec!["c".into()],
            repairs: vec!["cut a torn line".into()],
            ..Recovery::default()
        };
        let said = lines(&recovery, Then::FileSentAgain);
        assert_eq!(said.len(), 3, "{said:?}");
        assert_eq!(said[0], "start-up: the audit log repaired itself: cut a torn line");
        assert!(said[1].contains(
            "2 change(s) the last run left unfinished were read back: 1 found applied, 1 not (lines"
        ));
        assert!(said[2].contains("1 change(s) the last run left unfinished could not be read back"));
        let undecided = Recovery { undecided: vec!["b".into()], ..recovery.clone() };
        let told = lines(&undecided, Then::Nothing);
        assert!(told[1].contains("1 found applied, 0 not, 1 that cannot be told;"), "{told:?}");
        let said = lines(&recovery, Then::Nothing);
        assert!(said[1].ends_with("1 found applied, 1 not; see `reconciled` in the audit log"), "{said:?}");
        assert!(said[2].ends_with("until a start can"), "{said:?}");
    }
}
