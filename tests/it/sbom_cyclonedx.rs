//! The CycloneDX readers against BOMs other tools made (npm, cyclonedx-py, cyclonedx-npm; see
//! tests/fixtures/sbom/README.md), every component checked against what Python's own json and
//! xml.etree read from the same file.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Value};
use stowage::sbom::{self, Document, Encoding, Format, Package};

/// Reads a CycloneDX file with Python's json or xml.etree and prints what the model should
/// hold: the metadata component first, nested components depth-first with their parent's id,
/// made-up ids `#<index>`, licences (id, name or expression) once each, values trimmed.
const PYTHON_SUMMARY: &str = r##"
import json, sys, xml.etree.ElementTree as ET

def clean(v):
    if v is None: return None
    v = v.strip()
    return v or None

def summarise_json(doc):
    rows = []
    def walk(c, parent, subject):
        i = len(rows)
        row = {"id": clean(c.get("bom-ref")), "name": clean(c.get("name")), "version": clean(c.get("version")),
               "purl": clean(c.get("purl")), "type": (clean(c.get("type")) or "").lower() or None,
               "licenses": [], "hashes": [[h["alg"], h["content"]] for h in c.get("hashes") or []],
               "parent": parent, "subject": subject}
        for l in c.get("licenses") or []:
            t = l.get("expression") or (l.get("license") or {}).get("id") or (l.get("license") or {}).get("name")
            t = clean(t)
            if t and t not in row["licenses"]: row["licenses"].append(t)
        rows.append(row)
        for n in c.get("components") or []: walk(n, i, False)
    meta = doc.get("metadata") or {}
    if "component" in meta: walk(meta["component"], None, True)
    for c in doc.get("components") or []: walk(c, None, False)
    deps = sum(len(d.get("dependsOn") or []) for d in doc.get("dependencies") or [])
    return {"specVersion": doc["specVersion"], "serial": clean(doc.get("serialNumber")),
            "created": clean(meta.get("timestamp")), "rows": rows, "dependencies": deps}

def summarise_xml(root):
    ns = root.tag[1:].split("}")[0]
    q = lambda name: "{%s}%s" % (ns, name)
    text = lambda el, name: clean(el.findtext(q(name))) if el is not None else None
    rows = []
    def walk(c, parent, subject):
        i = len(rows)
        row = {"id": clean(c.get("bom-ref")), "name": text(c, "name"), "version": text(c, "version"),
               "purl": text(c, "purl"), "type": (clean(c.get("type")) or "").lower() or None,
               "licenses": [], "hashes": [[h.get("alg"), clean(h.text)] for h in c.findall(q("hashes") + "/" + q("hash"))],
               "parent": parent, "subject": subject}
        for l in c.findall(q("licenses") + "/*"):
            t = clean(l.text) if l.tag == q("expression") else (text(l, "id") or text(l, "name"))
            if t and t not in row["licenses"]: row["licenses"].append(t)
        rows.append(row)
        for n in c.findall(q("components") + "/" + q("component")): walk(n, i, False)
    meta = root.find(q("metadata"))
    if meta is not None and meta.find(q("component")) is not None: walk(meta.find(q("component")), None, True)
    for c in root.findall(q("components") + "/" + q("component")): walk(c, None, False)
    deps = len(root.findall(q("dependencies") + "/" + q("dependency") + "/" + q("dependency")))
    return {"specVersion": ns.rsplit("/", 1)[1], "serial": clean(root.get("serialNumber")),
            "created": text(meta, "timestamp"), "rows": rows, "dependencies": deps}

path = sys.argv[1]
if path.endswith(".xml"):
    out = summarise_xml(ET.parse(path).getroot())
else:
    with open(path, encoding="utf-8") as f:
        out = summarise_json(json.load(f))
# Made-up ids and parents by index, as the model states them.
for i, row in enumerate(out["rows"]):
    if row["id"] is None: row["id"] = "#%d" % i
for row in out["rows"]:
    if row["parent"] is not None: row["parent"] = out["rows"][row["parent"]]["id"]
print(json.dumps(out))"##;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/sbom")
        .join(name)
}

fn read(name: &str, media_type: Option<&str>) -> Document {
    let bytes = std::fs::read(fixture(name)).expect("fixture");
    let read = sbom::read(&bytes, media_type, name).unwrap_or_else(|e| panic!("{name}: {e:?}"));
    assert!(read.wrappers.is_empty() && read.statement.is_none());
    read.document
}

fn python_summary(name: &str) -> Value {
    let out = Command::new(crate::harness::python())
        .arg("-c")
        .arg(PYTHON_SUMMARY)
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
        "id": p.id, "name": p.name, "version": p.version, "purl": p.purl, "type": p.kind,
        "licenses": p.licenses, "hashes": hashes, "parent": p.parent, "subject": p.subject,
    })
}

/// Reads `name` and checks it against Python's reading, component by component.
fn agrees_with_python(name: &str) -> Document {
    let doc = read(name, None);
    assert_eq!(doc.format, Format::Cyclonedx);
    let theirs = python_summary(name);
    let rows = theirs["rows"].as_array().expect("rows");
    assert_eq!(doc.packages.len(), rows.len(), "{name}: component count");
    for (package, expected) in doc.packages.iter().zip(rows) {
        assert_eq!(&row(package), expected, "{name}: component {}", package.id);
    }
    assert_eq!(json!(doc.spec_version), theirs["specVersion"], "{name}");
    assert_eq!(
        json!(doc.namespace),
        theirs["serial"],
        "{name}: serialNumber"
    );
    assert_eq!(json!(doc.created), theirs["created"], "{name}: timestamp");
    assert_eq!(
        json!(doc.dependencies.len()),
        theirs["dependencies"],
        "{name}"
    );
    doc
}

