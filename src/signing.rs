//! Webhook signatures, the Standard Webhooks v1 way.
//!
//! `webhook-signature: v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`
//! keyed with the base64-decoded secret (after its `whsec_` prefix). Several
//! space-separated signatures may be sent while a secret is rotated; one
//! matching is enough. Receivers refuse timestamps more than five minutes
//! from their clock, which stops replays of old deliveries.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretSlice, SecretString};
use sha2::Sha256;
use std::fmt;
use subtle::ConstantTimeEq;

pub const HEADER_ID: &str = "webhook-id";
pub const HEADER_TIMESTAMP: &str = "webhook-timestamp";
pub const HEADER_SIGNATURE: &str = "webhook-signature";
/// How far a delivery's timestamp may be from the receiver's clock.
pub const TOLERANCE_SECS: i64 = 300;
const PREFIX: &str = "whsec_";
/// The key lengths Standard Webhooks asks for: 24 to 64 random bytes.
pub const RECOMMENDED_KEY_BYTES: std::ops::RangeInclusive<usize> = 24..=64;

/// A signing key. The bytes never appear in Debug output.
#[derive(Clone)]
pub struct SigningKey {
    key: SecretSlice<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("the webhook secret is empty")]
    Empty,
    #[error("the webhook secret is not base64 (whsec_ then the base64 of its bytes, or the base64 alone)")]
    NotBase64,
}

impl SigningKey {
    /// Reads a `whsec_<base64>` secret (the prefix is optional).
    pub fn from_secret(secret: &SecretString) -> Result<Self, KeyError> {
        let text = secret.expose_secret().trim();
        let b64 = text.strip_prefix(PREFIX).unwrap_or(text);
        if b64.is_empty() {
            return Err(KeyError::Empty);
        }
        let bytes = STANDARD.decode(b64).map_err(|_| KeyError::NotBase64)?;
        if bytes.is_empty() {
            return Err(KeyError::Empty);
        }
        Ok(Self { key: SecretSlice::from(bytes) })
    }

    /// How many bytes the decoded key holds.
    pub fn key_bytes(&self) -> usize {
        self.key.expose_secret().len()
    }

    /// A fresh random key, as `whsec_<base64 of 32 bytes>`.
    pub fn generate_secret() -> SecretString {
        let bytes: [u8; 32] = rand::random();
        SecretString::from(format!("{PREFIX}{}", STANDARD.encode(bytes)))
    }

    fn mac(&self) -> Hmac<Sha256> {
        // HMAC accepts keys of any length, so this cannot fail.
        Hmac::<Sha256>::new_from_slice(self.key.expose_secret()).expect("HMAC takes any key length")
    }

    /// The `webhook-signature` header value for one delivery.
    pub fn sign(&self, id: &str, timestamp: i64, body: &[u8]) -> String {
        let mut mac = self.mac();
        mac.update(format!("{id}.{timestamp}.").as_bytes());
        mac.update(body);
        format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
    }

    /// Checks a delivery's headers against its body at time `now` (Unix s).
    pub fn verify(&self, id: &str, timestamp: &str, signatures: &str, body: &[u8], now: i64) -> Verdict {
        let Ok(ts) = timestamp.trim().parse::<i64>() else {
            return Verdict::Malformed;
        };
        // Any i64 may arrive: the distance is taken without overflowing.
        if now.abs_diff(ts) > TOLERANCE_SECS.unsigned_abs() {
            return Verdict::Stale;
        }
        let expected = self.sign(id, ts, body);
        let matched = signatures
            .split_whitespace()
            .filter(|s| s.starts_with("v1,"))
            .any(|s| bool::from(s.as_bytes().ct_eq(expected.as_bytes())));
        if matched { Verdict::Valid } else { Verdict::Invalid }
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SigningKey([redacted])")
    }
}

/// What a receiver concluded about a delivery's signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Valid,
    /// Signed, but by another key or over other bytes.
    Invalid,
    /// Timestamp too far from now.
    Stale,
    /// Headers present but unreadable.
    Malformed,
    /// No signature headers at all.
    Unsigned,
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    fn key() -> SigningKey {
        SigningKey::from_secret(&SecretString::from(SECRET)).unwrap()
    }

    #[test]
    fn debug_never_shows_the_key() {
        assert_eq!(format!("{:?}", key()), "SigningKey([redacted])");
    }

    #[test]
    fn rotation_list_and_stale_timestamps() {
        let k = key();
        let sig = k.sign("msg_1", 1000, b"{}");
        let list = format!("v1,bm90LXRoaXM= {sig}");
        assert_eq!(k.verify("msg_1", "1000", &list, b"{}", 1000), Verdict::Valid);
        assert_eq!(k.verify("msg_1", "1000", &sig, b"{}", 1000 + TOLERANCE_SECS + 1), Verdict::Stale);
        assert_eq!(k.verify("msg_1", "soon", &sig, b"{}", 1000), Verdict::Malformed);
        for far in [i64::MIN, i64::MAX] {
            let sig = k.sign("msg_1", far, b"{}");
            assert_eq!(k.verify("msg_1", &far.to_string(), &sig, b"{}", 1000), Verdict::Stale, "{far}");
        }
    }

    #[test]
    fn bad_secrets_are_refused() {
        assert_eq!(SigningKey::from_secret(&SecretString::from("whsec_")).unwrap_err(), KeyError::Empty);
        assert_eq!(
            SigningKey::from_secret(&SecretString::from("whsec_not base64!")).unwrap_err(),
            KeyError::NotBase64
        );
        let fresh = SigningKey::generate_secret();
        assert!(SigningKey::from_secret(&fresh).is_ok());
    }
}
