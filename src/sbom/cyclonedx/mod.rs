//! CycloneDX 1.2-1.7 (JSON and XML) into the SBOM model, nested components flattened.
//!
//! Both encodings read a component into the same [`Component`] and hand it to the same [`Bom`],
//! so what a field means (which licence is declared, who the originator is, which reference is
//! the download location) is decided once, here.
//!
//! Decisions the model leaves open:
//! - `declared_license` is the one declared expression or licence, or several joined with
//!   " AND " (CycloneDX lists every licence that applies); `concluded_license` is the same over
//!   the entries marked `acknowledgement: concluded` (1.6+). `licenses` lists every stated id,
//!   name and expression once, in document order.
//! - `originator` is the 1.6 `authors` (names, comma-separated), else `author`, else
//!   `publisher`, else the 1.6 `manufacturer`.
//! - `metadata.supplier` and the pre-1.6 `metadata.manufacture` describe the subject: they fill
//!   its supplier and originator where the component states none. The 1.6
//!   `metadata.manufacturer` made the BOM, so it is listed among the authors.
//! - Dependencies are kept whatever their refs name: a ref may be a service, or a component the
//!   document left out, and the dependency graph should still show it.
//! - Tools read "vendor name version" (1.2-1.4) or "group name version" (1.5+ components and
//!   services), so one tool reads the same in every version.

pub mod json;
#[cfg(test)]
mod tests;
pub mod xml;

use super::model::{stated, Dependency, Document, Encoding, ExternalRef, Format, Hash, Package};
use super::Problem;

/// Components nested deeper than this are refused: generators nest a few levels (node_modules
/// in node_modules), and the readers recurse once per level. In JSON each level is two (the
/// `components` array and the object), and serde_json stops at 128; 32 leaves the deepest
/// component room for its own fields, so both encodings refuse at the same depth.
pub(crate) const MAX_DEPTH: usize = 32;

/// One entry of a component's `licenses`, as stated.
#[derive(Debug)]
pub(crate) struct License {
    /// The SPDX id, the name, or the expression.
    pub text: String,
    pub expression: bool,
    /// 1.6's `acknowledgement: concluded`; anything else is declared.
    pub concluded: bool,
}

/// A component's fields as either encoding states them, before they become a [`Package`].
#[derive(Debug, Default)]
pub(crate) struct Component {
    pub bom_ref: Option<String>,
    pub kind: Option<String>,
    pub name: Option<String>,
    pub version: Option<String>,
    pub purl: Option<String>,
    pub cpe: Option<String>,
    pub licenses: Vec<License>,
    pub supplier: Option<String>,
    pub manufacturer: Option<String>,
    pub author: Option<String>,
    /// 1.6+ `authors[].name`.
    pub authors: Vec<String>,
    pub publisher: Option<String>,
    pub hashes: Vec<Hash>,
    pub external_refs: Vec<ExternalRef>,
    pub copyright: Option<String>,
    pub description: Option<String>,
}

impl Component {
    fn into_package(mut self) -> Package {
        // Lists grow by doubling from four: one hash would keep room for four in the model,
        // 144 bytes a package, a tenth of what an npm BOM's package costs.
        self.hashes.shrink_to_fit();
        self.external_refs.shrink_to_fit();
        let declared = joined(self.licenses.iter().filter(|l| !l.concluded));
        let concluded = joined(self.licenses.iter().filter(|l| l.concluded));
        let mut licenses: Vec<String> = Vec::with_capacity(self.licenses.len());
        for license in self.licenses {
            if !licenses.contains(&license.text) {
                licenses.push(license.text);
            }
        }
        let reference = |kind: &str| {
            self.external_refs
                .iter()
                .find(|r| r.kind.eq_ignore_ascii_case(kind))
                .map(|r| r.locator.clone())
        };
        let originator = if self.authors.is_empty() {
            self.author.or(self.publisher).or(self.manufacturer)
        } else {
            Some(self.authors.join(", "))
        };
        Package {
            id: self.bom_ref.unwrap_or_default(),
            name: self.name,
            version: self.version,
            purl: self.purl,
            cpes: self.cpe.into_iter().collect(),
            kind: self.kind.map(|mut k| {
                k.make_ascii_lowercase();
                k
            }),
            licenses,
            declared_license: declared,
            concluded_license: concluded,
            supplier: self.supplier,
            originator,
            download_location: reference("distribution"),
            homepage: reference("website"),
            hashes: self.hashes,
            external_refs: self.external_refs,
            copyright: self.copyright,
            description: self.description,
            ..Package::default()
        }
    }
}

