//! in-toto Statements (v0.1 and v1), the payload of attestations: which artifacts (subjects)
//! a predicate speaks about, the predicate's type, and the predicate itself kept as raw JSON
//! for whoever reads that type (provenance, SBOMs, vulnerability reports).

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;

use super::json::{self, Node};
use super::SignatureError;
use crate::Digest;

/// The DSSE payloadType of an in-toto statement.
pub const IN_TOTO_PAYLOAD_TYPE: &str = "application/vnd.in-toto+json";

const STATEMENT_V0_1: &str = "https://in-toto.io/Statement/v0.1";
const STATEMENT_V1: &str = "https://in-toto.io/Statement/v1";

/// The in-toto Statement version a statement's `_type` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatementVersion {
    /// `https://in-toto.io/Statement/v0.1`.
    V0_1,
    /// `https://in-toto.io/Statement/v1`.
    V1,
}

impl StatementVersion {
    /// The statement's `_type`.
    pub fn type_uri(self) -> &'static str {
        match self {
            StatementVersion::V0_1 => STATEMENT_V0_1,
            StatementVersion::V1 => STATEMENT_V1,
        }
    }
}

/// An in-toto Statement, an attestation's payload: the artifacts it is about and a typed
/// predicate saying something about them.
#[derive(Debug, Clone)]
pub struct Statement {
    /// The Statement version its `_type` names.
    pub version: StatementVersion,
    /// `subject`: the artifacts the predicate speaks about, each named by its digests.
    pub subjects: Vec<Subject>,
    /// `predicateType`: a URI naming what the predicate is (`https://slsa.dev/provenance/v1`).
    pub predicate_type: String,
    /// The predicate, exactly as written; `None` where the statement has none (v1 allows it).
    pub predicate: Option<Box<RawValue>>,
}

/// An artifact the statement is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    /// May be empty: v1 allows a subject named by its digest alone.
    pub name: String,
    /// Algorithm -> hex, as in-toto writes it (`{"sha256": "…"}`).
    pub digest: BTreeMap<String, String>,
}

impl Subject {
    /// The subject's digest as an OCI digest (sha256, else sha512), if it has one that parses.
    pub fn oci_digest(&self) -> Option<Digest> {
        ["sha256", "sha512"].iter().find_map(|alg| {
            let hex = self.digest.get(*alg)?;
            format!("{alg}:{hex}").parse().ok()
        })
    }
}

/// Reads a statement from a DSSE payload. The predicate is borrowed out as raw JSON, never
/// built into a tree: it may be an SBOM of megabytes.
pub(super) fn decode_statement(bytes: &[u8]) -> Result<Statement, SignatureError> {
    const WHAT: &str = "in-toto statement";
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Raw {
        #[serde(rename = "_type")]
        kind: Option<Value>,
        subject: Option<Value>,
        predicate_type: Option<Value>,
        predicate: Option<Box<RawValue>>,
    }
    let raw: Raw = serde_json::from_slice(bytes).map_err(|e| json::syntax_error(WHAT, &e))?;
    let missing = |at: &str| SignatureError::Malformed {
        what: WHAT,
        at: at.to_string(),
        detail: "missing".to_string(),
    };

    let kind = raw.kind.ok_or_else(|| missing("_type"))?;
    let kind_node = Node::root(WHAT, &kind);
    let version = match kind_node.str()? {
        STATEMENT_V0_1 => StatementVersion::V0_1,
        STATEMENT_V1 => StatementVersion::V1,
        other => {
            return Err(SignatureError::Unsupported {
                what: WHAT,
                at: "_type".to_string(),
                detail: format!("{other} where {STATEMENT_V0_1} or {STATEMENT_V1} was expected"),
            })
        }
    };

    let predicate_type = raw.predicate_type.ok_or_else(|| missing("predicateType"))?;
    let predicate_type = Node::at(WHAT, "predicateType", &predicate_type)
        .non_empty_str()?
        .to_string();

    let subject = raw.subject.ok_or_else(|| missing("subject"))?;
    let subjects = Node::at(WHAT, "subject", &subject)
        .items()?
        .iter()
        .map(read_subject)
        .collect::<Result<_, _>>()?;

    Ok(Statement {
        version,
        subjects,
        predicate_type,
        predicate: raw.predicate,
    })
}

