//! Keyless `stowage verify` and `verify-blob`: cosign keyless signatures made by a private
//! Sigstore (tests/it/private_sigstore.py: a Fulcio CA, a CT log and a Rekor log of throwaway
//! keys, made with Python's `cryptography`) on artifacts in the real registry, checked against
//! its trusted root with the identity and issuer a user trusts; each tampered variant fails with
//! its reason. Bundles signed through Sigstore's public-good instance (published test vectors,
//! tests/fixtures/signature/sigstore) are checked against the root Stowage ships.

use std::path::Path;
use std::process::Command;

use serde_json::{json, Value};

use crate::cli::{run, stderr};
use crate::harness::{Pusher, TestRegistry};
use crate::verify::{
    attach_cosign_layer, only_signature, payload, push_artifact, verify, SYSTEM_PYTHON,
};

const PRIVATE_SIGSTORE: &str = include_str!("private_sigstore.py");
const PUBLIC_GOOD: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/signature/sigstore"
);

pub(crate) struct Sigstore {
    pub trusted_root: String,
    pub identity: String,
    pub issuer: String,
    /// One layer's annotations for each (payload, variant) asked for, in order.
    pub annotations: Vec<Value>,
}

pub(crate) fn private_sigstore(dir: &Path, requests: &[(&str, &str)]) -> Sigstore {
    let requests: Vec<Value> = requests
        .iter()
        .map(|(payload, variant)| json!({"payload": payload, "variant": variant}))
        .collect();
    let out = Command::new(SYSTEM_PYTHON)
        .arg("-c")
        .arg(PRIVATE_SIGSTORE)
        .arg(dir)
        .arg(Value::Array(requests).to_string())
        .output()
        .expect("run python3 (scripts/setup installs it with python3-cryptography)");
    assert!(
        out.status.success(),
        "private_sigstore.py: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("private_sigstore.py's JSON");
    let text = |k: &str| v[k].as_str().expect(k).to_string();
    Sigstore {
        trusted_root: text("trustedRoot"),
        identity: text("identity"),
        issuer: text("issuer"),
        annotations: v["annotations"].as_array().expect("annotations").clone(),
    }
}

#[tokio::test]
async fn keyless_cosign_signatures_verify_under_the_trusted_identity_and_root_only() {
    let reg = TestRegistry::anonymous().await;
    let pusher = Pusher::new(&reg.base_url());
    let host = reg.host();
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let repository = format!("{host}/app");
    let tags = [
        "good",
        "expired",
        "other-entry",
        "no-sct",
        "moved",
        "moved-to",
    ];
    let mut subjects = Vec::new();
    for tag in tags {
        subjects.push(push_artifact(home, &pusher, &host, "app", tag).await);
    }
    let payloads: Vec<String> = subjects
        .iter()
        .map(|s| payload(&repository, &s.digest))
        .collect();
    // "moved": a good signature of the artifact tagged `moved`, attached to `moved-to`.
    let requests: Vec<(&str, &str)> = tags[..5]
        .iter()
        .zip(&payloads)
        .map(|(tag, p)| (p.as_str(), if *tag == "moved" { "good" } else { *tag }))
        .collect();
    let sigstore = private_sigstore(home, &requests);
    for (i, annotations) in sigstore.annotations.iter().enumerate() {
        let attach_to = if tags[i] == "moved" {
            &subjects[5]
        } else {
            &subjects[i]
        };
        attach_cosign_layer(&pusher, "app", attach_to, &payloads[i], annotations.clone()).await;
    }
    let (id, iss, root) = (&sigstore.identity, &sigstore.issuer, &sigstore.trusted_root);
    let trusted = |reference: &str| {
        vec![
            reference.to_string(),
            "--trusted-root".into(),
            root.clone(),
            "--certificate-identity".into(),
            id.clone(),
            "--certificate-oidc-issuer".into(),
            iss.clone(),
            "--output".into(),
            "json".into(),
        ]
    };
    let check = |args: Vec<String>| async move {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        verify(home, &args).await
    };
    let good = format!("{repository}:good");

    let out = check(trusted(&good)).await;
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        stderr(&out)
    );
    let s = only_signature(&out, &subjects[0]);
    assert_eq!(s["verified"], true, "{s:#}");
    assert_eq!(
        s["by"],
        json!(format!("{id} (issuer {iss}), through {root}"))
    );
    assert_eq!(s["kind"], "cosign");
    assert_eq!(s["signedDigest"], json!(subjects[0].digest));
    assert_eq!((&s["identity"], &s["issuer"]), (&json!(id), &json!(iss)));

    // The text line says who signed and through which root.
    let mut text_args = trusted(&good);
    text_args.truncate(7);
    let text = check(text_args).await;
    let line = String::from_utf8_lossy(&text.stdout).into_owned();
    assert!(
        line.starts_with("verified")
            && line.contains(&format!("by {id} (issuer {iss}), through {root}")),
        "{line}"
    );

    // `inspect` says the same at length: who, through which issuer, the log entry, the claims.
    let inspected = run(
        home,
        &[
            "inspect",
            &good,
            "--trusted-root",
            root,
            "--certificate-identity",
            id,
            "--certificate-oidc-issuer",
            iss,
        ],
        "",
        &[],
    )
    .await;
    assert!(inspected.status.success(), "{}", stderr(&inspected));
    let text = String::from_utf8_lossy(&inspected.stdout).into_owned();
    for wanted in [
        "cosign signature  sha256:".to_string(),
        format!("status       verified by {id} (issuer {iss}), through {root}"),
        format!("signed by    {id}\n"),
        format!("issuer       {iss}"),
        "transparency-log entry ".to_string(),
        format!("signs        {}", subjects[0].digest),
    ] {
        assert!(text.contains(&wanted), "{wanted:?} in\n{text}");
    }

    // Regular expressions match the whole value.
    let by_regexp = check(vec![
        good.clone(),
        "--trusted-root".into(),
        root.clone(),
        "--certificate-identity-regexp".into(),
        r"https://github\.com/stowage-test/.*".into(),
        "--certificate-oidc-issuer-regexp".into(),
        r"https://token\.actions\.githubusercontent\.com".into(),
    ])
    .await;
    assert_eq!(by_regexp.status.code(), Some(0), "{}", stderr(&by_regexp));

    let reason_of = |out: &std::process::Output, subject| {
        assert_eq!(out.status.code(), Some(1), "{}", stderr(out));
        let s = only_signature(out, subject);
        assert_eq!(s["verified"], false, "{s:#}");
        s["reason"].as_str().unwrap_or_default().to_string()
    };

    // No identity trusted: the certificate checks out, and nothing says it is the right one.
    let out = check(vec![
        good.clone(),
        "--trusted-root".into(),
        root.clone(),
        "--output".into(),
        "json".into(),
    ])
    .await;
    let reason = reason_of(&out, &subjects[0]);
    assert!(reason.contains("no identity is trusted"), "{reason}");

    // Another identity, another issuer.
    for (flag, value) in [
        (
            "--certificate-identity",
            "https://github.com/stowage-test/other/.github/workflows/r.yml@refs/heads/main",
        ),
        ("--certificate-oidc-issuer", "https://accounts.google.com"),
    ] {
        let mut args = trusted(&good);
        let at = args.iter().position(|a| a == flag).unwrap();
        args[at + 1] = value.to_string();
        let reason = reason_of(&check(args).await, &subjects[0]);
        assert!(
            reason.starts_with(&format!(
                "signed by {id} (issuer {iss}), which no trusted identity matches"
            )),
            "{reason}"
        );
    }

    // The roots Stowage ships do not know this Fulcio.
    let mut shipped = trusted(&good);
    shipped.drain(1..3);
    let reason = reason_of(&check(shipped).await, &subjects[0]);
    assert!(
        reason.contains("do not verify against a trusted root (Sigstore public good: "),
        "{reason}"
    );

    // Each tampered variant fails with what sigstore found wrong.
    for (i, says) in [
        (1, "CertExpired"),
        (2, "artifact hash mismatch for hashedrekord entry"),
        (3, "certificate is missing SCT extension"),
    ] {
        let reference = format!("{repository}:{}", tags[i]);
        let reason = reason_of(&check(trusted(&reference)).await, &subjects[i]);
        assert!(
            reason.contains(&format!("do not verify against a trusted root ({root}: "))
                && reason.contains(says),
            "{}: {reason}",
            tags[i]
        );
    }

    let moved_to = format!("{repository}:moved-to");
    let reason = reason_of(&check(trusted(&moved_to)).await, &subjects[5]);
    assert_eq!(
        reason,
        format!(
            "signs {}, not this artifact ({})",
            subjects[4].digest, subjects[5].digest
        )
    );

    // Half a keyless policy is refused before anything is read.
    let half = verify(home, &[&good, "--certificate-identity", id]).await;
    assert_eq!(half.status.code(), Some(2), "{}", stderr(&half));
    assert!(
        stderr(&half).contains("--certificate-identity needs --certificate-oidc-issuer"),
        "{}",
        stderr(&half)
    );
}

