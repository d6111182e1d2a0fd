//! JSON Schemas of data actions: compiled once, checked without I/O.

use super::place::place;
use crate::domain::errors::{FieldError, Invalid, Problems};
use jsonschema::error::ValidationErrorKind;
use serde_json::Value;
use std::fmt;
use std::sync::{Arc, LazyLock};

/// The input schema of the documents' sentiment-routing action.
pub const INPUT_SCHEMA_JSON: &str = include_str!("../../../assets/data-actions/input.schema.json");
/// The output schema of the documents' sentiment-routing action.
pub const OUTPUT_SCHEMA_JSON: &str = include_str!("../../../assets/data-actions/output.schema.json");
/// The payload the documents' simulator injects.
pub const SAMPLE_INPUT_JSON: &str = include_str!("../../../assets/data-actions/sample-input.json");

/// A JSON Schema that compiled: valid against its meta-schema, every
/// reference resolvable locally, and describing an object.
#[derive(Clone)]
pub struct Schema {
    document: Value,
    validator: Arc<jsonschema::Validator>,
}

impl Schema {
    /// Compiles `document`; `field` names it in the error (`inputSchema`).
    pub fn compile(field: &str, document: &Value) -> Result<Self, FieldError> {
        if !document.is_object() {
            return Err(FieldError::new(field, "must be a JSON Schema object"));
        }
        // Before compiling, so that a `$ref` the compiler cannot resolve is
        // refused for what CXone refuses it for, not as unresolvable.
        unsupported(field, document, false)?;
        // The schema's own faults first: `"type": "objekt"` is a mistyped
        // type before it is a type other than object. Named at the fault's
        // place in the schema, as an unsupported keyword is.
        let validator = draft_of(document).build(document).map_err(|e| {
            FieldError::new(
                place(field, document, e.instance_path().as_str()),
                format!("is not a valid JSON Schema: {e}"),
            )
        })?;
        let kind = document.get("type");
        if !describes_objects_only(kind) {
            let found = match kind {
                Some(kind) => format!("its top-level \"type\" is {kind}"),
                None => "it has no top-level \"type\"".to_string(),
            };
            return Err(FieldError::new(
                field,
                format!("must describe a JSON object (\"type\": \"object\" at the top level); {found}"),
            ));
        }
        Ok(Self { document: document.clone(), validator: Arc::new(validator) })
    }

    pub fn document(&self) -> &Value {
        &self.document
    }

    /// Checks `instance`, reporting every violation under `field` plus the
    /// place of the offending value (`input.sentiment_score`, `input.tags[1]`),
    /// as a number that cannot be read there is named.
    pub fn check(&self, field: &str, instance: &Value) -> Result<(), Invalid> {
        let mut p = Problems::new();
        for error in self.validator.iter_errors(instance) {
            let pointer = error.instance_path().as_str();
            let at = place(field, instance, pointer);
            // A missing member is named where it belongs, as a blank field
            // of a form is: the object holding it is not what is wrong.
            if let ValidationErrorKind::Required { property: Value::String(name) } = error.kind() {
                p.push(format!("{at}.{name}"), "is required");
                continue;
            }
            let rule =
                match (alternatives(&self.document, error.schema_path().as_str()), instance.pointer(pointer))
                {
                    (Some(words), Some(value)) => format!("{value} must be {words}"),
                    _ => error.to_string(),
                };
            p.push(at, rule);
        }
        p.finish(|| Some(()))
    }

    pub fn is_valid(&self, instance: &Value) -> bool {
        self.validator.is_valid(instance)
    }
}

impl fmt::Debug for Schema {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Schema").field("document", &self.document).finish()
    }
}

impl PartialEq for Schema {
    fn eq(&self, other: &Self) -> bool {
        self.document == other.document
    }
}

/// Whether a top-level `type` allows objects and nothing else: `"object"`,
/// or a list of it (`["object"]`), which draft-07 reads alike.
fn describes_objects_only(kind: Option<&Value>) -> bool {
    match kind {
        Some(Value::String(kind)) => kind == "object",
        Some(Value::Array(kinds)) => !kinds.is_empty() && kinds.iter().all(|k| k == "object"),
        _ => false,
    }
}

