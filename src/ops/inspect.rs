//! Reading one manifest or blob as it is stored, for people to look at (the app's details panel).

use std::io::Read;

use crate::digest::{Digest, Hasher};
use crate::error::{Error, Result};
use crate::manifest::{media_type, Descriptor};
use crate::store::Store;

/// The first bytes of a manifest or blob, exactly as served.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Content {
    /// The bytes read: the whole content, or its first `cap` bytes.
    pub bytes: Vec<u8>,
    /// The whole size, which can be more than `bytes` holds.
    pub size: u64,
    /// Whether the read stopped at the cap; a truncated prefix is not checked against the digest.
    pub truncated: bool,
}

/// Reads `digest` from `store`: a manifest by the manifest endpoint (media types of manifests
/// and indexes), anything else as a blob, stopping after `cap` bytes. Whatever is read whole is
/// verified against the digest; a truncated prefix cannot be, and says so.
pub async fn content(store: &Store, digest: &Digest, media: &str, cap: usize) -> Result<Content> {
    read(store, digest, media, None, cap).await
}

/// As [`content`], for what a descriptor names: its size is taken as stated (and checked when
/// the read ends) rather than asked of the registry first, which saves a round trip per blob
/// where many small ones are read (signature layers, SBOMs).
pub async fn described(store: &Store, descriptor: &Descriptor, cap: usize) -> Result<Content> {
    let size = Some(descriptor.size);
    read(store, &descriptor.digest, &descriptor.media_type, size, cap).await
}

async fn read(
    store: &Store,
    digest: &Digest,
    media: &str,
    known_size: Option<u64>,
    cap: usize,
) -> Result<Content> {
    if media_type::is_manifest(media) {
        let fetched = store.fetch_manifest(&digest.to_string()).await?;
        let size = fetched.bytes.len() as u64;
        let truncated = fetched.bytes.len() > cap;
        let mut bytes = fetched.bytes.to_vec();
        bytes.truncate(cap);
        return Ok(Content {
            bytes,
            size,
            truncated,
        });
    }
    let mut bytes = Vec::new();
    let (size, whole) = match store {
        Store::Remote {
            registry,
            repository,
        } => {
            // The size bounds the read; the details panel names blobs by digest alone.
            let size = match known_size {
                Some(size) => size,
                None => registry
                    .blob_exists(repository, digest)
                    .await?
                    .ok_or_else(|| Error::NotFound {
                        what: format!("blob {digest}"),
                        url: store.name(),
                    })?,
            };
            let mut stream = registry.fetch_blob(repository, digest, size).await?;
            let mut whole = false;
            loop {
                match stream.next_chunk().await? {
                    Some(chunk) => {
                        bytes.extend_from_slice(&chunk);
                        if bytes.len() > cap {
                            break;
                        }
                    }
                    None => {
                        // The stream checked digest and size at its end.
                        whole = true;
                        break;
                    }
                }
            }
            (size, whole)
        }
        Store::Layout(layout) => {
            let (file, size) = layout.open_blob(digest).await?;
            let path = layout.blob_path(digest);
            let file = file.into_std().await;
            let digest = digest.clone();
            // SBOMs run to hundreds of MB: one read into a buffer of the known size and the
            // hash, both off the async threads, rather than tokio's small chunks, a growing
            // buffer and a hash that holds a runtime thread.
            let read = tokio::task::spawn_blocking(move || {
                let mut bytes = Vec::with_capacity(size.min(cap as u64 + 1) as usize);
                file.take(cap as u64 + 1)
                    .read_to_end(&mut bytes)
                    .map_err(|e| Error::io(&path, e))?;
                let whole = bytes.len() as u64 == size && bytes.len() <= cap;
                if whole {
                    let mut hasher = Hasher::new(digest.algorithm());
                    hasher.update(&bytes);
                    let actual = hasher.finish();
                    if actual != digest {
                        return Err(Error::DigestMismatch {
                            what: format!("blob at {}", path.display()),
                            expected: digest,
                            actual,
                        });
                    }
                }
                Ok((bytes, whole))
            });
            let (read, whole) = read
                .await
                .map_err(|e| Error::Internal(format!("reading a blob stopped: {e}")))??;
            bytes = read;
            (size, whole)
        }
    };
    let truncated = !whole || bytes.len() > cap;
    bytes.truncate(cap);
    Ok(Content {
        bytes,
        size,
        truncated,
    })
}
