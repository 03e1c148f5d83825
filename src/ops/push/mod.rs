//! Push: files and folders become one OCI artifact (image-spec 1.1), blobs first, manifest last.
//!
//! Two ways in. [`push`] plans and pushes in one go (the CLI's `push` and `attach`). The app
//! shows a push sheet first: [`prepare`] checks, packs and hashes everything, [`preview()`] shows
//! the exact manifest and what each blob will need, and [`push_plan`] then sends exactly that.
//! Planning is in `plan`, the manifest in `manifest`, blob uploads in `upload`, the sheet's
//! view in `preview`.

mod helm;
mod manifest;
mod plan;
mod preview;
mod upload;

use std::collections::BTreeMap;
use std::path::PathBuf;

use futures::future::BoxFuture;
use futures::stream::{self, StreamExt, TryStreamExt};
use futures::FutureExt;
use serde::Serialize;

use super::fallback;
use crate::digest::Digest;
use crate::error::{Error, Result};
use crate::graph::{self, classify_manifest, EdgeKind, Via};
use crate::known_blobs::FileKey;
use crate::manifest::media_type::OCI_MANIFEST;
use crate::manifest::{Descriptor, Manifest};
use crate::registry::UploadOptions;
use crate::store::Store;
use crate::transfer::{Cancel, Outcome, Transfer};
use plan::FileStamp;

pub use helm::ChartPlan;
pub use plan::{plan, prepare};
pub use preview::{preview, BlobAction, PlannedBlob, Preview};

/// oras' artifact type for artifacts nobody typed.
pub const UNKNOWN_ARTIFACT: &str = "application/vnd.unknown.artifact.v1";
/// The manifest annotation holding when the artifact was made (RFC 3339, UTC), added when
/// [`PushRequest::created`] asks for it.
pub const CREATED_ANNOTATION: &str = "org.opencontainers.image.created";

/// One file or folder to push, with its media type when the user gave one.
#[derive(Debug, Clone)]
pub struct FileSpec {
    /// The file or folder on disk; a folder is packed into one tar+gzip layer.
    pub path: PathBuf,
    /// The layer's media type as given; when absent, a file's is sniffed from its content and a
    /// folder's is tar+gzip.
    pub media_type: Option<String>,
}

/// What to push: the files and folders that become layers, the manifest's artifact type,
/// annotations and tags, and the subject that makes it a referrer, if any.
#[derive(Debug, Clone, Default)]
pub struct PushRequest {
    /// The files and folders that become layers, in this order.
    pub files: Vec<FileSpec>,
    /// When absent, suggested from the files' content, else oras' "unknown artifact".
    pub artifact_type: Option<String>,
    /// Annotations of the manifest itself; for a Helm chart, added to (and overriding) its own.
    pub annotations: BTreeMap<String, String>,
    /// Tags to push the manifest under; with none, a Helm chart is tagged with its version and
    /// anything else is pushed by digest only.
    pub tags: Vec<String>,
    /// Add `org.opencontainers.image.created` (off gives reproducible digests). Its time is
    /// taken when the plan is made, so a preview shows the value the push sends.
    pub created: bool,
    /// Makes the artifact a referrer of this manifest or index.
    pub subject: Option<Descriptor>,
}

/// A layer ready to upload: what the manifest will say, and where its bytes are.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PlannedLayer {
    /// The file or folder's name: the layer's title annotation (except in a Helm chart), and its
    /// name in progress and previews.
    pub title: String,
    /// Where its bytes are: the user's file, or a folder's archive packed into the spool.
    pub path: PathBuf,
    /// The layer's media type: the one given, or one sniffed from the content.
    pub media_type: String,
    /// The layer's size in bytes: the file's, or the packed archive's.
    pub size: u64,
    /// Known for folders (packed here) and files hashed in advance (all of them, by [`prepare`]).
    pub digest: Option<Digest>,
    /// The layer descriptor's annotations: its title and, for a folder, oras' unpack marks (a
    /// Helm chart's layers have none).
    pub annotations: BTreeMap<String, String>,
    /// The user's file as it was when hashed; none for a packed folder, which is ours.
    #[serde(skip)]
    read_as: Option<FileStamp>,
    /// The file's version, under which its digest is remembered once known.
    #[serde(skip)]
    key: Option<FileKey>,
}

