//! OCI image layouts on disk (image-spec `oci-layout`, `index.json`, `blobs/`): the local store.
//!
//! Stowage keeps its own content in a layout, and opens layouts written by other tools (skopeo,
//! umoci, oras) as folders or `.tar` archives.
//!
//! Sync and async: blob contents, which can be GiB, stream through tokio ([`Layout::open_blob`],
//! [`BlobWriter`]). Everything else (index.json, manifests capped at 4 MiB, tags, referrers, gc)
//! is plain blocking `std::fs` on small files; async callers run those in `spawn_blocking`.
//! Writers to index.json serialise on an exclusive `flock` on `index.json.lock`, across threads
//! and processes; readers take no lock because index.json is only ever replaced by rename.

mod archive;
mod blob;
mod docker_archive;
mod index;
mod walk;
mod write;

#[cfg(test)]
mod props;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod write_tests;

use std::io::Read;
use std::path::{Path, PathBuf};

use bytes::Bytes;

use crate::config::Limits;
use crate::digest::Digest;
use crate::error::{Error, Result};
use crate::manifest::FetchedManifest;
use crate::manifest::{media_type, Descriptor, Manifest};

pub use blob::BlobWriter;
pub use index::REF_NAME;
use index::{IndexFile, IndexLock, INDEX_FILE};
pub use walk::GC_GRACE;
pub use write::validate_tag;

const LAYOUT_FILE: &str = "oci-layout";
const LAYOUT_VERSION: &str = "1.0.0";

/// An OCI image layout folder.
#[derive(Debug, Clone)]
pub struct Layout {
    root: PathBuf,
    /// The archive this layout was unpacked from; such a layout refuses writes.
    archive: Option<PathBuf>,
    /// Opened only to be read (a folder the user opened to look inside): refuses writes.
    read_only: bool,
}

