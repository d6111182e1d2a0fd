//! The commands whose flows are running: each one's cancel token and
//! tally, and which command a finished task was, even when it ended in a
//! panic.

use super::command::CommandId;
use super::tally::Tally;
use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use tokio::task::{self, JoinSet};
use tokio_util::sync::CancellationToken;

/// How a flow's task ended, when the engine must say something of it.
pub(crate) enum Ended {
    /// The flow ran to its end and reported its own outcome.
    Done,
    /// The flow's task panicked: it reported no end, so the engine must, or
    /// the command would wait for its outcome for ever; `tally` holds what
    /// a batch reported before.
    Panicked { id: CommandId, message: String, tally: Arc<Tally>, cancelled: bool },
}

#[derive(Default)]
pub(crate) struct InFlight {
    tasks: JoinSet<()>,
    commands: HashMap<task::Id, CommandId>,
    stops: HashMap<CommandId, (CancellationToken, Arc<Tally>)>,
}

impl InFlight {
    pub fn is_empty(&self) -> bool {
        self.tasks.is_empty()
    }

    /// Runs `flow` for `id`, which `cancel(id)` stops through `stop`, and
    /// which counts its targets' outcomes in `tally`.
    pub fn spawn(
        &mut self,
        id: CommandId,
        (stop, tally): (CancellationToken, Arc<Tally>),
        flow: impl Future<Output = ()> + Send + 'static,
    ) {
        let task = self.tasks.spawn(flow).id();
        self.commands.insert(task, id.clone());
        self.stops.insert(id, (stop, tally));
    }

    pub fn cancel(&self, id: &CommandId) {
        if let Some((stop, _)) = self.stops.get(id) {
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
        let (stop, tally) = self.stops.remove(&id)?;
        Some(match panic {
            None => Ended::Done,
            Some(message) => Ended::Panicked { id, message, tally, cancelled: stop.is_cancelled() },
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

    use crate::engine::command::Change;

    fn id(n: u8) -> CommandId {
        CommandId::derived([&[n][..]])
    }

    fn tally() -> Arc<Tally> {
        Arc::new(Tally::of(&Change::WatchAttributes))
    }

    /// What ended, as (the command that panicked, what it said).
    fn told(ended: Option<Ended>) -> Option<(CommandId, String)> {
        match ended? {
            Ended::Done => None,
            Ended::Panicked { id, message, .. } => Some((id, message)),
        }
    }

    #[tokio::test]
    async fn a_panicking_flow_is_told_by_its_command() {
        let mut flights = InFlight::default();
        flights.spawn(id(1), (CancellationToken::new(), tally()), async {});
        flights.spawn(id(2), (CancellationToken::new(), tally()), async { panic!("index 3 out of range") });
        let mut ended = vec![told(flights.next().await), told(flights.next().await)];
        ended.sort();
        assert_eq!(ended, [None, Some((id(2), "index 3 out of range".into()))]);
        assert!(flights.is_empty() && flights.next().await.is_none());
    }

    #[tokio::test]
    async fn a_cancel_reaches_the_flows_token_until_it_ends() {
        let mut flights = InFlight::default();
        let stop = CancellationToken::new();
        let seen = stop.clone();
        flights.spawn(id(7), (stop, tally()), async move { seen.cancelled().await });
        flights.cancel(&id(7));
        assert!(matches!(flights.next().await, Some(Ended::Done)));
        assert!(flights.stops.is_empty(), "the ended command's token is let go");
    }
}
