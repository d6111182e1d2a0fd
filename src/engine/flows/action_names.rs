//! Data actions named by name. The name is looked up on the tenant when the
//! change runs, not when it was written: a batch file's line then finds the
//! action an earlier line deployed, and a name that a second deploy made
//! ambiguous is refused rather than sent to whichever action came first.

use super::again;
use crate::api::model::{DataAction, ListQuery, MAX_TOP, NoFilter};
use crate::api::{ApiError, Client};
use crate::domain::{DataActionId, FieldError};
use crate::engine::command::ActionRef;
use std::collections::BTreeMap;
use time::{Duration, OffsetDateTime};

/// Pages of data actions read at most (a million actions), so a tenant that
/// keeps announcing pages cannot hold a change or a check forever.
const MAX_PAGES: usize = 1_000;

/// Why an action could not be named by id.
pub(super) enum Unresolved {
    /// The line's own field breaks a rule: a malformed id, a name no action
    /// or several actions hold.
    Rule(FieldError),
    /// The tenant could not be read.
    Api(ApiError),
}

/// The id of the action `action` names, as the tenant holds it now.
pub(super) async fn resolve(api: &Client, action: &ActionRef) -> Result<DataActionId, Unresolved> {
    match action {
        ActionRef::Id(raw) => DataActionId::parse_as("id", raw).map_err(Unresolved::Rule),
        ActionRef::Name(name) => {
            let by_name = by_name(api).await.map_err(Unresolved::Api)?;
            let ids = by_name.get(name.trim()).map(Vec::as_slice).unwrap_or_default();
            let id = one_named(name.trim(), ids).map_err(Unresolved::Rule)?;
            DataActionId::parse_as("id", id).map_err(Unresolved::Rule)
        }
    }
}

/// The one id among `ids`, the actions named `name`; a rule on `name`
/// otherwise.
pub(crate) fn one_named<'a>(name: &str, ids: &'a [String]) -> Result<&'a str, FieldError> {
    match ids {
        [id] => Ok(id),
        [] => Err(FieldError::new("name", format!("no data action on the tenant is named {name}"))),
        many => Err(FieldError::new(
            "name",
            format!("{} data actions are named {name}; give the id of one: {}", many.len(), many.join(", ")),
        )),
    }
}

/// The ids of the tenant's data actions, by name (as written: names that
/// differ in case are different names).
pub(crate) async fn by_name(api: &Client) -> Result<BTreeMap<String, Vec<String>>, ApiError> {
    let mut by_name: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut query = ListQuery::<NoFilter>::new().top(MAX_TOP);
    for _ in 0..MAX_PAGES {
        let page = again(api.retry_policy(), || api.data_actions(&query)).await?.value;
        let next = page.next_query(&query);
        for action in page.items {
            by_name.entry(action.name).or_default().push(action.id.as_str().to_string());
        }
        match next {
            Some(next) => query = next,
            None => break,
        }
    }
    Ok(by_name)
}

/// How far the tenant's clock may lag ours when a deploy's creation time is
/// compared with the intent's.
const CLOCK_SKEW: Duration = Duration::minutes(5);

/// The action a deploy made, when one matches it: created after its intent
/// (`since`) and not among `known_before`, the actions of that name the
/// tenant already held. An action the tenant dates is known by its name,
/// handler and creation: a new version since does not make it another
/// action. One it does not date must still be at the deployed version to
/// be taken for it. With `known_before` unknown (`None`), an action made a
/// moment before the intent could be an earlier deploy of the same
/// definition, so the tenant's clock is given no slack.
pub(crate) async fn deployed_since(
    api: &Client,
    name: &str,
    version: &str,
    handler_url: &str,
    since: OffsetDateTime,
    known_before: Option<&[String]>,
) -> Result<Option<DataAction>, ApiError> {
    let skew = if known_before.is_some() { CLOCK_SKEW } else { Duration::ZERO };
    let known_before = known_before.unwrap_or_default();
    let mut query = ListQuery::<NoFilter>::new().top(MAX_TOP);
    for _ in 0..MAX_PAGES {
        let page = again(api.retry_policy(), || api.data_actions(&query)).await?.value;
        let next = page.next_query(&query);
        let found = page.items.into_iter().find(|a| {
            a.name == name
                && a.handler_url == handler_url
                && !known_before.iter().any(|id| id == a.id.as_str())
                && match a.created_at {
                    Some(created) => created.datetime() >= since - skew,
                    None => a.version.to_string() == version,
                }
        });
        if found.is_some() {
            return Ok(found);
        }
        match next {
            Some(next) => query = next,
            None => break,
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_must_be_held_by_exactly_one_action() {
        let ids = |n: usize| (0..n).map(|i| format!("id-{i}")).collect::<Vec<_>>();
        assert_eq!(one_named("Vip", &ids(1)).unwrap(), "id-0");
        let none = one_named("Vip", &ids(0)).unwrap_err();
        assert_eq!(
            (none.field.as_str(), none.rule.as_str()),
            ("name", "no data action on the tenant is named Vip")
        );
        let two = one_named("Vip", &ids(2)).unwrap_err();
        assert_eq!(two.rule, "2 data actions are named Vip; give the id of one: id-0, id-1");
    }
}
