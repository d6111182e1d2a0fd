//! `POST /oauth/token` and its two aliases: the client credentials grant.
//!
//! Credentials come either form-encoded in the body or as HTTP Basic, never
//! both (RFC 6749 §2.3). Errors use the OAuth error codes; the secret is
//! compared in constant time and never echoed.

use crate::sandbox::reply::Failure;
use crate::sandbox::server::unreadable_body;
use crate::sandbox::{SandboxState, scopes};
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use secrecy::ExposeSecret;
use serde_json::json;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// The three token paths the documents use; all behave the same.
pub const TOKEN_PATHS: [&str; 3] = ["/oauth/token", "/v1/oauth/token", "/api/v1/oauth2/token"];

pub fn routes() -> Router<SandboxState> {
    TOKEN_PATHS.iter().fold(Router::new(), |router, path| router.route(path, post(issue)))
}

async fn issue(
    State(state): State<SandboxState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let body = match body {
        Ok(body) => body,
        Err(rejection) => return unreadable_body(rejection).into_response(),
    };
    match grant(&state, &headers, &body) {
        Ok(reply) => reply,
        Err(refusal) => refusal.into_response(),
    }
}

fn grant(state: &SandboxState, headers: &HeaderMap, body: &[u8]) -> Result<Response, Refusal> {
    if !is_form(headers) {
        return Err(invalid_request(
            "the token request must be form encoded (Content-Type: application/x-www-form-urlencoded)",
        ));
    }
    let form = Form::parse(body)?;
    match form.grant_type.as_deref() {
        None => return Err(invalid_request("grant_type: is required (use client_credentials)")),
        Some("client_credentials") => {}
        Some(other) => {
            return Err(Refusal::plain(Failure::new(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                format!("grant_type: {other:?} is not supported; only client_credentials is"),
            )));
        }
    }
    let credentials = Credentials::from_request(headers, &form)?;
    if !credentials.match_config(state) {
        return Err(credentials.refused());
    }
    let scopes = requested_scopes(form.scope.as_deref())?;
    let issued = state.auth.issue(scopes);
    state.stats.token_issued();
    let body = json!({
        "access_token": issued.token.expose_secret(),
        "token_type": "Bearer",
        "expires_in": issued.expires_in.as_secs(),
        "scope": issued.scopes.join(" "),
    });
    let mut reply = axum::Json(body).into_response();
    // RFC 6749 §5.1: a response carrying a token must not be cached.
    reply.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    reply.headers_mut().insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    Ok(reply)
}

fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("application/x-www-form-urlencoded"))
}

/// A refusal and whether it must challenge for Basic credentials.
struct Refusal {
    failure: Failure,
    basic_challenge: bool,
}

impl Refusal {
    fn plain(failure: Failure) -> Self {
        Self { failure, basic_challenge: false }
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let mut response = self.failure.into_response();
        if self.basic_challenge {
            // RFC 6749 §5.2: a client that authenticated with Basic is challenged back.
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Basic realm=\"cxone-sandbox\""));
        }
        response
    }
}

fn invalid_request(message: impl Into<String>) -> Refusal {
    Refusal::plain(Failure::new(StatusCode::BAD_REQUEST, "invalid_request", message))
}

/// The token request's fields; each may appear at most once (RFC 6749 §3.2).
#[derive(Default)]
struct Form {
    grant_type: Option<String>,
    client_id: Option<String>,
    client_secret: Option<secrecy::SecretString>,
    scope: Option<String>,
}

impl Form {
    fn parse(body: &[u8]) -> Result<Self, Refusal> {
        let mut form = Form::default();
        for (name, value) in url::form_urlencoded::parse(body) {
            let once = |slot: bool| {
                if slot { Err(invalid_request(format!("{name}: is given more than once"))) } else { Ok(()) }
            };
            match name.as_ref() {
                "grant_type" => {
                    once(form.grant_type.is_some())?;
                    form.grant_type = Some(value.into_owned());
                }
                "client_id" => {
                    once(form.client_id.is_some())?;
                    form.client_id = Some(value.into_owned());
                }
                "client_secret" => {
                    once(form.client_secret.is_some())?;
                    form.client_secret = Some(value.into_owned().into());
                }
                "scope" => {
                    once(form.scope.is_some())?;
                    form.scope = Some(value.into_owned());
                }
                _ => {}
            }
        }
        Ok(form)
    }
}

struct Credentials {
    id: String,
    secret: secrecy::SecretString,
    via_basic: bool,
}

