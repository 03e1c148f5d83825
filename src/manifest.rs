//! OCI and Docker manifest types: media types, descriptors, image manifests and indexes; and a
//! manifest as fetched (its bytes, verified against its digest), from a registry or a layout.
//!
//! These types are for reading. The bytes a registry served stay the source of truth: digests are
//! computed over them and they are never re-serialised, because serde would drop unknown fields.

use std::collections::BTreeMap;

use bytes::Bytes;
use serde::{Deserialize, Serialize};

use crate::digest::Digest;
use crate::error::{Error, Result};

pub mod media_type {
    pub const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
    pub const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
    pub const OCI_CONFIG: &str = "application/vnd.oci.image.config.v1+json";
    pub const OCI_EMPTY: &str = "application/vnd.oci.empty.v1+json";
    pub const DOCKER_MANIFEST: &str = "application/vnd.docker.distribution.manifest.v2+json";
    pub const DOCKER_MANIFEST_LIST: &str =
        "application/vnd.docker.distribution.manifest.list.v2+json";
    pub const DOCKER_CONFIG: &str = "application/vnd.docker.container.image.v1+json";
    pub const OCI_LAYER_GZIP: &str = "application/vnd.oci.image.layer.v1.tar+gzip";
    pub const DOCKER_LAYER: &str = "application/vnd.docker.image.rootfs.diff.tar.gzip";

    /// Every manifest type Stowage reads, for the `Accept` header. Registries such as
    /// distribution 2.8 answer 404 for an OCI manifest unless its type is listed here.
    pub const MANIFEST_ACCEPT: &str = "application/vnd.oci.image.manifest.v1+json, \
        application/vnd.oci.image.index.v1+json, \
        application/vnd.docker.distribution.manifest.v2+json, \
        application/vnd.docker.distribution.manifest.list.v2+json";

    pub fn is_index(media_type: &str) -> bool {
        media_type == OCI_INDEX || media_type == DOCKER_MANIFEST_LIST
    }

    /// The config of a runnable image (not an artifact's).
    pub fn is_image_config(media_type: &str) -> bool {
        media_type == OCI_CONFIG || media_type == DOCKER_CONFIG
    }

    pub fn is_manifest(media_type: &str) -> bool {
        media_type == OCI_MANIFEST || media_type == DOCKER_MANIFEST || is_index(media_type)
    }
}

/// The digest and size of the empty JSON object `{}`, used as config by artifacts without one.
pub const EMPTY_JSON_DIGEST: &str =
    "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Descriptor {
    pub media_type: String,
    pub digest: Digest,
    pub size: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artifact_type: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<Platform>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub urls: Vec<String>,
}

