//! The OCI distribution API against one registry host: authenticated requests, answers mapped to
//! typed errors, and the read operations (manifests, blobs, tags, catalog, referrers).

mod blob;
mod body;
mod chunked;
mod client;
mod listing;
mod manifest;
mod manifest_push;
mod referrers;
mod session;
mod upload;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use reqwest::header::{HeaderValue, AUTHORIZATION, WWW_AUTHENTICATE};
use reqwest::{Method, RequestBuilder, Response, StatusCode};
use serde::Deserialize;

use crate::auth::{Authorizer, Scope};
use crate::config::Limits;
use crate::error::{Error, Result};
use crate::known_blobs::KnownBlobs;
use crate::transport::Transport;

pub use blob::BlobStream;
pub use client::Client;
pub use listing::next_link;
pub use manifest_push::PushedManifest;
pub use referrers::{Referrers, ReferrersSource};
pub use upload::UploadOptions;

/// The upload status's Range parser, for the fuzz targets (src/fuzz.rs) only.
#[cfg(fuzzing)]
pub(crate) fn fuzz_parse_range(value: &str) -> Option<u64> {
    session::parse_range(value)
}

/// One registry host: its transport, its authorizer, and what we learned about it.
pub struct Registry {
    transport: Transport,
    authorizer: Authorizer,
    limits: Limits,
    /// Per repository: does the Referrers API work (true), or is the fallback tag needed (false)?
    referrers_api: Mutex<HashMap<String, bool>>,
    /// Where blobs were seen, to mount from; none keeps no record.
    known: Option<Arc<KnownBlobs>>,
}

impl Registry {
    /// A registry reached through `transport`, authorized by `authorizer`, within `limits`; it
    /// keeps no record of blobs until [`Registry::with_known_blobs`].
    pub fn new(transport: Transport, authorizer: Authorizer, limits: Limits) -> Registry {
        Registry {
            transport,
            authorizer,
            limits,
            referrers_api: Mutex::new(HashMap::new()),
            known: None,
        }
    }

    /// The record of where blobs were seen, when this registry keeps one.
    pub fn known_blobs(&self) -> Option<&KnownBlobs> {
        self.known.as_deref()
    }

    /// Records where blobs are seen in `known`, and mounts from there.
    pub fn with_known_blobs(mut self, known: Option<Arc<KnownBlobs>>) -> Registry {
        self.known = known;
        self
    }

    /// The registry's name, as references spell it: `docker.io`, `ghcr.io`, `localhost:5000`.
    pub fn name(&self) -> &str {
        self.transport.registry()
    }

    /// The caps this registry applies to manifest sizes and listings.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// `scheme://host/v2/` + `path`.
    pub async fn url(&self, path: &str) -> Result<String> {
        Ok(format!("{}/v2/{}", self.transport.base_url().await?, path))
    }

    /// Checks that the registry answers and accepts our credentials (docker's "ping" of `/v2/`),
    /// obtaining a token without a scope when it uses token auth: what `login` verifies.
    pub async fn check_credentials(&self) -> Result<()> {
        let url = self.url("").await?;
        let resp = self.send(Method::GET, &url, &Scope::none(), |r| r).await?;
        expect_success(resp, "the registry API root")
            .await
            .map(drop)
    }

    /// Sends a request with the header cached for `scope`, answering one 401 challenge.
    /// A second 401 means the registry refused what we have.
    pub async fn send(
        &self,
        method: Method,
        url: &str,
        scope: &Scope,
        decorate: impl Fn(RequestBuilder) -> RequestBuilder,
    ) -> Result<Response> {
        self.send_with(Retry::WhenIdempotent, method, url, scope, decorate)
            .await
    }

