//! A record's line, written straight from its fields in the canonical form
//! (see [`canonical`]) without first building a JSON tree.
//!
//! Sealing runs in the log's single writer for every record of every change,
//! and the tree (a string per key, a map per object) cost more than the hash
//! itself. Members go below in canonical key order, spelled out; the tests
//! hold each kind of record to the general form, and `audit verify` reads
//! every line back through it.

use super::canonical;
use super::digest::ChainHash;
use super::entry::AuditEntry;
use super::record::{AuditRecord, RequestInfo, Target, utc_micros};
use serde::Serialize;
use serde_json::Value;

/// Appends `record`'s line (its `hash` ignored) to `out` and returns the
/// hash: the SHA-256 of the line without its `hash` member, which is then
/// put in its place.
pub(super) fn write(record: &AuditRecord, out: &mut Vec<u8>) -> serde_json::Result<ChainHash> {
    let start = out.len();
    let hole = write_unhashed(record, out)?;
    let hash = ChainHash::of(&out[start..]);
    fill_hash(hole, out, &hash);
    Ok(hash)
}

impl AuditRecord {
    /// The record's line as the log holds it, its own `hash` included,
    /// without the newline: what `audit export --format json` lists.
    pub fn line(&self) -> serde_json::Result<String> {
        let mut out = Vec::new();
        let hole = write_unhashed(self, &mut out)?;
        fill_hash(hole, &mut out, &self.hash);
        // The members are JSON, which is UTF-8 throughout.
        Ok(String::from_utf8_lossy(&out).into_owned())
    }
}

/// The hash a record's line carries and the hash of its content (the line
/// without that member), read without parsing the line; `None` when it
/// carries no `hash` member where a sealed line has one.
///
/// The last `"hash":"` in the line is the record's own: every member after
/// it is a scalar or an object with fixed keys (`request`, `target`), and
/// a JSON string holds no unescaped quote, so only `before` and `after`,
/// which come earlier, can hold another. A line in any other form than the
/// one written fails the comparison, as `audit verify` would fail it.
pub(super) fn hashes_of(line: &[u8]) -> Option<(ChainHash, ChainHash)> {
    const KEY: &[u8] = b"\"hash\":\"";
    let start = line.windows(KEY.len()).rposition(|w| w == KEY)?;
    let digits = line.get(start + KEY.len()..start + KEY.len() + 64)?;
    let end = start + KEY.len() + 64;
    // Sealed lines always have a member after `hash` (`kind` at least).
    if line.get(end..end + 2) != Some(b"\",") {
        return None;
    }
    let carried = ChainHash::from_hex(std::str::from_utf8(digits).ok()?)?;
    let content = ChainHash::of_parts(&[&line[..start], &line[end + 2..]]);
    Some((carried, content))
}

fn fill_hash(hole: Hole, out: &mut Vec<u8>, hash: &ChainHash) {
    hole.fill(out, "hash", format!("\"{}\"", hash.to_hex()).as_bytes());
}

/// Appends `record`'s line without its `hash` member; returns where that
/// member belongs.
fn write_unhashed(record: &AuditRecord, out: &mut Vec<u8>) -> serde_json::Result<Hole> {
    // Taken apart whole, so a field added to a record fails to compile here
    // until it is written in its place.
    let AuditRecord { seq, time, entry, prev_hash, hash: _ } = record;
    let AuditEntry {
        kind,
        command_id,
        correlation_id,
        operator,
        client_id,
        action,
        target,
        request,
        before,
        after,
        outcome,
        reason,
        skip,
        http_status,
        attempts,
        latency_ms,
        payload_hash,
    } = entry;
    let mut members = Members::open(out);
    members.leaf("action", action.as_ref())?;
    members.value("after", after.as_ref());
    members.leaf("attempts", attempts.as_ref())?;
    members.value("before", before.as_ref());
    members.leaf("clientId", client_id.as_ref())?;
    members.leaf("commandId", command_id.as_ref())?;
    members.leaf("correlationId", correlation_id.as_ref())?;
    members.leave_hole();
    members.leaf("httpStatus", http_status.as_ref())?;
    members.leaf("kind", Some(kind))?;
    members.leaf("latencyMs", latency_ms.as_ref())?;
    members.leaf("operator", operator.as_ref())?;
    members.leaf("outcome", outcome.as_ref())?;
    members.leaf("payloadHash", payload_hash.as_ref())?;
    members.leaf("prevHash", Some(prev_hash))?;
    members.leaf("reason", reason.as_ref())?;
    if let Some(request) = request {
        members.key("request");
        request_members(request, members.out)?;
    }
    members.leaf("seq", Some(seq))?;
    members.leaf("skip", skip.as_ref())?;
    if let Some(target) = target {
        members.key("target");
        target_members(target, members.out)?;
    }
    members.leaf("time", Some(&utc_micros::format(*time)))?;
    Ok(members.close())
}

