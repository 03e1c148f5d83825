//! `docker save` archives (docker-archive: `manifest.json`, a config and a tar per layer),
//! turned into an OCI layout beside where they were unpacked: every file hashed and moved under
//! `blobs/`, each image given an OCI manifest and tagged by its `RepoTags`.
//!
//! The archive was unpacked with the layout archive rules (no `..`, no links leading out), and
//! the names `manifest.json` gives are checked again before any file is opened.

use std::collections::HashSet;
use std::fs::File;
use std::io::Read;
use std::path::{Component, Path};

use serde::Deserialize;

use super::Layout;
use crate::digest::{Algorithm, Digest, Hasher};
use crate::error::{Error, Result};
use crate::manifest::media_type::{OCI_CONFIG, OCI_LAYER_GZIP, OCI_MANIFEST};
use crate::manifest::Descriptor;

const MANIFEST_FILE: &str = "manifest.json";
const MAX_MANIFEST_FILE: u64 = 16 << 20;
const OCI_LAYER_TAR: &str = "application/vnd.oci.image.layer.v1.tar";
const OCI_LAYER_ZSTD: &str = "application/vnd.oci.image.layer.v1.tar+zstd";

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Entry {
    config: String,
    #[serde(default)]
    repo_tags: Option<Vec<String>>,
    layers: Vec<String>,
}

/// Whether `unpacked` holds a docker-archive (and not an OCI layout, which docker 25 writes
/// beside its `manifest.json` and which is read as such).
pub(super) fn is_docker_archive(unpacked: &Path) -> bool {
    unpacked.join(MANIFEST_FILE).is_file() && !unpacked.join("oci-layout").is_file()
}

/// Builds the layout at `layout_dir` from the docker-archive unpacked at `unpacked`.
pub(super) fn convert(unpacked: &Path, layout_dir: &Path) -> Result<Layout> {
    let listing = unpacked.join(MANIFEST_FILE);
    let mut text = Vec::new();
    File::open(&listing)
        .and_then(|f| f.take(MAX_MANIFEST_FILE + 1).read_to_end(&mut text))
        .map_err(|e| Error::io(&listing, e))?;
    if text.len() as u64 > MAX_MANIFEST_FILE {
        return Err(Error::Invalid(format!(
            "{} is over {} MiB",
            listing.display(),
            MAX_MANIFEST_FILE >> 20
        )));
    }
    let entries: Vec<Entry> = serde_json::from_slice(&text).map_err(|e| {
        Error::Invalid(format!(
            "{}: not a docker-archive manifest: {e}",
            listing.display()
        ))
    })?;
    if entries.is_empty() {
        return Err(Error::Invalid(format!(
            "{} lists no images",
            listing.display()
        )));
    }
    let layout = Layout::open_or_create(layout_dir)?;
    let mut used = HashSet::new();
    for (n, entry) in entries.iter().enumerate() {
        let config = import(&layout, unpacked, &entry.config, OCI_CONFIG)?;
        let layers = entry
            .layers
            .iter()
            .map(|l| import(&layout, unpacked, l, "layer"))
            .collect::<Result<Vec<_>>>()?;
        let manifest = serde_json::json!({
            "schemaVersion": 2,
            "mediaType": OCI_MANIFEST,
            "config": config,
            "layers": layers,
        });
        let bytes = serde_json::to_vec(&manifest).map_err(|e| Error::Internal(e.to_string()))?;
        let tags = tags_of(entry, n, &mut used);
        layout.put_manifest(&bytes, OCI_MANIFEST, &tags)?;
    }
    Ok(layout)
}

/// The tags an image gets: the tag of each `name:tag` it was saved as, once across the archive;
/// `image-N` when it has none left.
fn tags_of(entry: &Entry, n: usize, used: &mut HashSet<String>) -> Vec<String> {
    let mut tags: Vec<String> = entry
        .repo_tags
        .iter()
        .flatten()
        .filter_map(|r| {
            let (name, tag) = r.rsplit_once(':')?;
            (!tag.contains('/') && !name.is_empty()).then(|| tag.to_string())
        })
        .filter(|t| super::write::validate_tag(t).is_ok() && used.insert(t.clone()))
        .collect();
    if tags.is_empty() {
        let fallback = format!("image-{}", n + 1);
        used.insert(fallback.clone());
        tags.push(fallback);
    }
    tags
}

/// Hashes the archive's file `name` and moves it under the layout's blobs; its descriptor.
/// `kind` is the media type, or "layer" to tell a layer's compression from its first bytes.
fn import(layout: &Layout, unpacked: &Path, name: &str, kind: &str) -> Result<Descriptor> {
    let relative = Path::new(name);
    let plain = relative
        .components()
        .all(|c| matches!(c, Component::Normal(_) | Component::CurDir));
    if !plain {
        return Err(Error::Invalid(format!(
            "manifest.json names {name:?}, which is not a file inside the archive"
        )));
    }
    let path = unpacked.join(relative);
    let meta = std::fs::symlink_metadata(&path).map_err(|e| Error::io(&path, e))?;
    if !meta.is_file() {
        return Err(Error::Invalid(format!(
            "{name} in the archive is not a regular file"
        )));
    }
    let mut file = File::open(&path).map_err(|e| Error::io(&path, e))?;
    let mut hasher = Hasher::new(Algorithm::Sha256);
    let mut head = Vec::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut size = 0u64;
    loop {
        let n = file.read(&mut buf).map_err(|e| Error::io(&path, e))?;
        if n == 0 {
            break;
        }
        if head.len() < 4 {
            head.extend_from_slice(&buf[..n.min(4)]);
        }
        hasher.update(&buf[..n]);
        size += n as u64;
    }
    let digest: Digest = hasher.finish();
    let media_type = match kind {
        "layer" if head.starts_with(&[0x1f, 0x8b]) => OCI_LAYER_GZIP,
        "layer" if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) => OCI_LAYER_ZSTD,
        "layer" => OCI_LAYER_TAR,
        other => other,
    };
    let target = layout.blob_path(&digest);
    if !target.exists() {
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        // Same filesystem: a rename, not a copy. A layer two images share moves once.
        std::fs::rename(&path, &target).map_err(|e| Error::io(&path, e))?;
    }
    Ok(Descriptor::new(media_type, digest, size))
}
