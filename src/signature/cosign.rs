//! cosign's own layers: the simple-signing payload (`.sig` tags and their referrers) and the
//! annotations cosign puts beside any layer it signs — the signature, the signing certificate
//! and chain, the Rekor entry and the RFC 3161 timestamp.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::json::{self, Base64, Node};
use super::{pem, rekor, SignatureError, TlogEntry};
use crate::Digest;

/// The signature over the layer's bytes, standard base64 (of DER for ECDSA keys).
pub const SIGNATURE_ANNOTATION: &str = "dev.cosignproject.cosign/signature";
/// The signing certificate, PEM (keyless signing).
pub const CERTIFICATE_ANNOTATION: &str = "dev.sigstore.cosign/certificate";
/// The certificate's chain up to the root, concatenated PEM.
pub const CHAIN_ANNOTATION: &str = "dev.sigstore.cosign/chain";
/// The Rekor entry: its Signed Entry Timestamp and payload, JSON.
pub const BUNDLE_ANNOTATION: &str = "dev.sigstore.cosign/bundle";
/// A timestamp authority's RFC 3161 response over the signature, JSON.
pub const RFC3161_TIMESTAMP_ANNOTATION: &str = "dev.sigstore.cosign/rfc3161timestamp";

/// A cosign signature: the simple-signing payload and what the layer's annotations carry.
#[derive(Debug, Clone, PartialEq)]
pub struct CosignSignature {
    /// The layer's bytes exactly as served: what the signature covers.
    pub payload: Vec<u8>,
    /// What the payload states.
    pub simple_signing: SimpleSigning,
    /// The decoded signature (DER for ECDSA, raw for Ed25519 and RSA).
    pub signature: Vec<u8>,
    /// The certificate, chain, Rekor entry and timestamp the layer's annotations carry.
    pub material: CosignMaterial,
}

/// The simple-signing payload (`critical` is what cosign checks; `optional` is free-form).
#[derive(Debug, Clone, PartialEq)]
pub struct SimpleSigning {
    /// `critical.image.docker-manifest-digest`: the manifest this signature is for.
    pub signed_digest: Digest,
    /// `critical.identity.docker-reference`: the repository it was signed as.
    pub docker_reference: String,
    /// `critical.type`, "cosign container image signature" when cosign wrote it.
    pub kind: String,
    /// `optional`: annotations given at signing (`-a key=value`), any JSON.
    pub optional: Map<String, Value>,
}

/// The key material and log evidence cosign attaches to a layer as annotations; empty where
/// a key (not a certificate) signed and nothing was logged.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CosignMaterial {
    /// The signing certificate, DER.
    pub certificate: Option<Vec<u8>>,
    /// Its chain, DER, intermediate first.
    pub chain: Vec<Vec<u8>>,
    /// The Rekor entry of the bundle annotation: its SET and body, without an inclusion proof.
    pub rekor: Option<TlogEntry>,
    /// The RFC 3161 timestamp response, DER.
    pub rfc3161_timestamp: Option<Vec<u8>>,
}

impl CosignMaterial {
    /// Reads cosign's annotations of a layer; an annotation absent or empty carries nothing.
    pub(super) fn from_annotations(
        annotations: &BTreeMap<String, String>,
    ) -> Result<CosignMaterial, SignatureError> {
        let present = |key: &str| annotations.get(key).filter(|v| !v.trim().is_empty());
        let certificate = match present(CERTIFICATE_ANNOTATION) {
            Some(text) => {
                const WHAT: &str = "cosign certificate annotation";
                let mut ders = pem::blocks(text, "CERTIFICATE", WHAT)?;
                if ders.len() != 1 {
                    return Err(SignatureError::Malformed {
                        what: WHAT,
                        at: String::new(),
                        detail: format!("{} certificates where one was expected", ders.len()),
                    });
                }
                ders.pop()
            }
            None => None,
        };
        let chain = match present(CHAIN_ANNOTATION) {
            Some(text) => pem::blocks(text, "CERTIFICATE", "cosign chain annotation")?,
            None => Vec::new(),
        };
        let rekor = present(BUNDLE_ANNOTATION)
            .map(|text| rekor::from_cosign_annotation(text))
            .transpose()?;
        let rfc3161_timestamp = present(RFC3161_TIMESTAMP_ANNOTATION)
            .map(|text| rfc3161_timestamp(text))
            .transpose()?;
        Ok(CosignMaterial {
            certificate,
            chain,
            rekor,
            rfc3161_timestamp,
        })
    }
}

