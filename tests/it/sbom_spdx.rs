//! The SPDX readers against documents other tools made (npm, sbom4python, pyspdxtools,
//! sigs.k8s.io/bom and spdx-maven-plugin via the SPDX converter; see
//! tests/fixtures/sbom/README.md), every package checked against what Python's json reads.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Value};
use stowage::sbom::{self, Document, Encoding, Format, Package};

/// Reads an SPDX 2 JSON document with Python's json and prints what the model should hold:
/// NOASSERTION as nothing, "Organization: " and "Person: " dropped from agents, declared then
/// concluded licences, subjects from documentDescribes and DESCRIBES, files from hasFiles and
/// CONTAINS, and dependencies between packages (DEPENDS_ON, HAS_PREREQUISITE as stated;
/// *DEPENDENCY_OF and PREREQUISITE_FOR turned around).
const PYTHON_SPDX2: &str = r##"
import json, sys

def stated(v):
    v = (v or "").strip()
    return None if not v or v.upper() == "NOASSERTION" else v

def agent(v):
    v = stated(v)
    for prefix in ("Organization:", "Person:", "Tool:"):
        if v and v.startswith(prefix): return stated(v[len(prefix):])
    return v

doc = json.load(open(sys.argv[1], encoding="utf-8"))
packages = doc.get("packages") or []
files = doc.get("files") or []
ids = [p.get("SPDXID") or "#%d" % i for i, p in enumerate(packages)]
known, file_ids = set(ids), {f.get("SPDXID") for f in files}
document = doc.get("SPDXID", "SPDXRef-DOCUMENT")
subjects = set(doc.get("documentDescribes") or [])
held = {(ids[i], f) for i, p in enumerate(packages) for f in p.get("hasFiles") or [] if f in file_ids}
deps, seen = [], set()
for r in doc.get("relationships") or []:
    a, kind, b = r["spdxElementId"], r["relationshipType"], r["relatedSpdxElement"]
    edge = None
    if kind == "DESCRIBES" and a == document: subjects.add(b)
    elif kind == "CONTAINS" and a in known and b in file_ids: held.add((a, b))
    elif kind in ("DEPENDS_ON", "HAS_PREREQUISITE"): edge = (a, b, kind)
    elif kind == "PREREQUISITE_FOR" or kind.endswith("DEPENDENCY_OF"): edge = (b, a, kind)
    if edge and edge[0] in known and edge[1] in known and edge not in seen:
        seen.add(edge); deps.append(list(edge))
rows = []
for i, p in enumerate(packages):
    refs = p.get("externalRefs") or []
    purls = [r["referenceLocator"] for r in refs if r["referenceType"] == "purl"]
    declared, concluded = stated(p.get("licenseDeclared")), stated(p.get("licenseConcluded"))
    licenses = [l for l in (declared, concluded) if l]
    if declared and declared == concluded: licenses = [declared]
    purpose = stated(p.get("primaryPackagePurpose"))
    rows.append({"id": ids[i], "name": stated(p.get("name")), "version": stated(p.get("versionInfo")),
        "purl": purls[0] if purls else None,
        "cpes": [r["referenceLocator"] for r in refs if r["referenceType"] in ("cpe22Type", "cpe23Type")],
        "type": purpose.lower().replace("_", "-") if purpose else None, "licenses": licenses,
        "hashes": [[c["algorithm"], c["checksumValue"]] for c in p.get("checksums") or []],
        "supplier": agent(p.get("supplier")), "originator": agent(p.get("originator")),
        "subject": ids[i] in subjects, "files": sum(1 for (q, _) in held if q == ids[i])})
info = doc.get("creationInfo") or {}
print(json.dumps({"specVersion": doc["spdxVersion"].replace("SPDX-", ""), "name": doc.get("name"),
    "namespace": doc.get("documentNamespace"), "created": info.get("created"),
    "creators": info.get("creators") or [], "files": len(files), "rows": rows, "dependencies": deps}))"##;

