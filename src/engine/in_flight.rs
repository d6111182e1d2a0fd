//! The commands whose flows are running: each one's cancel token, and which
//! command a finished task was, even when it ended in a panic.

use super::command::CommandId;
use std::collections::HashMap;
use std::future::Future;
use tokio::task::{self, JoinSet};
use tokio_util::sync::CancellationToken;

/// How a flow's task ended, when the engine must say something of it.
#[derive(Debug, PartialEq)]
pub(crate) enum Ended {
    /// The flow ran to its end and reported its own outcome.
    Done,
    /// The flow's task panicked: it reported nothing, so the engine must,
    /// or the command would wait for its outcome for ever.
    Panicked { id: CommandId, message: String },
}

#[derive(Default)]
pub(crate) struct InFlight {
    tasks: JoinSet<()>,
    commands: HashMap<task::Id, CommandId>,
    stops: HashMap<CommandId, CancellationToken>,
}

impl InFlight {
    pub fn is_empty(&self) -> bool {
        self.tasks.is_empty()
    }

    /// Runs `flow` for `id`, which `cancel(id)` stops through `stop`.
    pub fn spawn(
        &mut self,
        id: CommandId,
        stop: CancellationToken,
        flow: impl Future<Output = ()> + Send + 'static,
    ) {
        let task = self.tasks.spawn(flow).id();
        self.commands.insert(task, id.clone());
        self.stops.insert(id, stop);
    }

    pub fn cancel(&self, id: &CommandId) {
        if let Some(stop) = self.stops.get(id) {
            stop.cancel();
        }
    }

    /// Waits for the next flow to end; `None` when none is running.
    pub async fn next(&mut self) -> Option<Ended> {
        let (task, panic) = match self.tasks.join_next_with_id().await? {
            Ok((task, ())) => (task, None),
            Err(e) => (e.id(), Some(panic_message(e))),
        };
        let id = self.commands.remove(&task)?;
        self.stops.remove(&id);
        Some(match panic {
            None => Ended::Done,
            Some(message) => Ended::Panicked { id, message },
        })
    }
}

/// What a task's panic said, when it said it in words.
fn panic_message(error: task::JoinError) -> String {
    if !error.is_panic() {
        return error.to_string();
    }
    let payload = error.into_panic();
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic with no message".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u8) -> CommandId {
        CommandId::derived([&[n][..]])
    }

    #[tokio::test]
    async fn a_panicking_flow_is_told_by_its_command() {
        let mut flights = InFlight::default();
        flights.spawn(id(1), CancellationToken::new(), async {});
        flights.spawn(id(2), CancellationToken::new(), async { panic!("index 3 out of range") });
        let mut ended = vec![flights.next().await, flights.next().await];
        ended.sort_by_key(|e| matches!(e, Some(Ended::Panicked { .. })));
        assert_eq!(
            ended,
            [Some(Ended::Done), Some(Ended::Panicked { id: id(2), message: "index 3 out of range".into() })]
        );
        assert!(flights.is_empty() && flights.next().await.is_none());
    }

    #[tokio::test]
    async fn a_cancel_reaches_the_flows_token_until_it_ends() {
        let mut flights = InFlight::default();
        let stop = CancellationToken::new();
        let seen = stop.clone();
        flights.spawn(id(7), stop, async move { seen.cancelled().await });
        flights.cancel(&id(7));
        assert_eq!(flights.next().await, Some(Ended::Done));
        assert!(flights.stops.is_empty(), "the ended command's token is let go");
    }
}
