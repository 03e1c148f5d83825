//! `stowage sbom` against the real registry: every SBOM of a multi-arch image (umoci + skopeo),
//! attached by oras-py, by stowage, as a cosign `.sbom` tag, as buildx attestations and as a
//! cosign `.att` DSSE envelope, each found with its platform and read as its file says.
//!
//! What each file says is read by Python (json, xml.etree), not by Stowage.

use std::path::{Path, PathBuf};
use std::process::Command;

use base64::Engine;
use serde_json::{json, Value};

use crate::cli::{run, stderr};
use crate::harness::{self, Desc, Pusher, ReferrersFront, TestRegistry, OCI_INDEX, OCI_MANIFEST};

const SPDX: &str = "application/spdx+json";
const CDX_XML: &str = "application/vnd.cyclonedx+xml";
const IN_TOTO: &str = "application/vnd.in-toto+json";
const DSSE: &str = "application/vnd.dsse.envelope.v1+json";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/sbom")
        .join(name)
}

/// Packages (SPDX) or components with the metadata component (CycloneDX), counted by Python.
fn python_count(file: &Path) -> usize {
    let script = r#"
import json, sys, xml.etree.ElementTree as ET
path = sys.argv[1]
if path.endswith(".xml"):
    root = ET.parse(path).getroot()
    ns = root.tag.split("}")[0] + "}"
    meta = root.find(ns + "metadata/" + ns + "component")
    comps = root.find(ns + "components")
    n = (1 if meta is not None else 0) + (len(list(comps.iter(ns + "component"))) if comps is not None else 0)
elif path.endswith(".spdx"):
    n = sum(1 for l in open(path) if l.startswith("PackageName:"))
else:
    d = json.load(open(path))
    if "spdxVersion" in d:
        n = len(d.get("packages", []))
    else:
        def walk(cs):
            return sum(1 + walk(c.get("components", [])) for c in cs)
        n = (1 if "component" in d.get("metadata", {}) else 0) + walk(d.get("components", []))
print(n)
"#;
    let out = Command::new(harness::python())
        .arg("-c")
        .arg(script)
        .arg(file)
        .output()
        .expect("python");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().parse().unwrap()
}

async fn sbom_json(home: &Path, args: &[&str]) -> Value {
    let mut all = vec!["sbom"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--output", "json"]);
    let out = run(home, &all, "", &[]).await;
    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    serde_json::from_slice(&out.stdout).expect("one JSON object")
}

/// A manifest with an empty config and these layers (media type, bytes, annotations).
async fn artifact(
    pusher: &Pusher,
    repo: &str,
    tag: &str,
    artifact_type: Option<&str>,
    layers: &[(&str, Vec<u8>, Value)],
) -> Desc {
    let (empty, _) = pusher.blob(repo, b"{}").await;
    let mut descs = Vec::new();
    for (media_type, bytes, annotations) in layers {
        let (digest, size) = pusher.blob(repo, bytes).await;
        descs.push(json!({"mediaType": media_type, "digest": digest, "size": size, "annotations": annotations}));
    }
    let mut manifest = json!({"schemaVersion": 2, "mediaType": OCI_MANIFEST,
        "config": {"mediaType": "application/vnd.oci.empty.v1+json", "digest": empty, "size": 2},
        "layers": descs});
    if let Some(t) = artifact_type {
        manifest["artifactType"] = json!(t);
    }
    pusher.put_json(repo, tag, &manifest).await
}

fn statement(predicate_type: &str, predicate: Value, subject: &Desc) -> Vec<u8> {
    let hex = subject.digest.trim_start_matches("sha256:");
    serde_json::to_vec(&json!({"_type": "https://in-toto.io/Statement/v0.1",
        "predicateType": predicate_type,
        "subject": [{"name": "app", "digest": {"sha256": hex}}],
        "predicate": predicate}))
    .unwrap()
}

fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn by_platform<'a>(docs: &'a [Value], platform: Option<&str>) -> Vec<&'a Value> {
    docs.iter()
        .filter(|d| d["platform"].as_str() == platform)
        .collect()
}