/// One licence as is, several joined with " AND " (expressions in parentheses).
fn joined<'a>(licenses: impl Iterator<Item = &'a License>) -> Option<String> {
    let licenses: Vec<&License> = licenses.collect();
    match licenses.as_slice() {
        [] => None,
        [one] => Some(one.text.clone()),
        many => {
            let parts: Vec<String> = many
                .iter()
                .map(|l| {
                    if l.expression && l.text.contains(' ') {
                        format!("({})", l.text)
                    } else {
                        l.text.clone()
                    }
                })
                .collect();
            Some(parts.join(" AND "))
        }
    }
}

/// A tool's name as shown: its stated parts joined by spaces.
pub(crate) fn tool_name(parts: [Option<String>; 3]) -> Option<String> {
    let parts: Vec<String> = parts.into_iter().flatten().filter_map(stated).collect();
    (!parts.is_empty()).then(|| parts.join(" "))
}

/// A person as shown: "name <email>", or whichever of the two is stated.
pub(crate) fn contact(name: Option<String>, email: Option<String>) -> Option<String> {
    match (name.and_then(stated), email.and_then(stated)) {
        (Some(name), Some(email)) => Some(format!("{name} <{email}>")),
        (name, email) => name.or(email),
    }
}

/// The spec version a document declares, if Stowage reads it: any 1.x (1.2-1.7 are known;
/// later minor versions only add fields).
pub(crate) fn spec_version(stated: &str) -> Result<String, String> {
    let version = stated.trim();
    match version.strip_prefix("1.") {
        Some(minor) if !minor.is_empty() && minor.bytes().all(|b| b.is_ascii_digit()) => {
            Ok(version.to_string())
        }
        _ => Err(format!(
            "CycloneDX version {stated:?}, where 1.x (1.2 to 1.7) was expected"
        )),
    }
}

/// The document as it is read: components go in as they are met, in document order, and take
/// their final ids and parents when it is finished.
#[derive(Debug, Default)]
pub(crate) struct Bom {
    pub spec_version: Option<String>,
    pub serial_number: Option<String>,
    pub created: Option<String>,
    pub tools: Vec<String>,
    pub authors: Vec<String>,
    /// `metadata.supplier`: the subject's supplier unless it states one.
    pub subject_supplier: Option<String>,
    /// Pre-1.6 `metadata.manufacture`: the subject's originator unless it states one.
    pub subject_manufacturer: Option<String>,
    packages: Vec<Package>,
    /// Each package's parent, as an index into `packages` (ids may not be known yet).
    parents: Vec<Option<usize>>,
    /// Where the metadata component and those nested in it sit in `packages`.
    subject: Option<(usize, usize)>,
    dependencies: Vec<Dependency>,
}

impl Bom {
    /// Reserves the next package for a component nested `depth` levels deep (1 at the top), so
    /// it precedes the components nested in it. Returns its index, for [`Bom::fill`].
    pub fn open(&mut self, parent: Option<usize>, depth: usize) -> Result<usize, String> {
        if depth > MAX_DEPTH {
            return Err(format!(
                "components nested more than {MAX_DEPTH} levels deep; not read further"
            ));
        }
        self.packages.push(Package::default());
        self.parents.push(parent);
        Ok(self.packages.len() - 1)
    }

    pub fn fill(&mut self, slot: usize, component: Component) {
        if let Some(package) = self.packages.get_mut(slot) {
            *package = component.into_package();
        }
    }

    /// Marks the start of the metadata component: the packages opened until
    /// [`Bom::end_subject`] are it and those nested in it.
    pub fn begin_subject(&mut self) -> Result<(), String> {
        if self.subject.is_some() {
            return Err("a second metadata component".into());
        }
        self.subject = Some((self.packages.len(), self.packages.len()));
        Ok(())
    }

    pub fn end_subject(&mut self) {
        if let Some((start, _)) = self.subject {
            self.subject = Some((start, self.packages.len()));
        }
    }

    /// `from` depends on each of `to` (bom-refs). The last edge takes `from` itself: a BOM
    /// has about two edges per component, and each copy is an allocation the model keeps.
    pub fn depends(&mut self, mut from: String, to: impl IntoIterator<Item = String>) {
        let mut to = to.into_iter().filter_map(stated).peekable();
        while let Some(target) = to.next() {
            let from = match to.peek() {
                Some(_) => from.clone(),
                None => std::mem::take(&mut from),
            };
            self.dependencies.push(Dependency {
                from,
                to: target,
                relationship: "dependsOn".into(),
            });
        }
    }

