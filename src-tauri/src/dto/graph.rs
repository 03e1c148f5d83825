//! The artifact graph as the UI draws it: nodes, edges, and the events of a load.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use stowage::graph;
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum NodeKind {
    Index,
    Image,
    Signature,
    Sbom,
    Attestation,
    HelmChart,
    Wasm,
    Artifact,
    Config,
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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct GraphNode {
    /// The node's digest.
    pub id: String,
    pub kind: NodeKind,
    pub format: Option<String>,
    pub media_type: String,
    pub artifact_type: Option<String>,
    /// Bytes; a JS number is exact up to 8 PiB.
    #[ts(type = "number")]
    pub size: u64,
    pub annotations: BTreeMap<String, String>,
    /// `os/architecture[/variant]`.
    pub platform: Option<String>,
    pub tags: Vec<String>,
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum EdgeKind {
    Child,
    Config,
    Layer,
    Referrer,
}

/// How an edge was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum Via {
    Index,
    Manifest,
    Api,
    TagSchema,
    CosignTag,
    Buildx,
    Subject,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct GraphEdge {
    pub from: String,
    pub to: String,
    pub kind: EdgeKind,
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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct GraphData {
    pub root: String,
    /// How the CLI names the repository: `host/repo` or `oci:/path/to/layout`.
    pub base: String,
    /// What the user opened, e.g. `localhost:5000/app:v1`.
    pub reference: String,
    pub truncated: bool,
    pub nodes: Vec<GraphNode>,
    pub edges: Vec<GraphEdge>,
    pub warnings: Vec<String>,
}

/// Sent through the `load_graph` channel while the walk goes on, in batches.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum GraphEvent {
    Nodes {
        nodes: Vec<GraphNode>,
        edges: Vec<GraphEdge>,
    },
    Warning {
        message: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum ExportFormat {
    Png,
    Svg,
    Json,
}
