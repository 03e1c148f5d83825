//! Where blobs were last seen: the registry repositories known to hold each digest, and the digest
//! of each local file as it was when hashed; so a push mounts or skips instead of uploading again.
//!
//! Both are hints, never trusted for content: a mount is the registry's own answer that it holds
//! the digest, and a file's digest is only reused while its size, times, device and inode are
//! exactly those it was hashed with (the change time moves on every write and cannot be set back).

use std::fs::Metadata;
use std::path::{Path, PathBuf};

use crate::digest::Digest;

/// Repositories remembered per digest, most recent first.
const KEPT: usize = 8;

/// The record of where blobs were seen and what local files hash to, kept under one folder.
#[derive(Debug, Clone)]
pub struct KnownBlobs {
    dir: PathBuf,
}

impl KnownBlobs {
    /// A record kept in `dir`; nothing is created until something is remembered.
    pub fn new(dir: impl Into<PathBuf>) -> KnownBlobs {
        KnownBlobs { dir: dir.into() }
    }

    fn places_path(&self, digest: &Digest) -> PathBuf {
        self.dir
            .join("blobs")
            .join(digest.algorithm().as_str())
            .join(digest.hex())
    }

    /// The repositories (registry, repository) `digest` was last seen in, most recent first.
    pub fn places(&self, digest: &Digest) -> Vec<(String, String)> {
        let Ok(text) = std::fs::read_to_string(self.places_path(digest)) else {
            return Vec::new();
        };
        text.lines()
            .filter_map(|line| {
                let (registry, repository) = line.split_once(' ')?;
                Some((registry.to_string(), repository.to_string()))
            })
            .take(KEPT)
            .collect()
    }

    /// Remembers that `registry/repository` holds `digest`. Failures only cost a later upload,
    /// so they are logged, not raised.
    pub fn saw(&self, digest: &Digest, registry: &str, repository: &str) {
        // Names come from parsed references; anything that could break the line format is not kept.
        let clean = |s: &str| !s.is_empty() && !s.contains([' ', '\n', '\r']);
        if !clean(registry) || !clean(repository) {
            return;
        }
        let mut places = self.places(digest);
        let entry = (registry.to_string(), repository.to_string());
        if places.first() == Some(&entry) {
            return;
        }
        places.retain(|p| p != &entry);
        places.insert(0, entry);
        places.truncate(KEPT);
        self.write_places(digest, &places);
    }

    /// Forgets that `registry/repository` holds `digest`: a mount from there found it gone (a
    /// deleted repository, a garbage-collected blob), and asking again on every push would cost
    /// two requests per blob each time.
    pub fn forget(&self, digest: &Digest, registry: &str, repository: &str) {
        let mut places = self.places(digest);
        let before = places.len();
        places.retain(|(g, r)| !(g == registry && r == repository));
        if places.len() == before {
            return;
        }
        self.write_places(digest, &places);
    }

    fn write_places(&self, digest: &Digest, places: &[(String, String)]) {
        let text: String = places.iter().map(|(g, r)| format!("{g} {r}\n")).collect();
        write_atomically(&self.places_path(digest), text.as_bytes());
    }

    /// The digest the file `key` names was hashed to, if it was.
    pub fn file_digest(&self, key: &FileKey) -> Option<Digest> {
        let text = std::fs::read_to_string(self.file_path(key)).ok()?;
        text.trim().parse().ok()
    }

    /// Remembers the digest of the file version `key` names.
    pub fn hashed_file(&self, key: &FileKey, digest: &Digest) {
        write_atomically(&self.file_path(key), digest.to_string().as_bytes());
    }

    fn file_path(&self, key: &FileKey) -> PathBuf {
        self.dir.join("files").join(Digest::sha256_of(&key.0).hex())
    }
}

/// One version of a file: its absolute path and its stamp, taken before it is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileKey(Vec<u8>);

impl FileKey {
    /// None where the platform gives no change time: size and modification time alone can be
    /// put back by anyone.
    pub fn of(path: &Path, meta: &Metadata) -> Option<FileKey> {
        file_key(path, meta).map(FileKey)
    }
}

fn file_key(path: &Path, meta: &Metadata) -> Option<Vec<u8>> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        use std::os::unix::fs::MetadataExt;
        let path = std::path::absolute(path).ok()?;
        let mut key = path.as_os_str().as_bytes().to_vec();
        key.push(0);
        key.extend_from_slice(
            format!(
                "{} {} {} {}.{} {}.{}",
                meta.len(),
                meta.dev(),
                meta.ino(),
                meta.mtime(),
                meta.mtime_nsec(),
                meta.ctime(),
                meta.ctime_nsec()
            )
            .as_bytes(),
        );
        Some(key)
    }
    #[cfg(not(unix))]
    {
        let _ = (path, meta);
        None
    }
}

fn write_atomically(path: &Path, bytes: &[u8]) {
    if let Err(e) = crate::atomic::write_record(path, bytes) {
        tracing::debug!(path = %path.display(), error = %e, "blob record write failed");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_forgotten_place_is_no_longer_offered_and_the_others_stay() {
        let dir = tempfile::tempdir().unwrap();
        let known = KnownBlobs::new(dir.path());
        let d = Digest::sha256_of(b"x");
        known.saw(&d, "r.example", "a");
        known.saw(&d, "r.example", "b");
        known.forget(&d, "r.example", "a");
        known.forget(&d, "other.example", "b");
        assert_eq!(
            known.places(&d),
            [("r.example".to_string(), "b".to_string())]
        );
    }

    #[test]
    fn places_are_most_recent_first_without_repeats() {
        let dir = tempfile::tempdir().unwrap();
        let known = KnownBlobs::new(dir.path());
        let d = Digest::sha256_of(b"x");
        assert!(known.places(&d).is_empty());
        known.saw(&d, "r:5000", "a");
        known.saw(&d, "r:5000", "b");
        known.saw(&d, "r:5000", "a");
        known.saw(&d, "bad name", "c");
        assert_eq!(
            known.places(&d),
            vec![("r:5000".into(), "a".into()), ("r:5000".into(), "b".into())]
        );
        for i in 0..20 {
            known.saw(&d, "r:5000", &format!("n{i}"));
        }
        assert_eq!(known.places(&d).len(), KEPT);
        assert_eq!(known.places(&d)[0].1, "n19");
    }

    #[test]
    fn a_file_digest_holds_only_while_the_file_is_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let known = KnownBlobs::new(dir.path().join("record"));
        let file = dir.path().join("f.bin");
        std::fs::write(&file, b"one").unwrap();
        let key = |f: &Path| FileKey::of(f, &std::fs::metadata(f).unwrap()).unwrap();
        assert_eq!(known.file_digest(&key(&file)), None);
        let d = Digest::sha256_of(b"one");
        known.hashed_file(&key(&file), &d);
        assert_eq!(known.file_digest(&key(&file)), Some(d));
        // Same size, rewritten: the change time moved, so the record no longer applies.
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(&file, b"two").unwrap();
        assert_eq!(known.file_digest(&key(&file)), None);
    }
}
