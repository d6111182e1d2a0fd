//! Seeded data actions, from `assets/sandbox/data_actions.json`, all on the
//! documents' shipped schemas so their executions can be simulated.

use super::assets::DATA_ACTIONS;
use super::random_id;
use crate::domain::data_action::{DataActionDefinition, DataActionDraft, input_schema, output_schema};
use crate::sandbox::tenant::clock::Stamp;
use crate::sandbox::tenant::data_actions::DataAction;
use crate::sandbox::tenant::store::Store;
use rand::Rng;
use semver::Version;
use serde::Deserialize;
use time::{Duration, OffsetDateTime};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Seeded {
    name: String,
    versions: Vec<String>,
    is_deprecated: bool,
    handler_url: String,
    timeout_ms: u64,
    description: String,
}

pub(super) fn generate(rng: &mut impl Rng, now: OffsetDateTime) -> Store<DataAction> {
    // The file is compiled in and covered by the seed tests; one that does not
    // parse would seed no actions rather than stop the sandbox.
    let seeded: Vec<Seeded> = serde_json::from_str(DATA_ACTIONS).unwrap_or_default();
    let mut store = Store::default();
    for s in seeded {
        let Some(first) = s.versions.first() else { continue };
        let draft = DataActionDraft {
            name: s.name.clone(),
            version: first.clone(),
            input_schema: input_schema().document().clone(),
            output_schema: output_schema().document().clone(),
            handler_url: s.handler_url.clone(),
            timeout_ms: Some(s.timeout_ms),
            description: s.description.clone(),
        };
        let Ok(def) = DataActionDefinition::validate(&draft) else { continue };
        let mut at = Stamp::from_datetime(now - Duration::days(rng.random_range(30..90)));
        let mut action = DataAction::new(random_id(rng), def, s.is_deprecated, at);
        for v in s.versions.iter().skip(1).filter_map(|v| Version::parse(v).ok()) {
            at = at.plus(std::time::Duration::from_secs(rng.random_range(86_400..20 * 86_400)));
            action.versions.push((v.clone(), at));
            action.version = v;
            action.meta.touch(at);
        }
        store.insert(action);
    }
    store
}
