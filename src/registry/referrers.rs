//! Referrers of a manifest: the Referrers API, else the `<alg>-<hex>` fallback tag (distribution-spec v1.1).

use std::collections::HashSet;

use reqwest::header::{ACCEPT, LINK};
use reqwest::{Method, StatusCode};
use serde::Serialize;

use super::{expect_success, next_link, read_capped, Registry};
use crate::auth::Scope;
use crate::digest::Digest;
use crate::error::{Error, Result};
use crate::manifest::media_type::OCI_INDEX;
use crate::manifest::{Descriptor, ImageIndex, Manifest};
use crate::reference::Reference;

/// How a list of referrers was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReferrersSource {
    /// `GET /v2/<name>/referrers/<digest>`.
    Api,
    /// The referrers tag schema: an index tagged `<alg>-<hex>`.
    TagSchema,
}

/// The referrers of one subject, and how they were found.
#[derive(Debug, Clone)]
pub struct Referrers {
    /// The referrers' descriptors; only those of the artifact type asked for, when one was.
    pub descriptors: Vec<Descriptor>,
    /// Whether the Referrers API or the referrers tag answered.
    pub source: ReferrersSource,
}

impl Registry {
    /// The referrers of `subject` in `repository`, optionally only those of `artifact_type`.
    /// Which method works is remembered per repository, so the fallback costs one request.
    pub async fn referrers(
        &self,
        repository: &str,
        subject: &Digest,
        artifact_type: Option<&str>,
    ) -> Result<Referrers> {
        let known = self.referrers_api_known(repository);
        if known != Some(false) {
            if let Some(descriptors) = self
                .referrers_api(repository, subject, artifact_type)
                .await?
            {
                self.remember_referrers_api(repository, true);
                return Ok(Referrers {
                    descriptors,
                    source: ReferrersSource::Api,
                });
            }
            self.remember_referrers_api(repository, false);
        }
        let mut descriptors = self.referrers_tag(repository, subject).await?;
        if let Some(t) = artifact_type {
            descriptors.retain(|d| d.artifact_type.as_deref() == Some(t));
        }
        Ok(Referrers {
            descriptors,
            source: ReferrersSource::TagSchema,
        })
    }

    fn referrers_api_known(&self, repository: &str) -> Option<bool> {
        self.referrers_api
            .lock()
            .map(|m| m.get(repository).copied())
            .unwrap_or(None)
    }

    fn remember_referrers_api(&self, repository: &str, works: bool) {
        if let Ok(mut m) = self.referrers_api.lock() {
            m.insert(repository.to_string(), works);
        }
    }

    /// `None` when the registry has no Referrers API (404 and kin), so the caller falls back.
    async fn referrers_api(
        &self,
        repository: &str,
        subject: &Digest,
        artifact_type: Option<&str>,
    ) -> Result<Option<Vec<Descriptor>>> {
        let mut path = format!("{repository}/referrers/{subject}");
        if let Some(t) = artifact_type {
            path.push_str("?artifactType=");
            path.push_str(&url::form_urlencoded::byte_serialize(t.as_bytes()).collect::<String>());
        }
        let scope = Scope::repository(repository, &["pull"]);
        let limits = self.limits();
        let mut next = Some(self.url(&path).await?);
        let mut seen = HashSet::new();
        let mut listed = HashSet::new();
        let mut descriptors = Vec::new();
        while let Some(url) = next.take() {
            if !seen.insert(url.clone()) || seen.len() > limits.max_pages {
                return Err(Error::Pagination {
                    url,
                    pages: seen.len(),
                });
            }
            let resp = self
                .send(Method::GET, &url, &scope, |r| r.header(ACCEPT, OCI_INDEX))
                .await?;
            let status = resp.status();
            if descriptors.is_empty()
                && seen.len() == 1
                && matches!(
                    status,
                    StatusCode::NOT_FOUND
                        | StatusCode::BAD_REQUEST
                        | StatusCode::METHOD_NOT_ALLOWED
                        | StatusCode::NOT_IMPLEMENTED
                )
            {
                return Ok(None);
            }
            let resp = expect_success(resp, &format!("referrers of {subject}")).await?;
            let filtered = resp
                .headers()
                .get("oci-filters-applied")
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.split(',').any(|f| f.trim() == "artifactType"));
            let link = resp
                .headers()
                .get(LINK)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string);
            let body = read_capped(resp, limits.max_manifest_bytes as usize).await?;
            let index: ImageIndex =
                serde_json::from_slice(&body).map_err(|e| Error::Malformed {
                    url: url.clone(),
                    detail: format!("referrers answer is not an image index: {e}"),
                })?;
            // As with tags: a page that adds nothing new while pointing onwards is a loop in
            // disguise, and the whole list is capped. Each referrer is listed once.
            let mut page = index.manifests;
            let before = listed.len();
            page.retain(|d| listed.insert(d.digest.clone()));
            let added = listed.len() > before;
            // A registry that ignored the filter says so by leaving out the header.
            if let (Some(t), false) = (artifact_type, filtered) {
                page.retain(|d| d.artifact_type.as_deref() == Some(t));
            }
            descriptors.extend(page);
            if listed.len() > limits.max_listed {
                return Err(Error::TooLarge {
                    what: format!("the referrers of {subject}"),
                    url: crate::transport::redact(&url),
                    limit: limits.max_listed as u64,
                    unit: "referrers",
                });
            }
            if let Some(link) = link {
                next = next_link(&url, &link).map_err(|detail| Error::Malformed {
                    url: url.clone(),
                    detail,
                })?;
                if next.is_some() && !added {
                    return Err(Error::Pagination {
                        url,
                        pages: seen.len(),
                    });
                }
            }
        }
        Ok(Some(descriptors))
    }

    /// Reads the fallback tag. A missing tag is no referrers; a tag holding something other
    /// than an index is an error (someone used the name for something else).
    async fn referrers_tag(&self, repository: &str, subject: &Digest) -> Result<Vec<Descriptor>> {
        let reference = Reference {
            registry: self.name().to_string(),
            repository: repository.to_string(),
            tag: Some(subject.fallback_tag()),
            digest: None,
        };
        let fetched = match self.fetch_manifest(&reference).await {
            Ok(f) => f,
            Err(e) if e.is_not_found() => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        match fetched.parse()? {
            Manifest::Index(index) => Ok(index.manifests),
            Manifest::Image(_) => Err(Error::Malformed {
                url: reference.to_string(),
                detail: format!(
                    "the referrers tag {} holds an image manifest ({}), not an index",
                    subject.fallback_tag(),
                    fetched.media_type
                ),
            }),
        }
    }
}
