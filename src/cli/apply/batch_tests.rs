//! The batch file's reading, line by line: formats, comments, line ends and
//! the errors each line gets.

use super::*;

fn parse(name: &str, text: &str) -> Result<Batch, BatchError> {
    Batch::parse(text.as_bytes(), Path::new(name), Timestamp::now())
}

fn errors(result: Result<Batch, BatchError>) -> Vec<LineError> {
    match result {
        Err(BatchError::Invalid { errors, .. }) => errors,
        other => panic!("expected invalid lines, got {other:?}"),
    }
}

#[test]
fn an_error_quoting_a_huge_value_keeps_its_start() {
    let huge = "x".repeat(5_000_000);
    let text = format!("{{\"op\":\"agent_status\",\"userId\":\"u-1\",\"status\":\"{huge}\"}}\n");
    let bad = errors(parse("x.jsonl", &text));
    assert_eq!((bad.len(), bad[0].field.as_str()), (1, "status"));
    assert!(
        bad[0].rule.chars().count() <= crate::cli::apply::line_error::MAX_RULE_CHARS + 1
            && bad[0].rule.ends_with('…'),
        "{}",
        bad[0].rule.len()
    );
}

#[test]
fn json_lines_skip_comments_and_number_lines_as_an_editor_does() {
    let text = "# agents\n\n{\"op\":\"agent_status\",\"userId\":\"u-1\",\"status\":\"Busy\"}\n";
    let batch = parse("x.jsonl", text).unwrap();
    assert_eq!((batch.format, batch.lines.len(), batch.lines[0].number), (Format::JsonLines, 1, 3));
    let bad =
        errors(parse("x.jsonl", "{\"op\":\"agent_status\",\"userId\":\"u\",\"status\":\"Nap\"}\n[1]\n{"));
    let lines: Vec<_> = bad.iter().map(|e| (e.line, e.field.as_str())).collect();
    assert_eq!(lines, [(1, "status"), (2, "line"), (3, "line")]);
}

#[test]
fn csv_rows_are_numbered_by_their_line_and_checked_by_field() {
    let text = "op,userId,status,pauseReason\n# a comment\nagent_status,u-1,Break,\nagent_status,u-2,Busy,\n";
    let bad = errors(parse("x.csv", text));
    assert_eq!(
        bad,
        [LineError { line: 3, field: "pauseReason".into(), rule: "a Break needs a pause reason".into() }]
    );
    let text =
        "# agents on break\n\nop,userId,status\n# first\nagent_status,u-1,Busy\n\nagent_status,u-2,Nap\n";
    assert_eq!(errors(parse("x.csv", text))[0].line, 7, "comments and blank lines still count as lines");
    let bad = errors(parse("x.csv", "op,userId\nagent_status,u,extra\n"));
    assert_eq!((bad[0].line, bad[0].field.as_str()), (2, "line"));
    assert!(bad[0].rule.contains("3 cells where the header has 2"), "{}", bad[0].rule);
}

/// A refused file's totals count the changes it lists, not its errors.
#[test]
fn a_refused_file_counts_its_changes_however_many_errors_its_header_has() {
    let rows = "agent_status,u-1,Busy,,,\n".repeat(4);
    let text = format!("op,userId,status,bogus1,bogus2,bogus3\n{rows}");
    let Err(BatchError::Invalid { shape, errors, .. }) = parse("x.csv", &text) else { panic!("refused") };
    assert_eq!((shape.lines, errors.len()), (4, 3));
    let text = "{\"op\":\"agent_status\"}\n{\"op\":\"agent_status\",\"userId\":\"u\",\"status\":\"Busy\"}\n";
    let Err(BatchError::Invalid { shape, .. }) = parse("x.jsonl", text) else { panic!("refused") };
    assert_eq!(shape.lines, 2);
}

#[test]
fn a_column_no_operation_reads_is_refused_even_when_its_cells_are_empty() {
    let text = "op,userId,status,campaignId,bogus,user_ID\nagent_status,u-1,Busy,,,\n";
    let bad = errors(parse("x.csv", text));
    let named: Vec<_> = bad.iter().map(|e| (e.line, e.field.as_str(), e.rule.as_str())).collect();
    assert_eq!(
        named,
        [
            (1, "bogus", "is not a field of any operation; remove the column or fix its name"),
            (1, "user_ID", "is not a field of any operation: did you mean userId?"),
        ],
        "campaignId belongs to another operation, so its empty cells are fine"
    );
}

#[test]
fn a_bad_field_does_not_hide_the_rules_broken_by_the_others() {
    let line = r#"{"op":"data_action.deploy","name":"X","inputSchema":{"type":"object"},"outputSchema":{"type":"object"},"timeoutMs":-5,"handlerUrl":"nope"}"#;
    let bad = errors(parse("x.jsonl", line));
    let fields: Vec<&str> = bad.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["timeoutMs", "version", "handlerUrl"], "{bad:?}");
    assert_eq!(bad[0].rule, "must not be negative", "the unreadable field's own problem, once");
}

