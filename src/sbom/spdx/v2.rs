//! SPDX 2.2/2.3's document structure as serde reads it, shared by the JSON and YAML readers.
//!
//! One pass: packages become model packages as they are read; files are counted and only their
//! ids kept; relationships are kept (borrowed from the bytes) only where [`Link::new`] says the
//! model needs them. [`super::v2_model`] ties them together once everything is read.

use std::fmt;

use serde::de::{Deserializer, IgnoredAny, SeqAccess, Visitor};
use serde::Deserialize;

use crate::sbom::Package;

use super::v2_model::{Ids, Link, Parts};
use super::v2_package::RawPackage;
use super::Text;

/// The top level of an SPDX 2 JSON or YAML document: only what the model needs. `P`, `F` and
/// `R` read `packages`, `files` and `relationships`; [`IgnoredAny`] in their place skips them,
/// which lets two readers share a JSON document (see [`super::json`]).
#[derive(Deserialize)]
#[serde(
    rename_all = "camelCase",
    bound(deserialize = "P: Deserialize<'de>, F: Deserialize<'de>, R: Deserialize<'de>")
)]
pub(super) struct RawDocument<'a, P = Packages<'a>, F = Files<'a>, R = Links<'a>> {
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
    packages: Option<P>,
    files: Option<F>,
    relationships: Option<R>,
}

/// What one reader of a shared JSON document takes: the document and its packages.
pub(super) type HeadAndPackages<'a> = RawDocument<'a, Packages<'a>, IgnoredAny, IgnoredAny>;
/// What the other takes: files and relationships.
pub(super) type FilesAndLinks<'a> = RawDocument<'a, IgnoredAny, Files<'a>, Links<'a>>;

impl<'a> RawDocument<'a> {
    /// The document the two readers of a shared JSON document read between them.
    pub(super) fn joined(head: HeadAndPackages<'a>, rest: FilesAndLinks<'a>) -> Self {
        RawDocument {
            spdx_version: head.spdx_version,
            spdx_id: head.spdx_id,
            name: head.name,
            document_namespace: head.document_namespace,
            creation_info: head.creation_info,
            document_describes: head.document_describes,
            packages: head.packages,
            files: rest.files,
            relationships: rest.relationships,
        }
    }
}

#[derive(Deserialize)]
struct RawCreationInfo<'a> {
    #[serde(borrow)]
    created: Option<Text<'a>>,
    #[serde(borrow)]
    creators: Option<Vec<Text<'a>>>,
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
            package_ids: packages.ids,
            package_files: packages.files,
            files: files.count,
            file_ids: files.ids,
            links: raw.relationships.map(|l| l.0).unwrap_or_default(),
        }
    }
}

/// `packages`, turned into model packages one by one as they are read.
#[derive(Default)]
pub(super) struct Packages<'a> {
    packages: Vec<Package>,
    ids: Ids<'a>,
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
                    ids: parts.package_ids,
                    files: parts.package_files,
                })
            }
        }
        deserializer.deserialize_seq(PackagesVisitor(std::marker::PhantomData))
    }
}

/// `files`: counted, with their ids.
#[derive(Default)]
pub(super) struct Files<'a> {
    count: u64,
    ids: Ids<'a>,
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
                    if let Some(id) = file.spdx_id {
                        files.ids.add(id);
                    }
                }
                Ok(files)
            }
        }
        deserializer.deserialize_seq(FilesVisitor(std::marker::PhantomData))
    }
}

/// `relationships`: only the kept ones.
pub(super) struct Links<'a>(Vec<Link<'a>>);

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
