//! Push, attach, pull, copy and delete against the real registry and layouts, read back by
//! Stowage and by peers (oras-py, skopeo).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use stowage::graph::{self, EdgeKind, GraphOptions};
use stowage::layout::Layout;
use stowage::manifest::{Descriptor, Manifest};
use stowage::ops::copy::{self, CopyOptions};
use stowage::ops::delete;
use stowage::ops::pull;
use stowage::ops::push::{self, FileSpec, PushOptions, PushRequest, Pushed};
use stowage::store::Store;
use stowage::transfer::Cancel;
use stowage::transfer::{Outcome, Transfer};
use stowage::{Digest, Error, Reference};

use crate::harness::{self, Pusher, ReferrersFront, TestRegistry};
use crate::support::registry_at;

const SPDX: &str = "application/spdx+json";

async fn remote(host: &str, reg: &TestRegistry, repository: &str) -> Store {
    Store::Remote {
        registry: registry_at(host, reg).await,
        repository: repository.to_string(),
    }
}

fn spec(path: &Path) -> FileSpec {
    FileSpec {
        path: path.to_path_buf(),
        media_type: None,
    }
}

/// Two files (one empty) and a folder with a nested file and a symlink loop.
fn sample_files(dir: &Path) -> Vec<PathBuf> {
    let readme = dir.join("README.md");
    std::fs::write(&readme, b"# sample\n").unwrap();
    let empty = dir.join("empty.bin");
    std::fs::write(&empty, b"").unwrap();
    let site = dir.join("site");
    std::fs::create_dir_all(site.join("css")).unwrap();
    std::fs::write(site.join("index.html"), b"<h1>hi</h1>").unwrap();
    std::fs::write(site.join("css/a.css"), b"h1{}").unwrap();
    std::os::unix::fs::symlink("loop-b", site.join("loop-a")).unwrap();
    std::os::unix::fs::symlink("loop-a", site.join("loop-b")).unwrap();
    vec![readme, empty, site]
}

async fn push_files(
    store: &Store,
    files: &[PathBuf],
    tags: &[&str],
    subject: Option<Descriptor>,
    artifact_type: Option<&str>,
) -> Pushed {
    let request = PushRequest {
        files: files.iter().map(|p| spec(p)).collect(),
        artifact_type: artifact_type.map(str::to_string),
        tags: tags.iter().map(|t| t.to_string()).collect(),
        subject,
        created: true,
        ..Default::default()
    };
    push::push(
        store,
        &request,
        &PushOptions::default(),
        &Transfer::new(),
        &Cancel::new(),
    )
    .await
    .expect("push")
}

fn same_tree(a: &Path, b: &Path) {
    let list = |root: &Path| -> BTreeSet<String> {
        fn walk(root: &Path, dir: &Path, out: &mut BTreeSet<String>) {
            for e in std::fs::read_dir(dir).unwrap() {
                let p = e.unwrap().path();
                let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
                let meta = std::fs::symlink_metadata(&p).unwrap();
                if meta.file_type().is_symlink() {
                    out.insert(format!(
                        "{rel} -> {}",
                        std::fs::read_link(&p).unwrap().display()
                    ));
                } else if meta.is_dir() {
                    out.insert(format!("{rel}/"));
                    walk(root, &p, out);
                } else {
                    out.insert(format!("{rel} {:?}", std::fs::read(&p).unwrap()));
                }
            }
        }
        let mut out = BTreeSet::new();
        walk(root, root, &mut out);
        out
    };
    assert_eq!(list(a), list(b));
}

