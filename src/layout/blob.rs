//! Blobs on disk: written to a temp file inside `blobs/`, verified, and renamed under their digest.
//!
//! The temp file lives in the same folder tree as the blob so the final rename is atomic and
//! never crosses filesystems: a blob is either absent or complete under its name.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::SystemTime;

use tokio::io::{AsyncWriteExt, BufWriter};

use crate::atomic::{sync_dir, TEMP_PREFIX, TEMP_SUFFIX};
use crate::digest::{Digest, Hasher};
use crate::error::{Error, Result};

/// Large enough that a GiB blob takes few trips to the blocking pool, small enough per writer.
const WRITE_BUFFER: usize = 1 << 20;

/// A fresh temp name in `dir`: unique per process (pid) and per call (counter).
pub(super) fn temp_path(dir: &Path) -> PathBuf {
    static SEQ: AtomicU64 = AtomicU64::new(0);
    let seq = SEQ.fetch_add(1, Ordering::Relaxed);
    dir.join(format!(
        "{TEMP_PREFIX}{}-{seq}{TEMP_SUFFIX}",
        std::process::id()
    ))
}

pub(super) fn is_temp_name(name: &str) -> bool {
    name.starts_with(TEMP_PREFIX) && name.ends_with(TEMP_SUFFIX)
}

/// Marks an existing blob as just written, so a `gc` running meanwhile (which spares recent
/// blobs) does not remove a blob a push is about to reference. Best effort: read-only blob
/// files written by other tools cannot be touched.
pub(super) fn touch(path: &Path) {
    let touched = std::fs::File::options()
        .write(true)
        .open(path)
        .and_then(|f| f.set_modified(SystemTime::now()));
    if let Err(e) = touched {
        tracing::debug!(path = %path.display(), error = %e, "cannot refresh a blob's mtime");
    }
}

/// A temp file that is removed when dropped, unless it was renamed into place.
struct TempFile {
    path: PathBuf,
    kept: bool,
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if !self.kept {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Streams one blob into the layout, hashing as it writes.
///
/// Created by [`Layout::blob_writer`](super::Layout::blob_writer). Nothing appears under the
/// blob's name until [`finish`](BlobWriter::finish) has checked digest and size; dropping the
/// writer before that (or after a failed check) removes the temp file.
pub struct BlobWriter {
    // Declared before `temp` so the file is closed before the temp file is removed on drop
    // (Windows refuses to delete open files).
    out: BufWriter<tokio::fs::File>,
    temp: TempFile,
    target: PathBuf,
    hasher: Hasher,
    expected: Digest,
    expected_size: Option<u64>,
    written: u64,
}

impl BlobWriter {
    pub(super) fn create(
        blobs_dir: &Path,
        target: PathBuf,
        expected: &Digest,
        expected_size: Option<u64>,
    ) -> Result<BlobWriter> {
        std::fs::create_dir_all(blobs_dir).map_err(|e| Error::io(blobs_dir, e))?;
        let path = temp_path(blobs_dir);
        let file = std::fs::File::options()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(|e| Error::io(&path, e))?;
        Ok(BlobWriter {
            out: BufWriter::with_capacity(WRITE_BUFFER, tokio::fs::File::from_std(file)),
            temp: TempFile { path, kept: false },
            target,
            hasher: Hasher::new(expected.algorithm()),
            expected: expected.clone(),
            expected_size,
            written: 0,
        })
    }

    /// Bytes written so far.
    pub fn written(&self) -> u64 {
        self.written
    }

    /// Appends `bytes`. Going past the expected size fails at once rather than at the end, so
    /// a source that sends too much cannot fill the disk.
    pub async fn write(&mut self, bytes: &[u8]) -> Result<()> {
        let total = self.written + bytes.len() as u64;
        if let Some(expected) = self.expected_size.filter(|s| total > *s) {
            return Err(Error::SizeMismatch {
                what: self.what(),
                expected,
                actual: total,
            });
        }
        self.hasher.update(bytes);
        self.out
            .write_all(bytes)
            .await
            .map_err(|e| Error::io(&self.temp.path, e))?;
        self.written = total;
        Ok(())
    }

    /// Checks digest and size, syncs the data to disk, and renames the temp file under the
    /// blob's name; if the blob is already there, the temp file is just removed. Returns the
    /// digest and size written.
    pub async fn finish(self) -> Result<(Digest, u64)> {
        let BlobWriter {
            mut out,
            mut temp,
            target,
            hasher,
            expected,
            expected_size,
            written,
        } = self;
        let what = format!("blob {expected}");
        if let Some(expected) = expected_size.filter(|s| *s != written) {
            return Err(Error::SizeMismatch {
                what,
                expected,
                actual: written,
            });
        }
        let actual = hasher.finish();
        if actual != expected {
            return Err(Error::DigestMismatch {
                what,
                expected,
                actual,
            });
        }
        out.flush().await.map_err(|e| Error::io(&temp.path, e))?;
        let file = out.into_inner();
        // Synced before the rename: a blob's presence under its digest is taken as proof of its
        // content, so a crash must not leave a short file there.
        file.sync_all()
            .await
            .map_err(|e| Error::io(&temp.path, e))?;
        drop(file);
        if target.is_file() {
            touch(&target);
            return Ok((actual, written));
        }
        let parent = target.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        std::fs::rename(&temp.path, &target).map_err(|e| Error::io(&target, e))?;
        temp.kept = true;
        sync_dir(parent);
        Ok((actual, written))
    }

    fn what(&self) -> String {
        format!("blob {}", self.expected)
    }
}

/// Stores bytes already in memory (manifests) as the blob `digest` at `target`, synchronously.
pub(super) fn write_whole(blobs_dir: &Path, target: &Path, bytes: &[u8]) -> Result<()> {
    if target.is_file() {
        touch(target);
        return Ok(());
    }
    let parent = target.parent().unwrap_or(blobs_dir);
    std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    crate::atomic::write_via(blobs_dir, target, bytes)
}
