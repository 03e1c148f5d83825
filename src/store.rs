//! One interface over the two places artifacts live, a registry repository and an OCI layout,
//! so that push, pull, copy and delete are written once.

use std::path::Path;
use std::sync::Arc;

use bytes::Bytes;

use crate::digest::{Digest, Hasher};
use crate::error::{Error, Result};
use crate::known_blobs::KnownBlobs;
use crate::layout::Layout;
use crate::location::Location;
use crate::manifest::Descriptor;
use crate::manifest::FetchedManifest;
use crate::reference::Reference;
use crate::registry::{Client, PushedManifest, Registry, UploadOptions};
use crate::transfer::{Cancel, Outcome, Progress};

/// Where manifests and blobs are read and written: a registry repository or an OCI layout.
#[derive(Clone)]
pub enum Store {
    /// A repository on a registry.
    Remote {
        /// The registry's connection and credentials, shared by every store on that registry.
        registry: Arc<Registry>,
        /// The repository path on that registry (`library/alpine`).
        repository: String,
    },
    /// An OCI image layout on disk, or a layout archive unpacked read-only.
    Layout(Layout),
}

/// How far a read of a local file goes before checking for cancellation and reporting.
const READ_CHUNK: usize = 1 << 20;

impl Store {
    /// The store a location names. A layout is created when `create` is set and it is missing.
    /// A layout `.tar` is unpacked (read-only) under `cache`, once per version of the file.
    pub async fn open(
        client: &Client,
        location: &Location,
        create: bool,
        cache: &Path,
    ) -> Result<Store> {
        match location {
            Location::Remote(r) => Ok(Store::Remote {
                registry: client.registry(&r.registry).await?,
                repository: r.repository.clone(),
            }),
            Location::Layout { path, .. } => {
                let (path, cache) = (path.clone(), cache.to_path_buf());
                let layout = blocking(move || {
                    if path.is_file() {
                        open_archive(&path, &cache)
                    } else if create {
                        Layout::open_or_create(path)
                    } else {
                        Layout::open(path)
                    }
                })
                .await?;
                Ok(Store::Layout(layout))
            }
        }
    }

    /// How people name this store: `registry/repository` or `oci:PATH`.
    pub fn name(&self) -> String {
        match self {
            Store::Remote {
                registry,
                repository,
            } => format!("{}/{repository}", registry.name()),
            Store::Layout(l) => format!("oci:{}", l.root().display()),
        }
    }

    /// The registry behind a remote store.
    pub fn registry(&self) -> Option<(&Arc<Registry>, &str)> {
        match self {
            Store::Remote {
                registry,
                repository,
            } => Some((registry, repository)),
            Store::Layout(_) => None,
        }
    }

    /// The reference a tag or digest names in a registry repository.
    pub(crate) fn reference(
        registry: &Registry,
        repository: &str,
        selector: &str,
    ) -> Result<Reference> {
        let base = Reference::repository(registry.name(), repository)?;
        Ok(match selector.parse::<Digest>() {
            Ok(d) => base.with_digest(d),
            Err(_) => base.with_tag(selector)?,
        })
    }

    /// The descriptor a tag or digest names.
    pub async fn resolve(&self, selector: &str) -> Result<Descriptor> {
        match self {
            Store::Remote {
                registry,
                repository,
            } => {
                let reference = Store::reference(registry, repository, selector)?;
                let (digest, media_type, size) = registry.resolve(&reference).await?;
                Ok(Descriptor::new(&media_type, digest, size))
            }
            Store::Layout(l) => l.resolve(selector),
        }
    }

    /// A manifest by tag or digest, verified.
    pub async fn fetch_manifest(&self, selector: &str) -> Result<FetchedManifest> {
        match self {
            Store::Remote {
                registry,
                repository,
            } => {
                registry
                    .fetch_manifest(&Store::reference(registry, repository, selector)?)
                    .await
            }
            Store::Layout(l) => {
                let digest = match selector.parse::<Digest>() {
                    Ok(d) => d,
                    Err(_) => l.resolve(selector)?.digest,
                };
                l.fetch_manifest(&digest)
            }
        }
    }