/// What was planned. Spooled folder archives live as long as the plan.
pub struct Plan {
    /// The layers, in the manifest's order.
    pub layers: Vec<PlannedLayer>,
    /// The artifact type: the request's, else one suggested from the layers' media types, else
    /// [`UNKNOWN_ARTIFACT`]. A Helm chart's manifest leaves it out, as `helm push` does.
    pub artifact_type: String,
    /// The `org.opencontainers.image.created` the manifest gets, fixed when the plan was made
    /// so that a preview and the push agree. None when the request does not ask for it, or
    /// gives its own in its annotations.
    pub created: Option<String>,
    /// A Helm chart, pushed as `helm push` does.
    pub chart: Option<ChartPlan>,
    _spool: Option<tempfile::TempDir>,
}

/// How a push goes: how many blobs at once, how they are uploaded, where folders are packed.
#[derive(Debug, Clone)]
pub struct PushOptions {
    /// Blobs uploaded at once.
    pub concurrency: usize,
    /// How blobs are uploaded to a registry target.
    pub upload: UploadOptions,
    /// Where packed folders are spooled before upload.
    pub scratch: PathBuf,
}

impl Default for PushOptions {
    fn default() -> Self {
        PushOptions {
            concurrency: 4,
            upload: UploadOptions::default(),
            scratch: std::env::temp_dir(),
        }
    }
}

/// One layer as pushed, and how it got to the target.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PushedBlob {
    /// The layer's title: the file or folder's name.
    pub title: String,
    /// The digest of the layer blob.
    pub digest: Digest,
    /// The layer blob's size in bytes.
    pub size: u64,
    /// Whether it was uploaded, mounted, or at the target already.
    pub outcome: Outcome,
}

/// What a push stored: the manifest, its tags and layers, and what the artifact graph gains.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Pushed {
    /// Where it went: `registry/repository` or `oci:PATH`.
    pub target: String,
    /// The digest of the pushed manifest.
    pub digest: Digest,
    /// The manifest's media type: always an OCI image manifest.
    pub media_type: String,
    /// The artifact type the plan settled on (see [`Plan::artifact_type`]).
    pub artifact_type: String,
    /// The manifest's size in bytes.
    pub size: u64,
    /// The tags the manifest was pushed under (a chart's version when none was asked for).
    pub tags: Vec<String>,
    /// The layers pushed, in the manifest's order.
    pub blobs: Vec<PushedBlob>,
    /// For an attach: whether the registry indexed the subject itself (`OCI-Subject`), or
    /// Stowage maintained the referrers tag.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub referrers_tag_updated: Option<bool>,
    /// The node the artifact's graph gains, as a walk would find it, so a view can add it
    /// without walking again.
    #[serde(skip)]
    pub node: graph::Node,
    /// For an attach: the edge from the subject to the new node.
    #[serde(skip)]
    pub edge: Option<graph::Edge>,
}

/// Pushes the request's files to `store` as one artifact. Blobs go in parallel; the manifest
/// goes only once every blob is confirmed, so a failure never leaves a manifest without its blobs.
/// Paths are checked under [`crate::pack::Rules::CLI`] (see [`plan()`]).
pub async fn push(
    store: &Store,
    request: &PushRequest,
    options: &PushOptions,
    transfer: &Transfer,
    cancel: &Cancel,
) -> Result<Pushed> {
    let plan = {
        let (request, scratch) = (request.clone(), options.scratch.clone());
        let known = store.known_blobs().cloned();
        tokio::task::spawn_blocking(move || plan(&request, &scratch, known.as_ref()))
            .await
            .map_err(|e| Error::Internal(format!("planning the push failed: {e}")))??
    };
    push_plan(store, request, &plan, options, transfer, cancel).await
}