#[tokio::test]
async fn verify_blob_checks_a_public_good_bundle_over_its_file() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let blob = format!("{PUBLIC_GOOD}/cosign-v3-blob.txt");
    let bundle = format!("{PUBLIC_GOOD}/cosign-v3-blob.sigstore.json");
    let (email, github) = ("w.vollprecht@gmail.com", "https://github.com/login/oauth");
    let args = |file: &str, identity: &str, issuer: &str| {
        vec![
            "verify-blob".to_string(),
            file.to_string(),
            "--bundle".into(),
            bundle.clone(),
            "--certificate-identity".into(),
            identity.to_string(),
            "--certificate-oidc-issuer".into(),
            issuer.to_string(),
        ]
    };
    let go = |args: Vec<String>| async move {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        run(home, &args, "", &[]).await
    };

    let out = go(args(&blob, email, github)).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let line = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        line.starts_with("verified")
            && line.contains(&format!(
                "by {email} (issuer {github}), through Sigstore public good"
            )),
        "{line}"
    );

    let changed = home.join("changed.txt");
    let mut bytes = std::fs::read(&blob).unwrap();
    bytes[0] ^= 1;
    std::fs::write(&changed, bytes).unwrap();
    for (file, identity, issuer, says) in [
        (
            changed.to_str().unwrap(),
            email,
            github,
            "does not verify over this file",
        ),
        (
            blob.as_str(),
            "someone@example.com",
            github,
            "which no trusted identity matches",
        ),
        (
            blob.as_str(),
            email,
            "https://accounts.google.com",
            "which no trusted identity matches",
        ),
    ] {
        let out = go(args(file, identity, issuer)).await;
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        let line = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            line.starts_with("failed") && line.contains(says),
            "{says}: {line}"
        );
    }

    let mut untrusted = args(&blob, email, github);
    untrusted.extend([
        "--trusted-root".to_string(),
        format!("{PUBLIC_GOOD}/scaffolding.json"),
    ]);
    let out = go(untrusted).await;
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));

    let missing = go(vec![
        "verify-blob".into(),
        blob.clone(),
        "--bundle".into(),
        home.join("none.json").display().to_string(),
    ])
    .await;
    assert_eq!(missing.status.code(), Some(2), "{}", stderr(&missing));
    assert!(
        stderr(&missing).contains("none.json"),
        "{}",
        stderr(&missing)
    );
}
