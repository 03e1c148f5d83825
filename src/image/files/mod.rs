//! The files inside layers: each layer's entries read as a stream (gzip, zstd or plain tar,
//! never extracted), kept in a small on-disk index by digest so a second look is instant, and
//! the merged filesystem a container sees, with which layer added, changed or deleted each path.

mod index;
mod merge;
mod read;
mod source;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::digest::Digest;
use crate::error::{Error, Result};
use crate::manifest::Descriptor;
use crate::store::Store;

pub use index::EntryIndex;
pub use merge::{merge, Change, ChangeKind, MergedEntry, MergedTree};

/// What an entry of a layer is: whiteouts are told by their names, the rest by the tar type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EntryKind {
    /// A regular file (GNU sparse files included).
    File,
    /// A folder.
    Dir,
    /// A symbolic link; its target is in [`LayerEntry::link`].
    Symlink,
    /// A hard link to another entry of the layers, named in [`LayerEntry::link`].
    Hardlink,
    /// A character device node.
    CharDevice,
    /// A block device node.
    BlockDevice,
    /// A named pipe (FIFO).
    Fifo,
    /// `.wh.NAME`: deletes NAME from the layers below.
    Whiteout,
    /// `.wh..wh..opq`: hides everything the layers below have in this folder.
    OpaqueDir,
}

/// One tar entry, its name cleaned (relative, no `.` or `..`); for whiteouts, the path deleted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LayerEntry {
    /// The cleaned path, relative to the root (empty for the root itself); a whiteout's is the
    /// path it deletes, an opaque folder's the folder.
    pub path: String,
    /// What the entry is: a file, a folder, a link, a device, or a whiteout.
    pub kind: EntryKind,
    /// The file's size in bytes; 0 for everything but regular files.
    pub size: u64,
    /// The permission bits from the tar header, setuid, setgid and sticky included.
    pub mode: u32,
    /// The owner's numeric user id.
    pub uid: u64,
    /// The owner's numeric group id.
    pub gid: u64,
    /// The modification time, in seconds since the Unix epoch (0 when the header has none).
    pub mtime: u64,
    /// A symbolic link's target as written, or a hard link's (cleaned) path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
}

/// An entry not listed, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refused {
    /// The entry's name as the archive writes it, not cleaned.
    pub name: String,
    /// Why it was not listed, for people: "its name climbs out of the root".
    pub reason: String,
}

/// Everything one layer holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LayerListing {
    /// The layer's blob digest, as the manifest names it.
    pub digest: Digest,
    /// gzip, zstd or none, as the bytes said.
    pub compression: String,
    /// Bytes of the uncompressed tar stream.
    pub uncompressed_size: u64,
    /// The entries listed, in archive order.
    pub entries: Vec<LayerEntry>,
    /// The entries not listed (names that climb out, tar types a layer does not hold), in
    /// archive order.
    pub refused: Vec<Refused>,
}

/// How far listing one layer may go: a small layer can expand without bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileLimits {
    /// The most uncompressed bytes read of one layer; past it the listing fails.
    pub max_bytes: u64,
    /// The most entries (listed and refused together) in one layer; past it the listing fails.
    pub max_entries: u64,
}

impl Default for FileLimits {
    /// Far above real images (the largest CUDA layers are a few GiB and a few hundred thousand
    /// files), far below what would exhaust a machine.
    fn default() -> Self {
        FileLimits {
            max_bytes: 64 << 30,
            max_entries: 2_000_000,
        }
    }
}

/// Lists the layer `layer` of `store`: from `index` when it has this digest, else by reading
/// the blob once, verified against its digest (a listing of bytes that do not match is
/// refused), and then kept in `index`.
pub async fn list_layer(
    store: &Store,
    layer: &Descriptor,
    limits: &FileLimits,
    index: Option<&EntryIndex>,
) -> Result<LayerListing> {
    if let Some(listing) = index.and_then(|i| i.get(&layer.digest)) {
        return Ok(listing);
    }
    let mut bytes = source::open(store, layer).await?;
    let (digest, limits) = (layer.digest.clone(), *limits);
    let listing = tokio::task::spawn_blocking(move || -> Result<LayerListing> {
        let what = format!("layer {digest}");
        let listed = read::entries(&mut bytes, &limits, &what)?;
        // Trailing bytes after the archive's end still count toward the digest.
        bytes.finish()?;
        Ok(LayerListing {
            digest,
            compression: listed.compression.to_string(),
            uncompressed_size: listed.uncompressed,
            entries: listed.entries,
            refused: listed.refused,
        })
    })
    .await
    .map_err(|e| Error::Internal(format!("listing the layer stopped: {e}")))??;
    if let Some(index) = index {
        index.put(&listing);
    }
    Ok(listing)
}

/// The first bytes of a file in a layer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FilePreview {
    /// The file's first bytes, at most as many as were asked for.
    pub bytes: Vec<u8>,
    /// The whole file's size.
    pub size: u64,
    /// True when the file goes on past these bytes.
    pub truncated: bool,
}