/// Pushes a plan made from `request` by [`plan()`] or [`prepare`]. With a prepared plan, the
/// manifest is byte for byte the one [`preview()`] showed. A file whose digest the plan knows and
/// that changed since it was read fails the push with an error naming it, before the manifest.
pub async fn push_plan(
    store: &Store,
    request: &PushRequest,
    plan: &Plan,
    options: &PushOptions,
    transfer: &Transfer,
    cancel: &Cancel,
) -> Result<Pushed> {
    let ids: Vec<usize> = plan
        .layers
        .iter()
        .map(|l| transfer.add(l.title.clone(), l.digest.clone(), l.size))
        .collect();
    // Boxed up front: a closure-made stream of futures would not be `Send` for every lifetime,
    // and callers (the app) spawn pushes onto other tasks.
    let uploads: Vec<BoxFuture<'_, Result<PushedBlob>>> = plan
        .layers
        .iter()
        .zip(ids)
        .map(|(layer, id)| {
            upload::upload_layer(store, layer, id, options, transfer, cancel).boxed()
        })
        .collect();
    let blobs: Vec<PushedBlob> = stream::iter(uploads)
        .buffered(options.concurrency.max(1))
        .try_collect()
        .await?;
    if cancel.is_cancelled() {
        return Err(Error::Cancelled);
    }

    store.push_blob_bytes(manifest::config_bytes(plan)).await?;
    let digests: Vec<(Digest, u64)> = blobs.iter().map(|b| (b.digest.clone(), b.size)).collect();
    let bytes = manifest::artifact_manifest(request, plan, &digests)?;
    // A chart with no tag asked for gets its version, as `helm push` tags it.
    let tags = match &plan.chart {
        Some(chart) if request.tags.is_empty() => vec![chart.tag.clone()],
        _ => request.tags.clone(),
    };
    let pushed = match store
        .push_manifest(bytes.clone(), OCI_MANIFEST, &tags)
        .await
    {
        Err(e) if upload::is_blob_unknown(&e) => {
            // distribution can lose a blob that several clients upload at the same moment (the
            // shared `{}` config of concurrent attaches): put back what is missing, then retry.
            upload::confirm_blobs(store, plan, &blobs, options, cancel).await?;
            store
                .push_manifest(bytes.clone(), OCI_MANIFEST, &tags)
                .await?
        }
        other => other?,
    };

    let parsed =
        Manifest::parse(&bytes, Some(OCI_MANIFEST)).map_err(|e| Error::Internal(e.to_string()))?;
    let referrers_tag_updated =
        fallback::record_referrer(store, &parsed, OCI_MANIFEST, &pushed).await?;
    let class = classify_manifest(&parsed);
    let node = graph::Node {
        id: pushed.digest.clone(),
        kind: class.kind,
        format: class.format.map(str::to_string),
        media_type: OCI_MANIFEST.into(),
        artifact_type: Some(plan.artifact_type.clone()),
        size: pushed.size,
        annotations: parsed.annotations().clone(),
        platform: None,
        tags: tags.clone(),
        error: None,
    };
    // How a walk of this store would have found the new referrer.
    let via = match (store, referrers_tag_updated) {
        (Store::Layout(_), _) => Via::Subject,
        (_, Some(true)) => Via::TagSchema,
        _ => Via::Api,
    };
    let edge = request.subject.as_ref().map(|subject| graph::Edge {
        from: subject.digest.clone(),
        to: pushed.digest.clone(),
        kind: EdgeKind::Referrer,
        via,
    });
    Ok(Pushed {
        target: store.name(),
        digest: pushed.digest,
        media_type: OCI_MANIFEST.into(),
        artifact_type: plan.artifact_type.clone(),
        size: pushed.size,
        tags,
        blobs,
        referrers_tag_updated,
        node,
        edge,
    })
}

#[cfg(test)]
mod tests;
