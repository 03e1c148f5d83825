//! SPDX 2.2/2.3 tag-value into the model: `Tag: value` lines, `<text>…</text>` values over
//! several lines, sections begun by PackageName and FileName (files after a package are its).

use std::borrow::Cow;

use crate::sbom::{Document, Encoding, Problem};

use super::v2_model::{assemble, Link, Parts};
use super::v2_package::{RawChecksum, RawExternalRef, RawPackage};
use super::Text;

/// Which section the lines read belong to: tags such as SPDXID mean the document's, a
/// package's or a file's id depending on it.
enum Section<'a> {
    Document,
    Package(Box<RawPackage<'a>>),
    File,
    /// Snippets and extracted licences: nothing of them is kept.
    Other,
}

pub fn parse(bytes: &[u8]) -> Result<Document, Problem> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let good = bytes.get(..e.valid_up_to()).unwrap_or_default();
        let line = good.iter().filter(|b| **b == b'\n').count() + 1;
        Problem::at(format!("line {line}"), "not UTF-8 text")
    })?;
    let mut parts = Parts::default();
    let mut section = Section::Document;
    // The package the next files belong to: the last one read before them.
    let mut owner: Option<usize> = None;
    let mut lines = text.split('\n').zip(1..);
    while let Some((line, number)) = lines.next() {
        let line = line.trim_end_matches('\r');
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let at = || format!("line {number}");
        let Some((tag, value)) = line.split_once(':') else {
            return Err(Problem::at(
                at(),
                format!("{:?} where `Tag: value` was expected", shorten(line)),
            ));
        };
        let tag = tag.trim();
        let value = value.trim();
        let value: Cow<str> = match value.strip_prefix("<text>") {
            None => Cow::Borrowed(value),
            Some(body) => match body.split_once("</text>") {
                Some((body, _)) => Cow::Borrowed(body),
                None => {
                    // The value runs on to the line that closes it.
                    let mut long = body.to_string();
                    loop {
                        let Some((next, _)) = lines.next() else {
                            return Err(Problem::at(
                                at(),
                                format!("{tag}'s <text> is never closed by </text>"),
                            ));
                        };
                        long.push('\n');
                        if let Some((end, _)) = next.split_once("</text>") {
                            long.push_str(end);
                            break;
                        }
                        long.push_str(next.trim_end_matches('\r'));
                    }
                    Cow::Owned(long)
                }
            },
        };
        let value = Text(value);
        match tag {
            "SPDXVersion" => parts.spdx_version = Some(value),
            "DocumentName" => parts.name = Some(value),
            "DocumentNamespace" => parts.namespace = Some(value),
            "Creator" => parts.creators.push(value),
            "Created" => parts.created = Some(value),
            "Relationship" => {
                let Some([from, kind, to]) = three_words(&value) else {
                    return Err(Problem::at(
                        at(),
                        format!(
                            "Relationship {:?} where `<id> <TYPE> <id>` was expected",
                            value.as_str()
                        ),
                    ));
                };
                parts.links.extend(Link::new(from, kind, to));
            }
            "PackageName" => {
                finish(&mut parts, &mut section);
                owner = None;
                section = Section::Package(Box::new(RawPackage {
                    name: Some(value),
                    ..RawPackage::default()
                }));
            }
            "FileName" => {
                if let Section::Package(_) = section {
                    owner = finish(&mut parts, &mut section);
                }
                section = Section::File;
                parts.files += 1;
            }
            "SnippetSPDXID" | "LicenseID" => {
                if let Section::Package(_) = section {
                    finish(&mut parts, &mut section);
                }
                section = Section::Other;
            }
            "SPDXID" => match &mut section {
                Section::Document => parts.document_id = Some(value),
                Section::Package(p) => p.spdx_id = Some(value),
                Section::File => {
                    if let Some(p) = owner {
                        parts.package_files.push((p, value.clone()));
                    }
                    parts.file_ids.add(value);
                }
                Section::Other => {}
            },
            _ => {
                if let Section::Package(p) = &mut section {
                    package_tag(p, tag, value).map_err(|detail| Problem::at(at(), detail))?;
                } else if tag.starts_with("Package") {
                    return Err(Problem::at(
                        at(),
                        format!("{tag} outside a package: expected PackageName before it"),
                    ));
                }
            }
        }
    }
    finish(&mut parts, &mut section);
    assemble(parts, Encoding::TagValue)
}

