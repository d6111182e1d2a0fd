//! SHA-256 digests as the log writes them.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest, Sha256};
use std::fmt;

/// A SHA-256 digest, written as 64 lowercase hex digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Digest256([u8; 32]);

/// The hash that links records: each record's `prevHash` is the `hash` of
/// the one before it.
pub type ChainHash = Digest256;
/// The hash of a request body, so the log proves what was sent without
/// holding it.
pub type PayloadHash = Digest256;

impl Digest256 {
    /// The `prevHash` of the first record.
    pub const ZERO: Self = Self([0; 32]);

    pub fn of(bytes: &[u8]) -> Self {
        Self(Sha256::digest(bytes).into())
    }

    /// The digest of `parts` one after the other, as if joined.
    pub fn of_parts(parts: &[&[u8]]) -> Self {
        let mut hasher = Sha256::new();
        parts.iter().for_each(|part| hasher.update(part));
        Self(hasher.finalize().into())
    }

    pub fn to_hex(&self) -> String {
        // Every record writes two or three of these: the slice encoder is
        // several times faster than `hex::encode`'s char iterator.
        let mut text = [0; 64];
        match hex::encode_to_slice(self.0, &mut text).map(|()| std::str::from_utf8(&text)) {
            Ok(Ok(hex)) => hex.to_owned(),
            _ => hex::encode(self.0),
        }
    }

    pub fn from_hex(text: &str) -> Option<Self> {
        let lower = text.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        let mut bytes = [0; 32];
        (lower && hex::decode_to_slice(text, &mut bytes).is_ok()).then_some(Self(bytes))
    }
}

impl fmt::Display for Digest256 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for Digest256 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Digest256({self})")
    }
}

impl Serialize for Digest256 {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_hex())
    }
}

impl<'de> Deserialize<'de> for Digest256 {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Self::from_hex(&text).ok_or_else(|| serde::de::Error::custom("expected 64 lowercase hex digits"))
    }
}
