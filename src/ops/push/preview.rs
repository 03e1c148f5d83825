//! The push sheet's view of a prepared plan: the exact manifest the push will send, and what each blob will need at the target.

use bytes::Bytes;
use futures::future::BoxFuture;
use futures::stream::{self, StreamExt, TryStreamExt};
use futures::FutureExt;
use serde::Serialize;

use super::manifest::artifact_manifest;
use super::{Plan, PushRequest};
use crate::digest::Digest;
use crate::error::{Error, Result};
use crate::store::Store;

/// Blob existence checks in flight at once.
const CHECKS_AT_ONCE: usize = 8;

/// What a push of a prepared plan will do.
#[derive(Debug, Clone, PartialEq)]
pub struct Preview {
    /// The exact manifest JSON [`super::push_plan`] will PUT.
    pub manifest: Bytes,
    /// Its digest: the pushed artifact's digest.
    pub digest: Digest,
    /// The artifact type the plan settled on (see [`super::Plan::artifact_type`]).
    pub artifact_type: String,
    /// One per layer, in the manifest's order.
    pub blobs: Vec<PlannedBlob>,
}

/// One layer of a preview: what the manifest will say of it, and what the target needs.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PlannedBlob {
    /// The layer's title: the file or folder's name.
    pub title: String,
    /// The digest of the layer blob.
    pub digest: Digest,
    /// The layer blob's size in bytes.
    pub size: u64,
    /// The layer's media type, as the manifest will state it.
    pub media_type: String,
    /// Whether it will be uploaded, mounted, or skipped.
    pub action: BlobAction,
    /// For a mount: the repository of the same registry it will be linked from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
}

/// What a blob will need at the target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum BlobAction {
    /// Its bytes will be sent.
    Upload,
    /// The same registry was seen holding it in another repository: it will be linked from
    /// there (and uploaded after all if the registry no longer has it there).
    Mount,
    /// The target has it.
    Skip,
}

/// Previews pushing `plan` (made from `request` by [`super::prepare`]) to `store`: the
/// manifest, built by the function [`super::push_plan`] uses, and for each layer whether the
/// target has it already (one HEAD each) or it will be mounted from a repository it was seen
/// in. Fails if a layer's digest is not known, as with a plan from [`super::plan()`] holding a
/// large file.
pub async fn preview(store: &Store, request: &PushRequest, plan: &Plan) -> Result<Preview> {
    let known = plan
        .layers
        .iter()
        .map(|layer| match &layer.digest {
            Some(d) => Ok((d.clone(), layer.size)),
            None => Err(Error::Invalid(format!(
                "{}: its digest is not known yet; prepare the push (push::prepare) to preview it",
                layer.path.display()
            ))),
        })
        .collect::<Result<Vec<(Digest, u64)>>>()?;
    let manifest = artifact_manifest(request, plan, &known)?;
    // Boxed up front: a closure-made stream of futures is not `Send` for every lifetime, and
    // the app runs previews on spawned tasks.
    let checks: Vec<BoxFuture<'_, Result<Option<u64>>>> = known
        .iter()
        .map(|(d, _)| store.blob_size(d).boxed())
        .collect();
    let present: Vec<Option<u64>> = stream::iter(checks)
        .buffered(CHECKS_AT_ONCE)
        .try_collect()
        .await?;
    let blobs = plan
        .layers
        .iter()
        .zip(known)
        .zip(present)
        .map(|((layer, (digest, size)), present)| {
            // As the push decides: a blob the target has under this digest is not sent again,
            // and one seen elsewhere on the registry is mounted from there.
            let from = present
                .is_none()
                .then(|| store.mount_source(&digest))
                .flatten();
            let action = match (present, &from) {
                (Some(_), _) => BlobAction::Skip,
                (None, Some(_)) => BlobAction::Mount,
                (None, None) => BlobAction::Upload,
            };
            PlannedBlob {
                title: layer.title.clone(),
                digest,
                size,
                media_type: layer.media_type.clone(),
                action,
                from,
            }
        })
        .collect();
    Ok(Preview {
        digest: Digest::sha256_of(&manifest),
        manifest,
        artifact_type: plan.artifact_type.clone(),
        blobs,
    })
}
