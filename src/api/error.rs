//! Errors, typed by what the user can do about them.

use super::call::CallInfo;
use crate::domain::FieldError;
use std::time::Duration;

/// A failed call: why, and the facts of the call for the audit trail.
/// Displays as the kind's sentence.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{kind}")]
pub struct ApiError {
    pub kind: ApiErrorKind,
    /// Boxed to keep `Result`s small on the success path.
    pub call: Box<CallInfo>,
}

/// Why a call failed. Every sentence says what to do next. Server text in
/// these variants is sanitised and shortened; secrets never enter them.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiErrorKind {
    /// 400: a rule was broken. `details` names each field when the tenant did.
    #[error("the tenant refused the request: {message}; correct it and send it again")]
    BadRequest { message: String, details: Vec<FieldError> },
    /// 401 although a fresh token was fetched and tried.
    #[error(
        "the tenant refused the console's access token even after a fresh one ({message}); \
         check that the API client is still enabled on the tenant"
    )]
    Unauthorized { message: String },
    /// The token endpoint refused the client's credentials or scopes (a 4xx
    /// other than 404 and 429, which are said otherwise).
    #[error(
        "the tenant refused to issue an access token (HTTP {status}: {message}); \
         check the client id, secret and scopes of this profile"
    )]
    TokenRefused { status: u16, message: String },
    /// 403: the token lacks a scope; `message` says which would do.
    #[error(
        "the console is not allowed to do this: {message}; when the profile lists `scopes` in config.toml, \
         add that scope there (the token asks for those alone), otherwise ask a tenant administrator to \
         grant it to the client"
    )]
    Forbidden { message: String },
    #[error("not found on the tenant: {message}; it may have been removed, or the id is mistyped")]
    NotFound { message: String },
    /// 409 or 412: a stale tag, or the entity is busy (dialer, wrap-up…).
    #[error(
        "the tenant refused the change because of the item's current state: {message}; reload it and decide again"
    )]
    Conflict { status: u16, message: String },
    /// 428: the write needs `If-Match`.
    #[error(
        "the tenant needs the item's current version tag for this change ({message}); reload it and try again"
    )]
    PreconditionRequired { message: String },
    /// 429 that outlasted the retries or the longest wait the client accepts.
    #[error("{}", rate_limited_sentence(*.retry_after))]
    RateLimited { retry_after: Option<Duration>, message: String },
    /// 5xx after the retries the call allowed.
    #[error("the tenant failed to handle the request (HTTP {status}: {message}); try again shortly")]
    Server { status: u16, message: String },
    /// 422 `idempotency_key_reused`: the tenant holds an earlier request
    /// under the write's idempotency key with another body (the IETF
    /// draft's answer). Another 422 is [`Self::Unexpected`].
    #[error(
        "the tenant holds an earlier request with this change's idempotency key and other contents ({message}): \
         an earlier run sent this change as it then stood (a timestamp left to default is taken anew each run), \
         so nothing was changed now; reload the target, and submit the change anew if it is still wanted"
    )]
    KeyReused { message: String },
    /// A status the API does not use for this call.
    #[error("the tenant answered HTTP {status} ({message}), which this call does not expect")]
    Unexpected { status: u16, message: String },
    /// No connection could be made: nothing was sent.
    #[error("could not reach the tenant ({detail}); check the network connection and the tenant URL")]
    Network { detail: String },
    /// The connection broke after the request went out. `writes`: the
    /// request could have changed something (not a read, not a token).
    #[error("the connection broke before the tenant answered ({detail}); {}", unknown_end(*.writes))]
    Interrupted { detail: String, writes: bool },
    #[error("the tenant did not answer within {} s (it may be overloaded); {}", .after.as_secs_f64(), unknown_end(*.writes))]
    Timeout { after: Duration, writes: bool },
    /// A reply that is not what the API documents.
    #[error("the tenant's reply could not be read ({detail}); it began: {excerpt}")]
    Decode { detail: String, excerpt: String },
    #[error("the API client is misconfigured: {message}")]
    Config { message: String },
}

