//! Tests of content sniffing, suggested artifact types and `FILE[:TYPE]` parsing, on realistic small samples.

use std::io::Write;
use std::path::{Path, PathBuf};

use flate2::write::GzEncoder;
use flate2::Compression;

use super::{artifact_type_for, parse_file_arg, sniff};

fn sample(dir: &Path, name: &str, content: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap();
    path
}

fn sniffed(name: &str, content: &[u8]) -> &'static str {
    let dir = tempfile::tempdir().unwrap();
    sniff(&sample(dir.path(), name, content)).unwrap()
}

const SPDX: &str = r#"{
  "spdxVersion": "SPDX-2.3",
  "dataLicense": "CC0-1.0",
  "SPDXID": "SPDXRef-DOCUMENT",
  "name": "demo",
  "documentNamespace": "https://example.com/spdx/demo-1",
  "creationInfo": {"created": "2024-01-01T00:00:00Z", "creators": ["Tool: syft-1.0.0"]},
  "packages": [{"name": "musl", "SPDXID": "SPDXRef-Package-musl", "versionInfo": "1.2.4",
                "downloadLocation": "NOASSERTION"}],
  "relationships": [{"spdxElementId": "SPDXRef-DOCUMENT", "relatedSpdxElement": "SPDXRef-Package-musl",
                     "relationshipType": "DESCRIBES"}]
}"#;

const CYCLONEDX: &str = r#"{
  "$schema": "http://cyclonedx.org/schema/bom-1.5.schema.json",
  "bomFormat": "CycloneDX",
  "specVersion": "1.5",
  "serialNumber": "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79",
  "version": 1,
  "metadata": {"timestamp": "2024-01-01T00:00:00Z"},
  "components": [{"type": "library", "name": "musl", "version": "1.2.4", "purl": "pkg:apk/alpine/musl@1.2.4"}]
}"#;

const STATEMENT: &str = r#"{
  "_type": "https://in-toto.io/Statement/v1",
  "subject": [{"name": "demo", "digest": {"sha256": "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"}}],
  "predicateType": "https://slsa.dev/provenance/v1",
  "predicate": {"buildDefinition": {"buildType": "https://example.com/build"}}
}"#;

const DSSE_ENVELOPE: &str = r#"{
  "payloadType": "application/vnd.in-toto+json",
  "payload": "eyJfdHlwZSI6Imh0dHBzOi8vaW4tdG90by5pby9TdGF0ZW1lbnQvdjEifQ==",
  "signatures": [{"keyid": "", "sig": "MEUCIQDc3Q=="}]
}"#;

const SIMPLE_SIGNING_PAYLOAD: &str = r#"{"critical":{"identity":{"docker-reference":"127.0.0.1:5000/demo"},"image":{"docker-manifest-digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"},"type":"cosign container image signature"},"optional":null}"#;

const BUNDLE_V03: &str = r#"{
  "mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json",
  "verificationMaterial": {"certificate": {"rawBytes": "MIIB"}},
  "dsseEnvelope": {"payloadType": "application/vnd.in-toto+json", "payload": "e30=", "signatures": [{"sig": "MEU="}]}
}"#;

const CYCLONEDX_XML: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<bom xmlns="http://cyclonedx.org/schema/bom/1.5" serialNumber="urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79" version="1">
  <components><component type="library"><name>musl</name><version>1.2.4</version></component></components>
</bom>
"#;

const SPDX_TAG_VALUE: &str = "## Document Information\nSPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: demo\n";

