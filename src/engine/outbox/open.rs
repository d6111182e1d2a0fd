//! Opening the outbox: replaying its journal and holding it to its head
//! file, before its writer starts.

use super::head::{self, Head, Survey, Verdict, check};
use super::ledger::Ledger;
use super::lost::{Lost, count};
use super::message::Op;
use super::repair::Cut;
use super::store::OutboxError;
use crate::engine::journal::head::HeadError;
use crate::engine::journal::{self, JournalFile};
use std::path::Path;

/// What opening found, before the writer starts.
pub(super) struct Opened {
    pub file: JournalFile,
    pub ledger: Ledger,
    /// The head the file has now, written.
    pub head: Head,
    pub cut: Option<Cut>,
    pub lost: Option<Lost>,
    pub head_note: Option<String>,
}

/// Opens the journal, replays it and holds it to its head file; then notes
/// what was found gone, and only then brings the head up to date, so that a
/// crash in between cannot leave a loss unsaid everywhere. Blocking.
pub(super) fn open_file(path: &Path) -> Result<Opened, OutboxError> {
    let head_path = head::path_for(path);
    let (old, unreadable) = match read_head(path) {
        Ok(old) => (old, None),
        Err(HeadRead::Unreadable(detail)) => (None, Some(detail)),
        Err(HeadRead::Failed(e)) => return Err(e),
    };
    let (file, ledger, survey) = replay(path, old.as_ref())?;
    let cut = file.torn().map(|torn| {
        let mut cut =
            Cut::of(&torn.fragment, torn.offset, torn.bytes).held_by(old.as_ref(), survey.now.epoch);
        cut.kept = torn.kept.clone();
        cut
    });
    let lines = count(survey.now.lines, "line");
    let (mut lost, head_note) = match (check(old.as_ref(), &survey, |id| ledger.contains(id)), unreadable) {
        (_, Some(detail)) => (
            None,
            Some(format!(
                "the webhook outbox's head file {} did not read ({detail}), so lines cut from the outbox's \
                 end before now cannot be told; wrote a new one for its {lines} as they stand",
                head_path.display()
            )),
        ),
        (Verdict::Lost(lost), None) => (Some(lost), None),
        (Verdict::NoHead, None) => (
            None,
            Some(format!(
                "the webhook outbox had no head file while it held {lines} (an outbox kept before its \
                 head was, or one whose head was removed); wrote one for them as they stand, so lines cut \
                 from its end before now cannot be told"
            )),
        ),
        (Verdict::Whole, None) => (None, None),
    };
    if let Some(lost) = &mut lost {
        lost.keep(path);
    }
    if old.as_ref() != Some(&survey.now) {
        journal::head::write(&head_path, &survey.now).map_err(|source| OutboxError::Head {
            action: "write",
            path: head_path,
            source,
        })?;
    }
    Ok(Opened { file, ledger, head: survey.now, cut, lost, head_note })
}

pub(super) enum HeadRead {
    /// Not a head file, and why.
    Unreadable(String),
    Failed(OutboxError),
}

pub(super) fn read_head(outbox: &Path) -> Result<Option<Head>, HeadRead> {
    journal::head::read(&head::path_for(outbox)).map_err(|e| match e {
        HeadError::Unreadable { detail, .. } => HeadRead::Unreadable(detail),
        HeadError::Io { path, source } => {
            HeadRead::Failed(OutboxError::Head { action: "read", path, source })
        }
    })
}

/// Opens the journal and replays it, surveying it against `head`. Blocking.
fn replay(path: &Path, head: Option<&Head>) -> Result<(JournalFile, Ledger, Survey), OutboxError> {
    let file = JournalFile::open(path, 0)?;
    let mut replay = Replay::new(path, head);
    let mut last = None;
    for line in file.lines()? {
        let line = line?;
        replay.line(line.number, &line.bytes, line.end())?;
        last = Some(line.bytes);
    }
    let (ledger, survey) = replay.finish(last.as_deref());
    Ok((file, ledger, survey))
}

/// The outbox's whole lines read into its ledger and surveyed against its
/// head, as opening it and a look at it both read them.
pub(super) struct Replay<'a> {
    path: &'a Path,
    ledger: Ledger,
    survey: Survey,
}

impl<'a> Replay<'a> {
    pub fn new(path: &'a Path, head: Option<&Head>) -> Self {
        Self { path, ledger: Ledger::default(), survey: Survey::new(head) }
    }

    /// Line `number`, its bytes without the newline, and the offset just past it.
    pub fn line(&mut self, number: u64, bytes: &[u8], end: u64) -> Result<(), OutboxError> {
        let op: Op = serde_json::from_slice(bytes).map_err(|e| OutboxError::Damaged {
            path: self.path.to_path_buf(),
            line: number,
            detail: e.to_string(),
        })?;
        self.ledger.apply(&op);
        self.survey.see(bytes, end, &op);
        Ok(())
    }

    /// Done, with the last line's bytes (`None` for an empty outbox).
    pub fn finish(mut self, last: Option<&[u8]>) -> (Ledger, Survey) {
        self.survey.finish(last);
        (self.ledger, self.survey)
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Message, Outbox, peek};
    use std::path::{Path, PathBuf};

