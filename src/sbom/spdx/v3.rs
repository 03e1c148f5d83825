//! SPDX 3.0 JSON-LD into the model: the `@graph`'s elements ([`super::v3_graph`]) tied together
//! by id, since SPDX 3 states licences, agents, creation info and every link between elements
//! as elements of their own, in any order.

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};

use crate::sbom::model::{license_list, stated};
use crate::sbom::{
    from_json, Dependency, Document, Encoding, ExternalRef, Format, Hash, Package, Problem,
};

use super::v3_graph::{Graph, InfoRef, Node, RawElement, RawRoot, Refs, Role};
use super::Text;

pub fn parse(bytes: &[u8]) -> Result<Document, Problem> {
    let raw: RawRoot = from_json(bytes)?;
    let Some(graph) = raw.graph else {
        return Err(Problem::at(
            "@graph",
            "missing: expected the array of the document's elements",
        ));
    };
    assemble(graph, raw.context.and_then(|c| c.0))
}

fn assemble(mut graph: Graph<'_>, context: Option<Text<'_>>) -> Result<Document, Problem> {
    let document = graph.documents.first();
    let info = match document.and_then(|d| d.creation_info.as_ref()) {
        Some(InfoRef::Inline(info)) => Some(&**info),
        Some(InfoRef::Id(id)) => graph.infos.get(id.as_str()),
        None => None,
    }
    .or_else(|| graph.infos.values().next());
    // The version CreationInfo states, else the one the context's address names.
    let from_context = context.as_ref().and_then(|c| {
        let rest = c.as_str().split_once("/rdf/")?.1;
        Some(rest.split('/').next()?.to_string())
    });
    let spec_version = info
        .and_then(|i| i.spec_version.clone())
        .and_then(Text::stated)
        .or(from_context)
        .ok_or_else(|| {
            Problem::at(
                "CreationInfo",
                "no specVersion, and no @context naming the SPDX 3 version: expected \"3.0.1\"",
            )
        })?;
    if !spec_version.starts_with("3.") {
        return Err(Problem::at(
            "CreationInfo",
            format!("specVersion {spec_version:?} where an SPDX 3 version was expected"),
        ));
    }
    let agent = |n: &Node| -> Option<String> {
        let known = n.id.as_ref().and_then(|id| graph.agents.get(id.as_str()));
        let name = n.name.as_ref().or(known).or(n.id.as_ref())?;
        stated(name.as_str())
    };
    let names = |r: Option<&Refs>| -> Vec<String> {
        r.map_or(Vec::new(), |r| r.0.iter().filter_map(agent).collect())
    };
    let tools = names(info.and_then(|i| i.created_using.as_ref()));
    let authors = names(info.and_then(|i| i.created_by.as_ref()));

    let packages = std::mem::take(&mut graph.packages);
    let mut package_at: HashMap<&str, usize> = HashMap::new();
    for (i, p) in packages.iter().enumerate() {
        if let Some(id) = &p.id {
            package_at.entry(id.as_str()).or_insert(i);
        }
    }
    let mut subject = vec![false; packages.len()];
    let mut files: Vec<HashSet<&str>> = vec![HashSet::new(); packages.len()];
    let mut declared: Vec<Vec<&str>> = vec![Vec::new(); packages.len()];
    let mut concluded: Vec<Vec<&str>> = vec![Vec::new(); packages.len()];
    let mut dependencies = Vec::new();
    let mut seen = HashSet::new();
    for root in &graph.roots {
        if let Some(&p) = package_at.get(root.as_str()) {
            subject[p] = true;
        }
    }
    for link in &graph.links {
        let from = package_at.get(link.from.as_str()).copied();
        for to in link.to.ids() {
            match (link.role, from) {
                (Role::Describes, _) if graph.collections.contains(link.from.as_str()) => {
                    if let Some(&p) = package_at.get(to) {
                        subject[p] = true;
                    }
                }
                (Role::Contains, Some(p)) if graph.file_ids.contains(to) => {
                    files[p].insert(to);
                }
                (Role::DependsOn, Some(p)) => {
                    if let Some(&q) = package_at.get(to) {
                        if seen.insert((p, q, link.name.as_str())) {
                            dependencies.push((p, q, link.name.as_str()));
                        }
                    }
                }
                (Role::DeclaredLicense, Some(p)) => declared[p].push(to),
                (Role::ConcludedLicense, Some(p)) => concluded[p].push(to),
                _ => {}
            }
        }
    }
    let license = |ids: &[&str]| -> Option<String> {
        let texts: Vec<String> = ids
            .iter()
            .filter_map(|id| license_text(&graph, id))
            .collect();
        (!texts.is_empty()).then(|| texts.join(" AND "))
    };
    let mut out = Vec::with_capacity(packages.len());
    for (i, p) in packages.into_iter().enumerate() {
        let declared = declared.get(i).and_then(|l| license(l));
        let concluded = concluded.get(i).and_then(|l| license(l));
        let mut package = package(p, i, &agent);
        package.licenses = license_list(declared.as_deref(), concluded.as_deref());
        package.declared_license = declared;
        package.concluded_license = concluded;
        package.subject = subject.get(i).copied().unwrap_or_default();
        package.files = files.get(i).map_or(0, |f| f.len() as u64);
        out.push(package);
    }
    let dependencies = dependencies
        .into_iter()
        .filter_map(|(p, q, name)| {
            Some(Dependency {
                from: out.get(p)?.id.clone(),
                to: out.get(q)?.id.clone(),
                relationship: name.to_string(),
            })
        })
        .collect();
    let document = graph.documents.first();
    Ok(Document {
        format: Format::Spdx,
        spec_version,
        encoding: Encoding::JsonLd,
        name: document.and_then(|d| d.name.clone()).and_then(Text::stated),
        namespace: document.and_then(|d| d.id.clone()).and_then(Text::stated),
        created: info.and_then(|i| i.created.clone()).and_then(Text::stated),
        tools,
        authors,
        packages: out,
        dependencies,
        files: graph.files,
    })
}

