//! Copy: an artifact from any store to any other, with index children always and referrers
//! on request; blobs the target has are skipped, blobs on the same registry are mounted.

use std::collections::HashSet;
use std::sync::Mutex;

use futures::future::BoxFuture;
use futures::stream::{self, StreamExt, TryStreamExt};
use futures::FutureExt;
use serde::Serialize;

use super::fallback;
use crate::digest::Digest;
use crate::error::{Error, Result};
use crate::manifest::{Descriptor, Manifest};
use crate::registry::UploadOptions;
use crate::store::Store;
use crate::transfer::Cancel;
use crate::transfer::{Outcome, Transfer};

/// How a copy goes: whether it follows referrers, how much moves at once, how blobs are
/// uploaded, and how far it may go.
#[derive(Debug, Clone)]
pub struct CopyOptions {
    /// Also copy referrers, and their referrers.
    pub recursive: bool,
    /// How many children, blobs or referrers of one manifest are copied at once.
    pub concurrency: usize,
    /// How blobs are uploaded to a registry target.
    pub upload: UploadOptions,
    /// How far below the root (index children and referrers, each one level) a copy goes,
    /// and how many manifests it copies: the graph's caps, as a source registry can make
    /// either endless.
    pub max_depth: usize,
    /// The most manifests one copy takes (see `max_depth`).
    pub max_manifests: usize,
}

impl Default for CopyOptions {
    fn default() -> Self {
        CopyOptions {
            recursive: false,
            concurrency: 4,
            upload: UploadOptions::default(),
            max_depth: crate::graph::MAX_DEPTH,
            max_manifests: crate::graph::MAX_NODES,
        }
    }
}

/// What a copy did: what it copied, where to, and how much.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Copied {
    /// The digest of the manifest or index copied.
    pub digest: Digest,
    /// Where it went: `registry/repository` or `oci:PATH`.
    pub target: String,
    /// Manifests pushed to the target: the root, and the children and referrers below it.
    pub manifests: usize,
    /// Blobs uploaded, downloaded, mounted or found at the target already; a blob that several
    /// manifests name counts once for each.
    pub blobs: usize,
}

struct Copier<'a> {
    source: &'a Store,
    target: &'a Store,
    options: &'a CopyOptions,
    transfer: &'a Transfer,
    cancel: &'a Cancel,
    done: Mutex<HashSet<Digest>>,
    counts: Mutex<(usize, usize)>,
}

/// Copies what `selector` names in `source` to `target`, tagging it `tag` there if given.
pub async fn copy(
    source: &Store,
    selector: &str,
    target: &Store,
    tag: Option<&str>,
    options: &CopyOptions,
    transfer: &Transfer,
    cancel: &Cancel,
) -> Result<Copied> {
    let root = source.fetch_manifest(selector).await?;
    let copier = Copier {
        source,
        target,
        options,
        transfer,
        cancel,
        done: Mutex::new(HashSet::new()),
        counts: Mutex::new((0, 0)),
    };
    copier.manifest(root.digest.clone(), 0).await?;
    if let Some(tag) = tag {
        target.tag(&root, tag).await?;
    }
    let (manifests, blobs) = *copier.counts.lock().unwrap_or_else(|e| e.into_inner());
    Ok(Copied {
        digest: root.digest,
        target: target.name(),
        manifests,
        blobs,
    })
}

