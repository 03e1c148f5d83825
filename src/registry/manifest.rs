//! Fetching manifests: the full Accept list, raw bytes kept, digests and size verified.

use bytes::Bytes;
use reqwest::header::{ACCEPT, CONTENT_TYPE};
use reqwest::Method;

use super::{expect_success, read_capped, Registry};
use crate::auth::Scope;
use crate::digest::Digest;
use crate::error::{Error, Result};
use crate::manifest::media_type::MANIFEST_ACCEPT;
use crate::manifest::FetchedManifest;
use crate::reference::Reference;

const DOCKER_CONTENT_DIGEST: &str = "docker-content-digest";

impl Registry {
    /// GETs the manifest `reference` points at. A digest in the reference is checked against the
    /// bytes; for a tag, the registry's Docker-Content-Digest is checked when it sends one.
    pub async fn fetch_manifest(&self, reference: &Reference) -> Result<FetchedManifest> {
        let selector = reference.manifest_selector();
        let url = self
            .url(&format!("{}/manifests/{selector}", reference.repository))
            .await?;
        let scope = Scope::repository(&reference.repository, &["pull"]);
        let resp = self
            .send(Method::GET, &url, &scope, |r| {
                r.header(ACCEPT, MANIFEST_ACCEPT)
            })
            .await?;
        let resp = expect_success(resp, &format!("manifest {reference}")).await?;
        let served_type = resp
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|s| s.split(';').next().unwrap_or(s).trim().to_string());
        let header_digest = resp
            .headers()
            .get(DOCKER_CONTENT_DIGEST)
            .and_then(|v| v.to_str().ok())
            .map(|s| s.trim().to_string());
        let limit = self.limits().max_manifest_bytes as usize;
        let bytes = Bytes::from(read_capped(resp, limit).await.map_err(|e| match e {
            Error::TooLarge {
                url, limit, unit, ..
            } => Error::TooLarge {
                what: format!("manifest {reference}"),
                url,
                limit,
                unit,
            },
            other => other,
        })?);
        let what = format!("manifest {reference}");
        if let Some(expected) = &reference.digest {
            return FetchedManifest::verified(bytes, expected, served_type.as_deref(), &what);
        }
        match header_digest {
            Some(h) => {
                let expected: Digest = h.parse().map_err(|e| Error::Malformed {
                    url: url.clone(),
                    detail: format!("Docker-Content-Digest header: {e}"),
                })?;
                FetchedManifest::verified(bytes, &expected, served_type.as_deref(), &what)
            }
            None => {
                let digest = Digest::sha256_of(&bytes);
                Ok(FetchedManifest::from_parts(
                    bytes,
                    digest,
                    served_type.as_deref(),
                ))
            }
        }
    }

    /// HEADs a manifest to learn its digest, media type and size without its body.
    pub async fn resolve(&self, reference: &Reference) -> Result<(Digest, String, u64)> {
        let selector = reference.manifest_selector();
        let url = self
            .url(&format!("{}/manifests/{selector}", reference.repository))
            .await?;
        let scope = Scope::repository(&reference.repository, &["pull"]);
        let resp = self
            .send(Method::HEAD, &url, &scope, |r| {
                r.header(ACCEPT, MANIFEST_ACCEPT)
            })
            .await?;
        let resp = expect_success(resp, &format!("manifest {reference}")).await?;
        let media_type = resp
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        // reqwest's content_length() is the body it will read: none for a HEAD.
        let size = resp
            .headers()
            .get(reqwest::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok()?.parse().ok())
            .unwrap_or(0);
        let digest = match (&reference.digest, resp.headers().get(DOCKER_CONTENT_DIGEST)) {
            (Some(d), _) => d.clone(),
            (None, Some(h)) => h
                .to_str()
                .ok()
                .and_then(|s| s.trim().parse().ok())
                .ok_or_else(|| Error::Malformed {
                    url: url.clone(),
                    detail: "unparsable Docker-Content-Digest header".into(),
                })?,
            // Without the header only the body tells; fetch it (and verify nothing more).
            (None, None) => {
                let fetched = self.fetch_manifest(reference).await?;
                let size = fetched.bytes.len() as u64;
                return Ok((fetched.digest, fetched.media_type, size));
            }
        };
        Ok((digest, media_type, size))
    }
}
