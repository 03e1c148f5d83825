//! Verification against keys and signatures made outside Rust, by Python's `cryptography`
//! (tests/fixtures/signature/keys/make_keys.py), and the securesystemslib provenance fixture.

use std::collections::BTreeMap;

use base64::Engine as _;
use serde_json::Value;

use super::super::{decode, media_type, SIGNATURE_ANNOTATION};
use super::*;
use crate::signature::KeyAlgorithm;

/// The artifact every fixture signs (make_keys.py's SUBJECT).
const SUBJECT: &str = "sha256:a3f1c0de5b7e2d9c4f8a6b1e0d3c2b5a49687f1e2d3c4b5a697887a6b5c4d3e2";
const OTHER: &str = "sha256:0000000000000000000000000000000000000000000000000000000000000001";

struct Fixture {
    name: &'static str,
    pem: &'static str,
    payload: &'static str,
    signature: &'static str,
    envelope: &'static str,
}

/// A file of tests/fixtures/signature/keys/, built into the test binary.
macro_rules! key_file {
    ($name:literal, $suffix:literal) => {
        include_str!(concat!(
            "../../tests/fixtures/signature/keys/",
            $name,
            $suffix
        ))
    };
}

macro_rules! fixture {
    ($name:literal) => {
        Fixture {
            name: $name,
            pem: key_file!($name, ".pub.pem"),
            payload: key_file!($name, ".simplesigning.json"),
            signature: key_file!($name, ".simplesigning.sig"),
            envelope: key_file!($name, ".dsse.json"),
        }
    };
}

fn fixtures() -> [Fixture; 4] {
    [
        fixture!("p256"),
        fixture!("p384"),
        fixture!("ed25519"),
        fixture!("rsa2048"),
    ]
}

impl Fixture {
    fn key(&self) -> PublicKey {
        PublicKey::from_pem(self.pem).unwrap()
    }

    fn cosign(&self) -> Signed {
        cosign_layer(self.payload.as_bytes(), self.signature.trim())
    }

    fn dsse(&self) -> Signed {
        dsse_layer(self.envelope.as_bytes())
    }

    /// The envelope as JSON, to be changed before decoding.
    fn envelope_json(&self) -> Value {
        serde_json::from_str(self.envelope).unwrap()
    }
}

fn cosign_layer(payload: &[u8], signature: &str) -> Signed {
    let annotations = BTreeMap::from([(SIGNATURE_ANNOTATION.to_string(), signature.to_string())]);
    decode(media_type::COSIGN_SIMPLE_SIGNING, &annotations, payload).unwrap()
}

fn dsse_layer(bytes: &[u8]) -> Signed {
    decode(media_type::DSSE_ENVELOPE, &BTreeMap::new(), bytes).unwrap()
}

fn digest(s: &str) -> Digest {
    s.parse().unwrap()
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn unb64(text: &str) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .unwrap()
}

fn reason(verdict: Verdict) -> String {
    match verdict {
        Verdict::Failed { reason } => reason,
        other => panic!("expected Failed, got {other:?}"),
    }
}

fn all_keys() -> Vec<PublicKey> {
    fixtures().iter().map(Fixture::key).collect()
}

#[test]
fn cosign_signatures_verify_and_name_the_subject() {
    for f in fixtures() {
        let verdict = verify_with_keys(&f.cosign(), &digest(SUBJECT), &[f.key()]);
        assert_eq!(
            verdict,
            Verdict::Verified {
                by: format!("key {}", f.key().id()),
                signed_digest: digest(SUBJECT),
            },
            "{}",
            f.name
        );
    }
}

#[test]
fn dsse_envelopes_verify_and_name_the_subject() {
    for f in fixtures() {
        let verdict = verify_with_keys(&f.dsse(), &digest(SUBJECT), &[f.key()]);
        assert_eq!(
            verdict,
            Verdict::Verified {
                by: format!("key {}", f.key().id()),
                signed_digest: digest(SUBJECT),
            },
            "{}",
            f.name
        );
    }
}

