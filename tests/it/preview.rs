//! The push sheet's flow against the real registry and a layout: prepare, preview, then push exactly what was previewed.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use bytes::Bytes;
use stowage::layout::Layout;
use stowage::manifest::Manifest;
use stowage::ops::push::{
    self, BlobAction, FileSpec, Plan, Preview, PushOptions, PushRequest, Pushed,
};
use stowage::store::Store;
use stowage::transfer::Cancel;
use stowage::transfer::{Outcome, Transfer};
use stowage::{Digest, Error};

use crate::harness::{TestRegistry, OCI_MANIFEST};
use crate::support::registry_at;

async fn remote(reg: &TestRegistry, repository: &str) -> Store {
    Store::Remote {
        registry: registry_at(&reg.host(), reg).await,
        repository: repository.to_string(),
    }
}

fn request(files: &[&Path], created: bool) -> PushRequest {
    PushRequest {
        files: files
            .iter()
            .map(|p| FileSpec {
                path: p.to_path_buf(),
                media_type: None,
            })
            .collect(),
        tags: vec!["v1".into()],
        created,
        ..Default::default()
    }
}

/// A text file, an SPDX document and a folder with a nested file.
fn sample(dir: &Path) -> Vec<PathBuf> {
    let notes = dir.join("notes.txt");
    std::fs::write(&notes, b"release notes\n").unwrap();
    let sbom = dir.join("sbom.spdx.json");
    std::fs::write(
        &sbom,
        br#"{"spdxVersion":"SPDX-2.3","SPDXID":"SPDXRef-DOCUMENT","name":"x"}"#,
    )
    .unwrap();
    let site = dir.join("site");
    std::fs::create_dir_all(site.join("css")).unwrap();
    std::fs::write(site.join("index.html"), b"<h1>hi</h1>").unwrap();
    std::fs::write(site.join("css/a.css"), b"h1{}").unwrap();
    vec![notes, sbom, site]
}

async fn prepared(request: &PushRequest, scratch: &Path) -> Plan {
    push::prepare(request, scratch, None, &Transfer::new(), &Cancel::new())
        .await
        .expect("prepare")
}

async fn push_plan(store: &Store, request: &PushRequest, plan: &Plan) -> Result<Pushed, Error> {
    push::push_plan(
        store,
        request,
        plan,
        &PushOptions::default(),
        &Transfer::new(),
        &Cancel::new(),
    )
    .await
}

/// The manifest bytes the registry serves for `digest`, read with plain HTTP.
async fn served(reg: &TestRegistry, repository: &str, digest: &Digest) -> Option<Bytes> {
    let url = format!("{}/v2/{repository}/manifests/{digest}", reg.base_url());
    let resp = reg
        .client()
        .get(&url)
        .header("Accept", OCI_MANIFEST)
        .send()
        .await
        .unwrap();
    match resp.status().as_u16() {
        200 => Some(resp.bytes().await.unwrap()),
        404 => None,
        other => panic!("{url} answered {other}"),
    }
}

fn actions(preview: &Preview) -> Vec<(&str, BlobAction)> {
    preview
        .blobs
        .iter()
        .map(|b| (b.title.as_str(), b.action))
        .collect()
}

fn outcomes(pushed: &Pushed) -> Vec<(&str, Outcome)> {
    pushed
        .blobs
        .iter()
        .map(|b| (b.title.as_str(), b.outcome))
        .collect()
}