fn read_subject(node: &Node) -> Result<Subject, SignatureError> {
    let name = match node.get("name")? {
        Some(name) => name.str()?.to_string(),
        None => String::new(),
    };
    let digest_node = node.field("digest")?;
    let digest = digest_node
        .object()?
        .iter()
        .map(|(alg, _)| {
            let hex = digest_node.field(alg)?.non_empty_str()?;
            Ok((alg.clone(), hex.to_string()))
        })
        .collect::<Result<BTreeMap<_, _>, SignatureError>>()?;
    if digest.is_empty() {
        return Err(digest_node.malformed("no digest"));
    }
    Ok(Subject { name, digest })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHA: &str = "a172cedcae47474b615c54d510a5d84a8dea3032e958587430b413538be3f333";

    fn statement(kind: &str) -> String {
        format!(
            r#"{{"_type":"{kind}","subject":[{{"name":"app","digest":{{"sha256":"{SHA}"}}}},{{"digest":{{"gitCommit":"abc"}}}}],"predicateType":"https://slsa.dev/provenance/v1","predicate":{{"a": [1, 2]}}}}"#
        )
    }

    #[test]
    fn both_versions_decode_with_subjects_and_raw_predicate() {
        for (uri, version) in [
            (STATEMENT_V0_1, StatementVersion::V0_1),
            (STATEMENT_V1, StatementVersion::V1),
        ] {
            let s = decode_statement(statement(uri).as_bytes()).unwrap();
            assert_eq!(s.version, version);
            assert_eq!(s.version.type_uri(), uri);
            assert_eq!(s.predicate_type, "https://slsa.dev/provenance/v1");
            assert_eq!(s.predicate.as_ref().unwrap().get(), r#"{"a": [1, 2]}"#);
            assert_eq!(s.subjects.len(), 2);
            assert_eq!(s.subjects[0].name, "app");
            assert_eq!(s.subjects[0].digest["sha256"], SHA);
            assert_eq!(s.subjects[0].oci_digest().unwrap().hex(), SHA);
            assert_eq!(s.subjects[1].name, "");
            assert_eq!(s.subjects[1].oci_digest(), None);
        }
    }

    #[test]
    fn a_statement_without_predicate() {
        let text = format!(
            r#"{{"_type":"{STATEMENT_V1}","subject":[],"predicateType":"https://example/p"}}"#
        );
        let s = decode_statement(text.as_bytes()).unwrap();
        assert!(s.predicate.is_none());
        assert!(s.subjects.is_empty());
    }

    fn error_of(text: &str) -> SignatureError {
        decode_statement(text.as_bytes()).unwrap_err()
    }

    #[test]
    fn malformed_statements_say_where() {
        let good = statement(STATEMENT_V1);
        let cases = [
            (
                good.replace(r#""_type":"https://in-toto.io/Statement/v1","#, ""),
                "_type",
                "missing",
            ),
            (
                good.replace(r#""predicateType":"https://slsa.dev/provenance/v1","#, ""),
                "predicateType",
                "missing",
            ),
            (
                good.replace(r#""https://slsa.dev/provenance/v1""#, "3"),
                "predicateType",
                "expected a string, found a number",
            ),
            (
                good.replace(r#""name":"app""#, r#""name":5"#),
                "subject[0].name",
                "expected a string, found a number",
            ),
            (
                good.replace(r#"{"gitCommit":"abc"}"#, "{}"),
                "subject[1].digest",
                "no digest",
            ),
            (
                good.replace(r#"{"gitCommit":"abc"}"#, r#"{"sha256":null}"#),
                "subject[1].digest.sha256",
                "expected a string, found null",
            ),
            (
                good.replace(r#""subject":["#, r#""subject":{"x":["#)
                    .replace(r#"],"predicateType""#, r#"]},"predicateType""#),
                "subject",
                "expected an array, found an object",
            ),
        ];
        for (text, at, detail) in cases {
            assert_eq!(
                error_of(&text),
                SignatureError::Malformed {
                    what: "in-toto statement",
                    at: at.to_string(),
                    detail: detail.to_string()
                },
                "{text}"
            );
        }
    }

    #[test]
    fn unknown_statement_types_are_unsupported() {
        let e = error_of(&statement("https://in-toto.io/Statement/v2"));
        assert!(
            matches!(&e, SignatureError::Unsupported { at, .. } if at == "_type"),
            "{e:?}"
        );
    }

    #[test]
    fn broken_json_names_line_and_column() {
        let e = error_of("{\"_type\": }");
        assert!(
            matches!(&e, SignatureError::Malformed { at, .. } if at == "line 1, column 11"),
            "{e:?}"
        );
        let e = error_of("[]");
        assert!(
            matches!(&e, SignatureError::Malformed { at, .. } if at.starts_with("line 1")),
            "{e:?}"
        );
    }
}
