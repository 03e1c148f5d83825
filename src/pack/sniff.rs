//! Media types from file content (SBOMs, attestations, signatures, charts, archives, text), and the `FILE[:TYPE]` argument of `push`.
//!
//! Content decides, never the name: `sbom.json` may be SPDX or CycloneDX, and a registry client
//! that trusted extensions would label files wrongly. Only `.md` is looked at, and only to tell
//! Markdown from other text once the content is known to be text.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use serde::de::IgnoredAny;
use serde::Deserialize;
use serde_json::Value;

use crate::error::{Error, Result};

/// How much of a file is read for magic numbers and the text check.
const HEAD_LIMIT: u64 = 1024 * 1024;
/// JSON documents up to this size are parsed to classify them; larger ones are not parsed
/// (classified by the head as text) so that sniffing stays cheap.
const JSON_LIMIT: u64 = 16 * 1024 * 1024;
/// How much decompressed data, and how many entries, are looked at for a Helm chart's
/// `Chart.yaml` (Helm writes it first).
const CHART_SCAN_BYTES: u64 = 8 * 1024 * 1024;
const CHART_SCAN_ENTRIES: usize = 32;

const SPDX_JSON: &str = "application/spdx+json";
const SPDX_TAG_VALUE: &str = "text/spdx";
const CYCLONEDX_JSON: &str = "application/vnd.cyclonedx+json";
const CYCLONEDX_XML: &str = "application/vnd.cyclonedx+xml";
const IN_TOTO: &str = "application/vnd.in-toto+json";
const DSSE: &str = "application/vnd.dsse.envelope.v1+json";
const SIGSTORE_BUNDLE_PREFIX: &str = "application/vnd.dev.sigstore.bundle";
/// A bundle of a version not listed in [`sigstore_bundle_type`].
const SIGSTORE_BUNDLE_ANY: &str = "application/vnd.dev.sigstore.bundle+json";
const SIMPLE_SIGNING: &str = "application/vnd.dev.cosign.simplesigning.v1+json";
const JSON: &str = "application/json";
const HELM_CHART: &str = "application/vnd.cncf.helm.chart.content.v1.tar+gzip";
const HELM_CONFIG: &str = "application/vnd.cncf.helm.config.v1+json";
const GZIP: &str = "application/gzip";
const TAR: &str = "application/x-tar";
const ZSTD: &str = "application/zstd";
const WASM: &str = "application/wasm";
const TEXT: &str = "text/plain";
const MARKDOWN: &str = "text/markdown";
const BINARY: &str = "application/octet-stream";

/// The media type of the file at `path`, from its content. Reads at most 1 MiB, except JSON
/// documents up to 16 MiB, which are parsed whole, and gzip files, whose first 8 MiB of
/// decompressed tar are scanned for a Helm chart's `Chart.yaml`.
pub fn sniff(path: &Path) -> Result<&'static str> {
    let mut file = File::open(path).map_err(|e| Error::io(path, e))?;
    let len = file.metadata().map_err(|e| Error::io(path, e))?.len();
    let mut head = Vec::new();
    (&mut file)
        .take(HEAD_LIMIT)
        .read_to_end(&mut head)
        .map_err(|e| Error::io(path, e))?;
    if head.is_empty() {
        return Ok(BINARY);
    }

    if head.starts_with(&[0x1f, 0x8b]) {
        rewind(&mut file, path)?;
        return Ok(if is_helm_chart(&mut file) {
            HELM_CHART
        } else {
            GZIP
        });
    }
    if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        return Ok(ZSTD);
    }
    if head.starts_with(b"\0asm") {
        return Ok(WASM);
    }
    if head.get(257..262) == Some(b"ustar") {
        return Ok(TAR);
    }

    let bom = if head.starts_with(b"\xef\xbb\xbf") {
        3
    } else {
        0
    };
    let first = head[bom..].iter().find(|b| !b.is_ascii_whitespace());
    if matches!(first, Some(b'{' | b'[')) && len <= JSON_LIMIT {
        let mut document = Vec::new();
        rewind(&mut file, path)?;
        (&mut file)
            .take(JSON_LIMIT)
            .read_to_end(&mut document)
            .map_err(|e| Error::io(path, e))?;
        if let Some(media_type) = classify_json(&document[bom..]) {
            return Ok(media_type);
        }
    }

    if !is_text(&head, len > HEAD_LIMIT) {
        return Ok(BINARY);
    }
    let text = String::from_utf8_lossy(&head[bom..]);
    if text
        .lines()
        .any(|line| line.trim_start().starts_with("SPDXVersion:"))
    {
        return Ok(SPDX_TAG_VALUE);
    }
    if is_cyclonedx_xml(&text) {
        return Ok(CYCLONEDX_XML);
    }
    let markdown = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown"));
    Ok(if markdown { MARKDOWN } else { TEXT })
}

