//! Pushing manifests: the exact bytes given, checked against the digest the registry reports,
//! and deleting manifests, tags and blobs.

use bytes::Bytes;
use reqwest::header::{CONTENT_LENGTH, CONTENT_TYPE};
use reqwest::{Method, StatusCode};

use super::upload::{delete_scope, push_scope};
use super::{expect_success, Registry, Retry};
use crate::digest::Digest;
use crate::error::{Error, Result};

const DOCKER_CONTENT_DIGEST: &str = "docker-content-digest";
const OCI_SUBJECT: &str = "oci-subject";

/// What a manifest push stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushedManifest {
    /// The digest of the bytes pushed; the registry's `Docker-Content-Digest`, when sent, agrees.
    pub digest: Digest,
    /// The manifest's size in bytes.
    pub size: u64,
    /// The registry's `OCI-Subject`: it indexed the manifest's subject for the Referrers API,
    /// so no fallback tag is needed. None when it did not say so.
    pub subject: Option<Digest>,
}

impl Registry {
    /// PUTs `bytes` as the manifest `reference` (a tag or a digest) of `repository`, unchanged,
    /// under `media_type`. The registry's Docker-Content-Digest must be the digest of the bytes.
    pub async fn push_manifest(
        &self,
        repository: &str,
        reference: &str,
        media_type: &str,
        bytes: Bytes,
    ) -> Result<PushedManifest> {
        self.put_manifest(
            Retry::WhenIdempotent,
            repository,
            reference,
            media_type,
            bytes,
        )
        .await
    }

    /// `push_manifest` sent exactly once: a failure is the caller's to handle. The referrers
    /// tag needs this, as its freshness check would not hold for a retry sent seconds later.
    pub async fn push_manifest_once(
        &self,
        repository: &str,
        reference: &str,
        media_type: &str,
        bytes: Bytes,
    ) -> Result<PushedManifest> {
        self.put_manifest(Retry::Never, repository, reference, media_type, bytes)
            .await
    }

    async fn put_manifest(
        &self,
        retry: Retry,
        repository: &str,
        reference: &str,
        media_type: &str,
        bytes: Bytes,
    ) -> Result<PushedManifest> {
        let digest = match reference.parse::<Digest>() {
            Ok(named) => {
                let actual = named.recompute(&bytes);
                if actual != named {
                    return Err(Error::DigestMismatch {
                        what: format!("manifest {repository}@{named} to push"),
                        expected: named,
                        actual,
                    });
                }
                named
            }
            Err(_) => {
                check_tag(reference)?;
                Digest::sha256_of(&bytes)
            }
        };
        let what = format!("manifest {repository}:{reference}");
        let url = self
            .url(&format!("{repository}/manifests/{reference}"))
            .await?;
        let limit = self.limits().max_manifest_bytes;
        if bytes.len() as u64 > limit {
            return Err(Error::TooLarge {
                what,
                url,
                limit,
                unit: "bytes",
            });
        }
        let resp = self
            .send_with(retry, Method::PUT, &url, &push_scope(repository), |r| {
                r.header(CONTENT_TYPE, media_type)
                    .header(CONTENT_LENGTH, bytes.len())
                    .body(bytes.clone())
            })
            .await?;
        let resp = expect_success(resp, &what).await?;
        if let Some(value) = resp.headers().get(DOCKER_CONTENT_DIGEST) {
            let stored: Digest = value
                .to_str()
                .ok()
                .and_then(|s| s.trim().parse().ok())
                .ok_or_else(|| Error::Malformed {
                    url: url.clone(),
                    detail: "unparsable Docker-Content-Digest header".into(),
                })?;
            // The registry may name it in another algorithm; compare like with like.
            let ours = if stored.algorithm() == digest.algorithm() {
                digest.clone()
            } else {
                stored.recompute(&bytes)
            };
            if stored != ours {
                return Err(Error::DigestMismatch {
                    what: format!("{what} as stored by the registry"),
                    expected: ours,
                    actual: stored,
                });
            }
        }
        let subject = resp.headers().get(OCI_SUBJECT).and_then(|v| {
            let parsed = v.to_str().ok().and_then(|s| s.trim().parse().ok());
            if parsed.is_none() {
                // Treated as absent: the caller then maintains the fallback tag, which is safe.
                tracing::debug!(%url, "ignoring an unparsable OCI-Subject header");
            }
            parsed
        });
        Ok(PushedManifest {
            digest,
            size: bytes.len() as u64,
            subject,
        })
    }

    /// Deletes the manifest `digest` (tags pointing at it go with it on most registries).
    pub async fn delete_manifest(&self, repository: &str, digest: &Digest) -> Result<()> {
        let what = format!("manifest {repository}@{digest}");
        self.delete(repository, &format!("manifests/{digest}"), &what)
            .await
    }

    /// Deletes a tag alone. distribution does not (it answers 400, others 405): that comes back
    /// as `Error::Status` with the code, so callers can fall back to another way.
    pub async fn delete_tag(&self, repository: &str, tag: &str) -> Result<()> {
        check_tag(tag)?;
        let what = format!("tag {repository}:{tag}");
        match self.delete(repository, &format!("manifests/{tag}"), &what).await {
            Err(Error::Status {
                url,
                status: status @ (400 | 405),
                code,
                message,
            }) => Err(Error::Status {
                url,
                status,
                code,
                message: format!(
                    "the registry does not delete tags by name ({message}); delete the manifest by digest, or push another manifest under the tag"
                ),
            }),
            other => other,
        }
    }

    /// Deletes blob `digest` from `repository`.
    pub async fn delete_blob(&self, repository: &str, digest: &Digest) -> Result<()> {
        let what = format!("blob {repository}@{digest}");
        self.delete(repository, &format!("blobs/{digest}"), &what)
            .await
    }

    async fn delete(&self, repository: &str, path: &str, what: &str) -> Result<()> {
        let url = self.url(&format!("{repository}/{path}")).await?;
        let resp = self
            .send(Method::DELETE, &url, &delete_scope(repository), |r| r)
            .await?;
        if resp.status() == StatusCode::METHOD_NOT_ALLOWED {
            return Err(Error::Status {
                url,
                status: 405,
                code: Some("UNSUPPORTED".into()),
                message: format!("cannot delete {what}: the registry has deletes disabled"),
            });
        }
        expect_success(resp, what).await.map(drop)
    }
}

/// A tag as the distribution spec allows it, which also keeps it a single path segment.
fn check_tag(tag: &str) -> Result<()> {
    let mut chars = tag.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
    let rest_ok = chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
    if first_ok && rest_ok && tag.len() <= 128 {
        Ok(())
    } else {
        Err(Error::Invalid(format!(
            "invalid tag {tag:?}: up to 128 of [A-Za-z0-9_.-], not starting with . or -"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_checked() {
        for ok in ["v1", "latest", "_x", "1.0.0-rc1", &"a".repeat(128)] {
            assert!(check_tag(ok).is_ok(), "{ok}");
        }
        for bad in ["", ".x", "-x", "a/b", "../x", "a:b", &"a".repeat(129)] {
            assert!(check_tag(bad).is_err(), "{bad}");
        }
    }
}