/// `{"SignedRFC3161Timestamp": b64}`, as cosign's Go struct marshals it.
fn rfc3161_timestamp(text: &str) -> Result<Vec<u8>, SignatureError> {
    const WHAT: &str = "cosign RFC 3161 timestamp annotation";
    let value = json::parse(WHAT, text.as_bytes())?;
    Node::root(WHAT, &value)
        .field("SignedRFC3161Timestamp")?
        .non_empty_bytes(Base64::Standard)
}

/// A simple-signing layer and its annotations.
pub(super) fn decode_simple_signing(
    annotations: &BTreeMap<String, String>,
    bytes: &[u8],
) -> Result<CosignSignature, SignatureError> {
    let signature = match annotations.get(SIGNATURE_ANNOTATION) {
        None => return Err(annotation_error("missing")),
        Some(text) if text.is_empty() => return Err(annotation_error("empty")),
        Some(text) => Base64::Standard
            .decode(text)
            .ok_or_else(|| annotation_error("not base64"))?,
    };
    Ok(CosignSignature {
        payload: bytes.to_vec(),
        simple_signing: simple_signing(bytes)?,
        signature,
        material: CosignMaterial::from_annotations(annotations)?,
    })
}

fn annotation_error(detail: &str) -> SignatureError {
    SignatureError::Malformed {
        what: "cosign signature layer",
        at: format!("annotations[{SIGNATURE_ANNOTATION}]"),
        detail: detail.to_string(),
    }
}

