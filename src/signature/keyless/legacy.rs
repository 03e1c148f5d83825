//! cosign's layouts before bundles (a simple-signing or DSSE layer with its certificate, chain
//! and Rekor entry in annotations), restated as the v0.1 sigstore bundle that carries the same
//! material, so that one verifier checks both. cosign does the same when it verifies them.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use serde_json::{json, Map, Value};
use sha2::{Digest as _, Sha256};

use crate::signature::{CosignMaterial, CosignSignature, Envelope, TlogEntry};

const BUNDLE_V0_1: &str = "application/vnd.dev.sigstore.bundle+json;version=0.1";

/// A simple-signing signature: a message signature over the payload's bytes.
pub(super) fn cosign_bundle(signature: &CosignSignature) -> Result<Value, String> {
    let content = json!({
        "messageSignature": {
            "messageDigest": {
                "algorithm": "SHA2_256",
                "digest": STANDARD.encode(Sha256::digest(&signature.payload)),
            },
            "signature": STANDARD.encode(&signature.signature),
        }
    });
    bundle(&signature.material, content)
}

/// A DSSE attestation layer: the envelope, as signed.
pub(super) fn dsse_bundle(envelope: &Envelope, material: &CosignMaterial) -> Result<Value, String> {
    let signatures: Vec<Value> = envelope
        .signatures
        .iter()
        .map(|s| json!({"sig": STANDARD.encode(&s.sig), "keyid": s.keyid.clone().unwrap_or_default()}))
        .collect();
    let content = json!({
        "dsseEnvelope": {
            "payload": STANDARD.encode(&envelope.payload),
            "payloadType": envelope.payload_type,
            "signatures": signatures,
        }
    });
    bundle(material, content)
}

fn bundle(material: &CosignMaterial, content: Value) -> Result<Value, String> {
    let Some(certificate) = &material.certificate else {
        return Err("it carries no signing certificate".to_string());
    };
    let certificates: Vec<Value> = std::iter::once(certificate)
        .chain(&material.chain)
        .map(|der| json!({"rawBytes": STANDARD.encode(der)}))
        .collect();
    let mut verification = Map::new();
    verification.insert(
        "x509CertificateChain".into(),
        json!({"certificates": certificates}),
    );
    let entries = match &material.rekor {
        Some(entry) => vec![tlog_entry(entry)?],
        None => Vec::new(),
    };
    verification.insert("tlogEntries".into(), Value::Array(entries));
    if let Some(timestamp) = &material.rfc3161_timestamp {
        verification.insert(
            "timestampVerificationData".into(),
            json!({"rfc3161Timestamps": [{"signedTimestamp": STANDARD.encode(timestamp)}]}),
        );
    }
    let mut bundle = Map::new();
    bundle.insert("mediaType".into(), BUNDLE_V0_1.into());
    bundle.insert("verificationMaterial".into(), Value::Object(verification));
    if let Value::Object(content) = content {
        bundle.extend(content);
    }
    Ok(Value::Object(bundle))
}

/// cosign's Rekor annotation as a bundle's log entry; the entry's kind and version are read
/// from its body, which the log's promise covers.
fn tlog_entry(entry: &TlogEntry) -> Result<Value, String> {
    let body: Value = serde_json::from_slice(&entry.body)
        .map_err(|e| format!("its Rekor entry's body is not JSON: {e}"))?;
    let field = |name: &str| {
        body.get(name)
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| format!("its Rekor entry's body has no {name}"))
    };
    let mut out = json!({
        "logIndex": entry.log_index.to_string(),
        "logId": {"keyId": STANDARD.encode(&entry.log_id)},
        "kindVersion": {"kind": field("kind")?, "version": field("apiVersion")?},
        "integratedTime": entry.integrated_time.to_string(),
        "canonicalizedBody": STANDARD.encode(&entry.body),
    });
    if let Some(set) = &entry.signed_entry_timestamp {
        out["inclusionPromise"] = json!({"signedEntryTimestamp": STANDARD.encode(set)});
    }
    Ok(out)
}
