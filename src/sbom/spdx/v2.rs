//! SPDX 2.2/2.3's document structure as serde reads it (JSON and YAML share it), and the
//! assembly of packages, files and relationships into the model (tag-value uses it too).
//!
//! One pass: packages become model packages as they are read; files are counted and only their
//! ids kept; relationships are kept (borrowed from the bytes) only where they say what a
//! document describes, which files a package holds, or what depends on what. What ties them
//! together is resolved once everything is read, since SPDX puts them in any order.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::fmt;

use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::Deserialize;

use crate::sbom::model::{license_list, stated};
use crate::sbom::{Dependency, Document, Encoding, ExternalRef, Format, Hash, Package, Problem};

/// A string borrowed from the bytes where the encoding allows (JSON without escapes, plain
/// YAML scalars), else owned. Numbers and booleans are taken as text: YAML writes
/// `versionInfo: 1.0` unquoted and some JSON writers put numbers where SPDX has strings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Text<'a>(pub Cow<'a, str>);

impl<'a> Text<'a> {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn stated(self) -> Option<String> {
        stated(self.0)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor;
        impl<'de> Visitor<'de> for TextVisitor {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(v.to_string())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(v)))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(v.to_string())))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(v.to_string())))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(v.to_string())))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(v.to_string())))
            }
        }
        deserializer.deserialize_any(TextVisitor)
    }
}

/// The top level of an SPDX 2 JSON or YAML document: only what the model needs.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct RawDocument<'a> {
    #[serde(borrow)]
    spdx_version: Option<Text<'a>>,
    #[serde(rename = "SPDXID", borrow)]
    spdx_id: Option<Text<'a>>,
    #[serde(borrow)]
    name: Option<Text<'a>>,
    #[serde(borrow)]
    document_namespace: Option<Text<'a>>,
    #[serde(borrow)]
    creation_info: Option<RawCreationInfo<'a>>,
    #[serde(borrow)]
    document_describes: Option<Vec<Text<'a>>>,
    #[serde(borrow)]
    packages: Option<Packages<'a>>,
    #[serde(borrow)]
    files: Option<Files<'a>>,
    #[serde(borrow)]
    relationships: Option<Links<'a>>,
}

#[derive(Deserialize)]
struct RawCreationInfo<'a> {
    #[serde(borrow)]
    created: Option<Text<'a>>,
    #[serde(borrow)]
    creators: Option<Vec<Text<'a>>>,
}

/// One package as SPDX 2 states it. Tag-value fills the same struct, tag by tag.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(super) struct RawPackage<'a> {
    #[serde(rename = "SPDXID", borrow)]
    pub spdx_id: Option<Text<'a>>,
    #[serde(borrow)]
    pub name: Option<Text<'a>>,
    #[serde(borrow)]
    pub version_info: Option<Text<'a>>,
    #[serde(borrow)]
    pub primary_package_purpose: Option<Text<'a>>,
    #[serde(borrow)]
    pub supplier: Option<Text<'a>>,
    #[serde(borrow)]
    pub originator: Option<Text<'a>>,
    #[serde(borrow)]
    pub download_location: Option<Text<'a>>,
    #[serde(borrow)]
    pub homepage: Option<Text<'a>>,
    #[serde(borrow)]
    pub license_concluded: Option<Text<'a>>,
    #[serde(borrow)]
    pub license_declared: Option<Text<'a>>,
    #[serde(borrow)]
    pub copyright_text: Option<Text<'a>>,
    #[serde(borrow)]
    pub description: Option<Text<'a>>,
    #[serde(borrow)]
    pub summary: Option<Text<'a>>,
    #[serde(borrow)]
    pub checksums: Option<Vec<RawChecksum<'a>>>,
    #[serde(borrow)]
    pub external_refs: Option<Vec<RawExternalRef<'a>>>,
    #[serde(borrow)]
    pub has_files: Option<Vec<Text<'a>>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct RawChecksum<'a> {
    #[serde(borrow)]
    pub algorithm: Text<'a>,
    #[serde(borrow)]
    pub checksum_value: Text<'a>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct RawExternalRef<'a> {
    #[serde(borrow)]
    pub reference_category: Option<Text<'a>>,
    #[serde(borrow)]
    pub reference_type: Text<'a>,
    #[serde(borrow)]
    pub reference_locator: Text<'a>,
}

/// A file: only its id is kept, for the relationships that name it.
#[derive(Deserialize)]
struct RawFile<'a> {
    #[serde(rename = "SPDXID", borrow)]
    spdx_id: Option<Text<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawRelationship<'a> {
    #[serde(borrow)]
    spdx_element_id: Text<'a>,
    #[serde(borrow)]
    related_spdx_element: Text<'a>,
    #[serde(borrow)]
    relationship_type: Text<'a>,
}

