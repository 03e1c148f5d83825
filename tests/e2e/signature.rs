//! Signatures in the real app: a keyless cosign signature (made by the private Sigstore of
//! tests/it/private_sigstore.py) attached to an image in the Local store, with that Sigstore's
//! trusted root in the app's settings. The card says the certificate checks out and names its
//! signer; "Trust this signer" turns it verified, and the graph node and the tag's badge say so.

use std::path::Path;

use serde_json::{json, Value};
use stowage::layout::Layout;
use stowage::local::LocalStore;
use stowage::Digest;

use super::app::{self, App};
use super::webdriver::{wait_for, Error, Seen};
use super::{shots, TestResult, ONE_APP};

const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";

fn put_blob(layout: &Layout, bytes: &[u8]) -> Result<(Digest, u64), Box<dyn std::error::Error>> {
    let digest = Digest::sha256_of(bytes);
    let runtime = tokio::runtime::Handle::current();
    tokio::task::block_in_place(|| {
        runtime.block_on(async {
            let mut writer = layout.blob_writer(&digest, Some(bytes.len() as u64))?;
            writer.write(bytes).await?;
            writer.finish().await
        })
    })?;
    Ok((digest, bytes.len() as u64))
}

/// The app's settings with `root` trusted, as the Trust dialog would save it; the settings as
/// they were, to put back.
fn trust_root(config: &Path, root: &str) -> Result<Option<Vec<u8>>, Box<dyn std::error::Error>> {
    let file = config.join("settings.json");
    let before = std::fs::read(&file).ok();
    let mut settings: Value = match &before {
        Some(bytes) => serde_json::from_slice(bytes)?,
        None => json!({}),
    };
    settings["trust"] = json!({"roots": [{"name": "e2e_trusted_root.json",
                                          "json": std::fs::read_to_string(root)?}]});
    std::fs::create_dir_all(config)?;
    std::fs::write(&file, serde_json::to_vec_pretty(&settings)?)?;
    Ok(before)
}

