//! Tests of writing to a layout: blob writers, manifests and tags, concurrency, delete and gc.

use std::time::Duration;

use serde_json::{json, Value};

use super::tests::{desc_json, image_bytes, put_blob, put_image, store, LAYER};
use super::*;
use crate::manifest::media_type::{OCI_EMPTY, OCI_INDEX, OCI_MANIFEST};

/// Everything under blobs/ that is not a blob: temp files left behind.
fn leftovers(layout: &Layout) -> Vec<String> {
    let blobs = layout.root().join("blobs");
    std::fs::read_dir(&blobs)
        .expect("read blobs")
        .flatten()
        .filter(|e| e.path().is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect()
}

fn entries(layout: &Layout) -> Vec<Value> {
    let bytes = std::fs::read(layout.root().join("index.json")).expect("index.json");
    let index: Value = serde_json::from_slice(&bytes).expect("parse");
    index["manifests"].as_array().cloned().unwrap_or_default()
}

#[tokio::test]
async fn blob_writer_streams_verifies_and_renames() {
    let (_dir, layout) = store();
    let content: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
    let digest = Digest::sha256_of(&content);
    let mut writer = layout
        .blob_writer(&digest, Some(content.len() as u64))
        .expect("writer");
    for chunk in content.chunks(7_000) {
        writer.write(chunk).await.expect("write");
    }
    assert_eq!(writer.written(), content.len() as u64);
    assert!(!layout.blob_path(&digest).exists(), "visible before finish");
    let (written, size) = writer.finish().await.expect("finish");
    assert_eq!((written, size), (digest.clone(), content.len() as u64));
    assert_eq!(
        std::fs::read(layout.blob_path(&digest)).expect("read"),
        content
    );
    assert!(leftovers(&layout).is_empty());

    // Writing a blob that exists already succeeds and leaves one copy.
    let again = put_blob(&layout, &content, LAYER).await;
    assert_eq!(again.digest, digest);
    assert!(leftovers(&layout).is_empty());
}

#[tokio::test]
async fn mismatched_blobs_leave_nothing_behind() {
    let (_dir, layout) = store();
    let digest = Digest::sha256_of(b"expected");

    let mut wrong = layout.blob_writer(&digest, None).expect("writer");
    wrong.write(b"something else").await.expect("write");
    let err = wrong.finish().await.expect_err("digest mismatch");
    assert_eq!(err.code(), "digest_mismatch");

    let mut long = layout.blob_writer(&digest, Some(4)).expect("writer");
    let err = long.write(b"expected").await.expect_err("over the size");
    assert_eq!(err.code(), "size_mismatch");
    drop(long);

    let mut short = layout.blob_writer(&digest, Some(100)).expect("writer");
    short.write(b"expected").await.expect("write");
    assert_eq!(
        short.finish().await.expect_err("short").code(),
        "size_mismatch"
    );

    assert!(!layout.blob_path(&digest).exists());
    assert_eq!(layout.blob_size(&digest).expect("size"), None);
    assert!(leftovers(&layout).is_empty(), "{:?}", leftovers(&layout));
}

#[tokio::test]
async fn dropping_a_writer_removes_its_temp_file() {
    let (_dir, layout) = store();
    let digest = Digest::sha256_of(b"abandoned");
    let mut writer = layout.blob_writer(&digest, None).expect("writer");
    writer.write(b"aband").await.expect("write");
    assert_eq!(
        leftovers(&layout).len(),
        1,
        "the temp file is inside blobs/"
    );
    drop(writer);
    assert!(leftovers(&layout).is_empty());
    assert!(!layout.blob_path(&digest).exists());
}

#[tokio::test]
async fn put_manifest_lists_entries_without_copying_annotations() {
    let (_dir, layout) = store();
    let config = put_blob(&layout, b"{}", OCI_EMPTY).await;
    let layer = put_blob(&layout, b"data", LAYER).await;
    let bytes = image_bytes(
        &config,
        &[&layer],
        None,
        Some("application/x.demo"),
        &[("note", "not copied")],
    );
    let tags = vec!["v1".to_string(), "latest".to_string()];
    let desc = layout
        .put_manifest(&bytes, OCI_MANIFEST, &tags)
        .expect("put");
    assert_eq!(desc.digest, Digest::sha256_of(&bytes));
    assert_eq!(desc.artifact_type.as_deref(), Some("application/x.demo"));
    assert_eq!(
        std::fs::read(layout.blob_path(&desc.digest)).expect("blob"),
        bytes
    );

    let listed = entries(&layout);
    assert_eq!(listed.len(), 2);
    for (entry, tag) in listed.iter().zip(["v1", "latest"]) {
        assert_eq!(entry["annotations"], json!({ REF_NAME: tag }));
        assert_eq!(entry["artifactType"], "application/x.demo");
        assert_eq!(entry["digest"], desc.digest.to_string());
    }
    assert_eq!(layout.tags().expect("tags"), tags);

    // Stored again untagged: it is listed already, so nothing is added.
    layout
        .put_manifest(&bytes, OCI_MANIFEST, &[])
        .expect("again");
    assert_eq!(entries(&layout).len(), 2);
    // Untagged manifests get one entry each, once.
    let other = image_bytes(&config, &[], None, None, &[]);
    let other = layout
        .put_manifest(&other, OCI_MANIFEST, &[])
        .expect("untagged");
    layout
        .put_manifest(
            &image_bytes(&config, &[], None, None, &[]),
            OCI_MANIFEST,
            &[],
        )
        .expect("twice");
    let listed = entries(&layout);
    assert_eq!(listed.len(), 3);
    assert_eq!(
        listed[2],
        json!({"mediaType": OCI_MANIFEST, "digest": other.digest.to_string(), "size": other.size})
    );
}

#[tokio::test]
async fn put_manifest_refuses_what_a_registry_would() {
    let (_dir, layout) = store();
    let config = put_blob(&layout, b"{}", OCI_EMPTY).await;
    let missing = Descriptor::new(LAYER, Digest::sha256_of(b"absent"), 6);
    let bytes = image_bytes(&config, &[&missing], None, None, &[]);
    let err = layout
        .put_manifest(&bytes, OCI_MANIFEST, &[])
        .expect_err("missing layer");
    assert!(
        err.is_not_found() && err.to_string().contains(&missing.digest.to_string()),
        "{err}"
    );

    let fine = image_bytes(&config, &[], None, None, &[]);
    let err = layout
        .put_manifest(&fine, OCI_INDEX, &[])
        .expect_err("type mismatch");
    assert!(err.to_string().contains("mediaType"), "{err}");
    let err = layout
        .put_manifest(b"not json", OCI_MANIFEST, &[])
        .expect_err("not json");
    assert_eq!(err.code(), "invalid");
    assert_eq!(
        layout
            .put_manifest(&fine, "text/plain", &[])
            .expect_err("type")
            .code(),
        "invalid"
    );
    for bad in ["", ".hidden", "a:b", "a/b", &"x".repeat(129)] {
        let err = layout
            .put_manifest(&fine, OCI_MANIFEST, &[bad.to_string()])
            .expect_err(bad);
        assert!(err.to_string().contains("tag"), "{bad}: {err}");
    }
    let huge = vec![b' '; 4 * 1024 * 1024 + 1];
    assert_eq!(
        layout
            .put_manifest(&huge, OCI_MANIFEST, &[])
            .expect_err("huge")
            .code(),
        "too_large"
    );
    assert!(entries(&layout).is_empty());
    assert!(validate_tag(&"x".repeat(128)).is_ok() && validate_tag("_a.b-C9").is_ok());
}

#[tokio::test]
async fn tags_move_between_entries() {
    let (_dir, layout) = store();
    let a = put_image(&layout, b"a", &["v1", "stable"]).await;
    let b = put_image(&layout, b"b", &["v1"]).await;
    assert_eq!(layout.resolve("v1").expect("v1").digest, b.digest);
    assert_eq!(layout.resolve("stable").expect("stable").digest, a.digest);
    assert_eq!(entries(&layout).len(), 2, "a keeps only its stable entry");

    // Moving a's last tag away leaves a listed untagged, so it stays reachable.
    layout.tag(&b, "stable").expect("tag");
    let listed = entries(&layout);
    assert_eq!(listed.len(), 3);
    let untagged: Vec<_> = listed
        .iter()
        .filter(|e| e.get("annotations").is_none())
        .collect();
    assert_eq!(untagged.len(), 1);
    assert_eq!(untagged[0]["digest"], a.digest.to_string());

    // Tagging a again reuses its untagged entry rather than adding one.
    let resolved = layout.resolve(&a.digest.to_string()).expect("by digest");
    layout.tag(&resolved, "v1").expect("tag back");
    assert_eq!(layout.resolve("v1").expect("v1").digest, a.digest);
    assert_eq!(entries(&layout).len(), 2);
    assert_eq!(
        layout.tags().expect("tags"),
        vec!["v1".to_string(), "stable".to_string()]
    );

    let mut wrong_size = b.clone();
    wrong_size.size += 1;
    assert_eq!(
        layout.tag(&wrong_size, "x").expect_err("size").code(),
        "size_mismatch"
    );
    let absent = Descriptor::new(OCI_MANIFEST, Digest::sha256_of(b"nope"), 4);
    assert!(layout.tag(&absent, "x").expect_err("absent").is_not_found());
    assert!(layout.tag(&b, "bad tag").is_err());
}

#[tokio::test]
async fn foreign_fields_survive_a_rewrite() {
    let (_dir, layout) = store();
    let a = put_image(&layout, b"a", &[]).await;
    let mut entry = desc_json(&a);
    entry["platform"] = json!({"architecture": "arm64", "os": "linux"});
    entry["annotations"] = json!({"vendor": "x"});
    let index = json!({"schemaVersion": 2, "annotations": {"top": "kept"}, "manifests": [entry]});
    std::fs::write(layout.root().join("index.json"), index.to_string()).expect("write");
    put_image(&layout, b"b", &["v1"]).await;
    let bytes = std::fs::read(layout.root().join("index.json")).expect("read");
    let after: Value = serde_json::from_slice(&bytes).expect("parse");
    assert_eq!(after["annotations"], json!({"top": "kept"}));
    assert_eq!(after["manifests"][0], entry);
}

#[test]
fn concurrent_writers_all_land_in_index_json() {
    let (_dir, layout) = store();
    let config = Digest::sha256_of(b"{}");
    std::fs::create_dir_all(layout.root().join("blobs/sha256")).expect("mkdir");
    std::fs::write(layout.blob_path(&config), b"{}").expect("config");
    let threads: Vec<_> = (0..8)
        .map(|i| {
            // Separate handles, as separate processes would have.
            let layout = Layout::open(layout.root()).expect("open");
            let config = Descriptor::new(OCI_EMPTY, config.clone(), 2);
            std::thread::spawn(move || {
                for round in 0..5 {
                    let note = format!("{i}-{round}");
                    let bytes = image_bytes(&config, &[], None, None, &[("n", &note)]);
                    let tag = format!("t{i}");
                    layout
                        .put_manifest(&bytes, OCI_MANIFEST, &[tag])
                        .expect("put");
                    layout
                        .put_manifest(&bytes, OCI_MANIFEST, &["shared".into()])
                        .expect("put");
                }
            })
        })
        .collect();
    for t in threads {
        t.join().expect("writer thread");
    }
    let mut tags = layout.tags().expect("tags");
    tags.sort();
    let mut want: Vec<String> = (0..8).map(|i| format!("t{i}")).collect();
    want.push("shared".into());
    want.sort();
    assert_eq!(tags, want);
    let listed = entries(&layout);
    let shared = listed
        .iter()
        .filter(|e| e["annotations"][REF_NAME] == "shared")
        .count();
    assert_eq!(shared, 1);
    // Every manifest ever written stays listed: 8 writers x 5 rounds.
    let mut digests: Vec<_> = listed.iter().map(|e| e["digest"].to_string()).collect();
    digests.sort();
    digests.dedup();
    assert_eq!(digests.len(), 40);
}

#[tokio::test]
async fn delete_unlists_and_gc_frees_what_is_unreachable() {
    let (_dir, layout) = store();
    let kept = put_image(&layout, b"kept layer", &["keep"]).await;
    let doomed = put_image(&layout, b"doomed layer", &["doomed", "also"]).await;
    let empty = Descriptor::new(OCI_EMPTY, Digest::sha256_of(b"{}"), 2);
    // A referrer of `kept` and an index over `kept`: both keep what they name reachable.
    let sig = put_blob(&layout, b"signature", "application/x.sig").await;
    let referrer = image_bytes(&empty, &[&sig], Some(&kept), Some("application/x.sig"), &[]);
    let referrer = layout
        .put_manifest(&referrer, OCI_MANIFEST, &[])
        .expect("referrer");
    let child = put_image(&layout, b"child layer", &[]).await;
    layout.delete_manifest(&child.digest).expect("unlist child");
    let index = serde_json::to_vec(&json!({
        "schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": [desc_json(&child)]
    }))
    .expect("json");
    layout
        .put_manifest(&index, OCI_INDEX, &["multi".into()])
        .expect("index");
    let stray = put_blob(&layout, b"stray", LAYER).await;

    assert!(layout.delete_manifest(&doomed.digest).expect("delete"));
    assert!(!layout.delete_manifest(&doomed.digest).expect("again"));
    assert!(layout.resolve("doomed").is_err() && layout.resolve("also").is_err());
    assert!(
        layout.blob_path(&doomed.digest).exists(),
        "delete leaves the blob"
    );

    // Temp files of a writer that died long ago go; a live writer's (recent) stays.
    let dead = layout.root().join("blobs/.stowage-1-1.tmp");
    std::fs::write(&dead, b"12345678").expect("dead temp");
    let two_days_ago = std::time::SystemTime::now() - Duration::from_secs(2 * 24 * 3600);
    let file = std::fs::File::options()
        .write(true)
        .open(&dead)
        .expect("open");
    file.set_modified(two_days_ago).expect("backdate");
    let live = layout
        .blob_writer(&stray.digest, None)
        .expect("live writer");

    // Within the grace period no blob goes: a push may be about to reference it.
    assert_eq!(layout.gc().expect("gc"), 8);
    assert!(!dead.exists());
    let freed = layout.gc_older_than(Duration::ZERO).expect("gc");
    let doomed_layer = Digest::sha256_of(b"doomed layer");
    assert_eq!(freed, doomed.size + 12 + stray.size);
    assert_eq!(leftovers(&layout).len(), 1, "the live writer's temp file");
    drop(live);
    for gone in [&doomed.digest, &doomed_layer, &stray.digest] {
        assert!(!layout.blob_path(gone).exists(), "{gone} survived");
    }
    for digest in [
        &kept.digest,
        &referrer.digest,
        &sig.digest,
        &child.digest,
        &empty.digest,
    ] {
        assert!(layout.blob_path(digest).exists(), "{digest} was removed");
    }
    assert!(layout
        .blob_path(&Digest::sha256_of(b"child layer"))
        .exists());
    assert_eq!(layout.gc_older_than(Duration::ZERO).expect("again"), 0);

    // Removing the referrer's only entry makes it and its blob garbage, not its subject.
    layout
        .delete_manifest(&referrer.digest)
        .expect("delete referrer");
    assert_eq!(
        layout.gc_older_than(Duration::ZERO).expect("gc"),
        referrer.size + sig.size
    );
    assert!(layout.fetch_manifest(&kept.digest).is_ok());
}

#[tokio::test]
async fn gc_refuses_to_guess_about_unknown_manifests() {
    let (_dir, layout) = store();
    let blob = put_blob(&layout, b"{\"blobs\":[]}", LAYER).await;
    let mut entry = desc_json(&blob);
    entry["mediaType"] = json!("application/vnd.oci.artifact.manifest.v1+json");
    let index = json!({"schemaVersion": 2, "manifests": [entry]});
    std::fs::write(layout.root().join("index.json"), index.to_string()).expect("write");
    let err = layout
        .gc_older_than(Duration::ZERO)
        .expect_err("unknown kind");
    assert!(err.to_string().contains("cannot follow"), "{err}");
    assert!(layout.blob_path(&blob.digest).exists());
}
