//! SBOMs as the SBOM view reads them: a summary per SBOM found (or opened from a file), the
//! package table as columns, and one package's details, fetched when its row is opened.
//!
//! The table is sent as columns, not as 100,000 package objects: the view needs five short
//! fields per row, and repeated strings (licences, ecosystems, suppliers) travel once, so a
//! distro image's SBOM is a few MB of JSON that the webview parses in tens of milliseconds.
//! Everything else about a package (hashes, references, CPEs, dependencies) comes on demand.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use stowage::sbom::{Document, Package, TreeNode};
use ts_rs::TS;

use super::{AppError, Via};

/// The first lines of an SBOM document: what the view's header shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SbomHeader {
    /// "spdx" or "cyclonedx".
    pub format: String,
    /// "SPDX", "CycloneDX".
    pub format_name: String,
    pub spec_version: String,
    /// "JSON", "tag-value", "XML", …
    pub encoding: String,
    pub name: Option<String>,
    pub namespace: Option<String>,
    pub created: Option<String>,
    pub tools: Vec<String>,
    pub authors: Vec<String>,
    pub packages: u32,
    pub with_license: u32,
    pub with_purl: u32,
    #[ts(type = "number")]
    pub files: u64,
    pub dependencies: u32,
}

impl From<&Document> for SbomHeader {
    fn from(d: &Document) -> Self {
        let count = |f: fn(&Package) -> bool| d.packages.iter().filter(|p| f(p)).count() as u32;
        SbomHeader {
            format: match d.format {
                stowage::sbom::Format::Spdx => "spdx".into(),
                stowage::sbom::Format::Cyclonedx => "cyclonedx".into(),
            },
            format_name: d.format.name().into(),
            spec_version: d.spec_version.clone(),
            encoding: d.encoding.name().into(),
            name: d.name.clone(),
            namespace: d.namespace.clone(),
            created: d.created.clone(),
            tools: d.tools.clone(),
            authors: d.authors.clone(),
            packages: d.packages.len() as u32,
            with_license: count(|p| !p.licenses.is_empty()),
            with_purl: count(|p| p.purl.is_some()),
            files: d.files,
            dependencies: d.dependencies.len() as u32,
        }
    }
}

/// One SBOM found on an artifact, or read from a local file. The shell keeps the document under
/// `handle`; `sbom_rows`, `sbom_package`, `save_sbom` and `export_sbom_csv` name it so.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SbomSummary {
    /// `None` when the SBOM could not be read: there is nothing to fetch rows of.
    pub handle: Option<String>,
    /// The SBOM's manifest (a referrer, a cosign `.sbom` tag, a buildx attestation).
    pub manifest: Option<String>,
    /// The blob it was read from.
    pub layer: Option<String>,
    pub media_type: String,
    /// What it describes (an image or platform manifest).
    pub subject: Option<String>,
    /// The subject's platform, `os/architecture[/variant]`.
    pub platform: Option<String>,
    pub via: Option<Via>,
    /// The file it was read from (a local SBOM).
    pub path: Option<String>,
    /// What it was unwrapped from, outermost first: "gzip", "dsse", "in-toto".
    pub wrappers: Vec<String>,
    pub document: Option<SbomHeader>,
    pub error: Option<AppError>,
}

/// Every SBOM found from a reference.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SbomDocuments {
    /// The digest the reference resolved to.
    pub root: String,
    pub sboms: Vec<SbomSummary>,
    pub warnings: Vec<String>,
}

/// The package table of one SBOM, as columns in document order: row `i` is `names[i]`,
/// `versions[i]`, `strings[licenses[i]]`, …; -1 where the document states nothing.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SbomRows {
    pub names: Vec<Option<String>>,
    pub versions: Vec<Option<String>>,
    /// The package's licences joined with ", " (declared first, then concluded where different).
    pub licenses: Vec<i32>,
    /// The purl's type: "npm", "deb", "golang", …
    pub ecosystems: Vec<i32>,
    pub suppliers: Vec<i32>,
    /// 1 where the package has a purl, else 0.
    pub purls: Vec<u8>,
    /// Strings the number columns point into, each once.
    pub strings: Vec<String>,
}

