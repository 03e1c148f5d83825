//! Hand-made sigstore bundles, one per version, and broken ones.

use serde_json::{json, Value};

use super::*;

const V01: &str = "application/vnd.dev.sigstore.bundle+json;version=0.1";
const V02: &str = "application/vnd.dev.sigstore.bundle+json;version=0.2";
const V03: &str = "application/vnd.dev.sigstore.bundle.v0.3+json";

fn tlog_entry() -> Value {
    json!({
        "logIndex": "25579",
        "logId": {"keyId": "wNI9atQGlz+VWfO6LRygH4QUfY/8W4RFwiT5i5WRgB0="},
        "kindVersion": {"kind": "hashedrekord", "version": "0.0.1"},
        "integratedTime": "1677696455",
        "inclusionPromise": {"signedEntryTimestamp": "c2V0"},
        "canonicalizedBody": "Ym9keQ=="
    })
}

/// v0.1: a certificate chain, a message signature, a log entry with its promise.
fn v01() -> Value {
    json!({
        "mediaType": V01,
        "verificationMaterial": {
            "x509CertificateChain": {"certificates": [{"rawBytes": "MAIFAA=="}, {"rawBytes": "MAMCAQE="}]},
            "tlogEntries": [tlog_entry()],
            "timestampVerificationData": {}
        },
        "messageSignature": {
            "messageDigest": {"algorithm": "SHA2_256", "digest": "3q2+7w=="},
            "signature": "MEUCIQ=="
        }
    })
}

fn decode_value(layer_media_type: &str, value: &Value) -> Result<Bundle, SignatureError> {
    decode(layer_media_type, value.to_string().as_bytes())
}

#[test]
fn v01_chain_message_signature_and_promise() {
    let b = decode_value(V01, &v01()).unwrap();
    assert_eq!(b.version, BundleVersion::V0_1);
    assert_eq!(
        b.material,
        VerificationMaterial::CertificateChain(vec![vec![0x30, 2, 5, 0], vec![0x30, 3, 2, 1, 1]])
    );
    assert_eq!(b.material.certificates().len(), 2);
    assert_eq!(b.tlog_entries.len(), 1);
    assert_eq!(b.tlog_entries[0].log_index, 25579);
    assert_eq!(b.tlog_entries[0].integrated_time, 1_677_696_455);
    assert!(b.rfc3161_timestamps.is_empty());
    let BundleContent::MessageSignature(m) = b.content else {
        panic!("{:?}", b.content);
    };
    assert_eq!(m.signature, [0x30, 0x45, 0x02, 0x21]);
    let digest = m.digest.unwrap();
    assert_eq!(digest.algorithm, "SHA2_256");
    assert_eq!(digest.digest, [0xde, 0xad, 0xbe, 0xef]);
}

#[test]
fn v02_public_key_and_dsse_envelope_with_statement() {
    let statement = json!({
        "_type": "https://in-toto.io/Statement/v1",
        "subject": [{"name": "app", "digest": {"sha256": "ab"}}],
        "predicateType": "https://slsa.dev/provenance/v1",
        "predicate": {}
    });
    let payload = base64::Engine::encode(
        &base64::engine::general_purpose::STANDARD,
        statement.to_string(),
    );
    let mut entry = tlog_entry();
    entry["inclusionProof"] = json!({
        "logIndex": "3", "rootHash": "cm9vdA==", "treeSize": "10",
        "hashes": ["aDE="], "checkpoint": {"envelope": "log\n10\n"}
    });
    let value = json!({
        "mediaType": V02,
        "verificationMaterial": {"publicKey": {"hint": "my-key"}, "tlogEntries": [entry]},
        "dsseEnvelope": {
            "payload": payload,
            "payloadType": "application/vnd.in-toto+json",
            "signatures": [{"sig": "AQI=", "keyid": ""}]
        }
    });
    let b = decode_value(V02, &value).unwrap();
    assert_eq!(b.version, BundleVersion::V0_2);
    assert_eq!(
        b.material,
        VerificationMaterial::PublicKey {
            hint: Some("my-key".into())
        }
    );
    assert!(b.material.certificates().is_empty());
    let proof = b.tlog_entries[0].inclusion_proof.as_ref().unwrap();
    assert_eq!((proof.log_index, proof.tree_size), (3, 10));
    let BundleContent::Dsse(envelope) = b.content else {
        panic!("{:?}", b.content);
    };
    assert_eq!(envelope.signatures[0].sig, [1, 2]);
    assert_eq!(envelope.signatures[0].keyid, None);
    let s = envelope.statement.unwrap();
    assert_eq!(s.subjects[0].name, "app");
    assert_eq!(s.predicate_type, "https://slsa.dev/provenance/v1");
}