/// The drafts a `$schema` may name to be read as that draft.
const KNOWN_DRAFTS: [&str; 5] = [
    "json-schema.org/draft-04/schema",
    "json-schema.org/draft-06/schema",
    "json-schema.org/draft-07/schema",
    "json-schema.org/draft/2019-09/schema",
    "json-schema.org/draft/2020-12/schema",
];

/// Document 004 checks schemas as draft-07 (`Draft7Validator.check_schema`),
/// whatever their `$schema` says, and its pydantic models write none: such a
/// schema is read and applied as draft-07, where `"items": [...]` is a tuple
/// rather than a fault. One that names a draft this console knows keeps it;
/// one naming a meta-schema of its own is read as draft-07, as there.
fn draft_of(document: &Value) -> jsonschema::ValidationOptions<'static> {
    let named = document.get("$schema").and_then(Value::as_str).map(|uri| {
        let uri = uri.trim_end_matches('#');
        let uri = uri.strip_prefix("https://").or_else(|| uri.strip_prefix("http://")).unwrap_or(uri);
        KNOWN_DRAFTS.contains(&uri)
    });
    match named {
        Some(true) => jsonschema::options(),
        _ => jsonschema::draft7::options(),
    }
}

fn shipped(field: &str, text: &str) -> Schema {
    // The shipped schemas are compiled into the binary and covered by tests;
    // a failure here is a build defect, not a user error.
    let doc: Value = serde_json::from_str(text).expect("shipped schema is JSON");
    Schema::compile(field, &doc).expect("shipped schema compiles")
}

static INPUT: LazyLock<Schema> = LazyLock::new(|| shipped("inputSchema", INPUT_SCHEMA_JSON));
static OUTPUT: LazyLock<Schema> = LazyLock::new(|| shipped("outputSchema", OUTPUT_SCHEMA_JSON));

/// The documents' input schema (`InteractionEventInput`).
pub fn input_schema() -> &'static Schema {
    &INPUT
}

/// The documents' output schema (`ActionOutputPayload`).
pub fn output_schema() -> &'static Schema {
    &OUTPUT
}

/// The documents' simulator payload.
pub fn sample_input() -> Value {
    serde_json::from_str(SAMPLE_INPUT_JSON).unwrap_or(Value::Null)
}

/// Keywords CXone refuses in a data action's schemas (document 004, "400
/// Bad Request"): `definitions` (`$defs` since draft 2019-09) and the `$ref`
/// pointers into them. Whatever they say can be written inline.
const UNSUPPORTED: [&str; 3] = ["$ref", "definitions", "$defs"];

/// Keywords whose object maps names to schemas: their keys are property
/// names, so a property called `definitions` is not the keyword.
const NAMED_SCHEMAS: [&str; 4] = ["properties", "patternProperties", "dependencies", "dependentSchemas"];

/// Keywords whose values are instances, not schemas: a `$ref` in an
/// example or a default is data.
const INSTANCES: [&str; 4] = ["enum", "const", "default", "examples"];

/// The first unsupported keyword under `at`, named by its path
/// (`inputSchema.properties.a.$ref`). `names` tells that the keys of
/// `value` are property names rather than keywords.
fn unsupported(at: &str, value: &Value, names: bool) -> Result<(), FieldError> {
    match value {
        Value::Object(map) => map.iter().try_for_each(|(key, inner)| {
            let path = format!("{at}.{key}");
            if names {
                return unsupported(&path, inner, false);
            }
            if let Some(keyword) = UNSUPPORTED.iter().find(|k| **k == key.as_str()) {
                return Err(FieldError::new(path, refusal(keyword)));
            }
            if INSTANCES.contains(&key.as_str()) {
                return Ok(());
            }
            unsupported(&path, inner, NAMED_SCHEMAS.contains(&key.as_str()))
        }),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .try_for_each(|(i, inner)| unsupported(&format!("{at}[{i}]"), inner, false)),
        _ => Ok(()),
    }
}

fn refusal(keyword: &str) -> String {
    if keyword == "$ref" {
        "is not supported: CXone rejects $ref pointers in a data action's schema; write the schema it points \
         to inline"
            .into()
    } else {
        format!(
            "is not supported: CXone takes no {keyword} in a data action's schema; write each schema inline \
             where it is used"
        )
    }
}