fn rewind(file: &mut File, path: &Path) -> Result<()> {
    file.seek(SeekFrom::Start(0))
        .map(|_| ())
        .map_err(|e| Error::io(path, e))
}

/// The fields that tell the JSON formats apart; everything else is skipped unparsed. Small
/// fields are `Value`s so that a wrongly typed one means "not this format", not "not JSON".
#[derive(Deserialize)]
struct JsonProbe {
    #[serde(rename = "spdxVersion")]
    spdx_version: Option<IgnoredAny>,
    #[serde(rename = "bomFormat")]
    bom_format: Option<Value>,
    #[serde(rename = "_type")]
    statement_type: Option<Value>,
    #[serde(rename = "mediaType")]
    media_type: Option<Value>,
    #[serde(rename = "payloadType")]
    payload_type: Option<IgnoredAny>,
    payload: Option<IgnoredAny>,
    signatures: Option<IgnoredAny>,
    critical: Option<Value>,
}

/// The JSON format of `document`, or `None` when it is not valid JSON.
fn classify_json(document: &[u8]) -> Option<&'static str> {
    let is_object = document
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|&b| b == b'{');
    // Only objects go through the probe: serde would fill a struct from an array by position.
    let probe = match is_object {
        true => serde_json::from_slice::<JsonProbe>(document).ok(),
        false => None,
    };
    let Some(probe) = probe else {
        // Not a probe-shaped object (an array, or an object with duplicate keys): still JSON?
        return serde_json::from_slice::<IgnoredAny>(document)
            .is_ok()
            .then_some(JSON);
    };
    let text = |value: &Option<Value>| value.as_ref().and_then(Value::as_str).map(str::to_string);

    if probe.spdx_version.is_some() {
        return Some(SPDX_JSON);
    }
    if text(&probe.bom_format).as_deref() == Some("CycloneDX") {
        return Some(CYCLONEDX_JSON);
    }
    if text(&probe.statement_type).is_some_and(|t| t.starts_with("https://in-toto.io/Statement/")) {
        return Some(IN_TOTO);
    }
    if let Some(media_type) = text(&probe.media_type) {
        if let Some(bundle) = sigstore_bundle_type(&media_type) {
            return Some(bundle);
        }
    }
    if probe.payload_type.is_some() && probe.payload.is_some() && probe.signatures.is_some() {
        return Some(DSSE);
    }
    let critical_type = probe
        .critical
        .as_ref()
        .and_then(|c| c.get("type"))
        .and_then(Value::as_str);
    if matches!(
        critical_type,
        Some("cosign container image signature" | "atomic container signature")
    ) {
        return Some(SIMPLE_SIGNING);
    }
    Some(JSON)
}

/// A sigstore bundle's media type in the form used as an OCI type since bundle v0.3
/// (`application/vnd.dev.sigstore.bundle.v0.3+json`), from either that form or the older
/// `application/vnd.dev.sigstore.bundle+json;version=0.2`. `None` for other media types.
fn sigstore_bundle_type(media_type: &str) -> Option<&'static str> {
    let rest = media_type.trim().strip_prefix(SIGSTORE_BUNDLE_PREFIX)?;
    let version = match rest.strip_prefix(".v") {
        Some(versioned) => versioned.strip_suffix("+json"),
        None => rest
            .strip_prefix("+json")
            .and_then(|params| params.trim_start().strip_prefix(';'))
            .and_then(|param| param.trim().strip_prefix("version=")),
    };
    Some(match version.map(str::trim) {
        Some("0.1") => "application/vnd.dev.sigstore.bundle.v0.1+json",
        Some("0.2") => "application/vnd.dev.sigstore.bundle.v0.2+json",
        Some("0.3") => "application/vnd.dev.sigstore.bundle.v0.3+json",
        // A later or unreadable version: the versionless type, still recognisably a bundle.
        _ => SIGSTORE_BUNDLE_ANY,
    })
}