    pub fn finish(mut self, encoding: Encoding) -> Result<Document, Problem> {
        let spec_version = self.spec_version.take().ok_or_else(|| match encoding {
            Encoding::Xml => Problem::at("bom", "no spec version in the namespace"),
            _ => Problem::at(
                "specVersion",
                "missing: a CycloneDX document states which version it follows",
            ),
        })?;
        self.subject_first();
        for (index, package) in self.packages.iter_mut().enumerate() {
            if package.id.is_empty() {
                package.id = format!("#{index}");
            }
        }
        for index in 0..self.packages.len() {
            if let Some(parent) = self.parents[index] {
                let id = self.packages.get(parent).map(|p| p.id.clone());
                self.packages[index].parent = id;
            }
        }
        let mut name = None;
        if self.subject.is_some_and(|(start, end)| end > start) {
            let subject = &mut self.packages[0];
            subject.subject = true;
            if subject.supplier.is_none() {
                subject.supplier = self.subject_supplier.take();
            }
            if subject.originator.is_none() {
                subject.originator = self.subject_manufacturer.take();
            }
            name = subject.name.clone();
        }
        let files = self
            .packages
            .iter()
            .filter(|p| p.kind.as_deref() == Some("file"))
            .count() as u64;
        Ok(Document {
            format: Format::Cyclonedx,
            spec_version,
            encoding,
            name,
            namespace: self.serial_number,
            created: self.created,
            tools: self.tools,
            authors: self.authors,
            packages: self.packages,
            dependencies: self.dependencies,
            files,
        })
    }

    /// JSON may state `metadata` after `components` (cyclonedx-py sorts its keys): the subject's
    /// block moves to the front, and parent indexes follow it.
    fn subject_first(&mut self) {
        let Some((start, end)) = self.subject else {
            return;
        };
        if start == 0 {
            return;
        }
        let len = end - start;
        self.packages[..end].rotate_right(len);
        self.parents[..end].rotate_right(len);
        let moved = |i: usize| match i {
            i if i < start => i + len,
            i if i < end => i - start,
            i => i,
        };
        for parent in self.parents.iter_mut().flatten() {
            *parent = moved(*parent);
        }
        self.subject = Some((0, len));
    }
}

#[cfg(test)]
mod builder_tests {
    use super::*;

    fn named(name: &str) -> Component {
        Component {
            name: Some(name.into()),
            ..Default::default()
        }
    }

    #[test]
    fn a_subject_read_last_comes_first_with_its_nested_components() {
        let mut bom = Bom {
            spec_version: Some("1.6".into()),
            ..Default::default()
        };
        let a = bom.open(None, 1).unwrap();
        let a1 = bom.open(Some(a), 2).unwrap();
        bom.fill(a1, named("a1"));
        bom.fill(a, named("a"));
        bom.begin_subject().unwrap();
        let s = bom.open(None, 1).unwrap();
        let s1 = bom.open(Some(s), 2).unwrap();
        bom.fill(s1, named("s1"));
        bom.fill(s, named("s"));
        bom.end_subject();
        let doc = bom.finish(Encoding::Json).unwrap();
        let names: Vec<_> = doc.packages.iter().map(|p| p.name.as_deref()).collect();
        assert_eq!(names, [Some("s"), Some("s1"), Some("a"), Some("a1")]);
        let ids: Vec<_> = doc.packages.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, ["#0", "#1", "#2", "#3"]);
        let parents: Vec<_> = doc.packages.iter().map(|p| p.parent.as_deref()).collect();
        assert_eq!(parents, [None, Some("#0"), None, Some("#2")]);
        assert!(doc.packages[0].subject && !doc.packages[2].subject);
        assert_eq!(doc.name.as_deref(), Some("s"));
    }

    #[test]
    fn several_licences_are_declared_together_and_concluded_apart() {
        let l = |text: &str, expression, concluded| License {
            text: text.into(),
            expression,
            concluded,
        };
        let package = Component {
            licenses: vec![
                l("MIT", false, false),
                l("Apache-2.0 OR BSD-3-Clause", true, false),
                l("MIT", false, true),
            ],
            ..Default::default()
        }
        .into_package();
        assert_eq!(
            package.declared_license.as_deref(),
            Some("MIT AND (Apache-2.0 OR BSD-3-Clause)")
        );
        assert_eq!(package.concluded_license.as_deref(), Some("MIT"));
        assert_eq!(package.licenses, ["MIT", "Apache-2.0 OR BSD-3-Clause"]);
    }

    #[test]
    fn versions_other_than_1_x_are_refused() {
        assert_eq!(spec_version("1.7").as_deref(), Ok("1.7"));
        assert!(spec_version("2.0").is_err());
        assert!(spec_version("1.").is_err());
        assert!(spec_version("SPDX-2.3").is_err());
    }

    #[test]
    fn nesting_deeper_than_the_limit_is_refused() {
        let mut bom = Bom::default();
        assert!(bom.open(None, MAX_DEPTH).is_ok());
        let e = bom.open(None, MAX_DEPTH + 1).unwrap_err();
        assert!(e.contains("32 levels"), "{e}");
    }
}