/// A chart `.tgz` as `helm package` lays it out: `<name>/Chart.yaml` first.
fn helm_chart() -> Vec<u8> {
    let mut tar = tar::Builder::new(GzEncoder::new(Vec::new(), Compression::default()));
    for (name, content) in [
        (
            "demo/Chart.yaml",
            "apiVersion: v2\nname: demo\nversion: 0.1.0\n",
        ),
        ("demo/values.yaml", "replicaCount: 1\n"),
        ("demo/templates/service.yaml", "kind: Service\n"),
    ] {
        let mut header = tar::Header::new_ustar();
        header.set_size(content.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        tar.append_data(&mut header, name, content.as_bytes())
            .unwrap();
    }
    tar.into_inner().unwrap().finish().unwrap()
}

fn gzip(content: &[u8]) -> Vec<u8> {
    let mut gz = GzEncoder::new(Vec::new(), Compression::default());
    gz.write_all(content).unwrap();
    gz.finish().unwrap()
}

#[test]
fn sboms_are_told_apart_by_content() {
    assert_eq!(
        sniffed("sbom.json", SPDX.as_bytes()),
        "application/spdx+json"
    );
    assert_eq!(
        sniffed("sbom.json", CYCLONEDX.as_bytes()),
        "application/vnd.cyclonedx+json"
    );
    assert_eq!(sniffed("sbom.spdx", SPDX_TAG_VALUE.as_bytes()), "text/spdx");
    assert_eq!(
        sniffed("bom.xml", CYCLONEDX_XML.as_bytes()),
        "application/vnd.cyclonedx+xml"
    );
}

#[test]
fn attestations_and_signatures() {
    assert_eq!(
        sniffed("att.json", STATEMENT.as_bytes()),
        "application/vnd.in-toto+json"
    );
    assert_eq!(
        sniffed("att.json", DSSE_ENVELOPE.as_bytes()),
        "application/vnd.dsse.envelope.v1+json"
    );
    assert_eq!(
        sniffed("sig.json", SIMPLE_SIGNING_PAYLOAD.as_bytes()),
        "application/vnd.dev.cosign.simplesigning.v1+json"
    );
    assert_eq!(
        sniffed("bundle.json", BUNDLE_V03.as_bytes()),
        "application/vnd.dev.sigstore.bundle.v0.3+json"
    );
    let old = BUNDLE_V03.replace(
        "application/vnd.dev.sigstore.bundle.v0.3+json",
        "application/vnd.dev.sigstore.bundle+json;version=0.2",
    );
    assert_eq!(
        sniffed("bundle.json", old.as_bytes()),
        "application/vnd.dev.sigstore.bundle.v0.2+json"
    );
}

#[test]
fn other_json_and_broken_json() {
    assert_eq!(
        sniffed("a.json", b"  {\"name\": \"x\", \"critical\": 3}\n"),
        "application/json"
    );
    assert_eq!(
        sniffed("a.json", b"[1, 2, 3, 4, 5, 6, 7, 8]"),
        "application/json"
    );
    assert_eq!(
        sniffed("dup.json", b"{\"payload\": 1, \"payload\": 2}"),
        "application/json"
    );
    assert_eq!(
        sniffed("bom.json", b"\xef\xbb\xbf{\"bomFormat\": \"CycloneDX\"}"),
        "application/vnd.cyclonedx+json"
    );
    // Starts like JSON but is not: text.
    assert_eq!(sniffed("a.json", b"{ not json"), "text/plain");
}

#[test]
fn archives_and_binaries() {
    assert_eq!(
        sniffed("demo-0.1.0.tgz", &helm_chart()),
        "application/vnd.cncf.helm.chart.content.v1.tar+gzip"
    );
    assert_eq!(sniffed("notes.gz", &gzip(b"hello\n")), "application/gzip");
    let mut tar = tar::Builder::new(Vec::new());
    let mut header = tar::Header::new_ustar();
    header.set_size(2);
    header.set_cksum();
    tar.append_data(&mut header, "a.txt", &b"hi"[..]).unwrap();
    assert_eq!(
        sniffed("a.tar", &tar.into_inner().unwrap()),
        "application/x-tar"
    );
    assert_eq!(
        sniffed("a.zst", &[0x28, 0xb5, 0x2f, 0xfd, 0x24, 0x05, 0x29, 0, 0]),
        "application/zstd"
    );
    assert_eq!(
        sniffed("m.wasm", b"\0asm\x01\0\0\0\x01\x04\x01\x60\0\0"),
        "application/wasm"
    );
    assert_eq!(
        sniffed("blob", &[0x7f, b'E', b'L', b'F', 2, 1, 1, 0, 0, 0]),
        "application/octet-stream"
    );
    assert_eq!(sniffed("empty", b""), "application/octet-stream");
}

#[test]
fn text_and_markdown_by_extension_only_for_text() {
    assert_eq!(
        sniffed("notes.txt", "héllo wörld\n\tline 2\n".as_bytes()),
        "text/plain"
    );
    assert_eq!(
        sniffed("README.md", b"# Title\n\nSome *text*.\n"),
        "text/markdown"
    );
    assert_eq!(sniffed("README", b"# Title\n"), "text/plain");
    assert_eq!(
        sniffed("fake.md", &[0, 1, 2, 3, 0xff]),
        "application/octet-stream"
    );
}

#[test]
fn a_missing_file_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.json");
    let err = sniff(&missing).unwrap_err().to_string();
    assert!(err.contains("nope.json"), "{err}");
}

