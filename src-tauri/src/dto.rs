//! Every type that crosses IPC, in one place. `ui/src/ipc/bindings.ts` is generated from these
//! (see `bindings::tests`), so the UI and the shell cannot drift apart silently.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use stowage::graph;
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum SourceKind {
    Local,
    Registry,
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

/// The add-registry dialog. The secret travels to Rust once and never back.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AddRegistry {
    pub host: String,
    pub username: Option<String>,
    pub secret: Option<String>,
    pub insecure: bool,
    pub ca_file: Option<String>,
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

impl From<graph::Edge> for GraphEdge {
    fn from(e: graph::Edge) -> Self {
        use graph::{EdgeKind as K, Via as V};
        GraphEdge {
            from: e.from.to_string(),
            to: e.to.to_string(),
            kind: match e.kind {
                K::Child => EdgeKind::Child,
                K::Config => EdgeKind::Config,
                K::Layer => EdgeKind::Layer,
                K::Referrer => EdgeKind::Referrer,
            },
            via: match e.via {
                V::Index => Via::Index,
                V::Manifest => Via::Manifest,
                V::Api => Via::Api,
                V::TagSchema => Via::TagSchema,
                V::CosignTag => Via::CosignTag,
                V::Buildx => Via::Buildx,
                V::Subject => Via::Subject,
            },
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum ExportFormat {
    Png,
    Svg,
    Json,
}

/// What every failed command rejects with. `code` is one of the core's error codes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct AppError {
    pub code: String,
    pub message: String,
}

impl From<stowage::Error> for AppError {
    fn from(e: stowage::Error) -> Self {
        AppError {
            code: e.code().to_string(),
            message: e.to_string(),
        }
    }
}

impl AppError {
    pub fn invalid(message: impl Into<String>) -> AppError {
        AppError {
            code: "invalid".into(),
            message: message.into(),
        }
    }
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use stowage::graph;

    use super::*;

    #[test]
    fn graph_events_are_tagged_and_camel_cased_as_the_bindings_say() {
        let node = GraphNode::from(graph::Node {
            id: "sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"
                .parse()
                .unwrap(),
            kind: graph::NodeKind::HelmChart,
            format: None,
            media_type: "application/vnd.oci.image.manifest.v1+json".into(),
            artifact_type: Some("application/vnd.cncf.helm.config.v1+json".into()),
            size: 1 << 40,
            annotations: BTreeMap::new(),
            platform: Some(stowage::manifest::Platform {
                architecture: "arm64".into(),
                os: "linux".into(),
                os_version: None,
                variant: Some("v8".into()),
            }),
            tags: vec!["v1".into()],
            error: None,
        });
        let event = GraphEvent::Nodes {
            nodes: vec![node],
            edges: vec![],
        };
        let value = serde_json::to_value(&event).unwrap();
        assert_eq!(value["type"], "nodes");
        let node = &value["nodes"][0];
        assert_eq!(node["kind"], "helm-chart");
        assert_eq!(node["platform"], "linux/arm64/v8");
        assert_eq!(node["size"], json!(1u64 << 40));
        assert_eq!(
            node["artifactType"],
            "application/vnd.cncf.helm.config.v1+json"
        );
        assert!(
            node["format"].is_null(),
            "absent fields are null, as the bindings declare"
        );
        let warning = serde_json::to_value(GraphEvent::Warning {
            message: "m".into(),
        })
        .unwrap();
        assert_eq!(warning, json!({"type": "warning", "message": "m"}));
    }

    #[test]
    fn core_errors_keep_their_code_and_message() {
        let e = stowage::Error::Unauthorized {
            registry: "r.example".into(),
            username: Some("ann".into()),
            detail: "bad password".into(),
        };
        let message = e.to_string();
        let value = serde_json::to_value(AppError::from(e)).unwrap();
        assert_eq!(value, json!({"code": "unauthorized", "message": message}));
    }
}