    /// The size in bytes of blob `digest` as the store reports it, or `None` if it is not there.
    pub async fn blob_size(&self, digest: &Digest) -> Result<Option<u64>> {
        match self {
            Store::Remote {
                registry,
                repository,
            } => registry.blob_exists(repository, digest).await,
            Store::Layout(l) => l.blob_size(digest),
        }
    }

    /// The record of where blobs were seen, kept by a registry store's client.
    pub fn known_blobs(&self) -> Option<&KnownBlobs> {
        match self {
            Store::Remote { registry, .. } => registry.known_blobs(),
            Store::Layout(_) => None,
        }
    }

    /// Links `digest` from another repository of the same registry where it was seen before.
    /// Returns whether it did; a layout never mounts.
    pub async fn mount_known(&self, digest: &Digest) -> Result<bool> {
        match self {
            Store::Remote {
                registry,
                repository,
            } => registry.mount_known(repository, digest).await,
            Store::Layout(_) => Ok(false),
        }
    }

    /// The repository of the same registry a push would mount `digest` from first, if any.
    pub fn mount_source(&self, digest: &Digest) -> Option<String> {
        match self {
            Store::Remote {
                registry,
                repository,
            } => registry.known_places(digest, repository).into_iter().next(),
            Store::Layout(_) => None,
        }
    }

    /// Stores a small blob held in memory, unless the store has it.
    pub async fn push_blob_bytes(&self, bytes: Bytes) -> Result<Digest> {
        let digest = Digest::sha256_of(&bytes);
        if self.blob_size(&digest).await?.is_some() {
            return Ok(digest);
        }
        match self {
            Store::Remote {
                registry,
                repository,
            } => registry.push_blob_bytes(repository, bytes).await,
            Store::Layout(l) => {
                let digest = Digest::sha256_of(&bytes);
                let mut w = l.blob_writer(&digest, Some(bytes.len() as u64))?;
                w.write(&bytes).await?;
                Ok(w.finish().await?.0)
            }
        }
    }

    /// Stores a file as a blob. A known digest lets the store skip what it has; the bytes sent
    /// are hashed all the same, so a file that changed is caught.
    pub async fn push_blob_file(
        &self,
        path: &Path,
        known: Option<(&Digest, u64)>,
        options: &UploadOptions,
        progress: Progress<'_>,
        cancel: &Cancel,
    ) -> Result<(Digest, u64, Outcome)> {
        if let Some((digest, size)) = known {
            if self.blob_size(digest).await?.is_some() {
                progress(size);
                return Ok((digest.clone(), size, Outcome::Skipped));
            }
            if self.mount_known(digest).await? {
                progress(size);
                return Ok((digest.clone(), size, Outcome::Mounted));
            }
        }
        match self {
            Store::Remote {
                registry,
                repository,
            } => {
                let (d, n) = registry
                    .push_blob_file(repository, path, known, options, progress, cancel)
                    .await?;
                Ok((d, n, Outcome::Uploaded))
            }
            Store::Layout(l) => {
                // A layout's writer wants the digest first: local files are read twice, which
                // costs little next to a network upload and keeps the writer verifying.
                let (digest, size) = match known {
                    Some((d, n)) => (d.clone(), n),
                    None => hash_file(path, cancel).await?,
                };
                if l.blob_size(&digest)?.is_some() {
                    progress(size);
                    return Ok((digest, size, Outcome::Skipped));
                }
                let mut writer = l.blob_writer(&digest, Some(size))?;
                let mut file = tokio::fs::File::open(path)
                    .await
                    .map_err(|e| Error::io(path, e))?;
                let mut buf = vec![0u8; READ_CHUNK];
                let mut done = 0u64;
                loop {
                    if cancel.is_cancelled() {
                        return Err(crate::Error::Cancelled);
                    }
                    let n = tokio::io::AsyncReadExt::read(&mut file, &mut buf)
                        .await
                        .map_err(|e| Error::io(path, e))?;
                    if n == 0 {
                        break;
                    }
                    writer.write(&buf[..n]).await?;
                    done += n as u64;
                    progress(done);
                }
                let (d, n) = writer.finish().await.map_err(|e| match e {
                    Error::DigestMismatch {
                        expected, actual, ..
                    } => Error::DigestMismatch {
                        what: format!("file {} (it changed while being stored)", path.display()),
                        expected,
                        actual,
                    },
                    other => other,
                })?;
                Ok((d, n, Outcome::Uploaded))
            }
        }
    }

