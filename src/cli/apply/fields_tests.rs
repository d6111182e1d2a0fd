//! A line's fields read and refused by name: misspelt keys, whole numbers,
//! CSV cells, documents inline or by path, nested entries.

use super::*;
use serde_json::json;

fn json_fields(value: Value) -> Fields {
    let Value::Object(object) = value else { unreachable!("tests pass objects") };
    Fields::from_json(object, "")
}

fn said(problems: &[FieldError]) -> Vec<(&str, &str)> {
    problems.iter().map(|p| (p.field.as_str(), p.rule.as_str())).collect()
}

#[test]
fn fields_are_read_by_name_and_leftovers_are_named_with_what_they_likely_meant() {
    let mut f = json_fields(
        json!({"userId": "u-1", "status": "Break", "autoAvailable": false, "stauts": 1, "pause_reason": "x"}),
    );
    assert_eq!(f.text("userId"), "u-1");
    assert_eq!(f.text("pauseReason"), "", "absent reads as empty");
    assert!(!f.flag("autoAvailable", true));
    assert!(f.flag("respectWrapUp", true), "absent takes the default");
    f.text("status");
    assert_eq!(
        said(&f.finish("agent_status")),
        [
            ("pause_reason", "is not a field of agent_status: did you mean pauseReason?"),
            (
                "stauts",
                "is not a field of agent_status, whose fields are userId, pauseReason, autoAvailable, \
                 respectWrapUp, status"
            ),
        ]
    );
}

