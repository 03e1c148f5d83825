//! The process log of the CLI and the app: its levels, and a writer that keeps secrets out of
//! every line, whichever crate wrote it.
//!
//! Stowage's own messages name URLs redacted already; this writer is the second line, for what
//! other crates log at debug and trace (reqwest logs redirect targets, hyper connection URLs):
//! every URL loses its query and user, and what looks like a credential is masked.

use std::io::{self, Write};

use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::EnvFilter;

/// Logs to stderr at `default` (an `EnvFilter` directive such as "warn" or "stowage=debug"),
/// or at what `STOWAGE_LOG` says, through the redacting writer.
pub fn init(default: &str) {
    let filter = EnvFilter::try_from_env("STOWAGE_LOG").unwrap_or_else(|_| EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(Redacted(io::stderr))
        .init();
}

/// A `MakeWriter` whose writers pass every line through [`redact_secrets`].
#[derive(Clone, Copy)]
pub struct Redacted<M>(pub M);

impl<'a, M: MakeWriter<'a>> MakeWriter<'a> for Redacted<M> {
    type Writer = RedactedWriter<M::Writer>;

    fn make_writer(&'a self) -> Self::Writer {
        RedactedWriter(self.0.make_writer())
    }
}

/// The writer [`Redacted`] makes: writes each formatted event through [`redact_secrets`].
pub struct RedactedWriter<W>(W);

impl<W: Write> Write for RedactedWriter<W> {
    /// The formatter writes each event once, whole, so a URL is never split between calls.
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        self.0.write_all(redact_secrets(&text).as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

/// Names whose value is a secret wherever it appears as `name=value` or `"name":"value"`.
const SECRET_NAMES: [&str; 8] = [
    "password",
    "refresh_token",
    "access_token",
    "identitytoken",
    "token",
    "secret",
    "signature",
    "auth",
];

/// `text` with every URL redacted (no query, no user) and credentials masked: the value after
/// `Bearer ` or `Basic `, and the values of [`SECRET_NAMES`].
pub fn redact_secrets(text: &str) -> String {
    let text = redact_urls(text);
    let text = mask_after_schemes(&text);
    mask_named_values(&text)
}

fn redact_urls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("://") {
        let start = rest[..at]
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
            .map_or(0, |i| i + 1);
        let end = rest[at..]
            .find(|c: char| {
                c.is_whitespace() || c.is_control() || matches!(c, '"' | '\'' | '<' | '>' | '`')
            })
            .map_or(rest.len(), |i| at + i);
        out.push_str(&rest[..start]);
        if start == at {
            // "://" without a scheme: not a URL, keep it.
            out.push_str(&rest[start..at + 3]);
            rest = &rest[at + 3..];
            continue;
        }
        out.push_str(&crate::transport::redact(&rest[start..end]));
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Masks the word after `Bearer ` and `Basic ` (any case): header values, when logged.
fn mask_after_schemes(text: &str) -> String {
    let lower = text.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut i = 0;
    while i < text.len() {
        let found = ["bearer ", "basic "]
            .iter()
            .find(|s| lower[i..].starts_with(**s) && word_start(&lower, i));
        match found {
            Some(scheme) => {
                let value_start = i + scheme.len();
                let value_end = text[value_start..]
                    .find(|c: char| !is_token_char(c))
                    .map_or(text.len(), |n| value_start + n);
                // `Basic realm="…"` is a challenge, not a credential.
                let is_param = text[value_start..value_end].contains('=')
                    && text[value_end..].starts_with('"');
                if value_end > value_start && !is_param {
                    out.push_str(&text[copied..value_start]);
                    out.push('…');
                    copied = value_end;
                }
                i = value_end.max(i + 1);
            }
            None => i += text[i..].chars().next().map_or(1, char::len_utf8),
        }
    }
    out.push_str(&text[copied..]);
    out
}

/// Masks `name=value`, `name: value` and `"name":"value"` for secret names.
fn mask_named_values(text: &str) -> String {
    let lower = text.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut i = 0;
    while i < text.len() {
        let name = SECRET_NAMES
            .iter()
            .find(|n| lower[i..].starts_with(**n) && word_start(&lower, i));
        let Some(name) = name else {
            i += text[i..].chars().next().map_or(1, char::len_utf8);
            continue;
        };
        let mut j = i + name.len();
        // The name may be quoted, then `=` or `:`, then the value, perhaps quoted.
        j += usize::from(text[j..].starts_with('"'));
        let separator = text[j..].chars().next();
        if !matches!(separator, Some('=') | Some(':')) {
            i = j.max(i + 1);
            continue;
        }
        j += 1;
        while text[j..].starts_with(' ') {
            j += 1;
        }
        let quoted = text[j..].starts_with('"');
        let value_start = j + usize::from(quoted);
        let value_end = if quoted {
            text[value_start..]
                .find('"')
                .map_or(text.len(), |n| value_start + n)
        } else {
            text[value_start..]
                .find(|c: char| !is_token_char(c))
                .map_or(text.len(), |n| value_start + n)
        };
        if value_end > value_start {
            out.push_str(&text[copied..value_start]);
            out.push('…');
            copied = value_end;
        }
        i = value_end.max(i + 1);
    }
    out.push_str(&text[copied..]);
    out
}

/// Whether a word can start at `i`: the text begins there or a non-word character precedes it.
fn word_start(lower: &str, i: usize) -> bool {
    lower[..i]
        .chars()
        .next_back()
        .is_none_or(|c| !(c.is_ascii_alphanumeric() || c == '_'))
}

fn is_token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~' | '+' | '/' | '=' | '%')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_lose_their_query_and_user() {
        let line = r#"DEBUG reqwest: redirecting 'https://r.example/v2/a/blobs/sha256:1' to 'https://s3.example/b?X-Amz-Signature=abc123&X-Amz-Credential=k'"#;
        let out = redact_secrets(line);
        assert!(!out.contains("abc123"), "{out}");
        assert!(out.contains("https://s3.example/b?…"), "{out}");
        assert!(
            out.contains("https://r.example/v2/a/blobs/sha256:1"),
            "{out}"
        );
        let out = redact_secrets("connecting to http://alice:pw@127.0.0.1:5000/v2/ now");
        assert!(!out.contains("pw@"), "{out}");
        assert!(out.ends_with("now"), "{out}");
    }

    #[test]
    fn credentials_are_masked() {
        for (line, secret) in [
            ("authorization: Bearer eyJhbGciOi.x.y", "eyJhbGciOi"),
            ("Authorization: Basic YWxpY2U6cHc=", "YWxpY2U6cHc"),
            (
                "grant_type=refresh_token&refresh_token=r3fr3sh&client_id=x",
                "r3fr3sh",
            ),
            (r#"{"token":"t0k3n","expires_in":60}"#, "t0k3n"),
            (r#"{"access_token": "a55"}"#, "a55"),
            ("password=hunter2 user=bob", "hunter2"),
        ] {
            let out = redact_secrets(line);
            assert!(!out.contains(secret), "{line} -> {out}");
        }
    }

    #[test]
    fn plain_text_stays_readable() {
        let line =
            r#"WWW-Authenticate: Basic realm="Registry", digest sha256:44136f, tokens=3 of 4"#;
        let out = redact_secrets(line);
        assert!(out.contains(r#"Basic realm="Registry""#), "{out}");
        assert!(out.contains("sha256:44136f"), "{out}");
        assert_eq!(redact_secrets("no secrets here"), "no secrets here");
        assert_eq!(redact_secrets("a://b"), "a://b");
        assert_eq!(redact_secrets("://x"), "://x");
    }
}
