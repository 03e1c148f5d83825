//! The HTTP side of Docker token auth: the GET and OAuth2 POST token requests and their answers.

use std::time::Duration;

use base64::Engine as _;
use reqwest::header::HeaderValue;
use reqwest::StatusCode;
use serde::Deserialize;

use crate::auth::secret::Secret;
use crate::error::{Error, Result};

/// Sent as `client_id`, so registries can tell Stowage's requests apart in their logs.
pub(crate) const CLIENT_ID: &str = "stowage";

/// The token spec's lifetime when the realm does not say.
const DEFAULT_EXPIRES_IN: u64 = 60;
/// The longest a token is reused, whatever the realm claims: a realm's number must never
/// overflow a clock, and a day-old token that is refused costs only one more token request.
const MAX_EXPIRES_IN: u64 = 24 * 60 * 60;

/// Where to ask for a token, from a Bearer challenge.
pub(crate) struct Realm<'a> {
    pub url: &'a str,
    pub service: Option<&'a str>,
    pub scope: Option<&'a str>,
}

/// How to ask. Not Debug: it holds secrets.
pub(crate) enum Grant<'a> {
    Anonymous,
    Basic {
        username: &'a str,
        password: &'a Secret,
    },
    Refresh(&'a Secret),
}

/// A token answer. Not Debug: it holds secrets.
pub(crate) struct Token {
    pub token: Secret,
    pub expires_in: Duration,
    pub refresh_token: Option<Secret>,
}

/// What the realm said, before it is turned into a token or an error: a refresh POST that the
/// realm does not support is not an error yet (the caller falls back to GET).
pub(crate) enum Answer {
    Token(Token),
    Refused { status: StatusCode, detail: String },
}

#[derive(Deserialize)]
struct RawToken {
    #[serde(default)]
    token: Option<String>,
    #[serde(default)]
    access_token: Option<String>,
    /// Any JSON number: realms send floats and negatives too, which must not fail the login.
    #[serde(default)]
    expires_in: Option<serde_json::Number>,
    #[serde(default)]
    refresh_token: Option<String>,
}

pub(crate) async fn request(
    http: &reqwest::Client,
    realm: &Realm<'_>,
    grant: &Grant<'_>,
) -> Result<Answer> {
    let url = reqwest::Url::parse(realm.url).map_err(|e| Error::Malformed {
        url: crate::transport::redact(realm.url),
        detail: format!("the token realm is not a URL: {e}"),
    })?;
    if !matches!(url.scheme(), "https" | "http") {
        return Err(Error::Malformed {
            url: crate::transport::redact(realm.url),
            detail: "the token realm is not an http(s) URL".to_string(),
        });
    }
    let mut params: Vec<(&str, &str)> = Vec::new();
    if let Some(service) = realm.service {
        params.push(("service", service));
    }
    if let Some(scope) = realm.scope {
        params.push(("scope", scope));
    }
    let request = match grant {
        Grant::Anonymous => http.get(url).query(&params),
        Grant::Basic { username, password } => {
            params.push(("offline_token", "true"));
            params.push(("client_id", CLIENT_ID));
            http.get(url).query(&params).header(
                reqwest::header::AUTHORIZATION,
                basic_header(username, password)?,
            )
        }
        Grant::Refresh(token) => {
            params.push(("grant_type", "refresh_token"));
            params.push(("refresh_token", token.expose()));
            params.push(("client_id", CLIENT_ID));
            http.post(url).form(&params)
        }
    };
    let shown = crate::transport::redact(realm.url);
    tracing::debug!(realm = %shown, scope = ?realm.scope, "requesting a registry token");
    let response = request
        .send()
        .await
        .map_err(|e| connect_error(realm.url, e))?;
    let status = response.status();
    let body = read_answer(response, realm.url).await?;
    if !status.is_success() {
        return Ok(Answer::Refused {
            status,
            detail: error_detail(&body),
        });
    }
    let malformed = |detail: &str| Error::Malformed {
        url: crate::transport::redact(realm.url),
        detail: detail.to_string(),
    };
    // Not serde's message: it could quote the token.
    let raw: RawToken = serde_json::from_slice(&body)
        .map_err(|_| malformed("the token answer is not the expected JSON"))?;
    let token = [raw.token, raw.access_token]
        .into_iter()
        .flatten()
        .find(|t| !t.is_empty())
        .ok_or_else(|| malformed("the token answer has neither `token` nor `access_token`"))?;
    Ok(Answer::Token(Token {
        token: Secret::new(token),
        expires_in: Duration::from_secs(expires_in(raw.expires_in.as_ref())),
        refresh_token: raw.refresh_token.filter(|t| !t.is_empty()).map(Secret::new),
    }))
}

