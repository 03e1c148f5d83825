//! An on-disk content-addressed store of manifests: a digest names its bytes forever, so what was
//! fetched once by digest never needs the network again.

use std::path::{Path, PathBuf};

use bytes::Bytes;

use crate::digest::Digest;

/// Manifest bytes kept by digest under one folder (`<alg>/<hex>`), checked again on every read.
#[derive(Debug, Clone)]
pub struct ManifestCache {
    dir: PathBuf,
}

impl ManifestCache {
    /// A cache kept in `dir`; nothing is created until the first [`put`](Self::put).
    pub fn new(dir: impl Into<PathBuf>) -> ManifestCache {
        ManifestCache { dir: dir.into() }
    }

    /// The cache's folder; graph snapshots are kept under it too.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn path(&self, digest: &Digest) -> PathBuf {
        self.dir
            .join(digest.algorithm().as_str())
            .join(digest.hex())
    }

    /// The bytes for `digest`, re-verified: a corrupted entry is removed and reported as a miss.
    pub fn get(&self, digest: &Digest) -> Option<Bytes> {
        let path = self.path(digest);
        let bytes = std::fs::read(&path).ok()?;
        if &digest.recompute(&bytes) != digest {
            tracing::warn!(path = %path.display(), "removing a corrupted cache entry");
            let _ = std::fs::remove_file(&path);
            return None;
        }
        Some(Bytes::from(bytes))
    }

    /// Stores verified bytes. Failures only cost a later refetch, so they are logged, not raised.
    pub fn put(&self, digest: &Digest, bytes: &[u8]) {
        if &digest.recompute(bytes) != digest {
            return;
        }
        let path = self.path(digest);
        if path.exists() {
            return;
        }
        if let Err(e) = crate::atomic::write_record(&path, bytes) {
            tracing::debug!(error = %e, "manifest cache write failed");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stores_verifies_and_drops_corruption() {
        let dir = tempfile::tempdir().unwrap();
        let cache = ManifestCache::new(dir.path());
        let bytes = br#"{"schemaVersion":2}"#;
        let digest = Digest::sha256_of(bytes);
        assert!(cache.get(&digest).is_none());
        cache.put(&digest, bytes);
        assert_eq!(cache.get(&digest).as_deref(), Some(&bytes[..]));
        std::fs::write(cache.path(&digest), b"tampered").unwrap();
        assert!(cache.get(&digest).is_none());
        assert!(!cache.path(&digest).exists());
    }

    #[test]
    fn refuses_bytes_that_do_not_match() {
        let dir = tempfile::tempdir().unwrap();
        let cache = ManifestCache::new(dir.path());
        let digest = Digest::sha256_of(b"a");
        cache.put(&digest, b"b");
        assert!(cache.get(&digest).is_none());
    }
}
