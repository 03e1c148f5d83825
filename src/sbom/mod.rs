//! SBOMs: SPDX and CycloneDX in every encoding, bare or wrapped (in-toto, DSSE, gzip, zstd),
//! read into one model ([`Document`]); and finding every SBOM attached to an artifact ([`find`]).
//!
//! Reading is one pass over the bytes into the model: no JSON or XML tree is built, so a
//! document of tens of MB is held once, as bytes, beside the (smaller) model. The bytes are
//! bounded by [`MAX_SBOM_BYTES`], decompressed ones included.

mod cyclonedx;
mod dependencies;
mod detect;
mod envelope;
mod export;
mod find;
mod model;
mod spdx;

pub use dependencies::{DependencyIndex, Direction, Link, TreeNode};
pub use detect::Kind;
pub use envelope::{Statement, StatementSubject};
pub use export::{csv_of_rows, csv_row, csv_rows, CSV_HEADER};
pub use find::{find, read_file, FindOptions, Found, FoundSbom, SbomRef};
pub use model::{Dependency, Document, Encoding, ExternalRef, Format, Hash, Package};

use crate::error::{Error, Result};

/// The largest SBOM Stowage reads, after decompression: distro images' SBOMs run to tens of MB,
/// so this is far above the 4 MiB that the details panel shows of other content.
pub const MAX_SBOM_BYTES: u64 = 512 * 1024 * 1024;

/// Where a parser stopped reading and what it expected there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// "line 12, column 4", "packages[3].versionInfo", "<component> at byte 5120".
    pub at: Option<String>,
    /// What was wrong, or what was expected there, for people.
    pub detail: String,
}

impl Problem {
    /// A problem with no place to point at.
    pub fn new(detail: impl Into<String>) -> Self {
        Problem {
            at: None,
            detail: detail.into(),
        }
    }

    /// A problem at a place: a line and column, a field path, or an element and byte offset.
    pub fn at(at: impl Into<String>, detail: impl Into<String>) -> Self {
        Problem {
            at: Some(at.into()),
            detail: detail.into(),
        }
    }

    /// A serde_json error, with its line and column.
    pub fn json(e: &serde_json::Error) -> Self {
        // serde_json's Display already ends with " at line L column C"; keep the place apart.
        let text = e.to_string();
        let detail = match text.rfind(" at line ") {
            Some(i) => text[..i].to_string(),
            None => text,
        };
        Problem::at(format!("line {}, column {}", e.line(), e.column()), detail)
    }
}

/// Parses JSON, checking it as UTF-8 once first: serde_json then reads each string without
/// checking it again, a tenth of the time of a large SBOM. Bytes that are not UTF-8 go to
/// serde_json's byte reader, whose error says where.
fn from_json<'a, T: serde::Deserialize<'a>>(bytes: &'a [u8]) -> Result<T, Problem> {
    match std::str::from_utf8(bytes) {
        Ok(text) => serde_json::from_str(text),
        Err(_) => serde_json::from_slice(bytes),
    }
    .map_err(|e| Problem::json(&e))
}

/// An SBOM read from one blob or file, with what wrapped it.
#[derive(Debug, Clone, PartialEq)]
pub struct Sbom {
    /// The document, read into the model.
    pub document: Document,
    /// The in-toto statement it was the predicate of, if any.
    pub statement: Option<Statement>,
    /// The layers it was unwrapped from, outermost first: "gzip", "dsse", "in-toto".
    pub wrappers: Vec<&'static str>,
}

/// Reads one SBOM from `bytes`. `media_type` (of the layer or file, when known) picks the
/// format where the content agrees with it; otherwise the content decides. `origin` names the
/// bytes in errors: a digest, a reference or a path.
pub fn read(bytes: &[u8], media_type: Option<&str>, origin: &str) -> Result<Sbom> {
    let mut wrappers = Vec::new();
    let mut statement = None;
    let mut owned: Vec<u8>;
    let mut bytes = bytes;
    let mut media_type = media_type.map(str::to_string);
    // Each wrapper is peeled once at most: a document is never more than compressed, signed
    // (DSSE) and stated (in-toto), in that order.
    for _ in 0..4 {
        let kind = detect::detect(bytes, media_type.as_deref())
            .map_err(|p| sbom_error(origin, "SBOM", p))?;
        match kind {
            Kind::Gzip | Kind::Zstd => {
                owned = envelope::decompress(bytes, kind)
                    .map_err(|p| sbom_error(origin, kind.name(), p))?;
                wrappers.push(kind.wrapper());
                bytes = &owned;
                media_type = None;
            }
            Kind::Dsse => {
                owned = envelope::dsse_payload(bytes).map_err(|p| sbom_error(origin, "DSSE", p))?;
                wrappers.push(kind.wrapper());
                bytes = &owned;
                media_type = None;
            }
            Kind::InToto => {
                let (stated, predicate) = envelope::statement(bytes)
                    .map_err(|p| sbom_error(origin, "in-toto statement", p))?;
                wrappers.push(kind.wrapper());
                statement = Some(stated);
                let document = parse_document(predicate.as_ref(), origin)?;
                return Ok(Sbom {
                    document,
                    statement,
                    wrappers,
                });
            }
            document => {
                let document = parse_kind(bytes, document, origin)?;
                return Ok(Sbom {
                    document,
                    statement,
                    wrappers,
                });
            }
        }
    }
    Err(sbom_error(
        origin,
        "SBOM",
        Problem::new("wrapped more than four times (compression, DSSE, in-toto); not read further"),
    ))
}

/// The predicate of a statement, which may only be a document (no further wrapping).
fn parse_document(bytes: &[u8], origin: &str) -> Result<Document> {
    let kind = detect::detect(bytes, None).map_err(|p| sbom_error(origin, "SBOM predicate", p))?;
    if kind.is_wrapper() {
        return Err(sbom_error(
            origin,
            "in-toto statement",
            Problem::at(
                "predicate",
                format!(
                    "holds a {} where an SBOM document was expected",
                    kind.name()
                ),
            ),
        ));
    }
    parse_kind(bytes, kind, origin)
}

fn parse_kind(bytes: &[u8], kind: Kind, origin: &str) -> Result<Document> {
    let parsed = match kind {
        Kind::SpdxJson => spdx::json::parse(bytes),
        Kind::SpdxYaml => spdx::yaml::parse(bytes),
        Kind::SpdxTagValue => spdx::tag_value::parse(bytes),
        Kind::Spdx3 => spdx::v3::parse(bytes),
        Kind::CyclonedxJson => cyclonedx::json::parse(bytes),
        Kind::CyclonedxXml => cyclonedx::xml::parse(bytes),
        Kind::Gzip | Kind::Zstd | Kind::Dsse | Kind::InToto => {
            unreachable!("wrappers are peeled by read")
        }
    };
    parsed.map_err(|p| sbom_error(origin, kind.name(), p))
}

/// One parser on its own, for its fuzz target.
#[cfg(fuzzing)]
pub(crate) fn parse_as(bytes: &[u8], kind: Kind) -> Result<Document> {
    parse_kind(bytes, kind, "fuzz input")
}

fn sbom_error(origin: &str, format: &str, problem: Problem) -> Error {
    Error::Sbom {
        origin: origin.to_string(),
        format: format.to_string(),
        at: problem.at,
        detail: problem.detail,
    }
}
