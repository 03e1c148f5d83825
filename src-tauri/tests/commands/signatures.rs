//! A signature node's details: the signatures attached to a subject in the Local store.

use serde_json::{json, Value};
use stowage::layout::Layout;
use stowage::Digest;
use stowage_app::state::AppState;
use tauri::Manager;

use crate::*;

async fn put_blob(layout: &Layout, bytes: &[u8]) -> (String, u64) {
    let digest = Digest::sha256_of(bytes);
    let mut writer = layout
        .blob_writer(&digest, Some(bytes.len() as u64))
        .unwrap();
    writer.write(bytes).await.unwrap();
    writer.finish().await.unwrap();
    (digest.to_string(), bytes.len() as u64)
}

/// cosign's simple-signing payload for `subject`.
fn payload(subject: &str) -> String {
    json!({"critical": {"identity": {"docker-reference": "local/team/app"},
        "image": {"docker-manifest-digest": subject},
        "type": "cosign container image signature"}, "optional": null})
    .to_string()
}

/// A cosign signature of `subject` as an OCI 1.1 referrer: the simple-signing layer with the
/// signature material in its annotations, as cosign lays it out.
async fn attach_cosign(
    layout: &Layout,
    subject: &str,
    subject_size: u64,
    payload: &str,
    annotations: serde_json::Value,
) -> String {
    let (layer, layer_size) = put_blob(layout, payload.as_bytes()).await;
    let (config, config_size) = put_blob(layout, b"{}").await;
    let manifest = json!({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "artifactType": "application/vnd.dev.cosign.artifact.sig.v1+json",
        "config": {"mediaType": "application/vnd.oci.empty.v1+json", "size": config_size, "digest": config},
        "layers": [{"mediaType": "application/vnd.dev.cosign.simplesigning.v1+json",
                    "size": layer_size, "digest": layer, "annotations": annotations}],
        "subject": {"mediaType": "application/vnd.oci.image.manifest.v1+json",
                    "size": subject_size, "digest": subject}});
    let bytes = serde_json::to_vec(&manifest).unwrap();
    let desc = layout
        .put_manifest(&bytes, "application/vnd.oci.image.manifest.v1+json", &[])
        .unwrap();
    desc.digest.to_string()
}

/// A keyless cosign signature whose certificate (tests/fixtures/signature/keys/make_certs.py)
/// comes from no Sigstore instance: its signature bytes are not even a signature.
async fn attach_keyless_signature(layout: &Layout, subject: &str, subject_size: u64) -> String {
    let certificate = include_str!("../../../tests/fixtures/signature/keys/fulcio-workflow.pem");
    let annotations = json!({"dev.cosignproject.cosign/signature": "MEUCIQDk",
                             "dev.sigstore.cosign/certificate": certificate});
    attach_cosign(
        layout,
        subject,
        subject_size,
        &payload(subject),
        annotations,
    )
    .await
}

/// `team/app:v1` of the Local store: its layout, digest and size, to attach signatures to.
fn local_subject(f: &Fixture) -> (Layout, String, u64) {
    let subject = tauri::async_runtime::block_on(local_artifact(f));
    let layout = f
        .app
        .state::<AppState>()
        .local
        .layout("team/app", false)
        .unwrap();
    let size = read_blob(layout.root(), &subject).len() as u64;
    (layout, subject, size)
}

#[test]
fn a_keyless_signature_from_an_unknown_ca_fails_and_still_names_its_signer() {
    let f = fixture();
    let (layout, subject, subject_size) = local_subject(&f);
    let signature =
        tauri::async_runtime::block_on(attach_keyless_signature(&layout, &subject, subject_size));

    let details = invoke(
        &f,
        "signature_details",
        json!({"source": "local", "repository": "team/app", "subject": subject}),
    )
    .unwrap();
    let all = details.as_array().expect("a list");
    assert_eq!(all.len(), 1, "{details:#}");
    let s = &all[0];
    assert_eq!(s["manifest"], json!(signature));
    assert_eq!(s["kind"], "cosign");
    // The test CA is no Sigstore root the app ships, so the chain check refuses it.
    assert_eq!(s["status"], "failed", "{s:#}");
    assert!(
        s["reason"]
            .as_str()
            .unwrap()
            .contains("Sigstore public good"),
        "{s:#}"
    );
    assert_eq!(
        s["signer"]["identities"],
        json!([
            "https://github.com/stowage-test/app/.github/workflows/release.yml@refs/tags/v1.2.0"
        ])
    );
    assert_eq!(
        s["signer"]["oidcIssuer"],
        "https://token.actions.githubusercontent.com"
    );
    assert!(
        s["signer"]["claims"].as_array().unwrap().contains(&json!([
            "Source repository URI",
            "https://github.com/stowage-test/app"
        ])),
        "{s:#}"
    );
    assert_eq!(s["signer"]["notBefore"], "2026-11-01T10:05:00Z");
}

