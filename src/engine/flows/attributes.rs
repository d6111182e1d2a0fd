//! Interaction attributes and their callbacks (document 002).

use crate::domain::attributes::AttributeDraft;
use crate::engine::command::CommandId;
use crate::engine::context::Ctx;
use crate::engine::event::{Finished, Outcome};

pub(crate) async fn run(
    ctx: &Ctx,
    id: &CommandId,
    interaction_id: &str,
    rows: &[AttributeDraft],
) -> Finished {
    let _ = (ctx, id, interaction_id, rows);
    Finished::Single { target: None, outcome: Outcome::failed("attribute changes are not available yet") }
}

pub(crate) async fn watch(ctx: &Ctx, id: &CommandId) -> Finished {
    let _ = (ctx, id);
    Finished::Single { target: None, outcome: Outcome::failed("attribute callbacks are not available yet") }
}
