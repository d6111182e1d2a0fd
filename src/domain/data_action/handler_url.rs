//! Where a data action's handler is reached: the rule its URL is held to.

use crate::domain::errors::FieldError;
use std::net::IpAddr;
use url::{Host, Url};

/// A handler URL: https anywhere, http only to this machine, and no
/// credentials in it, neither as a user and password nor in its query.
pub fn check_handler_url(field: &str, raw: &str) -> Result<Url, FieldError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(FieldError::new(field, "is required"));
    }
    // Text before an `@` may be a password, and a query may carry a token:
    // neither is repeated.
    let shown = if raw.contains(['@', '?']) { "the value".to_string() } else { format!("{raw:?}") };
    let url = Url::parse(raw).map_err(|e| FieldError::new(field, format!("{shown} is not a URL ({e})")))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(FieldError::new(
            field,
            "must not hold a user name or password: the tenant shows the URL to whoever can read the \
             action and the audit log keeps it; give the handler its credentials another way",
        ));
    }
    if let Some(name) = url.query_pairs().map(|(name, _)| name).find(|name| is_credential(name)) {
        return Err(FieldError::new(
            field,
            format!(
                "must not carry a credential in its query (the parameter {name:?}): the tenant shows the URL to \
                 whoever can read the action and the audit log keeps it; give the handler its credentials \
                 another way"
            ),
        ));
    }
    match url.scheme() {
        "https" if url.host().is_some() => Ok(url),
        "http" if is_loopback(&url) => Ok(url),
        "http" => Err(FieldError::new(
            field,
            "must use https; plain http is allowed only to this machine (localhost, 127.0.0.1, ::1)",
        )),
        other => Err(FieldError::new(field, format!("must be an https URL, not {other}:"))),
    }
}

/// Query parameter names that carry a secret, written without `-` or `_`
/// and in lower case: `access_token`, `Access-Token` and `accesstoken` are
/// one name.
const CREDENTIALS: [&str; 11] = [
    "token",
    "accesstoken",
    "key",
    "apikey",
    "code",
    "secret",
    "password",
    "pwd",
    "sig",
    "signature",
    "auth",
];

/// Endings that mark a secret whatever comes before them (`refresh_token`,
/// `client_secret`, `x-api-key`); `key` and `code` alone are not among them,
/// as `zip_code` or `sort_key` hold no secret.
const CREDENTIAL_ENDINGS: [&str; 4] = ["token", "secret", "password", "apikey"];

fn is_credential(name: &str) -> bool {
    let name: String =
        name.chars().filter(|c| !matches!(c, '-' | '_')).flat_map(char::to_lowercase).collect();
    CREDENTIALS.contains(&name.as_str()) || CREDENTIAL_ENDINGS.iter().any(|end| name.ends_with(end))
}

/// Whether `url` points at this machine.
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handler_url_rule() {
        assert!(check_handler_url("h", "https://x.example.com/p").is_ok());
        assert!(check_handler_url("h", "http://127.0.0.1:9000/p").is_ok());
        assert!(check_handler_url("h", "http://localhost/p").is_ok());
        assert!(check_handler_url("h", "http://[::1]:80/p").is_ok());
        assert!(check_handler_url("h", "http://10.0.0.1/p").is_err());
        assert!(check_handler_url("h", "ftp://x.example.com").is_err());
        assert!(check_handler_url("h", "not a url").is_err());
        for credentials in ["https://user:s3cr3tpw@h.example.com/x", "https://token@h.example.com/x"] {
            let refused = check_handler_url("h", credentials).unwrap_err();
            assert!(refused.rule.contains("user name or password"), "{refused}");
            assert!(!refused.to_string().contains("s3cr3tpw"), "{refused}");
        }
        let malformed = check_handler_url("h", "https://user:s3cr3tpw@[bad/x").unwrap_err();
        assert!(!malformed.to_string().contains("s3cr3tpw"), "{malformed}");
    }

    #[test]
    fn a_credential_in_the_query_is_refused_by_its_name_without_its_value() {
        for url in [
            "https://h.example.com/x?token=sekrit123",
            "https://h.example.com/x?region=eu&ACCESS-TOKEN=sekrit123",
            "https://h.example.com/x?api_key=sekrit123",
            "https://h.example.com/x?Api-Key=sekrit123",
            "https://h.example.com/x?client_secret=sekrit123",
            "https://h.example.com/x?x-api-key=sekrit123",
            "https://h.example.com/x?sig=sekrit123",
            "https://h.example.com/x?PWD=sekrit123",
        ] {
            let refused = check_handler_url("handlerUrl", url).unwrap_err();
            assert_eq!(refused.field, "handlerUrl");
            assert!(refused.rule.starts_with("must not carry a credential in its query"), "{refused}");
            assert!(!refused.to_string().contains("sekrit123"), "{refused}");
        }
        let named =
            check_handler_url("handlerUrl", "https://h.example.com/x?a=1&Auth=sekrit123").unwrap_err();
        assert!(named.rule.contains("(the parameter \"Auth\")"), "{named}");
        // Parameters that hold no secret stay.
        for url in
            ["https://h.example.com/x?region=eu&zip_code=12345", "https://h.example.com/x?sort_key=name"]
        {
            assert!(check_handler_url("handlerUrl", url).is_ok(), "{url}");
        }
        // A URL that does not parse is not repeated when it has a query.
        let malformed =
            check_handler_url("handlerUrl", "https://h.example.com:99999/x?token=sekrit123").unwrap_err();
        assert!(!malformed.to_string().contains("sekrit123"), "{malformed}");
    }
}