    /// Stores manifest bytes, under each tag (or by digest alone when there are none).
    pub async fn push_manifest(
        &self,
        bytes: Bytes,
        media_type: &str,
        tags: &[String],
    ) -> Result<PushedManifest> {
        match self {
            Store::Remote {
                registry,
                repository,
            } => {
                let digest = Digest::sha256_of(&bytes);
                let first = tags.first().cloned().unwrap_or_else(|| digest.to_string());
                let pushed = registry
                    .push_manifest(repository, &first, media_type, bytes.clone())
                    .await?;
                for tag in tags.iter().skip(1) {
                    registry
                        .push_manifest(repository, tag, media_type, bytes.clone())
                        .await?;
                }
                Ok(pushed)
            }
            Store::Layout(l) => {
                let (layout, body, mt, tg) = (
                    l.clone(),
                    bytes.clone(),
                    media_type.to_string(),
                    tags.to_vec(),
                );
                let d = blocking(move || layout.put_manifest(&body, &mt, &tg)).await?;
                // A layout's referrers are found by reading its manifests: no fallback tag needed.
                let subject = crate::manifest::Manifest::parse(&bytes, Some(media_type))
                    .ok()
                    .and_then(|m| m.subject().map(|s| s.digest.clone()));
                Ok(PushedManifest {
                    digest: d.digest,
                    size: d.size,
                    subject,
                })
            }
        }
    }

    /// Points `tag` at `manifest`: on a registry by pushing its bytes again under the tag, in a
    /// layout by an entry in index.json (the manifest must already be there).
    pub async fn tag(&self, manifest: &FetchedManifest, tag: &str) -> Result<()> {
        match self {
            Store::Remote {
                registry,
                repository,
            } => {
                registry
                    .push_manifest(
                        repository,
                        tag,
                        &manifest.media_type,
                        manifest.bytes.clone(),
                    )
                    .await?;
                Ok(())
            }
            Store::Layout(l) => {
                let d = Descriptor::new(
                    &manifest.media_type,
                    manifest.digest.clone(),
                    manifest.bytes.len() as u64,
                );
                let (layout, tag) = (l.clone(), tag.to_string());
                blocking(move || layout.tag(&d, &tag)).await
            }
        }
    }

    /// The referrers of `subject`, optionally only those of `artifact_type`: on a registry from
    /// the Referrers API or its fallback tag, in a layout by reading every manifest.
    pub async fn referrers(
        &self,
        subject: &Digest,
        artifact_type: Option<&str>,
    ) -> Result<Vec<Descriptor>> {
        match self {
            Store::Remote {
                registry,
                repository,
            } => Ok(registry
                .referrers(repository, subject, artifact_type)
                .await?
                .descriptors),
            Store::Layout(l) => {
                // The subject scan reads every manifest in the layout.
                let (layout, subject) = (l.clone(), subject.clone());
                let artifact_type = artifact_type.map(str::to_string);
                blocking(move || layout.referrers(&subject, artifact_type.as_deref())).await
            }
        }
    }

    /// Every tag in the repository or layout, in the order the registry or index.json gives.
    pub async fn tags(&self) -> Result<Vec<String>> {
        match self {
            Store::Remote {
                registry,
                repository,
            } => registry.tags(repository).await,
            Store::Layout(l) => l.tags(),
        }
    }

    /// Removes a manifest; on a registry, by digest (every tag on it goes too).
    pub async fn delete_manifest(&self, digest: &Digest) -> Result<()> {
        match self {
            Store::Remote {
                registry,
                repository,
            } => registry.delete_manifest(repository, digest).await,
            Store::Layout(l) => {
                let (layout, d) = (l.clone(), digest.clone());
                if blocking(move || layout.delete_manifest(&d)).await? {
                    Ok(())
                } else {
                    Err(Error::NotFound {
                        what: format!("manifest {digest}"),
                        url: self.name(),
                    })
                }
            }
        }
    }