#[test]
fn v03_certificate_timestamps_numbers_and_snake_case() {
    let value = json!({
        "media_type": "application/vnd.dev.sigstore.bundle.v0.3+json",
        "verification_material": {
            "certificate": {"raw_bytes": "MAIFAA"},
            "timestamp_verification_data": {
                "rfc3161_timestamps": [{"signed_timestamp": "MAA="}, {"signedTimestamp": "MAE="}]
            }
        },
        "message_signature": {
            "message_digest": {"algorithm": 3, "digest": "3q2-7w"},
            "signature": "MEUCIQ=="
        }
    });
    // A layer typed with the `version=` parameter: the bundle's own mediaType decides.
    let b = decode_value(
        "application/vnd.dev.sigstore.bundle+json;version=0.3",
        &value,
    )
    .unwrap();
    assert_eq!(b.version, BundleVersion::V0_3);
    assert_eq!(
        b.material,
        VerificationMaterial::Certificate(vec![0x30, 2, 5, 0])
    );
    assert_eq!(b.material.certificates(), [vec![0x30, 2, 5, 0]]);
    assert!(b.tlog_entries.is_empty());
    assert_eq!(b.rfc3161_timestamps, vec![vec![0x30, 0], vec![0x30, 1]]);
    let BundleContent::MessageSignature(m) = b.content else {
        panic!("{:?}", b.content);
    };
    let digest = m.digest.unwrap();
    assert_eq!(digest.algorithm, "SHA2_512");
    assert_eq!(digest.digest, [0xde, 0xad, 0xbe, 0xef]);
}

#[test]
fn the_layer_media_type_gives_the_version_when_the_bundle_does_not() {
    let mut value = v01();
    value.as_object_mut().unwrap().remove("mediaType");
    assert_eq!(
        decode_value(V03, &value).unwrap().version,
        BundleVersion::V0_3
    );
    assert_eq!(
        decode_value(
            "application/vnd.dev.sigstore.bundle+json; version=0.2",
            &value
        )
        .unwrap()
        .version,
        BundleVersion::V0_2
    );
    let e = decode_value("application/vnd.dev.sigstore.bundle+json", &value).unwrap_err();
    assert_eq!(
        e,
        SignatureError::Unsupported {
            what: "sigstore bundle",
            at: "the layer's media type".into(),
            detail: "application/vnd.dev.sigstore.bundle+json says no version".into(),
        }
    );
}

#[test]
fn unknown_versions_are_unsupported() {
    let mut value = v01();
    value["mediaType"] = json!("application/vnd.dev.sigstore.bundle.v0.4+json");
    let e = decode_value(V03, &value).unwrap_err();
    assert!(
        matches!(&e, SignatureError::Unsupported { at, detail, .. }
            if at == "mediaType" && detail.starts_with("version 0.4")),
        "{e:?}"
    );
    value["mediaType"] = json!("application/json");
    let e = decode_value(V03, &value).unwrap_err();
    assert_eq!(
        e.to_string(),
        "sigstore bundle: mediaType: application/json is not a sigstore bundle media type"
    );
}