impl Copier<'_> {
    /// Copies one manifest, `depth` levels below the root, after everything it names; then, if
    /// asked, its referrers.
    fn manifest(&self, digest: Digest, depth: usize) -> BoxFuture<'_, Result<()>> {
        async move {
            let copied = {
                let mut done = self.done.lock().unwrap_or_else(|e| e.into_inner());
                if !done.insert(digest.clone()) {
                    return Ok(());
                }
                done.len()
            };
            let (limit, unit) = if depth > self.options.max_depth {
                (self.options.max_depth, "levels below the copied manifest")
            } else {
                (self.options.max_manifests, "manifests")
            };
            if depth > self.options.max_depth || copied > self.options.max_manifests {
                return Err(Error::TooLarge {
                    what: format!("the copy (at manifest {digest})"),
                    url: self.source.name(),
                    limit: limit as u64,
                    unit,
                });
            }
            if self.cancel.is_cancelled() {
                return Err(Error::Cancelled);
            }
            let fetched = self.source.fetch_manifest(&digest.to_string()).await?;
            let manifest = fetched.parse()?;
            match &manifest {
                Manifest::Index(index) => {
                    let children: Vec<_> = index
                        .manifests
                        .iter()
                        .map(|d| self.manifest(d.digest.clone(), depth + 1))
                        .collect();
                    stream::iter(children)
                        .buffer_unordered(self.options.concurrency.max(1))
                        .try_collect::<Vec<()>>()
                        .await?;
                }
                Manifest::Image(image) => {
                    let blobs: Vec<BoxFuture<'_, Result<()>>> = std::iter::once(&image.config)
                        .chain(image.layers.iter())
                        .map(|d| self.blob(d.clone()).boxed())
                        .collect();
                    stream::iter(blobs)
                        .buffer_unordered(self.options.concurrency.max(1))
                        .try_collect::<Vec<()>>()
                        .await?;
                }
            }
            let pushed = self
                .target
                .push_manifest(fetched.bytes.clone(), &fetched.media_type, &[])
                .await?;
            self.counts.lock().unwrap_or_else(|e| e.into_inner()).0 += 1;
            fallback::record_referrer(self.target, &manifest, &fetched.media_type, &pushed).await?;
            if self.options.recursive {
                let referrers = self.source.referrers(&digest, None).await?;
                let referrers: Vec<_> = referrers
                    .into_iter()
                    .map(|d| self.manifest(d.digest, depth + 1))
                    .collect();
                stream::iter(referrers)
                    .buffer_unordered(self.options.concurrency.max(1))
                    .try_collect::<Vec<()>>()
                    .await?;
            }
            Ok(())
        }
        .boxed()
    }

    async fn blob(&self, desc: Descriptor) -> Result<()> {
        let id = self
            .transfer
            .add(desc.digest.short(), Some(desc.digest.clone()), desc.size);
        let result = self
            .move_blob(&desc, &|n| self.transfer.advance(id, n))
            .await;
        match result {
            Ok(outcome) => {
                self.transfer.finish(id, &desc.digest, outcome);
                self.counts.lock().unwrap_or_else(|e| e.into_inner()).1 += 1;
                Ok(())
            }
            Err(e) => {
                self.transfer.fail(id, e.to_string());
                Err(e)
            }
        }
    }

    async fn move_blob(
        &self,
        desc: &Descriptor,
        progress: &(dyn Fn(u64) + Send + Sync),
    ) -> Result<Outcome> {
        if self.target.blob_size(&desc.digest).await?.is_some() {
            return Ok(Outcome::Skipped);
        }
        if let (Some((from, from_repo)), Some((to, to_repo))) =
            (self.source.registry(), self.target.registry())
        {
            if from.name() == to.name() && to.mount_blob(to_repo, &desc.digest, from_repo).await? {
                return Ok(Outcome::Mounted);
            }
        }
        if self.target.mount_known(&desc.digest).await? {
            return Ok(Outcome::Mounted);
        }
        // From a layout, straight from its blob file; from a registry, through a verified spool
        // file. Either way the upload goes with the digest known.
        let spool;
        let path = match self.source {
            Store::Layout(layout) => layout.blob_path(&desc.digest),
            Store::Remote { .. } => {
                spool = tempfile::Builder::new()
                    .prefix(".stowage-copy-")
                    .tempdir()
                    .map_err(|e| Error::io(std::env::temp_dir(), e))?;
                let path = spool.path().join(desc.digest.hex());
                self.source.download_blob(desc, &path, &|_| {}).await?;
                path
            }
        };
        self.target
            .push_blob_file(
                &path,
                Some((&desc.digest, desc.size)),
                &self.options.upload,
                progress,
                self.cancel,
            )
            .await?;
        Ok(match (self.source, self.target) {
            (Store::Remote { .. }, Store::Layout(_)) => Outcome::Downloaded,
            _ => Outcome::Uploaded,
        })
    }
}
