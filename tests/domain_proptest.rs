//! Property tests of the domain rules: any input gets an answer (never a
//! panic), and what is accepted is exactly what each document's rule says.

use cxone_console::domain::agent_status::{AgentStatusChange, AgentStatusDraft, PauseReasons};
use cxone_console::domain::attributes::{AttributeDraft, AttributeKey, AttributeUpdate, AttributeValue};
use cxone_console::domain::contact_disposition::OutcomeCode;
use cxone_console::domain::data_action::{check_handler_url, check_new_version, is_loopback};
use cxone_console::domain::interaction_disposition::{
    DispositionDraft, DispositionMatrix, InteractionDisposition, MatrixCode,
};
use cxone_console::domain::{InteractionId, Timestamp};
use proptest::prelude::*;
use serde_json::json;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

fn matrix() -> DispositionMatrix {
    DispositionMatrix::new(
        ["101", "102", "201", "202"].map(|c| MatrixCode { code: c.into(), description: format!("code {c}") }),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn attribute_keys_follow_the_key_rule(key in prop_oneof![".{0,300}", "[A-Za-z0-9_: -]{0,300}"]) {
        let chars = key.chars().count();
        let expected = (1..=255).contains(&chars)
            && !key.starts_with('_')
            && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        let got = AttributeKey::parse_as("key", &key);
        prop_assert_eq!(got.is_ok(), expected, "{:?}", got);
        if let Err(e) = got {
            prop_assert_eq!(e.field, "key");
        }
    }

    #[test]
    fn string_values_are_limited_to_2000_characters(n in 0usize..2100, c in any::<char>()) {
        let value = json!(c.to_string().repeat(n));
        prop_assert_eq!(AttributeValue::parse_as("value", &value).is_ok(), n <= 2000);
    }

    #[test]
    fn attribute_requests_hold_one_to_fifty_distinct_keys(n in 0usize..60, repeat in any::<bool>()) {
        let mut rows: Vec<AttributeDraft> = (0..n)
            .map(|i| AttributeDraft { key: format!("k{i}"), value: json!(i), mode: "ADD".into() })
            .collect();
        if repeat && n > 0 {
            rows.push(rows[0].clone());
        }
        let count = rows.len();
        let expected = (1..=50).contains(&count) && !(repeat && n > 0);
        prop_assert_eq!(AttributeUpdate::validate("i-1", &rows).is_ok(), expected);
    }

    #[test]
    fn outcome_codes_match_the_documents_pattern(code in "[A-Za-z_ 0-9]{0,25}") {
        let pattern = regex::Regex::new("^[A-Z_]{3,20}$").unwrap();
        let trimmed = code.trim();
        prop_assert_eq!(OutcomeCode::parse_as("outcomeCode", &code).is_ok(), pattern.is_match(trimmed));
    }

    /// Drawn mostly from the id alphabet, with the characters that would
    /// change a URL and any others mixed in, so both answers come up often.
    #[test]
    fn ids_never_carry_characters_that_change_a_url(
        raw in prop_oneof![
            "[A-Za-z0-9._:@-]{0,140}",
            " ?[A-Za-z0-9._:@/?#% \\\\-]{0,130} ?",
            "\\PC{0,140}",
        ],
    ) {
        let trimmed = raw.trim();
        let safe = |c: char| c.is_ascii_alphanumeric() || "-_.:@".contains(c);
        // `.` and `..` are path steps to a URL, not ids.
        let expected = !trimmed.is_empty()
            && trimmed.chars().count() <= 128
            && trimmed.chars().all(safe)
            && trimmed != "."
            && trimmed != "..";
        let parsed = InteractionId::parse(&raw);
        prop_assert_eq!(parsed.is_ok(), expected, "{:?}", raw);
        if let Ok(id) = parsed {
            prop_assert!(!id.as_str().contains(['/', '?', '#', '%', ' ', '\\']));
        }
    }

    #[test]
    fn timestamps_with_an_offset_are_kept_and_naive_ones_refused(
        secs in 0i64..4_000_000_000, offset_minutes in -720i32..=720,
    ) {
        let offset = time::UtcOffset::from_whole_seconds(offset_minutes * 60).unwrap();
        let at = OffsetDateTime::from_unix_timestamp(secs).unwrap().to_offset(offset);
        let text = at.format(&Rfc3339).unwrap();
        let parsed = Timestamp::parse_as("timestamp", &text).unwrap();
        prop_assert_eq!(parsed.datetime(), at);
        let naive = &text[..19];
        prop_assert!(Timestamp::parse_as("timestamp", naive).is_err(), "{}", naive);
    }

    #[test]
    fn any_text_as_a_timestamp_gets_an_answer_naming_the_field(raw in "\\PC{0,40}") {
        if let Err(e) = Timestamp::parse_as("dispositionTimestamp", &raw) {
            prop_assert_eq!(e.field, "dispositionTimestamp");
        }
    }

    #[test]
    fn primary_and_secondary_codes_never_go_together(
        codes in proptest::sample::subsequence(vec!["101", "102", "201", "202"], 1..=4),
    ) {
        let drafts: Vec<DispositionDraft> = codes
            .iter()
            .map(|c| DispositionDraft {
                code: (*c).into(),
                description: "d".into(),
                agent_id: "agent_1".into(),
                ..Default::default()
            })
            .collect();
        let mixed = codes.iter().any(|c| c.starts_with('1')) && codes.iter().any(|c| c.starts_with('2'));
        let got = InteractionDisposition::validate("i-1", &drafts, &matrix(), Timestamp::now());
        prop_assert_eq!(got.is_ok(), !mixed);
    }

    #[test]
    fn a_status_is_accepted_only_by_its_exact_name(status in "[A-Za-z]{0,12}", reason in any::<bool>()) {
        let draft = AgentStatusDraft {
            user_id: "u-1".into(),
            status: status.clone(),
            pause_reason: if reason { "Queue Full".into() } else { String::new() },
            ..Default::default()
        };
        let known = ["Available", "Busy", "Break", "Training", "Offline"].contains(&status.as_str());
        let expected = known && (status != "Break" || reason);
        prop_assert_eq!(AgentStatusChange::validate(&draft, &PauseReasons::default()).is_ok(), expected);
    }

    #[test]
    fn handler_urls_are_https_or_loopback_http(raw in "(https?|ftp)://[a-z0-9.\\[\\]:]{0,20}(/[a-z]{0,5})?") {
        if let Ok(url) = check_handler_url("handlerUrl", &raw) {
            prop_assert!(url.scheme() == "https" || is_loopback(&url), "{}", url);
        }
    }

    #[test]
    fn loopback_http_handler_urls_are_accepted(
        host in prop_oneof![Just("127.0.0.1"), Just("localhost"), Just("[::1]")],
        port in 1u16..,
        path in "[a-z]{0,8}",
    ) {
        let url = format!("http://{host}:{port}/{path}");
        prop_assert!(check_handler_url("handlerUrl", &url).is_ok(), "{}", url);
    }

    #[test]
    fn a_new_version_must_be_greater(
        cur in (0u64..5, 0u64..5, 0u64..5), next in (0u64..5, 0u64..5, 0u64..5),
    ) {
        let current = semver::Version::new(cur.0, cur.1, cur.2);
        let wanted = semver::Version::new(next.0, next.1, next.2);
        let got = check_new_version(&current.clone().into(), false, &wanted.to_string());
        prop_assert_eq!(got.is_ok(), wanted > current);
    }
}
