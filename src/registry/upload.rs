//! Writing blobs: existence checks, cross-repository mounts, small blobs in one PUT, files
//! streamed from disk (the engines are in `chunked`), and the upload session they share.
//!
//! An upload session lives at the Location of the registry's latest answer, which may be
//! relative, carry signed state in its query (`_state` in distribution), or point at another
//! origin (object storage). Requests to another origin go without our Authorization: the
//! Location itself is the credential there, and the registry's token must not leak to it.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use bytes::Bytes;
use reqwest::header::{CONTENT_LENGTH, CONTENT_TYPE, LOCATION};
use reqwest::{Method, RequestBuilder, Response, StatusCode};
use url::Url;

use super::source::FileSource;
use super::{expect_success, Registry};
use crate::auth::Scope;
use crate::digest::{Algorithm, Digest};
use crate::error::{Error, Result};

/// Called with the number of bytes of the blob sent so far. It is called from a timer (about
/// 40 times a second at most) while bytes move, and once with the full size at the end; after
/// a restart the count can go back.
pub type Progress<'a> = &'a (dyn Fn(u64) + Send + Sync);

/// Stops an upload from anywhere: the upload notices within a few tens of milliseconds, cancels
/// its session on the registry, and fails with [`cancelled`]'s error.
#[derive(Clone, Debug, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    pub fn new() -> Cancel {
        Cancel::default()
    }

    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// The error a cancelled upload ends with.
pub fn cancelled() -> Error {
    Error::Invalid("cancelled".into())
}

/// How files are uploaded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UploadOptions {
    /// Bytes per PATCH in a chunked upload (raised to the registry's `OCI-Chunk-Min-Length`).
    pub chunk_size: u64,
    /// Files this large or larger go in chunks; smaller ones in a single request.
    pub chunk_threshold: u64,
}

impl Default for UploadOptions {
    /// On loopback a single request is fastest (each chunk costs the registry a reopen and a
    /// hash-state save), so only very large files are chunked; 64 MiB chunks are a few seconds
    /// each even at 20 MB/s.
    fn default() -> Self {
        UploadOptions {
            chunk_size: 64 * 1024 * 1024,
            chunk_threshold: 1024 * 1024 * 1024,
        }
    }
}

/// An upload session: where the next request goes, and whether that is the registry's origin.
#[derive(Clone, Debug)]
pub(super) struct Session {
    pub location: Url,
    pub own_origin: bool,
}

/// Where the registry says an upload stands.
pub(super) enum UploadStatus {
    /// It holds this many bytes; continue at the session.
    At(u64, Session),
    /// The session no longer exists (distribution drops one whose size disagrees with the
    /// offset signed into its Location, as after a PATCH that broke off).
    Gone,
}

const OCTET_STREAM: &str = "application/octet-stream";
const DOCKER_CONTENT_DIGEST: &str = "docker-content-digest";
const CHUNK_MIN_LENGTH: &str = "oci-chunk-min-length";

pub(super) fn push_scope(repository: &str) -> Scope {
    Scope::repository(repository, &["pull", "push"])
}

pub(super) fn delete_scope(repository: &str) -> Scope {
    Scope::repository(repository, &["delete"])
}

impl Registry {
    /// The size of blob `digest` in `repository`, or None when it is not there.
    pub async fn blob_exists(&self, repository: &str, digest: &Digest) -> Result<Option<u64>> {
        let url = self.url(&format!("{repository}/blobs/{digest}")).await?;
        let scope = Scope::repository(repository, &["pull"]);
        let resp = self.send(Method::HEAD, &url, &scope, |r| r).await?;
        if resp.status() == StatusCode::NOT_FOUND {
            return Ok(None);
        }
        let resp = expect_success(resp, &format!("blob {digest} in {repository}")).await?;
        // reqwest's content_length() is the body it will read: none for a HEAD.
        let size = resp
            .headers()
            .get(CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok()?.trim().parse().ok())
            .ok_or_else(|| Error::Malformed {
                url,
                detail: "a blob HEAD answer without a Content-Length".into(),
            })?;
        Ok(Some(size))
    }