impl Credentials {
    fn from_request(headers: &HeaderMap, form: &Form) -> Result<Self, Refusal> {
        let basic = basic_credentials(headers)?;
        match (basic, &form.client_secret) {
            (Some(_), Some(_)) => Err(invalid_request(
                "send the client credentials either as HTTP Basic or in the body, not both",
            )),
            (Some((id, secret)), None) => {
                if form.client_id.as_deref().is_some_and(|body_id| body_id != id) {
                    return Err(invalid_request("client_id: differs from the HTTP Basic user name"));
                }
                Ok(Self { id, secret, via_basic: true })
            }
            (None, secret) => {
                let id = form.client_id.clone().filter(|id| !id.is_empty());
                let secret = secret.clone().filter(|s| !s.expose_secret().is_empty());
                match (id, secret) {
                    (Some(id), Some(secret)) => Ok(Self { id, secret, via_basic: false }),
                    (None, _) => {
                        Err(invalid_request("client_id: is required (in the body or as HTTP Basic)"))
                    }
                    (_, None) => {
                        Err(invalid_request("client_secret: is required (in the body or as HTTP Basic)"))
                    }
                }
            }
        }
    }

    fn match_config(&self, state: &SandboxState) -> bool {
        let config = &state.config;
        // Both comparisons always run and compare fixed-size digests, so the
        // reply time does not depend on how much of either was right.
        let id_ok = same(self.id.as_bytes(), config.client_id.as_bytes());
        let secret_ok =
            same(self.secret.expose_secret().as_bytes(), config.client_secret.expose_secret().as_bytes());
        id_ok & secret_ok
    }

    fn refused(&self) -> Refusal {
        Refusal {
            failure: Failure::unauthorized("invalid_client", "unknown client or wrong client secret"),
            basic_challenge: self.via_basic,
        }
    }
}

fn same(a: &[u8], b: &[u8]) -> bool {
    bool::from(Sha256::digest(a).ct_eq(&Sha256::digest(b)))
}

/// `Authorization: Basic base64(id:secret)`, if present.
fn basic_credentials(headers: &HeaderMap) -> Result<Option<(String, secrecy::SecretString)>, Refusal> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let malformed =
        || invalid_request("the Authorization header is not `Basic <base64 of client_id:client_secret>`");
    let text = value.to_str().map_err(|_| malformed())?.trim();
    let Some((scheme, encoded)) = text.split_once(' ') else {
        return Err(malformed());
    };
    if !scheme.eq_ignore_ascii_case("basic") {
        return Err(malformed());
    }
    let decoded = STANDARD.decode(encoded.trim()).map_err(|_| malformed())?;
    let decoded = String::from_utf8(decoded).map_err(|_| malformed())?;
    let (id, secret) = decoded.split_once(':').ok_or_else(malformed)?;
    if id.is_empty() || secret.is_empty() {
        return Err(malformed());
    }
    Ok(Some((id.to_string(), secret.to_string().into())))
}

/// The scopes to grant: those asked for, or every scope when none are.
fn requested_scopes(scope: Option<&str>) -> Result<Vec<&'static str>, Refusal> {
    let asked: Vec<&str> = scope.unwrap_or("").split_whitespace().collect();
    if asked.is_empty() {
        return Ok(scopes::ALL.to_vec());
    }
    let unknown: Vec<&str> = asked.iter().copied().filter(|s| scopes::known(s).is_none()).collect();
    if !unknown.is_empty() {
        let listed = unknown.iter().map(|s| format!("{s:?}")).collect::<Vec<_>>().join(", ");
        return Err(Refusal::plain(Failure::new(
            StatusCode::BAD_REQUEST,
            "invalid_scope",
            format!("scope: {listed} not known to this tenant; known scopes: {}", scopes::ALL.join(" ")),
        )));
    }
    let mut granted: Vec<&'static str> = Vec::new();
    for s in asked.iter().filter_map(|s| scopes::known(s)) {
        if !granted.contains(&s) {
            granted.push(s);
        }
    }
    Ok(granted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_are_deduplicated_in_the_order_asked() {
        let granted = requested_scopes(Some("user:read  analytics:read user:read")).ok().unwrap();
        assert_eq!(granted, ["user:read", "analytics:read"]);
        assert_eq!(requested_scopes(Some("  ")).ok().unwrap(), scopes::ALL);
        assert_eq!(requested_scopes(None).ok().unwrap(), scopes::ALL);
    }

    #[test]
    fn unknown_scopes_are_named() {
        let refusal = requested_scopes(Some("user:read bogus:write")).err().unwrap();
        assert_eq!(refusal.failure.error, "invalid_scope");
        assert!(refusal.failure.message.contains("\"bogus:write\""), "{}", refusal.failure.message);
    }

    #[test]
    fn repeated_fields_are_refused() {
        let refusal = Form::parse(b"grant_type=client_credentials&grant_type=password").err().unwrap();
        assert!(refusal.failure.message.starts_with("grant_type:"));
    }

    #[test]
    fn basic_credentials_are_read_and_garbage_is_refused() {
        let mut headers = HeaderMap::new();
        let encoded = STANDARD.encode("id:se:cret");
        headers.insert(header::AUTHORIZATION, HeaderValue::from_str(&format!("Basic {encoded}")).unwrap());
        let (id, secret) = basic_credentials(&headers).ok().unwrap().unwrap();
        assert_eq!((id.as_str(), secret.expose_secret()), ("id", "se:cret"));
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic !!!"));
        assert!(basic_credentials(&headers).is_err());
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer abc"));
        assert!(basic_credentials(&headers).is_err());
    }
}
