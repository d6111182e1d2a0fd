//! The place of a member in a JSON document, named as every other error
//! here names one: `.key` for an object's member, `[i]` for an array's item
//! (`input.tags[1]`, `attributes[0].value`, `inputSchema.properties.a.$ref`).
//!
//! The validator reports places as JSON pointers (`/tags/1`), where `1` may
//! be an item or a member called "1": the document tells them apart.

use serde_json::Value;

/// `base`, then the member of `document` that `pointer` points at.
pub(super) fn place(base: &str, document: &Value, pointer: &str) -> String {
    let mut at = base.to_string();
    let mut here = Some(document);
    // A pointer is empty (the whole document) or starts with `/`.
    for token in pointer.split('/').skip(1) {
        let token = token.replace("~1", "/").replace("~0", "~");
        match (here, token.parse::<usize>()) {
            (Some(Value::Array(items)), Ok(i)) => {
                at.push_str(&format!("[{i}]"));
                here = items.get(i);
            }
            (_, _) => {
                at.push('.');
                at.push_str(&token);
                here = here.and_then(|value| value.get(&token));
            }
        }
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn items_and_members_are_told_apart_by_the_document() {
        let doc = json!({"tags": ["a", "b"], "1": {"a/b": [0, {"~x": 1}]}});
        assert_eq!(place("input", &doc, ""), "input");
        assert_eq!(place("input", &doc, "/tags/1"), "input.tags[1]");
        assert_eq!(place("input", &doc, "/1/a~1b/1/~0x"), "input.1.a/b[1].~x");
        // A place the document lacks (a required member) is still named.
        assert_eq!(place("input", &doc, "/missing/0"), "input.missing.0");
    }
}
