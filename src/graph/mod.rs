//! The artifact graph: everything that hangs off a reference (index children, config, layers,
//! and referrers of every manifest, recursively) as one DAG with labelled edges, loaded from a
//! registry or a layout; and the badges (signed, SBOM, attestation) of a list of tags.

mod classify;
mod load;
mod origin;
mod snapshot;
mod subjects;
mod summary;
pub mod tree;
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

/// How a graph load walks: its caps, how many requests at once, whether it looks for
/// referrers, the manifest cache, and where it reports the graph as it grows.
#[derive(Debug, Clone)]
pub struct GraphOptions {
    /// How far from the root the walk goes (index -> manifest -> referrer -> … each count one).
    pub max_depth: usize,
    /// How many nodes (manifests and blobs) the walk takes in; past that it stops, and the graph
    /// is marked truncated.
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
    /// A node added, or one changed and sent whole again.
    Node(Node),
    /// An edge found.
    Edge(Edge),
    /// A problem that did not stop the walk, as [`Graph::warnings`] keeps it.
    Warning(String),
}

/// Sends an event if anyone listens; a receiver that went away does not concern the walk.
fn emit(options: &GraphOptions, event: impl FnOnce() -> GraphEvent) {
    if let Some(tx) = &options.events {
        let _ = tx.send(event());
    }
}

/// One manifest or blob of the graph, known by its digest: what its descriptor tells and, for
/// a manifest once it is read, what the manifest adds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Node {
    /// The digest of the manifest or blob, which edges name it by.
    pub id: Digest,
    /// What it is, for people (see [`classify_manifest`]).
    pub kind: NodeKind,
    /// The format within the kind, where known (`cosign`, `spdx`, `in-toto`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    /// Its media type: its descriptor's, then for a manifest the one it was served with.
    pub media_type: String,
    /// The artifactType of its descriptor, or of its manifest once that is read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artifact_type: Option<String>,
    /// Its size in bytes, as its descriptor states it (for the root, the bytes read).
    pub size: u64,
    /// Its descriptor's annotations, with its manifest's added once that is read.
    #[serde(default)]
    pub annotations: BTreeMap<String, String>,
    /// The platform its index entry names, for a platform manifest of an index.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<Platform>,
    /// The tags that point at it: the one the root was asked for, the store's, and cosign's.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Why this node could not be read, when it could not; the rest of the graph still loads.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// What an edge means: how the node it reaches belongs to the one it leaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum EdgeKind {
    /// Index -> manifest.
    Child,
    /// Manifest -> its config blob.
    Config,
    /// Manifest -> one of its layers.
    Layer,
    /// Subject -> referrer.
    Referrer,
}

/// How an edge was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
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

/// A link between two nodes, by digest: what it means and how it was found.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Edge {
    /// The node it leaves: the index, manifest or subject.
    pub from: Digest,
    /// The node it reaches: the child manifest, blob or referrer.
    pub to: Digest,
    /// What the link means.
    pub kind: EdgeKind,
    /// How the link was found.
    pub via: Via,
}

/// Everything that hangs off one manifest or index, as [`load`] or [`load_store`] found it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Graph {
    /// The digest of the manifest or index the walk started from.
    pub root: Digest,
    /// True when a depth or node cap stopped the walk before it ended.
    pub truncated: bool,
    /// Every node, each once, in the order the walk found them.
    pub nodes: Vec<Node>,
    /// Every edge, each once, in the order the walk found them.
    pub edges: Vec<Edge>,
    /// Problems that did not stop the walk (an unreadable referrers tag, a failed request).
    #[serde(default)]
    pub warnings: Vec<String>,
}

impl Graph {
    /// The node of the digest `id`, if the graph holds it.
    pub fn node(&self, id: &Digest) -> Option<&Node> {
        self.nodes.iter().find(|n| &n.id == id)
    }

    /// Edges leaving `id`, in the order they were found.
    pub fn children<'a>(&'a self, id: &'a Digest) -> impl Iterator<Item = &'a Edge> + 'a {
        self.edges.iter().filter(move |e| &e.from == id)
    }
}