#[test]
fn artifact_types_for_layer_sets() {
    assert_eq!(
        artifact_type_for(&["application/spdx+json"]),
        Some("application/spdx+json")
    );
    assert_eq!(
        artifact_type_for(&["text/plain", "application/vnd.cyclonedx+json"]),
        Some("application/vnd.cyclonedx+json")
    );
    assert_eq!(
        artifact_type_for(&["application/vnd.dsse.envelope.v1+json"]),
        Some("application/vnd.in-toto+json")
    );
    assert_eq!(
        artifact_type_for(&["application/vnd.dev.sigstore.bundle.v0.3+json"]),
        Some("application/vnd.dev.sigstore.bundle.v0.3+json")
    );
    assert_eq!(
        artifact_type_for(&["application/vnd.cncf.helm.chart.content.v1.tar+gzip"]),
        Some("application/vnd.cncf.helm.config.v1+json")
    );
    assert_eq!(
        artifact_type_for(&["application/wasm"]),
        Some("application/wasm")
    );
    assert_eq!(artifact_type_for(&["text/plain", "application/json"]), None);
    assert_eq!(artifact_type_for(&[]), None);
    // Two different kinds: ambiguous.
    assert_eq!(
        artifact_type_for(&["application/spdx+json", "application/vnd.cyclonedx+json"]),
        None
    );
}

#[test]
fn file_arguments_split_only_before_a_media_type() {
    let cases: &[(&str, &str, Option<&str>)] = &[
        ("sbom.json", "sbom.json", None),
        (
            "sbom.json:application/spdx+json",
            "sbom.json",
            Some("application/spdx+json"),
        ),
        (
            "dir/a.tgz:application/vnd.oci.image.layer.v1.tar+gzip",
            "dir/a.tgz",
            Some("application/vnd.oci.image.layer.v1.tar+gzip"),
        ),
        (r"C:\x\y", r"C:\x\y", None),
        (r"C:\x\y:text/plain", r"C:\x\y", Some("text/plain")),
        ("C:/x/y", "C:/x/y", None),
        ("a:b", "a:b", None),
        ("a:b:c", "a:b:c", None),
        ("/abs/f:text/plain", "/abs/f", Some("text/plain")),
        (
            "b.json:application/vnd.dev.sigstore.bundle+json;version=0.2",
            "b.json",
            Some("application/vnd.dev.sigstore.bundle+json;version=0.2"),
        ),
        ("odd:a/b:", "odd:a/b", None),
        (":text/plain", ":text/plain", None),
        ("f:text/", "f:text/", None),
        ("f:x y/z", "f:x y/z", None),
    ];
    for (arg, path, media_type) in cases {
        let (got_path, got_type) = parse_file_arg(arg);
        assert_eq!(got_path, PathBuf::from(path), "{arg}");
        assert_eq!(got_type.as_deref(), *media_type, "{arg}");
    }
}
