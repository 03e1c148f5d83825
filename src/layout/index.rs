//! `index.json`: read as other tools wrote it, and changed only under an exclusive lock.
//!
//! The document is kept as JSON rather than as typed structs, so fields Stowage does not know
//! (on the index or on its entries) survive a rewrite by Stowage.

use std::collections::HashSet;
use std::fs::File;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::manifest::Descriptor;

/// The annotation that carries a tag in an OCI layout.
pub const REF_NAME: &str = "org.opencontainers.image.ref.name";

pub(super) const INDEX_FILE: &str = "index.json";
const LOCK_FILE: &str = "index.json.lock";

/// Holds the layout's exclusive write lock until dropped.
///
/// An advisory `flock` on `index.json.lock`: it excludes other Stowage threads and processes (each
/// acquisition opens the file anew, and flock locks belong to the open file). Readers take no
/// lock: index.json is replaced by rename, so they see the old or the new file, never a mix.
pub(super) struct IndexLock {
    _file: File,
}

impl IndexLock {
    pub(super) fn acquire(root: &Path) -> Result<IndexLock> {
        let path = root.join(LOCK_FILE);
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| Error::io(&path, e))?;
        // File::lock is stable since Rust 1.89, above the package's declared rust-version.
        file.lock().map_err(|e| Error::io(&path, e))?;
        Ok(IndexLock { _file: file })
    }
}

/// One `manifests` entry: the JSON as found, and its typed reading.
struct Entry {
    raw: Map<String, Value>,
    desc: Descriptor,
}

impl Entry {
    fn tag(&self) -> Option<&str> {
        self.desc.annotations.get(REF_NAME).map(String::as_str)
    }

    fn set_tag(&mut self, tag: Option<&str>) {
        match tag {
            Some(tag) => {
                self.desc
                    .annotations
                    .insert(REF_NAME.to_string(), tag.to_string());
            }
            None => {
                self.desc.annotations.remove(REF_NAME);
            }
        }
        let annotations = self
            .raw
            .entry("annotations")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(map) = annotations {
            match tag {
                Some(tag) => {
                    map.insert(REF_NAME.to_string(), Value::String(tag.to_string()));
                }
                None => {
                    map.remove(REF_NAME);
                }
            }
            if map.is_empty() {
                self.raw.remove("annotations");
            }
        }
    }
}

/// index.json, read into memory to be inspected or changed and written back.
pub(super) struct IndexFile {
    path: PathBuf,
    doc: Map<String, Value>,
    entries: Vec<Entry>,
}

impl IndexFile {
    /// The empty index a new layout starts with.
    pub(super) fn empty_bytes() -> Vec<u8> {
        let doc = serde_json::json!({
            "schemaVersion": 2,
            "mediaType": crate::manifest::media_type::OCI_INDEX,
            "manifests": [],
        });
        doc.to_string().into_bytes()
    }

