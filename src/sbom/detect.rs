//! Which reader a blob needs: the media type where the content agrees with it, else the content.
//!
//! Media types alone are not enough: cosign labels SPDX JSON `text/spdx`, and buildx and cosign
//! label statements and envelopes `application/vnd.in-toto+json` alike. So the first byte
//! decides the encoding family (JSON, XML, text, compressed), and within JSON the top-level keys
//! decide, read in document order and no further than the first one that tells.

use std::cell::Cell;
use std::fmt;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};

use super::Problem;

/// What a blob is, for reading it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// SPDX 2.2/2.3 JSON.
    SpdxJson,
    /// SPDX 2.2/2.3 YAML.
    SpdxYaml,
    /// SPDX 2.2/2.3 tag-value (`Tag: value` lines).
    SpdxTagValue,
    /// SPDX 3.0 JSON-LD.
    Spdx3,
    /// CycloneDX 1.2-1.7 JSON.
    CyclonedxJson,
    /// CycloneDX 1.2-1.7 XML.
    CyclonedxXml,
    /// gzip-compressed bytes (what they hold is told once decompressed).
    Gzip,
    /// zstd-compressed bytes (what they hold is told once decompressed).
    Zstd,
    /// A DSSE envelope (its payload is what it wraps).
    Dsse,
    /// An in-toto statement (its predicate is what it wraps).
    InToto,
}

impl Kind {
    /// The format's name in messages.
    pub fn name(self) -> &'static str {
        match self {
            Kind::SpdxJson => "SPDX JSON",
            Kind::SpdxYaml => "SPDX YAML",
            Kind::SpdxTagValue => "SPDX tag-value",
            Kind::Spdx3 => "SPDX 3 JSON-LD",
            Kind::CyclonedxJson => "CycloneDX JSON",
            Kind::CyclonedxXml => "CycloneDX XML",
            Kind::Gzip => "gzip",
            Kind::Zstd => "zstd",
            Kind::Dsse => "DSSE envelope",
            Kind::InToto => "in-toto statement",
        }
    }

    /// True for what wraps another blob (compression, DSSE, in-toto) rather than being a
    /// document.
    pub fn is_wrapper(self) -> bool {
        matches!(self, Kind::Gzip | Kind::Zstd | Kind::Dsse | Kind::InToto)
    }

    /// The name of the wrapper in [`super::Sbom::wrappers`].
    pub fn wrapper(self) -> &'static str {
        match self {
            Kind::Gzip => "gzip",
            Kind::Zstd => "zstd",
            Kind::Dsse => "dsse",
            Kind::InToto => "in-toto",
            _ => "",
        }
    }

    /// The kind a media type names, when it names exactly one.
    fn of_media_type(media_type: &str) -> Option<Kind> {
        let t = media_type.split(';').next().unwrap_or("").trim();
        Some(match t.to_ascii_lowercase().as_str() {
            "application/spdx+json" | "text/spdx+json" => Kind::SpdxJson,
            "text/spdx" | "text/spdx+tag-value" => Kind::SpdxTagValue,
            "application/spdx+yaml" | "text/spdx+yaml" => Kind::SpdxYaml,
            "application/vnd.cyclonedx+json" => Kind::CyclonedxJson,
            "application/vnd.cyclonedx+xml" | "application/vnd.cyclonedx" => Kind::CyclonedxXml,
            "application/vnd.dsse.envelope.v1+json" => Kind::Dsse,
            _ => return None,
        })
    }

    fn is_json(self) -> bool {
        matches!(
            self,
            Kind::SpdxJson | Kind::Spdx3 | Kind::CyclonedxJson | Kind::Dsse | Kind::InToto
        )
    }
}

