//! Hand-made notation JWS envelopes, and broken ones.

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use serde_json::{json, Value};

use super::*;

const DIGEST: &str = "sha256:73c803930ea3ba1e54bc25c2bdc53edd0284c62ed651fe7b00369da519a3c333";

fn protected() -> Value {
    json!({
        "alg": "PS384",
        "cty": NOTATION_PAYLOAD_TYPE,
        "crit": ["io.cncf.notary.signingScheme", "io.cncf.notary.expiry"],
        "io.cncf.notary.signingScheme": "notary.x509",
        "io.cncf.notary.signingTime": "2022-08-29T13:50:22-07:00",
        "io.cncf.notary.expiry": "2023-08-29T13:50:22-07:00"
    })
}

fn payload() -> Value {
    json!({"targetArtifact": {
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "digest": DIGEST,
        "size": 16724,
        "annotations": {"io.wabbit-networks.buildId": "123"}
    }})
}

fn envelope(protected: &Value, payload: &Value) -> Value {
    json!({
        "payload": URL_SAFE_NO_PAD.encode(payload.to_string()),
        "protected": URL_SAFE_NO_PAD.encode(protected.to_string()),
        "header": {
            "x5c": [STANDARD.encode([0x30, 2, 5, 0]), STANDARD.encode([0x30, 3, 2, 1, 1])],
            "io.cncf.notary.signingAgent": "notation-go/1.0.0",
            "io.cncf.notary.timestampSignature": STANDARD.encode([0x30, 0])
        },
        "signature": URL_SAFE_NO_PAD.encode([0xfb, 0xff, 0x01])
    })
}

fn decode_value(value: &Value) -> Result<NotationSignature, SignatureError> {
    decode_jws(value.to_string().as_bytes())
}

#[test]
fn every_field_of_an_x509_signature() {
    let env = envelope(&protected(), &payload());
    let s = decode_value(&env).unwrap();
    assert_eq!(s.algorithm, JwsAlgorithm::Ps384);
    assert_eq!(s.signing_scheme, SigningScheme::X509);
    assert_eq!(s.signing_time.text, "2022-08-29T13:50:22-07:00");
    assert_eq!(s.signing_time.unix_seconds, 1_661_806_222);
    assert_eq!(s.expiry.as_ref().unwrap().text, "2023-08-29T13:50:22-07:00");
    assert_eq!(
        s.critical,
        ["io.cncf.notary.signingScheme", "io.cncf.notary.expiry"]
    );
    assert_eq!(s.signing_agent.as_deref(), Some("notation-go/1.0.0"));
    assert_eq!(
        s.target.media_type,
        "application/vnd.oci.image.manifest.v1+json"
    );
    assert_eq!(s.target.digest.to_string(), DIGEST);
    assert_eq!(s.target.size, 16724);
    assert_eq!(s.target.annotations["io.wabbit-networks.buildId"], "123");
    let input = format!(
        "{}.{}",
        env["protected"].as_str().unwrap(),
        env["payload"].as_str().unwrap()
    );
    assert_eq!(s.signing_input, input.as_bytes());
    assert_eq!(s.signature, [0xfb, 0xff, 0x01]);
    assert_eq!(
        s.certificates,
        vec![vec![0x30, 2, 5, 0], vec![0x30, 3, 2, 1, 1]]
    );
    assert_eq!(s.timestamp.as_deref(), Some(&[0x30, 0][..]));
}

#[test]
fn a_signing_authority_signature_uses_the_authentic_time() {
    let protected = json!({
        "alg": "ES256",
        "cty": NOTATION_PAYLOAD_TYPE,
        "crit": ["io.cncf.notary.signingScheme", "io.cncf.notary.authenticSigningTime"],
        "io.cncf.notary.signingScheme": "notary.x509.signingAuthority",
        "io.cncf.notary.authenticSigningTime": "2022-08-29T20:50:22Z"
    });
    let mut env = envelope(&protected, &payload());
    env["header"] = json!({"x5c": [STANDARD.encode([0x30, 0])]});
    let s = decode_value(&env).unwrap();
    assert_eq!(s.algorithm, JwsAlgorithm::Es256);
    assert_eq!(s.signing_scheme, SigningScheme::X509SigningAuthority);
    assert_eq!(s.signing_time.unix_seconds, 1_661_806_222);
    assert_eq!(s.expiry, None);
    assert_eq!(s.signing_agent, None);
    assert_eq!(s.timestamp, None);
}

#[test]
fn the_signing_input_is_the_served_text_not_a_re_encoding() {
    // Same JSON, other key order: the signing input follows the bytes served.
    let text = r#"{"cty":"application/vnd.cncf.notary.payload.v1+json","alg":"ES384","io.cncf.notary.signingScheme":"notary.x509","io.cncf.notary.signingTime":"2024-01-01T00:00:00Z","crit":["io.cncf.notary.signingScheme"]}"#;
    let protected_b64 = URL_SAFE_NO_PAD.encode(text);
    let mut env = envelope(&protected(), &payload());
    env["protected"] = json!(protected_b64);
    let s = decode_value(&env).unwrap();
    assert!(s
        .signing_input
        .starts_with(format!("{protected_b64}.").as_bytes()));
    assert_eq!(s.algorithm, JwsAlgorithm::Es384);
}

fn error_with(protected: Value) -> SignatureError {
    decode_value(&envelope(&protected, &payload())).unwrap_err()
}

