//! What SBOMs come wrapped in: gzip and zstd layers, DSSE envelopes (cosign attestations), and
//! in-toto statements (buildx `--sbom`, cosign `attest --type spdx|cyclonedx`).
//!
//! Signatures on envelopes are not checked here; this only reads what the envelope carries.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::Read;

use base64::Engine;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::detect::Kind;
use super::{from_json, Problem, MAX_SBOM_BYTES};
use crate::graph::is_sbom_predicate;

/// The statement an SBOM was the predicate of: what it claims to describe.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Statement {
    /// The statement's `predicateType`: an SPDX or CycloneDX predicate URI.
    pub predicate_type: String,
    /// The statement's `subject` entries: the artifacts the SBOM describes.
    pub subjects: Vec<StatementSubject>,
}

/// One artifact an in-toto statement is about: its name and digests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatementSubject {
    /// The subject's name as the statement gives it; empty when it gives none.
    #[serde(default)]
    pub name: String,
    /// Algorithm -> hex, as in-toto writes it (`{"sha256": "…"}`).
    #[serde(default)]
    pub digest: BTreeMap<String, String>,
}

/// The decompressed bytes, at most [`MAX_SBOM_BYTES`] of them.
pub fn decompress(bytes: &[u8], kind: Kind) -> Result<Vec<u8>, Problem> {
    decompress_within(bytes, kind, MAX_SBOM_BYTES)
}

fn decompress_within(bytes: &[u8], kind: Kind, limit: u64) -> Result<Vec<u8>, Problem> {
    let reader: Box<dyn Read + '_> = match kind {
        Kind::Gzip => Box::new(flate2::read::MultiGzDecoder::new(bytes)),
        Kind::Zstd => Box::new(
            zstd::stream::read::Decoder::with_buffer(bytes)
                .map_err(|e| Problem::new(format!("not a zstd stream: {e}")))?,
        ),
        _ => return Ok(bytes.to_vec()),
    };
    let mut out = Vec::new();
    reader
        .take(limit + 1)
        .read_to_end(&mut out)
        .map_err(|e| Problem::new(format!("the {} stream is broken: {e}", kind.name())))?;
    if out.len() as u64 > limit {
        return Err(Problem::new(format!(
            "decompresses to more than {} MiB, the most Stowage reads of an SBOM",
            limit >> 20
        )));
    }
    Ok(out)
}

/// The payload of a DSSE envelope, decoded. Only in-toto payloads are SBOM carriers.
pub fn dsse_payload(bytes: &[u8]) -> Result<Vec<u8>, Problem> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Envelope<'a> {
        payload_type: Cow<'a, str>,
        #[serde(borrow)]
        payload: Cow<'a, str>,
    }
    let envelope: Envelope = from_json(bytes)?;
    if !envelope.payload_type.contains("in-toto") {
        return Err(Problem::at(
            "payloadType",
            format!(
                "{} where an in-toto statement (application/vnd.in-toto+json) was expected",
                envelope.payload_type
            ),
        ));
    }
    // DSSE says standard base64; some writers use the URL-safe alphabet or drop padding.
    let payload = envelope.payload.trim();
    let engines = [
        &base64::engine::general_purpose::STANDARD,
        &base64::engine::general_purpose::STANDARD_NO_PAD,
        &base64::engine::general_purpose::URL_SAFE,
        &base64::engine::general_purpose::URL_SAFE_NO_PAD,
    ];
    engines
        .iter()
        .find_map(|engine| engine.decode(payload).ok())
        .ok_or_else(|| Problem::at("payload", "not base64"))
}