fn package<'d>(doc: &'d Document, id: &str) -> &'d Package {
    doc.packages
        .iter()
        .find(|p| p.id == id)
        .unwrap_or_else(|| panic!("no component {id}"))
}

#[test]
fn npm_sbom_reads_as_python_reads_it() {
    let doc = agrees_with_python("webapp.cdx.json");
    assert_eq!(doc.encoding, Encoding::Json);
    assert_eq!(
        doc.packages.len(),
        432,
        "431 components and the metadata component"
    );
    assert_eq!(doc.name.as_deref(), Some("npmproj"));
    assert_eq!(doc.tools, ["npm cli 11.19.1"]);
    let subject = &doc.packages[0];
    assert!(subject.subject && subject.id == "corpus-webapp@2.4.1");
    assert_eq!(subject.declared_license.as_deref(), Some("MIT"));
    let core = package(&doc, "@babel/core@7.29.17");
    assert_eq!(core.ecosystem(), Some("npm"));
    assert_eq!(core.hashes[0].algorithm, "SHA-512");
    assert!(doc
        .dependencies
        .iter()
        .all(|d| d.relationship == "dependsOn"));
    assert!(doc
        .dependencies
        .iter()
        .any(|d| d.from == "corpus-webapp@2.4.1" && d.to.starts_with("express@")));
    // The media type agrees with the content, so it picks the reader.
    let labelled = read("webapp.cdx.json", Some("application/vnd.cyclonedx+json"));
    assert_eq!(labelled, doc);
}

#[test]
fn cyclonedx_py_json_and_xml_read_alike() {
    let from_json = agrees_with_python("python-env.cdx.json");
    let from_xml = agrees_with_python("python-env.cdx.xml");
    assert_eq!(from_xml.encoding, Encoding::Xml);
    assert_eq!(from_json.packages, from_xml.packages);
    assert_eq!(from_json.dependencies, from_xml.dependencies);
    assert_eq!(from_json.tools, from_xml.tools);
    assert!(
        from_json
            .tools
            .iter()
            .any(|t| t == "CycloneDX cyclonedx-py 7.5.0"),
        "{:?}",
        from_json.tools
    );
    let yaml = package(&from_xml, "PyYAML==6.0.4");
    assert_eq!(yaml.homepage.as_deref(), Some("https://pyyaml.org/"));
    assert_eq!(
        yaml.download_location.as_deref(),
        Some("https://packages.example/project/PyYAML/")
    );
    assert_eq!(yaml.declared_license.as_deref(), Some("MIT"));
    assert_eq!(yaml.external_refs.len(), 7);
    let labelled = read("python-env.cdx.xml", Some("application/vnd.cyclonedx+xml"));
    assert_eq!(labelled, from_xml);
}

#[test]
fn cyclonedx_npm_1_4_and_1_6_read_alike_in_json_and_xml() {
    let names = [
        "cli-app.cdx1.4.json",
        "cli-app.cdx1.4.xml",
        "cli-app.cdx1.6.json",
        "cli-app.cdx1.6.xml",
    ];
    let docs: Vec<Document> = names.iter().map(|n| agrees_with_python(n)).collect();
    for (name, doc) in names.iter().zip(&docs) {
        assert_eq!(doc.packages, docs[0].packages, "{name} and {}", names[0]);
        assert_eq!(doc.dependencies, docs[0].dependencies, "{name}");
        assert_eq!(
            doc.tools, docs[0].tools,
            "{name}: 1.4 tools and 1.6 tool components"
        );
    }
    let doc = &docs[3];
    assert_eq!(doc.spec_version, "1.6");
    assert_eq!(doc.name.as_deref(), Some("stowage-fixture-cli"));
    assert!(doc
        .tools
        .iter()
        .any(|t| t.starts_with("@cyclonedx cyclonedx-npm ")));
    // node_modules/chalk/node_modules/ansi-styles is nested in chalk.
    let nested = package(
        doc,
        "stowage-fixture-cli@0.3.0|chalk@4.1.2|ansi-styles@4.3.0",
    );
    assert_eq!(
        nested.parent.as_deref(),
        Some("stowage-fixture-cli@0.3.0|chalk@4.1.2")
    );
    assert_eq!(doc.packages[0].originator.as_deref(), Some("Stowage tests"));
}

#[test]
fn a_cut_file_fails_with_its_place() {
    for name in ["webapp.cdx.json", "python-env.cdx.xml"] {
        let bytes = std::fs::read(fixture(name)).expect("fixture");
        let cut = &bytes[..bytes.len() / 2];
        match sbom::read(cut, None, name) {
            Err(stowage::Error::Sbom { at, detail, .. }) => {
                let at = at.unwrap_or_default();
                assert!(at.contains("line "), "{name}: {at} {detail}");
            }
            other => panic!("{name}: {other:?}"),
        }
    }
}