#[test]
fn protected_header_rules() {
    let edit = |f: &dyn Fn(&mut Value)| {
        let mut p = protected();
        f(&mut p);
        error_with(p)
    };
    let malformed = |at: &str, detail: &str| SignatureError::Malformed {
        what: "notation protected header",
        at: at.into(),
        detail: detail.into(),
    };
    let unsupported = |at: &str, detail: &str| SignatureError::Unsupported {
        what: "notation protected header",
        at: at.into(),
        detail: detail.into(),
    };
    assert_eq!(
        edit(&|p| p["alg"] = json!("RS256")),
        unsupported(
            "alg",
            "algorithm RS256; notation signs with PS256/384/512 or ES256/384/512"
        )
    );
    assert_eq!(
        edit(&|p| p["cty"] = json!("application/json")),
        unsupported(
            "cty",
            "application/json where application/vnd.cncf.notary.payload.v1+json was expected"
        )
    );
    assert_eq!(
        edit(&|p| p["io.cncf.notary.signingScheme"] = json!("notary.default")),
        unsupported(
            "io.cncf.notary.signingScheme",
            "signing scheme notary.default"
        )
    );
    assert_eq!(
        edit(&|p| {
            p.as_object_mut()
                .unwrap()
                .remove("io.cncf.notary.signingTime");
        }),
        malformed("io.cncf.notary.signingTime", "missing")
    );
    assert_eq!(
        edit(&|p| p["io.cncf.notary.authenticSigningTime"] = json!("2022-08-29T13:50:22Z")),
        malformed(
            "io.cncf.notary.authenticSigningTime",
            "not allowed under the notary.x509 signing scheme"
        )
    );
    assert_eq!(
        edit(&|p| p["io.cncf.notary.signingTime"] = json!("yesterday")),
        malformed("io.cncf.notary.signingTime", "not an RFC 3339 date-time")
    );
    assert_eq!(
        edit(&|p| {
            p.as_object_mut().unwrap().remove("crit");
        }),
        malformed("crit", "missing")
    );
    assert_eq!(
        edit(&|p| p["crit"] = json!(["io.cncf.notary.expiry"])),
        malformed("crit", "does not list io.cncf.notary.signingScheme")
    );
    assert_eq!(
        edit(&|p| p["crit"] = json!(["io.cncf.notary.signingScheme"])),
        malformed("crit", "does not list io.cncf.notary.expiry")
    );
    assert_eq!(
        edit(&|p| p["crit"] = json!(["io.cncf.notary.signingScheme", "io.cncf.notary.expiry", "x"])),
        malformed("crit[2]", "x is critical but not in the header")
    );
}

#[test]
fn envelope_and_payload_errors_say_where() {
    let jws = |at: &str, detail: &str| SignatureError::Malformed {
        what: "notation JWS",
        at: at.into(),
        detail: detail.into(),
    };
    let edit = |f: &dyn Fn(&mut Value)| {
        let mut env = envelope(&protected(), &payload());
        f(&mut env);
        decode_value(&env).unwrap_err()
    };
    assert_eq!(
        edit(&|e| e["payload"] = json!("a+b")),
        jws("payload", "not unpadded base64url")
    );
    assert_eq!(
        edit(&|e| e["protected"] = json!("eyJ9==")),
        jws("protected", "not unpadded base64url")
    );
    assert_eq!(
        edit(&|e| e["signature"] = json!("")),
        jws("signature", "empty")
    );
    assert_eq!(
        edit(&|e| e["header"]["x5c"] = json!([])),
        jws("header.x5c", "no certificates")
    );
    assert_eq!(
        edit(&|e| e["header"]["x5c"][1] = json!("*")),
        jws("header.x5c[1]", "not base64")
    );
    assert_eq!(
        edit(&|e| {
            e.as_object_mut().unwrap().remove("header");
        }),
        jws("header", "missing")
    );
    assert_eq!(
        edit(&|e| e["header"]["io.cncf.notary.signingAgent"] = json!(1)),
        jws(
            "header.io.cncf.notary.signingAgent",
            "expected a string, found a number"
        )
    );

    let with_payload = |p: Value| decode_value(&envelope(&protected(), &p)).unwrap_err();
    let payload_error = |at: &str| match with_payload_error(at, &with_payload) {
        SignatureError::Malformed { what, at, .. } => (what, at),
        e => panic!("{e:?}"),
    };
    assert_eq!(payload_error("digest").1, "targetArtifact.digest");
    assert_eq!(payload_error("size").1, "targetArtifact.size");
    assert_eq!(
        payload_error("annotations").1,
        "targetArtifact.annotations.io.wabbit-networks.buildId"
    );
    assert_eq!(payload_error("mediaType").0, "notation payload");
    let e = with_payload(json!({"subject": {}}));
    assert_eq!(e.to_string(), "notation payload: targetArtifact: missing");
}

/// The payload with one field of `targetArtifact` broken.
fn with_payload_error(field: &str, decode: &dyn Fn(Value) -> SignatureError) -> SignatureError {
    let mut p = payload();
    let target = &mut p["targetArtifact"];
    match field {
        "digest" => target["digest"] = json!("sha256:ABC"),
        "size" => target["size"] = json!(-1),
        "annotations" => target["annotations"]["io.wabbit-networks.buildId"] = json!(123),
        _ => target[field] = json!(null),
    }
    decode(p)
}

#[test]
fn a_layer_of_broken_json_names_the_place() {
    let e = decode_jws(b"{\"payload\": 1").unwrap_err();
    assert!(
        matches!(&e, SignatureError::Malformed { what: "notation JWS", at, .. } if at.starts_with("line 1")),
        "{e:?}"
    );
}
