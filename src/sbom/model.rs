//! The one SBOM model every format reads into: a document, its packages and their dependencies.
//!
//! Values a document does not state (missing, or SPDX `NOASSERTION`) are `None`, never an
//! empty string that would look like data. `NONE` (SPDX: "there is none") is kept as stated.
//! The serialised form is `stowage sbom --output json`'s contract (docs/cli.md) and what the
//! app's SBOM view receives.

use serde::Serialize;

/// The SBOM standard a document follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// SPDX 2.2/2.3 or 3.0.
    Spdx,
    /// CycloneDX 1.2-1.7.
    Cyclonedx,
}

impl Format {
    /// The standard's name as people write it: "SPDX", "CycloneDX".
    pub fn name(self) -> &'static str {
        match self {
            Format::Spdx => "SPDX",
            Format::Cyclonedx => "CycloneDX",
        }
    }
}

/// How the document was written down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Encoding {
    /// JSON (SPDX 2 and CycloneDX).
    Json,
    /// SPDX 3's JSON-LD serialisation.
    JsonLd,
    /// SPDX 2's tag-value text.
    TagValue,
    /// SPDX 2's YAML.
    Yaml,
    /// CycloneDX's XML.
    Xml,
}

impl Encoding {
    /// The encoding's name in messages and views: "JSON", "JSON-LD", "tag-value", …
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Json => "JSON",
            Encoding::JsonLd => "JSON-LD",
            Encoding::TagValue => "tag-value",
            Encoding::Yaml => "YAML",
            Encoding::Xml => "XML",
        }
    }
}

/// One SBOM document, as its format states it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Document {
    /// The standard the document follows.
    pub format: Format,
    /// "2.3", "3.0", "1.5": the version the document declares, without a prefix.
    pub spec_version: String,
    /// The encoding it was read from.
    pub encoding: Encoding,
    /// SPDX's document name; for CycloneDX, the name of the metadata component.
    pub name: Option<String>,
    /// SPDX's documentNamespace (2.x) or document id (3.0); CycloneDX's serialNumber.
    pub namespace: Option<String>,
    /// As stated (RFC 3339 in every format Stowage reads).
    pub created: Option<String>,
    /// Tools that made the document: "npm-cli-11.6.2", "cyclonedx-py 7.5.0".
    pub tools: Vec<String>,
    /// People and organisations named as creators or authors.
    pub authors: Vec<String>,
    /// Every package (SPDX) or component (CycloneDX, nested ones flattened and the metadata
    /// component first, marked `subject`), in document order.
    pub packages: Vec<Package>,
    /// Package -> package dependencies, by package id. Relationships to files are not kept.
    pub dependencies: Vec<Dependency>,
    /// Files the document lists (SPDX `files`; CycloneDX components of type `file` are packages).
    pub files: u64,
}

/// A package (SPDX) or component (CycloneDX).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Package {
    /// The document's own id for it: SPDXID, bom-ref, or the SPDX 3 spdxId. Made up
    /// (`#<index>`) when the document gives none, so dependencies can still name it.
    pub id: String,
    /// The package's name as the SBOM states it.
    pub name: Option<String>,
    /// The package's version as the SBOM states it, not normalised.
    pub version: Option<String>,
    /// The package URL, when one is stated.
    pub purl: Option<String>,
    /// CPE 2.2 or 2.3 names stated for it (SPDX external references or identifiers, CycloneDX
    /// `cpe`).
    pub cpes: Vec<String>,
    /// SPDX primaryPackagePurpose / software_primaryPurpose, CycloneDX component type, lower case.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// Licences as stated, as SPDX identifiers or expressions where the document uses them:
    /// declared first, then concluded where different (SPDX); each `license.id`,
    /// `license.name` or `expression` (CycloneDX).
    pub licenses: Vec<String>,
    /// The licence its authors declare: SPDX licenseDeclared (2.x) or hasDeclaredLicense (3.0);
    /// CycloneDX's licences, joined with " AND ".
    pub declared_license: Option<String>,
    /// The licence the SBOM's maker concluded: SPDX licenseConcluded (2.x) or
    /// hasConcludedLicense (3.0); CycloneDX 1.6+ licences marked `acknowledgement: concluded`.
    pub concluded_license: Option<String>,
    /// Who supplies it (SPDX supplier or suppliedBy, CycloneDX supplier), without SPDX's
    /// "Organization:" or "Person:".
    pub supplier: Option<String>,
    /// SPDX originator, CycloneDX author(s) or publisher.
    pub originator: Option<String>,
    /// Checksums of the package as the document states them.
    pub hashes: Vec<Hash>,
    /// Where it can be downloaded: SPDX downloadLocation, CycloneDX's `distribution` reference.
    pub download_location: Option<String>,
    /// Its home page: SPDX homepage, CycloneDX's `website` reference.
    pub homepage: Option<String>,
    /// Every external reference stated, in document order; for SPDX, the purl and CPE ones too.
    pub external_refs: Vec<ExternalRef>,
    /// The copyright text as stated.
    pub copyright: Option<String>,
    /// Its description, or SPDX's summary when there is no description.
    pub description: Option<String>,
    /// Files of this package the document lists (SPDX hasFiles and CONTAINS).
    pub files: u64,
    /// The id of the component this one is nested in (CycloneDX).
    pub parent: Option<String>,
    /// True for what the document describes: SPDX documentDescribes / DESCRIBES targets,
    /// CycloneDX metadata.component.
    pub subject: bool,
}

