//! Data actions (`POST/PATCH /api/v2/data-actions`).
//!
//! Rules: a name; a semantic version; input and output JSON Schemas that are
//! valid schemas of objects; a handler URL over https (plain http only to this
//! machine); a bounded timeout. A new version must be greater than the current
//! one, and a deprecated action takes no new version.

mod handler;
mod handler_url;
mod held_version;
mod metrics_range;
mod place;
mod schema;
mod version;

pub use handler::{Routing, SimulationError, latency_ms, simulate};
pub use handler_url::{check_handler_url, is_loopback};
pub use held_version::HeldVersion;
pub use metrics_range::MetricsRange;
pub use schema::{
    INPUT_SCHEMA_JSON, OUTPUT_SCHEMA_JSON, SAMPLE_INPUT_JSON, Schema, input_schema, output_schema,
    sample_input,
};
pub use version::parse_version;

use super::errors::{FieldError, Invalid, Problems, printable};
use semver::Version;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::cmp::Ordering;
use std::ops::RangeInclusive;
use url::Url;

/// Bounds of `timeoutMs`. Below 100 ms no handler can answer; above 30 s an
/// interaction would wait on routing longer than any caller tolerates.
pub const TIMEOUT_MS: RangeInclusive<u64> = 100..=30_000;
/// The timeout the documents deploy with.
pub const DEFAULT_TIMEOUT_MS: u64 = 5_000;
pub const MAX_NAME_CHARS: usize = 100;
pub const MAX_DESCRIPTION_CHARS: usize = 1_000;

/// A data action as a user composed it. Schemas are JSON documents.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DataActionDraft {
    pub name: String,
    pub version: String,
    pub input_schema: Value,
    pub output_schema: Value,
    pub handler_url: String,
    /// `None` means [`DEFAULT_TIMEOUT_MS`].
    #[serde(default)]
    pub timeout_ms: Option<u64>,
    #[serde(default)]
    pub description: String,
}

impl DataActionDraft {
    /// The documents' sentiment-routing action, with the shipped schemas.
    pub fn documents_example(handler_url: &str) -> Self {
        Self {
            name: "SentimentRoutingAction".into(),
            version: "1.0.0".into(),
            input_schema: input_schema().document().clone(),
            output_schema: output_schema().document().clone(),
            handler_url: handler_url.into(),
            timeout_ms: Some(DEFAULT_TIMEOUT_MS),
            description: "Sentiment-based routing enrichment action".into(),
        }
    }
}

/// A data action definition that passed every rule.
#[derive(Debug, Clone, PartialEq)]
pub struct DataActionDefinition {
    pub name: String,
    pub version: Version,
    pub input_schema: Schema,
    pub output_schema: Schema,
    pub handler_url: Url,
    pub timeout_ms: u64,
    pub description: String,
}

impl DataActionDefinition {
    pub fn validate(draft: &DataActionDraft) -> Result<Self, Invalid> {
        let mut p = Problems::new();
        let name = p.take(check_name(&draft.name));
        let version = p.take(parse_version("version", &draft.version));
        let input_schema = p.take(Schema::compile("inputSchema", &draft.input_schema));
        let output_schema = p.take(Schema::compile("outputSchema", &draft.output_schema));
        let handler_url = p.take(check_handler_url("handlerUrl", &draft.handler_url));
        let timeout_ms = p.take(check_timeout(draft.timeout_ms.unwrap_or(DEFAULT_TIMEOUT_MS)));
        let description = draft.description.trim().to_string();
        if description.chars().count() > MAX_DESCRIPTION_CHARS {
            p.push("description", format!("must be at most {MAX_DESCRIPTION_CHARS} characters"));
        }
        p.take(printable("description", &description));
        p.finish(|| {
            Some(Self {
                name: name?,
                version: version?,
                input_schema: input_schema?,
                output_schema: output_schema?,
                handler_url: handler_url?,
                timeout_ms: timeout_ms?,
                description,
            })
        })
    }
}