/// Ends the package being read, if one is; returns its index.
fn finish<'a>(parts: &mut Parts<'a>, section: &mut Section<'a>) -> Option<usize> {
    match std::mem::replace(section, Section::Other) {
        Section::Package(raw) => {
            parts.push_package(*raw);
            parts.packages.len().checked_sub(1)
        }
        other => {
            *section = other;
            None
        }
    }
}

/// One tag of a package section; other tags (FilesAnalyzed, PackageFileName, …) are skipped.
fn package_tag<'a>(p: &mut RawPackage<'a>, tag: &str, value: Text<'a>) -> Result<(), String> {
    let field = match tag {
        "PackageVersion" => &mut p.version_info,
        "PackageSupplier" => &mut p.supplier,
        "PackageOriginator" => &mut p.originator,
        "PackageDownloadLocation" => &mut p.download_location,
        "PackageHomePage" => &mut p.homepage,
        "PackageLicenseConcluded" => &mut p.license_concluded,
        "PackageLicenseDeclared" => &mut p.license_declared,
        "PackageCopyrightText" => &mut p.copyright_text,
        "PackageDescription" => &mut p.description,
        "PackageSummary" => &mut p.summary,
        "PrimaryPackagePurpose" => &mut p.primary_package_purpose,
        "PackageChecksum" => {
            let Some((algorithm, checksum)) = value.as_str().split_once(':') else {
                return Err(format!(
                    "PackageChecksum {:?} where `ALGORITHM: value` was expected",
                    value.as_str()
                ));
            };
            let own = |s: &str| Text(Cow::Owned(s.trim().to_string()));
            p.checksums.get_or_insert_with(Vec::new).push(RawChecksum {
                algorithm: own(algorithm),
                checksum_value: own(checksum),
            });
            return Ok(());
        }
        "ExternalRef" => {
            let Some([category, kind, locator]) = three_words(&value) else {
                return Err(format!(
                    "ExternalRef {:?} where `CATEGORY type locator` was expected",
                    value.as_str()
                ));
            };
            p.external_refs
                .get_or_insert_with(Vec::new)
                .push(RawExternalRef {
                    reference_category: Some(category),
                    reference_type: kind,
                    reference_locator: locator,
                });
            return Ok(());
        }
        _ => return Ok(()),
    };
    *field = Some(value);
    Ok(())
}

/// The first three words of a value, borrowed from the bytes where the value is (a one-line
/// value always is): documents of 100,000 packages have as many Relationship lines.
fn three_words<'a>(value: &Text<'a>) -> Option<[Text<'a>; 3]> {
    let word = |w: Option<&str>| w.map(|w| Text(Cow::Owned(w.to_string())));
    let [a, b, c] = match &value.0 {
        Cow::Borrowed(s) => {
            let s: &'a str = s;
            let mut words = s.split_whitespace().map(|w| Text(Cow::Borrowed(w)));
            [words.next(), words.next(), words.next()]
        }
        Cow::Owned(s) => {
            let mut words = s.split_whitespace();
            [word(words.next()), word(words.next()), word(words.next())]
        }
    };
    Some([a?, b?, c?])
}

