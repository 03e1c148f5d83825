//! The artifact graph: everything that hangs off a reference (index children, config, layers,
//! and referrers of every manifest, recursively) as one DAG with labelled edges, loaded from a
//! registry or a layout; and the badges (signed, SBOM, attestation) of a list of tags.

mod classify;
mod load;
mod snapshot;
mod source;
mod subjects;
mod summary;
mod walk;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::digest::Digest;
use crate::manifest::Platform;

pub use classify::{
    classify_descriptor, classify_manifest, classify_type, is_sbom_predicate, Classification,
    NodeKind,
};
pub use load::{load, load_store, GraphEvent, GraphOptions, MAX_DEPTH, MAX_NODES};
pub use summary::{summarize_tags, TagSummary};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Node {
    pub id: Digest,
    pub kind: NodeKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    pub media_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artifact_type: Option<String>,
    pub size: u64,
    #[serde(default)]
    pub annotations: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<Platform>,
    #[serde(default)]
    pub tags: Vec<String>,
    /// Why this node could not be read, when it could not; the rest of the graph still loads.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EdgeKind {
    /// Index -> manifest.
    Child,
    Config,
    Layer,
    /// Subject -> referrer.
    Referrer,
}

/// How an edge was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Via {
    /// Listed in an index's `manifests`.
    Index,
    /// Named by a manifest's `config` or `layers`.
    Manifest,
    /// The registry's Referrers API.
    Api,
    /// The referrers tag schema (`<alg>-<hex>` fallback tag).
    TagSchema,
    /// cosign's `sha256-<hex>.sig|.att|.sbom` tags.
    CosignTag,
    /// A buildx attestation manifest inside an index (`vnd.docker.reference.digest`).
    Buildx,
    /// Found by scanning a store for manifests whose subject names it (an OCI layout, which
    /// has no Referrers API and needs no fallback tag).
    Subject,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Edge {
    pub from: Digest,
    pub to: Digest,
    pub kind: EdgeKind,
    pub via: Via,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Graph {
    pub root: Digest,
    /// True when a depth or node cap stopped the walk before it ended.
    pub truncated: bool,
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
    /// Problems that did not stop the walk (an unreadable referrers tag, a failed request).
    #[serde(default)]
    pub warnings: Vec<String>,
}

impl Graph {
    pub fn node(&self, id: &Digest) -> Option<&Node> {
        self.nodes.iter().find(|n| &n.id == id)
    }

    /// Edges leaving `id`, in the order they were found.
    pub fn children<'a>(&'a self, id: &'a Digest) -> impl Iterator<Item = &'a Edge> + 'a {
        self.edges.iter().filter(move |e| &e.from == id)
    }
}