#[test]
fn the_verifying_key_is_found_among_others() {
    let keys = all_keys();
    for f in fixtures() {
        for signed in [f.cosign(), f.dsse()] {
            match verify_with_keys(&signed, &digest(SUBJECT), &keys) {
                Verdict::Verified { by, .. } => {
                    assert_eq!(by, format!("key {}", f.key().id()), "{}", f.name)
                }
                other => panic!("{}: {other:?}", f.name),
            }
        }
    }
}

#[test]
fn a_tampered_payload_fails() {
    for f in fixtures() {
        let key = f.key();
        let expected = format!("no key verifies the signature: tried {}", key.short_id());
        let payload = f
            .payload
            .replace("registry.example/app", "registry.example/evil");
        let cosign = cosign_layer(payload.as_bytes(), f.signature.trim());
        assert_eq!(
            reason(verify_with_keys(
                &cosign,
                &digest(SUBJECT),
                std::slice::from_ref(&key)
            )),
            expected
        );

        let mut env = f.envelope_json();
        let statement = String::from_utf8(unb64(env["payload"].as_str().unwrap())).unwrap();
        env["payload"] = b64(statement.replace("made by", "forged by").as_bytes()).into();
        let dsse = dsse_layer(env.to_string().as_bytes());
        assert_eq!(
            reason(verify_with_keys(&dsse, &digest(SUBJECT), &[key])),
            expected
        );
    }
}

#[test]
fn a_swapped_signature_fails() {
    // Each format's signature by the same key, over the other format's bytes.
    for f in fixtures() {
        let key = f.key();
        let env = f.envelope_json();
        let dsse_sig = env["signatures"][0]["sig"].as_str().unwrap().to_string();
        let cosign = cosign_layer(f.payload.as_bytes(), &dsse_sig);
        let r = reason(verify_with_keys(
            &cosign,
            &digest(SUBJECT),
            std::slice::from_ref(&key),
        ));
        assert!(
            r.starts_with("no key verifies the signature"),
            "{}: {r}",
            f.name
        );

        let mut env = f.envelope_json();
        env["signatures"][0]["sig"] = f.signature.trim().into();
        let dsse = dsse_layer(env.to_string().as_bytes());
        let r = reason(verify_with_keys(&dsse, &digest(SUBJECT), &[key]));
        assert!(
            r.starts_with("no key verifies the signature"),
            "{}: {r}",
            f.name
        );
    }
}

#[test]
fn a_wrong_key_fails_and_the_reason_lists_the_keys_tried() {
    let all = fixtures();
    for f in &all {
        let others: Vec<PublicKey> = all
            .iter()
            .filter(|o| o.name != f.name)
            .map(Fixture::key)
            .collect();
        let tried: Vec<&str> = others.iter().map(PublicKey::short_id).collect();
        let expected = format!("no key verifies the signature: tried {}", tried.join(", "));
        for signed in [f.cosign(), f.dsse()] {
            assert_eq!(
                reason(verify_with_keys(&signed, &digest(SUBJECT), &others)),
                expected
            );
        }
    }
}

#[test]
fn a_signature_for_another_artifact_fails() {
    let expected = format!("signs {SUBJECT}, not this artifact ({OTHER})");
    for f in fixtures() {
        for signed in [f.cosign(), f.dsse()] {
            let verdict = verify_with_keys(&signed, &digest(OTHER), &[f.key()]);
            assert_eq!(reason(verdict), expected, "{}", f.name);
        }
    }
}

#[test]
fn without_keys_nothing_is_checked() {
    for f in fixtures() {
        for signed in [f.cosign(), f.dsse()] {
            assert!(
                matches!(
                    verify_with_keys(&signed, &digest(SUBJECT), &[]),
                    Verdict::NotChecked { ref reason } if reason.contains("no public key given")
                ),
                "{}",
                f.name
            );
        }
    }
}