    /// Asks the registry to link blob `digest` from repository `from` into `repository` without
    /// uploading it. Returns whether it did. When it starts an upload session instead (202, the
    /// source lacks the blob or the registry does not mount), the session is cancelled rather than
    /// handed back: callers then upload the usual way. A refusal of access to `from` (token auth
    /// needs a scope for both repositories) is also "not mounted".
    pub async fn mount_blob(&self, repository: &str, digest: &Digest, from: &str) -> Result<bool> {
        let url = self
            .url(&format!(
                "{repository}/blobs/uploads/?mount={digest}&from={}",
                query_value(from)
            ))
            .await?;
        let scope = push_scope(repository);
        let resp = match self
            .send(Method::POST, &url, &scope, |r| r.header(CONTENT_LENGTH, 0))
            .await
        {
            Ok(resp) => resp,
            Err(Error::Unauthorized { .. } | Error::Denied { .. }) => return Ok(false),
            Err(e) => return Err(e),
        };
        match resp.status() {
            StatusCode::CREATED => Ok(true),
            StatusCode::ACCEPTED => {
                if let Ok(session) = self.session_of(&resp).await {
                    self.cancel_upload(repository, &session).await;
                }
                Ok(false)
            }
            StatusCode::FORBIDDEN => Ok(false),
            _ => expect_success(resp, &format!("a mount of {digest} into {repository}"))
                .await
                .map(|_| false),
        }
    }

    /// Uploads a small blob held in memory (a config, the empty descriptor's `{}`): POST, then
    /// one PUT with the bytes. Returns its sha256 digest.
    pub async fn push_blob_bytes(&self, repository: &str, bytes: Bytes) -> Result<Digest> {
        let digest = Digest::sha256_of(&bytes);
        let scope = push_scope(repository);
        let (session, _) = self.start_upload(repository, &scope).await?;
        let what = format!("blob {digest}");
        match self
            .finish_upload(repository, &session, &digest, Some(bytes), &what)
            .await
        {
            Ok(()) => Ok(digest),
            Err(e) => {
                self.cancel_upload(repository, &session).await;
                Err(e)
            }
        }
    }

    /// Uploads the file at `path`, reading it once. With `known` (digest and size from a cache
    /// or a plan), a single streaming PUT, and the upload fails with DigestMismatch if the file
    /// no longer matches; without it, one streaming PATCH while hashing, then a PUT of the
    /// computed digest. Files of `options.chunk_threshold` bytes or more go in chunks that resume
    /// after a dropped connection or a server error. Returns the digest and size.
    pub async fn push_blob_file(
        &self,
        repository: &str,
        path: &Path,
        known: Option<(&Digest, u64)>,
        options: &UploadOptions,
        progress: Progress<'_>,
        cancel: &Cancel,
    ) -> Result<(Digest, u64)> {
        let source = FileSource::open(path)?;
        let len = source.len();
        if let Some((_, size)) = known.filter(|(_, size)| *size != len) {
            return Err(Error::SizeMismatch {
                what: format!("file {}", path.display()),
                expected: size,
                actual: len,
            });
        }
        if cancel.is_cancelled() {
            return Err(cancelled());
        }
        let digest = match known {
            Some((expected, _)) if len < options.chunk_threshold => {
                self.put_whole(repository, &source, expected, progress, cancel)
                    .await?;
                expected.clone()
            }
            _ => {
                let chunk = if len >= options.chunk_threshold {
                    options.chunk_size.max(1)
                } else {
                    len.max(1)
                };
                let expected = known.map(|(d, _)| d);
                self.upload_in_chunks(repository, &source, expected, chunk, progress, cancel)
                    .await?
            }
        };
        progress(len);
        Ok((digest, len))
    }

    /// POSTs a new upload session. Returns it and the registry's minimum chunk size, if any.
    pub(super) async fn start_upload(
        &self,
        repository: &str,
        scope: &Scope,
    ) -> Result<(Session, Option<u64>)> {
        let url = self.url(&format!("{repository}/blobs/uploads/")).await?;
        let resp = self
            .send(Method::POST, &url, scope, |r| r.header(CONTENT_LENGTH, 0))
            .await?;
        let resp = expect_success(resp, &format!("a new upload in {repository}")).await?;
        if resp.status() != StatusCode::ACCEPTED {
            return Err(Error::Malformed {
                url,
                detail: format!(
                    "an upload POST answered {} instead of 202 Accepted",
                    resp.status()
                ),
            });
        }
        let min_chunk = resp
            .headers()
            .get(CHUNK_MIN_LENGTH)
            .and_then(|v| v.to_str().ok()?.trim().parse().ok());
        Ok((self.session_of(&resp).await?, min_chunk))
    }