impl Descriptor {
    pub fn new(media_type: &str, digest: Digest, size: u64) -> Descriptor {
        Descriptor {
            media_type: media_type.to_string(),
            digest,
            size,
            artifact_type: None,
            annotations: BTreeMap::new(),
            platform: None,
            urls: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Platform {
    pub architecture: String,
    pub os: String,
    #[serde(
        rename = "os.version",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub os_version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
}

impl std::fmt::Display for Platform {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.os, self.architecture)?;
        if let Some(v) = &self.variant {
            write!(f, "/{v}")?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageManifest {
    pub schema_version: u32,
    #[serde(default)]
    pub media_type: Option<String>,
    #[serde(default)]
    pub artifact_type: Option<String>,
    pub config: Descriptor,
    #[serde(default)]
    pub layers: Vec<Descriptor>,
    #[serde(default)]
    pub subject: Option<Descriptor>,
    #[serde(default)]
    pub annotations: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageIndex {
    pub schema_version: u32,
    #[serde(default)]
    pub media_type: Option<String>,
    #[serde(default)]
    pub artifact_type: Option<String>,
    #[serde(default)]
    pub manifests: Vec<Descriptor>,
    #[serde(default)]
    pub subject: Option<Descriptor>,
    #[serde(default)]
    pub annotations: BTreeMap<String, String>,
}

/// A parsed manifest of either shape.
// Manifests are parsed one at a time and dropped soon after; boxing would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum Manifest {
    Image(ImageManifest),
    Index(ImageIndex),
}

impl Manifest {
    /// Parses `bytes`, choosing the shape from the `mediaType` field, else from the type the
    /// registry sent, else from the fields present (`manifests` vs `config`).
    pub fn parse(bytes: &[u8], served_type: Option<&str>) -> Result<Manifest, serde_json::Error> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Probe {
            media_type: Option<String>,
            manifests: Option<serde::de::IgnoredAny>,
        }
        let probe: Probe = serde_json::from_slice(bytes)?;
        let kind = probe.media_type.as_deref().or(served_type);
        let is_index = match kind {
            Some(t) if media_type::is_index(t) => true,
            Some(t) if media_type::is_manifest(t) => false,
            _ => probe.manifests.is_some(),
        };
        Ok(if is_index {
            Manifest::Index(serde_json::from_slice(bytes)?)
        } else {
            Manifest::Image(serde_json::from_slice(bytes)?)
        })
    }

    pub fn subject(&self) -> Option<&Descriptor> {
        match self {
            Manifest::Image(m) => m.subject.as_ref(),
            Manifest::Index(i) => i.subject.as_ref(),
        }
    }

    pub fn annotations(&self) -> &BTreeMap<String, String> {
        match self {
            Manifest::Image(m) => &m.annotations,
            Manifest::Index(i) => &i.annotations,
        }
    }

    /// The artifact type as the referrers spec defines it: `artifactType`, else the config's
    /// media type (for image manifests).
    pub fn artifact_type(&self) -> Option<&str> {
        match self {
            Manifest::Image(m) => m
                .artifact_type
                .as_deref()
                .or(Some(m.config.media_type.as_str())),
            Manifest::Index(i) => i.artifact_type.as_deref(),
        }
    }
}

/// A manifest exactly as served, with its verified digest.
#[derive(Debug, Clone)]
pub struct FetchedManifest {
    pub digest: Digest,
    pub media_type: String,
    pub bytes: Bytes,
}

impl FetchedManifest {
    /// Checks `bytes` against the digest they are known by and wraps them.
    pub fn verified(
        bytes: Bytes,
        expected: &Digest,
        served_type: Option<&str>,
        what: &str,
    ) -> Result<Self> {
        let actual = expected.recompute(&bytes);
        if &actual != expected {
            return Err(Error::DigestMismatch {
                what: what.to_string(),
                expected: expected.clone(),
                actual,
            });
        }
        Ok(FetchedManifest::from_parts(
            bytes,
            expected.clone(),
            served_type,
        ))
    }

    pub(crate) fn from_parts(bytes: Bytes, digest: Digest, served_type: Option<&str>) -> Self {
        let media_type = serde_json::from_slice::<serde_json::Value>(&bytes)
            .ok()
            .and_then(|v| v.get("mediaType")?.as_str().map(str::to_string))
            .or_else(|| served_type.map(str::to_string))
            .unwrap_or_default();
        FetchedManifest {
            digest,
            media_type,
            bytes,
        }
    }

    pub fn parse(&self) -> Result<Manifest> {
        Manifest::parse(&self.bytes, Some(&self.media_type)).map_err(|e| Error::Malformed {
            url: self.digest.to_string(),
            detail: format!("not a valid manifest: {e}"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_index_from_media_type_or_fields() {
        let index = br#"{"schemaVersion":2,"manifests":[]}"#;
        assert!(matches!(
            Manifest::parse(index, None).unwrap(),
            Manifest::Index(_)
        ));
        let image = format!(
            r#"{{"schemaVersion":2,"mediaType":"{}","config":{{"mediaType":"{}","digest":"{}","size":2}},"layers":[]}}"#,
            media_type::OCI_MANIFEST,
            media_type::OCI_EMPTY,
            EMPTY_JSON_DIGEST
        );
        let m = Manifest::parse(image.as_bytes(), None).unwrap();
        assert!(matches!(m, Manifest::Image(_)));
        assert_eq!(m.artifact_type(), Some(media_type::OCI_EMPTY));
    }

    #[test]
    fn bad_digest_in_descriptor_is_an_error() {
        let bad =
            br#"{"schemaVersion":2,"manifests":[{"mediaType":"x","digest":"sha256:zz","size":1}]}"#;
        assert!(Manifest::parse(bad, None).is_err());
    }
}