#[tokio::test(flavor = "multi_thread")]
async fn trusting_a_keyless_signer_marks_its_signature_verified_in_card_and_graph() -> TestResult {
    let _one = ONE_APP.lock().await;
    let data = app::required_env(
        "STOWAGE_DATA_DIR",
        "the app's data folder (scripts/with-display)",
    )?;
    let config = app::required_env(
        "STOWAGE_CONFIG_DIR",
        "the app's settings folder (scripts/with-display)",
    )?;
    let local = LocalStore::new(Path::new(&data).join("local"));
    let repo = "e2e/signed-app";
    let path = local.path(repo)?;
    if path.exists() {
        std::fs::remove_dir_all(&path)?;
    }
    let layout = local.layout(repo, true)?;

    // The image: one layer, tagged v1.
    let (config_blob, config_size) = put_blob(&layout, b"{}")?;
    let (layer, layer_size) = put_blob(&layout, b"hello, signed world\n")?;
    let image = json!({"schemaVersion": 2, "mediaType": OCI_MANIFEST,
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "size": config_size, "digest": config_blob},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", "size": layer_size, "digest": layer}]});
    let image = serde_json::to_vec(&image)?;
    let subject = layout.put_manifest(&image, OCI_MANIFEST, &["v1".to_string()])?;

    // Its keyless signature, as an OCI 1.1 referrer.
    let payload = json!({"critical": {"identity": {"docker-reference": "local/e2e/signed-app"},
        "image": {"docker-manifest-digest": subject.digest.to_string()},
        "type": "cosign container image signature"}, "optional": null})
    .to_string();
    let scratch = tempfile::tempdir()?;
    let made = std::process::Command::new("python3")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/private_sigstore.py"))
        .arg(scratch.path())
        .arg(json!([{"payload": payload, "variant": "good"}]).to_string())
        .output()?;
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let sigstore: Value = serde_json::from_slice(&made.stdout)?;
    let (sig_layer, sig_size) = put_blob(&layout, payload.as_bytes())?;
    let (empty, empty_size) = put_blob(&layout, b"{}")?;
    let signature = json!({"schemaVersion": 2, "mediaType": OCI_MANIFEST,
        "artifactType": "application/vnd.dev.cosign.artifact.sig.v1+json",
        "config": {"mediaType": "application/vnd.oci.empty.v1+json", "size": empty_size, "digest": empty},
        "layers": [{"mediaType": "application/vnd.dev.cosign.simplesigning.v1+json",
                    "size": sig_size, "digest": sig_layer, "annotations": sigstore["annotations"][0]}],
        "subject": {"mediaType": OCI_MANIFEST, "size": subject.size, "digest": subject.digest.to_string()}});
    let signature = layout
        .put_manifest(&serde_json::to_vec(&signature)?, OCI_MANIFEST, &[])?
        .digest
        .to_string();
    let root = sigstore["trustedRoot"].as_str().ok_or("a trusted root")?;
    let before = trust_root(Path::new(&config), root)?;

    let app = App::launch(&shots()).await?;
    app.wait_sidebar().await?;
    app.open_source("local").await?;
    app.open_repository(repo).await?;
    app.open_tag("v1").await?;
    let label = || async {
        let nodes = app.graph_nodes().await?;
        Ok::<_, Error>(
            nodes
                .into_iter()
                .find(|n| n.id == signature)
                .map(|n| n.label),
        )
    };
    wait_for("the signature node in the graph", || async {
        Ok(match label().await? {
            Some(label) => Seen::Ready(label),
            None => Seen::NotYet("not drawn yet".to_string()),
        })
    })
    .await?;
    // Nothing is trusted yet: the tag's badge only says a signature is there.
    let badges = app.wait_badges("v1").await?.badges;
    assert!(badges.contains(&"signature".to_string()), "{badges:?}");
    app.select_node(&signature).await?;
    app.wait_element("[data-testid=trust-signer]").await?;
    let status = app.text_of("[data-testid=signature-status]").await?;
    assert_eq!(status, "not checked");
    let reason = app.text_of("[data-testid=signature-reason]").await?;
    assert!(
        reason.contains("checks out against e2e_trusted_root.json")
            && reason.contains("no identity is trusted"),
        "{reason}"
    );
    app.shot("32-signature-not-checked").await?;

    app.wait_element("[data-testid=trust-signer]")
        .await?
        .click()
        .await?;
    wait_for("the card to say verified", || async {
        let status = app.text_of("[data-testid=signature-status]").await?;
        Ok(if status == "verified" {
            Seen::Ready(())
        } else {
            Seen::NotYet(status)
        })
    })
    .await?;
    let by = app.text_of("[data-testid=signature-by]").await?;
    let identity = sigstore["identity"].as_str().unwrap_or_default();
    assert!(
        by.contains(identity) && by.contains("through e2e_trusted_root.json"),
        "{by}"
    );
    wait_for("the graph to mark the signature verified", || async {
        let shown = label().await?.unwrap_or_default();
        Ok(if shown.starts_with("✓ ") {
            Seen::Ready(())
        } else {
            Seen::NotYet(shown)
        })
    })
    .await?;
    // The tag's badge says so too, now that its graph was checked.
    wait_for("the tag's badge to say verified", || async {
        let badges = app.wait_badges("v1").await?.badges;
        Ok(if badges.iter().any(|b| b == "✓ verified") {
            Seen::Ready(())
        } else {
            Seen::NotYet(format!("{badges:?}"))
        })
    })
    .await?;
    app.shot("33-signature-verified").await?;
    app.close().await?;

    // Saved: the settings now trust that signer.
    let saved: Value =
        serde_json::from_slice(&std::fs::read(Path::new(&config).join("settings.json"))?)?;
    assert_eq!(saved["trust"]["identities"][0]["identity"], json!(identity));
    match before {
        Some(bytes) => std::fs::write(Path::new(&config).join("settings.json"), bytes)?,
        None => std::fs::remove_file(Path::new(&config).join("settings.json"))?,
    }
    Ok(())
}