/// The statement and its predicate, the bytes to read as an SBOM (whose content tells its format).
pub fn statement(bytes: &[u8]) -> Result<(Statement, Cow<'_, [u8]>), Problem> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Raw<'a> {
        #[serde(rename = "_type", default)]
        kind: Option<String>,
        #[serde(default)]
        subject: Vec<StatementSubject>,
        #[serde(default)]
        predicate_type: Option<String>,
        #[serde(borrow)]
        predicate: Option<&'a RawValue>,
    }
    let raw: Raw = from_json(bytes)?;
    if let Some(kind) = raw.kind.as_deref() {
        if !kind.contains("in-toto.io/Statement") {
            return Err(Problem::at(
                "_type",
                format!("{kind} where https://in-toto.io/Statement/v0.1 or v1 was expected"),
            ));
        }
    }
    let predicate_type = raw
        .predicate_type
        .ok_or_else(|| Problem::at("predicateType", "missing"))?;
    if !is_sbom_predicate(&predicate_type) {
        return Err(Problem::at(
            "predicateType",
            format!("{predicate_type} is not an SBOM (SPDX or CycloneDX) predicate"),
        ));
    }
    let predicate = raw
        .predicate
        .ok_or_else(|| Problem::at("predicate", "missing"))?;
    let text = predicate.get();
    // Some writers put a tag-value or XML SBOM into the predicate as one JSON string.
    let predicate: Cow<[u8]> = if text.starts_with('"') {
        let s: String = serde_json::from_str(text).map_err(|e| Problem::json(&e))?;
        Cow::Owned(s.into_bytes())
    } else {
        // Borrowed from `bytes`: the predicate is not copied.
        let start = text.as_ptr() as usize - bytes.as_ptr() as usize;
        Cow::Borrowed(&bytes[start..start + text.len()])
    };
    let statement = Statement {
        predicate_type,
        subjects: raw.subject,
    };
    Ok((statement, predicate))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_statement_gives_its_predicate_without_copying_it() {
        let bytes = br#"{"_type":"https://in-toto.io/Statement/v0.1","predicateType":"https://spdx.dev/Document","subject":[{"name":"x","digest":{"sha256":"ab"}}],"predicate":{"spdxVersion":"SPDX-2.3"}}"#;
        let (s, p) = statement(bytes).unwrap();
        assert_eq!(&*p, br#"{"spdxVersion":"SPDX-2.3"}"#);
        assert!(matches!(p, Cow::Borrowed(_)));
        assert_eq!(s.subjects[0].digest["sha256"], "ab");
    }

    #[test]
    fn a_string_predicate_is_its_text() {
        let bytes = br#"{"_type":"https://in-toto.io/Statement/v1","predicateType":"https://spdx.dev/Document","predicate":"SPDXVersion: SPDX-2.2\n"}"#;
        let (_, p) = statement(bytes).unwrap();
        assert_eq!(&*p, b"SPDXVersion: SPDX-2.2\n");
    }

    #[test]
    fn a_provenance_is_not_taken_for_an_sbom() {
        let bytes = br#"{"_type":"https://in-toto.io/Statement/v1","predicateType":"https://slsa.dev/provenance/v1","predicate":{}}"#;
        let e = statement(bytes).unwrap_err();
        assert_eq!(e.at.as_deref(), Some("predicateType"));
        assert!(e.detail.contains("slsa.dev"), "{e:?}");
    }

    #[test]
    fn dsse_payloads_decode_and_must_be_in_toto() {
        let payload = base64::engine::general_purpose::STANDARD.encode(b"{\"a\":1}");
        let env = format!(
            r#"{{"payloadType":"application/vnd.in-toto+json","payload":"{payload}","signatures":[]}}"#
        );
        assert_eq!(dsse_payload(env.as_bytes()).unwrap(), b"{\"a\":1}");
        let other = br#"{"payloadType":"text/plain","payload":""}"#;
        assert_eq!(
            dsse_payload(other).unwrap_err().at.as_deref(),
            Some("payloadType")
        );
    }

    #[test]
    fn a_bomb_stops_at_the_cap() {
        use std::io::Write;
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        enc.write_all(&vec![0u8; 3 << 20]).unwrap();
        let gz = enc.finish().unwrap();
        let e = decompress_within(&gz, Kind::Gzip, 2 << 20).unwrap_err();
        assert!(e.detail.contains("more than 2 MiB"), "{e:?}");
        assert_eq!(
            decompress_within(&gz, Kind::Gzip, 3 << 20).unwrap().len(),
            3 << 20
        );
    }
}
