//! The artifact graph as the UI draws it: nodes, edges, and the events of a load.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use stowage::graph;
// The graph's kinds are the core's own, exported to TypeScript from there.
pub use stowage::graph::{EdgeKind, NodeKind, Via};
use ts_rs::TS;

/// One manifest or blob of the graph, known by its digest: what its descriptor tells and, for
/// a manifest once it is read, what the manifest adds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct GraphNode {
    /// The node's digest.
    pub id: String,
    /// What it is, for people: the label and badge the graph gives it.
    pub kind: NodeKind,
    /// The format within the kind, where known (`cosign`, `notation`, `spdx`, `in-toto`, …).
    pub format: Option<String>,
    /// Its media type: its descriptor's, then for a manifest the one it was served with.
    pub media_type: String,
    /// The artifactType of its descriptor, or of its manifest once read; `None` when neither
    /// has one.
    pub artifact_type: Option<String>,
    /// Bytes; a JS number is exact up to 8 PiB.
    #[ts(type = "number")]
    pub size: u64,
    /// Its descriptor's annotations, with its manifest's added once that is read.
    pub annotations: BTreeMap<String, String>,
    /// `os/architecture[/variant]`.
    pub platform: Option<String>,
    /// The tags that point at it: the one the root was opened by, the store's, and cosign's.
    pub tags: Vec<String>,
    /// Why the node could not be read, when it could not; the rest of the graph still loads.
    pub error: Option<String>,
}

impl From<graph::Node> for GraphNode {
    fn from(n: graph::Node) -> Self {
        GraphNode {
            id: n.id.to_string(),
            kind: n.kind,
            format: n.format,
            media_type: n.media_type,
            artifact_type: n.artifact_type,
            size: n.size,
            annotations: n.annotations,
            platform: n.platform.map(|p| p.to_string()),
            tags: n.tags,
            error: n.error,
        }
    }
}

/// A link between two nodes, by digest: what it means and how it was found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct GraphEdge {
    /// The digest of the node it leaves: the index, manifest or subject.
    pub from: String,
    /// The digest of the node it reaches: the child manifest, blob or referrer.
    pub to: String,
    /// What the link means.
    pub kind: EdgeKind,
    /// How the link was found.
    pub via: Via,
}

impl From<graph::Edge> for GraphEdge {
    fn from(e: graph::Edge) -> Self {
        GraphEdge {
            from: e.from.to_string(),
            to: e.to.to_string(),
            kind: e.kind,
            via: e.via,
        }
    }
}

/// The whole graph `load_graph` answers with once the walk ends: everything that hangs off the
/// manifest or index opened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct GraphData {
    /// The digest of the manifest or index the walk started from.
    pub root: String,
    /// How the CLI names the repository: `host/repo` or `oci:/path/to/layout`.
    pub base: String,
    /// What the user opened, e.g. `localhost:5000/app:v1`.
    pub reference: String,
    /// A depth or node cap stopped the walk before it ended: the graph is not complete.
    pub truncated: bool,
    /// Every node, each once, in the order the walk found them.
    pub nodes: Vec<GraphNode>,
    /// Every edge, each once, in the order the walk found them.
    pub edges: Vec<GraphEdge>,
    /// Problems that did not stop the walk (an unreadable referrers tag, a failed request).
    pub warnings: Vec<String>,
}

/// Sent through the `load_graph` channel while the walk goes on, in batches.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum GraphEvent {
    /// What the walk found since the last batch.
    Nodes {
        /// Nodes added or changed, each sent whole: one already drawn is replaced.
        nodes: Vec<GraphNode>,
        /// Edges found, each sent once.
        edges: Vec<GraphEdge>,
    },
    /// A problem that did not stop the walk.
    Warning {
        /// The problem, for people, as `GraphData::warnings` keeps it too.
        message: String,
    },
}

/// What `export_graph` saves the graph as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum ExportFormat {
    /// A PNG picture of the graph as drawn; its data comes base64-encoded.
    Png,
    /// An SVG picture of the graph as drawn.
    Svg,
    /// The graph's nodes and edges as JSON.
    Json,
}
