//! Tests of opening and reading layouts, referrers, and archives (the write side is in write_tests.rs).

use std::collections::BTreeMap;

use serde_json::{json, Value};
use tokio::io::AsyncReadExt;

use super::*;
use crate::manifest::media_type::{OCI_CONFIG, OCI_EMPTY, OCI_INDEX, OCI_MANIFEST};

pub(super) const LAYER: &str = "application/vnd.oci.image.layer.v1.tar";

pub(super) fn store() -> (tempfile::TempDir, Layout) {
    let dir = tempfile::tempdir().expect("tempdir");
    let layout = Layout::open_or_create(dir.path().join("store")).expect("create layout");
    (dir, layout)
}

/// Stores `bytes` as a blob through a `BlobWriter`, as a push would.
pub(super) async fn put_blob(layout: &Layout, bytes: &[u8], media_type: &str) -> Descriptor {
    let digest = Digest::sha256_of(bytes);
    let mut writer = layout
        .blob_writer(&digest, Some(bytes.len() as u64))
        .expect("blob writer");
    writer.write(bytes).await.expect("write blob");
    writer.finish().await.expect("finish blob");
    Descriptor::new(media_type, digest, bytes.len() as u64)
}

pub(super) fn desc_json(d: &Descriptor) -> Value {
    serde_json::to_value(d).expect("descriptor json")
}

/// The bytes of an image manifest over `config` and `layers`, with optional extras.
pub(super) fn image_bytes(
    config: &Descriptor,
    layers: &[&Descriptor],
    subject: Option<&Descriptor>,
    artifact_type: Option<&str>,
    annotations: &[(&str, &str)],
) -> Vec<u8> {
    let mut m = json!({
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": desc_json(config),
        "layers": layers.iter().map(|l| desc_json(l)).collect::<Vec<_>>(),
    });
    if let Some(s) = subject {
        m["subject"] = desc_json(s);
    }
    if let Some(t) = artifact_type {
        m["artifactType"] = json!(t);
    }
    if !annotations.is_empty() {
        let map: BTreeMap<_, _> = annotations.iter().copied().collect();
        m["annotations"] = json!(map);
    }
    serde_json::to_vec(&m).expect("manifest json")
}

/// A stored image (config + one layer) with `content`, tagged as given.
pub(super) async fn put_image(layout: &Layout, content: &[u8], tags: &[&str]) -> Descriptor {
    let config = put_blob(layout, b"{}", OCI_EMPTY).await;
    let layer = put_blob(layout, content, LAYER).await;
    let bytes = image_bytes(&config, &[&layer], None, None, &[]);
    let tags: Vec<String> = tags.iter().map(|t| t.to_string()).collect();
    layout
        .put_manifest(&bytes, OCI_MANIFEST, &tags)
        .expect("put manifest")
}

fn index_json(layout: &Layout) -> Value {
    let bytes = std::fs::read(layout.root().join("index.json")).expect("read index.json");
    serde_json::from_slice(&bytes).expect("parse index.json")
}

#[test]
fn open_needs_a_layout_marker_of_version_1_0_0() {
    let dir = tempfile::tempdir().expect("tempdir");
    let err = Layout::open(dir.path()).expect_err("no oci-layout");
    assert!(err.is_not_found(), "{err}");
    assert!(err.to_string().contains("oci-layout"), "{err}");
    assert!(err.to_string().contains(&dir.path().display().to_string()));

    std::fs::write(
        dir.path().join("oci-layout"),
        r#"{"imageLayoutVersion":"2.0.0"}"#,
    )
    .expect("w");
    let err = Layout::open(dir.path()).expect_err("wrong version");
    assert_eq!(err.code(), "malformed");
    assert!(err.to_string().contains("2.0.0"), "{err}");

    std::fs::write(dir.path().join("oci-layout"), "not json").expect("write");
    let err = Layout::open(dir.path()).expect_err("bad json");
    assert!(err.to_string().contains("oci-layout"), "{err}");
}

#[test]
fn malformed_index_json_is_named() {
    let (_dir, layout) = store();
    let path = layout.root().join("index.json");
    for bad in [
        "{",
        "[]",
        r#"{"manifests":{}}"#,
        r#"{"manifests":[{"digest":"sha256:00"}]}"#,
    ] {
        std::fs::write(&path, bad).expect("write index.json");
        let err = Layout::open(layout.root()).expect_err(bad);
        assert_eq!(err.code(), "malformed", "{bad}: {err}");
        assert!(
            err.to_string().contains(&path.display().to_string()),
            "{err}"
        );
        assert!(layout.tags().is_err());
    }
}