/// Reads an SPDX 3 JSON-LD document with Python's json: packages in graph order with their
/// name, version, purl (software_packageUrl, else a packageUrl identifier), whether a root or
/// described, and files they contain; the files; dependsOn/hasPrerequisite between packages.
const PYTHON_SPDX3: &str = r##"
import json, sys
graph = json.load(open(sys.argv[1], encoding="utf-8"))["@graph"]
packages = [e for e in graph if e.get("type") == "software_Package"]
ids = [p["spdxId"] for p in packages]
file_ids = {e["spdxId"] for e in graph if e.get("type") == "software_File"}
rels = [e for e in graph if e.get("type") in ("Relationship", "LifecycleScopedRelationship")]
collections = [e for e in graph if e.get("type") in ("SpdxDocument", "software_Sbom")]
subjects = {r for c in collections for r in c.get("rootElement") or []}
subjects |= {t for r in rels if r["relationshipType"] == "describes"
             and r["from"] in {c["spdxId"] for c in collections} for t in r["to"]}
deps = []
for r in rels:
    for t in r["to"]:
        edge = [r["from"], t, r["relationshipType"]]
        if r["relationshipType"] in ("dependsOn", "hasPrerequisite") and r["from"] in ids and t in ids \
                and edge not in deps:
            deps.append(edge)
rows = []
for p in packages:
    purls = [x["identifier"] for x in p.get("externalIdentifier") or [] if x["externalIdentifierType"] == "packageUrl"]
    rows.append({"id": p["spdxId"], "name": p.get("name"), "version": p.get("software_packageVersion"),
        "purl": p.get("software_packageUrl") or (purls[0] if purls else None),
        "subject": p["spdxId"] in subjects,
        "files": len({t for r in rels if r["relationshipType"] == "contains" and r["from"] == p["spdxId"]
                      for t in r["to"] if t in file_ids})})
print(json.dumps({"files": len(file_ids), "rows": rows, "dependencies": deps}))"##;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/sbom")
        .join(name)
}

fn read(name: &str, media_type: Option<&str>) -> Document {
    let bytes = std::fs::read(fixture(name)).expect("fixture");
    let read = sbom::read(&bytes, media_type, name).unwrap_or_else(|e| panic!("{name}: {e:?}"));
    assert!(read.wrappers.is_empty() && read.statement.is_none());
    assert_eq!(read.document.format, Format::Spdx);
    read.document
}

