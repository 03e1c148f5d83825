//! HTTP to one registry host: TLS trust, plain HTTP only where allowed, timeouts, and retries.

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use reqwest::{Method, RequestBuilder, Response, StatusCode};
use tokio::sync::OnceCell;

use crate::config::RegistrySettings;
use crate::error::{Error, Result};
use crate::reference::api_host;

const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);
/// Time allowed between two reads of a body; a whole blob may take much longer.
const READ_TIMEOUT: Duration = Duration::from_secs(60);
const MAX_ATTEMPTS: u32 = 4;
const FIRST_BACKOFF: Duration = Duration::from_millis(200);
const MAX_RETRY_AFTER: Duration = Duration::from_secs(10);

/// Where docker keeps per-registry CA certificates; Stowage trusts the same files.
pub const DOCKER_CERTS_DIR: &str = "/etc/docker/certs.d";

/// How to speak to a registry host, decided once per host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// HTTPS, for every host not marked insecure, and loopback hosts that answer it.
    Https,
    /// Plain HTTP, for a registry the user marked insecure or a loopback host without HTTPS.
    Http,
}

/// HTTP to one registry host: its clients (sharing its extra CA certificates, each with its own
/// timeouts and redirect policy) and the scheme it speaks.
pub struct Transport {
    registry: String,
    host: String,
    client: reqwest::Client,
    upload_client: reqwest::Client,
    token_client: reqwest::Client,
    /// Loopback hosts may speak either; which one is found by asking once.
    scheme: OnceCell<Scheme>,
    forced: Option<Scheme>,
}

impl Transport {
    /// The transport for `registry` under `settings`, also trusting docker's CA files for the host
    /// (under [`DOCKER_CERTS_DIR`]); a CA file that is unreadable or holds no certificate fails.
    pub fn new(registry: &str, settings: &RegistrySettings) -> Result<Transport> {
        Self::with_certs_dir(registry, settings, Path::new(DOCKER_CERTS_DIR))
    }