/// A licence element's expression; SPDX's own licence IRIs by their identifier.
fn license_text(graph: &Graph, id: &str) -> Option<String> {
    if let Some(expression) = graph.licenses.get(id) {
        return stated(expression.as_str());
    }
    let last = id.rsplit('/').next().unwrap_or(id);
    match last {
        "NoAssertionLicense" => None,
        "NoneLicense" => Some("NONE".into()),
        _ if id.contains("spdx.org/licenses/") => stated(last),
        _ => stated(id),
    }
}

/// The model's package from an SPDX 3 software_Package (licences, subject and files are set
/// by the caller, from relationships).
fn package(p: RawElement, index: usize, agent: &dyn Fn(&Node) -> Option<String>) -> Package {
    let mut purl = p.purl.and_then(Text::stated);
    let mut cpes = Vec::new();
    let mut external_refs = Vec::new();
    for x in p.external_identifier.unwrap_or_default() {
        let (Some(kind), Some(value)) = (x.kind, x.identifier.and_then(Text::stated)) else {
            continue;
        };
        match kind.as_str() {
            "packageUrl" => purl = purl.or_else(|| Some(value.clone())),
            "cpe22" | "cpe23" => cpes.push(value.clone()),
            _ => {}
        }
        external_refs.push(ExternalRef {
            kind: kind.0.into_owned(),
            locator: value,
        });
    }
    for r in p.external_ref.unwrap_or_default() {
        let kind = r
            .kind
            .map_or_else(|| "other".to_string(), |k| k.0.into_owned());
        for locator in r
            .locator
            .unwrap_or_default()
            .0
            .into_iter()
            .filter_map(|n| n.id)
        {
            let locator = locator.0.into_owned();
            external_refs.push(ExternalRef {
                kind: kind.clone(),
                locator,
            });
        }
    }
    let hashes = p
        .verified_using
        .unwrap_or_default()
        .into_iter()
        .filter(|h| {
            h.class
                .as_ref()
                .is_none_or(|c| c.as_str().ends_with("Hash"))
        })
        .filter_map(|h| {
            Some(Hash {
                algorithm: algorithm(h.algorithm?.as_str()),
                value: h.value?.0.trim().to_string(),
            })
        })
        .collect();
    let originators: Vec<String> = p
        .originated_by
        .iter()
        .flat_map(|r| &r.0)
        .filter_map(agent)
        .collect();
    Package {
        id: p
            .id
            .map(|t| t.0.trim().to_string())
            .filter(|id| !id.is_empty())
            .unwrap_or_else(|| format!("#{index}")),
        name: p.name.and_then(Text::stated),
        version: p.version.and_then(Text::stated),
        purl,
        cpes,
        kind: p.purpose.and_then(Text::stated).map(|k| kebab(&k)),
        supplier: p
            .supplied_by
            .as_ref()
            .and_then(|r| r.0.first())
            .and_then(agent),
        originator: (!originators.is_empty()).then(|| originators.join(", ")),
        hashes,
        download_location: p.download_location.and_then(Text::stated),
        homepage: p.homepage.and_then(Text::stated),
        external_refs,
        copyright: p.copyright.and_then(Text::stated),
        description: p
            .description
            .and_then(Text::stated)
            .or_else(|| p.summary.and_then(Text::stated)),
        ..Package::default()
    }
}

