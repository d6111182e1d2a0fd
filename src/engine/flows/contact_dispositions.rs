//! Outbound contact dispositions (document 001).

use crate::domain::contact_disposition::ContactDispositionDraft;
use crate::engine::command::{CommandId, Item};
use crate::engine::context::Ctx;
use crate::engine::event::{BatchReport, Finished};
use tokio_util::sync::CancellationToken;

pub(crate) async fn run(
    ctx: &Ctx,
    id: &CommandId,
    items: Vec<Item<ContactDispositionDraft>>,
    cancel: &CancellationToken,
) -> Finished {
    let _ = (ctx, id, items, cancel);
    Finished::Batch(BatchReport::default())
}