/// The first `max` bytes of the regular file `path` in `layer`. The whole layer is read and
/// verified before anything is returned: bytes from a blob that does not match its digest are
/// never shown.
pub async fn read_file(
    store: &Store,
    layer: &Descriptor,
    path: &str,
    max: usize,
) -> Result<FilePreview> {
    let wanted = read::clean(path)
        .ok_or_else(|| Error::Invalid(format!("{path}: not a path inside a layer")))?;
    let mut bytes = source::open(store, layer).await?;
    let (digest, limits) = (layer.digest.clone(), FileLimits::default());
    tokio::task::spawn_blocking(move || -> Result<FilePreview> {
        let what = format!("layer {digest}");
        let mut preview = None;
        let hit = read::find_file(&mut bytes, &limits, &what, &wanted, &mut |entry, size| {
            let mut out = Vec::with_capacity(max.min(size as usize));
            std::io::Read::read_to_end(&mut std::io::Read::take(entry, max as u64), &mut out)
                .map_err(|e| Error::Invalid(format!("{what}: {wanted}: {e}")))?;
            preview = Some(FilePreview {
                truncated: (out.len() as u64) < size,
                bytes: out,
                size,
            });
            Ok(())
        })?;
        bytes.finish()?;
        match (hit, preview) {
            (true, Some(p)) => Ok(p),
            _ => Err(Error::NotFound {
                what: format!("the file {wanted} (a regular file)"),
                url: what,
            }),
        }
    })
    .await
    .map_err(|e| Error::Internal(format!("reading the layer stopped: {e}")))?
}

/// Writes the regular file `path` of `layer` to `dest`. It appears under its name only once
/// the whole layer checked out against its digest; on any failure nothing is left behind.
pub async fn save_file(store: &Store, layer: &Descriptor, path: &str, dest: &Path) -> Result<u64> {
    let wanted = read::clean(path)
        .ok_or_else(|| Error::Invalid(format!("{path}: not a path inside a layer")))?;
    let parent = dest
        .parent()
        .ok_or_else(|| Error::Invalid(format!("{}: no folder to save in", dest.display())))?
        .to_path_buf();
    let mut bytes = source::open(store, layer).await?;
    let (digest, dest) = (layer.digest.clone(), dest.to_path_buf());
    tokio::task::spawn_blocking(move || -> Result<u64> {
        let what = format!("layer {digest}");
        let mut tmp =
            tempfile::NamedTempFile::new_in(&parent).map_err(|e| Error::io(&parent, e))?;
        let mut written = 0;
        let hit = read::find_file(
            &mut bytes,
            &FileLimits::default(),
            &what,
            &wanted,
            &mut |entry, _| {
                written = std::io::copy(entry, tmp.as_file_mut())
                    .map_err(|e| Error::io(tmp.path(), e))?;
                Ok(())
            },
        )?;
        bytes.finish()?;
        if !hit {
            return Err(Error::NotFound {
                what: format!("the file {wanted} (a regular file)"),
                url: what,
            });
        }
        tmp.as_file()
            .sync_all()
            .map_err(|e| Error::io(tmp.path(), e))?;
        tmp.persist(&dest).map_err(|e| Error::io(&dest, e.error))?;
        Ok(written)
    })
    .await
    .map_err(|e| Error::Internal(format!("saving the file stopped: {e}")))?
}

/// An image's layers listed, and the filesystem they make together.
#[derive(Debug, Clone, Serialize)]
pub struct ImageFiles {
    /// Each layer's listing, bottom first, in the manifest's order.
    pub layers: Vec<LayerListing>,
    /// The filesystem the layers make together, as a container sees it.
    pub tree: MergedTree,
}

/// Lists every layer of `image` (in parallel, two at a time) and merges them.
pub async fn image_files(
    store: &Store,
    layers: &[Descriptor],
    limits: &FileLimits,
    index: Option<&EntryIndex>,
) -> Result<ImageFiles> {
    use futures::future::BoxFuture;
    use futures::stream::{self, StreamExt, TryStreamExt};
    use futures::FutureExt;
    // Boxed up front: a closure-made stream of futures is not `Send` for every lifetime, and
    // the app runs this on spawned tasks.
    let reads: Vec<BoxFuture<'_, Result<LayerListing>>> = layers
        .iter()
        .map(|l| list_layer(store, l, limits, index).boxed())
        .collect();
    let listings: Vec<LayerListing> = stream::iter(reads)
        .buffered(LAYERS_AT_ONCE)
        .try_collect()
        .await?;
    let tree = merge(&listings);
    Ok(ImageFiles {
        layers: listings,
        tree,
    })
}

/// Layers read at once: decompression is the cost, and two cores are common.
const LAYERS_AT_ONCE: usize = 2;

/// Where the entry index lives under a cache folder.
pub fn index_dir(cache: &std::path::Path) -> PathBuf {
    cache.join("layer-entries")
}
