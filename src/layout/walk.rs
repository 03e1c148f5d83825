//! Walking a layout from index.json: referrers of a subject, and garbage collection.
//!
//! Both read every manifest reachable from index.json on each call. That is fine for a local
//! store of hundreds of manifests; a subject-to-referrers index kept beside index.json would
//! be the next step if stores grow to many thousands.

use std::collections::{HashSet, VecDeque};
use std::time::{Duration, SystemTime};

use super::blob::is_temp_name;
use super::index::{IndexFile, IndexLock};
use super::Layout;
use crate::digest::Digest;
use crate::error::{Error, Result};
use crate::manifest::{media_type, Descriptor, Manifest};

/// Blobs younger than this survive [`Layout::gc`]: a push writes its blobs before the manifest
/// that references them, and gc must not remove them in between.
pub const GC_GRACE: Duration = Duration::from_secs(60 * 60);

/// Temp files of writers that died are removed once older than this.
const STALE_TEMP: Duration = Duration::from_secs(24 * 60 * 60);

impl Layout {
    /// The manifests whose `subject` is `subject`, among those listed in index.json and, since
    /// skopeo and oras may nest, the children of listed indexes, at any depth. Each descriptor
    /// carries the referrer's artifact type (its `artifactType`, else its config's media type,
    /// as the distribution spec says) and its annotations; `artifact_type` filters on it.
    pub fn referrers(
        &self,
        subject: &Digest,
        artifact_type: Option<&str>,
    ) -> Result<Vec<Descriptor>> {
        let index = IndexFile::read(&self.root)?;
        let mut queue: VecDeque<Descriptor> = index.descriptors().into();
        let mut seen = HashSet::new();
        let mut found = Vec::new();
        while let Some(desc) = queue.pop_front() {
            if !media_type::is_manifest(&desc.media_type) || !seen.insert(desc.digest.clone()) {
                continue;
            }
            let fetched = match self.read_manifest(&desc.digest, Some(&desc.media_type)) {
                Ok(f) => f,
                // Layouts may be partial copies (one platform of an index): skip what is absent.
                Err(e) if e.is_not_found() => {
                    tracing::debug!(digest = %desc.digest, "listed manifest missing from the layout");
                    continue;
                }
                Err(e) => return Err(e),
            };
            let manifest = self.parse_at(&fetched.digest, &fetched)?;
            if let Manifest::Index(i) = &manifest {
                queue.extend(i.manifests.iter().cloned());
            }
            if manifest.subject().map(|s| &s.digest) != Some(subject) {
                continue;
            }
            let kind = manifest.artifact_type().map(str::to_string);
            if artifact_type.is_some_and(|wanted| kind.as_deref() != Some(wanted)) {
                continue;
            }
            let media_type = match fetched.media_type.as_str() {
                "" => desc.media_type.clone(),
                t => t.to_string(),
            };
            let mut referrer = Descriptor::new(
                &media_type,
                fetched.digest.clone(),
                fetched.bytes.len() as u64,
            );
            referrer.artifact_type = kind;
            referrer.annotations = manifest.annotations().clone();
            found.push(referrer);
        }
        Ok(found)
    }

    /// Removes blobs that nothing reachable from index.json names (through index children,
    /// configs, layers and subjects) and that are older than [`GC_GRACE`], and temp files left
    /// by writers that died a day ago or more. Returns the bytes freed.
    pub fn gc(&self) -> Result<u64> {
        self.gc_older_than(GC_GRACE)
    }