/// The JSON a test script of tests/it (signing with Python's `cryptography`) prints.
fn python(script: &str, args: &[&std::ffi::OsStr]) -> Value {
    let out = std::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .expect("run python3 (scripts/setup installs it with python3-cryptography)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// What tests/it/private_sigstore.py made: its trusted root's path, the identity and issuer
/// its certificates name, and the annotations of one good keyless signature over `payload`.
fn private_sigstore(dir: &std::path::Path, payload: &str) -> (String, String, String, Value) {
    let requests = json!([{"payload": payload, "variant": "good"}]).to_string();
    let v = python(
        include_str!("../../../tests/it/private_sigstore.py"),
        &[dir.as_os_str(), requests.as_ref()],
    );
    let text = |k: &str| v[k].as_str().unwrap().to_string();
    (
        text("trustedRoot"),
        text("identity"),
        text("issuer"),
        v["annotations"][0].clone(),
    )
}

#[test]
fn trusting_a_root_and_then_a_signer_turns_a_keyless_signature_verified() {
    let f = fixture();
    let (layout, subject, subject_size) = local_subject(&f);
    let payload = payload(&subject);
    let (root, identity, issuer, annotations) = private_sigstore(&f.dirs.data, &payload);
    tauri::async_runtime::block_on(attach_cosign(
        &layout,
        &subject,
        subject_size,
        &payload,
        annotations,
    ));
    let status = || {
        let details = invoke(
            &f,
            "signature_details",
            json!({"source": "local", "repository": "team/app", "subject": subject}),
        )
        .unwrap();
        let s = details[0].clone();
        (
            s["status"].as_str().unwrap().to_string(),
            s["reason"].as_str().map(str::to_string),
            s["verifiedBy"].as_str().map(str::to_string),
        )
    };

    // The shipped roots do not know this Fulcio.
    let (st, reason, _) = status();
    assert_eq!(st, "failed", "{reason:?}");

    // A root the webview names without the user having picked it is refused.
    let refused = invoke(&f, "trust_root", json!({"path": root})).unwrap_err();
    assert_eq!(refused["code"], "forbidden", "{refused}");

    f.app.state::<AppState>().grants.grant([&root]);
    let view = invoke(&f, "trust_root", json!({"path": root})).unwrap();
    let roots: Vec<_> = view["roots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["name"].clone(), r["shipped"].clone()))
        .collect();
    assert_eq!(
        roots.last().unwrap(),
        &(json!("trusted_root.json"), json!(false)),
        "{view:#}"
    );
    let (st, reason, _) = status();
    assert_eq!(st, "notChecked");
    assert!(reason.unwrap().contains("but no identity is trusted"));

    // A signer by regular expression that does not compile is refused and changes nothing.
    let bad = invoke(&f, "trust_identity", json!({"identity": {"identity": "(open", "identityRegexp": true, "issuer": issuer, "issuerRegexp": false}})).unwrap_err();
    assert_eq!(bad["code"], "invalid");
    assert!(
        bad["message"]
            .as_str()
            .unwrap()
            .starts_with("the identity regular expression: (open"),
        "{bad}"
    );

    let trusted = json!({"identity": identity, "identityRegexp": false, "issuer": issuer, "issuerRegexp": false});
    let view = invoke(&f, "trust_identity", json!({"identity": trusted})).unwrap();
    assert_eq!(view["identities"], json!([trusted]));
    let (st, _, by) = status();
    assert_eq!(st, "verified");
    assert_eq!(
        by.unwrap(),
        format!("{identity} (issuer {issuer}), through trusted_root.json")
    );

    // Saved with the settings, as the user wrote it.
    let saved = std::fs::read_to_string(f.dirs.settings_file()).unwrap();
    assert!(saved.contains("\"identityRegexp\": false"), "{saved}");

    // Untrusting the signer puts it back; the shipped roots cannot be removed.
    invoke(&f, "untrust", json!({"entry": "identity", "index": 0})).unwrap();
    assert_eq!(status().0, "notChecked");
    let shipped = invoke(&f, "untrust", json!({"entry": "root", "index": 0})).unwrap_err();
    assert_eq!(shipped["code"], "invalid");
    let view = invoke(&f, "trust_settings", json!({})).unwrap();
    assert_eq!(view["roots"].as_array().unwrap().len(), 3);
}

#[test]
fn public_keys_are_trusted_once_and_a_broken_one_is_refused() {
    let f = fixture();
    let pem = include_str!("../../../tests/fixtures/signature/keys/p256.pub.pem");
    let view = invoke(&f, "trust_key", json!({"pem": pem})).unwrap();
    let keys = view["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 1);
    assert_eq!(keys[0]["algorithm"], "ECDSA P-256");
    assert!(keys[0]["id"].as_str().unwrap().starts_with("sha256:"));
    let again = invoke(&f, "trust_key", json!({"pem": pem})).unwrap();
    assert_eq!(again["keys"], view["keys"]);
    let bad = invoke(&f, "trust_key", json!({"pem": "hello"})).unwrap_err();
    assert_eq!(bad["code"], "invalid");
    assert!(
        bad["message"]
            .as_str()
            .unwrap()
            .starts_with("the public key: "),
        "{bad}"
    );
}

#[test]
fn a_notation_trust_store_and_policy_picked_in_the_shell_verify_a_notation_signature() {
    let f = fixture();
    let (layout, subject, subject_size) = local_subject(&f);
    let target = json!({"mediaType": "application/vnd.oci.image.manifest.v1+json",
                        "digest": subject, "size": subject_size});
    let requests = json!([{"variant": "good", "target": target}]).to_string();
    let made = python(
        include_str!("../../../tests/it/private_notation.py"),
        &[f.dirs.data.as_os_str(), "*".as_ref(), requests.as_ref()],
    );
    let jws = made["layers"][0].as_str().unwrap();
    let (layer, layer_size) = tauri::async_runtime::block_on(put_blob(&layout, jws.as_bytes()));
    let (config, config_size) = tauri::async_runtime::block_on(put_blob(&layout, b"{}"));
    let manifest = json!({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "artifactType": "application/vnd.cncf.notary.signature",
        "config": {"mediaType": "application/vnd.oci.empty.v1+json", "size": config_size, "digest": config},
        "layers": [{"mediaType": "application/jose+json", "size": layer_size, "digest": layer}],
        "subject": target});
    layout
        .put_manifest(
            &serde_json::to_vec(&manifest).unwrap(),
            "application/vnd.oci.image.manifest.v1+json",
            &[],
        )
        .unwrap();
    let status = || {
        let details = invoke(
            &f,
            "signature_details",
            json!({"source": "local", "repository": "team/app", "subject": subject}),
        )
        .unwrap();
        (
            details[0]["status"].clone(),
            details[0]["reason"].clone(),
            details[0]["verifiedBy"].clone(),
        )
    };
    assert_eq!(status().0, "notChecked", "{:?}", status());

    let (store, policy) = (
        made["trustStore"].as_str().unwrap(),
        made["trustPolicy"].as_str().unwrap(),
    );
    let args = json!({"store": store, "policy": policy});
    let refused = invoke(&f, "trust_notation", args.clone()).unwrap_err();
    assert_eq!(refused["code"], "forbidden", "{refused}");
    f.app.state::<AppState>().grants.grant([store, policy]);
    let view = invoke(&f, "trust_notation", args).unwrap();
    assert_eq!(
        view["notation"]["stores"],
        json!([["ca:acme", 1]]),
        "{view:#}"
    );
    assert_eq!(
        view["notation"]["statements"],
        json!(["stowage-test: strict for *"])
    );

    let (st, reason, by) = status();
    assert_eq!(st, "verified", "{reason}");
    let by = by.as_str().unwrap();
    assert!(
        by.starts_with("CN=Release Builder")
            && by.ends_with("through trust store ca:acme (trust policy stowage-test)"),
        "{by}"
    );

    // Kept as text in the settings: moving the folder away changes nothing.
    std::fs::remove_dir_all(store).unwrap();
    let saved = std::fs::read_to_string(f.dirs.settings_file()).unwrap();
    assert!(
        saved.contains("BEGIN CERTIFICATE") && saved.contains("stowage-test"),
        "{saved}"
    );
    assert_eq!(status().0, "verified");
    invoke(&f, "untrust", json!({"entry": "notation", "index": 0})).unwrap();
    assert_eq!(status().0, "notChecked");
}