    /// Like `new`, reading docker-style CA files from `certs_dir/<host>/*.crt`.
    pub fn with_certs_dir(
        registry: &str,
        settings: &RegistrySettings,
        certs_dir: &Path,
    ) -> Result<Transport> {
        let host = api_host(registry).to_string();
        let mut roots = Vec::new();
        for pem_path in ca_files(&host, settings, certs_dir) {
            let pem = std::fs::read(&pem_path).map_err(|e| Error::io(&pem_path, e))?;
            let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| Error::Config {
                path: pem_path.clone(),
                detail: format!("not a PEM certificate bundle: {e}"),
            })?;
            if certs.is_empty() {
                return Err(Error::Config {
                    path: pem_path,
                    detail: "no PEM certificate in the file".into(),
                });
            }
            roots.extend(certs);
        }
        let build = |read_timeout: Option<Duration>, redirects: Redirects| {
            let mut builder = reqwest::Client::builder()
                .user_agent(concat!("stowage/", env!("CARGO_PKG_VERSION")))
                .connect_timeout(CONNECT_TIMEOUT)
                .redirect(redirects.policy())
                .tcp_nodelay(true);
            if let Some(t) = read_timeout {
                builder = builder.read_timeout(t);
            }
            for cert in &roots {
                builder = builder.add_root_certificate(cert.clone());
            }
            builder.build().map_err(|e| Error::Tls {
                registry: registry.to_string(),
                detail: e.to_string(),
            })
        };
        let client = build(Some(READ_TIMEOUT), Redirects::Anywhere)?;
        // reqwest's read timeout runs from the request's start to the answer's headers, so an
        // upload client cannot have one: uploads watch their own progress instead.
        let upload_client = build(None, Redirects::Anywhere)?;
        let token_client = build(Some(READ_TIMEOUT), Redirects::SameOrigin)?;
        let forced = if settings.insecure {
            Some(Scheme::Http)
        } else if is_loopback(&host) {
            None
        } else {
            Some(Scheme::Https)
        };
        Ok(Transport {
            registry: registry.to_string(),
            host,
            client,
            upload_client,
            token_client,
            scheme: OnceCell::new(),
            forced,
        })
    }

    /// The registry name it was made for (`docker.io`, not the API host it talks to).
    pub fn registry(&self) -> &str {
        &self.registry
    }

    /// The client for ordinary API requests, whose read timeout catches a stalled answer.
    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }

    /// The client for request bodies that may take long to send (blob uploads).
    pub fn upload_client(&self) -> &reqwest::Client {
        &self.upload_client
    }

    /// The client for token realms: their requests carry the password or refresh token in a
    /// header or the body, which a redirect would hand to wherever it points, so it follows
    /// none that leave the realm's origin.
    pub fn token_client(&self) -> &reqwest::Client {
        &self.token_client
    }

    /// `scheme://host` for this registry, asking the host once when it is loopback: HTTPS if it
    /// answers HTTPS, else plain HTTP (docker treats loopback registries as insecure the same way).
    pub async fn base_url(&self) -> Result<String> {
        let scheme = match self.forced {
            Some(s) => s,
            None => *self.scheme.get_or_try_init(|| self.probe_scheme()).await?,
        };
        Ok(match scheme {
            Scheme::Https => format!("https://{}", self.host),
            Scheme::Http => format!("http://{}", self.host),
        })
    }

    async fn probe_scheme(&self) -> Result<Scheme> {
        let https = format!("https://{}/v2/", self.host);
        let tls_err = match self.client.get(&https).send().await {
            Ok(_) => return Ok(Scheme::Https),
            Err(e) => e,
        };
        let http = format!("http://{}/v2/", self.host);
        match self.client.get(&http).send().await {
            Ok(r) if r.status().is_success() || r.status() == StatusCode::UNAUTHORIZED => {
                Ok(Scheme::Http)
            }
            _ => Err(self.classify(&https, tls_err)),
        }
    }

    /// Sends the request `make` builds, again after a backoff when the failure is worth
    /// retrying: a connection error, 429 or 5xx, and only for idempotent methods.
    pub async fn send(
        &self,
        method: &Method,
        make: impl Fn() -> RequestBuilder,
    ) -> Result<Response> {
        self.send_attempts(method, MAX_ATTEMPTS, make).await
    }

    /// Sends the request once, whatever the answer: for writes whose caller must decide
    /// itself what a retry would mean (a late duplicate of a stale write can undo another's).
    pub async fn send_once(
        &self,
        method: &Method,
        make: impl Fn() -> RequestBuilder,
    ) -> Result<Response> {
        self.send_attempts(method, 1, make).await
    }

    async fn send_attempts(
        &self,
        method: &Method,
        attempts: u32,
        make: impl Fn() -> RequestBuilder,
    ) -> Result<Response> {
        let idempotent = matches!(
            *method,
            Method::GET | Method::HEAD | Method::PUT | Method::DELETE
        );
        let mut backoff = FIRST_BACKOFF;
        let mut attempt = 1;
        loop {
            let request = make()
                .build()
                .map_err(|e| Error::Invalid(e.without_url().to_string()))?;
            let url = redact(request.url().as_str());
            let outcome = self.client.execute(request).await;
            let retry = attempt < attempts && idempotent;
            match outcome {
                Ok(resp) if retry && retryable(resp.status()) => {
                    let wait = retry_after(&resp).unwrap_or(backoff);
                    tracing::debug!(%url, status = %resp.status(), ?wait, "retrying");
                    tokio::time::sleep(wait).await;
                }
                Ok(resp) => return Ok(resp),
                Err(e) if retry && (e.is_connect() || e.is_timeout()) && !is_tls(&e) => {
                    let e = e.without_url();
                    tracing::debug!(%url, error = %e, "retrying after a connection error");
                    tokio::time::sleep(backoff).await;
                }
                Err(e) => return Err(self.classify(&url, e)),
            }
            attempt += 1;
            backoff *= 2;
        }
    }

    /// Turns a reqwest error into one that says what failed and where.
    pub fn classify(&self, url: &str, e: reqwest::Error) -> Error {
        if let Some(refused) = refused_redirect(&e) {
            return refused;
        }
        // reqwest's message repeats the URL, query included: it is said once, redacted, here.
        let e = e.without_url();
        if is_tls(&e) {
            Error::Tls {
                registry: self.registry.clone(),
                detail: error_chain(&e),
            }
        } else {
            Error::Connect {
                url: redact(url),
                detail: error_chain(&e),
            }
        }
    }
}