/// The code of a 422 refusing an idempotency key reused with another body.
const KEY_REUSED: &str = "idempotency_key_reused";

/// What stands in an error's text for a secret the tenant quoted.
pub const WITHHELD: &str = "[withheld]";
/// The shortest secret looked for in error text.
pub const MIN_WITHHELD: usize = 8;

/// A message shortened with an ellipsis may end in the first characters of
/// a secret; they are withheld too, when there are enough of them to be
/// told from ordinary text.
fn withhold_cut_tail(text: &mut String, secret: &str) {
    let Some(body) = text.strip_suffix('…') else { return };
    let longest = (MIN_WITHHELD..secret.len())
        .rev()
        .filter(|&n| secret.is_char_boundary(n))
        .find(|&n| body.ends_with(&secret[..n]));
    if let Some(n) = longest {
        let keep = body.len() - n;
        *text = format!("{}{WITHHELD}…", &body[..keep]);
    }
}

/// Every way a tenant may quote `secret` back: as sent, as the form body
/// carried it (`+` for a space, `%21` for `!`), percent-encoded with `%20`
/// or lowercase hex as a server that re-encodes it may write it, and
/// escaped inside a JSON string.
fn spellings(secret: &str) -> Vec<String> {
    let form: String = url::form_urlencoded::byte_serialize(secret.as_bytes()).collect();
    let spaced = form.replace('+', "%20");
    let lower = |text: &str| {
        let mut out = String::with_capacity(text.len());
        let mut hex_left = 0u8;
        for c in text.chars() {
            out.push(if hex_left > 0 { c.to_ascii_lowercase() } else { c });
            hex_left = if c == '%' { 2 } else { hex_left.saturating_sub(1) };
        }
        out
    };
    let json = serde_json::to_string(secret).unwrap_or_default();
    let json = json.trim_matches('"').to_string();
    let mut all = vec![secret.to_string()];
    for spelling in [lower(&form), lower(&spaced), form, spaced, json] {
        if !all.contains(&spelling) {
            all.push(spelling);
        }
    }
    all
}

/// What to do about a request whose answer never came: a write may have
/// landed, a read changed nothing.
fn unknown_end(writes: bool) -> &'static str {
    if writes {
        "a change may or may not have been applied, so read it back before repeating it"
    } else {
        "nothing was changed by it; try again"
    }
}

fn rate_limited_sentence(wait: Option<Duration>) -> String {
    match wait {
        Some(w) => format!(
            "the tenant is limiting requests and asks to wait {} s; try again after that",
            w.as_secs_f64().ceil()
        ),
        None => "the tenant is limiting requests; wait a moment and try again".to_string(),
    }
}

impl ApiErrorKind {
    /// The error for a refusal with HTTP `status` and the tenant's `code`.
    /// `message` is the tenant's sentence, already sanitised.
    pub(crate) fn from_status(
        status: u16,
        code: Option<&str>,
        message: String,
        details: Vec<FieldError>,
        retry_after: Option<Duration>,
    ) -> Self {
        match status {
            400 => Self::BadRequest { message, details },
            401 => Self::Unauthorized { message },
            403 => Self::Forbidden { message },
            404 => Self::NotFound { message },
            409 | 412 => Self::Conflict { status, message },
            422 if code == Some(KEY_REUSED) => Self::KeyReused { message },
            428 => Self::PreconditionRequired { message },
            429 => Self::RateLimited { retry_after, message },
            500..=599 => Self::Server { status, message },
            _ => Self::Unexpected { status, message },
        }
    }

    /// Replaces each of `secrets` wherever the error quotes it: a tenant may
    /// echo the client secret or a token it was sent in its error text,
    /// which would otherwise reach the screen, the reports and the audit
    /// log. A secret cut short at the end of a shortened message is
    /// withheld too. Secrets shorter than [`MIN_WITHHELD`] are left alone,
    /// as they would match ordinary words.
    pub(crate) fn withhold(&mut self, secrets: &[&str]) {
        let secrets: Vec<&str> = secrets.iter().copied().filter(|s| s.len() >= MIN_WITHHELD).collect();
        if secrets.is_empty() {
            return;
        }
        let spellings: Vec<String> = secrets.iter().flat_map(|secret| spellings(secret)).collect();
        for text in self.texts_mut() {
            for secret in &spellings {
                if text.contains(secret.as_str()) {
                    *text = text.replace(secret.as_str(), WITHHELD);
                }
                withhold_cut_tail(text, secret);
            }
        }
    }