#[tokio::test]
async fn the_registry_serves_exactly_the_previewed_manifest() {
    let reg = TestRegistry::anonymous().await;
    let dir = tempfile::tempdir().unwrap();
    let files = sample(dir.path());
    let store = remote(&reg, "sheet").await;
    for created in [false, true] {
        let paths: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
        let request = request(&paths, created);
        let plan = prepared(&request, dir.path()).await;
        let preview = push::preview(&store, &request, &plan).await.unwrap();
        assert_eq!(preview.digest, Digest::sha256_of(&preview.manifest));
        assert_eq!(preview.artifact_type, "application/spdx+json");
        let Manifest::Image(m) = Manifest::parse(&preview.manifest, Some(OCI_MANIFEST)).unwrap()
        else {
            panic!("an image manifest")
        };
        assert_eq!(
            m.annotations.contains_key(push::CREATED_ANNOTATION),
            created
        );
        for (blob, layer) in preview.blobs.iter().zip(&m.layers) {
            assert_eq!(
                (&blob.digest, blob.size, blob.media_type.as_str()),
                (&layer.digest, layer.size, layer.media_type.as_str())
            );
        }
        if created {
            // The time was fixed by prepare, not taken again by the push.
            tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
        }
        let pushed = push_plan(&store, &request, &plan).await.unwrap();
        assert_eq!(pushed.digest, preview.digest);
        assert_eq!(
            served(&reg, "sheet", &preview.digest).await,
            Some(preview.manifest.clone())
        );
        // What the preview said each blob needed is what the push did.
        let said: Vec<Outcome> = preview
            .blobs
            .iter()
            .map(|b| match b.action {
                BlobAction::Skip => Outcome::Skipped,
                BlobAction::Upload => Outcome::Uploaded,
                BlobAction::Mount => Outcome::Mounted,
            })
            .collect();
        let did: Vec<Outcome> = pushed.blobs.iter().map(|b| b.outcome).collect();
        assert_eq!(said, did);
    }

    // An attach previews and lands the same way, subject included.
    let subject = store.resolve("v1").await.unwrap();
    let signature = dir.path().join("sig.txt");
    std::fs::write(&signature, b"signed\n").unwrap();
    let attach = PushRequest {
        artifact_type: Some("application/vnd.example.signature".into()),
        subject: Some(subject.clone()),
        tags: Vec::new(),
        ..request(&[&signature], false)
    };
    let plan = prepared(&attach, dir.path()).await;
    let preview = push::preview(&store, &attach, &plan).await.unwrap();
    let pushed = push_plan(&store, &attach, &plan).await.unwrap();
    assert_eq!(pushed.digest, preview.digest);
    assert_eq!(
        served(&reg, "sheet", &preview.digest).await,
        Some(preview.manifest.clone())
    );
    let referrers = store.referrers(&subject.digest, None).await.unwrap();
    assert_eq!(
        referrers.iter().map(|d| &d.digest).collect::<Vec<_>>(),
        [&preview.digest]
    );
}

#[tokio::test]
async fn a_layout_stores_exactly_the_previewed_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let files = sample(dir.path());
    let store = Store::Layout(Layout::open_or_create(dir.path().join("layout")).unwrap());
    let paths: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
    let request = request(&paths, true);
    let plan = prepared(&request, dir.path()).await;
    let preview = push::preview(&store, &request, &plan).await.unwrap();
    assert!(preview.blobs.iter().all(|b| b.action == BlobAction::Upload));
    let pushed = push_plan(&store, &request, &plan).await.unwrap();
    assert_eq!(pushed.digest, preview.digest);
    let stored = store.fetch_manifest("v1").await.unwrap();
    assert_eq!(stored.digest, preview.digest);
    assert_eq!(stored.bytes, preview.manifest);
}

#[tokio::test]
async fn a_blob_the_target_has_is_skip_in_the_preview_and_skipped_in_the_push() {
    let reg = TestRegistry::anonymous().await;
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("old.txt");
    std::fs::write(&old, b"already there\n").unwrap();
    let new = dir.path().join("new.txt");
    std::fs::write(&new, b"never sent\n").unwrap();
    let store = remote(&reg, "skips").await;
    push::push(
        &store,
        &request(&[&old], false),
        &PushOptions::default(),
        &Transfer::new(),
        &Cancel::new(),
    )
    .await
    .unwrap();

    let request = request(&[&old, &new], false);
    let plan = prepared(&request, dir.path()).await;
    let preview = push::preview(&store, &request, &plan).await.unwrap();
    assert_eq!(
        actions(&preview),
        [
            ("old.txt", BlobAction::Skip),
            ("new.txt", BlobAction::Upload)
        ]
    );
    let json = serde_json::to_value(&preview.blobs).unwrap();
    assert_eq!(json[0]["action"], "skip");
    assert_eq!(json[0]["mediaType"], "text/plain");
    let pushed = push_plan(&store, &request, &plan).await.unwrap();
    assert_eq!(
        outcomes(&pushed),
        [
            ("old.txt", Outcome::Skipped),
            ("new.txt", Outcome::Uploaded)
        ]
    );
    assert_eq!(pushed.digest, preview.digest);
}

/// Prepares `files` for `store`, lets `change` alter the first file, and checks that the push
/// fails naming it, having said it changed, with no manifest left for the preview's digest.
async fn push_after_change(store: &Store, dir: &Path, files: &[&Path], change: impl Fn(&Path)) {
    let request = request(files, false);
    let plan = prepared(&request, dir).await;
    let preview = push::preview(store, &request, &plan).await.unwrap();
    change(files[0]);
    let err = push_plan(store, &request, &plan).await.unwrap_err();
    let message = err.to_string();
    let expected = format!(
        "file {} (it changed since it was read for this push)",
        files[0].display()
    );
    assert!(message.contains(&expected), "{message}");
    assert!(
        matches!(
            err,
            Error::DigestMismatch { .. } | Error::SizeMismatch { .. }
        ),
        "{err:?}"
    );
    let err = store
        .fetch_manifest(&preview.digest.to_string())
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{err}");
}