    /// The session an upload answer points at: its Location, resolved against the request.
    pub(super) async fn session_of(&self, resp: &Response) -> Result<Session> {
        let base = Url::parse(&self.transport.base_url().await?).map_err(|e| Error::Malformed {
            url: self.name().to_string(),
            detail: format!("registry URL: {e}"),
        })?;
        let request_url = resp
            .url()
            .as_str()
            .split('?')
            .next()
            .unwrap_or("")
            .to_string();
        let raw = resp
            .headers()
            .get(LOCATION)
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| Error::Malformed {
                url: request_url.clone(),
                detail: "an upload answer without a Location".into(),
            })?;
        resolve_location(resp.url(), raw, &base).map_err(|detail| Error::Malformed {
            url: request_url,
            detail,
        })
    }

    /// Sends a bodiless request to an upload URL: with our credentials (and their 401 dance) on
    /// the registry's origin, without them anywhere else.
    pub(super) async fn session_request(
        &self,
        method: Method,
        session: &Session,
        url: &Url,
        scope: &Scope,
        decorate: impl Fn(RequestBuilder) -> RequestBuilder,
    ) -> Result<Response> {
        if session.own_origin {
            return self.send(method, url.as_str(), scope, decorate).await;
        }
        let client = self.transport.client();
        self.transport
            .send(&method, || {
                decorate(client.request(method.clone(), url.as_str()))
            })
            .await
    }

    /// Asks where an upload stands (GET of its Location, `Range: 0-N`).
    pub(super) async fn upload_status(
        &self,
        session: &Session,
        scope: &Scope,
        what: &str,
    ) -> Result<UploadStatus> {
        let resp = self
            .session_request(Method::GET, session, &session.location, scope, |r| r)
            .await?;
        if resp.status() == StatusCode::NOT_FOUND {
            return Ok(UploadStatus::Gone);
        }
        let resp = expect_success(resp, &format!("the upload of {what}")).await?;
        let at = registry_offset(&resp).ok_or_else(|| Error::Malformed {
            url: strip_query(&session.location),
            detail: "an upload status without a valid Range header".into(),
        })?;
        let next = match resp.headers().get(LOCATION) {
            Some(_) => self.session_of(&resp).await?,
            None => session.clone(),
        };
        Ok(UploadStatus::At(at, next))
    }

    /// Completes an upload with `PUT ?digest=`, carrying `body` when given, and checks the digest
    /// the registry says it stored.
    pub(super) async fn finish_upload(
        &self,
        repository: &str,
        session: &Session,
        digest: &Digest,
        body: Option<Bytes>,
        what: &str,
    ) -> Result<()> {
        let url = with_digest(&session.location, digest);
        let scope = push_scope(repository);
        let len = body.as_ref().map_or(0, Bytes::len);
        let resp = self
            .session_request(Method::PUT, session, &url, &scope, |r| {
                let r = r.header(CONTENT_LENGTH, len);
                match &body {
                    Some(b) => r.header(CONTENT_TYPE, OCTET_STREAM).body(b.clone()),
                    None => r,
                }
            })
            .await?;
        // Transport retries a PUT whose answer was lost; the retry then finds no session
        // although the first one stored the blob.
        if resp.status() == StatusCode::NOT_FOUND
            && self
                .blob_exists(repository, digest)
                .await
                .ok()
                .flatten()
                .is_some()
        {
            return Ok(());
        }
        let resp = expect_success(resp, &format!("the upload of {what}")).await?;
        check_stored_digest(&resp, digest, what)
    }

    /// Cancels an upload session; best effort, as the registry expires abandoned ones anyway.
    pub(super) async fn cancel_upload(&self, repository: &str, session: &Session) {
        let scope = delete_scope(repository);
        let result = self
            .session_request(Method::DELETE, session, &session.location, &scope, |r| r)
            .await;
        if let Err(e) = result {
            tracing::debug!(error = %e, "cancelling an upload session failed");
        }
    }
}

/// Checks the registry's Docker-Content-Digest against what we sent, when it sends one.
pub(super) fn check_stored_digest(resp: &Response, digest: &Digest, what: &str) -> Result<()> {
    let Some(header) = resp.headers().get(DOCKER_CONTENT_DIGEST) else {
        return Ok(());
    };
    let stored: Digest = header
        .to_str()
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .ok_or_else(|| Error::Malformed {
            url: strip_query(resp.url()),
            detail: "unparsable Docker-Content-Digest header".into(),
        })?;
    if &stored != digest {
        return Err(Error::DigestMismatch {
            what: format!("{what} as stored by the registry"),
            expected: digest.clone(),
            actual: stored,
        });
    }
    Ok(())
}

