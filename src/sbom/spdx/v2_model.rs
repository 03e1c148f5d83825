//! SPDX 2 as read (any encoding) tied into the model: ids resolved into subjects, package
//! files and dependencies, once the whole document is read, since SPDX states them in any order.

use std::borrow::Cow;

use foldhash::{HashMap, HashSet};

use crate::sbom::model::{license_list, stated};
use crate::sbom::{Dependency, Document, Encoding, ExternalRef, Format, Hash, Package, Problem};

use super::v2_package::RawPackage;
use super::Text;

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
    /// Each package's index by its id, filled as packages are read: the reader of a JSON
    /// document's packages builds it while the other reads files.
    pub package_ids: Ids<'a>,
    /// (package index, file id): hasFiles, and tag-value's files after their package.
    pub package_files: Vec<(usize, Text<'a>)>,
    pub files: u64,
    pub file_ids: Ids<'a>,
    pub links: Vec<Link<'a>>,
}

/// Ids numbered as they are read, the first of a repeated id kept: a document's files, or its
/// packages. Kept in a map from the start, so each reader of a JSON document builds its own
/// while the other reads.
#[derive(Default)]
pub(super) struct Ids<'a>(HashMap<Cow<'a, str>, usize>);

impl<'a> Ids<'a> {
    pub fn add(&mut self, id: Text<'a>) {
        let next = self.0.len();
        self.add_at(id.0, next);
    }

    fn add_at(&mut self, id: Cow<'a, str>, index: usize) {
        self.0.entry(id).or_insert(index);
    }

    fn get(&self, id: &str) -> Option<usize> {
        self.0.get(id).copied()
    }
}

impl<'a> Parts<'a> {
    /// Adds a package read whole, and the files it names.
    pub fn push_package(&mut self, mut raw: RawPackage<'a>) {
        let index = self.packages.len();
        for file in raw.has_files.take().unwrap_or_default() {
            self.package_files.push((index, file));
        }
        // Keyed as [`package`] names it, borrowing the bytes where the id does.
        let borrowed = match &raw.spdx_id {
            Some(Text(Cow::Borrowed(id))) if !id.trim().is_empty() => Some(id.trim()),
            _ => None,
        };
        let package = package(raw, index);
        let id = borrowed.map_or_else(|| Cow::Owned(package.id.clone()), Cow::Borrowed);
        self.package_ids.add_at(id, index);
        self.packages.push(package);
    }
}

