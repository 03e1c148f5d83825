//! The push sheet: dropped paths as the sheet lists them, what the user asks to push, the exact
//! preview, and what was pushed (with the node and edge the graph gains, for an attach).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use stowage::{ops, pack};
use ts_rs::TS;

use super::{GraphEdge, GraphNode};

/// A dropped or picked file or folder, checked with the same rules the push applies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PathEntry {
    pub path: String,
    /// The layer title it gets.
    pub name: String,
    pub folder: bool,
    #[ts(type = "number")]
    pub size: u64,
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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct InspectedPaths {
    pub entries: Vec<PathEntry>,
    /// The artifact type their content suggests (an SPDX file: `application/spdx+json`).
    pub artifact_type: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PushFile {
    pub path: String,
    /// `None`: the sniffed type.
    pub media_type: Option<String>,
}

/// What the push sheet asks for. With a `subject` (a manifest digest in the same repository)
/// the artifact is attached to it as a referrer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PushSpec {
    pub source: String,
    pub repository: String,
    pub files: Vec<PushFile>,
    pub artifact_type: Option<String>,
    pub annotations: BTreeMap<String, String>,
    pub tags: Vec<String>,
    pub subject: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum BlobAction {
    Upload,
    Mount,
    Skip,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PlannedBlob {
    pub title: String,
    pub digest: String,
    #[ts(type = "number")]
    pub size: u64,
    pub media_type: String,
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
            action: match b.action {
                ops::push::BlobAction::Upload => BlobAction::Upload,
                ops::push::BlobAction::Mount => BlobAction::Mount,
                ops::push::BlobAction::Skip => BlobAction::Skip,
            },
            from: b.from,
        }
    }
}

/// Exactly what `push` will send, under the id `plan`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PushPreview {
    pub plan: String,
    /// The manifest, byte for byte.
    pub manifest: String,
    pub digest: String,
    pub artifact_type: String,
    pub blobs: Vec<PlannedBlob>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PushResult {
    /// `registry/repository` or `oci:PATH`.
    pub target: String,
    pub digest: String,
    pub artifact_type: String,
    pub tags: Vec<String>,
    /// For an attach: whether Stowage kept the referrers tag (the registry had no Referrers API).
    pub referrers_tag_updated: Option<bool>,
    /// The pushed manifest as a graph node, so an open graph can show it without a reload.
    pub node: GraphNode,
    /// For an attach: subject -> node.
    pub edge: Option<GraphEdge>,
}
