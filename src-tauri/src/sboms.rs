//! The SBOMs the SBOM view has open: each document read once, kept under a handle, so the
//! view can fetch its table, one package's details, its bytes or a CSV without reading it
//! again. Only the last few are kept: a distro image's SBOM can hold 100,000 packages.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use stowage::sbom::{DependencyIndex, Document};
use stowage::Digest;

use crate::dto::AppError;

/// SBOMs kept at once; the oldest is dropped first (its view then asks to find it again).
const KEEP: usize = 12;

/// Where a kept SBOM's bytes are, for "Save SBOM as…".
#[derive(Debug, Clone)]
pub enum Origin {
    /// A blob in a repository, read again from its store when saved.
    Blob {
        /// The source the SBOM was found in.
        source: String,
        /// The repository the SBOM was found in.
        repository: String,
        /// The digest of the blob the SBOM was read from.
        layer: Digest,
        /// The blob's media type, to read it by as it was found.
        media_type: String,
    },
    /// A local file the user gave Stowage; checked against the grants again when read.
    File(PathBuf),
}

/// One SBOM the view has open: its document, where its bytes are, and what CSV rows call it.
pub struct KeptSbom {
    /// The document, read into the model.
    pub document: Document,
    /// Where its bytes are, for "Save SBOM as…".
    pub origin: Origin,
    /// What CSV rows name as the document: its manifest digest, or the file's path.
    pub label: String,
    /// The subject's platform, `os/architecture[/variant]`, for CSV rows; `None` when it has
    /// none (a file, a lone image).
    pub platform: Option<String>,
    /// Built on the first package details asked for.
    dependencies: OnceLock<DependencyIndex>,
}

impl KeptSbom {
    /// Keeps a read document; its dependency index is built only when first asked for.
    pub fn new(
        document: Document,
        origin: Origin,
        label: String,
        platform: Option<String>,
    ) -> Self {
        KeptSbom {
            document,
            origin,
            label,
            platform,
            dependencies: OnceLock::new(),
        }
    }

    /// The document's dependencies by package row, indexed once.
    pub fn dependencies(&self) -> &DependencyIndex {
        self.dependencies
            .get_or_init(|| self.document.dependency_index())
    }
}

/// The SBOMs kept, by handle (`sbom-N`): the last twelve opened, the oldest dropped first.
#[derive(Default)]
pub struct KeptSboms {
    inner: Mutex<Kept>,
}

#[derive(Default)]
struct Kept {
    next: u64,
    sboms: VecDeque<(String, Arc<KeptSbom>)>,
}

impl KeptSboms {
    /// Keeps `sbom` and returns its handle.
    pub fn keep(&self, sbom: KeptSbom) -> String {
        let mut kept = lock(&self.inner);
        kept.next += 1;
        let handle = format!("sbom-{}", kept.next);
        kept.sboms.push_back((handle.clone(), Arc::new(sbom)));
        while kept.sboms.len() > KEEP {
            kept.sboms.pop_front();
        }
        handle
    }

    /// The SBOM kept under `handle`; `not_found` once it was dropped for newer ones.
    pub fn get(&self, handle: &str) -> Result<Arc<KeptSbom>, AppError> {
        lock(&self.inner)
            .sboms
            .iter()
            .find(|(h, _)| h == handle)
            .map(|(_, s)| s.clone())
            .ok_or_else(|| AppError {
                code: stowage::ErrorCode::NotFound,
                message:
                    "Stowage no longer holds this SBOM (others were opened since): open it again"
                        .into(),
            })
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use stowage::sbom::{Dependency, Encoding, Format, Package};

    fn document(packages: usize) -> Document {
        Document {
            format: Format::Spdx,
            spec_version: "2.3".into(),
            encoding: Encoding::Json,
            name: None,
            namespace: None,
            created: None,
            tools: vec![],
            authors: vec![],
            packages: (0..packages)
                .map(|i| Package {
                    id: format!("p{i}"),
                    name: Some(format!("pkg-{i}")),
                    ..Default::default()
                })
                .collect(),
            dependencies: (1..packages)
                .map(|i| Dependency {
                    from: format!("p{}", i - 1),
                    to: format!("p{i}"),
                    relationship: "DEPENDS_ON".into(),
                })
                .collect(),
            files: 0,
        }
    }

    fn kept(packages: usize) -> KeptSbom {
        KeptSbom::new(
            document(packages),
            Origin::File("/x.json".into()),
            "/x.json".into(),
            None,
        )
    }

    #[test]
    fn only_the_newest_are_kept() {
        let sboms = KeptSboms::default();
        let first = sboms.keep(kept(1));
        let handles: Vec<String> = (0..KEEP).map(|_| sboms.keep(kept(1))).collect();
        assert_eq!(sboms.get(&first).err().unwrap().code, "not_found");
        for h in &handles {
            sboms.get(h).unwrap();
        }
    }

    #[test]
    fn the_dependency_index_is_built_once_from_the_document() {
        let s = kept(3);
        let index = s.dependencies();
        assert!(std::ptr::eq(index, s.dependencies()));
        assert_eq!(*index, s.document.dependency_index());
        assert_eq!(index.row("p1"), Some(1));
    }
}