fn python(script: &str, name: &str) -> Value {
    let out = Command::new(crate::harness::python())
        .arg("-c")
        .arg(script)
        .arg(fixture(name))
        .output()
        .expect("run python3");
    assert!(
        out.status.success(),
        "python3 failed on {name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("python's summary")
}

fn row(p: &Package) -> Value {
    let hashes: Vec<_> = p
        .hashes
        .iter()
        .map(|h| json!([h.algorithm, h.value]))
        .collect();
    json!({
        "id": p.id, "name": p.name, "version": p.version, "purl": p.purl, "cpes": p.cpes,
        "type": p.kind, "licenses": p.licenses, "hashes": hashes, "supplier": p.supplier,
        "originator": p.originator, "subject": p.subject, "files": p.files,
    })
}

fn dependencies(doc: &Document) -> Value {
    let edges: Vec<_> = doc
        .dependencies
        .iter()
        .map(|d| json!([d.from, d.to, d.relationship]))
        .collect();
    json!(edges)
}

/// Reads an SPDX 2 JSON fixture and checks it against Python's reading, package by package.
fn agrees_with_python(name: &str) -> Document {
    let doc = read(name, None);
    let theirs = python(PYTHON_SPDX2, name);
    let rows = theirs["rows"].as_array().expect("rows");
    assert_eq!(doc.packages.len(), rows.len(), "{name}: package count");
    for (package, expected) in doc.packages.iter().zip(rows) {
        assert_eq!(&row(package), expected, "{name}: package {}", package.id);
    }
    assert_eq!(dependencies(&doc), theirs["dependencies"], "{name}");
    assert_eq!(json!(doc.spec_version), theirs["specVersion"], "{name}");
    assert_eq!(json!(doc.name), theirs["name"], "{name}");
    assert_eq!(json!(doc.namespace), theirs["namespace"], "{name}");
    assert_eq!(json!(doc.created), theirs["created"], "{name}");
    assert_eq!(json!(doc.files), theirs["files"], "{name}");
    let creators = theirs["creators"].as_array().expect("creators").len();
    assert_eq!(doc.tools.len() + doc.authors.len(), creators, "{name}");
    doc
}

/// Reads two encodings of one document: the same packages and dependencies. Licence
/// expressions are compared without outer parentheses: pyspdxtools rewrites npm's
/// "(MIT OR CC0-1.0)" as "MIT OR CC0-1.0".
fn same_packages(a: &Document, b: &Document) {
    let bare = |p: &Package| {
        let mut p = p.clone();
        for l in p.licenses.iter_mut().chain(&mut p.declared_license) {
            if let Some(inner) = l.strip_prefix('(').and_then(|l| l.strip_suffix(')')) {
                *l = inner.to_string();
            }
        }
        p
    };
    assert_eq!(a.packages.len(), b.packages.len());
    for (x, y) in a.packages.iter().zip(&b.packages) {
        assert_eq!(bare(x), bare(y), "package {}", x.id);
    }
    assert_eq!(a.dependencies, b.dependencies);
    assert_eq!((&a.name, &a.tools, a.files), (&b.name, &b.tools, b.files));
}

/// Lines of a tag-value file that start with `tag:`, counted without any SPDX reader.
fn tag_lines(name: &str, tag: &str) -> usize {
    let text = std::fs::read_to_string(fixture(name)).expect("fixture");
    text.lines()
        .filter(|l| l.starts_with(&format!("{tag}:")))
        .count()
}

#[test]
fn npm_sbom_reads_as_python_reads_it() {
    let doc = agrees_with_python("webapp.spdx.json");
    assert_eq!(doc.encoding, Encoding::Json);
    assert_eq!(doc.packages.len(), 432);
    assert_eq!(doc.tools, ["npm/cli-11.19.1"]);
    let subject = &doc.packages[0];
    assert!(subject.subject && subject.id == "SPDXRef-Package-corpus-webapp-2.4.1");
    assert_eq!(doc.packages.iter().filter(|p| p.subject).count(), 1);
    let core = doc
        .packages
        .iter()
        .find(|p| p.name.as_deref() == Some("@babel/core"))
        .expect("@babel/core");
    assert_eq!(core.ecosystem(), Some("npm"));
    assert_eq!(core.hashes[0].algorithm, "SHA512");
    assert_eq!(core.download_location, None, "NOASSERTION");
    // npm states peer dependencies as PREREQUISITE_FOR: kept, turned around.
    let peer = doc
        .dependencies
        .iter()
        .find(|d| d.relationship == "PREREQUISITE_FOR")
        .expect("a peer dependency");
    assert_eq!(peer.to, core.id);
    assert!(doc
        .dependencies
        .iter()
        .any(|d| d.from == subject.id && d.relationship == "DEPENDENCY_OF"));
}

#[test]
fn pyspdxtools_yaml_and_tag_value_read_as_the_json_they_were_made_from() {
    let json = read("webapp.spdx.json", None);
    // pyspdxtools sorts keys, so spdxVersion comes after 432 packages, past where detection
    // looks without a media type; the media type a registry would give decides here.
    // No media type: the content (keys sorted by pyspdxtools) says YAML.
    let yaml = read("webapp.spdx.yaml", None);
    let tag_value = read("webapp.spdx", Some("text/spdx"));
    assert_eq!(yaml.encoding, Encoding::Yaml);
    assert_eq!(tag_value.encoding, Encoding::TagValue);
    same_packages(&json, &yaml);
    same_packages(&json, &tag_value);
    assert_eq!(
        tag_lines("webapp.spdx", "PackageName"),
        tag_value.packages.len()
    );
    // pyspdxtools dropped the milliseconds npm wrote (it cannot parse them; README).
    assert_eq!(yaml.created.as_deref(), Some("2026-12-05T15:20:28Z"));
    assert_eq!(tag_value.namespace, json.namespace);
}

#[test]
fn sbom4python_json_and_tag_value_read_alike() {
    let json = agrees_with_python("in-toto.spdx.json");
    let tag_value = read("in-toto.spdx", None);
    assert_eq!(tag_value.encoding, Encoding::TagValue);
    // Two runs of the tool: the namespaces' UUIDs differ, the packages do not.
    same_packages(&json, &tag_value);
    assert_eq!(tag_lines("in-toto.spdx", "PackageName"), 7);
    let in_toto = &tag_value.packages[0];
    assert!(in_toto.subject);
    assert_eq!(in_toto.kind.as_deref(), Some("application"));
    assert_eq!(
        in_toto.supplier.as_deref(),
        Some("New York Secure Systems (in-toto-dev@googlegroups.com)")
    );
    assert_eq!(in_toto.purl.as_deref(), Some("pkg:pypi/in-toto@3.1.0"));
    assert_eq!(in_toto.cpes.len(), 1);
    assert_eq!(in_toto.licenses, ["Apache-2.0"]);
    assert_eq!(in_toto.external_refs[0].kind, "OTHER issue-tracker");
    assert_eq!(
        tag_value.dependencies.len(),
        tag_lines("in-toto.spdx", "Relationship") - 1,
        "every relationship but DESCRIBES is a DEPENDS_ON between packages"
    );
}

fn agrees_with_python_v3(name: &str) -> Document {
    let doc = read(name, None);
    assert_eq!(doc.encoding, Encoding::JsonLd);
    assert_eq!(doc.spec_version, "3.0.1");
    let theirs = python(PYTHON_SPDX3, name);
    let rows = theirs["rows"].as_array().expect("rows");
    assert_eq!(doc.packages.len(), rows.len(), "{name}: package count");
    for (p, expected) in doc.packages.iter().zip(rows) {
        let mine = json!({"id": p.id, "name": p.name, "version": p.version, "purl": p.purl,
                          "subject": p.subject, "files": p.files});
        assert_eq!(&mine, expected, "{name}: package {}", p.id);
    }
    assert_eq!(dependencies(&doc), theirs["dependencies"], "{name}");
    assert_eq!(json!(doc.files), theirs["files"], "{name}");
    doc
}

#[test]
fn spdx3_from_the_spdx_examples_reads_as_python_reads_it() {
    let bom = agrees_with_python_v3("hello-server.spdx3.json");
    assert_eq!(bom.packages.len(), 4);
    assert_eq!(bom.tools, ["sigs.k8s.io/bom/pkg/spdx"]);
    assert_eq!(bom.authors, ["Unknown"]);
    assert_eq!(bom.created.as_deref(), Some("2022-11-03T07:10:10Z"));
    let tokio = bom
        .packages
        .iter()
        .find(|p| p.name.as_deref() == Some("tokio"));
    let tokio = tokio.expect("tokio");
    assert_eq!(tokio.ecosystem(), Some("cargo"));
    assert_eq!(tokio.concluded_license.as_deref(), Some("MIT"));
    assert_eq!(tokio.declared_license, None, "NOASSERTION");
    assert_eq!(bom.dependencies.len(), 3);

    let maven = agrees_with_python_v3("examplemaven.spdx3.json");
    assert_eq!(maven.packages.len(), 6);
    assert_eq!(maven.name.as_deref(), Some("examplemaven"));
    let app = maven.packages.iter().find(|p| p.subject).expect("the root");
    assert_eq!(app.name.as_deref(), Some("examplemaven"));
    assert_eq!(app.supplier.as_deref(), Some("SPDX"));
    assert_eq!(app.originator.as_deref(), Some("Linux Foundation"));
    assert_eq!(app.licenses, ["Apache-2.0"]);
    assert_eq!(app.kind.as_deref(), Some("library"));
    assert!(app.hashes.is_empty(), "a verification code is not a hash");
    assert_eq!(app.files, 2);
}
