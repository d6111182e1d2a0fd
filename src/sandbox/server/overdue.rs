//! A request body that fails once it has not all come in time.

use hyper::body::{Body, Bytes, Frame, Incoming, SizeHint};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::time::Sleep;

/// `body`, failing once it has not all come within `within` of now: the
/// handler reading it then answers 400 and the connection closes, rather
/// than a peer that trickles a body, or never ends one, holding one of the
/// sandbox's places for ever. One timer for the whole body, not one per
/// chunk.
pub(super) fn overdue_after(body: Incoming, within: Duration) -> axum::body::Body {
    if body.is_end_stream() {
        return axum::body::Body::new(body);
    }
    axum::body::Body::new(Overdue { body, deadline: Some(Box::pin(tokio::time::sleep(within))), within })
}

struct Overdue {
    body: Incoming,
    /// Gone once the body has failed for it: nothing more is read.
    deadline: Option<Pin<Box<Sleep>>>,
    within: Duration,
}

impl Body for Overdue {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let this = self.get_mut();
        let Some(deadline) = this.deadline.as_mut() else { return Poll::Ready(None) };
        if let Poll::Ready(frame) = Pin::new(&mut this.body).poll_frame(cx) {
            return Poll::Ready(frame.map(|frame| frame.map_err(axum::Error::new)));
        }
        if deadline.as_mut().poll(cx).is_pending() {
            return Poll::Pending;
        }
        this.deadline = None;
        let overdue = format!("the request's body did not all come within {} s", this.within.as_secs_f64());
        Poll::Ready(Some(Err(axum::Error::new(overdue))))
    }

    fn is_end_stream(&self) -> bool {
        self.deadline.is_none() || self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}
