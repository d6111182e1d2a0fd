//! Rules every setting follows, applied to one table at a time so that each
//! error names its table and key.

use super::error::{ConfigError, KeyPath, Source};
use std::ops::{Range, RangeInclusive};
use toml::Spanned;

pub(super) struct Table<'a> {
    source: &'a Source<'a>,
    name: String,
}

impl<'a> Table<'a> {
    pub fn new(source: &'a Source<'a>, name: impl Into<String>) -> Self {
        Self { source, name: name.into() }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn source(&self) -> &'a Source<'a> {
        self.source
    }

    pub fn error(&self, key: &str, span: Option<Range<usize>>, message: impl Into<String>) -> ConfigError {
        self.source.key_error(KeyPath::new(&self.name, key), span, message)
    }

    /// A whole number within `range`, or `default` when the key is absent.
    pub fn int(
        &self,
        key: &str,
        value: &Option<Spanned<u64>>,
        range: RangeInclusive<u64>,
        default: u64,
    ) -> Result<u64, ConfigError> {
        let Some(value) = value else { return Ok(default) };
        let n = *value.get_ref();
        if !range.contains(&n) {
            let rule = format!("{n} is out of range; use {} to {}", range.start(), range.end());
            return Err(self.error(key, Some(value.span()), rule));
        }
        Ok(n)
    }

    /// Text that must not be blank or hold control characters, trimmed.
    pub fn text(&self, key: &str, value: &Spanned<String>) -> Result<String, ConfigError> {
        let text = value.get_ref().trim();
        if text.is_empty() {
            return Err(self.error(key, Some(value.span()), "must not be empty"));
        }
        if text.chars().any(char::is_control) {
            return Err(self.error(key, Some(value.span()), "must not contain control characters"));
        }
        Ok(text.to_string())
    }

    /// Refuses a secret written into the file itself.
    pub fn no_inline_secret<T>(
        &self,
        key: &str,
        value: &Option<Spanned<T>>,
        instead: &str,
    ) -> Result<(), ConfigError> {
        match value {
            Some(value) => Err(self.error(
                key,
                Some(value.span()),
                format!("secrets are never kept in config.toml; use {instead}"),
            )),
            None => Ok(()),
        }
    }
}

impl Table<'_> {
    /// A URL a request may be sent to: https, or plain http to this machine
    /// only, since anything else would carry credentials or signed payloads
    /// in the clear.
    pub fn web_url(&self, key: &str, value: &Spanned<String>) -> Result<url::Url, ConfigError> {
        let span = Some(value.span());
        let text = self.text(key, value)?;
        // Text before an `@` may be a password: it is not repeated.
        let shown = if text.contains('@') { "the value".to_string() } else { format!("{text:?}") };
        let url = url::Url::parse(&text)
            .map_err(|e| self.error(key, span.clone(), format!("{shown} is not a URL: {e}")))?;
        if url.password().is_some() {
            let rule = "holds a password, and secrets never go in config.toml: remove it from the URL \
                        (webhook receivers check the signature; the tenant takes the client secret)";
            return Err(self.error(key, span, rule));
        }
        let rule = match url.scheme() {
            "https" => None,
            "http" if is_loopback(&url) => None,
            "http" => {
                Some("plain http is only allowed to this machine (localhost, 127.0.0.0/8, ::1); use https")
            }
            _ => Some("must be an http or https URL"),
        };
        if let Some(rule) = rule {
            return Err(self.error(key, span, rule));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(self.error(key, span, "must not have a query or a fragment"));
        }
        Ok(url)
    }
}

fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}