    async fn send_with(
        &self,
        retry: Retry,
        method: Method,
        url: &str,
        scope: &Scope,
        decorate: impl Fn(RequestBuilder) -> RequestBuilder,
    ) -> Result<Response> {
        let mut auth = self.authorizer.cached(scope);
        let mut challenged = false;
        loop {
            let client = self.transport.client();
            let make = || {
                let mut request = decorate(client.request(method.clone(), url));
                if let Some(value) = &auth {
                    request = request.header(AUTHORIZATION, value.clone());
                }
                request
            };
            let resp = match retry {
                Retry::WhenIdempotent => self.transport.send(&method, make).await?,
                Retry::Never => self.transport.send_once(&method, make).await?,
            };
            if resp.status() != StatusCode::UNAUTHORIZED {
                return Ok(resp);
            }
            let challenge = header_str(resp.headers().get(WWW_AUTHENTICATE));
            let answered = resp.url().to_string();
            if challenged || challenge.is_empty() {
                self.authorizer.forget(scope);
                return Err(Error::Unauthorized {
                    registry: self.name().to_string(),
                    username: self.authorizer.username().map(str::to_string),
                    detail: error_detail(resp).await,
                });
            }
            challenged = true;
            auth = Some(
                self.authorizer
                    .authorize(&challenge, scope, &answered)
                    .await?,
            );
        }
    }
}

/// Whether the transport may send a request again after a failure it deems passing.
#[derive(Clone, Copy)]
enum Retry {
    WhenIdempotent,
    Never,
}

fn header_str(value: Option<&HeaderValue>) -> String {
    value
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

#[derive(Deserialize)]
struct ErrorBody {
    #[serde(default)]
    errors: Vec<ErrorEntry>,
}

#[derive(Deserialize)]
struct ErrorEntry {
    #[serde(default)]
    code: String,
    #[serde(default)]
    message: String,
}

const MAX_ERROR_BODY: usize = 16 * 1024;

/// The registry's explanation of a failure: the spec's `errors` list when it sent one, else the
/// start of the body (registries answer plain text and HTML too).
async fn error_parts(resp: Response) -> (Option<String>, String) {
    let status = resp.status();
    let body = read_capped(resp, MAX_ERROR_BODY).await.unwrap_or_default();
    if let Ok(parsed) = serde_json::from_slice::<ErrorBody>(&body) {
        if let Some(first) = parsed.errors.first() {
            let message = parsed
                .errors
                .iter()
                .map(|e| e.message.as_str())
                .filter(|m| !m.is_empty())
                .collect::<Vec<_>>()
                .join("; ");
            return (Some(first.code.clone()), message);
        }
    }
    let text: String = String::from_utf8_lossy(&body)
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect();
    let text = text.trim().to_string();
    if text.is_empty() {
        (None, status.canonical_reason().unwrap_or("").to_string())
    } else {
        (None, text)
    }
}

async fn error_detail(resp: Response) -> String {
    let (code, message) = error_parts(resp).await;
    match code {
        Some(code) if !message.is_empty() => format!("{code}: {message}"),
        Some(code) => code,
        None => message,
    }
}

/// Passes a success through; turns anything else into the matching typed error.
pub(crate) async fn expect_success(resp: Response, what: &str) -> Result<Response> {
    let status = resp.status();
    if status.is_success() {
        return Ok(resp);
    }
    let url = crate::transport::redact(resp.url().as_str());
    match status {
        StatusCode::NOT_FOUND => Err(Error::NotFound {
            what: what.to_string(),
            url,
        }),
        StatusCode::FORBIDDEN => Err(Error::Denied {
            url,
            detail: error_detail(resp).await,
        }),
        _ => {
            let (code, message) = error_parts(resp).await;
            Err(Error::Status {
                url,
                status: status.as_u16(),
                code,
                message,
            })
        }
    }
}

/// Reads a whole body, refusing more than `limit` bytes whatever Content-Length claims.
pub(crate) async fn read_capped(mut resp: Response, limit: usize) -> Result<Vec<u8>> {
    let url = crate::transport::redact(resp.url().as_str());
    if resp.content_length().is_some_and(|n| n > limit as u64) {
        return Err(Error::TooLarge {
            what: "the answer".into(),
            url,
            limit: limit as u64,
            unit: "bytes",
        });
    }
    let mut body = Vec::new();
    loop {
        let chunk = resp.chunk().await.map_err(|e| Error::Connect {
            url: url.clone(),
            detail: e.to_string(),
        })?;
        let Some(chunk) = chunk else { break };
        if body.len() + chunk.len() > limit {
            return Err(Error::TooLarge {
                what: "the answer".into(),
                url,
                limit: limit as u64,
                unit: "bytes",
            });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}