    /// [`gc`](Layout::gc) with a chosen grace period; `Duration::ZERO` when no writer can be running.
    pub fn gc_older_than(&self, grace: Duration) -> Result<u64> {
        self.writable()?;
        // Held throughout, so no manifest is listed between the walk and the removals.
        let _lock = IndexLock::acquire(&self.root)?;
        let reachable = self.reachable()?;
        let now = SystemTime::now();
        let age = |meta: &std::fs::Metadata| {
            meta.modified()
                .ok()
                .and_then(|m| now.duration_since(m).ok())
                .unwrap_or(Duration::ZERO)
        };
        let blobs = self.blobs_dir();
        let mut freed = 0;
        // Temp files of writers that died: blob writes in blobs/, index.json writes at the top.
        for entry in read_dir(&self.root)?.into_iter().chain(read_dir(&blobs)?) {
            let name = entry.file_name();
            let Ok(meta) = entry.metadata() else { continue };
            let stale = age(&meta) > STALE_TEMP.max(grace);
            if meta.is_file() && is_temp_name(&name.to_string_lossy()) && stale {
                remove(&entry.path(), meta.len(), &mut freed)?;
            }
        }
        for entry in read_dir(&blobs)? {
            let name = entry.file_name().to_string_lossy().into_owned();
            let path = entry.path();
            let Ok(meta) = entry.metadata() else { continue };
            if !meta.is_dir() {
                continue;
            }
            for blob in read_dir(&path)? {
                // Only files named as digests are blobs; anything else was put there by
                // someone else and is left alone.
                let digest = format!("{name}:{}", blob.file_name().to_string_lossy());
                let Ok(digest) = digest.parse::<Digest>() else {
                    continue;
                };
                let Ok(meta) = blob.metadata() else { continue };
                if meta.is_file() && !reachable.contains(&digest) && age(&meta) >= grace {
                    remove(&blob.path(), meta.len(), &mut freed)?;
                }
            }
        }
        Ok(freed)
    }

    /// Every digest named from index.json, transitively. Fails rather than guess when a listed
    /// manifest cannot be read or is of a kind whose references Stowage cannot follow, since a
    /// guess would delete blobs still in use.
    fn reachable(&self) -> Result<HashSet<Digest>> {
        let index = IndexFile::read(&self.root)?;
        let mut queue: VecDeque<(Descriptor, bool)> =
            index.descriptors().into_iter().map(|d| (d, true)).collect();
        let mut reachable = HashSet::new();
        while let Some((desc, is_manifest)) = queue.pop_front() {
            if !reachable.insert(desc.digest.clone()) || !is_manifest {
                continue;
            }
            if !media_type::is_manifest(&desc.media_type) {
                return Err(Error::Invalid(format!(
                    "cannot collect garbage in {}: {} is listed as {}, whose references Stowage cannot follow",
                    self.root.display(),
                    desc.digest,
                    desc.media_type
                )));
            }
            let fetched = match self.read_manifest(&desc.digest, Some(&desc.media_type)) {
                Ok(f) => f,
                Err(e) if e.is_not_found() => continue,
                Err(e) => return Err(e),
            };
            let manifest = self.parse_at(&desc.digest, &fetched)?;
            match &manifest {
                Manifest::Image(m) => {
                    queue.push_back((m.config.clone(), false));
                    queue.extend(m.layers.iter().map(|l| (l.clone(), false)));
                }
                Manifest::Index(i) => queue.extend(i.manifests.iter().map(|c| (c.clone(), true))),
            }
            // A referrer keeps its subject; one of a kind Stowage cannot walk is kept unread.
            if let Some(s) = manifest.subject() {
                queue.push_back((s.clone(), media_type::is_manifest(&s.media_type)));
            }
        }
        Ok(reachable)
    }

    fn parse_at(
        &self,
        digest: &Digest,
        fetched: &crate::manifest::FetchedManifest,
    ) -> Result<Manifest> {
        fetched.parse().map_err(|e| match e {
            Error::Malformed { detail, .. } => Error::Malformed {
                url: self.blob_path(digest).display().to_string(),
                detail,
            },
            other => other,
        })
    }
}

fn read_dir(dir: &std::path::Path) -> Result<Vec<std::fs::DirEntry>> {
    let listing = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    listing
        .collect::<std::io::Result<Vec<_>>>()
        .map_err(|e| Error::io(dir, e))
}

fn remove(path: &std::path::Path, size: u64, freed: &mut u64) -> Result<()> {
    match std::fs::remove_file(path) {
        Ok(()) => {
            *freed += size;
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::io(path, e)),
    }
}