fn request_members(request: &RequestInfo, out: &mut Vec<u8>) -> serde_json::Result<()> {
    let RequestInfo { method, path, etag, idempotency_key } = request;
    let mut members = Members::open(out);
    members.leaf("etag", etag.as_ref())?;
    members.leaf("idempotencyKey", idempotency_key.as_ref())?;
    members.leaf("method", Some(method))?;
    members.leaf("path", Some(path))?;
    members.close();
    Ok(())
}

fn target_members(target: &Target, out: &mut Vec<u8>) -> serde_json::Result<()> {
    let Target { kind, id, campaign, name } = target;
    let mut members = Members::open(out);
    members.leaf("campaign", campaign.as_ref())?;
    members.leaf("id", Some(id))?;
    members.leaf("name", name.as_ref())?;
    members.leaf("type", Some(kind))?;
    members.close();
    Ok(())
}

/// Where a member left out of an object's canonical form belongs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Hole {
    /// The offset of the member that follows it, or of the closing brace.
    at: usize,
    /// No member follows it.
    last: bool,
    /// No member precedes it.
    first: bool,
}

impl Hole {
    /// Inserts `"key":` and `value` (already in canonical form) at the hole.
    fn fill(self, out: &mut Vec<u8>, key: &str, value: &[u8]) {
        let mut member = Vec::with_capacity(key.len() + value.len() + 4);
        if self.last && !self.first {
            member.push(b',');
        }
        canonical::write_str(key, &mut member);
        member.push(b':');
        member.extend_from_slice(value);
        if !self.last {
            member.push(b',');
        }
        out.splice(self.at..self.at, member);
    }
}

/// An object being written, member by member, by a caller that gives them
/// in key order.
struct Members<'a> {
    out: &'a mut Vec<u8>,
    written: usize,
    hole: HoleState,
}

/// A member the caller leaves out of the object, to be filled in later.
#[derive(Clone, Copy)]
enum HoleState {
    None,
    /// Marked, and nothing written after it yet.
    Marked {
        first: bool,
    },
    Placed(Hole),
}

impl<'a> Members<'a> {
    fn open(out: &'a mut Vec<u8>) -> Self {
        out.push(b'{');
        Self { out, written: 0, hole: HoleState::None }
    }

    fn key(&mut self, key: &str) {
        if self.written > 0 {
            self.out.push(b',');
        }
        if let HoleState::Marked { first } = self.hole {
            self.hole = HoleState::Placed(Hole { at: self.out.len(), last: false, first });
        }
        self.written += 1;
        canonical::write_str(key, self.out);
        self.out.push(b':');
    }

    /// A scalar member (string, number, name or digest), absent when `None`:
    /// serde_json writes each of these exactly as the canonical form does.
    fn leaf<T: Serialize + ?Sized>(&mut self, key: &str, value: Option<&T>) -> serde_json::Result<()> {
        let Some(value) = value else { return Ok(()) };
        self.key(key);
        serde_json::to_writer(&mut *self.out, value)
    }

    /// A JSON value member, absent when `None`; its objects are sorted here.
    fn value(&mut self, key: &str, value: Option<&Value>) {
        if let Some(value) = value {
            self.key(key);
            canonical::write(value, self.out);
        }
    }

    /// Marks where a member the caller leaves out belongs: before whatever
    /// member comes next.
    fn leave_hole(&mut self) {
        self.hole = HoleState::Marked { first: self.written == 0 };
    }

