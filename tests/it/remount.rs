//! A re-push of the same bytes to another repository mounts them from where they were seen, by
//! a fresh client that only shares the on-disk record; a changed file or a stale record uploads.

use std::path::Path;

use stowage::config::RegistrySettings;
use stowage::known_blobs::KnownBlobs;
use stowage::ops::copy::{self, CopyOptions};
use stowage::ops::push::{self, BlobAction, FileSpec, PushOptions, PushRequest, Pushed};
use stowage::store::Store;
use stowage::transfer::Cancel;
use stowage::transfer::{BlobState, Outcome, Transfer};
use stowage::Digest;

use crate::harness::{FaultProxy, TestRegistry};
use crate::support::client_with;

const MIB: usize = 1024 * 1024;

/// A store for `repository` through a new client (as a new process would have) keeping its
/// record in `known`.
async fn store(host: &str, known: &Path, repository: &str) -> Store {
    let client = client_with(host, RegistrySettings::default(), None)
        .with_known_blobs(KnownBlobs::new(known));
    Store::Remote {
        registry: client.registry(host).await.expect("registry"),
        repository: repository.into(),
    }
}

fn request(file: &Path, tag: &str) -> PushRequest {
    PushRequest {
        files: vec![FileSpec {
            path: file.to_path_buf(),
            media_type: None,
        }],
        tags: vec![tag.into()],
        ..Default::default()
    }
}

async fn push_to(store: &Store, file: &Path) -> Pushed {
    push::push(
        store,
        &request(file, "v1"),
        &PushOptions::default(),
        &Transfer::new(),
        &Cancel::new(),
    )
    .await
    .expect("push")
}

/// Bytes the registry was sent in upload bodies since `from` requests ago.
fn uploaded_since(proxy: &FaultProxy, from: usize) -> u64 {
    proxy.upload_bodies()[from..]
        .iter()
        .map(|r| r.content_length.unwrap_or(0))
        .sum()
}

#[tokio::test]
async fn a_repush_mounts_and_a_changed_file_uploads() {
    let reg = TestRegistry::anonymous().await;
    let proxy = FaultProxy::start(&reg).await;
    let host = proxy.host();
    let dir = tempfile::tempdir().unwrap();
    let known = dir.path().join("known-blobs");
    // Over the size a plan hashes first: its digest is learnt while it uploads.
    let file = dir.path().join("big.bin");
    let bytes: Vec<u8> = (0..20 * MIB).map(|i| (i * 7 % 251) as u8).collect();
    std::fs::write(&file, &bytes).unwrap();
    let digest = Digest::sha256_of(&bytes);

    let first = push_to(&store(&host, &known, "a").await, &file).await;
    assert_eq!(first.blobs[0].outcome, Outcome::Uploaded);
    assert_eq!(first.blobs[0].digest, digest);

    let before = proxy.upload_bodies().len();
    let b = store(&host, &known, "b").await;
    let second = push_to(&b, &file).await;
    assert_eq!(second.blobs[0].outcome, Outcome::Mounted);
    assert_eq!(second.digest, first.digest, "the same artifact");
    assert!(
        uploaded_since(&proxy, before) < 1024,
        "only the manifest and the empty config went as bodies"
    );
    assert_eq!(
        b.blob_size(&digest).await.unwrap(),
        Some(bytes.len() as u64)
    );

    // The push sheet's way: the plan takes the digest from the record, the preview says mount.
    let c = store(&host, &known, "c").await;
    let asked = request(&file, "v1");
    let plan = push::prepare(
        &asked,
        dir.path(),
        c.known_blobs(),
        &Transfer::new(),
        &Cancel::new(),
    )
    .await
    .unwrap();
    let preview = push::preview(&c, &asked, &plan).await.unwrap();
    assert_eq!(preview.blobs[0].action, BlobAction::Mount);
    assert_eq!(preview.blobs[0].from.as_deref(), Some("b"));
    let pushed = push::push_plan(
        &c,
        &asked,
        &plan,
        &PushOptions::default(),
        &Transfer::new(),
        &Cancel::new(),
    )
    .await
    .unwrap();
    assert_eq!(pushed.blobs[0].outcome, Outcome::Mounted);

    // A place that no longer holds the blob (tried first: the most recent) is passed over, the
    // next one mounts, and the stale one is forgotten: the next push does not ask it again.
    KnownBlobs::new(&known).saw(&digest, &host, "ghost");
    let e = store(&host, &known, "e").await;
    assert_eq!(push_to(&e, &file).await.blobs[0].outcome, Outcome::Mounted);
    let places = KnownBlobs::new(&known).places(&digest);
    assert!(places.iter().all(|(_, r)| r != "ghost"), "{places:?}");
    assert_eq!(places.first(), Some(&(host.clone(), "e".to_string())));

    // Rewritten in place, same size: the record no longer applies. A stale place for the new
    // content (a repository that never had it) is passed over, and the bytes go up.
    let changed: Vec<u8> = bytes.iter().map(|b| b ^ 0x5a).collect();
    let changed_digest = Digest::sha256_of(&changed);
    std::fs::write(&file, &changed).unwrap();
    KnownBlobs::new(&known).saw(&changed_digest, &host, "ghost");
    let before = proxy.upload_bodies().len();
    let d = store(&host, &known, "d").await;
    let third = push_to(&d, &file).await;
    assert_eq!(third.blobs[0].outcome, Outcome::Uploaded);
    assert_eq!(third.blobs[0].digest, changed_digest);
    assert!(uploaded_since(&proxy, before) >= changed.len() as u64);
}

#[tokio::test]
async fn a_copy_from_a_layout_mounts_what_the_registry_was_seen_holding() {
    let reg = TestRegistry::anonymous().await;
    let host = reg.host();
    let dir = tempfile::tempdir().unwrap();
    let known = dir.path().join("known-blobs");
    let file = dir.path().join("notes.bin");
    std::fs::write(&file, vec![3u8; 2 * MIB]).unwrap();

    let layout =
        Store::Layout(stowage::layout::Layout::open_or_create(dir.path().join("oci")).unwrap());
    push_to(&layout, &file).await;
    push_to(&store(&host, &known, "first").await, &file).await;

    let target = store(&host, &known, "second").await;
    let transfer = Transfer::new();
    copy::copy(
        &layout,
        "v1",
        &target,
        Some("v1"),
        &CopyOptions::default(),
        &transfer,
        &Cancel::new(),
    )
    .await
    .expect("copy");
    let layer = Digest::sha256_of(&vec![3u8; 2 * MIB]);
    let state = transfer
        .snapshot()
        .blobs
        .into_iter()
        .find(|b| b.digest.as_ref() == Some(&layer))
        .map(|b| b.state);
    assert_eq!(state, Some(BlobState::Done(Outcome::Mounted)));
}
