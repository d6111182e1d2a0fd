//! Sends the planned commands to the engine one after the other, and
//! gathers each line's outcome from the engine's events. Ctrl-C stops the
//! batch in flight (what was not started is skipped) and sends nothing more.

use super::batch::Batch;
use super::plan::Planned;
use super::progress::Progress;
use super::report::{LineReport, Verdict};
use crate::cli::signal::StopSignal;
use crate::cli::start_up;
use crate::cli::webhooks;
use crate::engine::outbox::OutboxStatus;
use crate::engine::{BatchReport, Change, Command, CommandId, Event, Finished, Outcome, Write};
use crate::runtime::Runtime;
use std::collections::HashMap;

/// What a run produced.
pub(crate) struct Driven {
    pub lines: Vec<LineReport>,
    pub contact_batch: Option<BatchReport>,
    /// The outbox as last heard of, when the run was over.
    pub outbox: Option<OutboxStatus>,
}

/// A second Ctrl-C or SIGTERM: the run ends at once, the changes in flight
/// left as a crash leaves them, for the next start to reconcile.
#[derive(Debug, thiserror::Error)]
#[error(
    "stopped at once, before the changes in flight had finished: the next start reads them back from the \
     audit log and says what it found; the report was not written"
)]
pub(crate) struct Halted;

pub(crate) async fn drive(
    runtime: &mut Runtime,
    batch: &Batch,
    plan: Vec<Planned>,
    progress: &mut Progress,
) -> anyhow::Result<Driven> {
    let mut stop = StopSignal::listen()?;
    let mut run = Run { batch, reports: vec![None; batch.lines.len()], outbox: None, contact_batch: None };
    let mut stopped = false;
    for command in plan {
        if stopped {
            run.not_sent(&command, progress);
            continue;
        }
        let sent = Sent::of(&command);
        if !runtime.engine().send(Command::Submit { id: command.id, change: command.change }).await {
            anyhow::bail!("the engine stopped before every line was sent");
        }
        loop {
            let redraw = progress.next_redraw();
            let event = tokio::select! {
                event = runtime.events().recv() => event,
                () = sleep_until(redraw) => {
                    progress.redraw(std::time::Instant::now());
                    continue;
                }
                signal = stop.wait() => {
                    signal?;
                    if stopped {
                        return Err(Halted.into());
                    }
                    stopped = true;
                    tell!("\nstopping: lines not yet started are not sent");
                    let _ = runtime.engine().send(Command::Cancel { id: sent.id.clone() }).await;
                    continue;
                }
            };
            let Some(event) = event else {
                anyhow::bail!("the engine stopped before every line was settled")
            };
            if run.hear(&sent, event, progress) {
                break;
            }
        }
    }
    progress.finish();
    // Stopped, the run does not linger for its webhooks either.
    let outbox = webhooks::settle(runtime, run.outbox.take(), (!stopped).then_some(&mut stop)).await;
    let lines = run.reports.into_iter().flatten().collect();
    Ok(Driven { lines, contact_batch: run.contact_batch, outbox })
}

/// The command in flight: the lines it carries, by the ids their outcomes
/// come under.
struct Sent {
    id: CommandId,
    lines: HashMap<CommandId, usize>,
    contacts: bool,
}

impl Sent {
    fn of(command: &Planned) -> Self {
        Self {
            id: command.id.clone(),
            lines: command.items.iter().map(|(i, id)| (id.clone(), *i)).collect(),
            contacts: matches!(command.change, Change::ContactDispositions(_)),
        }
    }
}

/// Sleeps until `at`; for ever when nothing is due.
async fn sleep_until(at: Option<std::time::Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at.into()).await,
        None => std::future::pending().await,
    }
}

struct Run<'a> {
    batch: &'a Batch,
    reports: Vec<Option<LineReport>>,
    outbox: Option<OutboxStatus>,
    contact_batch: Option<BatchReport>,
}

