//! Document 002: interaction attributes. An applied change is queued for
//! the webhook subscribers; the reply does not wait for the deliveries.

use super::extract::{Fields, IfMatchHeader, JsonBody, PathParams};
use super::tagged;
use crate::domain::attributes::AttributeDraft;
use crate::sandbox::SandboxState;
use crate::sandbox::reply::Result;
use axum::extract::State;
use axum::response::Response;

pub(super) async fn get_all(
    State(s): State<SandboxState>,
    PathParams(id): PathParams<String>,
) -> Result<Response> {
    s.tenant.attributes(&id).map(tagged)
}

pub(super) async fn post(
    State(s): State<SandboxState>,
    PathParams(id): PathParams<String>,
    IfMatchHeader(if_match): IfMatchHeader,
    JsonBody(body): JsonBody,
) -> Result<Response> {
    let mut f = Fields::of(&body, "request body")?;
    let rows = f.each("attributes", true, |e| {
        // A misspelt field (`vlaue`, `mdoe`) is refused by name, as in every
        // write the sandbox takes, rather than read as a null or an UPDATE.
        e.deny_unknown(&["key", "value", "mode"]);
        let mode = e.text("mode");
        // Document 002's `Literal`: absent is UPDATE, present is exact. The
        // console's own rules read `add` kindly, and send `ADD`.
        if e.value("mode").as_str().is_some_and(|m| !["ADD", "UPDATE", "DELETE"].contains(&m)) {
            e.refuse("mode", "must be exactly ADD, UPDATE or DELETE");
        }
        AttributeDraft { key: e.text("key"), value: e.value("value"), mode }
    })?;
    // Document 002's payload forbids extra fields (`extra="forbid"`).
    f.deny_unknown(&["attributes"]);
    f.finish()?;
    let changed = s.tenant.change_attributes(&id, if_match.as_ref(), &rows)?;
    if let Some(event) = changed.event {
        s.callbacks.send(event);
    }
    Ok(tagged(changed.reply))
}