#[test]
fn an_action_named_by_both_id_and_name_is_refused_once_for_it() {
    let line = r#"{"op":"data_action.new_version","id":"x","name":"VipLookup","version":"9.0.0"}"#;
    let bad = errors(parse("x.jsonl", line));
    let fields: Vec<&str> = bad.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["name"], "{bad:?}");
}

#[test]
fn csv_rows_keep_their_line_with_windows_line_ends() {
    let text = "op,userId,status\r\nagent_status,u-1,Busy\r\n\r\n# next\r\nagent_status,u-2,Nap\r\n";
    let batch = parse("x.csv", "op,userId,status\r\nagent_status,u-1,Busy\r\nagent_status,u-2,Away\r\n");
    let bad = errors(batch);
    assert_eq!(bad.iter().map(|e| e.line).collect::<Vec<_>>(), [3]);
    assert_eq!(errors(parse("x.csv", text))[0].line, 5);
    let good = parse("x.csv", "op,userId,status\r\nagent_status,u-1,Busy\r\n").unwrap();
    assert_eq!(good.lines[0].number, 2);
}

/// A note typed on two lines in a spreadsheet saved with Windows line ends
/// holds a CR LF inside its quoted cell: it is the note's line break.
#[test]
fn a_quoted_cell_spanning_windows_lines_keeps_its_line_break() {
    let text = "op,campaignId,contactId,outcomeCode,agentId,notes\r\n\
                contact_disposition,c-1,k-1,INTERESTED,a-1,\"call back\r\nTuesday\"\r\n";
    let batch = parse("x.csv", text).unwrap();
    let Entry::ContactDisposition(draft) = &batch.lines[0].entry else { panic!("{:?}", batch.lines[0]) };
    assert_eq!(draft.notes, "call back\nTuesday");
}

/// The CSV reader ends a row at a lone carriage return: each such row
/// is a line of its own, or two changes would share a line and an id.
#[test]
fn csv_rows_ended_by_lone_carriage_returns_are_lines_of_their_own() {
    let old_mac = "op,userId,status\ragent_status,u-1,Busy\ragent_status,u-2,Training\r";
    let batch = parse("x.csv", old_mac).unwrap();
    assert_eq!(batch.lines.iter().map(|l| l.number).collect::<Vec<_>>(), [2, 3]);
    let stray = "op,userId,status\nagent_status,u-1,Busy\ragent_status,u-2,Nap\n";
    assert_eq!(errors(parse("x.csv", stray)).iter().map(|e| e.line).collect::<Vec<_>>(), [3]);
    let commented = "# agents\rop,userId,status\ragent_status,u-1,Busy\r";
    assert_eq!(parse("x.csv", commented).unwrap().lines[0].number, 3, "a comment ends at its CR");
    let quoted = "op,userId,status,wrapUpCode\nagent_status,u-1,Busy,\"a\rb\"\n";
    // Inside quotes it is the cell's, which this field refuses.
    let bad = errors(parse("x.csv", quoted));
    assert_eq!((bad.len(), bad[0].line, bad[0].field.as_str()), (1, 2, "wrapUpCode"), "{bad:?}");
}

/// A JSON lines file whose lines end in CR alone: read as one line, its
/// opening comment swallowed every change and the file read as empty.
#[test]
fn json_lines_ended_by_lone_carriage_returns_are_lines_of_their_own() {
    let old_mac = "# agents\r{\"op\":\"agent_status\",\"userId\":\"u-1\",\"status\":\"Busy\"}\r\
                   {\"op\":\"agent_status\",\"userId\":\"u-2\",\"status\":\"Training\"}\r";
    for name in ["x.jsonl", "x.txt"] {
        let batch = parse(name, old_mac).unwrap();
        assert_eq!(batch.format, Format::JsonLines);
        assert_eq!(batch.lines.iter().map(|l| l.number).collect::<Vec<_>>(), [2, 3], "{name}");
    }
    let crlf = "{\"op\":\"agent_status\",\"userId\":\"u-1\",\"status\":\"Busy\"}\r\n";
    assert_eq!(parse("x.jsonl", crlf).unwrap().lines.len(), 1, "CRLF still ends one line");
}

