//! Data actions (document 004).

use crate::engine::command::{CommandId, DataActionChange};
use crate::engine::context::Ctx;
use crate::engine::event::{Finished, Outcome};

pub(crate) async fn run(ctx: &Ctx, id: &CommandId, change: DataActionChange) -> Finished {
    let _ = (ctx, id, change);
    Finished::Single { target: None, outcome: Outcome::failed("data actions are not available yet") }
}