#[tokio::test]
async fn push_then_pull_gives_the_same_files_and_a_proper_manifest() {
    let reg = TestRegistry::anonymous().await;
    let src = tempfile::tempdir().unwrap();
    let files = sample_files(src.path());
    let store = remote(&reg.host(), &reg, "files").await;
    let pushed = push_files(&store, &files, &["v1", "latest"], None, None).await;
    assert_eq!(pushed.blobs.len(), 3);
    assert!(pushed.blobs.iter().all(|b| b.outcome == Outcome::Uploaded));

    let fetched = store.fetch_manifest("v1").await.unwrap();
    assert_eq!(fetched.digest, pushed.digest);
    assert_eq!(store.resolve("latest").await.unwrap().digest, pushed.digest);
    let Manifest::Image(m) = fetched.parse().unwrap() else {
        panic!("an image manifest")
    };
    assert_eq!(m.artifact_type.as_deref(), Some(push::UNKNOWN_ARTIFACT));
    assert_eq!(m.config.media_type, "application/vnd.oci.empty.v1+json");
    assert_eq!(
        m.config.digest.to_string(),
        stowage::manifest::EMPTY_JSON_DIGEST
    );
    let titles: Vec<_> = m
        .layers
        .iter()
        .map(|l| l.annotations["org.opencontainers.image.title"].clone())
        .collect();
    assert_eq!(titles, ["README.md", "empty.bin", "site"]);
    assert!(m.annotations.contains_key(push::CREATED_ANNOTATION));

    let out = tempfile::tempdir().unwrap();
    let pulled = pull::pull(&store, "v1", out.path(), &Transfer::new(), &Cancel::new())
        .await
        .unwrap();
    assert_eq!(pulled.digest, pushed.digest);
    same_tree(src.path(), out.path());
}

#[tokio::test]
async fn without_created_the_same_files_give_the_same_digest() {
    let reg = TestRegistry::anonymous().await;
    let src = tempfile::tempdir().unwrap();
    let files = sample_files(src.path());
    let store = remote(&reg.host(), &reg, "repro").await;
    let request = PushRequest {
        files: files.iter().map(|p| spec(p)).collect(),
        created: false,
        ..Default::default()
    };
    let once = push::push(
        &store,
        &request,
        &PushOptions::default(),
        &Transfer::new(),
        &Cancel::new(),
    )
    .await
    .unwrap();
    let twice = push::push(
        &store,
        &request,
        &PushOptions::default(),
        &Transfer::new(),
        &Cancel::new(),
    )
    .await
    .unwrap();
    assert_eq!(once.digest, twice.digest);
    assert!(
        twice.blobs.iter().all(|b| b.outcome == Outcome::Skipped),
        "{:?}",
        twice.blobs
    );
}

#[tokio::test]
async fn oras_py_reads_what_stowage_pushes_and_the_other_way_round() {
    let reg = TestRegistry::anonymous().await;
    let src = tempfile::tempdir().unwrap();
    let files = sample_files(src.path());
    let store = remote(&reg.host(), &reg, "interop").await;
    push_files(&store, &files[..1], &["mine"], None, None).await;
    let site_only = vec![files[2].clone()];
    push_files(&store, &site_only, &["folder"], None, None).await;

    let out = tempfile::tempdir().unwrap();
    harness::oras_pull(&reg.host(), "interop:mine", out.path()).await;
    assert_eq!(
        std::fs::read(out.path().join("README.md")).unwrap(),
        b"# sample\n"
    );
    harness::oras_pull(&reg.host(), "interop:folder", out.path()).await;
    assert_eq!(
        std::fs::read(out.path().join("site/css/a.css")).unwrap(),
        b"h1{}"
    );

    let theirs = src.path().join("notes.txt");
    std::fs::write(&theirs, b"written by oras-py").unwrap();
    harness::oras_push(
        &reg.host(),
        "interop:theirs",
        &[(theirs.as_path(), "text/plain")],
        None,
        None,
    )
    .await;
    let back = tempfile::tempdir().unwrap();
    pull::pull(
        &store,
        "theirs",
        back.path(),
        &Transfer::new(),
        &Cancel::new(),
    )
    .await
    .unwrap();
    assert_eq!(
        std::fs::read(back.path().join("notes.txt")).unwrap(),
        b"written by oras-py"
    );
}