/// An unclosed quote would read every later row into one cell: those
/// changes would never be made, and their text would be sent as a note.
#[test]
fn a_quoted_cell_left_open_refuses_the_file_at_the_line_it_opens() {
    let head = "op,userId,status,pauseReason\n";
    let rows = "agent_status,u-2,Busy,\nagent_status,u-3,Busy,\n";
    let never_closed = format!("{head}agent_status,u-1,Break,\"Lunch\nthen more words\n");
    let bad = errors(parse("x.csv", &never_closed));
    assert_eq!((bad.len(), bad[0].line, bad[0].field.as_str()), (1, 2, "pauseReason"), "{bad:?}");
    assert!(bad[0].rule.contains("never closed"), "{}", bad[0].rule);
    let closed_too_late = format!("{head}agent_status,u-1,Break,\"Lunch\n{rows}\"\n");
    let bad = errors(parse("x.csv", &closed_too_late));
    assert_eq!((bad.len(), bad[0].line), (1, 2), "{bad:?}");
    assert!(bad[0].rule.contains("runs on to line 3"), "{}", bad[0].rule);
}

#[test]
fn an_indented_comment_or_a_line_of_spaces_is_skipped_in_csv_as_in_json_lines() {
    let text = "op,userId,status\n  # indented comment\n   \nagent_status,u-1,Busy\n";
    let batch = parse("x.csv", text).unwrap();
    assert_eq!((batch.lines.len(), batch.lines[0].number), (1, 4));
}

#[test]
fn header_mistakes_are_named_plainly() {
    let bad = errors(parse("x.csv", "op,userId,status,\nagent_status,u-1,Busy,\n"));
    let named: Vec<_> = bad.iter().map(|e| (e.line, e.field.as_str())).collect();
    assert_eq!(named, [(1, "header")]);
    assert!(bad[0].rule.starts_with("column 4 has no name"), "{}", bad[0].rule);
    let bad = errors(parse("x.csv", "Op,UserId,Status\nagent_status,u-1,Busy\n"));
    let rules: Vec<_> = bad.iter().map(|e| format!("{}: {}", e.field, e.rule)).collect();
    assert_eq!(rules.len(), 3, "{rules:?}");
    assert!(rules[0].contains("Op: is not a field of any operation: did you mean op?"), "{rules:?}");
}

#[test]
fn text_that_is_not_utf8_is_refused_with_its_line() {
    let bytes = b"{\"op\":\"agent_status\"}\n{\"userId\":\"\xff\xfe\"}\n";
    match Batch::parse(bytes, Path::new("x.jsonl"), Timestamp::now()) {
        Err(e @ BatchError::NotText { line: 2, .. }) => assert!(e.to_string().contains("line 2"), "{e}"),
        other => panic!("expected line 2 to be named, got {other:?}"),
    }
}

#[test]
fn the_same_bytes_make_the_same_digest_and_the_format_is_sniffed() {
    let text = "{\"op\":\"data_action.deprecate\",\"name\":\"VipLookup\"}";
    let (a, b) = (parse("changes", text).unwrap(), parse("other", text).unwrap());
    assert_eq!((a.format, a.digest), (Format::JsonLines, b.digest));
    assert!(matches!(parse("x.csv", "op\n"), Err(BatchError::Empty { .. })));
    for nothing in ["", "\n\n", "# only a comment\n"] {
        assert!(matches!(parse("x.csv", nothing), Err(BatchError::Empty { .. })), "{nothing:?}");
    }
}

/// A metrics line takes its dates as the console's From and To do, and
/// carries the moments they stand for from then on.
#[test]
fn a_metrics_line_takes_a_date_as_the_console_does() {
    let text =
        r#"{"op":"data_action.metrics","name":"VipLookup","dateFrom":"2024-01-01","dateTo":"2024-01-01"}"#;
    let batch = parse("x.jsonl", text).unwrap();
    let Entry::Metrics { range, .. } = &batch.lines[0].entry else { panic!("{batch:?}") };
    assert_eq!(
        (range.from().to_string(), range.to().to_string()),
        ("2024-01-01T00:00:00Z".to_string(), "2024-01-01T23:59:59.999999Z".to_string())
    );
}

/// A JSON line's number a 64-bit float cannot keep: a value a change sets
/// is told it may go as text; one inside a schema or a payload is not, as
/// quoting it would change what the document says.
#[test]
fn only_a_value_is_told_to_quote_a_number_it_cannot_keep() {
    let said = |line: &str| errors(parse("x.jsonl", line)).remove(0).to_string();
    let value = said(r#"{"op":"attributes","value":0.30000000000000000001}"#);
    assert!(value.contains("value") && value.contains("in quotes"), "{value}");
    let schema = said(r#"{"op":"data_action.deploy","inputSchema":{"maximum":18446744073709551616}}"#);
    assert!(schema.contains("inputSchema.maximum") && !schema.contains("in quotes"), "{schema}");
    let payload = said(r#"{"op":"data_action.simulate","input":{"sentiment_score":0.30000000000000000001}}"#);
    assert!(payload.contains("input.sentiment_score") && !payload.contains("in quotes"), "{payload}");
}
