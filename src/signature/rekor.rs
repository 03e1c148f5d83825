//! Rekor transparency-log entries, as cosign's bundle annotation and sigstore bundles carry
//! them, in one model: where the entry sits in which log, when it was integrated, the log's
//! promise (SET) and proof of inclusion, and the entry's body.

use super::json::{self, Base64, Node};
use super::SignatureError;

/// One entry of a transparency log, as a signature carries it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlogEntry {
    /// `logIndex`: the entry's index in the whole log, across its shards.
    pub log_index: u64,
    /// The log's id: the SHA-256 of its public key (cosign writes it as hex, bundles as base64).
    pub log_id: Vec<u8>,
    /// The entry's type in the log (`hashedrekord` 0.0.1, `dsse` 0.0.1, …); bundles only.
    pub kind_version: Option<KindVersion>,
    /// When the log integrated the entry, in Unix seconds.
    pub integrated_time: i64,
    /// The log's signature over the entry (its Signed Entry Timestamp, or inclusion promise).
    pub signed_entry_timestamp: Option<Vec<u8>>,
    /// The Merkle proof that the entry is in the log; bundles from v0.2 on.
    pub inclusion_proof: Option<InclusionProof>,
    /// The entry as the log canonicalised it (JSON), which the SET covers.
    pub body: Vec<u8>,
}

impl TlogEntry {
    /// The log id in hex, as Rekor names its logs.
    pub fn log_id_hex(&self) -> String {
        hex::encode(&self.log_id)
    }
}

/// A log entry's type: its Rekor kind and that kind's schema version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KindVersion {
    /// The entry kind (`hashedrekord`, `dsse`, `intoto`).
    pub kind: String,
    /// The kind's schema version (`0.0.1`).
    pub version: String,
}

/// An RFC 6962 inclusion proof and the checkpoint (signed tree head) it leads to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InclusionProof {
    /// The entry's index in the tree the proof is for (its shard), not the log-wide index.
    pub log_index: u64,
    /// The tree's Merkle root hash at `tree_size` entries, which the checkpoint signs.
    pub root_hash: Vec<u8>,
    /// How many entries the tree held when the proof was made.
    pub tree_size: u64,
    /// Sibling hashes from the leaf up.
    pub hashes: Vec<Vec<u8>>,
    /// The signed checkpoint, a note in the transparency-dev format.
    pub checkpoint: String,
}

/// cosign's `dev.sigstore.cosign/bundle` annotation: `{"SignedEntryTimestamp": b64,
/// "Payload": {"body": b64, "integratedTime": n, "logIndex": n, "logID": hex}}`, written by Go's
/// encoding/json, so numbers are numbers.
pub(super) fn from_cosign_annotation(text: &str) -> Result<TlogEntry, SignatureError> {
    const WHAT: &str = "cosign bundle annotation";
    let value = json::parse(WHAT, text.as_bytes())?;
    let root = Node::root(WHAT, &value);
    let set = root
        .field("SignedEntryTimestamp")?
        .non_empty_bytes(Base64::Standard)?;
    let payload = root.field("Payload")?;
    let log_id_node = payload.field("logID")?;
    let log_id = hex::decode(log_id_node.non_empty_str()?)
        .map_err(|_| log_id_node.malformed("not hexadecimal"))?;
    Ok(TlogEntry {
        log_index: payload.field("logIndex")?.uint()?,
        log_id,
        kind_version: None,
        integrated_time: payload.field("integratedTime")?.int()?,
        signed_entry_timestamp: Some(set),
        inclusion_proof: None,
        body: payload.field("body")?.non_empty_bytes(Base64::Standard)?,
    })
}