/// What a kept relationship says, `from` and `to` as the document writes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Describes,
    DescribedBy,
    Contains,
    ContainedBy,
    /// `from` depends on `to`: DEPENDS_ON, HAS_PREREQUISITE.
    DependsOn,
    /// `to` depends on `from`: DEPENDENCY_OF and its BUILD_, DEV_, OPTIONAL_, PROVIDED_, TEST_,
    /// RUNTIME_ kinds; PREREQUISITE_FOR (npm states peer dependencies so).
    DependencyOf,
}

impl Role {
    /// The relationships kept. STATIC_LINK and DYNAMIC_LINK are not: writers disagree on their
    /// direction (spdx-maven-plugin names the library as the one linking), so they cannot be
    /// read as "needs". DEPENDENCY_MANIFEST_OF names a file, never a package.
    fn of(relationship: &str) -> Option<Role> {
        let is = |name: &str| relationship.eq_ignore_ascii_case(name);
        let bytes = relationship.as_bytes();
        let suffix = b"DEPENDENCY_OF";
        Some(if is("DESCRIBES") {
            Role::Describes
        } else if is("DESCRIBED_BY") {
            Role::DescribedBy
        } else if is("CONTAINS") {
            Role::Contains
        } else if is("CONTAINED_BY") {
            Role::ContainedBy
        } else if is("DEPENDS_ON") || is("HAS_PREREQUISITE") {
            Role::DependsOn
        } else if is("PREREQUISITE_FOR")
            || (bytes.len() >= suffix.len()
                && bytes[bytes.len() - suffix.len()..].eq_ignore_ascii_case(suffix))
        {
            Role::DependencyOf
        } else {
            return None;
        })
    }
}

/// A relationship kept for assembly.
pub(super) struct Link<'a> {
    from: Text<'a>,
    to: Text<'a>,
    role: Role,
    name: Text<'a>,
}

impl<'a> Link<'a> {
    /// The link a `Relationship: A TYPE B` line or a relationships entry states, if kept.
    pub fn new(from: Text<'a>, name: Text<'a>, to: Text<'a>) -> Option<Link<'a>> {
        let role = Role::of(name.as_str())?;
        Some(Link {
            from,
            to,
            role,
            name,
        })
    }
}

/// Everything read from an SPDX 2 document, before its ids are resolved.
#[derive(Default)]
pub(super) struct Parts<'a> {
    pub spdx_version: Option<Text<'a>>,
    pub document_id: Option<Text<'a>>,
    pub name: Option<Text<'a>>,
    pub namespace: Option<Text<'a>>,
    pub created: Option<Text<'a>>,
    pub creators: Vec<Text<'a>>,
    pub describes: Vec<Text<'a>>,
    pub packages: Vec<Package>,
    /// (package index, file id): hasFiles, and tag-value's files after their package.
    pub package_files: Vec<(usize, Text<'a>)>,
    pub files: u64,
    pub file_ids: Vec<Text<'a>>,
    pub links: Vec<Link<'a>>,
}

impl<'a> Parts<'a> {
    /// Adds a package read whole, and the files it names.
    pub fn push_package(&mut self, mut raw: RawPackage<'a>) {
        let index = self.packages.len();
        for file in raw.has_files.take().unwrap_or_default() {
            self.package_files.push((index, file));
        }
        self.packages.push(package(raw, index));
    }
}

impl<'a> From<RawDocument<'a>> for Parts<'a> {
    fn from(raw: RawDocument<'a>) -> Self {
        let (created, creators) = match raw.creation_info {
            Some(info) => (info.created, info.creators.unwrap_or_default()),
            None => (None, Vec::new()),
        };
        let packages = raw.packages.unwrap_or_default();
        let files = raw.files.unwrap_or_default();
        Parts {
            spdx_version: raw.spdx_version,
            document_id: raw.spdx_id,
            name: raw.name,
            namespace: raw.document_namespace,
            created,
            creators,
            describes: raw.document_describes.unwrap_or_default(),
            packages: packages.packages,
            package_files: packages.files,
            files: files.count,
            file_ids: files.ids,
            links: raw.relationships.map(|l| l.0).unwrap_or_default(),
        }
    }
}