/// The choices an `anyOf` or `oneOf` at `schema_path` allows, in words
/// ("a number from -1 to 1, or null"), when each can be said plainly; the
/// validator's own message only says none of them matched.
fn alternatives(document: &Value, schema_path: &str) -> Option<String> {
    if !(schema_path.ends_with("/anyOf") || schema_path.ends_with("/oneOf")) {
        return None;
    }
    let choices = document.pointer(schema_path)?.as_array()?;
    let words: Option<Vec<String>> = choices.iter().map(plainly).collect();
    Some(words?.join(", or "))
}

/// One schema of a few plain kinds, in words: `{"type": "number",
/// "minimum": -1, "maximum": 1}` is "a number from -1 to 1".
fn plainly(schema: &Value) -> Option<String> {
    let kind = match schema.get("type")?.as_str()? {
        "null" => return Some("null".into()),
        "number" => "a number",
        "integer" => "a whole number",
        "string" => "a string",
        "boolean" => "true or false",
        "array" => "a list",
        "object" => "an object",
        _ => return None,
    };
    let bound = |key: &str| schema.get(key).and_then(Value::as_f64);
    Some(match (bound("minimum"), bound("maximum")) {
        (Some(min), Some(max)) => format!("{kind} from {min} to {max}"),
        (Some(min), None) => format!("{kind} of at least {min}"),
        (None, Some(max)) => format!("{kind} of at most {max}"),
        (None, None) => kind.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn shipped_schemas_compile_and_accept_the_documents_sample() {
        assert!(input_schema().check("input", &sample_input()).is_ok());
    }

    #[test]
    fn sample_violations_are_named_by_path() {
        let mut bad = sample_input();
        bad["channel_type"] = json!("fax");
        bad["sentiment_score"] = json!(1.5);
        let err = input_schema().check("input", &bad).unwrap_err();
        assert!(err.mentions("input.channel_type"), "{err}");
        assert!(err.mentions("input.sentiment_score"), "{err}");
        // The choices of an anyOf, said in words rather than "none matched".
        let said = err.errors().iter().find(|e| e.field == "input.sentiment_score").map(|e| e.rule.clone());
        assert_eq!(said.as_deref(), Some("1.5 must be a number from -1 to 1, or null"));
        bad["tags"] = json!(["vip", 7]);
        assert!(input_schema().check("input", &bad).unwrap_err().mentions("input.tags[1]"));
    }

    /// Named as a number that cannot be read there is (`input.sentiment_score`):
    /// one way of writing a place, whichever rule finds the fault.
    #[test]
    fn places_are_written_as_unreadable_numbers_name_them() {
        let line = r#"{"input": {"sentiment_score": 1e400}}"#;
        let unread = crate::domain::strict_json::parse(line).unwrap_err();
        let mut bad = sample_input();
        bad["sentiment_score"] = json!(1.5);
        let err = input_schema().check("input", &bad).unwrap_err();
        assert!(err.mentions(&unread.field), "{unread} against {err}");
    }

    #[test]
    fn a_missing_member_is_named_where_it_belongs() {
        let err = input_schema().check("input", &json!({"channel_type": "chat"})).unwrap_err();
        assert_eq!(
            err.for_field("input.interaction_id").next().map(|e| e.rule.as_str()),
            Some("is required")
        );
        assert!(!err.mentions("input"), "{err}");
    }

    #[test]
    fn invalid_schemas_are_refused() {
        for doc in [
            json!("not an object"),
            json!({"type": "string"}),
            json!({"type": "object", "properties": {"a": {"type": "banana"}}}),
            json!({"type": "object", "minProperties": -1}),
        ] {
            assert!(Schema::compile("inputSchema", &doc).is_err(), "{doc}");
        }
        // Each refusal says what is wrong with this schema, not only the rule.
        let typo = Schema::compile("inputSchema", &json!({"type": "objekt"})).unwrap_err();
        assert!(
            typo.rule.starts_with("is not a valid JSON Schema") && typo.rule.contains("objekt"),
            "{typo}"
        );
        assert!(
            Schema::compile("inputSchema", &json!({"type": ["object"]})).is_ok(),
            "objects only, as a list"
        );
        let nullable = Schema::compile("inputSchema", &json!({"type": ["object", "null"]})).unwrap_err();
        assert!(nullable.rule.ends_with(r#"its top-level "type" is ["object","null"]"#), "{nullable}");
        let untyped = Schema::compile("inputSchema", &json!({"properties": {}})).unwrap_err();
        assert!(untyped.rule.ends_with(r#"it has no top-level "type""#), "{untyped}");
    }

    /// A schema's own fault is named where it is, as a `$ref` is.
    #[test]
    fn a_schemas_fault_is_named_by_its_place() {
        let refused = |doc: Value| Schema::compile("inputSchema", &doc).unwrap_err();
        let e = refused(json!({"type": "object", "properties": {"a": {"type": "banana"}}}));
        assert_eq!(e.field, "inputSchema.properties.a.type", "{e}");
        assert!(e.rule.starts_with("is not a valid JSON Schema: ") && e.rule.contains("banana"), "{e}");
        let e = refused(json!({"type": "object", "properties": {"l": {"anyOf": [{"type": "null"}, 5]}}}));
        assert_eq!(e.field, "inputSchema.properties.l.anyOf[1]", "{e}");
        assert_eq!(refused(json!({"type": "objekt"})).field, "inputSchema.type");
    }

    /// Document 004 checks schemas against draft-07, where a list of
    /// schemas under `items` is a tuple: one per position.
    #[test]
    fn a_schema_without_its_draft_is_read_as_draft_07() {
        let pair = json!({"type": "array", "items": [{"type": "string"}, {"type": "number"}]});
        let doc = json!({"type": "object", "properties": {"pair": pair}});
        let schema = Schema::compile("inputSchema", &doc).unwrap();
        assert!(schema.check("input", &json!({"pair": ["a", 1]})).is_ok());
        let err = schema.check("input", &json!({"pair": [1, "a"]})).unwrap_err();
        assert!(err.mentions("input.pair[0]") && err.mentions("input.pair[1]"), "{err}");
        // A schema that names a later draft is held to it.
        let mut named = doc.clone();
        named["$schema"] = json!("https://json-schema.org/draft/2020-12/schema");
        let e = Schema::compile("inputSchema", &named).unwrap_err();
        assert_eq!(e.field, "inputSchema.properties.pair.items", "{e}");
        // One naming a meta-schema of its own is read as draft-07, as
        // document 004's check reads every schema.
        let mut own = doc.clone();
        own["$schema"] = json!("https://example.com/my-meta");
        let schema = Schema::compile("inputSchema", &own).expect("read as draft-07");
        assert!(schema.check("input", &json!({"pair": ["a", 1]})).is_ok());
        named["$schema"] = json!("http://json-schema.org/draft-07/schema#");
        assert!(Schema::compile("inputSchema", &named).is_ok(), "draft-07 named as itself");
    }

    #[test]
    fn definitions_and_refs_are_refused_wherever_they_are_named_by_path() {
        let refused = |doc: Value| Schema::compile("inputSchema", &doc).unwrap_err();
        let defs = json!({"A": {"type": "string"}});
        let a_ref = json!({"$ref": "#/definitions/A"});
        let e = refused(json!({"type": "object", "definitions": defs, "properties": {"a": a_ref}}));
        assert_eq!(e.field, "inputSchema.definitions", "{e}");
        assert!(e.rule.contains("CXone takes no definitions"), "{e}");
        let e = refused(json!({"type": "object", "$defs": defs}));
        assert_eq!(e.field, "inputSchema.$defs", "{e}");
        let e = refused(json!({"type": "object", "properties": {"a": a_ref}}));
        assert_eq!(e.field, "inputSchema.properties.a.$ref", "{e}");
        assert!(e.rule.contains("CXone rejects $ref pointers"), "{e}");
        let e = refused(json!({"type": "object", "properties": {"l": {"type": "array", "items": {"anyOf": [
            {"type": "null"}, {"$ref": "https://schemas.example.com/x.json"}]}}}}));
        assert_eq!(e.field, "inputSchema.properties.l.items.anyOf[1].$ref", "{e}");
        // A property of that name, or one in an example, is not the keyword.
        let named = json!({"type": "object", "properties": {"definitions": {"type": "string"},
            "$ref": {"type": "string", "default": {"$ref": "x"}}}, "examples": [{"$ref": "x"}]});
        assert!(Schema::compile("outputSchema", &named).is_ok());
    }
}