    /// Every piece of text the error carries.
    fn texts_mut(&mut self) -> Vec<&mut String> {
        match self {
            Self::BadRequest { message, details } => std::iter::once(message)
                .chain(details.iter_mut().flat_map(|d| [&mut d.field, &mut d.rule]))
                .collect(),
            Self::Unauthorized { message }
            | Self::TokenRefused { message, .. }
            | Self::Forbidden { message }
            | Self::NotFound { message }
            | Self::Conflict { message, .. }
            | Self::PreconditionRequired { message }
            | Self::KeyReused { message }
            | Self::RateLimited { message, .. }
            | Self::Server { message, .. }
            | Self::Unexpected { message, .. }
            | Self::Config { message } => vec![message],
            Self::Network { detail } | Self::Interrupted { detail, .. } => vec![detail],
            Self::Decode { detail, excerpt } => vec![detail, excerpt],
            Self::Timeout { .. } => Vec::new(),
        }
    }

    /// Another writer or the entity's state won: the caller may reload and retry.
    pub fn is_conflict(&self) -> bool {
        matches!(self, Self::Conflict { .. })
    }

    /// The HTTP status behind the error, when there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::BadRequest { .. } => Some(400),
            Self::Unauthorized { .. } => Some(401),
            Self::Forbidden { .. } => Some(403),
            Self::NotFound { .. } => Some(404),
            Self::KeyReused { .. } => Some(422),
            Self::PreconditionRequired { .. } => Some(428),
            Self::RateLimited { .. } => Some(429),
            Self::TokenRefused { status, .. }
            | Self::Conflict { status, .. }
            | Self::Server { status, .. }
            | Self::Unexpected { status, .. } => Some(*status),
            Self::Network { .. }
            | Self::Interrupted { .. }
            | Self::Timeout { .. }
            | Self::Decode { .. }
            | Self::Config { .. } => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sentence(status: u16, message: &str) -> String {
        ApiErrorKind::from_status(status, None, message.into(), Vec::new(), Some(Duration::from_secs(3)))
            .to_string()
    }

    #[test]
    fn each_status_reads_as_an_actionable_sentence() {
        let bad = sentence(400, "attributes[2].key: \"_x\" starts with the reserved prefix \"_\"");
        assert_eq!(
            bad,
            "the tenant refused the request: attributes[2].key: \"_x\" starts with the reserved prefix \
             \"_\"; correct it and send it again"
        );
        let forbidden = sentence(403, "this call needs one of the scopes user:status:write");
        assert!(forbidden.contains("needs one of the scopes user:status:write"), "{forbidden}");
        assert!(
            forbidden.contains("the profile lists `scopes`"),
            "a narrow token may be the profile's own doing"
        );
        assert!(forbidden.contains("ask a tenant administrator to grant it"), "{forbidden}");
        assert!(sentence(404, "no interaction i-9").contains("no interaction i-9"));
        assert!(sentence(409, "stale If-Match").contains("reload it and decide again"));
        assert!(sentence(412, "stale").contains("reload it"));
        assert!(sentence(428, "If-Match required").contains("version tag"));
        assert!(sentence(429, "slow down").contains("wait 3 s"));
        assert!(sentence(503, "unavailable").contains("HTTP 503"));
        assert!(sentence(418, "teapot").contains("does not expect"));
    }