/// The lifetime a realm states, in whole seconds within `0..=MAX_EXPIRES_IN`.
fn expires_in(stated: Option<&serde_json::Number>) -> u64 {
    let Some(n) = stated else {
        return DEFAULT_EXPIRES_IN;
    };
    match (n.as_u64(), n.as_f64()) {
        (Some(secs), _) => secs.min(MAX_EXPIRES_IN),
        // `as` saturates a float (and turns NaN into 0).
        (None, Some(secs)) if secs > 0.0 => (secs as u64).min(MAX_EXPIRES_IN),
        _ => 0,
    }
}

/// The most of a realm's answer that is read: tokens are a few KiB, and a realm must not be
/// able to fill memory.
const MAX_ANSWER: usize = 1 << 20;

async fn read_answer(mut response: reqwest::Response, url: &str) -> Result<Vec<u8>> {
    let too_large = || Error::TooLarge {
        what: "the token answer".into(),
        url: crate::transport::redact(url),
        limit: MAX_ANSWER as u64,
        unit: "bytes",
    };
    if response
        .content_length()
        .is_some_and(|n| n > MAX_ANSWER as u64)
    {
        return Err(too_large());
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| connect_error(url, e))? {
        if body.len() + chunk.len() > MAX_ANSWER {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

pub(crate) fn basic_header(username: &str, password: &Secret) -> Result<HeaderValue> {
    let encoded = base64::engine::general_purpose::STANDARD
        .encode(format!("{username}:{}", password.expose()));
    sensitive(&format!("Basic {encoded}"))
}

pub(crate) fn bearer_header(token: &Secret) -> Result<HeaderValue> {
    sensitive(&format!("Bearer {}", token.expose()))
}

fn sensitive(value: &str) -> Result<HeaderValue> {
    let mut header = HeaderValue::from_str(value).map_err(|_| {
        Error::Invalid(
            "a credential or token contains characters that cannot be sent in an HTTP header"
                .to_string(),
        )
    })?;
    header.set_sensitive(true);
    Ok(header)
}

/// reqwest's message names the URL only in part of its errors; the source chain has the cause.
fn connect_error(url: &str, e: reqwest::Error) -> Error {
    if let Some(refused) = crate::transport::refused_redirect(&e) {
        return refused;
    }
    let e = e.without_url();
    let mut detail = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(cause) = source {
        detail.push_str(": ");
        detail.push_str(&cause.to_string());
        source = cause.source();
    }
    Error::Connect {
        url: crate::transport::redact(url),
        detail,
    }
}

/// A readable reason from a realm's error body: Docker Hub's `details`, OAuth2's
/// `error_description`/`error`, the distribution `errors` list, or the first line of text.
pub(crate) fn error_detail(body: &[u8]) -> String {
    #[derive(Deserialize)]
    struct Body {
        details: Option<String>,
        error_description: Option<String>,
        error: Option<serde_json::Value>,
        message: Option<String>,
        errors: Option<Vec<Entry>>,
    }
    #[derive(Deserialize)]
    struct Entry {
        code: Option<String>,
        message: Option<String>,
    }
    let from_json = serde_json::from_slice::<Body>(body).ok().and_then(|b| {
        let listed = b.errors.and_then(|errors| {
            let parts: Vec<String> = errors
                .into_iter()
                .filter_map(|e| match (e.code, e.message) {
                    (Some(c), Some(m)) => Some(format!("{c}: {m}")),
                    (c, m) => c.or(m),
                })
                .collect();
            (!parts.is_empty()).then(|| parts.join("; "))
        });
        let error = b.error.and_then(|e| match e {
            serde_json::Value::String(s) => Some(s),
            _ => None,
        });
        [b.details, b.error_description, b.message, listed, error]
            .into_iter()
            .flatten()
            .find(|s| !s.trim().is_empty())
    });
    let text = from_json.unwrap_or_else(|| {
        let text = String::from_utf8_lossy(body);
        text.lines()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("")
            .to_string()
    });
    let text = text.trim();
    if text.is_empty() {
        return "no reason given".to_string();
    }
    let mut short: String = text.chars().take(300).collect();
    if short.len() < text.len() {
        short.push('…');
    }
    short
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::test_server::TestServer;

    async fn anonymous(url: &str) -> Result<Answer> {
        let http = reqwest::Client::builder()
            .no_proxy()
            .build()
            .expect("client");
        let realm = Realm {
            url,
            service: Some("s"),
            scope: None,
        };
        request(&http, &realm, &Grant::Anonymous).await
    }

    #[tokio::test]
    async fn malformed_answers_name_the_realm() {
        for body in [
            "<html>oops</html>",
            r#"{"expires_in":60}"#,
            r#"{"token":""}"#,
        ] {
            let server = TestServer::start(move |_| (200, vec![], body.to_string())).await;
            let url = format!("{}/token", server.base);
            match anonymous(&url).await {
                Err(Error::Malformed { url: u, .. }) => assert_eq!(u, url),
                Err(other) => panic!("expected Malformed for {body}, got {other:?}"),
                Ok(_) => panic!("expected Malformed for {body}"),
            }
        }
    }

    #[tokio::test]
    async fn an_endless_answer_is_cut_at_the_limit() {
        let huge = format!(r#"{{"token":"{}"}}"#, "x".repeat(MAX_ANSWER));
        let server = TestServer::start(move |_| (200, vec![], huge.clone())).await;
        match anonymous(&format!("{}/token", server.base)).await {
            Err(Error::TooLarge { limit, .. }) => assert_eq!(limit, MAX_ANSWER as u64),
            Err(other) => panic!("expected TooLarge, got {other:?}"),
            Ok(_) => panic!("a 1 MiB token was taken"),
        }
    }

    #[tokio::test]
    async fn refusals_carry_status_and_reason() {
        let server =
            TestServer::start(|_| (500, vec![], r#"{"details":"database down"}"#.to_string()))
                .await;
        match anonymous(&format!("{}/token", server.base)).await {
            Ok(Answer::Refused { status, detail }) => {
                assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
                assert_eq!(detail, "database down");
            }
            _ => panic!("expected a refusal"),
        }
    }

    #[tokio::test]
    async fn unreachable_realm_is_connect() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}/token", listener.local_addr().expect("addr"));
        drop(listener);
        match anonymous(&url).await {
            Err(Error::Connect { url: u, detail }) => {
                assert_eq!(u, url);
                assert!(!detail.is_empty());
            }
            Err(other) => panic!("expected Connect, got {other:?}"),
            Ok(_) => panic!("expected Connect"),
        }
    }

    #[test]
    fn a_realms_lifetime_is_bounded_whatever_it_says() {
        let n = |s: &str| serde_json::from_str::<serde_json::Number>(s).unwrap();
        assert_eq!(expires_in(None), DEFAULT_EXPIRES_IN);
        assert_eq!(expires_in(Some(&n("300"))), 300);
        assert_eq!(expires_in(Some(&n("18446744073709551615"))), MAX_EXPIRES_IN);
        assert_eq!(expires_in(Some(&n("1e300"))), MAX_EXPIRES_IN);
        assert_eq!(expires_in(Some(&n("-5"))), 0);
        assert_eq!(expires_in(Some(&n("299.9"))), 299);
    }

    #[test]
    fn error_details_from_common_realms() {
        let hub = br#"{"details":"incorrect username or password"}"#;
        assert_eq!(error_detail(hub), "incorrect username or password");
        let oauth = br#"{"error":"invalid_grant","error_description":"refresh token expired"}"#;
        assert_eq!(error_detail(oauth), "refresh token expired");
        let distribution =
            br#"{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}"#;
        assert_eq!(
            error_detail(distribution),
            "UNAUTHORIZED: authentication required"
        );
        assert_eq!(error_detail(b"\n  Forbidden  \nmore"), "Forbidden");
        assert_eq!(error_detail(b""), "no reason given");
        assert!(error_detail("x".repeat(1000).as_bytes()).chars().count() <= 301);
    }

    #[test]
    fn headers_are_sensitive_and_well_formed() {
        let basic = basic_header("alice", &Secret::new("pw")).expect("header");
        assert!(basic.is_sensitive());
        assert_eq!(basic.to_str().ok(), Some("Basic YWxpY2U6cHc="));
        let bearer = bearer_header(&Secret::new("tok")).expect("header");
        assert!(bearer.is_sensitive());
        assert_eq!(bearer.to_str().ok(), Some("Bearer tok"));
        assert!(bearer_header(&Secret::new("bad\ntoken")).is_err());
    }
}
