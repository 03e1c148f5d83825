//! DSSE envelopes (Dead Simple Signing Envelope): a typed payload and signatures over its
//! pre-authentication encoding ([`pae`]). cosign's `.att` layers, in-toto attestations and
//! sigstore bundles' `dsseEnvelope` all carry one; an in-toto payload is decoded as a
//! [`Statement`].
//!
//! src/sbom/envelope.rs also opens DSSE, to reach an SBOM inside; this keeps the signatures.

use std::collections::BTreeMap;

use super::cosign::CosignMaterial;
use super::intoto::{decode_statement, Statement, IN_TOTO_PAYLOAD_TYPE};
use super::json::{self, Base64, Node};
use super::SignatureError;

/// A DSSE envelope: a payload, its type, and signatures over both (their [`pae`]).
#[derive(Debug, Clone)]
pub struct Envelope {
    /// `payloadType`: what the payload is (`application/vnd.in-toto+json` for attestations).
    pub payload_type: String,
    /// The payload, decoded from base64.
    pub payload: Vec<u8>,
    /// The envelope's signatures, each over the same PAE; may be empty.
    pub signatures: Vec<DsseSignature>,
    /// The payload read as an in-toto statement, when `payload_type` says it is one.
    pub statement: Option<Statement>,
}

impl Envelope {
    /// The bytes every signature of the envelope covers.
    pub fn signed_bytes(&self) -> Vec<u8> {
        pae(&self.payload_type, &self.payload)
    }
}

/// One signature of a DSSE envelope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DsseSignature {
    /// A hint at the key that signed, unauthenticated; `None` where absent or empty.
    pub keyid: Option<String>,
    /// `sig`, base64-decoded: the signature over the envelope's PAE (DER for ECDSA).
    pub sig: Vec<u8>,
}

/// A DSSE layer, with cosign's annotations when cosign attached it (keyless attestations
/// carry their certificate and Rekor entry there; the signature annotation is left empty).
#[derive(Debug, Clone)]
pub struct DsseLayer {
    /// The envelope the layer's bytes hold.
    pub envelope: Envelope,
    /// cosign's annotations of the layer; empty where there are none.
    pub cosign: CosignMaterial,
}

/// DSSE's pre-authentication encoding, what a signature covers:
/// `"DSSEv1" SP LEN(type) SP type SP LEN(payload) SP payload`, lengths in ASCII decimal bytes.
pub fn pae(payload_type: &str, payload: &[u8]) -> Vec<u8> {
    let head = format!(
        "DSSEv1 {} {payload_type} {} ",
        payload_type.len(),
        payload.len()
    );
    let mut out = Vec::with_capacity(head.len() + payload.len());
    out.extend_from_slice(head.as_bytes());
    out.extend_from_slice(payload);
    out
}

/// A layer whose bytes are a DSSE envelope in JSON.
pub(super) fn decode_layer(
    annotations: &BTreeMap<String, String>,
    bytes: &[u8],
) -> Result<DsseLayer, SignatureError> {
    const WHAT: &str = "DSSE envelope";
    let value = json::parse(WHAT, bytes)?;
    Ok(DsseLayer {
        envelope: envelope_from(&Node::root(WHAT, &value))?,
        cosign: CosignMaterial::from_annotations(annotations)?,
    })
}