/// The model's package from SPDX 2's.
fn package(raw: RawPackage<'_>, index: usize) -> Package {
    let declared = raw.license_declared.and_then(Text::stated);
    let concluded = raw.license_concluded.and_then(Text::stated);
    let mut purl = None;
    let mut cpes = Vec::new();
    let mut external_refs = Vec::new();
    for r in raw.external_refs.unwrap_or_default() {
        let kind = r.reference_type.as_str();
        let locator = r.reference_locator.0.trim().to_string();
        if kind.eq_ignore_ascii_case("purl") && purl.is_none() {
            purl = Some(locator.clone());
        } else if kind.eq_ignore_ascii_case("cpe23Type") || kind.eq_ignore_ascii_case("cpe22Type") {
            cpes.push(locator.clone());
        }
        let kind = match &r.reference_category {
            Some(category) => format!("{} {kind}", category.as_str()),
            None => kind.to_string(),
        };
        external_refs.push(ExternalRef { kind, locator });
    }
    Package {
        id: raw
            .spdx_id
            .map(|t| t.0.into_owned())
            .unwrap_or_else(|| format!("#{index}")),
        name: raw.name.and_then(Text::stated),
        version: raw.version_info.and_then(Text::stated),
        purl,
        cpes,
        // OPERATING_SYSTEM (JSON) and OPERATING-SYSTEM (tag-value) read as CycloneDX's
        // `operating-system`, so the two formats' kinds compare.
        kind: raw
            .primary_package_purpose
            .and_then(Text::stated)
            .map(|p| p.to_ascii_lowercase().replace('_', "-")),
        licenses: license_list(declared.as_deref(), concluded.as_deref()),
        declared_license: declared,
        concluded_license: concluded,
        supplier: raw.supplier.and_then(|t| agent(t.as_str())),
        originator: raw.originator.and_then(|t| agent(t.as_str())),
        hashes: raw
            .checksums
            .unwrap_or_default()
            .into_iter()
            .map(|c| Hash {
                algorithm: c.algorithm.0.trim().to_string(),
                value: c.checksum_value.0.trim().to_string(),
            })
            .collect(),
        download_location: raw.download_location.and_then(Text::stated),
        homepage: raw.homepage.and_then(Text::stated),
        external_refs,
        copyright: raw.copyright_text.and_then(Text::stated),
        description: raw
            .description
            .and_then(Text::stated)
            .or_else(|| raw.summary.and_then(Text::stated)),
        files: 0,
        parent: None,
        subject: false,
    }
}

/// A supplier, originator or creator as a reader wants to see it: "Organization: Debian" is
/// "Debian", "Person: Jane (jane@example.com)" is "Jane (jane@example.com)"; the kind of
/// agent is dropped, as CycloneDX states none either.
pub(super) fn agent(value: &str) -> Option<String> {
    let value = value.trim();
    let name = ["Organization:", "Person:", "Tool:"]
        .iter()
        .find_map(|prefix| value.strip_prefix(prefix))
        .unwrap_or(value);
    stated(name)
}