    pub(super) fn read(root: &Path) -> Result<IndexFile> {
        let path = root.join(INDEX_FILE);
        let bytes = std::fs::read(&path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => Error::NotFound {
                what: "the layout's index.json".into(),
                url: path.display().to_string(),
            },
            _ => Error::io(&path, e),
        })?;
        let malformed = |detail: String| Error::Malformed {
            url: path.display().to_string(),
            detail,
        };
        let mut doc = match serde_json::from_slice(&bytes) {
            Ok(Value::Object(doc)) => doc,
            Ok(_) => return Err(malformed("not a JSON object".into())),
            Err(e) => return Err(malformed(format!("not valid JSON: {e}"))),
        };
        let raw_entries = match doc.remove("manifests") {
            Some(Value::Array(list)) => list,
            // umoci and skopeo always write the field; an index without entries is still usable.
            None | Some(Value::Null) => Vec::new(),
            Some(_) => return Err(malformed("`manifests` is not an array".into())),
        };
        let mut entries = Vec::with_capacity(raw_entries.len());
        for (i, value) in raw_entries.into_iter().enumerate() {
            let desc: Descriptor = serde_json::from_value(value.clone())
                .map_err(|e| malformed(format!("manifests[{i}] is not a descriptor: {e}")))?;
            let Value::Object(raw) = value else {
                return Err(malformed(format!("manifests[{i}] is not an object")));
            };
            entries.push(Entry { raw, desc });
        }
        Ok(IndexFile { path, doc, entries })
    }

    /// The entries as descriptors, in file order.
    pub(super) fn descriptors(&self) -> Vec<Descriptor> {
        self.entries.iter().map(|e| e.desc.clone()).collect()
    }

    /// The entry tagged `tag`. When several carry it, the last one wins: later entries are the
    /// newer ones in files appended to by other tools, and skopeo reads it the same way.
    pub(super) fn find_tag(&self, tag: &str) -> Option<&Descriptor> {
        self.entries
            .iter()
            .rev()
            .find(|e| e.tag() == Some(tag))
            .map(|e| &e.desc)
    }

    pub(super) fn find_digest(&self, digest: &crate::Digest) -> Option<&Descriptor> {
        self.entries
            .iter()
            .find(|e| &e.desc.digest == digest)
            .map(|e| &e.desc)
    }

    /// The tags in file order, each once.
    pub(super) fn tags(&self) -> Vec<String> {
        let mut seen = HashSet::new();
        self.entries
            .iter()
            .filter_map(Entry::tag)
            .filter(|t| seen.insert(*t))
            .map(str::to_string)
            .collect()
    }

    /// Points `tag` at `desc` (which carries no annotations). The entry that had the tag loses
    /// it; an entry left untagged stays, so the manifest it lists remains reachable, unless its
    /// digest is listed elsewhere anyway.
    pub(super) fn set_tag(&mut self, desc: &Descriptor, tag: &str) {
        for entry in &mut self.entries {
            if entry.tag() == Some(tag) {
                entry.set_tag(None);
            }
        }
        let reusable = self
            .entries
            .iter_mut()
            .find(|e| e.desc.digest == desc.digest && e.tag().is_none());
        match reusable {
            Some(entry) => {
                refresh(entry, desc);
                entry.set_tag(Some(tag));
            }
            None => {
                let mut entry = new_entry(desc);
                entry.set_tag(Some(tag));
                self.entries.push(entry);
            }
        }
        self.drop_redundant_untagged();
    }

    /// Lists `desc` without a tag, unless its digest is listed already.
    pub(super) fn add_untagged(&mut self, desc: &Descriptor) {
        if self.find_digest(&desc.digest).is_none() {
            self.entries.push(new_entry(desc));
        }
    }

    /// Removes every entry for `digest`; true if there was one.
    pub(super) fn remove_digest(&mut self, digest: &crate::Digest) -> bool {
        let before = self.entries.len();
        self.entries.retain(|e| &e.desc.digest != digest);
        self.entries.len() != before
    }

    /// An untagged entry only keeps its manifest reachable, so one whose digest is listed by a
    /// tagged entry or an earlier untagged one says nothing and goes.
    fn drop_redundant_untagged(&mut self) {
        let tagged: HashSet<_> = self
            .entries
            .iter()
            .filter(|e| e.tag().is_some())
            .map(|e| e.desc.digest.clone())
            .collect();
        let mut untagged_seen = HashSet::new();
        self.entries.retain(|e| {
            e.tag().is_some()
                || (!tagged.contains(&e.desc.digest) && untagged_seen.insert(e.desc.digest.clone()))
        });
    }

    /// Writes the index to a temp file beside index.json, flushes it to disk, and renames it
    /// over index.json, so a crash leaves the old index or the new one.
    pub(super) fn write(mut self) -> Result<()> {
        let entries = self.entries.into_iter().map(|e| Value::Object(e.raw));
        self.doc
            .insert("manifests".into(), Value::Array(entries.collect()));
        let bytes = serde_json::to_vec(&Value::Object(self.doc)).map_err(|e| {
            Error::Internal(format!("cannot serialise {}: {e}", self.path.display()))
        })?;
        crate::atomic::write(&self.path, &bytes)
    }
}

fn new_entry(desc: &Descriptor) -> Entry {
    let mut entry = Entry {
        raw: Map::new(),
        desc: Descriptor::new(&desc.media_type, desc.digest.clone(), desc.size),
    };
    refresh(&mut entry, desc);
    entry
}

/// Sets the fields Stowage knows for sure (type, digest, size, artifact type) on an entry.
fn refresh(entry: &mut Entry, desc: &Descriptor) {
    entry.desc.media_type.clone_from(&desc.media_type);
    entry.desc.size = desc.size;
    entry
        .raw
        .insert("mediaType".into(), Value::String(desc.media_type.clone()));
    entry
        .raw
        .insert("digest".into(), Value::String(desc.digest.to_string()));
    entry.raw.insert("size".into(), Value::from(desc.size));
    if let Some(t) = &desc.artifact_type {
        entry.desc.artifact_type = Some(t.clone());
        entry
            .raw
            .insert("artifactType".into(), Value::String(t.clone()));
    }
}