/// Which redirects a client follows. Either way reqwest drops `Authorization` when a redirect
/// changes host or port (a registry's blob redirect to object storage or a CDN is normal, and
/// the signed URL is the credential there), and none may step down from HTTPS to plain HTTP:
/// that would put credentials or content on the wire in the clear.
#[derive(Clone, Copy)]
enum Redirects {
    Anywhere,
    SameOrigin,
}

const MAX_REDIRECTS: usize = 10;

impl Redirects {
    fn policy(self) -> reqwest::redirect::Policy {
        reqwest::redirect::Policy::custom(move |attempt| {
            let Some(from) = attempt.previous().last().cloned() else {
                return attempt.follow();
            };
            let to = attempt.url();
            let reason = if attempt.previous().len() > MAX_REDIRECTS {
                Some("more than 10 redirects")
            } else if from.scheme() == "https" && to.scheme() != "https" {
                Some("it steps down from HTTPS")
            } else if matches!(self, Redirects::SameOrigin) && to.origin() != from.origin() {
                Some("a token request carries a credential and may not leave its origin")
            } else {
                None
            };
            match reason {
                None => attempt.follow(),
                Some(reason) => {
                    let refused = RefusedRedirect {
                        from: redact(from.as_str()),
                        to: redact(to.as_str()),
                        reason,
                    };
                    attempt.error(refused)
                }
            }
        })
    }
}

/// A redirect the policy refused; it travels inside reqwest's error to `classify`.
#[derive(Debug)]
struct RefusedRedirect {
    from: String,
    to: String,
    reason: &'static str,
}

impl std::fmt::Display for RefusedRedirect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "redirect from {} to {} refused: {}",
            self.from, self.to, self.reason
        )
    }
}

impl std::error::Error for RefusedRedirect {}

/// The typed error for a redirect our policy refused, if that is what `e` is.
pub(crate) fn refused_redirect(e: &reqwest::Error) -> Option<Error> {
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        if let Some(r) = s.downcast_ref::<RefusedRedirect>() {
            return Some(Error::Redirect {
                from: r.from.clone(),
                to: r.to.clone(),
                reason: r.reason.to_string(),
            });
        }
        source = s.source();
    }
    None
}

fn ca_files(host: &str, settings: &RegistrySettings, certs_dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = settings.ca_file.iter().cloned().collect();
    if let Ok(entries) = std::fs::read_dir(certs_dir.join(host)) {
        let mut found: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "crt"))
            .collect();
        found.sort();
        files.extend(found);
    }
    files
}

/// `localhost`, 127.0.0.0/8 and ::1, with or without a port.
pub fn is_loopback(host: &str) -> bool {
    if let Ok(ip) = host.parse::<IpAddr>() {
        return ip.is_loopback();
    }
    let name = match host.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or(rest),
        None => host.rsplit_once(':').map_or(host, |(h, port)| {
            if port.bytes().all(|b| b.is_ascii_digit()) {
                h
            } else {
                host
            }
        }),
    };
    name.eq_ignore_ascii_case("localhost")
        || name.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

fn retryable(status: StatusCode) -> bool {
    status == StatusCode::TOO_MANY_REQUESTS || matches!(status.as_u16(), 500 | 502 | 503 | 504)
}

fn retry_after(resp: &Response) -> Option<Duration> {
    let secs: u64 = resp
        .headers()
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()?;
    Some(Duration::from_secs(secs).min(MAX_RETRY_AFTER))
}