/// A line as quoted in a message: at most 60 characters of it.
fn shorten(line: &str) -> String {
    match line.char_indices().nth(60) {
        Some((end, _)) => format!("{}…", line.get(..end).unwrap_or(line)),
        None => line.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "\
## Document Information
SPDXVersion: SPDX-2.3
DataLicense: CC0-1.0
SPDXID: SPDXRef-DOCUMENT
DocumentName: hello
DocumentNamespace: https://example.com/hello-1
Creator: Tool: sbom4python-0.12.6
Creator: Organization: Example Inc.
Created: 2024-06-01T10:00:00Z
CreatorComment: <text>Made
over two lines: with a colon</text>

FileName: ./README
SPDXID: SPDXRef-readme

PackageName: hello
SPDXID: SPDXRef-hello
PackageVersion: 1.0
PackageSupplier: Organization: Example Inc.
PackageLicenseDeclared: MIT
PackageLicenseConcluded: NOASSERTION
PackageChecksum: SHA256: 0123abcd
ExternalRef: PACKAGE-MANAGER purl pkg:pypi/hello@1.0
ExternalRef: SECURITY cpe23Type cpe:2.3:a:example:hello:1.0:*:*:*:*:*:*:*
PackageDescription: <text>Says hello.</text>
PrimaryPackagePurpose: APPLICATION
Relationship: SPDXRef-DOCUMENT DESCRIBES SPDXRef-hello

FileName: ./hello.py
SPDXID: SPDXRef-hello-py
FileChecksum: SHA1: 85ed0817af83a24ad8da68c2b5094de69833983c

FileName: ./util.py
SPDXID: SPDXRef-util-py

PackageName: attrs
SPDXID: SPDXRef-attrs
PackageVersion: 23.1.0

Relationship: SPDXRef-hello DEPENDS_ON SPDXRef-attrs
Relationship: SPDXRef-hello CONTAINS SPDXRef-hello-py
Relationship: SPDXRef-hello CONTAINS SPDXRef-readme
";

    #[test]
    fn reads_sections_text_values_and_relationships() {
        let doc = parse(DOC.as_bytes()).unwrap();
        assert_eq!(doc.encoding, Encoding::TagValue);
        assert_eq!(doc.spec_version, "2.3");
        assert_eq!(doc.name.as_deref(), Some("hello"));
        assert_eq!(doc.tools, ["sbom4python-0.12.6"]);
        assert_eq!(doc.authors, ["Example Inc."]);
        assert_eq!(doc.files, 3);
        assert_eq!(doc.packages.len(), 2);
        let hello = &doc.packages[0];
        assert_eq!(hello.id, "SPDXRef-hello");
        assert!(hello.subject);
        assert_eq!(hello.version.as_deref(), Some("1.0"));
        assert_eq!(hello.supplier.as_deref(), Some("Example Inc."));
        assert_eq!(hello.licenses, ["MIT"]);
        assert_eq!(hello.hashes[0].algorithm, "SHA256");
        assert_eq!(hello.hashes[0].value, "0123abcd");
        assert_eq!(hello.purl.as_deref(), Some("pkg:pypi/hello@1.0"));
        assert_eq!(hello.cpes.len(), 1);
        assert_eq!(hello.description.as_deref(), Some("Says hello."));
        assert_eq!(hello.kind.as_deref(), Some("application"));
        // The two files after it, and README through CONTAINS; hello.py is named twice.
        assert_eq!(hello.files, 3);
        let attrs = &doc.packages[1];
        assert_eq!((attrs.files, attrs.subject), (0, false));
        assert_eq!(doc.dependencies.len(), 1);
        assert_eq!(doc.dependencies[0].to, "SPDXRef-attrs");
    }

    #[test]
    fn bad_lines_are_named_by_number() {
        let e = parse(b"SPDXVersion: SPDX-2.3\n\nthis is not a tag\n").unwrap_err();
        assert_eq!(e.at.as_deref(), Some("line 3"));
        assert!(e.detail.contains("`Tag: value`"), "{e:?}");

        let e = parse(b"SPDXVersion: SPDX-2.3\nDocumentComment: <text>open\nand on\n").unwrap_err();
        assert_eq!(e.at.as_deref(), Some("line 2"));
        assert!(e.detail.contains("</text>"), "{e:?}");

        let e = parse(b"SPDXVersion: SPDX-2.3\nRelationship: SPDXRef-a DEPENDS_ON\n").unwrap_err();
        assert_eq!(e.at.as_deref(), Some("line 2"));

        let e =
            parse(b"SPDXVersion: SPDX-2.3\nPackageName: a\nPackageChecksum: abc\n").unwrap_err();
        assert_eq!(e.at.as_deref(), Some("line 3"));

        let e = parse(b"SPDXVersion: SPDX-2.3\nPackageVersion: 1\n").unwrap_err();
        assert!(e.detail.contains("PackageName"), "{e:?}");

        let e = parse(b"DocumentName: x\n").unwrap_err();
        assert_eq!(e.at.as_deref(), Some("SPDXVersion"));

        let e = parse(b"SPDXVersion: SPDX-2.3\nDocumentName: \xff\n").unwrap_err();
        assert_eq!(e.at.as_deref(), Some("line 2"));
    }

    #[test]
    fn crlf_lines_and_a_byte_order_mark_read_the_same() {
        let crlf = DOC.replace('\n', "\r\n");
        let mut bom = b"\xef\xbb\xbf".to_vec();
        bom.extend_from_slice(crlf.as_bytes());
        let doc = parse(&bom).unwrap();
        assert_eq!(doc, parse(DOC.as_bytes()).unwrap());
    }

    /// Found by the sbom_spdx_tag_value fuzz target: `SPDXID:` with nothing after it.
    #[test]
    fn an_empty_spdxid_gets_a_made_up_id() {
        let doc = parse(b"SPDXVersion: SPDX-2.3\nPackageName: attrs\nSPDXID: \n").unwrap();
        assert_eq!(doc.packages[0].id, "#0");
    }
}
