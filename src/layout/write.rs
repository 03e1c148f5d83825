//! Writing manifests and tags: stored blobs first, then index.json changed under the lock.

use super::index::{IndexFile, IndexLock};
use super::{blob, Layout};
use crate::config::Limits;
use crate::digest::Digest;
use crate::error::{Error, Result};
use crate::manifest::{media_type, Descriptor, Manifest};

impl Layout {
    /// Stores a manifest and lists it in index.json: once per tag (moving tags that pointed
    /// elsewhere), or once untagged when `tags` is empty so referrers and their subjects stay
    /// reachable (as oras does). Entries carry the manifest's own `artifactType`; its other
    /// annotations are not copied. The config, layers or children it names must be present.
    pub fn put_manifest(
        &self,
        bytes: &[u8],
        media_type: &str,
        tags: &[String],
    ) -> Result<Descriptor> {
        self.writable()?;
        for tag in tags {
            validate_tag(tag)?;
        }
        let limit = Limits::default().max_manifest_bytes;
        if bytes.len() as u64 > limit {
            return Err(Error::TooLarge {
                what: "manifest".into(),
                url: self.root.display().to_string(),
                limit,
                unit: "bytes",
            });
        }
        if !media_type::is_manifest(media_type) {
            return Err(Error::Invalid(format!(
                "{media_type} is not a manifest media type"
            )));
        }
        let manifest = parse_own(bytes, media_type)?;
        let digest = Digest::sha256_of(bytes);
        let mut desc = Descriptor::new(media_type, digest.clone(), bytes.len() as u64);
        desc.artifact_type = declared_artifact_type(&manifest);

        // The blob is written and its successors checked under the lock, so a gc (which holds
        // it throughout) cannot remove them between the check and the index update.
        let _lock = IndexLock::acquire(&self.root)?;
        self.check_successors(&digest, &manifest)?;
        blob::write_whole(&self.blobs_dir(), &self.blob_path(&digest), bytes)?;
        let mut index = IndexFile::read(&self.root)?;
        if tags.is_empty() {
            index.add_untagged(&desc);
        }
        for tag in tags {
            index.set_tag(&desc, tag);
        }
        index.write()?;
        Ok(desc)
    }

    /// Points `tag` at the manifest `desc` (which must be present, of the size `desc` says).
    pub fn tag(&self, desc: &Descriptor, tag: &str) -> Result<()> {
        self.writable()?;
        validate_tag(tag)?;
        let _lock = IndexLock::acquire(&self.root)?;
        let fetched = self.read_manifest(&desc.digest, Some(&desc.media_type))?;
        let size = fetched.bytes.len() as u64;
        if size != desc.size {
            return Err(Error::SizeMismatch {
                what: format!("manifest {}", desc.digest),
                expected: desc.size,
                actual: size,
            });
        }
        let mut entry = Descriptor::new(&desc.media_type, desc.digest.clone(), size);
        entry.artifact_type = declared_artifact_type(&fetched.parse()?);
        let mut index = IndexFile::read(&self.root)?;
        index.set_tag(&entry, tag);
        index.write()
    }

    /// Removes every index.json entry for `digest`; true if there was one. The blobs stay
    /// until [`gc`](Layout::gc) finds them unreachable.
    pub fn delete_manifest(&self, digest: &Digest) -> Result<bool> {
        self.writable()?;
        let _lock = IndexLock::acquire(&self.root)?;
        let mut index = IndexFile::read(&self.root)?;
        let removed = index.remove_digest(digest);
        if removed {
            index.write()?;
        }
        Ok(removed)
    }

    /// Every blob a manifest names must be here first, as a registry requires, so a layout
    /// Stowage wrote is always complete for the tools that read it.
    fn check_successors(&self, digest: &Digest, manifest: &Manifest) -> Result<()> {
        let required: Vec<&Descriptor> = match manifest {
            // Foreign layers (with `urls`) live elsewhere by design.
            Manifest::Image(m) => std::iter::once(&m.config)
                .chain(m.layers.iter().filter(|l| l.urls.is_empty()))
                .collect(),
            Manifest::Index(i) => i.manifests.iter().collect(),
        };
        for desc in required {
            if self.blob_size(&desc.digest)?.is_none() {
                return Err(Error::NotFound {
                    what: format!(
                        "blob {} named by manifest {digest} (store it before the manifest)",
                        desc.digest
                    ),
                    url: self.blob_path(&desc.digest).display().to_string(),
                });
            }
        }
        Ok(())
    }
}

/// Parses a manifest about to be stored, and checks its `mediaType` field agrees with `media_type`.
fn parse_own(bytes: &[u8], media_type: &str) -> Result<Manifest> {
    let invalid = |detail: String| Error::Invalid(format!("cannot store manifest: {detail}"));
    let manifest = Manifest::parse(bytes, Some(media_type))
        .map_err(|e| invalid(format!("not a valid {media_type}: {e}")))?;
    let declared = match &manifest {
        Manifest::Image(m) => m.media_type.as_deref(),
        Manifest::Index(i) => i.media_type.as_deref(),
    };
    match declared {
        Some(d) if d != media_type => Err(invalid(format!(
            "its mediaType field says {d}, but it is stored as {media_type}"
        ))),
        _ => Ok(manifest),
    }
}

/// The manifest's own `artifactType` field (not the config type the referrers API falls back to).
fn declared_artifact_type(manifest: &Manifest) -> Option<String> {
    match manifest {
        Manifest::Image(m) => m.artifact_type.clone(),
        Manifest::Index(i) => i.artifact_type.clone(),
    }
}

/// The registry tag grammar, `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`, so a layout tag can always
/// be pushed as it is.
// reference.rs has the same check, private to references.
pub fn validate_tag(tag: &str) -> Result<()> {
    crate::reference::validate_tag(tag).map_err(Error::Invalid)
}