fn simple_signing(bytes: &[u8]) -> Result<SimpleSigning, SignatureError> {
    const WHAT: &str = "cosign simple-signing payload";
    let value = json::parse(WHAT, bytes)?;
    let root = Node::root(WHAT, &value);
    let critical = root.field("critical")?;
    let digest_node = critical.field("image")?.field("docker-manifest-digest")?;
    let signed_digest = digest_node
        .str()?
        .parse::<Digest>()
        .map_err(|e| digest_node.malformed(e.to_string()))?;
    let optional = match root.get("optional")? {
        Some(node) if node.value().is_null() => Map::new(),
        Some(node) => node.object()?.clone(),
        None => Map::new(),
    };
    Ok(SimpleSigning {
        signed_digest,
        docker_reference: critical
            .field("identity")?
            .field("docker-reference")?
            .str()?
            .to_string(),
        kind: critical.field("type")?.str()?.to_string(),
        optional,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const DIGEST: &str = "sha256:89dde3d86009a3c5f5a37e2b5d5bf7c4d1e1cfd8c7d6cf5a8d7b0c2f3f7e7d1a";

    fn payload() -> String {
        format!(
            r#"{{"critical":{{"identity":{{"docker-reference":"registry.example/app"}},"image":{{"docker-manifest-digest":"{DIGEST}"}},"type":"cosign container image signature"}},"optional":{{"creator":"ci","n":1}}}}"#
        )
    }

    fn annotations(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    const CERT: &str = "-----BEGIN CERTIFICATE-----\nMAIFAA==\n-----END CERTIFICATE-----\n";

    #[test]
    fn a_keyed_signature() {
        let bytes = payload();
        let sig = decode_simple_signing(
            &annotations(&[(SIGNATURE_ANNOTATION, "MEUCIQ==")]),
            bytes.as_bytes(),
        )
        .unwrap();
        assert_eq!(sig.payload, bytes.as_bytes());
        assert_eq!(sig.signature, [0x30, 0x45, 0x02, 0x21]);
        let s = &sig.simple_signing;
        assert_eq!(s.signed_digest.to_string(), DIGEST);
        assert_eq!(s.docker_reference, "registry.example/app");
        assert_eq!(s.kind, "cosign container image signature");
        assert_eq!(s.optional["creator"], "ci");
        assert_eq!(s.optional["n"], 1);
        assert_eq!(sig.material, CosignMaterial::default());
    }

    #[test]
    fn a_keyless_signature_with_certificate_chain_rekor_and_timestamp() {
        let chain = format!("{CERT}{}", CERT.replace("MAIFAA==", "MAMCAQE="));
        let bundle = r#"{"SignedEntryTimestamp":"c2V0","Payload":{"body":"Ym9keQ==","integratedTime":1700000000,"logIndex":7,"logID":"abcd"}}"#;
        let bytes = payload();
        let sig = decode_simple_signing(
            &annotations(&[
                (SIGNATURE_ANNOTATION, "MEUCIQ=="),
                (CERTIFICATE_ANNOTATION, CERT),
                (CHAIN_ANNOTATION, &chain),
                (BUNDLE_ANNOTATION, bundle),
                (
                    RFC3161_TIMESTAMP_ANNOTATION,
                    r#"{"SignedRFC3161Timestamp":"MAA="}"#,
                ),
            ]),
            bytes.as_bytes(),
        )
        .unwrap();
        let m = &sig.material;
        assert_eq!(m.certificate.as_deref(), Some(&[0x30, 2, 5, 0][..]));
        assert_eq!(m.chain.len(), 2);
        assert_eq!(m.chain[1], [0x30, 3, 2, 1, 1]);
        let rekor = m.rekor.as_ref().unwrap();
        assert_eq!((rekor.log_index, rekor.integrated_time), (7, 1_700_000_000));
        assert_eq!(rekor.log_id, [0xab, 0xcd]);
        assert_eq!(m.rfc3161_timestamp.as_deref(), Some(&[0x30, 0][..]));
    }

    #[test]
    fn optional_may_be_null_or_absent() {
        let bytes = payload().replace(r#"{"creator":"ci","n":1}"#, "null");
        let sig = decode_simple_signing(
            &annotations(&[(SIGNATURE_ANNOTATION, "MA==")]),
            bytes.as_bytes(),
        )
        .unwrap();
        assert!(sig.simple_signing.optional.is_empty());
    }

    fn malformed(e: SignatureError) -> (&'static str, String, String) {
        match e {
            SignatureError::Malformed { what, at, detail } => (what, at, detail),
            e => panic!("{e:?}"),
        }
    }

    #[test]
    fn the_signature_annotation_is_required_and_base64() {
        let bytes = payload();
        for (value, detail) in [
            (None, "missing"),
            (Some(""), "empty"),
            (Some("**"), "not base64"),
        ] {
            let a = match value {
                Some(v) => annotations(&[(SIGNATURE_ANNOTATION, v)]),
                None => BTreeMap::new(),
            };
            let (what, at, d) = malformed(decode_simple_signing(&a, bytes.as_bytes()).unwrap_err());
            assert_eq!(what, "cosign signature layer");
            assert_eq!(at, "annotations[dev.cosignproject.cosign/signature]");
            assert_eq!(d, detail);
        }
    }

    #[test]
    fn payload_errors_name_the_field() {
        let sig = annotations(&[(SIGNATURE_ANNOTATION, "MA==")]);
        let cases = [
            (
                payload().replace(DIGEST, "sha256:abc"),
                "critical.image.docker-manifest-digest",
            ),
            (
                payload().replace(
                    r#""type":"cosign container image signature""#,
                    r#""type":1"#,
                ),
                "critical.type",
            ),
            (
                payload().replace(
                    r#""identity":{"docker-reference":"registry.example/app"},"#,
                    "",
                ),
                "critical.identity",
            ),
            (
                payload().replace(r#"{"creator":"ci","n":1}"#, "[]"),
                "optional",
            ),
            ("[]".to_string(), ""),
        ];
        for (bytes, at) in cases {
            let (what, a, _) =
                malformed(decode_simple_signing(&sig, bytes.as_bytes()).unwrap_err());
            assert_eq!(
                (what, a.as_str()),
                ("cosign simple-signing payload", at),
                "{bytes}"
            );
        }
        let (_, at, detail) = malformed(decode_simple_signing(&sig, b"{").unwrap_err());
        assert_eq!(at, "line 1, column 1");
        assert!(detail.starts_with("not JSON"));
    }

    #[test]
    fn annotation_errors_name_the_annotation() {
        let bytes = payload();
        let two = format!("{CERT}{CERT}");
        let cases = [
            (
                CERTIFICATE_ANNOTATION,
                two.as_str(),
                "cosign certificate annotation",
            ),
            (CHAIN_ANNOTATION, "junk", "cosign chain annotation"),
            (BUNDLE_ANNOTATION, "{}", "cosign bundle annotation"),
            (
                RFC3161_TIMESTAMP_ANNOTATION,
                r#"{"SignedRFC3161Timestamp":5}"#,
                "cosign RFC 3161 timestamp annotation",
            ),
        ];
        for (key, value, expected) in cases {
            let a = annotations(&[(SIGNATURE_ANNOTATION, "MA=="), (key, value)]);
            let (what, _, _) = malformed(decode_simple_signing(&a, bytes.as_bytes()).unwrap_err());
            assert_eq!(what, expected);
        }
    }
}
