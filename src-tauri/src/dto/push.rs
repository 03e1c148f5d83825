//! The push sheet: dropped paths as the sheet lists them, what the user asks to push, the exact
//! preview, and what was pushed (with the node and edge the graph gains, for an attach).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
// What a blob needs at the target is the core's own, exported to TypeScript from there.
pub use stowage::ops::push::BlobAction;
use stowage::{ops, pack};
use ts_rs::TS;

use super::{GraphEdge, GraphNode};

/// A dropped or picked file or folder, checked with the same rules the push applies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PathEntry {
    /// The absolute path as dropped or picked.
    pub path: String,
    /// The layer title it gets.
    pub name: String,
    /// A folder, which the push packs into one tar+gzip layer.
    pub folder: bool,
    /// The file's size in bytes, or the total of a folder's regular files.
    #[ts(type = "number")]
    pub size: u64,
    /// How many regular files it holds: 1 for a file.
    #[ts(type = "number")]
    pub files: u64,
    /// Sniffed from the content; the user may change it.
    pub media_type: Option<String>,
    /// Why it cannot be pushed, naming the path.
    pub error: Option<String>,
    /// A folder that is an OCI image layout: the sheet offers to open it or copy its images.
    pub layout: bool,
}

impl From<pack::PathInfo> for PathEntry {
    fn from(p: pack::PathInfo) -> Self {
        PathEntry {
            path: p.path.display().to_string(),
            name: p.name,
            folder: p.folder,
            size: p.size,
            files: p.files,
            media_type: p.media_type,
            error: p.error,
            layout: p.layout,
        }
    }
}

/// What `inspect_paths` found of the dropped or picked paths.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct InspectedPaths {
    /// Each path checked, in the order given.
    pub entries: Vec<PathEntry>,
    /// The artifact type their content suggests (an SPDX file: `application/spdx+json`).
    pub artifact_type: Option<String>,
}

/// One file or folder to push as a layer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PushFile {
    /// The path as `inspect_paths` listed it; one the user did not give Stowage is refused.
    pub path: String,
    /// `None`: the sniffed type.
    pub media_type: Option<String>,
}

/// What the push sheet asks for. With a `subject` (a manifest digest in the same repository)
/// the artifact is attached to it as a referrer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PushSpec {
    /// The source pushed to (`local` or a registry's host); an opened layout refuses writes.
    pub source: String,
    /// The repository pushed to; one of the Local store is created when missing.
    pub repository: String,
    /// The files and folders that become layers, in this order.
    pub files: Vec<PushFile>,
    /// The manifest's artifact type; `None` or blank suggests one from the files' content.
    pub artifact_type: Option<String>,
    /// Annotations of the manifest itself; entries with a blank key are dropped.
    pub annotations: BTreeMap<String, String>,
    /// Tags to push the manifest under; with none, a Helm chart is tagged with its version and
    /// anything else is pushed by digest only.
    pub tags: Vec<String>,
    /// The digest of the manifest or index to attach to, `sha256:…`; `None` for a plain push.
    pub subject: Option<String>,
}

/// One layer of a push preview: what the manifest will say of it, and what the target needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PlannedBlob {
    /// The layer's title: the file or folder's name.
    pub title: String,
    /// The digest of the layer blob, `sha256:…`.
    pub digest: String,
    /// The layer blob's size in bytes (a folder's packed archive).
    #[ts(type = "number")]
    pub size: u64,
    /// The layer's media type, as the manifest will state it.
    pub media_type: String,
    /// Whether it will be uploaded, mounted, or skipped.
    pub action: BlobAction,
    /// For a mount: the repository of the same registry it is linked from.
    pub from: Option<String>,
}

impl From<ops::push::PlannedBlob> for PlannedBlob {
    fn from(b: ops::push::PlannedBlob) -> Self {
        PlannedBlob {
            title: b.title,
            digest: b.digest.to_string(),
            size: b.size,
            media_type: b.media_type,
            action: b.action,
            from: b.from,
        }
    }
}

/// Exactly what `push` will send, under the id `plan`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PushPreview {
    /// The id the shell keeps the prepared plan under, for `push` or `discard_push`.
    pub plan: String,
    /// The manifest, byte for byte.
    pub manifest: String,
    /// The manifest's digest, `sha256:…`: the pushed artifact's digest.
    pub digest: String,
    /// The artifact type the plan settled on: the one asked for, else one suggested from the
    /// layers, else oras' "unknown artifact". A Helm chart's manifest leaves it out.
    pub artifact_type: String,
    /// One per layer, in the manifest's order.
    pub blobs: Vec<PlannedBlob>,
}

/// What `push` stored: the manifest, its tags, and what the artifact graph gains.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PushResult {
    /// `registry/repository` or `oci:PATH`.
    pub target: String,
    /// The pushed manifest's digest, `sha256:…`.
    pub digest: String,
    /// The artifact type the plan settled on, as the preview showed it.
    pub artifact_type: String,
    /// The tags the manifest was pushed under (a chart's version when none was asked for).
    pub tags: Vec<String>,
    /// For an attach: whether Stowage kept the referrers tag (the registry had no Referrers API).
    pub referrers_tag_updated: Option<bool>,
    /// The pushed manifest as a graph node, so an open graph can show it without a reload.
    pub node: GraphNode,
    /// For an attach: subject -> node.
    pub edge: Option<GraphEdge>,
}

impl From<ops::push::Pushed> for PushResult {
    fn from(pushed: ops::push::Pushed) -> Self {
        PushResult {
            target: pushed.target,
            digest: pushed.digest.to_string(),
            artifact_type: pushed.artifact_type,
            tags: pushed.tags,
            referrers_tag_updated: pushed.referrers_tag_updated,
            node: GraphNode::from(pushed.node),
            edge: pushed.edge.map(GraphEdge::from),
        }
    }
}