#[test]
fn open_or_create_makes_an_empty_layout_and_keeps_an_existing_one() {
    let (_dir, layout) = store();
    let marker = std::fs::read_to_string(layout.root().join("oci-layout")).expect("marker");
    assert_eq!(marker, r#"{"imageLayoutVersion":"1.0.0"}"#);
    let index = index_json(&layout);
    assert_eq!(index["schemaVersion"], 2);
    assert_eq!(index["mediaType"], OCI_INDEX);
    assert_eq!(index["manifests"], json!([]));
    assert!(layout.root().join("blobs").is_dir());
    assert!(layout.manifests().expect("manifests").is_empty());

    let custom = json!({"schemaVersion": 2, "manifests": [], "annotations": {"keep": "me"}});
    std::fs::write(layout.root().join("index.json"), custom.to_string()).expect("write");
    let again = Layout::open_or_create(layout.root()).expect("reopen");
    assert_eq!(index_json(&again), custom);
}

#[tokio::test]
async fn resolves_tags_listed_digests_and_bare_blobs() {
    let (_dir, layout) = store();
    let image = put_image(&layout, b"layer", &["v1"]).await;

    let by_tag = layout.resolve("v1").expect("tag");
    assert_eq!(by_tag.digest, image.digest);
    assert_eq!(
        by_tag.annotations.get(REF_NAME).map(String::as_str),
        Some("v1")
    );
    let by_digest = layout.resolve(&image.digest.to_string()).expect("digest");
    assert_eq!(by_digest, by_tag);

    // A manifest blob not in index.json: type from its mediaType field, size from the file.
    let index_bytes = serde_json::to_vec(&json!({
        "schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": [desc_json(&image)]
    }))
    .expect("json");
    let index = put_blob(&layout, &index_bytes, OCI_INDEX).await;
    let bare = layout
        .resolve(&index.digest.to_string())
        .expect("bare blob");
    assert_eq!(
        bare,
        Descriptor::new(OCI_INDEX, index.digest, index_bytes.len() as u64)
    );

    let err = layout.resolve("v2").expect_err("unknown tag");
    assert!(
        err.is_not_found() && err.to_string().contains("index.json"),
        "{err}"
    );
    let absent = Digest::sha256_of(b"absent").to_string();
    assert!(layout.resolve(&absent).expect_err("absent").is_not_found());
    assert_eq!(
        layout.resolve("sha256:zz").expect_err("bad").code(),
        "invalid_digest"
    );
}

#[tokio::test]
async fn the_last_entry_with_a_tag_wins() {
    let (_dir, layout) = store();
    let a = put_image(&layout, b"a", &[]).await;
    let b = put_image(&layout, b"b", &[]).await;
    let entry = |d: &Descriptor| {
        let mut e = desc_json(d);
        e["annotations"] = json!({ REF_NAME: "dup" });
        e
    };
    let index = json!({"schemaVersion": 2, "manifests": [entry(&a), entry(&b)]});
    std::fs::write(layout.root().join("index.json"), index.to_string()).expect("write");
    assert_eq!(layout.resolve("dup").expect("dup").digest, b.digest);
    assert_eq!(layout.tags().expect("tags"), vec!["dup".to_string()]);
    assert_eq!(layout.manifests().expect("manifests").len(), 2);
}

#[tokio::test]
async fn fetch_manifest_verifies_and_caps() {
    let (_dir, layout) = store();
    let image = put_image(&layout, b"layer", &["v1"]).await;
    let fetched = layout.fetch_manifest(&image.digest).expect("fetch");
    assert_eq!(fetched.media_type, OCI_MANIFEST);
    assert_eq!(fetched.bytes.len() as u64, image.size);
    assert!(matches!(
        fetched.parse().expect("parse"),
        Manifest::Image(_)
    ));

    let path = layout.blob_path(&image.digest);
    std::fs::write(&path, b"{\"tampered\":true}").expect("tamper");
    let err = layout.fetch_manifest(&image.digest).expect_err("tampered");
    assert_eq!(err.code(), "digest_mismatch");
    assert!(
        err.to_string().contains(&path.display().to_string()),
        "{err}"
    );

    let big = vec![b' '; 4 * 1024 * 1024 + 1];
    let big = put_blob(&layout, &big, LAYER).await;
    assert_eq!(
        layout.fetch_manifest(&big.digest).expect_err("big").code(),
        "too_large"
    );
    let absent = Digest::sha256_of(b"absent");
    let err = layout.fetch_manifest(&absent).expect_err("absent");
    assert!(
        err.is_not_found() && err.to_string().contains("blobs/sha256"),
        "{err}"
    );
}

#[tokio::test]
async fn blob_size_and_streaming_reads() {
    let (_dir, layout) = store();
    let blob = put_blob(&layout, b"some layer bytes", LAYER).await;
    assert_eq!(layout.blob_size(&blob.digest).expect("size"), Some(16));
    assert_eq!(
        layout.blob_size(&Digest::sha256_of(b"x")).expect("size"),
        None
    );
    let (mut file, size) = layout.open_blob(&blob.digest).await.expect("open");
    assert_eq!(size, 16);
    let mut read = Vec::new();
    file.read_to_end(&mut read).await.expect("read");
    assert_eq!(read, b"some layer bytes");
    let err = layout
        .open_blob(&Digest::sha256_of(b"x"))
        .await
        .expect_err("absent");
    assert!(err.is_not_found());
    assert_eq!(
        layout.blob_path(&blob.digest),
        layout.root().join("blobs/sha256").join(blob.digest.hex())
    );
}

#[tokio::test]
async fn referrers_are_found_at_any_depth_and_filtered() {
    let (_dir, layout) = store();
    let subject = put_image(&layout, b"subject", &["v1"]).await;
    let empty = put_blob(&layout, b"{}", OCI_EMPTY).await;
    let sbom = put_blob(&layout, b"{\"spdx\":1}", "application/spdx+json").await;

    let typed = image_bytes(
        &empty,
        &[&sbom],
        Some(&subject),
        Some("application/spdx+json"),
        &[("who", "me")],
    );
    let typed = layout
        .put_manifest(&typed, OCI_MANIFEST, &[])
        .expect("typed referrer");
    // A referrer without artifactType, listed only inside an index, as nested tools write.
    let sig_config = put_blob(&layout, b"{\"sig\":1}", "application/vnd.example.sig").await;
    let nested = image_bytes(&sig_config, &[], Some(&subject), None, &[]);
    let nested = put_blob(&layout, &nested, OCI_MANIFEST).await;
    let wrapper = serde_json::to_vec(&json!({
        "schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": [desc_json(&nested)]
    }))
    .expect("json");
    layout
        .put_manifest(&wrapper, OCI_INDEX, &["wrapper".into()])
        .expect("wrapper");
    // Unrelated: a referrer of something else.
    let other = image_bytes(&empty, &[], Some(&typed), None, &[]);
    layout
        .put_manifest(&other, OCI_MANIFEST, &[])
        .expect("other");

    let found = layout.referrers(&subject.digest, None).expect("referrers");
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!(found[0].digest, typed.digest);
    assert_eq!(
        found[0].artifact_type.as_deref(),
        Some("application/spdx+json")
    );
    assert_eq!(
        found[0].annotations.get("who").map(String::as_str),
        Some("me")
    );
    assert_eq!(found[0].media_type, OCI_MANIFEST);
    assert_eq!(found[1].digest, nested.digest);
    assert_eq!(
        found[1].artifact_type.as_deref(),
        Some("application/vnd.example.sig")
    );

    let sigs = layout
        .referrers(&subject.digest, Some("application/vnd.example.sig"))
        .expect("filtered");
    assert_eq!(
        sigs.iter().map(|d| &d.digest).collect::<Vec<_>>(),
        vec![&nested.digest]
    );
    assert!(layout
        .referrers(&empty.digest, None)
        .expect("none")
        .is_empty());
}

#[tokio::test]
async fn image_manifests_list_config_types_as_artifact_types() {
    let (_dir, layout) = store();
    let config = put_blob(&layout, b"{\"architecture\":\"amd64\"}", OCI_CONFIG).await;
    let subject = put_image(&layout, b"s", &[]).await;
    let bytes = image_bytes(&config, &[], Some(&subject), None, &[]);
    layout.put_manifest(&bytes, OCI_MANIFEST, &[]).expect("put");
    let found = layout.referrers(&subject.digest, None).expect("referrers");
    assert_eq!(found[0].artifact_type.as_deref(), Some(OCI_CONFIG));
    // The index.json entry carries only a declared artifactType: none here.
    let listed = layout.manifests().expect("manifests");
    assert!(listed.iter().all(|d| d.artifact_type.is_none()));
}
