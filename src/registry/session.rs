//! The upload session shared by every way of writing a blob: opened by POST, continued at the
//! Location of the registry's latest answer, asked where it stands, completed by `PUT ?digest=`,
//! or cancelled.
//!
//! A Location may be relative, carry signed state in its query (`_state` in distribution), or
//! point at another origin (object storage). Requests to another origin go without our
//! Authorization: the Location itself is the credential there, and the registry's token must not
//! leak to it.

use bytes::Bytes;
use reqwest::header::{CONTENT_LENGTH, CONTENT_TYPE, LOCATION};
use reqwest::{Method, RequestBuilder, Response, StatusCode};
use url::Url;

use super::upload::{delete_scope, push_scope};
use super::{expect_success, Registry};
use crate::auth::Scope;
use crate::digest::Digest;
use crate::error::{Error, Result};

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

impl Registry {
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
        let request_url = crate::transport::redact(resp.url().as_str());
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
            url: redact(&session.location),
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
            url: redact(resp.url()),
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
/// distribution writes `0-0` for both an empty upload and one byte; it is read as empty here, and
/// the chunk engine corrects that when the context tells (a 1-byte chunk accepted, or a 416).
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
        // A registry supplies N: `0-18446744073709551615` is refused, not wrapped to 0.
        end => end.parse::<u64>().ok()?.checked_add(1),
    }
}

pub(super) fn redact(url: &Url) -> String {
    crate::transport::redact(url.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::digest::Digest;

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
    fn a_range_past_u64_is_refused_not_wrapped() {
        assert_eq!(parse_range("0-18446744073709551615"), None);
        assert_eq!(parse_range("0-18446744073709551614"), Some(u64::MAX));
        assert_eq!(parse_range("0-99999999999999999999999"), None);
    }
}