    #[test]
    fn secrets_the_tenant_quotes_encoded_are_withheld_too() {
        let secret = r#"Sp3c!al+Secret/Val=ue&x y"quoted""#;
        for quoted in [
            "client_secret=Sp3c%21al%2BSecret%2FVal%3Due%26x+y%22quoted%22",
            "client_secret=Sp3c%21al%2BSecret%2FVal%3Due%26x%20y%22quoted%22",
            "client_secret=Sp3c%21al%2bSecret%2fVal%3due%26x+y%22quoted%22",
            r#"{"client_secret":"Sp3c!al+Secret/Val=ue&x y\"quoted\""}"#,
        ] {
            let mut kind =
                ApiErrorKind::BadRequest { message: format!("rejected: {quoted}"), details: vec![] };
            kind.withhold(&[secret]);
            let shown = kind.to_string();
            for part in ["Sp3c", "Secret", "quoted"] {
                assert!(!shown.contains(part), "{quoted} → {shown}");
            }
            assert!(shown.contains(WITHHELD), "{shown}");
        }
    }

    #[test]
    fn secrets_the_tenant_quotes_are_withheld_even_when_cut_short() {
        let secret = "SBXSECRET-abc123";
        let mut kind = ApiErrorKind::BadRequest {
            message: format!("client_secret {secret} rejected, and {secret} again"),
            details: vec![FieldError::new("token", format!("{secret} is not valid"))],
        };
        kind.withhold(&[secret, "short"]);
        let shown = format!("{kind} {kind:?}");
        assert!(!shown.contains("SBXSECRET"), "{shown}");
        assert!(shown.contains("client_secret [withheld] rejected, and [withheld] again"), "{shown}");
        assert!(shown.contains("[withheld] is not valid"), "{shown}");

        // A message shortened in the middle of the secret.
        let mut cut = ApiErrorKind::Server { status: 500, message: "failed for SBXSECRET-ab…".into() };
        cut.withhold(&[secret]);
        assert_eq!(cut, ApiErrorKind::Server { status: 500, message: "failed for [withheld]…".into() });

        // Too short to tell from ordinary words: left as it is.
        let mut plain = ApiErrorKind::NotFound { message: "no such agent".into() };
        plain.withhold(&["agent"]);
        assert_eq!(plain, ApiErrorKind::NotFound { message: "no such agent".into() });
    }

    #[test]
    fn conflicts_are_recognisable_for_the_refetch_path() {
        let k = ApiErrorKind::from_status(409, None, "stale".into(), Vec::new(), None);
        assert!(k.is_conflict());
        assert_eq!(k.status(), Some(409));
        assert!(!ApiErrorKind::Network { detail: "refused".into() }.is_conflict());
    }

    #[test]
    fn only_a_422_coded_as_a_reused_key_reads_as_one() {
        let reused = ApiErrorKind::from_status(422, Some(KEY_REUSED), "used before".into(), Vec::new(), None);
        assert!(matches!(reused, ApiErrorKind::KeyReused { .. }), "{reused:?}");
        let other = ApiErrorKind::from_status(422, Some("invalid_range"), "bad".into(), Vec::new(), None);
        assert!(matches!(other, ApiErrorKind::Unexpected { status: 422, .. }), "{other:?}");
    }

    #[test]
    fn transport_failures_say_whether_a_change_may_have_landed() {
        let net = ApiErrorKind::Network { detail: "connection refused".into() }.to_string();
        assert!(net.contains("could not reach the tenant"), "{net}");
        let cut = ApiErrorKind::Interrupted { detail: "connection closed".into(), writes: true }.to_string();
        assert!(cut.contains("may or may not have been applied"), "{cut}");
        let slow = ApiErrorKind::Timeout { after: Duration::from_secs(30), writes: true }.to_string();
        assert!(slow.contains("within 30 s") && slow.contains("read it back"), "{slow}");
        // A read that never ended changed nothing: no talk of changes.
        let read =
            ApiErrorKind::Interrupted { detail: "connection closed".into(), writes: false }.to_string();
        assert!(
            read.ends_with("nothing was changed by it; try again") && !read.contains("applied"),
            "{read}"
        );
        let slow = ApiErrorKind::Timeout { after: Duration::from_secs(30), writes: false }.to_string();
        assert!(slow.ends_with("nothing was changed by it; try again"), "{slow}");
        let limited = ApiErrorKind::RateLimited { retry_after: None, message: String::new() };
        assert!(limited.to_string().contains("wait a moment"));
    }
}