impl Layout {
    /// Opens an existing layout: `oci-layout` must say version 1.0.0 and `index.json` must parse.
    pub fn open(path: impl Into<PathBuf>) -> Result<Layout> {
        let root = path.into();
        let marker = root.join(LAYOUT_FILE);
        let bytes = std::fs::read(&marker).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => Error::NotFound {
                what: format!(
                    "an OCI image layout at {} (it has no oci-layout file)",
                    root.display()
                ),
                url: marker.display().to_string(),
            },
            _ => Error::io(&marker, e),
        })?;
        let malformed = |detail: String| Error::Malformed {
            url: marker.display().to_string(),
            detail,
        };
        let doc: serde_json::Value = serde_json::from_slice(&bytes)
            .map_err(|e| malformed(format!("not valid JSON: {e}")))?;
        match doc.get("imageLayoutVersion").and_then(|v| v.as_str()) {
            Some(LAYOUT_VERSION) => {}
            Some(other) => {
                return Err(malformed(format!(
                    "imageLayoutVersion is {other:?}; Stowage reads layout version {LAYOUT_VERSION}"
                )))
            }
            None => return Err(malformed("no imageLayoutVersion string".into())),
        }
        IndexFile::read(&root)?;
        Ok(Layout {
            root,
            archive: None,
            read_only: false,
        })
    }

    /// Opens the layout at `path`, creating the folder, `oci-layout`, `blobs/` and an empty
    /// `index.json` where they are missing.
    pub fn open_or_create(path: impl Into<PathBuf>) -> Result<Layout> {
        let root = path.into();
        let blobs = root.join("blobs");
        std::fs::create_dir_all(&blobs).map_err(|e| Error::io(&blobs, e))?;
        let marker = root.join(LAYOUT_FILE);
        if !marker.exists() {
            let body = serde_json::json!({ "imageLayoutVersion": LAYOUT_VERSION }).to_string();
            crate::atomic::write(&marker, body.as_bytes())?;
        }
        let index_path = root.join(INDEX_FILE);
        if !index_path.exists() {
            // Under the lock, so two processes creating the same store cannot both write it
            // after one of them already added an entry.
            let _lock = IndexLock::acquire(&root)?;
            if !index_path.exists() {
                crate::atomic::write(&index_path, &IndexFile::empty_bytes())?;
            }
        }
        Layout::open(root)
    }

    /// Unpacks the layout archive `tar_path` (plain or gzip-compressed) into `scratch_dir`
    /// (absent or empty) and opens it. The result is a read-only copy: changes would never
    /// reach the archive, so every write is refused. Absolute paths, `..`, links leading out
    /// of the archive, devices and FIFOs are refused with the entry's name.
    pub fn open_tar(tar_path: &Path, scratch_dir: &Path) -> Result<Layout> {
        archive::extract(tar_path, scratch_dir)?;
        let mut layout = match archive::layout_root(scratch_dir) {
            Some(root) => Layout::open(root)?,
            // `docker save` (and skopeo's docker-archive:) write no layout: one is built.
            None if docker_archive::is_docker_archive(scratch_dir) => {
                docker_archive::convert(scratch_dir, &scratch_dir.join(".stowage-oci"))?
            }
            None => {
                return Err(Error::NotFound {
                    what: "an OCI image layout (oci-layout) or a docker-archive (manifest.json) at the top of the archive".into(),
                    url: tar_path.display().to_string(),
                })
            }
        };
        layout.archive = Some(tar_path.to_path_buf());
        Ok(layout)
    }

    /// Marks a copy unpacked earlier from `tar_path` as that archive's read-only copy.
    pub fn mark_archive(&mut self, tar_path: &Path) {
        self.archive = Some(tar_path.to_path_buf());
    }

    /// The layout's folder: the one holding `oci-layout`, `index.json` and `blobs/`.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where the blob `digest` lives: `blobs/<algorithm>/<hex>`. Digests are validated when
    /// parsed, so the path cannot leave the layout.
    pub fn blob_path(&self, digest: &Digest) -> PathBuf {
        self.blobs_dir()
            .join(digest.algorithm().as_str())
            .join(digest.hex())
    }

    fn blobs_dir(&self) -> PathBuf {
        self.root.join("blobs")
    }

    fn index_path(&self) -> String {
        self.root.join(INDEX_FILE).display().to_string()
    }

    /// The same layout, refusing every write.
    pub fn read_only(mut self) -> Layout {
        self.read_only = true;
        self
    }

    /// Refuses writes to a copy unpacked from an archive, and to a layout opened read-only.
    fn writable(&self) -> Result<()> {
        match &self.archive {
            Some(tar) => Err(Error::Invalid(format!(
                "{} is a read-only copy of {}; changes would not reach the archive",
                self.root.display(),
                tar.display()
            ))),
            None if self.read_only => Err(Error::Invalid(format!(
                "{} is open read-only: copy what you need to the Local store or a registry",
                self.root.display()
            ))),
            None => Ok(()),
        }
    }

    /// The descriptor of a tag or a digest. A tag is looked up in index.json's ref.name
    /// annotations; a digest is the index.json entry with that digest, else any manifest blob
    /// present (its type read from its `mediaType` field, its size from the file).
    pub fn resolve(&self, tag_or_digest: &str) -> Result<Descriptor> {
        let index = IndexFile::read(&self.root)?;
        // Tags cannot contain ':', so anything with one is meant as a digest.
        if !tag_or_digest.contains(':') {
            return index
                .find_tag(tag_or_digest)
                .cloned()
                .ok_or_else(|| Error::NotFound {
                    what: format!("tag {tag_or_digest}"),
                    url: self.index_path(),
                });
        }
        let digest: Digest = tag_or_digest.parse()?;
        if let Some(desc) = index.find_digest(&digest) {
            return Ok(desc.clone());
        }
        let fetched = self.read_manifest(&digest, None)?;
        let media_type = match fetched.media_type.as_str() {
            "" => match fetched.parse()? {
                Manifest::Index(_) => media_type::OCI_INDEX,
                Manifest::Image(_) => media_type::OCI_MANIFEST,
            }
            .to_string(),
            known => known.to_string(),
        };
        Ok(Descriptor::new(
            &media_type,
            digest,
            fetched.bytes.len() as u64,
        ))
    }

    /// The manifest blob `digest`, verified against it and capped at 4 MiB. Its media type is
    /// its `mediaType` field, else that of its index.json entry.
    pub fn fetch_manifest(&self, digest: &Digest) -> Result<FetchedManifest> {
        // Only a hint for manifests without a mediaType field, so an unreadable index.json
        // is not this call's failure.
        let listed = IndexFile::read(&self.root)
            .ok()
            .and_then(|i| i.find_digest(digest).map(|d| d.media_type.clone()));
        self.read_manifest(digest, listed.as_deref())
    }

    /// A manifest blob read as `fetch_manifest` reads it, with its media type given (from an
    /// index.json entry or a descriptor the caller holds) instead of looked up again.
    pub(crate) fn read_manifest(
        &self,
        digest: &Digest,
        listed_type: Option<&str>,
    ) -> Result<FetchedManifest> {
        let path = self.blob_path(digest);
        let what = format!("manifest {digest}");
        let file = std::fs::File::open(&path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => Error::NotFound {
                what: what.clone(),
                url: path.display().to_string(),
            },
            _ => Error::io(&path, e),
        })?;
        let limit = Limits::default().max_manifest_bytes;
        let mut bytes = Vec::new();
        // Reading one byte past the limit tells "exactly at the limit" from "over it" without
        // trusting the file's metadata.
        file.take(limit + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| Error::io(&path, e))?;
        if bytes.len() as u64 > limit {
            return Err(Error::TooLarge {
                what,
                url: path.display().to_string(),
                limit,
                unit: "bytes",
            });
        }
        FetchedManifest::verified(Bytes::from(bytes), digest, listed_type, &what).map_err(|e| {
            match e {
                Error::DigestMismatch {
                    expected, actual, ..
                } => Error::DigestMismatch {
                    what: format!("{what} at {}", path.display()),
                    expected,
                    actual,
                },
                other => other,
            }
        })
    }

    /// The size of the blob `digest`, or `None` if the layout does not have it.
    pub fn blob_size(&self, digest: &Digest) -> Result<Option<u64>> {
        let path = self.blob_path(digest);
        match std::fs::metadata(&path) {
            Ok(m) if m.is_file() => Ok(Some(m.len())),
            Ok(_) => Ok(None),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::io(&path, e)),
        }
    }

    /// Opens the blob `digest` for streaming, with its size. The bytes are not verified here;
    /// the caller hashes them as they stream (as for a registry's blobs).
    pub async fn open_blob(&self, digest: &Digest) -> Result<(tokio::fs::File, u64)> {
        let path = self.blob_path(digest);
        let file = tokio::fs::File::open(&path)
            .await
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::NotFound => Error::NotFound {
                    what: format!("blob {digest}"),
                    url: path.display().to_string(),
                },
                _ => Error::io(&path, e),
            })?;
        let size = file
            .metadata()
            .await
            .map_err(|e| Error::io(&path, e))?
            .len();
        Ok((file, size))
    }

    /// A writer for the blob `expected`, checked against it (and `expected_size`) on finish.
    pub fn blob_writer(&self, expected: &Digest, expected_size: Option<u64>) -> Result<BlobWriter> {
        self.writable()?;
        BlobWriter::create(
            &self.blobs_dir(),
            self.blob_path(expected),
            expected,
            expected_size,
        )
    }

    /// The tags in index.json, in file order, each once.
    pub fn tags(&self) -> Result<Vec<String>> {
        Ok(IndexFile::read(&self.root)?.tags())
    }

    /// index.json's entries as they are, annotations included.
    pub fn manifests(&self) -> Result<Vec<Descriptor>> {
        Ok(IndexFile::read(&self.root)?.descriptors())
    }
}
