//! Known-answer tests for webhook signing, from the Standard Webhooks
//! specification's published example and reference-HMAC vectors.

use cxone_console::signing::{SigningKey, Verdict};
use secrecy::SecretString;
use serde_json::Value;

fn vectors() -> Value {
    serde_json::from_str(include_str!("fixtures/standard-webhooks.json")).expect("fixture is JSON")
}

fn fields(v: &Value) -> (SigningKey, String, i64, String, String) {
    let key =
        SigningKey::from_secret(&SecretString::from(v["secret"].as_str().unwrap().to_string())).unwrap();
    (
        key,
        v["webhook_id"].as_str().unwrap().to_string(),
        v["webhook_timestamp"].as_i64().unwrap(),
        v["body"].as_str().unwrap().to_string(),
        v["webhook_signature"].as_str().unwrap().to_string(),
    )
}

#[test]
fn signatures_match_the_published_vectors() {
    let all = vectors();
    let list = all["vectors"].as_array().unwrap();
    assert!(list.len() >= 3);
    for v in list {
        let (key, id, ts, body, expected) = fields(v);
        assert_eq!(key.sign(&id, ts, body.as_bytes()), expected, "vector {id}");
        assert_eq!(key.verify(&id, &ts.to_string(), &expected, body.as_bytes(), ts), Verdict::Valid);
    }
}

#[test]
fn tampered_deliveries_are_rejected() {
    let all = vectors();
    let list = all["must_fail"].as_array().unwrap();
    assert!(!list.is_empty());
    for v in list {
        let (key, id, ts, body, sig) = fields(v);
        assert_eq!(
            key.verify(&id, &ts.to_string(), &sig, body.as_bytes(), ts),
            Verdict::Invalid,
            "{}",
            v["why"]
        );
    }
}