impl Package {
    /// The ecosystem, from the purl's type: "npm", "pypi", "deb", "golang", …
    pub fn ecosystem(&self) -> Option<&str> {
        let purl = self.purl.as_deref()?;
        let rest = purl.strip_prefix("pkg:")?.trim_start_matches('/');
        let end = rest.find('/')?;
        Some(&rest[..end]).filter(|t| !t.is_empty())
    }
}

/// One checksum of a package, as the document states it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Hash {
    /// As the document names it, upper case with dashes: "SHA256", "SHA-256", "BLAKE2b-256".
    pub algorithm: String,
    /// The checksum itself as stated, usually hex.
    pub value: String,
}

/// A package's reference to something outside the document: a purl, a CPE, a VCS, a site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExternalRef {
    /// SPDX referenceCategory/referenceType ("SECURITY cpe23Type"), CycloneDX type ("vcs").
    pub kind: String,
    /// What it points at, as stated: a URL, a purl, a CPE or another identifier.
    pub locator: String,
}

/// `from` depends on `to` (both package ids), with the relationship as the document names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Dependency {
    /// The id of the package that depends.
    pub from: String,
    /// The id of the package depended on (which the document may not list as a package).
    pub to: String,
    /// "DEPENDS_ON", "DEV_DEPENDENCY_OF" (turned around), "dependsOn" (CycloneDX), …
    pub relationship: String,
}

/// A value as stated, or `None` for what a document writes when it states nothing.
pub fn stated(value: impl Into<String>) -> Option<String> {
    let value = value.into();
    let trimmed = value.trim();
    if trimmed.is_empty() || trimmed.eq_ignore_ascii_case("NOASSERTION") {
        None
    } else if trimmed.len() == value.len() {
        Some(value)
    } else {
        Some(trimmed.to_string())
    }
}

/// The licences list of a package: declared, then concluded where it differs.
pub fn license_list(declared: Option<&str>, concluded: Option<&str>) -> Vec<String> {
    let mut list: Vec<String> = declared.into_iter().map(str::to_string).collect();
    if let Some(c) = concluded {
        if declared != Some(c) {
            list.push(c.to_string());
        }
    }
    list
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn noassertion_and_blank_are_not_stated_and_none_is() {
        assert_eq!(stated("NOASSERTION"), None);
        assert_eq!(stated("noassertion"), None);
        assert_eq!(stated("  "), None);
        assert_eq!(stated("NONE").as_deref(), Some("NONE"));
        assert_eq!(stated(" MIT ").as_deref(), Some("MIT"));
    }

    #[test]
    fn ecosystem_is_the_purl_type() {
        let p = |purl: &str| Package {
            purl: Some(purl.into()),
            ..Default::default()
        };
        assert_eq!(p("pkg:npm/%40babel/core@7.0.0").ecosystem(), Some("npm"));
        assert_eq!(
            p("pkg:deb/debian/libc6@2.36?arch=amd64").ecosystem(),
            Some("deb")
        );
        assert_eq!(p("not-a-purl").ecosystem(), None);
        assert_eq!(p("pkg:/x").ecosystem(), None);
    }

    #[test]
    fn concluded_is_listed_only_where_it_differs() {
        assert_eq!(license_list(Some("MIT"), Some("MIT")), vec!["MIT"]);
        assert_eq!(
            license_list(Some("MIT"), Some("Apache-2.0")),
            vec!["MIT", "Apache-2.0"]
        );
        assert_eq!(license_list(None, Some("MIT")), vec!["MIT"]);
    }
}