#[tokio::test]
async fn a_file_changed_after_prepare_fails_the_push_and_no_manifest_lands() {
    let reg = TestRegistry::anonymous().await;
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.txt");
    let other = dir.path().join("other.txt");
    std::fs::write(&other, b"unchanged\n").unwrap();
    let store = remote(&reg, "changed").await;

    // Same size, other content: the registry is sent the planned digest, which the bytes
    // no longer have.
    std::fs::write(&report, b"version one\n").unwrap();
    push_after_change(&store, dir.path(), &[&report, &other], |p| {
        std::fs::write(p, b"version two\n").unwrap()
    })
    .await;
    // Grown.
    std::fs::write(&report, b"version three\n").unwrap();
    push_after_change(&store, dir.path(), &[&report], |p| {
        std::fs::write(p, b"version three, and more\n").unwrap()
    })
    .await;
    // The registry already has the planned content (from another artifact), so nothing would
    // read the file again on its way there: the push still notices.
    std::fs::write(&report, b"version four\n").unwrap();
    push::push(
        &store,
        &request(&[&report, &other], false),
        &PushOptions::default(),
        &Transfer::new(),
        &Cancel::new(),
    )
    .await
    .unwrap();
    push_after_change(&store, dir.path(), &[&report], |p| {
        std::fs::write(p, b"version FOUR\n").unwrap()
    })
    .await;
    assert_eq!(
        store.tags().await.unwrap(),
        ["v1"],
        "only the plain push's tag"
    );

    // A layout's blob writer refuses the bytes the same way.
    let layout = Store::Layout(Layout::open_or_create(dir.path().join("layout")).unwrap());
    std::fs::write(&report, b"version five\n").unwrap();
    push_after_change(&layout, dir.path(), &[&report], |p| {
        std::fs::write(p, b"version 5ive\n").unwrap()
    })
    .await;
    assert!(layout.tags().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_file_only_touched_after_prepare_still_pushes() {
    let reg = TestRegistry::anonymous().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("same.txt");
    std::fs::write(&file, b"same content\n").unwrap();
    let store = remote(&reg, "touched").await;
    let request = request(&[&file], false);
    let plan = prepared(&request, dir.path()).await;
    let preview = push::preview(&store, &request, &plan).await.unwrap();
    // Rewritten with the same bytes: times change, content does not.
    std::fs::write(&file, b"same content\n").unwrap();
    let pushed = push_plan(&store, &request, &plan).await.unwrap();
    assert_eq!(pushed.digest, preview.digest);
}

#[tokio::test]
async fn cancel_during_prepare_of_a_large_file_returns_cancelled() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.img");
    let total = 200 * 1024 * 1024;
    // Sparse: no disk space, but every byte still has to be read and hashed.
    std::fs::File::create(&big).unwrap().set_len(total).unwrap();
    let transfer = Arc::new(Transfer::new());
    let cancel = Cancel::new();
    let task = {
        let (transfer, cancel, big, scratch) = (
            transfer.clone(),
            cancel.clone(),
            big.clone(),
            dir.path().to_path_buf(),
        );
        tokio::spawn(async move {
            let request = request(&[&big], false);
            push::prepare(&request, &scratch, None, &transfer, &cancel)
                .await
                .map(|plan| plan.layers.len())
        })
    };
    while transfer.snapshot().done == 0 {
        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    }
    cancel.cancel();
    let err = task.await.unwrap().unwrap_err();
    assert!(matches!(err, Error::Cancelled), "{err:?}");
    let snapshot = transfer.snapshot();
    assert_eq!(snapshot.total, total);
    assert!(snapshot.done < total, "it stopped before the end");
    assert!(matches!(
        snapshot.blobs[0].state,
        stowage::transfer::BlobState::Failed(_)
    ));
}

/// What the sheet shows and what prepare refuses are one verdict.
#[tokio::test]
async fn prepare_refuses_what_the_sheet_flags() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    std::fs::create_dir(&site).unwrap();
    std::fs::write(site.join("index.html"), b"hi").unwrap();
    std::os::unix::fs::symlink("/etc/hostname", site.join("host")).unwrap();
    let sheet = stowage::pack::inspect_paths(std::slice::from_ref(&site));
    let flagged = sheet[0].error.clone().expect("the sheet flags the link");
    let err = push::prepare(
        &request(&[&site], false),
        dir.path(),
        None,
        &Transfer::new(),
        &Cancel::new(),
    )
    .await
    .err()
    .expect("prepare refuses it");
    assert_eq!(err.to_string(), flagged);
}