/// JSON in a CSV cell is read as a JSON line is: a key named twice is
/// refused rather than the last one silently sent.
#[test]
fn json_in_a_cell_names_no_key_twice() {
    let mut f = Fields::from_csv([("customFields", r#"{"score": 1, "score": 2}"#)]);
    assert_eq!(f.json("customFields"), None);
    let problems = f.finish("contact_disposition");
    let [(field, rule)] = said(&problems)[..] else { panic!("{problems:?}") };
    assert_eq!(field, "customFields");
    assert!(rule.starts_with("its JSON: names the key \"score\" twice"), "{rule}");
}

#[test]
fn reading_goes_on_past_a_bad_field() {
    let mut f = json_fields(json!({"autoAvailable": "maybe", "respectWrapUp": false, "timeoutMs": -1}));
    assert!(f.flag("autoAvailable", true), "the default stands in");
    assert!(!f.flag("respectWrapUp", true), "read although the field before it was bad");
    assert_eq!(f.number("timeoutMs"), None);
    assert_eq!(
        said(&f.finish("x")),
        [("autoAvailable", "must be true or false"), ("timeoutMs", "must not be negative")]
    );
}

/// A float that is a whole number is one, so the field's own range
/// names the limit (`1e12` is over 30000 ms, not "not a whole number").
#[test]
fn numbers_are_whole_however_written_and_refused_in_words() {
    let mut f = json_fields(json!({"a": 1e12, "b": 2.5, "c": -3, "e": [1]}));
    assert_eq!(f.number("a"), Some(1_000_000_000_000));
    assert_eq!((f.number("b"), f.number("c"), f.number("e")), (None, None, None));
    assert_eq!(
        said(&f.finish("x")),
        [("b", "must be a whole number"), ("c", "must not be negative"), ("e", "must be a whole number")]
    );
    let mut f = Fields::from_csv([("a", "1e3"), ("c", "-3"), ("d", "ten")]);
    assert_eq!((f.number("a"), f.number("c"), f.number("d")), (Some(1000), None, None));
    assert_eq!(said(&f.finish("x")), [("c", "must not be negative"), ("d", "must be a whole number")]);
}

#[test]
fn csv_cells_are_text_and_empty_ones_are_absent() {
    let mut f = Fields::from_csv([("op", "x"), ("timeoutMs", " 800 "), ("notes", "  "), ("value", "85")]);
    assert_eq!(f.text("notes"), "", "an empty cell is an absent field");
    assert_eq!(f.number("timeoutMs"), Some(800));
    assert_eq!(f.value("value"), json!("85"), "CSV values are text");
    assert!(f.flag("op", true));
    assert!(f.refused("op"));
    let problems = f.finish("x");
    assert!(problems.iter().all(|p| p.field != "notes"));
    assert!(problems[0].rule.contains("true or false"), "{}", problems[0].rule);

    let mut f = Fields::from_csv([("dispositions", "[]")]);
    assert_eq!(f.list("dispositions").map(|l| l.len()), Some(0));
    assert!(f.finish("x")[0].rule.contains("JSON lines"));
}

#[test]
fn a_document_is_inline_json_an_object_or_a_path_alike_in_both_formats() {
    let base = Path::new("/nowhere");
    let inline = json!({"type": "object"});
    let mut f = json_fields(json!({"a": inline, "b": "{\"type\": \"object\"}", "c": "schema.json"}));
    assert_eq!(f.document("a", base), Some(inline.clone()));
    assert_eq!(f.document("b", base), Some(inline.clone()), "JSON text in a string is JSON, not a path");
    assert_eq!(f.document("c", base), None);
    assert!(f.finish("x")[0].rule.contains("/nowhere/schema.json cannot be read"));
    let mut f = Fields::from_csv([("a", "{\"type\": \"object\"}")]);
    assert_eq!(f.document("a", base), Some(inline));
    let mut f = Fields::from_csv([("a", "{\"maximum\": 0.30000000000000000001}")]);
    assert_eq!(f.document("a", base), None, "a number the document cannot keep is not rounded away");
    let problems = f.finish("x");
    assert_eq!(problems[0].field, "a");
    assert!(problems[0].rule.starts_with("the number at maximum has more digits"), "{}", problems[0].rule);
    assert!(!problems[0].rule.contains("in quotes"), "a schema's number stays one: {}", problems[0].rule);
    let mut f = Fields::from_csv([("customFields", "{\"score\": 0.30000000000000000001}")]);
    assert_eq!(f.json("customFields"), None);
    assert!(f.finish("x")[0].rule.ends_with("write it in quotes to send it as text"), "a value may be text");
}

/// A path with spaces around it is read as a CSV cell's is; a file
/// that never ends is refused, by field, once past the most read.
#[test]
fn a_document_path_is_trimmed_and_an_endless_one_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("input.json"), "{\"score\": 1}").unwrap();
    let mut f = json_fields(json!({"a": "  input.json ", "b": "/dev/zero"}));
    assert_eq!(f.document("a", dir.path()), Some(json!({"score": 1})));
    if Path::new("/dev/zero").exists() {
        assert_eq!(f.document("b", dir.path()), None);
        let problems = f.finish("x");
        assert_eq!(problems[0].field, "b");
        assert!(problems[0].rule.contains("larger than 16 MiB"), "{}", problems[0].rule);
    }
    let big = dir.path().join("big.json");
    std::fs::write(&big, vec![b' '; 2_000]).unwrap();
    assert!(read_at_most(&big, 2_000).is_ok());
    assert_eq!(read_at_most(&big, 1_999).unwrap_err().kind(), std::io::ErrorKind::FileTooLarge);
}

#[test]
fn nested_entries_name_their_index() {
    let mut f = json_fields(json!({"dispositions": [{"code": "101", "colour": "red"}, 7]}));
    let mut entries = f.list("dispositions").expect("a list");
    assert_eq!(entries.len(), 1, "the second entry is not an object");
    let mut entry = entries.remove(0);
    entry.text("code");
    f.adopt(entry);
    let problems = f.finish("interaction_disposition");
    assert_eq!(
        problems.iter().map(|p| p.field.as_str()).collect::<Vec<_>>(),
        ["dispositions[1]", "dispositions[0].colour"]
    );
}
