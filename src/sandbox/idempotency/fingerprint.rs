//! What a request's body says, reduced to a digest a key's entry can keep.

use serde_json::Value;
use sha2::{Digest, Sha256};

/// SHA-256 of a body: of its JSON with keys sorted and no spacing when it is
/// JSON, since the same document spaced or ordered otherwise asks for the
/// same change; of its bytes as they came otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Fingerprint([u8; 32]);

impl Fingerprint {
    pub(super) fn of(body: &[u8]) -> Self {
        let mut hasher = Sha256::new();
        match serde_json::from_slice::<Value>(body) {
            Ok(json) => hasher.update(crate::canonical_json::to_vec(&json)),
            Err(_) => {
                // A prefix no JSON text starts with keeps a body that is not
                // JSON from sharing a digest with one that is.
                hasher.update(b"\0raw:");
                hasher.update(body);
            }
        }
        Self(hasher.finalize().into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_document_spaced_or_ordered_otherwise_is_the_same_body() {
        let a = Fingerprint::of(br#"{"b":[1,{"y":2,"x":"s"}],"a":null}"#);
        assert_eq!(a, Fingerprint::of(b"{ \"a\": null,\n  \"b\": [1, {\"x\": \"s\", \"y\": 2}] }"));
        assert_ne!(a, Fingerprint::of(br#"{"b":[{"y":2,"x":"s"},1],"a":null}"#), "list order counts");
        assert_ne!(a, Fingerprint::of(br#"{"b":[1,{"y":2,"x":"s "}],"a":null}"#));
        assert_ne!(Fingerprint::of(b"not json"), Fingerprint::of(b"not  json"));
        assert_eq!(Fingerprint::of(b""), Fingerprint::of(b""));
    }
}