/// Resolves an upload Location against the URL it answered. Another origin is allowed (object
/// storage), but not a step down from HTTPS to plain HTTP.
pub(super) fn resolve_location(
    request: &Url,
    location: &str,
    registry: &Url,
) -> Result<Session, String> {
    let url = request
        .join(location.trim())
        .map_err(|e| format!("unusable upload Location {location:?}: {e}"))?;
    match url.scheme() {
        "https" => {}
        "http" if registry.scheme() == "http" => {}
        other => {
            return Err(format!(
                "the upload Location uses {other}:, which this {} registry may not send data to",
                registry.scheme()
            ))
        }
    }
    Ok(Session {
        own_origin: url.origin() == registry.origin(),
        location: url,
    })
}

/// The Location with `digest=` added to its query, keeping what the registry put there.
pub(super) fn with_digest(location: &Url, digest: &Digest) -> Url {
    let mut url = location.clone();
    // A validated digest is `algorithm:hex`: nothing in it needs escaping in a query.
    let pair = format!("digest={digest}");
    let query = match location.query() {
        Some(q) if !q.is_empty() => format!("{q}&{pair}"),
        _ => pair,
    };
    url.set_query(Some(&query));
    url
}

/// How many bytes the registry holds, from `Range: 0-N` (N inclusive; `bytes=` tolerated).
/// distribution writes `0-0` for both an empty upload and one byte; we read it as empty, which at
/// worst resends one byte's chunk and is answered 416, then resolved by the next status.
pub(super) fn registry_offset(resp: &Response) -> Option<u64> {
    let value = resp.headers().get("range")?.to_str().ok()?;
    parse_range(value)
}

pub(super) fn parse_range(value: &str) -> Option<u64> {
    let value = value.trim();
    let value = value.strip_prefix("bytes=").unwrap_or(value);
    let (start, end) = value.split_once('-')?;
    if start.trim() != "0" {
        return None;
    }
    match end.trim() {
        "-1" | "0" => Some(0),
        end => end.parse::<u64>().ok().map(|n| n + 1),
    }
}

/// Repository names are `[a-z0-9._/-]`, but a caller's string is escaped anyway.
fn query_value(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

pub(super) fn strip_query(url: &Url) -> String {
    url.as_str().split('?').next().unwrap_or("").to_string()
}

/// The algorithm of a new upload's digest when none is known.
pub(super) fn algorithm_for(expected: Option<&Digest>) -> Algorithm {
    expected.map_or(Algorithm::Sha256, Digest::algorithm)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn locations_resolve_relative_and_absolute() {
        let registry = url("http://127.0.0.1:5000");
        let request = url("http://127.0.0.1:5000/v2/app/blobs/uploads/");
        let s =
            resolve_location(&request, "/v2/app/blobs/uploads/u1?_state=a%2Bb", &registry).unwrap();
        assert_eq!(
            s.location.as_str(),
            "http://127.0.0.1:5000/v2/app/blobs/uploads/u1?_state=a%2Bb"
        );
        assert!(s.own_origin);

        let s =
            resolve_location(&request, "http://127.0.0.2:9000/bucket/x?sig=1", &registry).unwrap();
        assert!(!s.own_origin, "another host is another origin");
        let s = resolve_location(&request, "http://127.0.0.1:5001/x", &registry).unwrap();
        assert!(!s.own_origin, "another port is another origin");

        let tls = url("https://reg.example");
        let request = url("https://reg.example/v2/app/blobs/uploads/");
        assert!(resolve_location(&request, "http://reg.example/up", &tls).is_err());
        assert!(resolve_location(&request, "file:///etc/passwd", &tls).is_err());
    }

    #[test]
    fn the_digest_joins_the_existing_query() {
        let d = Digest::sha256_of(b"x");
        let with = with_digest(&url("http://r/v2/a/blobs/uploads/u?_state=s%3D%3D"), &d);
        assert_eq!(
            with.as_str(),
            format!("http://r/v2/a/blobs/uploads/u?_state=s%3D%3D&digest={d}")
        );
        let bare = with_digest(&url("http://r/v2/a/blobs/uploads/u"), &d);
        assert_eq!(bare.query(), Some(format!("digest={d}").as_str()));
    }

    #[test]
    fn ranges_give_the_next_offset() {
        assert_eq!(parse_range("0-99"), Some(100));
        assert_eq!(parse_range("bytes=0-1023"), Some(1024));
        assert_eq!(parse_range("0-0"), Some(0));
        assert_eq!(parse_range("0--1"), Some(0));
        assert_eq!(parse_range("5-9"), None);
        assert_eq!(parse_range("garbage"), None);
    }

    #[test]
    fn cancel_is_shared_between_clones() {
        let c = Cancel::new();
        let other = c.clone();
        assert!(!other.is_cancelled());
        c.cancel();
        assert!(other.is_cancelled());
    }
}