/// A name: an ASCII letter (`Ä` is not one), then ASCII letters, digits,
/// `_`, `-` or `.`; at most 100.
pub fn check_name(raw: &str) -> Result<String, FieldError> {
    let name = raw.trim();
    if name.is_empty() {
        return Err(FieldError::new("name", "is required"));
    }
    let starts_with_letter = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
    let alphabet_ok = name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    if !starts_with_letter || !alphabet_ok || name.chars().count() > MAX_NAME_CHARS {
        return Err(FieldError::new(
            "name",
            format!(
                "{name:?} must start with an ASCII letter and hold only ASCII letters, digits, _ - . (at most \
                 {MAX_NAME_CHARS})"
            ),
        ));
    }
    Ok(name.to_string())
}

/// A new version must move forward, and only on a live action. After a
/// version that is not semantic there is no order to keep: any other goes.
///
/// Forward is by SemVer precedence (§11), which leaves build metadata out
/// (§10): `1.0.0+b` is not after `1.0.0`, though semver's `Ord` puts it so.
pub fn check_new_version(current: &HeldVersion, deprecated: bool, raw: &str) -> Result<Version, FieldError> {
    if deprecated {
        return Err(FieldError::new(
            "version",
            "the action is deprecated; deploy a new action instead of versioning this one",
        ));
    }
    let next = parse_version("version", raw)?;
    let order = match current {
        HeldVersion::Semantic(current) => next.cmp_precedence(current),
        HeldVersion::Text(current) if next.to_string() != current.trim() => Ordering::Greater,
        HeldVersion::Text(_) => Ordering::Equal,
    };
    match order {
        Ordering::Greater => Ok(next),
        Ordering::Equal if current.semantic().is_some_and(|c| *c != next) => Err(FieldError::new(
            "version",
            format!(
                "{next} differs from the current version {current} only in its build metadata (after +), which \
                 SemVer leaves out of ordering versions: raise MAJOR.MINOR.PATCH or the pre-release"
            ),
        )),
        _ => Err(FieldError::new(
            "version",
            format!("{next} must be greater than the current version {current}"),
        )),
    }
}

/// A change to a deployed action: a new version, or its deprecation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionPatch {
    Version(Version),
    Deprecate,
}

/// What an action's current state means for an [`ActionPatch`].
#[derive(Debug, Clone, PartialEq)]
pub enum PatchFit {
    Send,
    /// The action already is as the patch would leave it: why.
    InPlace(String),
    Refused(FieldError),
}

impl ActionPatch {
    /// Held against an action now at `current`, deprecated or not.
    pub fn fit(&self, current: &HeldVersion, deprecated: bool) -> PatchFit {
        match self {
            Self::Version(v) if current.semantic() == Some(v) => {
                PatchFit::InPlace(format!("the action is already at version {v}"))
            }
            Self::Version(v) => match check_new_version(current, deprecated, &v.to_string()) {
                Ok(_) => PatchFit::Send,
                Err(e) => PatchFit::Refused(e),
            },
            Self::Deprecate if deprecated => PatchFit::InPlace("the action is already deprecated".into()),
            Self::Deprecate => PatchFit::Send,
        }
    }
}

fn check_timeout(ms: u64) -> Result<u64, FieldError> {
    if TIMEOUT_MS.contains(&ms) { Ok(ms) } else { Err(timeout_out_of_range(&ms.to_string())) }
}

fn timeout_out_of_range(shown: &str) -> FieldError {
    FieldError::new(
        "timeoutMs",
        format!("{shown} must be between {} and {} milliseconds", TIMEOUT_MS.start(), TIMEOUT_MS.end()),
    )
}