/// Applies `edit` to a good v0.1 bundle and returns the error's place and text.
fn broken(edit: impl FnOnce(&mut Value)) -> (String, String) {
    let mut value = v01();
    edit(&mut value);
    match decode_value(V01, &value).unwrap_err() {
        SignatureError::Malformed { what, at, detail } => {
            assert_eq!(what, "sigstore bundle");
            (at, detail)
        }
        e => panic!("{e:?}"),
    }
}

#[test]
fn malformed_bundles_say_where() {
    let s = |a: &str, d: &str| (a.to_string(), d.to_string());
    assert_eq!(
        broken(|v| v["verificationMaterial"]["tlogEntries"][0]["integratedTime"] = json!("soon")),
        s(
            "verificationMaterial.tlogEntries[0].integratedTime",
            "expected an integer (a number or a decimal string), found a string"
        )
    );
    assert_eq!(
        broken(|v| v["verificationMaterial"]["tlogEntries"][0]["logId"]["keyId"] = json!("@@")),
        s(
            "verificationMaterial.tlogEntries[0].logId.keyId",
            "not base64"
        )
    );
    assert_eq!(
        broken(|v| v["verificationMaterial"]["x509CertificateChain"]["certificates"] = json!([])),
        s(
            "verificationMaterial.x509CertificateChain",
            "no certificates"
        )
    );
    assert_eq!(
        broken(|v| v["verificationMaterial"]["certificate"] = json!({"rawBytes": "MAA="})),
        s(
            "verificationMaterial",
            "more than one of publicKey, x509CertificateChain, certificate (a oneof)"
        )
    );
    assert_eq!(
        broken(|v| v["verificationMaterial"] = json!({})),
        s(
            "verificationMaterial",
            "none of publicKey, x509CertificateChain, certificate"
        )
    );
    assert_eq!(
        broken(|v| {
            v.as_object_mut().unwrap().remove("verificationMaterial");
        }),
        s("verificationMaterial", "missing")
    );
    assert_eq!(
        broken(|v| v["verificationMaterial"]["timestampVerificationData"] =
            json!({"rfc3161Timestamps": [{}]})),
        s(
            "verificationMaterial.timestampVerificationData.rfc3161Timestamps[0].signedTimestamp",
            "missing"
        )
    );
    assert_eq!(
        broken(|v| v["messageSignature"]["signature"] = json!("")),
        s("messageSignature.signature", "empty")
    );
    assert_eq!(
        broken(|v| v["messageSignature"]["messageDigest"]["algorithm"] = json!(true)),
        s(
            "messageSignature.messageDigest.algorithm",
            "expected a string, found a boolean"
        )
    );
    assert_eq!(
        broken(|v| v["dsseEnvelope"] = json!({})),
        s("", "both messageSignature and dsseEnvelope (a oneof)")
    );
    assert_eq!(
        broken(|v| {
            v.as_object_mut().unwrap().remove("messageSignature");
        }),
        s("", "neither messageSignature nor dsseEnvelope")
    );
    assert_eq!(
        broken(|v| {
            v.as_object_mut().unwrap().remove("messageSignature");
            v["dsseEnvelope"] = json!({"payloadType": "t", "payload": "", "signatures": [{}]});
        }),
        s("dsseEnvelope.signatures[0].sig", "missing")
    );
    assert_eq!(
        broken(|v| *v = json!([])),
        s("", "expected an object, found an array")
    );
}

#[test]
fn unknown_hash_algorithm_numbers_are_unsupported() {
    let mut value = v01();
    value["messageSignature"]["messageDigest"]["algorithm"] = json!(99);
    let e = decode_value(V01, &value).unwrap_err();
    assert_eq!(
        e.to_string(),
        "sigstore bundle: messageSignature.messageDigest.algorithm: hash algorithm number 99"
    );
}