#[test]
fn the_securesystemslib_provenance_verifies() {
    let envelope = include_str!("../../tests/fixtures/signature/provenance.dsse.json");
    let key = PublicKey::from_pem(include_str!(
        "../../tests/fixtures/signature/provenance.pub.pem"
    ))
    .unwrap();
    assert_eq!(key.algorithm(), KeyAlgorithm::EcdsaP256);
    // The subject, read from the statement apart from the decoder.
    let outer: Value = serde_json::from_str(envelope).unwrap();
    let statement: Value =
        serde_json::from_slice(&unb64(outer["payload"].as_str().unwrap())).unwrap();
    let hex = statement["subject"][0]["digest"]["sha256"]
        .as_str()
        .unwrap();
    let subject = digest(&format!("sha256:{hex}"));

    let signed = dsse_layer(envelope.as_bytes());
    assert_eq!(
        verify_with_keys(&signed, &subject, std::slice::from_ref(&key)),
        Verdict::Verified {
            by: format!("key {}", key.id()),
            signed_digest: subject.clone(),
        }
    );
    let wrong = fixtures()[0].key();
    let r = reason(verify_with_keys(&signed, &subject, &[wrong]));
    assert!(
        r.starts_with("no key verifies the signature: tried sha256:"),
        "{r}"
    );
}

#[test]
fn keyless_material_is_left_for_a_trusted_root() {
    let f = &fixtures()[0];
    let annotations = BTreeMap::from([
        (
            SIGNATURE_ANNOTATION.to_string(),
            f.signature.trim().to_string(),
        ),
        (
            super::super::CERTIFICATE_ANNOTATION.to_string(),
            "-----BEGIN CERTIFICATE-----\nMAIFAA==\n-----END CERTIFICATE-----\n".to_string(),
        ),
    ]);
    let signed = decode(
        media_type::COSIGN_SIMPLE_SIGNING,
        &annotations,
        f.payload.as_bytes(),
    )
    .unwrap();
    let other = fixtures()[1].key();
    match verify_with_keys(&signed, &digest(SUBJECT), &[other]) {
        Verdict::NotChecked { reason } => assert!(reason.contains("trusted root"), "{reason}"),
        v => panic!("{v:?}"),
    }
    // A key that does verify it still counts.
    assert!(verify_with_keys(&signed, &digest(SUBJECT), &[f.key()]).is_verified());
}

#[test]
fn bundles_verify_their_envelope_and_leave_message_signatures() {
    let f = &fixtures()[0];
    let bundle = serde_json::json!({
        "mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json",
        "verificationMaterial": {"publicKey": {"hint": "fixture"}},
        "dsseEnvelope": f.envelope_json(),
    });
    let signed = decode(
        media_type::SIGSTORE_BUNDLE_V03,
        &BTreeMap::new(),
        bundle.to_string().as_bytes(),
    )
    .unwrap();
    assert!(verify_with_keys(&signed, &digest(SUBJECT), &[f.key()]).is_verified());
    assert!(matches!(
        verify_with_keys(&signed, &digest(OTHER), &[f.key()]),
        Verdict::Failed { .. }
    ));

    let message = serde_json::json!({
        "mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json",
        "verificationMaterial": {"publicKey": {"hint": "fixture"}},
        "messageSignature": {
            "messageDigest": {"algorithm": "SHA2_256", "digest": b64(&hex::decode(&SUBJECT[7..]).unwrap())},
            "signature": f.signature.trim(),
        },
    });
    let signed = decode(
        media_type::SIGSTORE_BUNDLE_V03,
        &BTreeMap::new(),
        message.to_string().as_bytes(),
    )
    .unwrap();
    match verify_with_keys(&signed, &digest(SUBJECT), &[f.key()]) {
        Verdict::NotChecked { reason } => assert!(reason.contains("artifact's bytes"), "{reason}"),
        v => panic!("{v:?}"),
    }
}

#[test]
fn an_envelope_without_signatures_fails() {
    let f = &fixtures()[0];
    let mut env = f.envelope_json();
    env["signatures"] = Value::Array(Vec::new());
    let signed = dsse_layer(env.to_string().as_bytes());
    assert_eq!(
        reason(verify_with_keys(&signed, &digest(SUBJECT), &[f.key()])),
        "the DSSE envelope carries no signature"
    );
}
