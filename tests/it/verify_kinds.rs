//! Every kind on one multi-arch image in the real registry: a cosign signature made with a key
//! on the index, a keyless cosign signature on the amd64 manifest, a notation JWS on the arm64
//! manifest and a notation COSE signature on the index. `stowage verify` with all the trust
//! flags gives each its verdict and attributes it to the manifest it signs; without them
//! nothing verifies.

use serde_json::{json, Value};

use crate::cli::stderr;
use crate::harness::{Pusher, TestRegistry};
use crate::verify::{
    attach_cosign_layer, attach_cosign_signature, multi_arch, payload, sign, verify,
};
use crate::verify_keyless::private_sigstore;
use crate::verify_notation::{attach_notation, private_notation};

#[tokio::test]
async fn every_kind_on_one_multi_arch_image_gets_its_own_verdict() {
    let reg = TestRegistry::anonymous().await;
    let pusher = Pusher::new(&reg.base_url());
    let host = reg.host();
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let (index, amd64, arm64) = multi_arch(&pusher, "kinds").await;
    let repository = format!("{host}/kinds");

    // A key signs the index.
    let index_payload = payload(&repository, &index.digest);
    let keyed = sign(home, &[&index_payload]);
    let (key, _) = &keyed.keys[0];
    attach_cosign_signature(
        &pusher,
        "kinds",
        &index,
        &index_payload,
        &keyed.signatures[0],
    )
    .await;
    // A keyless signer signs the amd64 manifest.
    let amd64_payload = payload(&repository, &amd64.digest);
    let sigstore = private_sigstore(home, &[(&amd64_payload, "good")]);
    attach_cosign_layer(
        &pusher,
        "kinds",
        &amd64,
        &amd64_payload,
        sigstore.annotations[0].clone(),
    )
    .await;
    // notation signs the arm64 manifest (JWS) and the index (COSE).
    let notation = private_notation(
        home,
        &repository,
        &[("good", &arm64), ("cose-good", &index)],
    );
    let (store, policy) = (&notation.trust_store, &notation.trust_policy);
    for ((file, media_type), subject) in notation.layers.iter().zip([&arm64, &index]) {
        attach_notation(
            home,
            &format!("{repository}@{}", subject.digest),
            file,
            media_type,
        )
        .await;
    }

    let reference = format!("{repository}:v1");
    let out = verify(
        home,
        &[
            &reference,
            "--key",
            key,
            "--trusted-root",
            &sigstore.trusted_root,
            "--certificate-identity",
            &sigstore.identity,
            "--certificate-oidc-issuer",
            &sigstore.issuer,
            "--trust-store",
            store,
            "--trust-policy",
            policy,
            "--output",
            "json",
        ],
    )
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let answer: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(answer["subject"], json!(index.digest));
    let mut seen: Vec<(String, String, String)> = answer["signatures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            assert_eq!(s["verified"], true, "{s:#}");
            let by = s["by"].as_str().unwrap();
            let how = if by.starts_with("key ") {
                "key"
            } else if by.contains("(issuer ") {
                "keyless"
            } else {
                "trust store"
            };
            (
                s["kind"].as_str().unwrap().to_string(),
                how.to_string(),
                s["signedDigest"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    seen.sort();
    let mut wanted = vec![
        (
            "cosign".to_string(),
            "key".to_string(),
            index.digest.clone(),
        ),
        (
            "cosign".to_string(),
            "keyless".to_string(),
            amd64.digest.clone(),
        ),
        (
            "notation".to_string(),
            "trust store".to_string(),
            arm64.digest.clone(),
        ),
        (
            "notation".to_string(),
            "trust store".to_string(),
            index.digest.clone(),
        ),
    ];
    wanted.sort();
    assert_eq!(seen, wanted);

    // With no trust given, every one of them is found and none verifies.
    let bare = verify(home, &[&reference, "--output", "json"]).await;
    assert_eq!(bare.status.code(), Some(1), "{}", stderr(&bare));
    let answer: Value = serde_json::from_slice(&bare.stdout).unwrap();
    let signatures = answer["signatures"].as_array().unwrap();
    assert_eq!(signatures.len(), 4, "{answer:#}");
    assert!(
        signatures.iter().all(|s| s["verified"] == false),
        "{answer:#}"
    );
}