/// The causes of an error, outermost first, without reqwest's "error sending request for url"
/// preamble (the URL is already in our message).
fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let top = e.to_string();
    let mut parts = Vec::new();
    if !top.starts_with("error sending request") || e.source().is_none() {
        parts.push(top);
    }
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = s.source();
    }
    parts.join(": ")
}

fn is_tls(e: &reqwest::Error) -> bool {
    let chain = error_chain(e).to_ascii_lowercase();
    [
        "certificate",
        "tls",
        "handshake",
        "invalidcontenttype",
        "unknownissuer",
    ]
    .iter()
    .any(|needle| chain.contains(needle))
}

/// A URL as errors and logs may show it: without its query and fragment (pre-signed URLs
/// carry credentials there, and a hostile registry's Location could carry anything) and
/// without a user and password.
pub fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) => {
            let had_query = parsed.query().is_some();
            parsed.set_query(None);
            parsed.set_fragment(None);
            let _ = parsed.set_username("");
            let _ = parsed.set_password(None);
            let mut shown = parsed.to_string();
            if had_query {
                shown.push_str("?…");
            }
            shown
        }
        // Not a URL: keep what stands before anything that could be a query.
        Err(_) => {
            let end = url.find(['?', '#']).unwrap_or(url.len());
            let shown = &url[..end];
            match shown.rsplit_once('@') {
                Some((_, host)) if shown.contains("://") => {
                    let scheme = shown.split("://").next().unwrap_or("");
                    format!("{scheme}://{host}")
                }
                _ => shown.to_string(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts() {
        for h in [
            "localhost",
            "localhost:5000",
            "127.0.0.1",
            "127.3.2.1:80",
            "[::1]:5000",
            "::1",
        ] {
            assert!(is_loopback(h), "{h}");
        }
        for h in [
            "ghcr.io",
            "10.0.0.1:5000",
            "localhost.example.com",
            "[::2]:1",
        ] {
            assert!(!is_loopback(h), "{h}");
        }
    }

    #[test]
    fn redacted_urls_keep_no_query_and_no_user() {
        assert_eq!(
            redact("https://s3.example/b/k?X-Amz-Signature=secret&X-Amz-Credential=c"),
            "https://s3.example/b/k?…"
        );
        assert_eq!(
            redact("https://user:pw@reg.example/v2/"),
            "https://reg.example/v2/"
        );
        assert_eq!(
            redact("http://127.0.0.1:5000/v2/a#frag"),
            "http://127.0.0.1:5000/v2/a"
        );
        assert_eq!(redact("not a url?token=x"), "not a url");
        assert!(!redact("weird://u:p@h?x").contains('p'));
    }

    #[test]
    fn retries_only_what_may_pass() {
        assert!(retryable(StatusCode::SERVICE_UNAVAILABLE));
        assert!(retryable(StatusCode::TOO_MANY_REQUESTS));
        assert!(!retryable(StatusCode::NOT_FOUND));
        assert!(!retryable(StatusCode::UNAUTHORIZED));
        assert!(!retryable(StatusCode::NOT_IMPLEMENTED));
    }

    #[test]
    fn reads_docker_certs_dir() {
        let dir = tempfile::tempdir().unwrap();
        let host_dir = dir.path().join("reg.example:5000");
        std::fs::create_dir_all(&host_dir).unwrap();
        std::fs::write(host_dir.join("ca.crt"), "x").unwrap();
        std::fs::write(host_dir.join("client.key"), "x").unwrap();
        let files = ca_files("reg.example:5000", &RegistrySettings::default(), dir.path());
        assert_eq!(files, vec![host_dir.join("ca.crt")]);
    }

    #[test]
    fn a_bad_ca_file_is_a_config_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let ca = dir.path().join("ca.pem");
        std::fs::write(&ca, "not a certificate").unwrap();
        let settings = RegistrySettings {
            ca_file: Some(ca.clone()),
            ..Default::default()
        };
        match Transport::with_certs_dir("reg.example", &settings, dir.path()) {
            Err(e) => assert!(e.to_string().contains("ca.pem"), "{e}"),
            Ok(_) => panic!("accepted a bad CA file"),
        }
    }
}