/// The model's package from SPDX 2's.
fn package(raw: RawPackage<'_>, index: usize) -> Package {
    let declared = raw.license_declared.and_then(Text::stated);
    let concluded = raw.license_concluded.and_then(Text::stated);
    let mut purl = None;
    let mut cpes = Vec::new();
    let refs = raw.external_refs.unwrap_or_default();
    // Sized to what is stated: pushing would keep room for four per package.
    let mut external_refs = Vec::with_capacity(refs.len());
    for r in refs {
        let kind = r.reference_type.as_str();
        // A reference that locates nothing (blank or NOASSERTION) is not kept: a blank purl
        // would read as a package URL that is there.
        let Some(locator) = r.reference_locator.stated() else {
            continue;
        };
        if kind.eq_ignore_ascii_case("purl") && purl.is_none() {
            purl = Some(locator.clone());
        } else if kind.eq_ignore_ascii_case("cpe23Type") || kind.eq_ignore_ascii_case("cpe22Type") {
            cpes.push(locator.clone());
        }
        // SPDX 2.2 wrote PACKAGE_MANAGER, 2.3 PACKAGE-MANAGER (and converters keep either).
        let kind = match &r.reference_category {
            Some(category) => format!("{} {kind}", category.as_str().replace('_', "-")),
            None => kind.to_string(),
        };
        external_refs.push(ExternalRef { kind, locator });
    }
    cpes.shrink_to_fit();
    Package {
        // An empty SPDXID names nothing a relationship could point at: made up like a missing one.
        id: raw
            .spdx_id
            .map(|t| t.0.trim().to_string())
            .filter(|id| !id.is_empty())
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
    let ids = Resolver {
        document_id,
        packages: &parts.package_ids,
        files: &parts.file_ids,
    };

    // A distro image's SBOM states half a million relationships: each half is resolved on a
    // core of its own, then joined in document order.
    let apart = parts.links.len() >= 10_000;
    let (first, second) = parts.links.split_at(parts.links.len() / 2);
    let (files_first, files_second) = parts.package_files.split_at(parts.package_files.len() / 2);
    let (first, second) = both(
        apart,
        || ids.resolve(first, files_first),
        || ids.resolve(second, files_second),
    );
    let mut resolved = first.then(second);
    resolved.subjects.extend(
        parts
            .describes
            .iter()
            .filter_map(|id| ids.packages.get(id.as_str())),
    );

    let dependencies = &resolved.dependencies;
    let (first, second) = dependencies.split_at(dependencies.len() / 2);
    let to_model = |share: &[(usize, usize, &str)]| -> Vec<Dependency> {
        share
            .iter()
            .map(|&(a, b, name)| Dependency {
                from: packages[a].id.clone(),
                to: packages[b].id.clone(),
                relationship: name.to_string(),
            })
            .collect()
    };
    let (mut dependencies, second) = both(apart, || to_model(first), || to_model(second));
    dependencies.extend(second);
    for i in resolved.subjects {
        packages[i].subject = true;
    }
    // hasFiles and CONTAINS often state the same file twice (converters write both).
    let mut contained = resolved.contained;
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

/// The ids relationships name, and what they resolve to.
struct Resolver<'r, 'a> {
    document_id: &'r str,
    packages: &'r Ids<'a>,
    files: &'r Ids<'a>,
}

/// What relationships say, by package and file index.
#[derive(Default)]
struct Resolved<'r> {
    subjects: Vec<usize>,
    /// (package, file) as stated, repeats included.
    contained: Vec<(usize, usize)>,
    /// (from, to, relationship), each stated once, in document order.
    dependencies: Vec<(usize, usize, &'r str)>,
    seen: HashSet<(usize, usize, &'r str)>,
}

impl<'r> Resolver<'r, '_> {
    /// Resolves `links` and `package_files` (hasFiles).
    fn resolve(&self, links: &'r [Link<'_>], package_files: &[(usize, Text<'_>)]) -> Resolved<'r> {
        let mut resolved = Resolved::default();
        for (p, f) in package_files {
            resolved
                .contained
                .extend(self.files.get(f.as_str()).map(|f| (*p, f)));
        }
        for link in links {
            let (from, to) = (link.from.as_str(), link.to.as_str());
            match link.role {
                Role::Describes if from == self.document_id => {
                    resolved.subjects.extend(self.packages.get(to))
                }
                Role::DescribedBy if to == self.document_id => {
                    resolved.subjects.extend(self.packages.get(from))
                }
                Role::Contains | Role::ContainedBy => {
                    let (holder, held) = if link.role == Role::Contains {
                        (from, to)
                    } else {
                        (to, from)
                    };
                    if let (Some(p), Some(f)) = (self.packages.get(holder), self.files.get(held)) {
                        resolved.contained.push((p, f));
                    }
                }
                Role::DependsOn | Role::DependencyOf => {
                    let (from, to) = if link.role == Role::DependsOn {
                        (from, to)
                    } else {
                        (to, from)
                    };
                    let (Some(a), Some(b)) = (self.packages.get(from), self.packages.get(to))
                    else {
                        continue;
                    };
                    let dependency = (a, b, link.name.as_str());
                    if resolved.seen.insert(dependency) {
                        resolved.dependencies.push(dependency);
                    }
                }
                Role::Describes | Role::DescribedBy => {}
            }
        }
        resolved
    }
}

impl<'r> Resolved<'r> {
    /// What these and the relationships after them say: a dependency already stated here is
    /// not stated again.
    fn then(mut self, later: Resolved<'r>) -> Resolved<'r> {
        self.subjects.extend(later.subjects);
        self.contained.extend(later.contained);
        let seen = &self.seen;
        let new = later.dependencies.into_iter().filter(|d| !seen.contains(d));
        self.dependencies.extend(new);
        self
    }
}

/// Runs `a` and `b`, on two cores when `apart`: worth a thread only for a large document.
fn both<A, B, RA, RB>(apart: bool, a: A, b: B) -> (RA, RB)
where
    A: FnOnce() -> RA + Send,
    B: FnOnce() -> RB,
    RA: Send,
{
    if !apart {
        return (a(), b());
    }
    std::thread::scope(|s| {
        let a = s.spawn(a);
        let b = b();
        // A panic there is a bug here: carried on as one.
        let a = a
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (a, b)
    })
}
