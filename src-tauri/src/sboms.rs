//! The SBOMs the SBOM view has open: each document read once, kept under a handle, so the
//! view can fetch its table, one package's details, its bytes or a CSV without reading it
//! again. Only the last few are kept: a distro image's SBOM can hold 100,000 packages.

use std::collections::{HashMap, VecDeque};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use stowage::sbom::Document;
use stowage::Digest;

use crate::dto::AppError;

/// SBOMs kept at once; the oldest is dropped first (its view then asks to find it again).
const KEEP: usize = 12;

/// Where a kept SBOM's bytes are, for "Save SBOM as…".
#[derive(Debug, Clone)]
pub enum Origin {
    Blob {
        source: String,
        repository: String,
        layer: Digest,
        media_type: String,
    },
    File(PathBuf),
}

pub struct KeptSbom {
    pub document: Document,
    pub origin: Origin,
    /// What CSV rows name as the document: its manifest digest, or the file's path.
    pub label: String,
    pub platform: Option<String>,
    links: OnceLock<Links>,
}

/// The document's dependencies by package row, built on the first details asked for.
pub struct Links {
    pub rows: HashMap<String, usize>,
    /// From a package's row: the ids it depends on, with the relationship.
    pub depends_on: HashMap<usize, Vec<(String, String)>>,
    /// From a package's row: the ids that depend on it.
    pub dependents: HashMap<usize, Vec<(String, String)>>,
}

impl KeptSbom {
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
            links: OnceLock::new(),
        }
    }

    pub fn links(&self) -> &Links {
        self.links.get_or_init(|| {
            let packages = &self.document.packages;
            let rows: HashMap<String, usize> = packages
                .iter()
                .enumerate()
                .map(|(i, p)| (p.id.clone(), i))
                .collect();
            let mut depends_on: HashMap<usize, Vec<(String, String)>> = HashMap::new();
            let mut dependents: HashMap<usize, Vec<(String, String)>> = HashMap::new();
            for d in &self.document.dependencies {
                if let Some(&from) = rows.get(&d.from) {
                    depends_on
                        .entry(from)
                        .or_default()
                        .push((d.to.clone(), d.relationship.clone()));
                }
                if let Some(&to) = rows.get(&d.to) {
                    dependents
                        .entry(to)
                        .or_default()
                        .push((d.from.clone(), d.relationship.clone()));
                }
            }
            Links {
                rows,
                depends_on,
                dependents,
            }
        })
    }
}

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
                code: "not_found".into(),
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
    fn links_go_both_ways_by_row() {
        let s = kept(3);
        let links = s.links();
        assert_eq!(links.rows["p1"], 1);
        assert_eq!(
            links.depends_on[&0],
            vec![("p1".into(), "DEPENDS_ON".into())]
        );
        assert_eq!(
            links.dependents[&2],
            vec![("p1".into(), "DEPENDS_ON".into())]
        );
        assert!(!links.depends_on.contains_key(&2));
    }
}
