//! SPDX 2.2/2.3 JSON into the model: serde straight into the shared structs of [`super::v2`].

use crate::sbom::{from_json, Document, Encoding, Problem};

use super::v2::{FilesAndLinks, HeadAndPackages, RawDocument};
use super::v2_model::assemble;

pub fn parse(bytes: &[u8]) -> Result<Document, Problem> {
    // Two readers at once, on two cores: one takes the document and its packages, the other its
    // files and relationships, each skipping what the other takes. Skipping JSON costs a
    // quarter of reading it, so a large SBOM reads in about two thirds of the time. Both see
    // the whole document, so a syntax error is the same error whichever reports it.
    let (head, rest) = std::thread::scope(|s| {
        let rest = s.spawn(|| from_json::<FilesAndLinks>(bytes));
        let head = from_json::<HeadAndPackages>(bytes);
        (head, rest.join())
    });
    let rest = rest.map_err(|_| Problem::new("reading the files and relationships stopped"))?;
    let raw = RawDocument::joined(head?, rest?);
    assemble(raw.into(), Encoding::Json)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r#"{
      "spdxVersion": "SPDX-2.3",
      "SPDXID": "SPDXRef-DOCUMENT",
      "name": "alpine:3.20",
      "documentNamespace": "https://anchore.com/syft/image/alpine-3.20-1",
      "creationInfo": {
        "created": "2024-06-01T10:00:00Z",
        "creators": ["Organization: Anchore, Inc", "Tool: syft-1.5.0"]
      },
      "documentDescribes": ["SPDXRef-image"],
      "packages": [
        {"SPDXID": "SPDXRef-image", "name": "alpine", "versionInfo": "3.20",
         "primaryPackagePurpose": "CONTAINER", "downloadLocation": "NOASSERTION"},
        {"SPDXID": "SPDXRef-musl", "name": "musl", "versionInfo": "1.2.5-r0",
         "supplier": "Organization: Alpine", "originator": "Person: Rich Felker",
         "licenseConcluded": "NOASSERTION", "licenseDeclared": "MIT",
         "copyrightText": "NONE", "hasFiles": ["SPDXRef-f1"],
         "checksums": [{"algorithm": "SHA1", "checksumValue": "abc"}],
         "externalRefs": [
           {"referenceCategory": "SECURITY", "referenceType": "cpe23Type",
            "referenceLocator": "cpe:2.3:a:musl:musl:1.2.5:*:*:*:*:*:*:*"},
           {"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl",
            "referenceLocator": "pkg:apk/alpine/musl@1.2.5-r0"}]},
        {"SPDXID": "SPDXRef-busybox", "name": "busybox", "licenseDeclared": "GPL-2.0-only",
         "licenseConcluded": "GPL-2.0-or-later", "summary": "Size optimized toolbox",
         "primaryPackagePurpose": "OPERATING_SYSTEM"}
      ],
      "files": [
        {"SPDXID": "SPDXRef-f1", "fileName": "/lib/ld-musl.so.1", "checksums": []},
        {"SPDXID": "SPDXRef-f2", "fileName": "/bin/busybox"},
        {"fileName": "/etc/motd"}
      ],
      "relationships": [
        {"spdxElementId": "SPDXRef-musl", "relationshipType": "CONTAINS", "relatedSpdxElement": "SPDXRef-f1"},
        {"spdxElementId": "SPDXRef-busybox", "relationshipType": "CONTAINS", "relatedSpdxElement": "SPDXRef-f2"},
        {"spdxElementId": "SPDXRef-image", "relationshipType": "CONTAINS", "relatedSpdxElement": "SPDXRef-musl"},
        {"spdxElementId": "SPDXRef-busybox", "relationshipType": "DEPENDS_ON", "relatedSpdxElement": "SPDXRef-musl"},
        {"spdxElementId": "SPDXRef-musl", "relationshipType": "DEV_DEPENDENCY_OF", "relatedSpdxElement": "SPDXRef-image"},
        {"spdxElementId": "SPDXRef-busybox", "relationshipType": "DEPENDS_ON", "relatedSpdxElement": "SPDXRef-f2"},
        {"spdxElementId": "SPDXRef-busybox", "relationshipType": "DEPENDS_ON", "relatedSpdxElement": "NONE"}
      ]
    }"#;

    #[test]
    fn reads_the_document_its_packages_and_their_dependencies() {
        let doc = parse(DOC.as_bytes()).unwrap();
        assert_eq!(doc.spec_version, "2.3");
        assert_eq!(doc.encoding, Encoding::Json);
        assert_eq!(doc.name.as_deref(), Some("alpine:3.20"));
        assert_eq!(
            doc.namespace.as_deref(),
            Some("https://anchore.com/syft/image/alpine-3.20-1")
        );
        assert_eq!(doc.created.as_deref(), Some("2024-06-01T10:00:00Z"));
        assert_eq!(doc.tools, vec!["syft-1.5.0"]);
        assert_eq!(doc.authors, vec!["Anchore, Inc"]);
        assert_eq!(doc.files, 3);
        let ids: Vec<_> = doc.packages.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, ["SPDXRef-image", "SPDXRef-musl", "SPDXRef-busybox"]);
        let [image, musl, busybox] = &doc.packages[..] else {
            panic!("three packages")
        };
        assert!(image.subject && !musl.subject && !busybox.subject);
        assert_eq!(image.kind.as_deref(), Some("container"));
        assert_eq!(image.download_location, None, "NOASSERTION is not stated");
        assert_eq!(musl.purl.as_deref(), Some("pkg:apk/alpine/musl@1.2.5-r0"));
        assert_eq!(musl.cpes, ["cpe:2.3:a:musl:musl:1.2.5:*:*:*:*:*:*:*"]);
        assert_eq!(musl.external_refs.len(), 2);
        assert_eq!(musl.external_refs[0].kind, "SECURITY cpe23Type");
        assert_eq!(musl.supplier.as_deref(), Some("Alpine"));
        assert_eq!(musl.originator.as_deref(), Some("Rich Felker"));
        assert_eq!(musl.licenses, ["MIT"]);
        assert_eq!(musl.concluded_license, None);
        assert_eq!(musl.copyright.as_deref(), Some("NONE"));
        assert_eq!(musl.hashes[0].algorithm, "SHA1");
        assert_eq!(
            musl.files, 1,
            "hasFiles and CONTAINS name the same file once"
        );
        assert_eq!(busybox.files, 1);
        assert_eq!(busybox.licenses, ["GPL-2.0-only", "GPL-2.0-or-later"]);
        assert_eq!(
            busybox.description.as_deref(),
            Some("Size optimized toolbox")
        );
        assert_eq!(busybox.kind.as_deref(), Some("operating-system"));
        let deps: Vec<_> = doc
            .dependencies
            .iter()
            .map(|d| (d.from.as_str(), d.to.as_str(), d.relationship.as_str()))
            .collect();
        assert_eq!(
            deps,
            [
                ("SPDXRef-busybox", "SPDXRef-musl", "DEPENDS_ON"),
                ("SPDXRef-image", "SPDXRef-musl", "DEV_DEPENDENCY_OF"),
            ],
            "CONTAINS between packages and relationships to files or NONE are not dependencies"
        );
    }

    #[test]
    fn a_document_without_packages_is_empty_not_wrong() {
        let doc = parse(br#"{"spdxVersion": "SPDX-2.2", "packages": null}"#).unwrap();
        assert_eq!(doc.spec_version, "2.2");
        assert!(doc.packages.is_empty() && doc.dependencies.is_empty());
        assert_eq!(doc.files, 0);
    }

    #[test]
    fn bad_input_names_the_place_and_what_was_expected() {
        let e = parse(br#"{"name": "x", "packages": []}"#).unwrap_err();
        assert_eq!(e.at.as_deref(), Some("spdxVersion"));
        assert!(e.detail.contains("SPDX-2.3"), "{e:?}");

        let e = parse(br#"{"spdxVersion": "SPDX-3.0"}"#).unwrap_err();
        assert!(e.detail.contains("SPDX 2"), "{e:?}");

        let bad = b"{\"spdxVersion\": \"SPDX-2.3\",\n \"packages\": [{\"SPDXID\": {}}]}";
        let e = parse(bad).unwrap_err();
        assert_eq!(e.at.as_deref(), Some("line 2, column 25"), "{e:?}");
        assert!(e.detail.contains("expected a string"), "{e:?}");

        let e = parse(b"{\"spdxVersion\": \"SPDX-2.3\", \"packages\": [{").unwrap_err();
        assert!(e.at.as_deref().unwrap_or("").starts_with("line 1"), "{e:?}");

        let e = parse(br#"{"spdxVersion": "SPDX-2.3", "packages": {}}"#).unwrap_err();
        assert!(e.detail.contains("an array of packages"), "{e:?}");
    }

    #[test]
    fn a_large_document_resolves_the_same_in_two_halves() {
        // Enough relationships to be resolved on two threads: what the first half states is
        // not stated again from the second, and a file named in both halves counts once.
        let mut relationships = Vec::new();
        for i in 0..6_000 {
            let (a, b) = (i % 50, (i + 1) % 50);
            relationships.push(format!(
                r#"{{"spdxElementId": "SPDXRef-p{a}", "relationshipType": "DEPENDS_ON", "relatedSpdxElement": "SPDXRef-p{b}"}}"#
            ));
            relationships.push(format!(
                r#"{{"spdxElementId": "SPDXRef-p{a}", "relationshipType": "CONTAINS", "relatedSpdxElement": "SPDXRef-f{a}"}}"#
            ));
        }
        let packages: Vec<_> = (0..50)
            .map(|i| {
                format!(
                    r#"{{"SPDXID": "SPDXRef-p{i}", "name": "p{i}", "hasFiles": ["SPDXRef-f{i}"]}}"#
                )
            })
            .collect();
        let files: Vec<_> = (0..50)
            .map(|i| format!(r#"{{"SPDXID": "SPDXRef-f{i}"}}"#))
            .collect();
        let doc = format!(
            r#"{{"spdxVersion": "SPDX-2.3", "packages": [{}], "files": [{}], "relationships": [{}]}}"#,
            packages.join(","),
            files.join(","),
            relationships.join(",")
        );
        let doc = parse(doc.as_bytes()).unwrap();
        let deps: Vec<_> = doc
            .dependencies
            .iter()
            .map(|d| (d.from.as_str(), d.to.as_str()))
            .collect();
        assert_eq!(deps.len(), 50, "each of the 50 stated 120 times, kept once");
        assert_eq!(deps[0], ("SPDXRef-p0", "SPDXRef-p1"));
        assert_eq!(deps[49], ("SPDXRef-p49", "SPDXRef-p0"), "in document order");
        assert!(
            doc.packages.iter().all(|p| p.files == 1),
            "{:?}",
            doc.packages[0]
        );
        assert_eq!(doc.files, 50);
    }
}