/// One of a sigstore bundle's `tlogEntries`, read under protobuf-JSON rules (int64 as strings;
/// an index or time of 0 may be left out, as protojson leaves out zero values).
pub(super) fn from_bundle(entry: &Node) -> Result<TlogEntry, SignatureError> {
    let uint_or_zero = |node: &Node, key: &str| -> Result<u64, SignatureError> {
        node.get(key)?.map_or(Ok(0), |n| n.uint())
    };
    let kind_version = entry.field("kindVersion")?;
    let inclusion_proof = match entry.get("inclusionProof")? {
        Some(proof) => Some(InclusionProof {
            log_index: uint_or_zero(&proof, "logIndex")?,
            root_hash: proof.field("rootHash")?.non_empty_bytes(Base64::Either)?,
            tree_size: proof.field("treeSize")?.uint()?,
            hashes: match proof.get("hashes")? {
                Some(hashes) => hashes
                    .items()?
                    .iter()
                    .map(|h| h.non_empty_bytes(Base64::Either))
                    .collect::<Result<_, _>>()?,
                None => Vec::new(),
            },
            checkpoint: proof
                .field("checkpoint")?
                .field("envelope")?
                .non_empty_str()?
                .to_string(),
        }),
        None => None,
    };
    let signed_entry_timestamp = match entry.get("inclusionPromise")? {
        Some(promise) => Some(
            promise
                .field("signedEntryTimestamp")?
                .non_empty_bytes(Base64::Either)?,
        ),
        None => None,
    };
    Ok(TlogEntry {
        log_index: uint_or_zero(entry, "logIndex")?,
        log_id: entry
            .field("logId")?
            .field("keyId")?
            .non_empty_bytes(Base64::Either)?,
        kind_version: Some(KindVersion {
            kind: kind_version.field("kind")?.non_empty_str()?.to_string(),
            version: kind_version.field("version")?.non_empty_str()?.to_string(),
        }),
        integrated_time: entry.get("integratedTime")?.map_or(Ok(0), |n| n.int())?,
        signed_entry_timestamp,
        inclusion_proof,
        body: entry
            .field("canonicalizedBody")?
            .non_empty_bytes(Base64::Either)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn annotation(integrated_time: serde_json::Value) -> String {
        json!({
            "SignedEntryTimestamp": "c2V0",
            "Payload": {
                "body": "Ym9keQ==",
                "integratedTime": integrated_time,
                "logIndex": 42,
                "logID": "c0d23d6ad406973f9559f3ba2d1ca01f84147d8ffc5b8445c224f98b9591801d"
            }
        })
        .to_string()
    }

    #[test]
    fn cosign_annotation_fields() {
        let entry = from_cosign_annotation(&annotation(json!(1_700_000_000))).unwrap();
        assert_eq!(entry.signed_entry_timestamp.as_deref(), Some(&b"set"[..]));
        assert_eq!(entry.body, b"body");
        assert_eq!(entry.integrated_time, 1_700_000_000);
        assert_eq!(entry.log_index, 42);
        assert_eq!(
            entry.log_id_hex(),
            "c0d23d6ad406973f9559f3ba2d1ca01f84147d8ffc5b8445c224f98b9591801d"
        );
        assert_eq!(entry.kind_version, None);
    }

    #[test]
    fn cosign_annotation_numbers_must_be_numbers() {
        let e = from_cosign_annotation(&annotation(json!("1700000000"))).unwrap_err();
        assert_eq!(
            e.to_string(),
            "cosign bundle annotation: Payload.integratedTime: expected a number, found a string"
        );
    }

    #[test]
    fn cosign_annotation_errors_name_the_field() {
        let cases = [
            (r#"{"Payload":{}}"#, "SignedEntryTimestamp", "missing"),
            (r#"{"SignedEntryTimestamp":"c2V0"}"#, "Payload", "missing"),
            (
                r#"{"SignedEntryTimestamp":"c2V0","Payload":{"logID":"zz"}}"#,
                "Payload.logID",
                "not hexadecimal",
            ),
            (
                r#"{"SignedEntryTimestamp":"%%","Payload":{}}"#,
                "SignedEntryTimestamp",
                "not base64",
            ),
            (
                r#"{"SignedEntryTimestamp":"c2V0","Payload":{"logID":"00","logIndex":-1}}"#,
                "Payload.logIndex",
                "-1 is negative",
            ),
        ];
        for (text, at, detail) in cases {
            match from_cosign_annotation(text).unwrap_err() {
                SignatureError::Malformed {
                    what,
                    at: a,
                    detail: d,
                } => {
                    assert_eq!(
                        (what, a.as_str(), d.as_str()),
                        ("cosign bundle annotation", at, detail)
                    );
                }
                e => panic!("{text}: {e:?}"),
            }
        }
        assert!(matches!(
            from_cosign_annotation("not json").unwrap_err(),
            SignatureError::Malformed { at, .. } if at.starts_with("line 1, column ")
        ));
    }

    fn bundle_entry() -> serde_json::Value {
        json!({
            "logIndex": "25579",
            "logId": {"keyId": "wNI9atQGlz+VWfO6LRygH4QUfY/8W4RFwiT5i5WRgB0="},
            "kindVersion": {"kind": "hashedrekord", "version": "0.0.1"},
            "integratedTime": "1677696455",
            "inclusionPromise": {"signedEntryTimestamp": "c2V0"},
            "inclusionProof": {
                "logIndex": "25578",
                "rootHash": "cm9vdA==",
                "treeSize": "25580",
                "hashes": ["aDE=", "aDI="],
                "checkpoint": {"envelope": "rekor.sigstore.dev - 2605736670972794746\n25580\n"}
            },
            "canonicalizedBody": "Ym9keQ=="
        })
    }

    #[test]
    fn bundle_entry_fields_with_int64_as_strings() {
        let value = bundle_entry();
        let entry = from_bundle(&Node::root("sigstore bundle", &value).proto()).unwrap();
        assert_eq!(entry.log_index, 25579);
        assert_eq!(
            entry.log_id_hex(),
            "c0d23d6ad406973f9559f3ba2d1ca01f84147d8ffc5b8445c224f98b9591801d"
        );
        let kv = entry.kind_version.as_ref().unwrap();
        assert_eq!(
            (kv.kind.as_str(), kv.version.as_str()),
            ("hashedrekord", "0.0.1")
        );
        assert_eq!(entry.integrated_time, 1_677_696_455);
        assert_eq!(entry.signed_entry_timestamp.as_deref(), Some(&b"set"[..]));
        let proof = entry.inclusion_proof.as_ref().unwrap();
        assert_eq!((proof.log_index, proof.tree_size), (25578, 25580));
        assert_eq!(proof.root_hash, b"root");
        assert_eq!(proof.hashes, vec![b"h1".to_vec(), b"h2".to_vec()]);
        assert!(proof.checkpoint.starts_with("rekor.sigstore.dev"));
        assert_eq!(entry.body, b"body");
    }

    #[test]
    fn bundle_entry_numbers_as_numbers_and_zero_left_out() {
        let mut value = bundle_entry();
        value["integratedTime"] = json!(1_677_696_455);
        value.as_object_mut().unwrap().remove("logIndex");
        value.as_object_mut().unwrap().remove("inclusionPromise");
        let entry = from_bundle(&Node::root("sigstore bundle", &value).proto()).unwrap();
        assert_eq!(entry.integrated_time, 1_677_696_455);
        assert_eq!(entry.log_index, 0);
        assert_eq!(entry.signed_entry_timestamp, None);
    }

    #[test]
    fn bundle_entry_errors_name_the_field() {
        let mut value = bundle_entry();
        value["inclusionProof"]["treeSize"] = json!("lots");
        let e = from_bundle(&Node::root("sigstore bundle", &value).proto()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "sigstore bundle: inclusionProof.treeSize: expected an integer (a number or a decimal string), found a string"
        );
        let mut value = bundle_entry();
        value["inclusionProof"]["hashes"][1] = json!(7);
        let e = from_bundle(&Node::root("sigstore bundle", &value).proto()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "sigstore bundle: inclusionProof.hashes[1]: expected a string, found a number"
        );
        let mut value = bundle_entry();
        value.as_object_mut().unwrap().remove("kindVersion");
        let e = from_bundle(&Node::root("sigstore bundle", &value).proto()).unwrap_err();
        assert_eq!(e.to_string(), "sigstore bundle: kindVersion: missing");
    }
}
