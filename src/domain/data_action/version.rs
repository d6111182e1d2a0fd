//! A semantic version as typed, read or refused in words that say what is
//! wrong with it.

use crate::domain::errors::FieldError;
use semver::Version;

/// A semantic version `MAJOR.MINOR.PATCH[-pre][+build]`.
pub fn parse_version(field: &str, raw: &str) -> Result<Version, FieldError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(FieldError::new(field, "is required"));
    }
    Version::parse(raw).map_err(|e| {
        FieldError::new(
            field,
            format!("{raw:?} is not a semantic version MAJOR.MINOR.PATCH, e.g. 1.0.0 ({})", fault(raw, &e)),
        )
    })
}

/// What is wrong with `raw`. A version cut short is said by the parts it
/// lacks: semver names the part it was reading when the text ended, so
/// `1.0` would be "unexpected end of input while parsing minor version
/// number" when it is the PATCH that is missing. Anything else, as semver
/// says it.
fn fault(raw: &str, error: &semver::Error) -> String {
    let core = raw.split(['-', '+']).next().unwrap_or(raw);
    let parts: Vec<&str> = core.split('.').collect();
    let numbers = parts.iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    match (numbers, parts.len()) {
        (true, 1) => "the MINOR and PATCH numbers are missing".to_string(),
        (true, 2) => "the PATCH number is missing".to_string(),
        _ => error.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_version_cut_short_names_the_parts_it_lacks() {
        let rule = |raw: &str| parse_version("version", raw).unwrap_err().rule;
        assert_eq!(
            rule("1.0"),
            "\"1.0\" is not a semantic version MAJOR.MINOR.PATCH, e.g. 1.0.0 (the PATCH number is missing)"
        );
        assert!(rule("2").ends_with("(the MINOR and PATCH numbers are missing)"), "{}", rule("2"));
        assert!(rule("1.0-rc.1").ends_with("(the PATCH number is missing)"), "{}", rule("1.0-rc.1"));
        assert!(!rule("v2").contains("missing"), "{}", rule("v2"));
        assert!(!rule("1.0.x").contains("missing"), "{}", rule("1.0.x"));
        assert_eq!(parse_version("version", " 1.0.0 ").unwrap(), Version::new(1, 0, 0));
        assert_eq!(rule(" "), "is required");
    }
}