    /// Writes a blob to `path`, verified; nothing is left at `path` if it fails.
    pub async fn download_blob(
        &self,
        desc: &Descriptor,
        path: &Path,
        progress: Progress<'_>,
    ) -> Result<u64> {
        match self {
            Store::Remote {
                registry,
                repository,
            } => {
                registry
                    .download_blob_with(repository, &desc.digest, desc.size, path, progress)
                    .await
            }
            Store::Layout(l) => {
                let source = l.blob_path(&desc.digest);
                let tmp = path.with_file_name(format!(
                    ".{}.{}.partial",
                    path.file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default(),
                    std::process::id()
                ));
                let wrong_size = |actual| Error::SizeMismatch {
                    what: format!("blob {} in {}", desc.digest, self.name()),
                    expected: desc.size,
                    actual,
                };
                // A layout may come from anywhere (an archive, a shared folder): its file is
                // held to the descriptor's size before a byte is copied.
                let on_disk = tokio::fs::metadata(&source)
                    .await
                    .map_err(|e| Error::io(&source, e))?
                    .len();
                if on_disk != desc.size {
                    return Err(wrong_size(on_disk));
                }
                let copied = tokio::fs::copy(&source, &tmp)
                    .await
                    .map_err(|e| Error::io(&source, e))
                    .and_then(|n| {
                        if n == desc.size {
                            Ok(n)
                        } else {
                            Err(wrong_size(n))
                        }
                    });
                let verified = match copied {
                    Ok(n) => hash_file(&tmp, &Cancel::new()).await.and_then(|(d, _)| {
                        if d == desc.digest {
                            Ok(n)
                        } else {
                            Err(Error::DigestMismatch {
                                what: format!("blob {} in {}", desc.digest, self.name()),
                                expected: desc.digest.clone(),
                                actual: d,
                            })
                        }
                    }),
                    Err(e) => Err(e),
                };
                match verified {
                    Ok(n) => {
                        tokio::fs::rename(&tmp, path)
                            .await
                            .map_err(|e| Error::io(path, e))?;
                        progress(n);
                        Ok(n)
                    }
                    Err(e) => {
                        let _ = tokio::fs::remove_file(&tmp).await;
                        Err(e)
                    }
                }
            }
        }
    }
}

/// Opens a layout archive through its unpacked copy under `cache`, keyed by the file's path,
/// size and modification time, so an unchanged archive is unpacked once.
fn open_archive(path: &Path, cache: &Path) -> Result<Layout> {
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    let canonical = std::fs::canonicalize(path).map_err(|e| Error::io(path, e))?;
    let mtime = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos());
    let key =
        Digest::sha256_of(format!("{}\0{}\0{mtime}", canonical.display(), meta.len()).as_bytes());
    let dir = cache.join("layouts").join(&key.hex()[..32]);
    if dir.join("done").exists() {
        if let Some(root) = std::fs::read_to_string(dir.join("done"))
            .ok()
            .map(std::path::PathBuf::from)
        {
            if let Ok(mut layout) = Layout::open(&root) {
                layout.mark_archive(path);
                return Ok(layout);
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    let scratch = dir.join("layout");
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    let layout = Layout::open_tar(path, &scratch)?;
    let _ = std::fs::write(dir.join("done"), layout.root().display().to_string());
    Ok(layout)
}

/// Runs a layout call that may wait on the index lock, or read many files, off the async threads.
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T> + Send + 'static,
) -> Result<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| Error::Internal(format!("a layout operation failed: {e}")))?
}

/// The sha256 and size of a file, read in chunks off the async threads' way.
pub async fn hash_file(path: &Path, cancel: &Cancel) -> Result<(Digest, u64)> {
    let mut file = tokio::fs::File::open(path)
        .await
        .map_err(|e| Error::io(path, e))?;
    let mut hasher = Hasher::new(crate::digest::Algorithm::Sha256);
    let mut buf = vec![0u8; READ_CHUNK];
    let mut size = 0u64;
    loop {
        if cancel.is_cancelled() {
            return Err(crate::Error::Cancelled);
        }
        let n = tokio::io::AsyncReadExt::read(&mut file, &mut buf)
            .await
            .map_err(|e| Error::io(path, e))?;
        if n == 0 {
            return Ok((hasher.finish(), size));
        }
        hasher.update(&buf[..n]);
        size += n as u64;
    }
}