/// An envelope at `node`: a layer's whole document, or a sigstore bundle's `dsseEnvelope`.
pub(super) fn envelope_from(node: &Node) -> Result<Envelope, SignatureError> {
    let payload_type = node.field("payloadType")?.non_empty_str()?.to_string();
    let payload = node.field("payload")?.bytes(Base64::Either)?;
    let signatures = node
        .field("signatures")?
        .items()?
        .iter()
        .map(|s| {
            let keyid = match s.get("keyid")? {
                Some(k) => Some(k.str()?.to_string()).filter(|k| !k.is_empty()),
                None => None,
            };
            let sig = s.field("sig")?.non_empty_bytes(Base64::Either)?;
            Ok(DsseSignature { keyid, sig })
        })
        .collect::<Result<_, SignatureError>>()?;
    let statement = if payload_type.eq_ignore_ascii_case(IN_TOTO_PAYLOAD_TYPE) {
        Some(decode_statement(&payload)?)
    } else {
        None
    };
    Ok(Envelope {
        payload_type,
        payload,
        signatures,
        statement,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signature::{decode, media_type, pem_blocks, Signed, SIGNATURE_ANNOTATION};
    use base64::Engine;

    const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

    fn layer(text: &str) -> Result<DsseLayer, SignatureError> {
        decode_layer(&BTreeMap::new(), text.as_bytes())
    }

    #[test]
    fn pae_follows_the_spec_example() {
        // The DSSE spec's worked example (protocol.md).
        assert_eq!(
            pae("http://example.com/HelloWorld", b"hello world"),
            b"DSSEv1 29 http://example.com/HelloWorld 11 hello world"
        );
        assert_eq!(pae("", b""), b"DSSEv1 0  0 ");
        // Lengths count bytes, not characters.
        assert_eq!(pae("t", "é".as_bytes()), "DSSEv1 1 t 2 é".as_bytes());
    }

    #[test]
    fn an_envelope_with_an_opaque_payload() {
        let e = layer(
            r#"{"payloadType":"text/plain","payload":"aGk=","signatures":[{"keyid":"k1","sig":"AQI="},{"keyid":"","sig":"Aw"}]}"#,
        )
        .unwrap()
        .envelope;
        assert_eq!(e.payload_type, "text/plain");
        assert_eq!(e.payload, b"hi");
        assert!(e.statement.is_none());
        assert_eq!(
            e.signatures,
            vec![
                DsseSignature {
                    keyid: Some("k1".into()),
                    sig: vec![1, 2]
                },
                DsseSignature {
                    keyid: None,
                    sig: vec![3]
                },
            ]
        );
        assert_eq!(e.signed_bytes(), b"DSSEv1 10 text/plain 2 hi");
    }

    #[test]
    fn malformed_envelopes_say_where() {
        let cases = [
            (
                r#"{"payload":"","signatures":[]}"#,
                "payloadType",
                "missing",
            ),
            (
                r#"{"payloadType":"t","payload":"*","signatures":[]}"#,
                "payload",
                "not base64",
            ),
            (
                r#"{"payloadType":"t","payload":"","signatures":{}}"#,
                "signatures",
                "expected an array, found an object",
            ),
            (
                r#"{"payloadType":"t","payload":"","signatures":[{"keyid":"k"}]}"#,
                "signatures[0].sig",
                "missing",
            ),
            (
                r#"{"payloadType":"t","payload":"","signatures":[{"sig":""}]}"#,
                "signatures[0].sig",
                "empty",
            ),
            (
                r#"{"payloadType":"t","payload":"","signatures":[{"sig":"AQ==","keyid":1}]}"#,
                "signatures[0].keyid",
                "expected a string, found a number",
            ),
            ("[]", "", "expected an object, found an array"),
        ];
        for (text, at, detail) in cases {
            let e = layer(text).unwrap_err();
            assert_eq!(
                e,
                SignatureError::Malformed {
                    what: "DSSE envelope",
                    at: at.to_string(),
                    detail: detail.to_string()
                },
                "{text}"
            );
        }
    }

    #[test]
    fn a_broken_in_toto_payload_is_named_as_the_statement() {
        let payload = B64.encode(br#"{"_type":"https://in-toto.io/Statement/v1"}"#);
        let text = format!(
            r#"{{"payloadType":"application/vnd.in-toto+json","payload":"{payload}","signatures":[]}}"#
        );
        let e = layer(&text).unwrap_err();
        assert_eq!(e.to_string(), "in-toto statement: predicateType: missing");
    }

    #[test]
    fn cosign_annotations_on_an_attestation_layer() {
        let mut annotations = BTreeMap::new();
        annotations.insert(SIGNATURE_ANNOTATION.to_string(), String::new());
        annotations.insert(
            crate::signature::CERTIFICATE_ANNOTATION.to_string(),
            "-----BEGIN CERTIFICATE-----\nMAIFAA==\n-----END CERTIFICATE-----\n".to_string(),
        );
        let text = r#"{"payloadType":"t","payload":"","signatures":[{"sig":"AQ=="}]}"#;
        let layer = decode_layer(&annotations, text.as_bytes()).unwrap();
        assert_eq!(
            layer.cosign.certificate.as_deref(),
            Some(&[0x30, 2, 5, 0][..])
        );
    }

    /// tests/fixtures/signature/provenance.dsse.json, made by securesystemslib (README.md there).
    #[test]
    fn the_securesystemslib_provenance_fixture() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/signature");
        let bytes = std::fs::read(format!("{dir}/provenance.dsse.json")).unwrap();

        // What the file states, read without the decoder.
        let file: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        let payload = B64.decode(file["payload"].as_str().unwrap()).unwrap();
        let stated: serde_json::Value = serde_json::from_slice(&payload).unwrap();
        let file_sigs = file["signatures"].as_array().unwrap();

        let Signed::Dsse(layer) =
            decode(media_type::DSSE_ENVELOPE, &BTreeMap::new(), &bytes).unwrap()
        else {
            panic!("not decoded as DSSE");
        };
        let envelope = layer.envelope;
        assert_eq!(envelope.payload_type, file["payloadType"].as_str().unwrap());
        assert_eq!(envelope.payload_type, IN_TOTO_PAYLOAD_TYPE);
        assert_eq!(envelope.payload, payload);
        assert_eq!(envelope.signatures.len(), file_sigs.len());
        for (ours, theirs) in envelope.signatures.iter().zip(file_sigs) {
            assert_eq!(ours.keyid.as_deref(), theirs["keyid"].as_str());
            assert_eq!(
                ours.sig,
                B64.decode(theirs["sig"].as_str().unwrap()).unwrap()
            );
        }
        let mut signed =
            format!("DSSEv1 28 application/vnd.in-toto+json {} ", payload.len()).into_bytes();
        signed.extend_from_slice(&payload);
        assert_eq!(envelope.signed_bytes(), signed);

        let statement = envelope.statement.unwrap();
        assert_eq!(
            statement.version.type_uri(),
            stated["_type"].as_str().unwrap()
        );
        assert_eq!(
            statement.predicate_type,
            stated["predicateType"].as_str().unwrap()
        );
        let subjects = stated["subject"].as_array().unwrap();
        assert_eq!(statement.subjects.len(), subjects.len());
        for (ours, theirs) in statement.subjects.iter().zip(subjects) {
            assert_eq!(ours.name, theirs["name"].as_str().unwrap());
            let digest: BTreeMap<String, String> =
                serde_json::from_value(theirs["digest"].clone()).unwrap();
            assert_eq!(ours.digest, digest);
        }
        let predicate: serde_json::Value =
            serde_json::from_str(statement.predicate.unwrap().get()).unwrap();
        assert_eq!(predicate, stated["predicate"]);
        assert!(layer.cosign == CosignMaterial::default());

        // The signer's key, as PEM: one SubjectPublicKeyInfo.
        let pem = std::fs::read_to_string(format!("{dir}/provenance.pub.pem")).unwrap();
        let keys = pem_blocks(&pem, "PUBLIC KEY").unwrap();
        let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
        assert_eq!(keys, vec![B64.decode(body).unwrap()]);
    }
}
