//! Pull: an artifact's layers written to a folder under their titles, folders unpacked, every
//! digest verified, and nothing left behind when anything fails.

use std::path::{Component, Path, PathBuf};

use serde::Serialize;

use crate::digest::Digest;
use crate::error::{Error, Result};
use crate::manifest::{Descriptor, Manifest};
use crate::pack::{self, ORAS_DIGEST, ORAS_UNPACK, TITLE_ANNOTATION};
use crate::registry::Cancel;
use crate::store::Store;
use crate::transfer::{Outcome, Transfer};

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Pulled {
    pub digest: Digest,
    /// What was written, relative to the output folder.
    pub files: Vec<PathBuf>,
    /// Layers without a title: nothing to call them, so not written (as oras does).
    pub skipped: Vec<Digest>,
}

/// A title is a relative path of normal components; anything else could write outside `dest`.
pub fn safe_title(title: &str) -> Result<PathBuf> {
    let path = Path::new(title);
    let ok = !title.is_empty()
        && !title.contains('\0')
        && !title.contains('\\')
        && path.components().all(|c| matches!(c, Component::Normal(_)));
    if ok {
        Ok(path.to_path_buf())
    } else {
        Err(Error::Invalid(format!(
            "refusing the layer title {title:?}: titles must be relative paths without '..'"
        )))
    }
}

/// Pulls the manifest `selector` names from `store` into `dest` (created if missing).
pub async fn pull(
    store: &Store,
    selector: &str,
    dest: &Path,
    transfer: &Transfer,
    cancel: &Cancel,
) -> Result<Pulled> {
    let fetched = store.fetch_manifest(selector).await?;
    let manifest = match fetched.parse()? {
        Manifest::Image(m) => m,
        Manifest::Index(index) => {
            let platforms: Vec<String> = index
                .manifests
                .iter()
                .map(|d| match &d.platform {
                    Some(p) => format!("{p} {}", d.digest),
                    None => d.digest.to_string(),
                })
                .collect();
            return Err(Error::Invalid(format!(
                "{} is an index; pull one of its manifests by digest: {}",
                fetched.digest,
                platforms.join(", ")
            )));
        }
    };
    // Every title is checked before a byte is written.
    let mut wanted: Vec<(PathBuf, &Descriptor)> = Vec::new();
    let mut skipped = Vec::new();
    for layer in &manifest.layers {
        match layer.annotations.get(TITLE_ANNOTATION) {
            Some(title) => wanted.push((safe_title(title)?, layer)),
            None => skipped.push(layer.digest.clone()),
        }
    }
    std::fs::create_dir_all(dest).map_err(|e| Error::io(dest, e))?;
    for (title, _) in &wanted {
        let target = dest.join(title);
        if target.is_dir() {
            return Err(Error::Invalid(format!(
                "{} exists and is a folder; remove it or pull into another folder",
                target.display()
            )));
        }
    }
    let staging = tempfile::Builder::new()
        .prefix(".stowage-pull-")
        .tempdir_in(dest)
        .map_err(|e| Error::io(dest, e))?;
    let ids: Vec<usize> = wanted
        .iter()
        .map(|(title, d)| transfer.add(title.to_string_lossy(), Some(d.digest.clone()), d.size))
        .collect();
    for ((title, layer), id) in wanted.iter().zip(ids) {
        if cancel.is_cancelled() {
            return Err(Error::Cancelled);
        }
        let result = fetch_layer(store, layer, title, staging.path(), &|n| {
            transfer.advance(id, n)
        })
        .await;
        match result {
            Ok(()) => transfer.finish(id, &layer.digest, Outcome::Downloaded),
            Err(e) => {
                transfer.fail(id, e.to_string());
                return Err(e);
            }
        }
    }
    // All verified: move into place. A file of the same name is replaced in one rename.
    let mut files = Vec::new();
    for (title, _) in &wanted {
        let target = dest.join(title);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        let staged = staging.path().join(title);
        std::fs::rename(&staged, &target).map_err(|e| Error::io(&target, e))?;
        files.push(title.clone());
    }
    Ok(Pulled {
        digest: fetched.digest,
        files,
        skipped,
    })
}

async fn fetch_layer(
    store: &Store,
    layer: &Descriptor,
    title: &Path,
    staging: &Path,
    progress: &(dyn Fn(u64) + Send + Sync),
) -> Result<()> {
    let target = staging.join(title);
    if let Some(parent) = target.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    }
    let unpack = layer.annotations.get(ORAS_UNPACK).map(String::as_str) == Some("true");
    if !unpack {
        store.download_blob(layer, &target, progress).await?;
        return Ok(());
    }
    let archive = staging.join(format!(".{}.tar.gz", layer.digest.hex()));
    store.download_blob(layer, &archive, progress).await?;
    let into = target.parent().unwrap_or(staging).to_path_buf();
    let expected = layer.annotations.get(ORAS_DIGEST).cloned();
    let title_name = title
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let unpacked = tokio::task::spawn_blocking(move || -> Result<pack::UnpackedDir> {
        let file = std::fs::File::open(&archive).map_err(|e| Error::io(&archive, e))?;
        let out = pack::unpack(std::io::BufReader::new(file), &into);
        let _ = std::fs::remove_file(&archive);
        out
    })
    .await
    .map_err(|e| Error::Invalid(format!("unpacking failed: {e}")))??;
    if let Some(expected) = expected {
        if unpacked.uncompressed_digest.to_string() != expected {
            return Err(Error::Invalid(format!(
                "folder {}: its tar's digest is {}, the manifest says {expected}",
                title.display(),
                unpacked.uncompressed_digest
            )));
        }
    }
    // oras puts a folder's entries under its title; anything else would land beside it.
    if unpacked.roots.iter().any(|r| r != &title_name) {
        return Err(Error::Invalid(format!(
            "folder layer {} holds entries outside its own name ({:?})",
            title.display(),
            unpacked.roots
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_that_escape_are_refused() {
        for bad in ["", "../x", "/etc/passwd", "a/../../b", "a\\..\\b", "."] {
            assert!(safe_title(bad).is_err(), "{bad:?} accepted");
        }
        for good in ["a.txt", "dir/a.txt", "...", "..a"] {
            assert!(safe_title(good).is_ok(), "{good:?} refused");
        }
    }
}