/// Resolves ids and builds the document.
pub(super) fn assemble(parts: Parts<'_>, encoding: Encoding) -> Result<Document, Problem> {
    let version_tag = match encoding {
        Encoding::TagValue => "SPDXVersion",
        _ => "spdxVersion",
    };
    let Some(version) = parts.spdx_version else {
        return Err(Problem::at(
            version_tag,
            "missing: expected the SPDX version, e.g. \"SPDX-2.3\"",
        ));
    };
    let version = version.as_str().trim();
    let spec_version = version.strip_prefix("SPDX-").unwrap_or(version);
    if !spec_version.starts_with("2.") {
        return Err(Problem::at(
            version_tag,
            format!(
                "{version:?} where an SPDX 2 version (\"SPDX-2.2\", \"SPDX-2.3\") was expected"
            ),
        ));
    }
    let mut packages = parts.packages;
    let document_id = parts
        .document_id
        .as_ref()
        .map_or("SPDXRef-DOCUMENT", Text::as_str);

    let mut package_at: HashMap<&str, usize> = HashMap::with_capacity(packages.len());
    for (i, p) in packages.iter().enumerate() {
        package_at.entry(p.id.as_str()).or_insert(i);
    }
    let file_at: HashMap<&str, usize> = parts
        .file_ids
        .iter()
        .enumerate()
        .map(|(i, id)| (id.as_str(), i))
        .collect();

    let mut subjects: Vec<usize> = parts
        .describes
        .iter()
        .filter_map(|id| package_at.get(id.as_str()).copied())
        .collect();
    let mut contained: Vec<(usize, usize)> = parts
        .package_files
        .iter()
        .filter_map(|(p, f)| Some((*p, *file_at.get(f.as_str())?)))
        .collect();
    let mut dependencies = Vec::new();
    let mut seen = HashSet::new();
    for link in &parts.links {
        let (from, to) = (link.from.as_str(), link.to.as_str());
        match link.role {
            Role::Describes if from == document_id => subjects.extend(package_at.get(to)),
            Role::DescribedBy if to == document_id => subjects.extend(package_at.get(from)),
            Role::Contains | Role::ContainedBy => {
                let (holder, held) = if link.role == Role::Contains {
                    (from, to)
                } else {
                    (to, from)
                };
                if let (Some(&p), Some(&f)) = (package_at.get(holder), file_at.get(held)) {
                    contained.push((p, f));
                }
            }
            Role::DependsOn | Role::DependencyOf => {
                let (from, to) = if link.role == Role::DependsOn {
                    (from, to)
                } else {
                    (to, from)
                };
                let (Some(&a), Some(&b)) = (package_at.get(from), package_at.get(to)) else {
                    continue;
                };
                if seen.insert((a, b, link.name.as_str())) {
                    dependencies.push((a, b, link.name.as_str()));
                }
            }
            Role::Describes | Role::DescribedBy => {}
        }
    }
    drop(package_at);
    let dependencies = dependencies
        .into_iter()
        .map(|(a, b, name)| Dependency {
            from: packages[a].id.clone(),
            to: packages[b].id.clone(),
            relationship: name.to_string(),
        })
        .collect();
    for i in subjects {
        packages[i].subject = true;
    }
    // hasFiles and CONTAINS often state the same file twice (converters write both).
    contained.sort_unstable();
    contained.dedup();
    for (p, _) in contained {
        packages[p].files += 1;
    }

    let mut tools = Vec::new();
    let mut authors = Vec::new();
    for creator in &parts.creators {
        let creator = creator.as_str().trim();
        match creator.strip_prefix("Tool:") {
            Some(tool) => tools.extend(stated(tool)),
            None => authors.extend(agent(creator)),
        }
    }
    Ok(Document {
        format: Format::Spdx,
        spec_version: spec_version.to_string(),
        encoding,
        name: parts.name.and_then(Text::stated),
        namespace: parts.namespace.and_then(Text::stated),
        created: parts.created.and_then(Text::stated),
        tools,
        authors,
        packages,
        dependencies,
        files: parts.files,
    })
}

/// `packages`, turned into model packages one by one as they are read.
#[derive(Default)]
struct Packages<'a> {
    packages: Vec<Package>,
    files: Vec<(usize, Text<'a>)>,
}

impl<'de: 'a, 'a> Deserialize<'de> for Packages<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct PackagesVisitor<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for PackagesVisitor<'a> {
            type Value = Packages<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an array of packages")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut parts = Parts::default();
                while let Some(raw) = seq.next_element::<RawPackage<'a>>()? {
                    parts.push_package(raw);
                }
                Ok(Packages {
                    packages: parts.packages,
                    files: parts.package_files,
                })
            }
        }
        deserializer.deserialize_seq(PackagesVisitor(std::marker::PhantomData))
    }
}

/// `files`: counted, with their ids.
#[derive(Default)]
struct Files<'a> {
    count: u64,
    ids: Vec<Text<'a>>,
}

impl<'de: 'a, 'a> Deserialize<'de> for Files<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FilesVisitor<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for FilesVisitor<'a> {
            type Value = Files<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an array of files")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut files = Files::default();
                while let Some(file) = seq.next_element::<RawFile<'a>>()? {
                    files.count += 1;
                    files.ids.extend(file.spdx_id);
                }
                Ok(files)
            }
        }
        deserializer.deserialize_seq(FilesVisitor(std::marker::PhantomData))
    }
}

/// `relationships`: only the kept ones.
struct Links<'a>(Vec<Link<'a>>);

impl<'de: 'a, 'a> Deserialize<'de> for Links<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct LinksVisitor<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for LinksVisitor<'a> {
            type Value = Links<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an array of relationships")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut links = Vec::new();
                while let Some(r) = seq.next_element::<RawRelationship<'a>>()? {
                    links.extend(Link::new(
                        r.spdx_element_id,
                        r.relationship_type,
                        r.related_spdx_element,
                    ));
                }
                Ok(Links(links))
            }
        }
        deserializer.deserialize_seq(LinksVisitor(std::marker::PhantomData))
    }
}
