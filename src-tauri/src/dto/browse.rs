//! What the sidebar and the lists show: sources, repositories, tags and their badges, content.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use stowage::auth::Secret;
use stowage::graph;
use ts_rs::TS;

/// What a source is, which decides how it is listed, named and written to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum SourceKind {
    /// Stowage's own store on disk (id `local`): an OCI layout folder per repository.
    Local,
    /// A remote registry, named by its host (`ghcr.io`, `localhost:5000`).
    Registry,
    /// An OCI layout folder or archive opened read-only (id `layout:PATH`).
    Layout,
}

/// Why a source is in the sidebar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum SourceOrigin {
    /// The Local store, always there.
    Local,
    /// Named in Docker's config.json or podman's auth.json.
    DockerConfig,
    /// Added by the user in Stowage.
    Added,
    /// Opened by a reference typed in this session; kept only if the user asks.
    Opened,
}

/// A place artifacts live, as the sidebar lists it: the Local store (id `local`), a registry (id =
/// its host) or a layout folder or archive opened read-only (id `layout:PATH`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Source {
    /// What commands name the source by: `local`, a registry's host, or `layout:PATH`.
    pub id: String,
    /// Whether it is the Local store, a registry or an opened layout.
    pub kind: SourceKind,
    /// The sidebar's label: "Local store", the registry's host, or the layout's file name.
    pub name: String,
    /// Why the source is in the sidebar.
    pub origin: SourceOrigin,
    /// Whether a credential for the registry was found; always true for the Local store and
    /// false for a layout.
    pub signed_in: bool,
    /// The account signed in with, or last used; `None` when anonymous or not a registry.
    pub username: Option<String>,
    /// Where the credential was found ("keyring", "docker config.json", a helper's name).
    pub credential_from: Option<String>,
    /// The registry is spoken to over plain HTTP, without TLS.
    pub insecure: bool,
    /// The registry's TLS is checked against a CA file the user added, not only the system's.
    pub custom_ca: bool,
}

/// What the reference box opened: the source (a registry not in the sidebar comes as `opened`),
/// the repository and the tag or digest, as the core parsed them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct OpenedReference {
    /// The source holding the repository, as the sidebar describes it.
    pub source: Source,
    /// The repository within the source, as the core names it (`library/alpine` on Docker Hub).
    pub repository: String,
    /// The digest when one was typed, else the tag, else `latest`.
    pub reference: String,
    /// The full reference, normalised: `docker.io/library/alpine:latest`.
    pub name: String,
}

/// The add-registry dialog. The secret travels to Rust once and never back, and prints as `***`.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AddRegistry {
    /// The registry as typed: `ghcr.io`, `docker.io`, `localhost:5000`.
    pub host: String,
    /// The account to sign in as; `None` or blank adds the registry without signing in.
    pub username: Option<String>,
    /// The password or access token; it comes with a username, or not at all.
    #[ts(type = "string | null")]
    pub secret: Option<Secret>,
    /// Speak plain HTTP to the registry instead of TLS.
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

/// Whether a source's repositories could be listed, and if not why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum CatalogState {
    /// The repositories are listed in full.
    Listed,
    /// The registry refused the catalog (most public registries do).
    Denied,
    /// The registry has no catalog endpoint.
    Unsupported,
}

/// A source's repository list: the catalog when it can be read, and those opened lately.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Repositories {
    /// Every repository the source lists; empty when the catalog is denied or unsupported.
    pub repositories: Vec<String>,
    /// Repositories opened lately on this source, most recent first.
    pub recent: Vec<String>,
    /// Whether `repositories` is the source's full list, or why it is empty.
    pub catalog: CatalogState,
    /// Why the catalog is not listed, in the registry's words.
    pub message: Option<String>,
}

/// Badges of one tag: what its direct referrers and cosign tags say about it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TagSummary {
    /// The tag summarised, as the UI asked for it.
    pub tag: String,
    /// The digest the tag points at, `sha256:…`; `None` when it could not be resolved.
    pub digest: Option<String>,
    /// A signature refers to the manifest, or to one of an index's platform manifests.
    pub signed: bool,
    /// An SBOM describes it: a referrer, a cosign tag or a buildx attestation says so.
    pub sbom: bool,
    /// An attestation (a provenance, say) refers to it, buildx's included.
    pub attestation: bool,
    /// Why the tag or its referrers could not be read; the badges found before stay.
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
    /// The media type the UI asked to read it as, from its descriptor.
    pub media_type: String,
    /// The whole content's size in bytes, which can be more than `text` holds.
    #[ts(type = "number")]
    pub size: u64,
    /// The exact text; `None` when the content is not UTF-8.
    pub text: Option<String>,
    /// Only the first bytes are in `text`.
    pub truncated: bool,
}