/// Whether a gzip stream holds a tar whose first entries include `<chart>/Chart.yaml`.
/// Anything unreadable just means "not a chart".
fn is_helm_chart(file: &mut File) -> bool {
    let decoder = flate2::read::GzDecoder::new(file).take(CHART_SCAN_BYTES);
    let mut archive = tar::Archive::new(decoder);
    let Ok(entries) = archive.entries() else {
        return false;
    };
    for entry in entries.take(CHART_SCAN_ENTRIES) {
        let Ok(entry) = entry else {
            return false;
        };
        let name = entry.path_bytes();
        let parts: Vec<&[u8]> = name
            .split(|&b| b == b'/')
            .filter(|p| !p.is_empty() && *p != b".")
            .collect();
        if let [_, b"Chart.yaml"] = parts.as_slice() {
            return true;
        }
    }
    false
}

/// Whether `head` looks like text: UTF-8 without NULs or control characters other than tab,
/// line breaks, form feed and escape (for coloured logs). `truncated` allows a character cut
/// at the end of a partial head.
fn is_text(head: &[u8], truncated: bool) -> bool {
    let valid = match std::str::from_utf8(head) {
        Ok(text) => text,
        Err(e) if truncated && e.error_len().is_none() => {
            match std::str::from_utf8(&head[..e.valid_up_to()]) {
                Ok(text) => text,
                Err(_) => return false,
            }
        }
        Err(_) => return false,
    };
    !valid
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\x0c' | '\x1b'))
}

/// Whether the first element of an XML document is a CycloneDX `<bom>`.
fn is_cyclonedx_xml(text: &str) -> bool {
    let Some(start) = text.find("<bom") else {
        return false;
    };
    let tag = &text[start..];
    let tag = &tag[..tag.find('>').unwrap_or(tag.len())];
    let after = tag[4..].chars().next();
    matches!(after, Some(c) if c.is_whitespace())
        && tag.contains("xmlns")
        && tag.contains("cyclonedx.org/schema/bom")
}

/// The artifact type to suggest for an artifact made of layers of `media_types`: the kind of
/// its one recognised SBOM, attestation, bundle, chart or module. `None` when no layer is
/// recognised, or when layers of different kinds leave it ambiguous.
pub fn artifact_type_for(media_types: &[&str]) -> Option<&'static str> {
    let mut suggested: Option<&'static str> = None;
    for media_type in media_types {
        let kind = match *media_type {
            SPDX_JSON => SPDX_JSON,
            SPDX_TAG_VALUE => SPDX_TAG_VALUE,
            CYCLONEDX_JSON => CYCLONEDX_JSON,
            CYCLONEDX_XML => CYCLONEDX_XML,
            IN_TOTO | DSSE => IN_TOTO,
            HELM_CHART => HELM_CONFIG,
            WASM => WASM,
            other => match sigstore_bundle_type(other) {
                Some(bundle) => bundle,
                None => continue,
            },
        };
        match suggested {
            Some(previous) if previous != kind => return None,
            _ => suggested = Some(kind),
        }
    }
    suggested
}

/// Splits a `push` argument `FILE[:TYPE]` into the path and the media type given, if any.
///
/// The type is what follows the last colon, and only when it looks like a media type
/// (`type/subtype`, optionally with `;parameters`): so `C:\x\y`, `a:b` and `C:/x` are paths.
/// A path that itself ends in something like `:a/b` is written with a trailing colon
/// (`dir:a/b:`), which is dropped and means "no type".
pub fn parse_file_arg(arg: &str) -> (PathBuf, Option<String>) {
    let Some((path, media_type)) = arg.rsplit_once(':') else {
        return (PathBuf::from(arg), None);
    };
    if path.is_empty() {
        return (PathBuf::from(arg), None);
    }
    if media_type.is_empty() {
        return (PathBuf::from(path), None);
    }
    if is_media_type(media_type) {
        return (PathBuf::from(path), Some(media_type.to_string()));
    }
    (PathBuf::from(arg), None)
}

/// RFC 6838 `type/subtype` with restricted-name characters, then optional `;key=value`s.
fn is_media_type(text: &str) -> bool {
    let (essence, params) = match text.split_once(';') {
        Some((essence, params)) => (essence, Some(params)),
        None => (text, None),
    };
    let restricted = |name: &str| {
        !name.is_empty()
            && name.len() <= 127
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "!#$&-^_.+".contains(c))
    };
    let Some((kind, subtype)) = essence.split_once('/') else {
        return false;
    };
    let params_ok = params.is_none_or(|params| {
        params.split(';').all(|param| {
            param
                .split_once('=')
                .is_some_and(|(key, value)| restricted(key.trim()) && !value.trim().is_empty())
        })
    });
    restricted(kind) && restricted(subtype) && params_ok
}