/// Decides how to read `bytes`.
pub fn detect(bytes: &[u8], media_type: Option<&str>) -> Result<Kind, Problem> {
    if bytes.starts_with(&[0x1f, 0x8b]) {
        return Ok(Kind::Gzip);
    }
    if bytes.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        return Ok(Kind::Zstd);
    }
    let text = trim_start(bytes);
    let hinted = media_type.and_then(Kind::of_media_type);
    match text.first() {
        None => Err(Problem::new("the content is empty")),
        Some(b'{') => match hinted.filter(|k| k.is_json()) {
            Some(kind) => Ok(kind),
            None => json_kind(text),
        },
        Some(b'<') => {
            let head = &text[..text.len().min(64 * 1024)];
            if contains(head, b"cyclonedx.org/schema/bom") {
                Ok(Kind::CyclonedxXml)
            } else {
                Err(Problem::at(
                    "line 1",
                    "XML, but not a CycloneDX BOM (no http://cyclonedx.org/schema/bom namespace); \
                     SPDX RDF/XML is not read",
                ))
            }
        }
        Some(_) => {
            if hinted == Some(Kind::SpdxTagValue) || hinted == Some(Kind::SpdxYaml) {
                return Ok(hinted.expect("checked"));
            }
            text_kind(text)
        }
    }
}

