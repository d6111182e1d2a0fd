//! The changes sent, from acceptance to their end: in flight, in groups,
//! waiting, and the newest batch.

use super::*;

fn id(name: &str) -> CommandId {
    CommandId::derived([name.as_bytes()])
}

#[test]
fn a_change_is_in_flight_from_its_acceptance_to_its_end() {
    let mut sent = Sent::default();
    sent.sent(id("a"), Pending::new("Break · 3 agents", true));
    assert_eq!(sent.in_flight().count(), 0, "not yet taken on");
    assert!(!sent.is_empty());
    sent.accepted(id("a"), 3);
    sent.progressed(id("a"), 1, 3);
    assert_eq!(sent.targets_left(), 2);
    assert_eq!(sent.newest_batch(), Some(id("a")));
    assert_eq!(sent.finished(&id("a")).map(|p| p.label), Some("Break · 3 agents".into()));
    assert!(sent.is_empty() && sent.in_flight().next().is_none());
}

#[test]
fn a_change_this_console_did_not_send_is_shown_unnamed_and_not_cancelled_from_here() {
    let mut sent = Sent::default();
    sent.accepted(id("elsewhere"), 5);
    assert_eq!(sent.in_flight().count(), 1);
    assert_eq!(sent.label(&id("elsewhere")), UNNAMED);
    assert!(sent.newest_batch().is_none() && sent.unfinished_batches().is_empty());
    assert!(sent.cancel(&id("elsewhere")).is_empty());
    assert!(!sent.writes(&id("elsewhere")));
    assert!(sent.finished(&id("elsewhere")).is_none());
    assert!(sent.is_empty());
}

#[test]
fn a_group_counts_its_members_and_ends_with_the_last() {
    let mut sent = Sent::default();
    let members: BTreeSet<CommandId> = [id("m1"), id("m2")].into();
    sent.sent_together(id("g"), members, Pending::new("disposition 101 · 2 interactions", true));
    sent.accepted(id("m1"), 1);
    assert_eq!(sent.in_flight().map(|(_, p)| p).collect::<Vec<_>>(), [Progress { done: 0, total: 2 }]);
    assert_eq!(sent.group_of(&id("m2")), Some(id("g")));
    assert!(sent.writes(&id("m2")), "a member writes as its group does");
    assert_eq!(sent.commands_to_cancel(), [id("m1"), id("m2")]);

    let applied = Outcome::applied("ok");
    assert!(sent.member_finished(&id("g"), &id("m1"), None, &applied).is_none());
    assert_eq!(sent.cancel(&id("g")), [id("m2")], "the member still out");
    assert!(sent.cancelling() && sent.unfinished_batches().is_empty());
    let report = sent.member_finished(&id("g"), &id("m2"), None, &Outcome::unstarted("interaction"));
    let report = report.expect("the last member ends the group");
    assert_eq!((report.total(), report.successful(), report.cancelled()), (2, 1, true));
    assert!(sent.finished(&id("g")).is_some() && sent.is_empty());
}

