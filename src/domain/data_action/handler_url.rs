//! Where a data action's handler is reached: the rule its URL is held to.

use crate::domain::errors::FieldError;
use std::net::IpAddr;
use url::{Host, Url};

/// A handler URL: https anywhere, http only to this machine, and no
/// credentials in it.
pub fn check_handler_url(field: &str, raw: &str) -> Result<Url, FieldError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(FieldError::new(field, "is required"));
    }
    // Text before an `@` may be a password: it is not repeated.
    let shown = if raw.contains('@') { "the value".to_string() } else { format!("{raw:?}") };
    let url = Url::parse(raw).map_err(|e| FieldError::new(field, format!("{shown} is not a URL ({e})")))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(FieldError::new(
            field,
            "must not hold a user name or password: the tenant shows the URL to whoever can read the \
             action and the audit log keeps it; give the handler its credentials another way",
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
}