/// A timeout as typed: empty for [`DEFAULT_TIMEOUT_MS`], else whole
/// milliseconds in [`TIMEOUT_MS`]. A number too large for any clock is
/// refused for its range, not as if it were no number at all.
pub fn parse_timeout(raw: &str) -> Result<Option<u64>, FieldError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    match raw.parse::<u64>() {
        Ok(ms) => check_timeout(ms).map(Some),
        Err(e) if *e.kind() == std::num::IntErrorKind::PosOverflow => Err(timeout_out_of_range(raw)),
        Err(_) => Err(FieldError::new("timeoutMs", format!("{raw:?} is not a whole number of milliseconds"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn documents_example_is_valid() {
        let d = DataActionDefinition::validate(&DataActionDraft::documents_example(
            "https://your-handler-endpoint.example.com/process",
        ))
        .unwrap();
        assert_eq!(d.version, Version::new(1, 0, 0));
        assert_eq!(d.timeout_ms, 5000);
    }

    #[test]
    fn every_field_rule_is_named() {
        let draft = DataActionDraft {
            name: "9lives".into(),
            version: "1.0".into(),
            input_schema: json!({"type": "object", "properties": {"a": {"type": 7}}}),
            output_schema: json!({"type": "array"}),
            handler_url: "http://handler.example.com/x".into(),
            timeout_ms: Some(60_000),
            description: String::new(),
        };
        let err = DataActionDefinition::validate(&draft).unwrap_err();
        let fields =
            ["name", "version", "inputSchema.properties.a.type", "outputSchema", "handlerUrl", "timeoutMs"];
        for field in fields {
            assert!(err.mentions(field), "{field}: {err}");
        }
    }

    #[test]
    fn a_name_is_said_to_need_an_ascii_letter_first() {
        let refused = check_name("Ä5").unwrap_err();
        assert_eq!(
            refused.rule,
            "\"Ä5\" must start with an ASCII letter and hold only ASCII letters, digits, _ - . (at most 100)"
        );
        assert!(check_name("A5").is_ok());
    }

    #[test]
    fn versions_move_forward_on_live_actions_only() {
        let v = HeldVersion::from(Version::new(1, 2, 0));
        assert_eq!(check_new_version(&v, false, "1.3.0").unwrap(), Version::new(1, 3, 0));
        assert!(check_new_version(&v, false, "1.2.0").unwrap_err().rule.contains("greater"));
        assert!(check_new_version(&v, false, "1.1.9").is_err());
        assert!(check_new_version(&v, true, "2.0.0").unwrap_err().rule.contains("deprecated"));
        assert!(check_new_version(&v, false, "v2").is_err());
        assert!(check_new_version(&v, false, "1.2.1-rc.1").is_ok());
        let text = HeldVersion::read("v2");
        assert_eq!(check_new_version(&text, false, "1.0.0").unwrap(), Version::new(1, 0, 0));
        assert!(check_new_version(&text, false, "v3").unwrap_err().rule.contains("not a semantic version"));
    }

    /// SemVer §10: build metadata is left out of precedence, so a version
    /// that differs only there is not greater, either way round.
    #[test]
    fn build_metadata_alone_does_not_move_a_version_forward() {
        let v = HeldVersion::from(Version::new(1, 0, 0));
        let refused = check_new_version(&v, false, "1.0.0+b").unwrap_err();
        assert!(refused.rule.contains("only in its build metadata"), "{refused}");
        let built = HeldVersion::read("1.0.0+b.7");
        assert!(check_new_version(&built, false, "1.0.0+b.8").unwrap_err().rule.contains("build metadata"));
        assert!(check_new_version(&built, false, "1.0.0").unwrap_err().rule.contains("build metadata"));
        assert!(check_new_version(&built, false, "1.0.0+b.7").unwrap_err().rule.contains("must be greater"));
        assert_eq!(check_new_version(&built, false, "1.0.1+b.8").unwrap().to_string(), "1.0.1+b.8");
        assert!(check_new_version(&v, false, "1.0.0-rc.1+b").unwrap_err().rule.contains("must be greater"));
    }

    #[test]
    fn a_patch_already_in_place_is_told_apart_from_a_refused_one() {
        let at = HeldVersion::from(Version::new(2, 0, 1));
        let to = |v: &str| ActionPatch::Version(Version::parse(v).unwrap());
        assert_eq!(to("2.1.0").fit(&at, false), PatchFit::Send);
        assert!(
            matches!(to("2.0.1").fit(&at, false), PatchFit::InPlace(why) if why.contains("already at version 2.0.1"))
        );
        assert!(
            matches!(to("2.0.0").fit(&at, false), PatchFit::Refused(e) if e.rule.contains("greater than"))
        );
        assert!(matches!(to("3.0.0").fit(&at, true), PatchFit::Refused(e) if e.rule.contains("deprecated")));
        assert_eq!(ActionPatch::Deprecate.fit(&at, false), PatchFit::Send);
        assert!(matches!(ActionPatch::Deprecate.fit(&at, true), PatchFit::InPlace(_)));
    }
}