/// A wait stands until the engine says it is over, not when a target
/// ends; in a group, a member saying its own wait is over leaves the
/// wait another member told since, and a member's wait ends with it.
#[test]
fn a_wait_ends_when_its_teller_says_so() {
    use crate::api::retry::Setback;
    let mut sent = Sent::default();
    let members: BTreeSet<CommandId> = [id("m1"), id("m2")].into();
    sent.sent_together(id("g"), members, Pending::new("Break · 2 agents", true));
    let (now, lasts) = (Duration::from_secs(100), Duration::from_secs(30));
    let retrying = |attempt| Wait::Retrying { setback: Setback::Interrupted, attempt, attempts: 4 };
    let shown = |sent: &Sent| sent.waiting_on(&id("g"), now).map(|w| w.wait.clone());

    sent.waiting(id("m1"), retrying(2), lasts, now);
    sent.waiting(id("m2"), retrying(3), lasts, now);
    sent.waiting(id("m1"), retrying(2), Duration::ZERO, now);
    assert_eq!(shown(&sent), Some(retrying(3)), "the other member still goes again");
    assert!(sent.member_finished(&id("g"), &id("m1"), None, &Outcome::applied("ok")).is_none());
    assert_eq!(shown(&sent), Some(retrying(3)), "a member ending is no word on the other's wait");
    sent.waiting(id("m2"), retrying(2), Duration::ZERO, now);
    assert_eq!(shown(&sent), Some(retrying(3)), "not the wait shown");
    sent.waiting(id("m2"), retrying(3), Duration::ZERO, now);
    assert_eq!(shown(&sent), None, "over, as its teller said");
    // WaitTold again, and its word that the wait is over never comes.
    sent.waiting(id("m2"), retrying(2), lasts, now);
    assert!(sent.member_finished(&id("g"), &id("m2"), None, &Outcome::applied("ok")).is_some());
    assert_eq!(shown(&sent), None, "a member's own wait ends with it");

    sent.accepted(id("one"), 5);
    sent.waiting(id("one"), retrying(2), lasts, now);
    sent.progressed(id("one"), 1, 5);
    assert!(sent.waiting_on(&id("one"), now).is_some(), "a target ending leaves the batch's wait");
    assert!(sent.waiting_on(&id("one"), now + lasts).is_none(), "over once its time has passed");

    // A pause stands behind a call tried again, and shows once it is over.
    let paused = Wait::CampaignPaused { campaign: "Spring Renewal".into() };
    let later = now + lasts;
    sent.waiting(id("one"), paused.clone(), lasts, later);
    sent.waiting(id("one"), retrying(2), Duration::from_secs(5), later);
    let shown_at = |sent: &Sent, at| sent.waiting_on(&id("one"), at).map(|w| w.wait.clone());
    assert_eq!(shown_at(&sent, later), Some(retrying(2)));
    sent.waiting(id("one"), retrying(2), Duration::ZERO, later);
    assert_eq!(shown_at(&sent, later), Some(paused.clone()), "the pause is shown again");
    sent.waiting(id("one"), retrying(3), Duration::from_secs(5), later);
    assert_eq!(
        shown_at(&sent, later + Duration::from_secs(5)),
        Some(paused),
        "and once the retry's time is up"
    );
}

/// Two names whose ids sort the other way round from `[first, second]`.
fn ids_out_of_order() -> (CommandId, CommandId) {
    let names = (0..).map(|n| id(&format!("batch {n}")));
    let mut pairs = names.clone().zip(names.skip(1));
    pairs.find(|(a, b)| a > b).expect("random ids disagree with some order")
}

#[test]
fn the_newest_batch_is_the_last_sent_whatever_the_ids_order() {
    let (older, newer) = ids_out_of_order();
    assert!(newer < older, "the ids sort the newer first");
    let mut sent = Sent::default();
    sent.sent(older.clone(), Pending::new("Break · 3 agents", true));
    sent.sent(newer.clone(), Pending::new("Lunch · 4 agents", true));
    sent.accepted(older.clone(), 3);
    sent.accepted(newer.clone(), 4);
    assert_eq!(sent.newest_batch(), Some(newer.clone()));
    assert_eq!(sent.in_flight().map(|(id, _)| id.clone()).collect::<Vec<_>>(), [older.clone(), newer]);

    // A batch taken on first is not the newer for it: sent order counts.
    let mut sent = Sent::default();
    let (older, newer) = ids_out_of_order();
    sent.sent(older.clone(), Pending::new("Break · 3 agents", true));
    sent.sent(newer.clone(), Pending::new("Lunch · 4 agents", true));
    sent.accepted(newer.clone(), 4);
    sent.accepted(older, 3);
    assert_eq!(sent.newest_batch(), Some(newer));
}