    fn message(n: u32) -> Message<'static> {
        Message { target: "crm", event_type: "x.y", body: serde_json::json!({ "n": n }), subject: None }
    }

    /// An outbox in `dir` holding `n` waiting messages, closed.
    async fn holding(dir: &Path, n: u32) -> PathBuf {
        let path = dir.join("outbox.jsonl");
        let outbox = Outbox::open(&path).await.unwrap();
        for n in 0..n {
            outbox.enqueue(message(n)).await.unwrap();
        }
        outbox.close().await;
        path
    }

    fn lines_of(path: &Path) -> Vec<String> {
        std::fs::read_to_string(path).unwrap().lines().map(|l| format!("{l}\n")).collect()
    }

    #[tokio::test]
    async fn a_look_sees_the_lines_gone_that_opening_then_says() {
        let dir = tempfile::tempdir().unwrap();
        let path = holding(dir.path(), 3).await;
        std::fs::write(&path, lines_of(&path)[..1].concat()).unwrap();

        let looked = peek(&path).unwrap().lost.expect("a look sees it");
        assert_eq!((looked.from_line, looked.lines, looked.messages), (2, Some(2), Some(2)));
        assert_eq!(looked.named.len(), 2);
        assert!(looked.pending_words().ends_with("the next start reports it"), "{}", looked.pending_words());
        let outbox = Outbox::open(&path).await.unwrap();
        let lost = outbox.lost().expect("opening says it").clone();
        assert_eq!(lost.kept.as_deref(), Some(path.with_extension("cut").as_path()));
        assert_eq!(super::super::Lost { kept: None, ..lost }, looked);
        assert_eq!(outbox.repairs().len(), 1);
        outbox.close().await;
        assert_eq!(peek(&path).unwrap().lost, None, "the head now says what is there");
    }

    #[tokio::test]
    async fn a_missing_or_unreadable_head_is_written_anew_and_said() {
        let dir = tempfile::tempdir().unwrap();
        let path = holding(dir.path(), 2).await;
        let head = path.with_extension("head");
        std::fs::remove_file(&head).unwrap();
        let outbox = Outbox::open(&path).await.unwrap();
        assert_eq!(outbox.pending().len(), 2);
        let said = outbox.repairs().join("\n");
        assert!(said.contains("had no head file while it held 2 lines"), "{said}");
        assert_eq!((outbox.lost(), outbox.repaired()), (None, None), "no webhook is known to be lost");
        outbox.close().await;

        std::fs::write(&head, "not a head").unwrap();
        let outbox = Outbox::open(&path).await.unwrap();
        let said = outbox.repairs().join("\n");
        assert!(said.contains(&format!("head file {} did not read", head.display())), "{said}");
        outbox.close().await;
        let outbox = Outbox::open(&path).await.unwrap();
        assert!(outbox.repairs().is_empty(), "{:?}", outbox.repairs());
        outbox.close().await;
    }

    #[tokio::test]
    async fn lines_that_are_not_those_the_head_knew_are_said_though_none_is_missing() {
        let dir = tempfile::tempdir().unwrap();
        let path = holding(dir.path(), 2).await;
        let mut lines = lines_of(&path);
        lines[1] = lines[1].replace(r#""n":1"#, r#""n":1000"#);
        std::fs::write(&path, lines.concat()).unwrap();
        let outbox = Outbox::open(&path).await.unwrap();
        let lost = outbox.lost().expect("said");
        assert_eq!((lost.from_line, lost.lines), (2, None));
        assert!(lost.to_string().contains("so how many is unknown"), "{lost}");
        outbox.close().await;

        // The same length: only the last line's hash tells them apart.
        let mut lines = lines_of(&path);
        lines[1] = lines[1].replace(r#""n":1000"#, r#""n":2000"#);
        std::fs::write(&path, lines.concat()).unwrap();
        let lost = peek(&path).unwrap().lost.expect("said");
        assert!(lost.changed.as_deref().unwrap_or_default().contains("is not the line"), "{lost:?}");
    }

    #[tokio::test]
    async fn an_outbox_gone_is_all_lost_and_an_older_copy_is_said() {
        let dir = tempfile::tempdir().unwrap();
        let path = holding(dir.path(), 2).await;
        std::fs::remove_file(&path).unwrap();
        let lost = peek(&path).unwrap().lost.expect("a missing outbox reads as empty");
        assert_eq!((lost.lines, lost.messages), (Some(2), Some(2)));

        let head = path.with_extension("head");
        let text = std::fs::read_to_string(&head).unwrap().replace(r#""epoch":0"#, r#""epoch":3"#);
        std::fs::write(&head, text).unwrap();
        std::fs::write(&path, b"").unwrap();
        let outbox = Outbox::open(&path).await.unwrap();
        outbox.enqueue(message(7)).await.unwrap();
        outbox.close().await;
        std::fs::write(
            &head,
            std::fs::read_to_string(&head).unwrap().replace(r#""epoch":0"#, r#""epoch":3"#),
        )
        .unwrap();
        let lost = peek(&path).unwrap().lost.expect("said");
        assert!(lost.changed.as_deref().unwrap_or_default().contains("older copy"), "{lost:?}");
    }
}
