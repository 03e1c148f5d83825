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
    /// The spec version the document declares, without a prefix: "2.3", "3.0", "1.5".
    pub spec_version: String,
    /// "JSON", "tag-value", "XML", …
    pub encoding: String,
    /// SPDX's document name; for CycloneDX, the name of the metadata component.
    pub name: Option<String>,
    /// SPDX's documentNamespace (2.x) or document id (3.0); CycloneDX's serialNumber.
    pub namespace: Option<String>,
    /// When the document was made, as stated (RFC 3339).
    pub created: Option<String>,
    /// Tools that made the document: "npm-cli-11.6.2", "cyclonedx-py 7.5.0".
    pub tools: Vec<String>,
    /// People and organisations named as creators or authors.
    pub authors: Vec<String>,
    /// How many packages (SPDX) or components (CycloneDX) the document lists.
    pub packages: u32,
    /// How many of those state at least one licence.
    pub with_license: u32,
    /// How many of those state a package URL (purl).
    pub with_purl: u32,
    /// How many files the document lists (SPDX `files`; CycloneDX file components are packages).
    #[ts(type = "number")]
    pub files: u64,
    /// How many package -> package dependencies the document states.
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
    /// The blob's media type (the manifest's when its layers could not be read); for a local
    /// file, what its name suggests.
    pub media_type: String,
    /// What it describes (an image or platform manifest).
    pub subject: Option<String>,
    /// The subject's platform, `os/architecture[/variant]`.
    pub platform: Option<String>,
    /// How the graph reached the SBOM's manifest from its subject; `None` when it has none.
    pub via: Option<Via>,
    /// The file it was read from (a local SBOM).
    pub path: Option<String>,
    /// What it was unwrapped from, outermost first: "gzip", "dsse", "in-toto".
    pub wrappers: Vec<String>,
    /// The document's header; `None` when the SBOM could not be read (see `error`).
    pub document: Option<SbomHeader>,
    /// Why the SBOM, or the manifest holding it, could not be read; `None` when it was.
    pub error: Option<AppError>,
}

/// Every SBOM found from a reference.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SbomDocuments {
    /// The digest the reference resolved to.
    pub root: String,
    /// Every SBOM found, in the graph's order, each read or with why it could not be; a local
    /// file gives one.
    pub sboms: Vec<SbomSummary>,
    /// Problems that did not stop the search (from the graph walk).
    pub warnings: Vec<String>,
}

/// The package table of one SBOM, as columns in document order: row `i` is `names[i]`,
/// `versions[i]`, `strings[licenses[i]]`, …; -1 where the document states nothing.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SbomRows {
    /// Each package's name as stated; `None` where the document gives none.
    pub names: Vec<Option<String>>,
    /// Each package's version as stated, not normalised; `None` where the document gives none.
    pub versions: Vec<Option<String>>,
    /// The package's licences joined with ", " (declared first, then concluded where different).
    pub licenses: Vec<i32>,
    /// The purl's type: "npm", "deb", "golang", …
    pub ecosystems: Vec<i32>,
    /// Who supplies the package, without SPDX's "Organization:" or "Person:".
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

/// One checksum of a package, as the document states it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SbomHash {
    /// The algorithm as the document names it: "SHA256", "SHA-256", "BLAKE2b-256".
    pub algorithm: String,
    /// The checksum itself as stated, usually hex.
    pub value: String,
}

/// A package's reference to something outside the document: a purl, a CPE, a VCS, a site.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SbomExternalRef {
    /// SPDX referenceCategory/referenceType ("SECURITY cpe23Type"), CycloneDX type ("vcs").
    pub kind: String,
    /// What it points at, as stated: a URL, a purl, a CPE or another identifier.
    pub locator: String,
}

/// One package, with everything the document states about it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SbomPackage {
    /// Its row in the table.
    pub index: u32,
    /// The document's own id for it (SPDXID, bom-ref), or `#<index>` when it gives none.
    pub id: String,
    /// The package's name as stated.
    pub name: Option<String>,
    /// The package's version as stated, not normalised.
    pub version: Option<String>,
    /// The package URL, when one is stated.
    pub purl: Option<String>,
    /// The ecosystem, from the purl's type: "npm", "pypi", "deb", "golang", …
    pub ecosystem: Option<String>,
    /// CPE 2.2 or 2.3 names stated for it.
    pub cpes: Vec<String>,
    /// SPDX primary purpose or CycloneDX component type.
    pub kind: Option<String>,
    /// Licences as stated: declared first, then concluded where different (SPDX); each
    /// CycloneDX licence id, name or expression.
    pub licenses: Vec<String>,
    /// The licence its authors declare (SPDX licenseDeclared; CycloneDX's, joined with " AND ").
    pub declared_license: Option<String>,
    /// The licence the SBOM's maker concluded (SPDX licenseConcluded; CycloneDX 1.6+).
    pub concluded_license: Option<String>,
    /// Who supplies it, without SPDX's "Organization:" or "Person:".
    pub supplier: Option<String>,
    /// SPDX originator, CycloneDX author(s) or publisher.
    pub originator: Option<String>,
    /// Checksums of the package as the document states them.
    pub hashes: Vec<SbomHash>,
    /// Where it can be downloaded: SPDX downloadLocation, CycloneDX's `distribution` reference.
    pub download_location: Option<String>,
    /// Its home page: SPDX homepage, CycloneDX's `website` reference.
    pub homepage: Option<String>,
    /// Every external reference stated, in document order; for SPDX, the purl and CPE ones too.
    pub external_refs: Vec<SbomExternalRef>,
    /// The copyright text as stated.
    pub copyright: Option<String>,
    /// Its description, or SPDX's summary when there is no description.
    pub description: Option<String>,
    /// How many files of this package the document lists (SPDX hasFiles and CONTAINS).
    #[ts(type = "number")]
    pub files: u64,
    /// What the document describes (SPDX DESCRIBES, CycloneDX metadata.component).
    pub subject: bool,
}

impl SbomPackage {
    /// The package at row `index` of the document, with everything it states.
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
    /// The package's row in the table; `None` for an id no package has.
    pub index: Option<u32>,
    /// The package's id, as the dependency names it.
    pub id: String,
    /// The package's name, when it has a row and states one.
    pub name: Option<String>,
    /// The package's version, when it has a row and states one.
    pub version: Option<String>,
    /// How this package and the node above are related, as the document names it
    /// ("DEPENDS_ON", "dependsOn", …).
    pub relationship: String,
    /// The nodes one level further, as far as the tree was followed.
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
    /// The package itself, with everything the document states about it.
    pub package: SbomPackage,
    /// What it depends on, two levels deep.
    pub depends_on: Vec<DependencyNode>,
    /// What depends on it, one level.
    pub dependents: Vec<DependencyNode>,
    /// How many of the package's own dependencies were left out of `depends_on` (past the
    /// width of a level).
    pub more_depends_on: u32,
    /// How many of the packages depending on it were left out of `dependents`.
    pub more_dependents: u32,
}