/// SPDX 3's hash algorithm names as SPDX 2 writes them ("sha256" is "SHA256", "sha3_256"
/// "SHA3-256", "blake2b256" "BLAKE2b-256"), so both versions' hashes read alike.
fn algorithm(name: &str) -> String {
    let name = name.trim();
    match name.strip_prefix("blake2b") {
        Some(bits) if !bits.is_empty() => format!("BLAKE2b-{bits}"),
        _ => name.to_ascii_uppercase().replace('_', "-"),
    }
}

/// `operatingSystem` as CycloneDX and SPDX 2 (read) name it: `operating-system`.
fn kebab(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for c in name.chars() {
        if c.is_ascii_uppercase() && !out.is_empty() {
            out.push('-');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r#"{
      "@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld",
      "@graph": [
        {"type": "CreationInfo", "@id": "_:ci", "specVersion": "3.0.1",
         "created": "2024-06-01T10:00:00Z", "createdBy": ["urn:x:org"],
         "createdUsing": ["urn:x:tool"]},
        {"type": "Organization", "spdxId": "urn:x:org", "name": "Example Inc.",
         "creationInfo": "_:ci"},
        {"type": "Tool", "spdxId": "urn:x:tool", "name": "generator-1.0", "creationInfo": "_:ci"},
        {"type": "SpdxDocument", "spdxId": "urn:x:doc", "name": "app",
         "creationInfo": "_:ci", "rootElement": ["urn:x:sbom"]},
        {"type": "software_Sbom", "spdxId": "urn:x:sbom", "creationInfo": "_:ci",
         "rootElement": "urn:x:app"},
        {"type": "Relationship", "spdxId": "urn:x:r1", "creationInfo": "_:ci",
         "from": "urn:x:app", "relationshipType": "contains", "to": ["urn:x:f1", "urn:x:lib"]},
        {"type": "LifecycleScopedRelationship", "spdxId": "urn:x:r2", "creationInfo": "_:ci",
         "from": "urn:x:app", "relationshipType": "dependsOn", "to": ["urn:x:lib"],
         "scope": "runtime"},
        {"type": "Relationship", "spdxId": "urn:x:r3", "creationInfo": "_:ci",
         "from": "urn:x:app", "relationshipType": "hasDeclaredLicense", "to": ["urn:x:lic"]},
        {"type": "Relationship", "spdxId": "urn:x:r4", "creationInfo": "_:ci",
         "from": "urn:x:app", "relationshipType": "hasConcludedLicense",
         "to": ["https://spdx.org/licenses/MIT"]},
        {"type": "Relationship", "spdxId": "urn:x:r5", "creationInfo": "_:ci",
         "from": "urn:x:lib", "relationshipType": "hasDeclaredLicense",
         "to": ["https://spdx.org/rdf/3.0.1/terms/Expanded/NoAssertionLicense"]},
        {"type": "simplelicensing_LicenseExpression", "spdxId": "urn:x:lic",
         "creationInfo": "_:ci", "simplelicensing_licenseExpression": "Apache-2.0 OR MIT"},
        {"type": "software_Package", "spdxId": "urn:x:app", "name": "app", "creationInfo": "_:ci",
         "software_packageVersion": "2.0", "software_primaryPurpose": "operatingSystem",
         "software_packageUrl": "pkg:npm/app@2.0", "suppliedBy": "urn:x:org",
         "originatedBy": [{"type": "Person", "spdxId": "urn:x:jane", "name": "Jane"}],
         "externalIdentifier": [{"type": "ExternalIdentifier",
           "externalIdentifierType": "cpe23", "identifier": "cpe:2.3:a:x:app:2.0:*:*:*:*:*:*:*"}],
         "externalRef": [{"type": "ExternalRef", "externalRefType": "vcs",
           "locator": ["https://git.example/app"]}],
         "verifiedUsing": [
           {"type": "Hash", "algorithm": "sha3_256", "hashValue": "aa"},
           {"type": "Hash", "algorithm": "blake2b256", "hashValue": "bb"},
           {"type": "software_PackageVerificationCode", "algorithm": "sha1", "hashValue": "cc"}],
         "software_downloadLocation": "NOASSERTION", "summary": "An app"},
        {"type": "software_Package", "spdxId": "urn:x:lib", "name": "lib", "creationInfo": "_:ci",
         "externalIdentifier": [{"externalIdentifierType": "packageUrl",
           "identifier": "pkg:npm/lib@1.0"}]},
        {"type": "software_File", "spdxId": "urn:x:f1", "name": "app.js", "creationInfo": "_:ci"},
        {"type": "software_File", "spdxId": "urn:x:f2", "name": "lib.js", "creationInfo": "_:ci"}
      ]
    }"#;

    #[test]
    fn reads_elements_and_ties_them_by_id() {
        let doc = parse(DOC.as_bytes()).unwrap();
        assert_eq!(doc.encoding, Encoding::JsonLd);
        assert_eq!(doc.spec_version, "3.0.1");
        assert_eq!(doc.name.as_deref(), Some("app"));
        assert_eq!(doc.namespace.as_deref(), Some("urn:x:doc"));
        assert_eq!(doc.created.as_deref(), Some("2024-06-01T10:00:00Z"));
        assert_eq!(doc.tools, ["generator-1.0"]);
        assert_eq!(doc.authors, ["Example Inc."]);
        assert_eq!(doc.files, 2);
        let [app, lib] = &doc.packages[..] else {
            panic!("two packages")
        };
        assert!(app.subject && !lib.subject, "the Sbom's root");
        assert_eq!(app.version.as_deref(), Some("2.0"));
        assert_eq!(app.kind.as_deref(), Some("operating-system"));
        assert_eq!(app.purl.as_deref(), Some("pkg:npm/app@2.0"));
        assert_eq!(app.cpes, ["cpe:2.3:a:x:app:2.0:*:*:*:*:*:*:*"]);
        assert_eq!(app.external_refs.len(), 2);
        assert_eq!(app.supplier.as_deref(), Some("Example Inc."));
        assert_eq!(app.originator.as_deref(), Some("Jane"));
        assert_eq!(app.licenses, ["Apache-2.0 OR MIT", "MIT"]);
        let algorithms: Vec<_> = app.hashes.iter().map(|h| h.algorithm.as_str()).collect();
        assert_eq!(algorithms, ["SHA3-256", "BLAKE2b-256"]);
        assert_eq!(app.download_location, None);
        assert_eq!(app.description.as_deref(), Some("An app"));
        assert_eq!(
            app.files, 1,
            "contains a file; contains a package is not a file"
        );
        assert_eq!(lib.purl.as_deref(), Some("pkg:npm/lib@1.0"));
        assert!(lib.licenses.is_empty(), "NoAssertionLicense states nothing");
        assert_eq!(doc.dependencies.len(), 1);
        let d = &doc.dependencies[0];
        assert_eq!((d.from.as_str(), d.to.as_str()), ("urn:x:app", "urn:x:lib"));
        assert_eq!(d.relationship, "dependsOn");
    }

    #[test]
    fn bad_input_names_the_element() {
        let e = parse(br#"{"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"}"#)
            .unwrap_err();
        assert_eq!(e.at.as_deref(), Some("@graph"));

        let e = parse(br#"{"@graph": [{"type": "CreationInfo"}, {"name": "x"}]}"#).unwrap_err();
        assert!(e.detail.starts_with("@graph[1]: no `type`"), "{e:?}");
        assert!(e.at.is_some_and(|at| at.starts_with("line 1")));

        let e = parse(
            br#"{"@graph": [{"type": "Relationship", "relationshipType": "dependsOn", "to": []}]}"#,
        )
        .unwrap_err();
        assert!(
            e.detail.contains("@graph[0]: Relationship without `from`"),
            "{e:?}"
        );

        let e = parse(b"{\"@graph\": [\n{\"type\": \"software_Package\", \"name\": [1]}]}")
            .unwrap_err();
        assert!(e.detail.starts_with("@graph[0]: invalid type"), "{e:?}");
        assert!(!e.detail.contains(" at line "), "the place is apart: {e:?}");
        assert!(e.at.is_some_and(|at| at.starts_with("line 2")));

        let e = parse(br#"{"@graph": [{"type": "SpdxDocument", "name": "x"}]}"#).unwrap_err();
        assert!(e.detail.contains("specVersion"), "{e:?}");
    }

    #[test]
    fn the_context_names_the_version_when_creation_info_does_not() {
        let doc = parse(
            br#"{"@context": ["https://spdx.org/rdf/3.0.1/spdx-context.jsonld", {"x": "y"}],
            "@graph": [{"type": "software_Package", "name": "a"}]}"#,
        )
        .unwrap();
        assert_eq!(doc.spec_version, "3.0.1");
        assert_eq!(doc.packages[0].id, "#0");
    }
}
