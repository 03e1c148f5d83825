//! The on-disk index of layer entries, one file per layer digest: a layer's bytes never change,
//! so what was listed once is listed again without reading the layer.

use std::path::PathBuf;

use super::LayerListing;
use crate::digest::Digest;

/// Bumped when the stored form changes, so older entries are read as misses.
const VERSION: &str = "v1";

/// The on-disk index of layer listings: one JSON file per layer digest under one folder.
#[derive(Debug, Clone)]
pub struct EntryIndex {
    dir: PathBuf,
}

impl EntryIndex {
    /// The index kept under `dir`, usually [`index_dir`](super::index_dir) of the cache folder.
    pub fn new(dir: impl Into<PathBuf>) -> EntryIndex {
        EntryIndex { dir: dir.into() }
    }

    fn path(&self, digest: &Digest) -> PathBuf {
        self.dir
            .join(VERSION)
            .join(digest.algorithm().as_str())
            .join(format!("{}.json", digest.hex()))
    }

    /// The listing of `digest`, if it was kept; an unreadable entry is a miss.
    pub fn get(&self, digest: &Digest) -> Option<LayerListing> {
        let bytes = std::fs::read(self.path(digest)).ok()?;
        let listing: LayerListing = serde_json::from_slice(&bytes).ok()?;
        (&listing.digest == digest).then_some(listing)
    }

    /// Keeps a listing. Failures only cost a later re-read, so they are logged, not raised.
    pub fn put(&self, listing: &LayerListing) {
        let path = self.path(&listing.digest);
        let written = serde_json::to_vec(listing)
            .map_err(|e| crate::error::Error::Internal(e.to_string()))
            .and_then(|bytes| crate::atomic::write_record(&path, &bytes));
        if let Err(e) = written {
            tracing::debug!(path = %path.display(), error = %e, "layer entry index write failed");
        }
    }
}