impl From<&Document> for SbomRows {
    fn from(d: &Document) -> Self {
        let n = d.packages.len();
        let mut rows = SbomRows {
            names: Vec::with_capacity(n),
            versions: Vec::with_capacity(n),
            licenses: Vec::with_capacity(n),
            ecosystems: Vec::with_capacity(n),
            suppliers: Vec::with_capacity(n),
            purls: Vec::with_capacity(n),
            strings: Vec::new(),
        };
        let mut interned: HashMap<String, i32> = HashMap::new();
        let mut intern = |strings: &mut Vec<String>, s: Option<&str>| -> i32 {
            let Some(s) = s else { return -1 };
            if let Some(&i) = interned.get(s) {
                return i;
            }
            let i = strings.len() as i32;
            strings.push(s.to_string());
            interned.insert(s.to_string(), i);
            i
        };
        for p in &d.packages {
            rows.names.push(p.name.clone());
            rows.versions.push(p.version.clone());
            let licenses = license_label(p);
            let l = intern(&mut rows.strings, licenses.as_deref());
            rows.licenses.push(l);
            let e = intern(&mut rows.strings, p.ecosystem());
            rows.ecosystems.push(e);
            let s = intern(&mut rows.strings, p.supplier.as_deref());
            rows.suppliers.push(s);
            rows.purls.push(u8::from(p.purl.is_some()));
        }
        rows
    }
}

/// What the table shows as a package's licence: each one stated, in order.
pub fn license_label(p: &Package) -> Option<String> {
    (!p.licenses.is_empty()).then(|| p.licenses.join(", "))
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SbomHash {
    pub algorithm: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SbomExternalRef {
    pub kind: String,
    pub locator: String,
}

/// One package, with everything the document states about it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SbomPackage {
    /// Its row in the table.
    pub index: u32,
    pub id: String,
    pub name: Option<String>,
    pub version: Option<String>,
    pub purl: Option<String>,
    pub ecosystem: Option<String>,
    pub cpes: Vec<String>,
    /// SPDX primary purpose or CycloneDX component type.
    pub kind: Option<String>,
    pub licenses: Vec<String>,
    pub declared_license: Option<String>,
    pub concluded_license: Option<String>,
    pub supplier: Option<String>,
    pub originator: Option<String>,
    pub hashes: Vec<SbomHash>,
    pub download_location: Option<String>,
    pub homepage: Option<String>,
    pub external_refs: Vec<SbomExternalRef>,
    pub copyright: Option<String>,
    pub description: Option<String>,
    #[ts(type = "number")]
    pub files: u64,
    pub subject: bool,
}

impl SbomPackage {
    pub fn new(index: usize, p: &Package) -> Self {
        SbomPackage {
            index: index as u32,
            id: p.id.clone(),
            name: p.name.clone(),
            version: p.version.clone(),
            purl: p.purl.clone(),
            ecosystem: p.ecosystem().map(str::to_string),
            cpes: p.cpes.clone(),
            kind: p.kind.clone(),
            licenses: p.licenses.clone(),
            declared_license: p.declared_license.clone(),
            concluded_license: p.concluded_license.clone(),
            supplier: p.supplier.clone(),
            originator: p.originator.clone(),
            hashes: p
                .hashes
                .iter()
                .map(|h| SbomHash {
                    algorithm: h.algorithm.clone(),
                    value: h.value.clone(),
                })
                .collect(),
            download_location: p.download_location.clone(),
            homepage: p.homepage.clone(),
            external_refs: p
                .external_refs
                .iter()
                .map(|r| SbomExternalRef {
                    kind: r.kind.clone(),
                    locator: r.locator.clone(),
                })
                .collect(),
            copyright: p.copyright.clone(),
            description: p.description.clone(),
            files: p.files,
            subject: p.subject,
        }
    }
}

/// A package in a dependency tree: its row (`None` for an id the document never lists as a
/// package), and what it leads to, as far as the tree was followed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DependencyNode {
    pub index: Option<u32>,
    pub id: String,
    pub name: Option<String>,
    pub version: Option<String>,
    pub relationship: String,
    pub children: Vec<DependencyNode>,
    /// Links not followed (the tree is cut at its depth or width, or a cycle).
    pub more: u32,
}

impl From<&TreeNode> for DependencyNode {
    fn from(n: &TreeNode) -> Self {
        DependencyNode {
            index: n.index.map(|i| i as u32),
            id: n.id.clone(),
            name: n.name.clone(),
            version: n.version.clone(),
            relationship: n.relationship.clone(),
            children: n.children.iter().map(DependencyNode::from).collect(),
            more: n.more,
        }
    }
}

/// One package's details and where it sits among the dependencies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SbomPackageDetails {
    pub package: SbomPackage,
    /// What it depends on, two levels deep.
    pub depends_on: Vec<DependencyNode>,
    /// What depends on it, one level.
    pub dependents: Vec<DependencyNode>,
    pub more_depends_on: u32,
    pub more_dependents: u32,
}
