//! What a running change is waiting on, in words a supervisor can read.

use crate::api::retry::Setback;
use std::time::Duration;

/// What holds a change back for a while. Told with how long it may last
/// ([`Event::Waiting`](super::Event::Waiting)); over once that time has
/// passed, or once the engine tells it again with no time left (the last
/// call tried again, or awaited, has ended).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Wait {
    /// The tenant answered a request to an outbound campaign with 429:
    /// every request to `campaign` (its name, or its id) waits as it asked.
    CampaignPaused { campaign: String },
    /// A call met `setback` and goes again, as attempt `attempt` of at
    /// most `attempts`.
    Retrying { setback: Setback, attempt: u32, attempts: u32 },
    /// A request has gone unanswered for a few seconds, and the client
    /// waits for its answer until its request timeout.
    Unanswered,
}

impl Wait {
    /// The wait in words, `left` of it remaining.
    pub fn describe(&self, left: Duration) -> String {
        let left = spoken(left);
        match self {
            Self::CampaignPaused { campaign } => {
                format!("waiting {left}: campaign {campaign} paused, the tenant asked (429)")
            }
            Self::Retrying { setback, attempt, attempts } => {
                let again = format!("trying again (attempt {attempt} of {attempts})");
                match setback {
                    Setback::Interrupted => format!("no answer yet, {again}, waiting up to {left}"),
                    Setback::ConnectFailed => {
                        format!("the tenant could not be reached, {again}, waiting up to {left}")
                    }
                    Setback::Status { status: 429, .. } => {
                        format!("the tenant asked to wait (429), {again}, waiting up to {left}")
                    }
                    Setback::Status { status, .. } => {
                        format!("the tenant failed ({status}), {again}, waiting up to {left}")
                    }
                }
            }
            Self::Unanswered => format!("waiting for the tenant's answer, up to {left}"),
        }
    }

    /// The wait in a few words, for where room is short.
    pub fn brief(&self, left: Duration) -> String {
        let left = spoken(left);
        match self {
            Self::CampaignPaused { .. } => format!("waiting {left}, the tenant asked (429)"),
            Self::Retrying { .. } => format!("trying again, waiting up to {left}"),
            Self::Unanswered => format!("no answer yet, waiting up to {left}"),
        }
    }
}

/// `left` in whole seconds, rounded up, or minutes past 90 seconds.
fn spoken(left: Duration) -> String {
    let secs = left.as_secs() + u64::from(left.subsec_nanos() > 0);
    match secs.max(1) {
        secs @ 0..=90 => format!("{secs} s"),
        secs => format!("{} min", secs.div_ceil(60)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_are_said_with_how_long_they_last() {
        let paused = Wait::CampaignPaused { campaign: "Spring Renewal".into() };
        assert_eq!(
            paused.describe(Duration::from_millis(19_200)),
            "waiting 20 s: campaign Spring Renewal paused, the tenant asked (429)"
        );
        let unanswered = Wait::Retrying { setback: Setback::Interrupted, attempt: 2, attempts: 4 };
        assert_eq!(
            unanswered.describe(Duration::from_secs(30)),
            "no answer yet, trying again (attempt 2 of 4), waiting up to 30 s"
        );
        let failed = Wait::Retrying {
            setback: Setback::Status { status: 503, retry_after: None },
            attempt: 3,
            attempts: 4,
        };
        assert!(failed.describe(Duration::from_secs(150)).starts_with("the tenant failed (503)"));
        assert!(failed.describe(Duration::from_secs(150)).ends_with("up to 3 min"));
        assert!(paused.describe(Duration::ZERO).starts_with("waiting 1 s"));
        assert_eq!(paused.brief(Duration::from_secs(7)), "waiting 7 s, the tenant asked (429)");
        assert_eq!(
            Wait::Unanswered.describe(Duration::from_secs(25)),
            "waiting for the tenant's answer, up to 25 s"
        );
        assert_eq!(Wait::Unanswered.brief(Duration::from_secs(25)), "no answer yet, waiting up to 25 s");
    }
}
