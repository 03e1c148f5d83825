//! A signature node's details: the signatures attached to a subject in the Local store.

use serde_json::json;
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

/// A keyless cosign signature of `subject` as an OCI 1.1 referrer: the simple-signing layer,
/// its signature and its signing certificate (made by tests/fixtures/signature/keys/make_certs.py).
async fn attach_keyless_signature(layout: &Layout, subject: &str, subject_size: u64) -> String {
    let payload = json!({"critical": {"identity": {"docker-reference": "local/team/app"},
        "image": {"docker-manifest-digest": subject},
        "type": "cosign container image signature"}, "optional": null})
    .to_string();
    let (layer, layer_size) = put_blob(layout, payload.as_bytes()).await;
    let (config, config_size) = put_blob(layout, b"{}").await;
    let certificate = include_str!("../../../tests/fixtures/signature/keys/fulcio-workflow.pem");
    let manifest = json!({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "artifactType": "application/vnd.dev.cosign.artifact.sig.v1+json",
        "config": {"mediaType": "application/vnd.oci.empty.v1+json", "size": config_size, "digest": config},
        "layers": [{"mediaType": "application/vnd.dev.cosign.simplesigning.v1+json",
                    "size": layer_size, "digest": layer,
                    "annotations": {"dev.cosignproject.cosign/signature": "MEUCIQDk",
                                    "dev.sigstore.cosign/certificate": certificate}}],
        "subject": {"mediaType": "application/vnd.oci.image.manifest.v1+json",
                    "size": subject_size, "digest": subject}});
    let bytes = serde_json::to_vec(&manifest).unwrap();
    let desc = layout
        .put_manifest(&bytes, "application/vnd.oci.image.manifest.v1+json", &[])
        .unwrap();
    desc.digest.to_string()
}

#[test]
fn a_keyless_signature_from_an_unknown_ca_fails_and_still_names_its_signer() {
    let f = fixture();
    let subject = tauri::async_runtime::block_on(local_artifact(&f));
    let layout = f
        .app
        .state::<AppState>()
        .local
        .layout("team/app", false)
        .unwrap();
    let subject_size = read_blob(layout.root(), &subject).len() as u64;
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
