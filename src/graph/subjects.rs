//! A layout's referrers for a whole walk: every manifest listed in index.json (and the children
//! of listed indexes) read once for its `subject`, instead of one scan per node.
//!
//! [`Layout::referrers`] answers for one subject and fails on any unreadable manifest, which is
//! right for gc-like callers; a view wants the rest of the graph and a note of what was skipped.

use std::collections::{HashMap, HashSet, VecDeque};

use crate::digest::Digest;
use crate::error::Result;
use crate::layout::Layout;
use crate::manifest::{media_type, Descriptor, Manifest};

pub(super) struct Subjects {
    by_subject: HashMap<Digest, Vec<Descriptor>>,
    /// Manifests that could not be read: whether they refer to something is unknown.
    pub(super) skipped: Vec<String>,
}

impl Subjects {
    /// Reads the layout's manifests. Fails only when index.json cannot be read.
    pub(super) fn scan(layout: &Layout) -> Result<Subjects> {
        let mut queue: VecDeque<Descriptor> = layout.manifests()?.into();
        let mut seen = HashSet::new();
        let mut subjects = Subjects {
            by_subject: HashMap::new(),
            skipped: Vec::new(),
        };
        while let Some(desc) = queue.pop_front() {
            if !media_type::is_manifest(&desc.media_type) || !seen.insert(desc.digest.clone()) {
                continue;
            }
            let read = layout
                .read_manifest(&desc.digest, Some(&desc.media_type))
                .and_then(|f| f.parse().map(|m| (f, m)));
            let (fetched, manifest) = match read {
                Ok(found) => found,
                // Layouts may be partial copies (one platform of an index): absent is fine.
                Err(e) if e.is_not_found() => continue,
                Err(e) => {
                    subjects.skipped.push(format!(
                        "manifest {} in {} was skipped while looking for referrers: {e}",
                        desc.digest,
                        layout.root().display()
                    ));
                    continue;
                }
            };
            if let Manifest::Index(i) = &manifest {
                queue.extend(i.manifests.iter().cloned());
            }
            let Some(subject) = manifest.subject() else {
                continue;
            };
            let media_type = match fetched.media_type.as_str() {
                "" => desc.media_type.clone(),
                t => t.to_string(),
            };
            // As the distribution spec says: its artifactType, else its config's media type.
            let size = fetched.bytes.len() as u64;
            let mut referrer = Descriptor::new(&media_type, fetched.digest.clone(), size);
            referrer.artifact_type = manifest.artifact_type().map(str::to_string);
            referrer.annotations = manifest.annotations().clone();
            subjects
                .by_subject
                .entry(subject.digest.clone())
                .or_default()
                .push(referrer);
        }
        Ok(subjects)
    }

    pub(super) fn referrers(&self, subject: &Digest) -> Vec<Descriptor> {
        self.by_subject.get(subject).cloned().unwrap_or_default()
    }
}
