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

/// Media types of the manifests, configs and layers Stowage reads and writes, and tests on them.
pub mod media_type {
    /// OCI image manifest (image-spec).
    pub const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
    /// OCI image index (image-spec).
    pub const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
    /// OCI image config (image-spec).
    pub const OCI_CONFIG: &str = "application/vnd.oci.image.config.v1+json";
    /// The empty JSON object `{}`, config of artifacts that have none (image-spec v1.1).
    pub const OCI_EMPTY: &str = "application/vnd.oci.empty.v1+json";
    /// Docker image manifest (Docker's Image Manifest V2, Schema 2).
    pub const DOCKER_MANIFEST: &str = "application/vnd.docker.distribution.manifest.v2+json";
    /// Docker manifest list, Docker's multi-platform index (Image Manifest V2, Schema 2).
    pub const DOCKER_MANIFEST_LIST: &str =
        "application/vnd.docker.distribution.manifest.list.v2+json";
    /// Docker image config (Docker's Image Manifest V2, Schema 2).
    pub const DOCKER_CONFIG: &str = "application/vnd.docker.container.image.v1+json";
    /// OCI layer: a gzip-compressed tar of filesystem changes (image-spec).
    pub const OCI_LAYER_GZIP: &str = "application/vnd.oci.image.layer.v1.tar+gzip";
    /// Docker layer: a gzip-compressed tar of filesystem changes (Image Manifest V2, Schema 2).
    pub const DOCKER_LAYER: &str = "application/vnd.docker.image.rootfs.diff.tar.gzip";

    /// Every manifest type Stowage reads, for the `Accept` header. Registries such as
    /// distribution 2.8 answer 404 for an OCI manifest unless its type is listed here.
    pub const MANIFEST_ACCEPT: &str = "application/vnd.oci.image.manifest.v1+json, \
        application/vnd.oci.image.index.v1+json, \
        application/vnd.docker.distribution.manifest.v2+json, \
        application/vnd.docker.distribution.manifest.list.v2+json";

    /// Whether `media_type` is an index: an OCI image index or a Docker manifest list.
    pub fn is_index(media_type: &str) -> bool {
        media_type == OCI_INDEX || media_type == DOCKER_MANIFEST_LIST
    }

    /// The config of a runnable image (not an artifact's).
    pub fn is_image_config(media_type: &str) -> bool {
        media_type == OCI_CONFIG || media_type == DOCKER_CONFIG
    }

    /// Whether `media_type` is any manifest Stowage reads, indexes included.
    pub fn is_manifest(media_type: &str) -> bool {
        media_type == OCI_MANIFEST || media_type == DOCKER_MANIFEST || is_index(media_type)
    }
}

/// The digest and size of the empty JSON object `{}`, used as config by artifacts without one.
pub const EMPTY_JSON_DIGEST: &str =
    "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";

/// A pointer to content by media type, digest and size (image-spec): how a manifest names its
/// config, layers and subject, an index its manifests, and a referrers list its referrers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Descriptor {
    /// The media type of the content it points at.
    pub media_type: String,
    /// The content's digest; the bytes fetched must hash to it.
    pub digest: Digest,
    /// The content's size, in bytes; content of another size is refused.
    pub size: u64,
    /// The artifact type of the manifest it points at, when that is an artifact (a referrers
    /// list gives it so clients can tell signatures from SBOMs without fetching them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artifact_type: Option<String>,
    /// Free-form metadata (`org.opencontainers.image.ref.name` names a tag in a layout).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
    /// The platform of the image it points at, in an index.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<Platform>,
    /// Other places the content lives; set on foreign layers, which a layout need not hold.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub urls: Vec<String>,
}

impl Descriptor {
    /// A descriptor with no artifact type, annotations, platform or URLs.
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

/// The platform an image runs on, as an index entry gives it; shown as `os/arch[/variant]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Platform {
    /// The CPU architecture, in Go's `GOARCH` terms (`amd64`, `arm64`).
    pub architecture: String,
    /// The operating system, in Go's `GOOS` terms (`linux`, `windows`).
    pub os: String,
    /// The OS version the image needs; Windows images set it (`10.0.17763.1879`).
    #[serde(
        rename = "os.version",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub os_version: Option<String>,
    /// The CPU variant (`v7` for `arm`, `v8` for `arm64`).
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

/// An image manifest, OCI or Docker schema 2: a config and layers, of an image or an artifact,
/// and a subject when it is a referrer.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageManifest {
    /// The `schemaVersion` field: 2 for OCI and Docker schema 2 manifests (not checked).
    pub schema_version: u32,
    /// The `mediaType` field, which the OCI spec lets a manifest leave out.
    #[serde(default)]
    pub media_type: Option<String>,
    /// What kind of artifact this is (a signature, an SBOM...), when it is one.
    #[serde(default)]
    pub artifact_type: Option<String>,
    /// The config blob: an image's configuration, or an artifact's (often the empty `{}`).
    pub config: Descriptor,
    /// The layers: an image's filesystem changes in order, or an artifact's content.
    #[serde(default)]
    pub layers: Vec<Descriptor>,
    /// The manifest this one refers to, which makes it a referrer (signature, SBOM, attestation).
    #[serde(default)]
    pub subject: Option<Descriptor>,
    /// Free-form metadata (`org.opencontainers.image.created`...).
    #[serde(default)]
    pub annotations: BTreeMap<String, String>,
}

/// An image index (OCI) or manifest list (Docker): a list of manifests, typically one image per
/// platform; also the shape of a Referrers API answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageIndex {
    /// The `schemaVersion` field: 2 for OCI indexes and Docker manifest lists (not checked).
    pub schema_version: u32,
    /// The `mediaType` field, which the OCI spec lets an index leave out.
    #[serde(default)]
    pub media_type: Option<String>,
    /// What kind of artifact this index is, when it is one.
    #[serde(default)]
    pub artifact_type: Option<String>,
    /// The manifests it lists (per-platform images, or referrers in a referrers answer).
    #[serde(default)]
    pub manifests: Vec<Descriptor>,
    /// The manifest this index refers to, which makes it a referrer.
    #[serde(default)]
    pub subject: Option<Descriptor>,
    /// Free-form metadata.
    #[serde(default)]
    pub annotations: BTreeMap<String, String>,
}

/// A parsed manifest of either shape.
// Manifests are parsed one at a time and dropped soon after; boxing would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum Manifest {
    /// An image manifest (OCI or Docker schema 2).
    Image(ImageManifest),
    /// An image index or Docker manifest list.
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

    /// The manifest this one refers to, if it is a referrer.
    pub fn subject(&self) -> Option<&Descriptor> {
        match self {
            Manifest::Image(m) => m.subject.as_ref(),
            Manifest::Index(i) => i.subject.as_ref(),
        }
    }

    /// The manifest's own annotations (not its descriptors').
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
    /// The manifest's digest, over the bytes exactly as served.
    pub digest: Digest,
    /// The `mediaType` in the bytes, else the type the registry served; empty if neither says.
    pub media_type: String,
    /// The bytes exactly as served, never re-serialised, so the digest stays true.
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

    /// The bytes parsed as a [`Manifest`]; bytes that are not one are [`Error::Malformed`].
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