#[tokio::test]
async fn every_sbom_of_a_multi_arch_image_is_found_with_its_platform() {
    let reg = TestRegistry::anonymous().await;
    // oras-py keeps no referrers tag: its referrer is found through the Referrers API.
    let front = ReferrersFront::start(&reg).await;
    let dir = tempfile::tempdir().unwrap();
    let layout =
        harness::umoci_multiarch_layout(dir.path(), &[("linux", "amd64"), ("linux", "arm64")])
            .await;
    harness::skopeo_copy_all(
        &layout,
        harness::MULTIARCH_TAG,
        &reg.host(),
        "multi",
        "v1",
        None,
    )
    .await;
    let pusher = Pusher::new(&reg.base_url());
    let index = pusher.head("multi", "v1").await.unwrap();
    let index_json: Value = reqwest::Client::new()
        .get(format!("{}/v2/multi/manifests/v1", reg.base_url()))
        .header("Accept", OCI_INDEX)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let platform_desc = |arch: &str| {
        let m = index_json["manifests"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["platform"]["architecture"] == arch)
            .unwrap();
        Desc {
            media_type: m["mediaType"].as_str().unwrap().into(),
            digest: m["digest"].as_str().unwrap().into(),
            size: m["size"].as_u64().unwrap(),
        }
    };
    let (amd64, arm64) = (platform_desc("amd64"), platform_desc("arm64"));

    // amd64: SPDX JSON made by npm, attached by oras-py.
    let spdx = fixture("webapp.spdx.json");
    harness::oras_push(
        &reg.host(),
        "multi:spdx",
        &[(spdx.as_path(), SPDX)],
        Some((&amd64.media_type, &amd64.digest, amd64.size)),
        None,
    )
    .await;
    // arm64: CycloneDX XML made by cyclonedx-py, attached by stowage.
    let home = tempfile::tempdir().unwrap();
    let cdx = fixture("python-env.cdx.xml");
    let subject = format!("{}/multi@{}", front.host(), arm64.digest);
    let cdx_arg = format!("{}:{CDX_XML}", cdx.display());
    let attached = run(
        home.path(),
        &["attach", &subject, &cdx_arg, "--artifact-type", CDX_XML],
        "",
        &[],
    )
    .await;
    assert!(attached.status.success(), "{}", stderr(&attached));
    // The index: a cosign `.sbom` tag holding SPDX tag-value made by sbom4python.
    let tag_value = fixture("in-toto.spdx");
    artifact(
        &pusher,
        "multi",
        &format!("{}.sbom", index.digest.replace(':', "-")),
        None,
        &[("text/spdx", std::fs::read(&tag_value).unwrap(), json!({}))],
    )
    .await;

    let reference = format!("{}/multi:v1", front.host());
    let out = sbom_json(home.path(), &[&reference]).await;
    assert_eq!(out["errors"], json!([]), "{out:#}");
    let docs = out["documents"].as_array().unwrap();
    assert_eq!(
        docs.len(),
        3,
        "{:#?}",
        docs.iter().map(|d| &d["platform"]).collect::<Vec<_>>()
    );

    let on_amd64 = by_platform(docs, Some("linux/amd64"));
    assert_eq!(on_amd64.len(), 1);
    let d = on_amd64[0];
    assert_eq!(d["subject"], json!(amd64.digest));
    assert_eq!(
        (d["format"].as_str(), d["specVersion"].as_str()),
        (Some("spdx"), Some("2.3"))
    );
    assert_eq!(d["packages"].as_array().unwrap().len(), python_count(&spdx));
    // A chosen package, as the file states it (read by Python's json above, by serde here).
    let stated = read_json(&spdx);
    let express = stated["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "express")
        .expect("the fixture lists express");
    let ours = d["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "express")
        .unwrap();
    assert_eq!(ours["version"], express["versionInfo"]);
    assert_eq!(ours["licenses"][0], express["licenseDeclared"]);
    assert_eq!(
        ours["purl"],
        express["externalRefs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["referenceType"] == "purl")
            .unwrap()["referenceLocator"]
    );

    let on_arm64 = by_platform(docs, Some("linux/arm64"));
    assert_eq!(on_arm64.len(), 1);
    assert_eq!(on_arm64[0]["format"], "cyclonedx");
    assert_eq!(on_arm64[0]["encoding"], "xml");
    assert_eq!(
        on_arm64[0]["packages"].as_array().unwrap().len(),
        python_count(&cdx)
    );

    let on_index = by_platform(docs, None);
    assert_eq!(on_index.len(), 1);
    assert_eq!(on_index[0]["subject"], json!(index.digest));
    assert_eq!(on_index[0]["encoding"], "tag-value");
    assert_eq!(
        on_index[0]["packages"].as_array().unwrap().len(),
        python_count(&tag_value)
    );

    // --platform keeps one; --filter keeps the packages that name the text.
    let arm = sbom_json(home.path(), &[&reference, "--platform", "linux/arm64"]).await;
    assert_eq!(arm["documents"].as_array().unwrap().len(), 1);
    assert_eq!(arm["documents"][0]["platform"], "linux/arm64");
    let filtered = sbom_json(
        home.path(),
        &[
            &reference,
            "--platform",
            "linux/amd64",
            "--filter",
            "EXPRESS",
        ],
    )
    .await;
    let names: Vec<&str> = filtered["documents"][0]["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"express"), "{names:?}");
    assert!(
        names.len() < python_count(&spdx),
        "the filter kept {}",
        names.len()
    );

    // The table: sorted by name, the chosen package on a line with its version.
    let table = run(
        home.path(),
        &["sbom", &reference, "--platform", "linux/amd64"],
        "",
        &[],
    )
    .await;
    assert!(table.status.success(), "{}", stderr(&table));
    let text = String::from_utf8_lossy(&table.stdout);
    let line = text
        .lines()
        .find(|l| l.split_whitespace().next() == Some("express"))
        .unwrap_or_else(|| panic!("no express row in\n{text}"));
    assert!(
        line.contains(express["versionInfo"].as_str().unwrap()),
        "{line}"
    );
}

#[tokio::test]
async fn buildx_attestations_and_cosign_att_envelopes_give_their_sboms_and_skip_provenance() {
    let reg = TestRegistry::anonymous().await;
    let pusher = Pusher::new(&reg.base_url());
    let amd64 = pusher.image("built", "amd64-only", b"amd64 layer").await;
    let cdx = fixture("webapp.cdx.json");
    let spdx = fixture("in-toto.spdx.json");

    // buildx: one attestation manifest in the index, an SBOM and a provenance statement in it.
    let sbom_statement = statement("https://cyclonedx.org/bom", read_json(&cdx), &amd64);
    let provenance = statement(
        "https://slsa.dev/provenance/v0.2",
        json!({"builder": {"id": "x"}}),
        &amd64,
    );
    let att = artifact(
        &pusher,
        "built",
        "att",
        None,
        &[
            (
                IN_TOTO,
                sbom_statement,
                json!({"in-toto.io/predicate-type": "https://cyclonedx.org/bom"}),
            ),
            (
                IN_TOTO,
                provenance,
                json!({"in-toto.io/predicate-type": "https://slsa.dev/provenance/v0.2"}),
            ),
        ],
    )
    .await;
    let index = pusher
        .put_json(
            "built",
            "v1",
            &json!({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": [
                {"mediaType": OCI_MANIFEST, "digest": amd64.digest, "size": amd64.size,
                 "platform": {"os": "linux", "architecture": "amd64"}},
                {"mediaType": OCI_MANIFEST, "digest": att.digest, "size": att.size,
                 "platform": {"os": "unknown", "architecture": "unknown"},
                 "annotations": {"vnd.docker.reference.type": "attestation-manifest",
                                 "vnd.docker.reference.digest": amd64.digest}}]}),
        )
        .await;
    // cosign attest --type spdxjson: a DSSE envelope under sha256-<hex>.att, gzip'd here to
    // cover compressed layers too.
    let payload = statement("https://spdx.dev/Document", read_json(&spdx), &index);
    let envelope = serde_json::to_vec(&json!({
        "payloadType": "application/vnd.in-toto+json",
        "payload": base64::engine::general_purpose::STANDARD.encode(&payload),
        "signatures": [{"keyid": "", "sig": "MEUCIQ"}]}))
    .unwrap();
    let gzipped = {
        use std::io::Write;
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(&envelope).unwrap();
        enc.finish().unwrap()
    };
    artifact(
        &pusher,
        "built",
        &format!("{}.att", index.digest.replace(':', "-")),
        None,
        &[(
            DSSE,
            gzipped,
            json!({"predicateType": "https://spdx.dev/Document"}),
        )],
    )
    .await;

    let home = tempfile::tempdir().unwrap();
    let out = sbom_json(home.path(), &[&format!("{}/built:v1", reg.host())]).await;
    assert_eq!(out["errors"], json!([]), "{out:#}");
    let docs = out["documents"].as_array().unwrap();
    assert_eq!(docs.len(), 2, "the provenance is not an SBOM: {out:#}");

    let buildx = by_platform(docs, Some("linux/amd64"));
    assert_eq!(buildx.len(), 1);
    assert_eq!(buildx[0]["digest"], json!(att.digest));
    assert_eq!(buildx[0]["wrappers"], json!(["in-toto"]));
    assert_eq!(buildx[0]["format"], "cyclonedx");
    assert_eq!(
        buildx[0]["packages"].as_array().unwrap().len(),
        python_count(&cdx)
    );
    let subject = buildx[0]["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["subject"] == true)
        .expect("the metadata component is the subject");
    assert_eq!(
        subject["name"],
        read_json(&cdx)["metadata"]["component"]["name"]
    );

    let cosign = by_platform(docs, None);
    assert_eq!(cosign.len(), 1);
    assert_eq!(cosign[0]["wrappers"], json!(["gzip", "dsse", "in-toto"]));
    assert_eq!(cosign[0]["format"], "spdx");
    assert_eq!(
        cosign[0]["packages"].as_array().unwrap().len(),
        python_count(&spdx)
    );
}

#[tokio::test]
async fn a_file_and_a_layout_are_read_and_a_broken_sbom_names_its_format_and_place() {
    let home = tempfile::tempdir().unwrap();
    let cdx = fixture("python-env.cdx.json");
    let file = sbom_json(home.path(), &[cdx.to_str().unwrap()]).await;
    assert_eq!(file["documents"][0]["digest"], Value::Null);
    assert_eq!(
        file["documents"][0]["packages"].as_array().unwrap().len(),
        python_count(&cdx)
    );

    // A layout: an SBOM attached with stowage, then read back through the subject scan.
    let work = home.path().join("work");
    std::fs::create_dir(&work).unwrap();
    std::fs::write(work.join("app.txt"), "app").unwrap();
    let layout = format!("oci:{}", work.join("layout").display());
    let pushed = run(
        home.path(),
        &[
            "push",
            &format!("{layout}:v1"),
            work.join("app.txt").to_str().unwrap(),
        ],
        "",
        &[],
    )
    .await;
    assert!(pushed.status.success(), "{}", stderr(&pushed));
    let spdx = fixture("webapp.spdx.json");
    let attached = run(
        home.path(),
        &[
            "attach",
            &format!("{layout}:v1"),
            &format!("{}:{SPDX}", spdx.display()),
            "--artifact-type",
            SPDX,
        ],
        "",
        &[],
    )
    .await;
    assert!(attached.status.success(), "{}", stderr(&attached));
    let out = sbom_json(home.path(), &[&format!("{layout}:v1")]).await;
    assert_eq!(out["documents"].as_array().unwrap().len(), 1, "{out:#}");
    assert_eq!(
        out["documents"][0]["packages"].as_array().unwrap().len(),
        python_count(&spdx)
    );

    // The blob changed on disk after it was written, still valid SPDX: the digest no longer
    // holds (checked while the SBOM parses), so nothing of it is shown and the error says so.
    let blobs = work.join("layout/blobs/sha256");
    let stored = std::fs::read_dir(&blobs)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| std::fs::read(p).unwrap() == std::fs::read(&spdx).unwrap())
        .expect("the SBOM's blob in the layout");
    let changed = String::from_utf8(std::fs::read(&stored).unwrap())
        .unwrap()
        .replacen("SPDX-2.3", "SPDX-2.2", 1);
    std::fs::write(&stored, changed).unwrap();
    let tampered = run(
        home.path(),
        &["sbom", &format!("{layout}:v1"), "--output", "json"],
        "",
        &[],
    )
    .await;
    assert!(!tampered.status.success());
    let out: Value = serde_json::from_slice(&tampered.stdout).expect("one JSON object");
    assert_eq!(out["documents"], serde_json::json!([]), "{out:#}");
    let message = out["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(message.contains("digest"), "{out:#}");
    assert!(
        message.contains(stored.file_name().unwrap().to_str().unwrap()),
        "{out:#}"
    );

    // Cut in the middle: the error says SPDX JSON, the line and column, and exits non-zero.
    let bytes = std::fs::read(&spdx).unwrap();
    let cut = home.path().join("cut.spdx.json");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let broken = run(home.path(), &["sbom", cut.to_str().unwrap()], "", &[]).await;
    assert!(!broken.status.success());
    let message = stderr(&broken);
    assert!(
        message.contains("SPDX JSON") && message.contains("line "),
        "{message}"
    );
    assert!(message.contains("cut.spdx.json"), "{message}");
}
