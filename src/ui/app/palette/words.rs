//! The command line's words: split at spaces outside double quotes, as
//! `attr` teaches (`note="call back after 5"`), and read back without their
//! quotes where a command takes plain text.

/// `text` split at spaces outside double quotes, the quotes kept (an
/// attribute's value in quotes is text, which the form reads from them).
pub(super) fn words(text: &str) -> Result<Vec<String>, String> {
    let (mut words, mut word, mut quoted, mut escaped) = (Vec::new(), String::new(), false, false);
    for c in text.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => {
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
                continue;
            }
            _ => {}
        }
        word.push(c);
    }
    if quoted {
        return Err(format!("{word:?} opens a quote it does not close"));
    }
    if !word.is_empty() {
        words.push(word);
    }
    Ok(words)
}

/// A word of [`words`] as plain text: its quotes gone, and inside them
/// `\"` a quote and `\\` a backslash, as the attributes form reads them;
/// any other backslash stays as typed.
pub(super) fn unquoted(word: &str) -> String {
    let (mut out, mut quoted, mut chars) = (String::with_capacity(word.len()), false, word.chars());
    while let Some(c) = chars.next() {
        match c {
            '"' => quoted = !quoted,
            '\\' if quoted => match chars.next() {
                Some(escaped @ ('"' | '\\')) => out.push(escaped),
                Some(other) => out.extend(['\\', other]),
                None => out.push('\\'),
            },
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_keep_quoted_spaces_and_unquoted_reads_them_as_text() {
        let split = words(r#"Break "Queue Full" a\b "say \"hi\"""#).unwrap();
        assert_eq!(split, ["Break", r#""Queue Full""#, r"a\b", r#""say \"hi\"""#]);
        let plain: Vec<String> = split.iter().map(|w| unquoted(w)).collect();
        assert_eq!(plain, ["Break", "Queue Full", r"a\b", r#"say "hi""#]);
        assert!(words(r#"Break "Queue"#).unwrap_err().contains("does not close"));
    }
}