fn trim_start(bytes: &[u8]) -> &[u8] {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    &bytes[start..]
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Tag-value's first tag is `SPDXVersion:`; YAML's key is `spdxVersion:` (after comments, a
/// `---` and other keys, in any order, so it is looked for in the first lines).
fn text_kind(text: &[u8]) -> Result<Kind, Problem> {
    let head = &text[..text.len().min(64 * 1024)];
    let head = String::from_utf8_lossy(head);
    for line in head.lines().take(200) {
        let line = line.trim_end();
        if line.starts_with("SPDXVersion:") {
            return Ok(Kind::SpdxTagValue);
        }
        // YAML's own keys (tag-value spells its tags differently: DataLicense, DocumentNamespace);
        // writers that sort keys (pyspdxtools, PyYAML) put spdxVersion after every package.
        let yaml_keys = [
            "spdxVersion:",
            "\"spdxVersion\":",
            "creationInfo:",
            "dataLicense:",
            "documentNamespace:",
            "documentDescribes:",
        ];
        if yaml_keys.iter().any(|k| line.starts_with(k)) {
            return Ok(Kind::SpdxYaml);
        }
    }
    Err(Problem::new(
        "not an SBOM Stowage reads: text without an SPDXVersion tag (tag-value) or spdxVersion \
         key (YAML) in its first lines",
    ))
}

/// Reads the top-level keys of a JSON object until one tells what the document is.
fn json_kind(text: &[u8]) -> Result<Kind, Problem> {
    let found = Cell::new(None);
    let mut de = serde_json::Deserializer::from_slice(text);
    let result = (&mut de).deserialize_map(KeyProbe { found: &found });
    if let Some(kind) = found.get() {
        return Ok(kind);
    }
    match result {
        Err(e) if !e.is_data() => Err(Problem::json(&e)),
        _ => Err(Problem::new(
            "JSON, but none of spdxVersion (SPDX), bomFormat (CycloneDX), @context (SPDX 3), \
             _type (in-toto statement) or payloadType (DSSE envelope) at its top level",
        )),
    }
}

struct KeyProbe<'a> {
    found: &'a Cell<Option<Kind>>,
}

/// The visitor stops with an error as soon as a key tells: the rest is not read.
const FOUND: &str = "stowage: found";

impl<'de> Visitor<'de> for KeyProbe<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            let kind = match key.as_str() {
                "spdxVersion" => Some(Kind::SpdxJson),
                "bomFormat" => {
                    let value: serde_json::Value = map.next_value()?;
                    value
                        .as_str()
                        .filter(|v| v.eq_ignore_ascii_case("cyclonedx"))
                        .map(|_| Kind::CyclonedxJson)
                }
                "@context" => {
                    let value: serde_json::Value = map.next_value()?;
                    value
                        .to_string()
                        .contains("spdx.org/rdf/3")
                        .then_some(Kind::Spdx3)
                }
                "@graph" => Some(Kind::Spdx3),
                "_type" | "predicateType" => Some(Kind::InToto),
                "payloadType" => Some(Kind::Dsse),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                    None
                }
            };
            if let Some(kind) = kind {
                self.found.set(Some(kind));
                return Err(de::Error::custom(FOUND));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_is_told_by_its_first_telling_key() {
        let spdx = br#"{"SPDXID":"SPDXRef-DOCUMENT","spdxVersion":"SPDX-2.3","packages":[{"#;
        assert_eq!(
            detect(spdx, None),
            Ok(Kind::SpdxJson),
            "stops before the cut"
        );
        let cdx = br#"{"$schema":"x","bomFormat":"CycloneDX","specVersion":"1.5"}"#;
        assert_eq!(detect(cdx, Some("text/plain")), Ok(Kind::CyclonedxJson));
        let v3 = br#"{"@context":"https://spdx.org/rdf/3.0.1/spdx-context.jsonld","@graph":[]}"#;
        assert_eq!(detect(v3, None), Ok(Kind::Spdx3));
        let statement = br#"{"_type":"https://in-toto.io/Statement/v1","subject":[]}"#;
        assert_eq!(detect(statement, None), Ok(Kind::InToto));
        let envelope = br#"{"payloadType":"application/vnd.in-toto+json","payload":""}"#;
        assert_eq!(
            detect(envelope, Some("application/vnd.in-toto+json")),
            Ok(Kind::Dsse)
        );
    }

    #[test]
    fn the_media_type_decides_only_where_the_content_agrees() {
        // cosign's `attach sbom --type spdx` labels JSON `text/spdx`.
        let spdx = br#"{"spdxVersion":"SPDX-2.3"}"#;
        assert_eq!(detect(spdx, Some("text/spdx")), Ok(Kind::SpdxJson));
        assert_eq!(
            detect(b"SPDXVersion: SPDX-2.3\n", Some("text/spdx")),
            Ok(Kind::SpdxTagValue)
        );
        assert_eq!(
            detect(b"{}", Some("application/spdx+json")),
            Ok(Kind::SpdxJson)
        );
    }

    #[test]
    fn text_xml_and_compression() {
        assert_eq!(
            detect(b"# made by x\n\nSPDXVersion: SPDX-2.2\n", None),
            Ok(Kind::SpdxTagValue)
        );
        assert_eq!(
            detect(
                b"---\nSPDXID: SPDXRef-DOCUMENT\nspdxVersion: SPDX-2.3\n",
                None
            ),
            Ok(Kind::SpdxYaml)
        );
        let sorted = b"SPDXID: SPDXRef-DOCUMENT\ncreationInfo:\n  created: x\npackages: []\nspdxVersion: SPDX-2.3\n";
        assert_eq!(detect(sorted, None), Ok(Kind::SpdxYaml), "keys sorted");
        let xml = br#"<?xml version="1.0"?><bom xmlns="http://cyclonedx.org/schema/bom/1.4">"#;
        assert_eq!(detect(xml, None), Ok(Kind::CyclonedxXml));
        assert!(detect(b"<rdf:RDF>", None).is_err());
        assert_eq!(detect(&[0x1f, 0x8b, 8, 0], None), Ok(Kind::Gzip));
        assert_eq!(detect(&[0x28, 0xb5, 0x2f, 0xfd], None), Ok(Kind::Zstd));
    }

    #[test]
    fn what_is_not_an_sbom_says_what_was_looked_for() {
        let e = detect(br#"{"schemaVersion":2}"#, None).unwrap_err();
        assert!(e.detail.contains("spdxVersion"), "{e:?}");
        let e = detect(br#"{"a": [1, 2"#, None).unwrap_err();
        assert!(e.at.is_some(), "{e:?}");
        assert!(detect(b"", None).is_err());
        assert!(detect(b"hello\n", None).is_err());
    }
}
