//! What the sidebar and the lists show: sources, repositories, tags and their badges, content.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use stowage::auth::Secret;
use stowage::graph;
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum SourceKind {
    Local,
    Registry,
    /// An OCI layout folder or archive opened read-only (id `layout:PATH`).
    Layout,
}

/// Why a source is in the sidebar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum SourceOrigin {
    Local,
    /// Named in Docker's config.json or podman's auth.json.
    DockerConfig,
    /// Added by the user in Stowage.
    Added,
    /// Opened by a reference typed in this session; kept only if the user asks.
    Opened,
}

/// A place artifacts live: the Local store (id `local`) or a registry (id = its host).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Source {
    pub id: String,
    pub kind: SourceKind,
    pub name: String,
    pub origin: SourceOrigin,
    pub signed_in: bool,
    pub username: Option<String>,
    /// Where the credential was found ("keyring", "docker config.json", a helper's name).
    pub credential_from: Option<String>,
    pub insecure: bool,
    pub custom_ca: bool,
}

/// What the reference box opened: the source (a registry not in the sidebar comes as `opened`),
/// the repository and the tag or digest, as the core parsed them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct OpenedReference {
    pub source: Source,
    pub repository: String,
    pub reference: String,
    /// The full reference, normalised: `docker.io/library/alpine:latest`.
    pub name: String,
}

/// The add-registry dialog. The secret travels to Rust once and never back, and prints as `***`.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AddRegistry {
    pub host: String,
    pub username: Option<String>,
    #[ts(type = "string | null")]
    pub secret: Option<Secret>,
    pub insecure: bool,
    /// As `pick_ca_file` returned it: a path the user did not choose there is refused.
    pub ca_file: Option<String>,
}

impl AddRegistry {
    /// The CA file to trust, if any (blank is none).
    pub fn ca_file(&self) -> Option<PathBuf> {
        self.ca_file
            .as_deref()
            .filter(|p| !p.trim().is_empty())
            .map(PathBuf::from)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum CatalogState {
    Listed,
    /// The registry refused the catalog (most public registries do).
    Denied,
    /// The registry has no catalog endpoint.
    Unsupported,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Repositories {
    pub repositories: Vec<String>,
    /// Repositories opened lately on this source, most recent first.
    pub recent: Vec<String>,
    pub catalog: CatalogState,
    /// Why the catalog is not listed, in the registry's words.
    pub message: Option<String>,
}

/// Badges of one tag: what its direct referrers and cosign tags say about it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TagSummary {
    pub tag: String,
    pub digest: Option<String>,
    pub signed: bool,
    pub sbom: bool,
    pub attestation: bool,
    pub error: Option<String>,
}

impl From<graph::TagSummary> for TagSummary {
    fn from(s: graph::TagSummary) -> Self {
        TagSummary {
            tag: s.tag,
            digest: s.digest.map(|d| d.to_string()),
            signed: s.signed,
            sbom: s.sbom,
            attestation: s.attestation,
            error: s.error,
        }
    }
}

/// A manifest or blob as served, for the details panel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Content {
    pub media_type: String,
    #[ts(type = "number")]
    pub size: u64,
    /// The exact text; `None` when the content is not UTF-8.
    pub text: Option<String>,
    /// Only the first bytes are in `text`.
    pub truncated: bool,
}