impl Run<'_> {
    /// Takes in an event of the engine while `sent` is in flight; `true`
    /// once it has finished.
    fn hear(&mut self, sent: &Sent, event: Event, progress: &mut Progress) -> bool {
        match event {
            Event::ItemFinished { id, item, outcome, .. } if id == sent.id => {
                if let Some(&index) = sent.lines.get(&item) {
                    let report = LineReport::settled(&self.batch.lines[index], &outcome);
                    self.settle(index, report, progress);
                }
            }
            Event::Finished { id, result } if id == sent.id => {
                progress.command_ended();
                self.finish(sent.lines.values().copied(), result, sent.contacts, progress);
                return true;
            }
            Event::Waiting { id, wait, lasts } if id == sent.id => progress.waiting(wait, lasts),
            Event::Outbox(status) => self.outbox = Some(status),
            Event::Recovered(recovery) => {
                for line in start_up::lines(&recovery, start_up::Then::FileSentAgain) {
                    tell!("{line}");
                }
            }
            _ => {}
        }
        false
    }

    fn settle(&mut self, index: usize, report: LineReport, progress: &mut Progress) {
        if self.reports[index].is_none() {
            progress.tick(report.outcome);
            self.reports[index] = Some(report);
        }
    }

    /// The command is over: a one-target command's outcome is its line's;
    /// a line the engine said nothing about did not go through.
    fn finish(
        &mut self,
        lines: impl Iterator<Item = usize>,
        result: Finished,
        contacts: bool,
        progress: &mut Progress,
    ) {
        let cancelled = match &result {
            Finished::Batch(report) => report.cancelled(),
            Finished::Single { .. } => false,
        };
        for index in lines {
            let line = &self.batch.lines[index];
            let report = match &result {
                Finished::Single { outcome, .. } => LineReport::settled(line, outcome),
                Finished::Batch(_) if cancelled => {
                    LineReport::new(line, Verdict::NotSent, "not sent: the batch was stopped first")
                }
                Finished::Batch(_) => {
                    LineReport::new(line, Verdict::Failed, "the engine reported no outcome for this line")
                }
            };
            self.settle(index, report, progress);
        }
        if let (Finished::Batch(report), true) = (result, contacts) {
            self.contact_batch = Some(report);
        }
    }

    fn not_sent(&mut self, command: &Planned, progress: &mut Progress) {
        for (index, _) in &command.items {
            let report =
                LineReport::new(&self.batch.lines[*index], Verdict::NotSent, "not sent: the run was stopped");
            self.settle(*index, report, progress);
        }
        // The contact batch is reported whether it ran or not: a stop before
        // it started leaves every contact cancelled, as a stop during it does.
        if matches!(command.change, Change::ContactDispositions(_)) {
            let mut report = BatchReport::default();
            for _ in &command.items {
                report.count(&Outcome::unstarted("contact"), Write::NotSent);
            }
            report.set_cancelled(true);
            self.contact_batch = Some(report);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Timestamp;
    use crate::engine::SkipKey;
    use std::path::Path;

    /// Stopped before its contact batch started, a run still reports the
    /// batch: every contact cancelled, as a stop during it would leave them.
    #[test]
    fn a_contact_batch_stopped_before_it_started_is_reported_cancelled() {
        let text = "op,contactId,campaignId,outcomeCode,agentId\n\
                    contact_disposition,c-1,camp-1,SALE,agent-1\n\
                    contact_disposition,c-2,camp-1,SALE,agent-1\n";
        let batch =
            Batch::parse(text.as_bytes(), Path::new("x.csv"), Timestamp::now()).expect("a valid file");
        let plan = super::super::plan::plan(&batch, "tenant");
        let mut run =
            Run { batch: &batch, reports: vec![None; batch.lines.len()], outbox: None, contact_batch: None };
        let mut progress = Progress::new("applying", batch.lines.len());
        for command in &plan {
            run.not_sent(command, &mut progress);
        }
        let report = run.contact_batch.expect("the contact batch is reported");
        assert_eq!((report.total(), report.processed(), report.cancelled()), (2, 0, true));
        assert_eq!(report.skipped().get(&SkipKey::Unstarted), Some(&2));
    }

    /// A contact batch whose task panicked: the engine ends each contact it
    /// had not reported as failed, then sends the batch's report; the run's
    /// report accounts for every line and the run does not go through.
    #[test]
    fn a_contact_batch_cut_short_by_a_fault_is_reported_whole() {
        let text = "op,contactId,campaignId,outcomeCode,agentId\n\
                    contact_disposition,c-1,camp-1,SALE,agent-1\n\
                    contact_disposition,c-2,camp-1,SALE,agent-1\n\
                    contact_disposition,c-3,camp-1,SALE,agent-1\n";
        let batch =
            Batch::parse(text.as_bytes(), Path::new("x.csv"), Timestamp::now()).expect("a valid file");
        let plan = super::super::plan::plan(&batch, "tenant");
        let sent = Sent::of(&plan[0]);
        let mut run =
            Run { batch: &batch, reports: vec![None; batch.lines.len()], outbox: None, contact_batch: None };
        let mut progress = Progress::new("applying", batch.lines.len());
        let fault = Outcome::failed("an internal fault: look at the target before sending it again");
        let mut report = BatchReport::default();
        for (n, (_, item)) in plan[0].items.iter().enumerate() {
            let outcome = if n == 0 { Outcome::applied("ok") } else { fault.clone() };
            report.count(&outcome, Write::Sent { latency_ms: None });
            let target = crate::engine::audit::Target::contact("camp-1", format!("c-{n}"));
            let event = Event::ItemFinished { id: sent.id.clone(), item: item.clone(), target, outcome };
            assert!(!run.hear(&sent, event, &mut progress));
        }
        let finished = Event::Finished { id: sent.id.clone(), result: Finished::Batch(report) };
        assert!(run.hear(&sent, finished, &mut progress), "the batch is over");
        let contact_batch = run.contact_batch.expect("the contact batch is reported");
        assert_eq!((contact_batch.total(), contact_batch.failed()), (3, 2));
        let lines = run.reports.into_iter().flatten().collect::<Vec<_>>();
        assert_eq!(lines.iter().filter(|l| l.reason == fault.text()).count(), 2, "{lines:?}");
        let report = super::super::report::Report::of(&batch, "lab", false, lines);
        assert_eq!((report.totals["lines"], report.totals["applied"], report.totals["failed"]), (3, 1, 2));
        assert_eq!(report.exit_code(), std::process::ExitCode::from(crate::cli::NOT_THROUGH));
    }
}
