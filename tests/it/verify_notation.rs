//! Notation signatures under `stowage verify --trust-store DIR --trust-policy JSON`: JWS
//! signatures made as notation lays them out (tests/it/private_notation.py, Python's
//! `cryptography`; JWS and COSE), attached with `stowage attach` as referrers to artifacts in the real
//! registry, each checked against a trust store and a strict trust policy for that repository;
//! every tampered variant fails with its reason.

use std::path::Path;
use std::process::Command;

use base64::Engine as _;
use serde_json::{json, Value};

use crate::cli::{run, stderr};
use crate::harness::{Desc, Pusher, TestRegistry};
use crate::verify::{only_signature, push_artifact, verify, SYSTEM_PYTHON};

const PRIVATE_NOTATION: &str = include_str!("private_notation.py");
const JWS: &str = "application/jose+json";
const NOTATION: &str = "application/vnd.cncf.notary.signature";

/// What tests/it/private_notation.py made: the trust store and policy it wrote, the identity its
/// good certificates name, and each signature layer as a file with its media type.
pub(crate) struct PrivateNotation {
    pub trust_store: String,
    pub trust_policy: String,
    pub identity: String,
    pub layers: Vec<(String, String)>,
}

/// Signs each (variant, target) as notation does, with a trust policy for `scope`.
pub(crate) fn private_notation(
    home: &Path,
    scope: &str,
    requests: &[(&str, &Desc)],
) -> PrivateNotation {
    let requests: Vec<Value> = requests
        .iter()
        .map(|(variant, t)| {
            json!({"variant": variant,
                   "target": {"mediaType": t.media_type, "digest": t.digest, "size": t.size}})
        })
        .collect();
    let out = Command::new(SYSTEM_PYTHON)
        .arg("-c")
        .arg(PRIVATE_NOTATION)
        .arg(home)
        .arg(scope)
        .arg(Value::Array(requests).to_string())
        .output()
        .expect("run python3 (scripts/setup installs it with python3-cryptography)");
    assert!(
        out.status.success(),
        "private_notation.py: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let made: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut layers = Vec::new();
    for (i, layer) in made["layers"].as_array().unwrap().iter().enumerate() {
        let media_type = made["mediaTypes"][i].as_str().unwrap().to_string();
        let text = layer.as_str().unwrap();
        let bytes = match media_type.as_str() {
            JWS => text.as_bytes().to_vec(),
            _ => base64::engine::general_purpose::STANDARD
                .decode(text)
                .unwrap(),
        };
        let file = home.join(format!("notation-{i}.sig"));
        std::fs::write(&file, bytes).unwrap();
        layers.push((file.display().to_string(), media_type));
    }
    let text = |k: &str| made[k].as_str().unwrap().to_string();
    PrivateNotation {
        trust_store: text("trustStore"),
        trust_policy: text("trustPolicy"),
        identity: text("identity"),
        layers,
    }
}

/// `stowage attach SUBJECT FILE:TYPE` as a notation signature.
pub(crate) async fn attach_notation(home: &Path, subject: &str, file: &str, media_type: &str) {
    let layer = format!("{file}:{media_type}");
    let args = ["attach", subject, &layer, "--artifact-type", NOTATION];
    let attached = run(home, &args, "", &[]).await;
    assert!(attached.status.success(), "{}", stderr(&attached));
}

#[tokio::test]
async fn notation_signatures_verify_against_the_trust_store_and_policy_only() {
    let reg = TestRegistry::anonymous().await;
    let pusher = Pusher::new(&reg.base_url());
    let host = reg.host();
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let scope = format!("{host}/app");
    let variants = [
        "good",
        "other-ca",
        "not-code-signing",
        "expired-cert",
        "expired-signature",
        "tampered",
        "other-identity",
        "untrusted-crit",
        "cose-good",
        "cose-tampered",
        "moved",
    ];
    let mut subjects = Vec::new();
    for tag in variants {
        subjects.push(push_artifact(home, &pusher, &host, "app", tag).await);
    }
    // "moved": a good signature of the `good` artifact, attached to `moved`.
    let requests: Vec<(&str, &Desc)> = variants
        .iter()
        .enumerate()
        .map(|(i, v)| {
            if *v == "moved" {
                ("good", &subjects[0])
            } else {
                (*v, &subjects[i])
            }
        })
        .collect();
    let made = private_notation(home, &scope, &requests);
    let (store, policy, identity) = (made.trust_store, made.trust_policy, made.identity);
    for ((file, media_type), subject) in made.layers.iter().zip(&subjects) {
        attach_notation(
            home,
            &format!("{scope}@{}", subject.digest),
            file,
            media_type,
        )
        .await;
    }

    let check = |tag: &str, trusted: bool| {
        let reference = format!("{scope}:{tag}");
        let (store, policy) = (store.clone(), policy.clone());
        async move {
            let mut args = vec![reference.clone(), "--output".into(), "json".into()];
            if trusted {
                args.extend([
                    "--trust-store".into(),
                    store,
                    "--trust-policy".into(),
                    policy,
                ]);
            }
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            verify(home, &args).await
        }
    };

    // Verified, and by whom, through which store and policy.
    let good = check("good", true).await;
    assert_eq!(
        good.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&good.stdout),
        stderr(&good)
    );
    let s = only_signature(&good, &subjects[0]);
    assert_eq!(s["kind"], "notation");
    assert_eq!(s["verified"], true, "{s:#}");
    let by = s["by"].as_str().unwrap();
    assert!(
        by.contains("CN=Release Builder")
            && by.ends_with("through trust store ca:acme (trust policy stowage-test)"),
        "{by}"
    );

    // `inspect` says it at length.
    let inspected = run(
        home,
        &[
            "inspect",
            &format!("{scope}:good"),
            "--trust-store",
            &store,
            "--trust-policy",
            &policy,
        ],
        "",
        &[],
    )
    .await;
    assert!(inspected.status.success(), "{}", stderr(&inspected));
    let text = String::from_utf8_lossy(&inspected.stdout).into_owned();
    let rows: Vec<(String, String)> = text
        .lines()
        .skip(1)
        .filter_map(|l| {
            let (name, value) = l.trim().split_once("  ")?;
            Some((name.to_string(), value.trim().to_string()))
        })
        .collect();
    let row = |name: &str| {
        rows.iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    assert!(text.starts_with("notation signature  sha256:"), "{text}");
    assert!(
        row("status").is_some_and(|v| v.starts_with("verified by CN=Release Builder")),
        "{text}"
    );
    assert_eq!(row("scheme"), Some("notary.x509"), "{text}");
    assert_eq!(row("signing agent"), Some("notation-go/1.2.0"), "{text}");
    assert_eq!(row("signs"), Some(subjects[0].digest.as_str()), "{text}");

    // Without the store and policy nothing is checked.
    let untrusted = check("good", false).await;
    assert_eq!(untrusted.status.code(), Some(1));
    let s = only_signature(&untrusted, &subjects[0]);
    assert!(
        s["reason"]
            .as_str()
            .unwrap()
            .contains("trust store and a trust policy"),
        "{s:#}"
    );

    let reason = |i: usize| {
        let tag = variants[i];
        let check = &check;
        let subject = &subjects[i];
        async move {
            let out = check(tag, true).await;
            assert_eq!(out.status.code(), Some(1), "{tag}: {}", stderr(&out));
            let s = only_signature(&out, subject);
            assert_eq!(s["verified"], false, "{tag}: {s:#}");
            s["reason"].as_str().unwrap_or_default().to_string()
        }
    };
    let expect = [
        ("other-ca", "its certificate chain leads to no trusted store (ca:acme: no certificate of the store issued its chain)"),
        ("not-code-signing", "ca:acme: its certificate is not for code signing (extended key usage)"),
        ("expired-cert", "its certificate chain to ca:acme is not valid now"),
        ("expired-signature", "the signature expired at"),
        ("tampered", "its ES256 signature does not verify with its signing certificate's key"),
        ("other-identity", "signed by CN=Intern,O=Stowage Test,C=US, which trust policy stowage-test does not trust"),
        ("untrusted-crit", "requires io.cncf.notary.verificationPlugin"),
        ("cose-tampered", "its ES256 signature does not verify with its signing certificate's key"),
    ];
    for (tag, wanted) in expect {
        let i = variants.iter().position(|v| *v == tag).unwrap();
        let got = reason(i).await;
        assert!(got.contains(wanted), "{tag}: {got}");
    }
    let last = variants.len() - 1;
    assert_eq!(
        reason(last).await,
        format!(
            "signs {}, not this artifact ({})",
            subjects[0].digest, subjects[last].digest
        )
    );

    // The same signature in COSE verifies the same way.
    let cose = check("cose-good", true).await;
    assert_eq!(cose.status.code(), Some(0), "{}", stderr(&cose));
    let i = variants.iter().position(|v| *v == "cose-good").unwrap();
    let s = only_signature(&cose, &subjects[i]);
    assert!(
        s["by"].as_str().unwrap().starts_with("CN=Release Builder"),
        "{s:#}"
    );
    assert!(identity.contains("CN=Release Builder"));

    // Half the notation trust is refused before anything is read.
    let half = verify(home, &[&format!("{scope}:good"), "--trust-store", &store]).await;
    assert_eq!(half.status.code(), Some(2), "{}", stderr(&half));
    assert!(
        stderr(&half).contains("--trust-policy"),
        "{}",
        stderr(&half)
    );
}
