//! The artifact graph as the UI draws it: nodes, edges, and the events of a load.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use stowage::graph;
use ts_rs::TS;

/// What a node of the graph is, for people: the label and badge the graph gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum NodeKind {
    /// An image index (or Docker manifest list) whose artifactType says nothing more.
    Index,
    /// A container image: an image config, and no artifactType.
    Image,
    /// A signature: cosign, notation, or a sigstore bundle.
    Signature,
    /// A software bill of materials (SPDX, CycloneDX, syft, …).
    Sbom,
    /// An in-toto attestation, such as SLSA provenance.
    Attestation,
    /// A Helm chart, as `helm push` stores it.
    HelmChart,
    /// A WebAssembly module.
    Wasm,
    /// Any other manifest: an artifact of another kind (Homebrew bottle, Flux, SIF) or unknown.
    Artifact,
    /// A manifest's config blob.
    Config,
    /// A manifest's layer, or any other blob that is not a manifest.
    Layer,
}

impl From<graph::NodeKind> for NodeKind {
    fn from(k: graph::NodeKind) -> Self {
        use graph::NodeKind as K;
        match k {
            K::Index => NodeKind::Index,
            K::Image => NodeKind::Image,
            K::Signature => NodeKind::Signature,
            K::Sbom => NodeKind::Sbom,
            K::Attestation => NodeKind::Attestation,
            K::HelmChart => NodeKind::HelmChart,
            K::Wasm => NodeKind::Wasm,
            K::Artifact => NodeKind::Artifact,
            K::Config => NodeKind::Config,
            K::Layer => NodeKind::Layer,
        }
    }
}

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
            kind: n.kind.into(),
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

/// What an edge means: how the node it reaches belongs to the one it leaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum EdgeKind {
    /// Index -> one of its manifests.
    Child,
    /// Manifest -> its config blob.
    Config,
    /// Manifest -> one of its layers.
    Layer,
    /// Subject -> a referrer (a signature, SBOM or attestation attached to it).
    Referrer,
}

/// How an edge was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum Via {
    /// Listed in an index's `manifests`.
    Index,
    /// Named by a manifest's `config` or `layers`.
    Manifest,
    /// The registry's Referrers API.
    Api,
    /// The referrers tag schema (the `<alg>-<hex>` fallback tag).
    TagSchema,
    /// cosign's `sha256-<hex>.sig|.att|.sbom` tags.
    CosignTag,
    /// A buildx attestation manifest inside an index (`vnd.docker.reference.digest`).
    Buildx,
    /// Found by scanning a layout for manifests whose subject names it (no Referrers API there).
    Subject,
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

impl From<graph::Via> for Via {
    fn from(v: graph::Via) -> Self {
        use graph::Via as V;
        match v {
            V::Index => Via::Index,
            V::Manifest => Via::Manifest,
            V::Api => Via::Api,
            V::TagSchema => Via::TagSchema,
            V::CosignTag => Via::CosignTag,
            V::Buildx => Via::Buildx,
            V::Subject => Via::Subject,
        }
    }
}

impl From<graph::Edge> for GraphEdge {
    fn from(e: graph::Edge) -> Self {
        use graph::EdgeKind as K;
        GraphEdge {
            from: e.from.to_string(),
            to: e.to.to_string(),
            kind: match e.kind {
                K::Child => EdgeKind::Child,
                K::Config => EdgeKind::Config,
                K::Layer => EdgeKind::Layer,
                K::Referrer => EdgeKind::Referrer,
            },
            via: e.via.into(),
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