#[tokio::test]
async fn skopeo_reads_stowage_layouts_and_registry_content_exactly() {
    let reg = TestRegistry::anonymous().await;
    let dir = tempfile::tempdir().unwrap();
    let files = sample_files(dir.path());
    let layout_dir = dir.path().join("layout");
    let layout = Store::Layout(Layout::open_or_create(&layout_dir).unwrap());
    let pushed = push_files(&layout, &files, &["v1"], None, None).await;

    let run = |args: Vec<String>| async move {
        let out = tokio::task::spawn_blocking(move || {
            std::process::Command::new("skopeo").args(&args).output()
        })
        .await
        .unwrap()
        .unwrap();
        assert!(
            out.status.success(),
            "skopeo: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    };
    let raw = run(vec![
        "inspect".into(),
        "--raw".into(),
        format!("oci:{}:v1", layout_dir.display()),
    ])
    .await;
    assert_eq!(
        Digest::sha256_of(&raw),
        pushed.digest,
        "skopeo reads the layout's exact bytes"
    );
    run(vec![
        "copy".into(),
        "--dest-tls-verify=false".into(),
        format!("oci:{}:v1", layout_dir.display()),
        format!("docker://{}/from-layout:v1", reg.host()),
    ])
    .await;
    let store = remote(&reg.host(), &reg, "from-layout").await;
    assert_eq!(store.resolve("v1").await.unwrap().digest, pushed.digest);
    let raw = run(vec![
        "inspect".into(),
        "--raw".into(),
        "--tls-verify=false".into(),
        format!("docker://{}/from-layout:v1", reg.host()),
    ])
    .await;
    assert_eq!(Digest::sha256_of(&raw), pushed.digest);

    // And back: skopeo writes a layout from the registry, Stowage pulls from that layout.
    let theirs = dir.path().join("theirs");
    run(vec![
        "copy".into(),
        "--src-tls-verify=false".into(),
        format!("docker://{}/from-layout:v1", reg.host()),
        format!("oci:{}:back", theirs.display()),
    ])
    .await;
    // skopeo's layout archive opens the same way, through `oci:FILE`.
    let archive = dir.path().join("theirs.tar");
    run(vec![
        "copy".into(),
        "--src-tls-verify=false".into(),
        format!("docker://{}/from-layout:v1", reg.host()),
        format!("oci-archive:{}:packed", archive.display()),
    ])
    .await;
    let location: stowage::location::Location =
        format!("oci:{}:packed", archive.display()).parse().unwrap();
    let client = crate::support::client_with(&reg.host(), Default::default(), None);
    let cache = dir.path().join("cache");
    let packed = Store::open(&client, &location, false, &cache)
        .await
        .unwrap();
    assert_eq!(
        packed.resolve("packed").await.unwrap().digest,
        pushed.digest
    );
    let again = Store::open(&client, &location, false, &cache)
        .await
        .unwrap();
    assert_eq!(
        again.resolve("packed").await.unwrap().digest,
        pushed.digest,
        "reopened from the unpacked copy"
    );
    let request = PushRequest {
        files: vec![spec(&files[0])],
        tags: vec!["nope".into()],
        ..Default::default()
    };
    let err = push::push(
        &again,
        &request,
        &PushOptions::default(),
        &Transfer::new(),
        &Cancel::new(),
    )
    .await
    .unwrap_err();
    assert!(
        err.to_string().contains("theirs.tar"),
        "archives are read-only: {err}"
    );

    let back = Store::Layout(Layout::open(&theirs).unwrap());
    let out = dir.path().join("out");
    pull::pull(&back, "back", &out, &Transfer::new(), &Cancel::new())
        .await
        .unwrap();
    assert_eq!(
        std::fs::read(out.join("site/index.html")).unwrap(),
        b"<h1>hi</h1>"
    );
}

async fn eight_attaches(store: Arc<Store>, subject: Descriptor, dir: &Path) -> Vec<Digest> {
    let mut tasks = Vec::new();
    for i in 0..8 {
        let file = dir.join(format!("sbom-{i}.spdx.json"));
        std::fs::write(
            &file,
            format!(r#"{{"spdxVersion":"SPDX-2.3","name":"n{i}"}}"#),
        )
        .unwrap();
        let (store, subject) = (store.clone(), subject.clone());
        tasks.push(tokio::spawn(async move {
            push_files(&store, &[file], &[], Some(subject), Some(SPDX))
                .await
                .digest
        }));
    }
    let mut digests = Vec::new();
    for t in tasks {
        digests.push(t.await.unwrap());
    }
    digests
}

#[tokio::test]
async fn eight_concurrent_attaches_all_land_in_the_referrers_tag() {
    let reg = TestRegistry::anonymous().await;
    let image = Pusher::new(&reg.base_url())
        .image("app", "v1", b"base")
        .await;
    let store = Arc::new(remote(&reg.host(), &reg, "app").await);
    let subject = store.resolve("v1").await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let attached: BTreeSet<Digest> = eight_attaches(store.clone(), subject.clone(), dir.path())
        .await
        .into_iter()
        .collect();

    let tag = image.digest.replace(':', "-");
    let fetched = store.fetch_manifest(&tag).await.unwrap();
    let Manifest::Index(index) = fetched.parse().unwrap() else {
        panic!("the referrers tag holds an index")
    };
    let listed: BTreeSet<Digest> = index.manifests.iter().map(|d| d.digest.clone()).collect();
    assert_eq!(listed, attached, "every attach is in the index, once");
    assert_eq!(index.manifests.len(), 8);
    assert!(index
        .manifests
        .iter()
        .all(|d| d.artifact_type.as_deref() == Some(SPDX)));
}

#[tokio::test]
async fn eight_concurrent_attaches_through_the_referrers_api_need_no_tag() {
    let reg = TestRegistry::anonymous().await;
    let front = ReferrersFront::start(&reg).await;
    let image = Pusher::new(&reg.base_url())
        .image("app", "v1", b"base")
        .await;
    let store = Arc::new(remote(&front.host(), &reg, "app").await);
    let subject = store.resolve("v1").await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let attached: BTreeSet<Digest> = eight_attaches(store.clone(), subject, dir.path())
        .await
        .into_iter()
        .collect();
    let listed: BTreeSet<Digest> = store
        .referrers(&image.digest.parse().unwrap(), None)
        .await
        .unwrap()
        .into_iter()
        .map(|d| d.digest)
        .collect();
    assert_eq!(listed, attached);
    let tag = image.digest.replace(':', "-");
    let err = store.fetch_manifest(&tag).await.unwrap_err();
    assert!(
        err.is_not_found(),
        "no fallback tag when the registry indexes subjects: {err}"
    );
}

#[tokio::test]
async fn copy_with_referrers_between_registry_and_layout_and_mounts_on_the_same_registry() {
    let reg = TestRegistry::anonymous().await;
    let dir = tempfile::tempdir().unwrap();
    let files = sample_files(dir.path());
    let source = remote(&reg.host(), &reg, "origin").await;
    let pushed = push_files(&source, &files, &["v1"], None, None).await;
    let subject = source.resolve("v1").await.unwrap();
    let sbom = dir.path().join("sbom.spdx.json");
    std::fs::write(&sbom, br#"{"spdxVersion":"SPDX-2.3"}"#).unwrap();
    let referrer = push_files(&source, &[sbom], &[], Some(subject), Some(SPDX)).await;

    let layout = Store::Layout(Layout::open_or_create(dir.path().join("local")).unwrap());
    let options = CopyOptions {
        recursive: true,
        ..Default::default()
    };
    copy::copy(
        &source,
        "v1",
        &layout,
        Some("v1"),
        &options,
        &Transfer::new(),
        &Cancel::new(),
    )
    .await
    .unwrap();
    assert_eq!(layout.resolve("v1").await.unwrap().digest, pushed.digest);
    let local_referrers = layout.referrers(&pushed.digest, None).await.unwrap();
    assert_eq!(
        local_referrers
            .iter()
            .map(|d| &d.digest)
            .collect::<Vec<_>>(),
        vec![&referrer.digest]
    );

    // Layout back to another repository: the graph there is the same, referrer included.
    let back = remote(&reg.host(), &reg, "returned").await;
    copy::copy(
        &layout,
        "v1",
        &back,
        Some("v1"),
        &options,
        &Transfer::new(),
        &Cancel::new(),
    )
    .await
    .unwrap();
    let g = graph::load(
        registry_at(&reg.host(), &reg).await,
        &format!("{}/returned:v1", reg.host())
            .parse::<Reference>()
            .unwrap(),
        &GraphOptions::default(),
    )
    .await
    .unwrap();
    assert!(g
        .edges
        .iter()
        .any(|e| e.kind == EdgeKind::Referrer && e.to == referrer.digest));

    // Same registry: blobs are mounted, not sent.
    let transfer = Transfer::new();
    let mounted = remote(&reg.host(), &reg, "mounted").await;
    copy::copy(
        &source,
        "v1",
        &mounted,
        Some("v1"),
        &CopyOptions::default(),
        &transfer,
        &Cancel::new(),
    )
    .await
    .unwrap();
    let outcomes: Vec<_> = transfer
        .snapshot()
        .blobs
        .iter()
        .map(|b| b.state.clone())
        .collect();
    assert!(
        outcomes
            .iter()
            .all(|s| matches!(s, stowage::transfer::BlobState::Done(Outcome::Mounted))),
        "{outcomes:?}"
    );
}

#[tokio::test]
async fn cascading_delete_removes_referrers_and_their_tag_entries() {
    let reg = TestRegistry::anonymous().await;
    let dir = tempfile::tempdir().unwrap();
    let image = Pusher::new(&reg.base_url())
        .image("del", "v1", b"base")
        .await;
    let store = remote(&reg.host(), &reg, "del").await;
    let subject = store.resolve("v1").await.unwrap();
    let sbom = dir.path().join("s.spdx.json");
    std::fs::write(&sbom, br#"{"spdxVersion":"SPDX-2.3"}"#).unwrap();
    let first = push_files(
        &store,
        std::slice::from_ref(&sbom),
        &[],
        Some(subject.clone()),
        Some(SPDX),
    )
    .await;
    let sig = dir.path().join("sig.bin");
    std::fs::write(&sig, b"signature").unwrap();
    let first_desc = store.resolve(&first.digest.to_string()).await.unwrap();
    let nested = push_files(
        &store,
        &[sig],
        &[],
        Some(first_desc),
        Some("application/vnd.cncf.notary.signature"),
    )
    .await;
    std::fs::write(&sbom, br#"{"spdxVersion":"SPDX-2.3","name":"kept"}"#).unwrap();
    let kept = push_files(&store, &[sbom], &[], Some(subject), Some(SPDX)).await;

    let plan = delete::plan(&store, &first.digest.to_string(), true)
        .await
        .unwrap();
    let order: Vec<_> = plan.manifests.iter().map(|d| d.digest.clone()).collect();
    assert_eq!(
        order,
        vec![nested.digest.clone(), first.digest.clone()],
        "deepest first"
    );
    delete::execute(&store, &plan).await.unwrap();

    let left: Vec<Digest> = store
        .referrers(&image.digest.parse().unwrap(), None)
        .await
        .unwrap()
        .into_iter()
        .map(|d| d.digest)
        .collect();
    assert_eq!(
        left,
        vec![kept.digest],
        "only the other referrer is left in the tag"
    );
    assert!(store
        .fetch_manifest(&first.digest.to_string())
        .await
        .unwrap_err()
        .is_not_found());
}

#[tokio::test]
async fn bad_input_is_refused_before_anything_is_sent() {
    let reg = TestRegistry::anonymous().await;
    let dir = tempfile::tempdir().unwrap();
    let store = remote(&reg.host(), &reg, "bad").await;
    let push_err = |files: Vec<PathBuf>| {
        let store = &store;
        async move {
            let request = PushRequest {
                files: files.iter().map(|p| spec(p)).collect(),
                ..Default::default()
            };
            push::push(
                store,
                &request,
                &PushOptions::default(),
                &Transfer::new(),
                &Cancel::new(),
            )
            .await
            .unwrap_err()
        }
    };
    let err = push_err(vec![dir.path().join("missing.txt")]).await;
    assert!(err.to_string().contains("missing.txt"), "{err}");

    let fifo = dir.path().join("pipe");
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let err = push_err(vec![fifo.clone()]).await;
    assert!(err.to_string().contains("pipe"), "{err}");
    let folder = dir.path().join("with-fifo");
    std::fs::create_dir(&folder).unwrap();
    std::fs::rename(&fifo, folder.join("pipe")).unwrap();
    let err = push_err(vec![folder]).await;
    assert!(err.to_string().contains("pipe"), "{err}");
    assert!(
        store.tags().await.is_err_and(|e| e.is_not_found()),
        "nothing reached the registry"
    );
}

#[tokio::test]
async fn a_hostile_title_is_refused_on_pull_and_nothing_is_written() {
    let reg = TestRegistry::anonymous().await;
    let pusher = Pusher::new(&reg.base_url());
    let (good, good_size) = pusher.blob("evil", b"fine").await;
    let (bad, bad_size) = pusher.blob("evil", b"owned").await;
    let (empty, _) = pusher.blob("evil", b"{}").await;
    let manifest = serde_json::json!({"schemaVersion": 2, "mediaType": harness::OCI_MANIFEST,
        "artifactType": "application/x-test",
        "config": {"mediaType": harness::OCI_EMPTY, "digest": empty, "size": 2},
        "layers": [
            {"mediaType": "text/plain", "digest": good, "size": good_size, "annotations": {"org.opencontainers.image.title": "ok.txt"}},
            {"mediaType": "text/plain", "digest": bad, "size": bad_size, "annotations": {"org.opencontainers.image.title": "../escaped.txt"}}]});
    pusher.put_json("evil", "v1", &manifest).await;
    let store = remote(&reg.host(), &reg, "evil").await;
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("out");
    let err = pull::pull(&store, "v1", &out, &Transfer::new(), &Cancel::new())
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Invalid(_)) && err.to_string().contains("../escaped.txt"),
        "{err}"
    );
    assert!(!root.path().join("escaped.txt").exists());
    assert!(!out.join("ok.txt").exists(), "nothing partial");
}

#[tokio::test]
async fn a_cancelled_push_stops_and_leaves_no_manifest() {
    let reg = TestRegistry::anonymous().await;
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.bin");
    let chunk: Vec<u8> = (0..1024 * 1024u32).map(|i| (i * 7 % 251) as u8).collect();
    {
        use std::io::Write;
        let mut f = std::fs::File::create(&big).unwrap();
        for _ in 0..256 {
            f.write_all(&chunk).unwrap();
        }
    }
    let store = Arc::new(remote(&reg.host(), &reg, "cancelled").await);
    let transfer = Arc::new(Transfer::new());
    let cancel = Cancel::new();
    let task = {
        let (store, transfer, cancel, big) =
            (store.clone(), transfer.clone(), cancel.clone(), big.clone());
        tokio::spawn(async move {
            let request = PushRequest {
                files: vec![spec(&big)],
                tags: vec!["v1".into()],
                ..Default::default()
            };
            push::push(
                &store,
                &request,
                &PushOptions::default(),
                &transfer,
                &cancel,
            )
            .await
        })
    };
    while transfer.snapshot().done == 0 {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    cancel.cancel();
    let err = task.await.unwrap().unwrap_err();
    assert!(err.to_string().contains("cancelled"), "{err}");
    assert!(
        transfer.snapshot().done < 256 * 1024 * 1024,
        "it stopped before the end"
    );
    assert!(
        store.fetch_manifest("v1").await.unwrap_err().is_not_found(),
        "no manifest"
    );
}
