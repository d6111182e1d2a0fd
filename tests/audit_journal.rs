//! The journal under the audit log: group commit, locking, torn tails,
//! compaction and private files, on real files.

use cxone_console::domain::FieldError;
use cxone_console::engine::journal::{JournalError, JournalFile, Sealer};
use std::path::Path;

/// Journals words as JSON strings, numbering them; refuses empty words.
struct Words {
    count: u64,
    /// Replace the file by its last line once this many lines were written.
    compact_at: Option<u64>,
    last: Vec<u8>,
}

impl Words {
    fn new() -> Self {
        Self { count: 0, compact_at: None, last: Vec::new() }
    }
}

impl Sealer for Words {
    type Entry = String;
    type Sealed = u64;

    fn seal(&mut self, word: String, line: &mut Vec<u8>) -> Result<u64, FieldError> {
        if word.is_empty() {
            return Err(FieldError::new("word", "must not be empty"));
        }
        let start = line.len();
        serde_json::to_writer(&mut *line, &word).map_err(|e| FieldError::new("word", e.to_string()))?;
        self.last = line[start..].to_vec();
        self.count += 1;
        Ok(self.count)
    }

    fn compaction(&mut self) -> Option<Vec<u8>> {
        if self.compact_at.is_some_and(|n| self.count >= n) {
            self.compact_at = None;
            let mut content = self.last.clone();
            content.push(b'\n');
            return Some(content);
        }
        None
    }
}

fn read(path: &Path) -> String {
    String::from_utf8(std::fs::read(path).unwrap()).unwrap()
}

#[tokio::test]
async fn waiting_appenders_share_one_sync_and_all_are_durable() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("words.jsonl");
    let journal = JournalFile::open(&path, 0).unwrap().start(Words::new());
    let appends: Vec<_> = (0..100)
        .map(|i| {
            let journal = journal.clone();
            tokio::spawn(async move { journal.append(format!("w{i}")).await })
        })
        .collect();
    let mut numbers = Vec::new();
    for append in appends {
        numbers.push(append.await.unwrap().unwrap());
    }
    numbers.sort_unstable();
    assert_eq!(numbers, (1..=100).collect::<Vec<_>>());
    let stats = journal.stats();
    assert_eq!(stats.lines, 100);
    // On this current-thread runtime every appender task sends before the
    // writer task runs, so they all wait together: one batch, one sync.
    assert_eq!(stats.syncs, 1, "100 waiting appenders took {} syncs", stats.syncs);
    journal.close().await;
    assert_eq!(read(&path).lines().count(), 100);
}

#[tokio::test]
async fn a_refused_entry_fails_alone_and_names_its_field() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("words.jsonl");
    let journal = JournalFile::open(&path, 0).unwrap().start(Words::new());
    let (a, b, c) =
        tokio::join!(journal.append("a".into()), journal.append(String::new()), journal.append("c".into()));
    assert_eq!(a.unwrap(), 1);
    let refused = b.unwrap_err();
    assert!(matches!(&refused, JournalError::Rejected(e) if e.field == "word"), "{refused}");
    assert_eq!(c.unwrap(), 2);
    journal.close().await;
    assert_eq!(read(&path), "\"a\"\n\"c\"\n");
}

#[tokio::test]
async fn a_second_writer_is_refused_until_the_first_closes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("words.jsonl");
    let journal = JournalFile::open(&path, 0).unwrap().start(Words::new());
    journal.append("held".into()).await.unwrap();
    let refused = JournalFile::open(&path, 0).unwrap_err();
    assert!(matches!(refused, JournalError::Locked { .. }));
    assert!(refused.to_string().contains("words.jsonl"), "{refused}");
    if cfg!(target_os = "linux") {
        // Held by this very process, through the first open file.
        let holder = format!("locked by process {} (", std::process::id());
        assert!(refused.to_string().contains(&holder), "{refused}");
    }
    journal.close().await;
    assert!(matches!(journal.append("late".into()).await, Err(JournalError::Closed { .. })));
    let reopened = JournalFile::open(&path, 0).unwrap();
    assert_eq!(reopened.len(), "\"held\"\n".len() as u64);
}

#[test]
fn a_last_line_without_newline_is_cut_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("words.jsonl");
    std::fs::write(&path, "\"one\"\n\"two\"\n{\"seq\":3,\"ti").unwrap();
    let file = JournalFile::open(&path, 0).unwrap();
    let torn = file.torn().expect("a torn tail");
    assert_eq!((torn.offset, torn.bytes), (12, 12));
    assert_eq!(torn.fragment, b"{\"seq\":3,\"ti");
    assert_eq!(read(&path), "\"one\"\n\"two\"\n");
    let lines: Vec<_> = file.lines().unwrap().map(|l| l.unwrap().bytes).collect();
    assert_eq!(lines, [b"\"one\"".to_vec(), b"\"two\"".to_vec()]);
}

#[test]
fn a_last_line_that_is_not_json_is_cut_too() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("words.jsonl");
    std::fs::write(&path, "\"one\"\n\0\0\0\0\n").unwrap();
    let file = JournalFile::open(&path, 0).unwrap();
    assert_eq!(file.torn().map(|t| (t.offset, t.bytes)), Some((6, 5)));
    assert_eq!(read(&path), "\"one\"\n");
}

#[test]
fn damage_inside_the_acknowledged_part_is_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("words.jsonl");
    std::fs::write(&path, "\"one\"\nnot json\n").unwrap();
    let refused = JournalFile::open(&path, 15).unwrap_err();
    assert!(matches!(refused, JournalError::DurableDamage { offset: 6, .. }), "{refused}");
    assert_eq!(read(&path), "\"one\"\nnot json\n");
}

#[test]
fn a_whole_journal_is_not_touched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("words.jsonl");
    std::fs::write(&path, "\"one\"\n\"two\"\n").unwrap();
    let file = JournalFile::open(&path, 0).unwrap();
    assert!(file.torn().is_none());
    assert_eq!(file.len(), 12);
}

#[tokio::test]
async fn compaction_replaces_the_file_and_appends_carry_on_in_the_new_one() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("words.jsonl");
    let words = Words { compact_at: Some(3), ..Words::new() };
    let journal = JournalFile::open(&path, 0).unwrap().start(words);
    for w in ["a", "b", "c"] {
        journal.append(w.into()).await.unwrap();
    }
    // Compaction follows the batch that asked for it, before the next one.
    journal.append("d".into()).await.unwrap();
    assert_eq!(journal.stats().compactions, 1);
    assert_eq!(read(&path), "\"c\"\n\"d\"\n");
    // The new file is locked like the old one was.
    assert!(matches!(JournalFile::open(&path, 0), Err(JournalError::Locked { .. })));
    journal.close().await;
    assert!(!dir.path().join("words.jsonl.tmp").exists());
}

#[cfg(unix)]
#[test]
fn directories_and_files_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state/audit/words.jsonl");
    let _file = JournalFile::open(&path, 0).unwrap();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&path), 0o600);
    assert_eq!(mode(&dir.path().join("state/audit")), 0o700);
    assert_eq!(mode(&dir.path().join("state")), 0o700);
}
