//! The artifact graph: everything that hangs off a reference (index children, config, layers,
//! and referrers of every manifest, recursively) as one DAG with labelled edges, loaded from a
//! registry or a layout; and the badges (signed, SBOM, attestation) of a list of tags.

mod classify;
mod load;
mod origin;
mod snapshot;
mod subjects;
mod summary;
mod walk;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use tokio::sync::mpsc::UnboundedSender;

use crate::cache::ManifestCache;
use crate::digest::Digest;
use crate::manifest::Platform;

pub use classify::{
    classify_descriptor, classify_manifest, classify_type, is_sbom_predicate, Classification,
    NodeKind,
};
pub use load::{load, load_store};
pub use summary::{summarize_tags, TagSummary};

/// How far from the root a walk goes by default: deeper than any real chain of referrers,
/// shallow enough that a hostile registry's endless chain ends quickly.
pub const MAX_DEPTH: usize = 32;
/// How many manifests and blobs a walk takes in by default.
pub const MAX_NODES: usize = 20_000;

#[derive(Debug, Clone)]
pub struct GraphOptions {
    /// How far from the root the walk goes (index -> manifest -> referrer -> … each count one).
    pub max_depth: usize,
    pub max_nodes: usize,
    /// Requests (or layout reads) in flight at once.
    pub concurrency: usize,
    /// Whether to look for referrers (API, fallback tag, subject scan, cosign tags) at all.
    pub referrers: bool,
    /// Where manifests fetched from a registry by digest are kept between runs.
    pub cache: Option<ManifestCache>,
    /// Reuse the last graph of the same registry root when the root's referrers did not change
    /// (costs about two round trips; nested referrers added since are seen on a full load).
    pub reuse_snapshot: bool,
    /// Where to send the graph as it grows, for a view that draws before the walk ends.
    pub events: Option<UnboundedSender<GraphEvent>>,
}

impl Default for GraphOptions {
    fn default() -> Self {
        GraphOptions {
            max_depth: MAX_DEPTH,
            max_nodes: MAX_NODES,
            concurrency: 8,
            referrers: true,
            cache: None,
            reuse_snapshot: false,
            events: None,
        }
    }
}

/// A change to the graph being loaded. A node is sent when added and again, whole, whenever
/// it changes (its manifest arrived, a tag or an error was found): the receiver replaces the
/// node of the same id. Edges and warnings are sent once.
// Events are a few per node and move once through a channel; boxing the node would only make
// the app's match on them clumsier.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum GraphEvent {
    Node(Node),
    Edge(Edge),
    Warning(String),
}

/// Sends an event if anyone listens; a receiver that went away does not concern the walk.
fn emit(options: &GraphOptions, event: impl FnOnce() -> GraphEvent) {
    if let Some(tx) = &options.events {
        let _ = tx.send(event());
    }
}

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
