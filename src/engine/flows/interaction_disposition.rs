//! Interaction dispositions (document 000).

use crate::domain::interaction_disposition::DispositionDraft;
use crate::engine::command::CommandId;
use crate::engine::context::Ctx;
use crate::engine::event::{Finished, Outcome};

pub(crate) async fn run(
    ctx: &Ctx,
    id: &CommandId,
    interaction_id: &str,
    drafts: &[DispositionDraft],
) -> Finished {
    let _ = (ctx, id, interaction_id, drafts);
    Finished::Single {
        target: None,
        outcome: Outcome::failed("interaction dispositions are not available yet"),
    }
}