    /// Ends the object; returns where the member left out belongs (the end,
    /// when none was marked or none followed it).
    fn close(self) -> Hole {
        self.out.push(b'}');
        let at_end = |first| Hole { at: self.out.len() - 1, last: true, first };
        match self.hole {
            HoleState::Placed(hole) => hole,
            HoleState::Marked { first } => at_end(first),
            HoleState::None => at_end(self.written == 0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::audit::{Method, Outcome, TargetKind};
    use serde_json::json;
    use std::time::Duration;
    use time::macros::datetime;

    fn sealed(entry: AuditEntry) -> AuditRecord {
        AuditRecord {
            seq: 18_446_744_073_709_551_615,
            time: datetime!(2026-11-21 19:20:11.123456 UTC),
            entry,
            prev_hash: ChainHash::of(b"the record before"),
            hash: ChainHash::ZERO,
        }
    }

    /// The line and hash written here are those of the general form: the
    /// record as a JSON tree, in canonical form, without and with `hash`.
    fn assert_general_form(mut record: AuditRecord) {
        let mut line = b"earlier lines\n".to_vec();
        let hash = write(&record, &mut line).unwrap();
        record.hash = hash;
        assert_eq!(
            record.line().unwrap().as_bytes(),
            &line[14..],
            "a sealed record's line is the one written"
        );
        let mut tree = serde_json::to_value(&record).unwrap();
        assert_eq!(String::from_utf8_lossy(&line[14..]), String::from_utf8_lossy(&canonical::to_vec(&tree)));
        tree.as_object_mut().unwrap().remove("hash");
        assert_eq!(hash, ChainHash::of(&canonical::to_vec(&tree)), "the hash covers the form without itself");
    }

    /// What opening reads back without parsing is what sealing wrote, for
    /// records whose states hold `hash` members of their own.
    #[test]
    fn a_lines_hashes_read_back_are_those_sealed() {
        let entry = AuditEntry::outcome(
            "cmd-9",
            "attributes",
            Target::new(TargetKind::Interaction, "i-9"),
            Outcome::Applied,
        )
        .before(json!({ "hash": ChainHash::of(b"x").to_hex(), "kind": "outcome" }))
        .reason("\"hash\":\"not this one\",")
        .http(200, 1, Duration::from_micros(5));
        for entry in [entry, AuditEntry::repair("cut 3 bytes")] {
            let mut line = Vec::new();
            let hash = write(&sealed(entry), &mut line).unwrap();
            assert_eq!(hashes_of(&line), Some((hash, hash)));
            let at = line.windows(7).rposition(|w| w == b"\"seq\":1").unwrap();
            line[at + 6] = b'2';
            let (carried, content) = hashes_of(&line).unwrap();
            assert_eq!(carried, hash);
            assert_ne!(content, hash, "an edit changes the content's hash");
        }
        assert_eq!(hashes_of(br#"{"kind":"intent","seq":1}"#), None);
    }

    /// A record read from an edited log keeps the hash it was read with:
    /// its line shows the log as it is, for `audit verify` to judge.
    #[test]
    fn a_records_line_carries_its_own_hash() {
        let mut record =
            sealed(AuditEntry::intent("cmd-1.1", "agent_status", Target::new(TargetKind::User, "u-1")));
        record.hash = ChainHash::of(b"not this record's");
        let line = record.line().unwrap();
        assert!(line.contains(&format!("\"hash\":\"{}\"", record.hash.to_hex())), "{line}");
        let read: AuditRecord = serde_json::from_str(&line).unwrap();
        assert_eq!(read, record);
    }

    #[test]
    fn a_record_with_every_member_is_written_in_the_general_form() {
        let request = RequestInfo {
            method: Method::Patch,
            path: "/api/v1/outbound/campaigns/c-1/contacts/k-1".into(),
            etag: Some("W/\"7\"".into()),
            idempotency_key: Some("cmd-1.3".into()),
        };
        let entry = AuditEntry::outcome(
            "cmd-1.3",
            "contact_disposition",
            Target::contact("c-1", "k-1").named("Zoë \"Z\" Ng"),
            Outcome::Applied,
        )
        .by("jdoe", "client-a", "cmd-1")
        .request(request, br#"{"outcomeCode":"SALE"}"#)
        .before(json!({ "state": "PENDING", "outcomeCode": null, "Z": [1, { "b": 2.5, "a": 1e-7 }] }))
        .after(json!({ "outcomeCode": "SALE", "notes": "tab\there, quote \" and é€𝄞 \u{1}" }))
        .reason("applied\nafter a \\ retry")
        .http(200, 3, Duration::from_micros(12_000));
        assert_general_form(sealed(entry));
    }

    #[test]
    fn a_record_with_few_members_is_written_in_the_general_form() {
        assert_general_form(sealed(AuditEntry::repair("cut a torn tail of 17 bytes")));
        let bare = AuditEntry::intent("cmd-2", "agent_status", Target::new(TargetKind::User, "u-9"));
        assert_general_form(sealed(bare));
        let request =
            RequestInfo { method: Method::Put, path: "/x".into(), etag: None, idempotency_key: None };
        let no_tags = AuditEntry::outcome(
            "cmd-3",
            "data_action",
            Target::new(TargetKind::DataAction, "d"),
            Outcome::Failed,
        )
        .request(request, b"")
        .http(503, 1, Duration::from_micros(1));
        assert_general_form(sealed(no_tags));
    }

    #[test]
    fn a_hole_takes_its_member_with_the_commas_it_needs() {
        let cases: [(&[u8], Hole, &str); 4] = [
            (b"{\"a\":1,\"z\":2}", Hole { at: 7, last: false, first: false }, r#"{"a":1,"h":0,"z":2}"#),
            (b"{\"z\":2}", Hole { at: 1, last: false, first: true }, r#"{"h":0,"z":2}"#),
            (b"{\"a\":1}", Hole { at: 6, last: true, first: false }, r#"{"a":1,"h":0}"#),
            (b"{}", Hole { at: 1, last: true, first: true }, r#"{"h":0}"#),
        ];
        for (without, hole, whole) in cases {
            let mut out = without.to_vec();
            hole.fill(&mut out, "h", b"0");
            assert_eq!(String::from_utf8(out).unwrap(), whole);
        }
    }
}
