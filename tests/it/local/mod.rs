//! The Local store and the graph over layouts: a multi-arch image with referrers copied from the
//! real registry into a Local layout reads back as the same graph; live graph events; tag badges.

mod badges;

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use serde_json::json;
use stowage::cache::ManifestCache;
use stowage::graph::{self, EdgeKind, Graph, GraphEvent, GraphOptions, Node, NodeKind, Via};
use stowage::local::LocalStore;
use stowage::manifest::{Descriptor, Manifest};
use stowage::ops::copy::{self, CopyOptions};
use stowage::ops::push::{self, FileSpec, PushOptions, PushRequest};
use stowage::store::Store;
use stowage::transfer::Cancel;
use stowage::transfer::Transfer;
use stowage::Digest;

use crate::harness::{self, Pusher, TestRegistry, OCI_MANIFEST};
use crate::support::registry_at;

const SPDX: &str = "application/spdx+json";
const NOTATION: &str = "application/vnd.cncf.notary.signature";
const IN_TOTO: &str = "application/vnd.in-toto+json";

pub(crate) async fn remote(reg: &TestRegistry, repository: &str) -> Store {
    Store::Remote {
        registry: registry_at(&reg.host(), reg).await,
        repository: repository.to_string(),
    }
}

/// Attaches a one-file artifact to `subject` with Stowage's push (which keeps the referrers
/// tag on a registry without the Referrers API).
pub(crate) async fn attach(
    store: &Store,
    dir: &Path,
    name: &str,
    artifact_type: &str,
    subject: &Descriptor,
) -> Descriptor {
    let file = dir.join(name);
    std::fs::write(&file, format!("{name} of {}", subject.digest)).unwrap();
    let request = PushRequest {
        files: vec![FileSpec {
            path: file,
            media_type: None,
        }],
        artifact_type: Some(artifact_type.to_string()),
        subject: Some(subject.clone()),
        ..Default::default()
    };
    let pushed = push::push(
        store,
        &request,
        &PushOptions::default(),
        &Transfer::new(),
        &Cancel::new(),
    )
    .await
    .expect("attach");
    store.resolve(&pushed.digest.to_string()).await.unwrap()
}

/// A cosign-style signature of `subject`, stored under `sha256-<hex>.sig`; returns its tag.
pub(crate) async fn cosign_sign(pusher: &Pusher, repo: &str, subject: &Digest) -> (String, Digest) {
    let (empty, _) = pusher.blob(repo, b"{}").await;
    let payload = format!(r#"{{"critical":{{"image":{{"docker-manifest-digest":"{subject}"}}}}}}"#);
    let (layer, layer_size) = pusher.blob(repo, payload.as_bytes()).await;
    let tag = format!("{}.sig", subject.fallback_tag());
    let sig = pusher
        .put_json(
            repo,
            &tag,
            &json!({"schemaVersion": 2, "mediaType": OCI_MANIFEST,
                "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": empty, "size": 2},
                "layers": [{"mediaType": "application/vnd.dev.cosign.simplesigning.v1+json",
                    "digest": layer, "size": layer_size,
                    "annotations": {"dev.cosignproject.cosign/signature": "MEUCIQ"}}]}),
        )
        .await;
    (tag, sig.digest.parse().unwrap())
}

pub(crate) async fn copy_to(source: &Store, selector: &str, target: &Store, recursive: bool) {
    let options = CopyOptions {
        recursive,
        ..Default::default()
    };
    copy::copy(
        source,
        selector,
        target,
        Some(selector),
        &options,
        &Transfer::new(),
        &Cancel::new(),
    )
    .await
    .unwrap_or_else(|e| panic!("copy {selector}: {e}"));
}

/// umoci's two-platform image pushed by skopeo to `app:v1`, with an SBOM on the index, a
/// signature on the SBOM, an attestation on amd64 and a cosign signature of the index.
struct App {
    index: Descriptor,
    amd64: Descriptor,
    arm64: Descriptor,
    sbom: Descriptor,
    sig: Descriptor,
    att: Descriptor,
    cosign_tag: String,
    cosign: Digest,
}

async fn build_app(reg: &TestRegistry, dir: &Path) -> App {
    let umoci =
        harness::umoci_multiarch_layout(dir, &[("linux", "amd64"), ("linux", "arm64")]).await;
    harness::skopeo_copy_all(
        &umoci,
        harness::MULTIARCH_TAG,
        &reg.host(),
        "app",
        "v1",
        None,
    )
    .await;
    let source = remote(reg, "app").await;
    let index = source.resolve("v1").await.unwrap();
    let Manifest::Index(list) = source.fetch_manifest("v1").await.unwrap().parse().unwrap() else {
        panic!("skopeo pushed an index");
    };
    let platform = |arch: &str| {
        let d = list
            .manifests
            .iter()
            .find(|d| d.platform.as_ref().is_some_and(|p| p.architecture == arch))
            .unwrap_or_else(|| panic!("no {arch}"));
        Descriptor::new(&d.media_type, d.digest.clone(), d.size)
    };
    let (amd64, arm64) = (platform("amd64"), platform("arm64"));
    let sbom = attach(&source, dir, "sbom.spdx.json", SPDX, &index).await;
    let sig = attach(&source, dir, "sbom.sig", NOTATION, &sbom).await;
    let att = attach(&source, dir, "provenance.json", IN_TOTO, &amd64).await;
    let (cosign_tag, cosign) =
        cosign_sign(&Pusher::new(&reg.base_url()), "app", &index.digest).await;
    App {
        index,
        amd64,
        arm64,
        sbom,
        sig,
        att,
        cosign_tag,
        cosign,
    }
}

fn nodes(g: &Graph) -> BTreeSet<(String, NodeKind)> {
    g.nodes.iter().map(|n| (n.id.to_string(), n.kind)).collect()
}

fn edges(g: &Graph) -> BTreeSet<(String, String, EdgeKind)> {
    g.edges
        .iter()
        .map(|e| (e.from.to_string(), e.to.to_string(), e.kind))
        .collect()
}

fn via(g: &Graph, from: &Digest, to: &Digest) -> Option<Via> {
    g.edges
        .iter()
        .find(|e| &e.from == from && &e.to == to)
        .map(|e| e.via)
}

fn clean(g: &Graph) {
    assert!(!g.truncated);
    assert!(g.warnings.is_empty(), "{:?}", g.warnings);
    assert!(g.nodes.iter().all(|n| n.error.is_none()), "{:#?}", g.nodes);
}

#[tokio::test]
async fn a_layout_copy_reads_as_the_same_graph_as_the_registry() {
    let reg = TestRegistry::anonymous().await;
    let dir = tempfile::tempdir().unwrap();
    let app = build_app(&reg, dir.path()).await;
    let source = remote(&reg, "app").await;
    let local = LocalStore::new(dir.path().join("local"));
    let layout = Store::Layout(local.layout("app", true).unwrap());
    copy_to(&source, "v1", &layout, true).await;
    copy_to(&source, &app.cosign_tag, &layout, false).await;
    assert_eq!(local.repositories().unwrap(), ["app"]);

    let options = GraphOptions::default();
    let from_registry = graph::load_store(&source, "v1", &options).await.unwrap();
    let from_layout = graph::load_store(&layout, "v1", &options).await.unwrap();
    clean(&from_registry);
    clean(&from_layout);
    assert_eq!(from_layout.root, app.index.digest);
    assert_eq!(nodes(&from_layout), nodes(&from_registry));
    assert_eq!(edges(&from_layout), edges(&from_registry));
    // index, 2 × (manifest, config, layer), 3 referrers with the one empty config and a layer
    // each, the cosign signature with its config and payload.
    assert_eq!(from_layout.nodes.len(), 1 + 2 * 3 + 3 + 1 + 3 + 3 - 1);

    let g = &from_layout;
    for (from, to) in [
        (&app.index, &app.sbom),
        (&app.sbom, &app.sig),
        (&app.amd64, &app.att),
    ] {
        assert_eq!(via(g, &from.digest, &to.digest), Some(Via::Subject));
        assert_eq!(
            via(&from_registry, &from.digest, &to.digest),
            Some(Via::TagSchema)
        );
    }
    assert_eq!(via(g, &app.index.digest, &app.cosign), Some(Via::CosignTag));
    for platform in [&app.amd64, &app.arm64] {
        assert_eq!(
            via(g, &app.index.digest, &platform.digest),
            Some(Via::Index)
        );
    }
    let kind = |d: &Digest| g.node(d).map(|n| n.kind);
    assert_eq!(kind(&app.sbom.digest), Some(NodeKind::Sbom));
    assert_eq!(kind(&app.sig.digest), Some(NodeKind::Signature));
    assert_eq!(kind(&app.att.digest), Some(NodeKind::Attestation));
    assert_eq!(kind(&app.cosign), Some(NodeKind::Signature));
    assert_eq!(g.node(&app.index.digest).unwrap().tags, ["v1"]);
    assert_eq!(
        g.node(&app.cosign).unwrap().tags,
        std::slice::from_ref(&app.cosign_tag)
    );
    assert_eq!(
        serde_json::to_value(Via::Subject).unwrap(),
        json!("subject")
    );

    // Without referrers, the layout's tags still label the nodes.
    let bare = graph::load_store(
        &layout,
        &app.index.digest.to_string(),
        &GraphOptions {
            referrers: false,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(bare.node(&app.index.digest).unwrap().tags, ["v1"]);
    assert!(bare.node(&app.sbom.digest).is_none());
    assert_eq!(bare.nodes.len(), 1 + 2 * 3);

    // A partial copy: a missing platform manifest is that node's error, not a failed load.
    let Store::Layout(l) = &layout else {
        unreachable!()
    };
    std::fs::remove_file(l.blob_path(&app.arm64.digest)).unwrap();
    let partial = graph::load_store(&layout, "v1", &options).await.unwrap();
    let arm64 = partial
        .node(&app.arm64.digest)
        .expect("arm64 is still a node");
    assert!(
        arm64
            .error
            .as_deref()
            .is_some_and(|e| e.contains("not found")),
        "{arm64:?}"
    );
    assert_eq!(partial.warnings.len(), 1, "{:?}", partial.warnings);
    assert!(partial.node(&app.sig.digest).is_some());
}

/// A graph and what its events rebuilt, applied the way a view would: a node replaces the
/// one of its id, edges and warnings add up.
struct Watched {
    graph: Graph,
    nodes: HashMap<Digest, Node>,
    edges: Vec<(String, String, EdgeKind)>,
    warnings: Vec<String>,
}

async fn load_watched(store: &Store, options: &GraphOptions) -> Watched {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let options = GraphOptions {
        events: Some(tx),
        ..options.clone()
    };
    let graph = graph::load_store(store, "v1", &options).await.unwrap();
    let mut watched = Watched {
        graph,
        nodes: HashMap::new(),
        edges: Vec::new(),
        warnings: Vec::new(),
    };
    while let Ok(event) = rx.try_recv() {
        match event {
            GraphEvent::Node(n) => {
                watched.nodes.insert(n.id.clone(), n);
            }
            GraphEvent::Edge(e) => {
                watched
                    .edges
                    .push((e.from.to_string(), e.to.to_string(), e.kind))
            }
            GraphEvent::Warning(w) => watched.warnings.push(w),
        }
    }
    watched
}

fn assert_replayed(what: &str, w: &Watched) {
    let g = &w.graph;
    assert_eq!(w.nodes.len(), g.nodes.len(), "{what}: every node was sent");
    for node in &g.nodes {
        assert_eq!(
            w.nodes.get(&node.id),
            Some(node),
            "{what}: the last version of {}",
            node.id
        );
    }
    assert_eq!(w.edges.len(), g.edges.len(), "{what}: each edge once");
    assert_eq!(
        w.edges.iter().cloned().collect::<BTreeSet<_>>(),
        edges(g),
        "{what}"
    );
    assert_eq!(w.warnings, g.warnings, "{what}");
}

#[tokio::test]
async fn graph_events_rebuild_the_returned_graph() {
    let reg = TestRegistry::anonymous().await;
    let dir = tempfile::tempdir().unwrap();
    let app = build_app(&reg, dir.path()).await;
    let source = remote(&reg, "app").await;
    let local = LocalStore::new(dir.path().join("local"));
    let layout = Store::Layout(local.layout("app", true).unwrap());
    copy_to(&source, "v1", &layout, true).await;
    copy_to(&source, &app.cosign_tag, &layout, false).await;
    // A platform manifest changed on disk: its node is sent again with the error, and the
    // subject scan's note and the walk's warning are sent as they arise.
    let Store::Layout(l) = &layout else {
        unreachable!()
    };
    std::fs::write(l.blob_path(&app.arm64.digest), b"{\"changed\": true}").unwrap();

    let cache = tempfile::tempdir().unwrap();
    let cached = GraphOptions {
        cache: Some(ManifestCache::new(cache.path())),
        ..Default::default()
    };
    for (what, store) in [("registry", &source), ("layout", &layout)] {
        let watched = load_watched(store, &cached).await;
        assert_replayed(what, &watched);
        assert!(watched.graph.node(&app.cosign).is_some(), "{what}");
    }
    let g = load_watched(&layout, &cached).await.graph;
    let arm64 = g.node(&app.arm64.digest).unwrap();
    assert!(
        arm64
            .error
            .as_deref()
            .is_some_and(|e| e.contains("digest mismatch")),
        "{arm64:?}"
    );
    assert_eq!(g.warnings.len(), 2, "{:?}", g.warnings);
    assert!(
        g.warnings[0].contains("skipped while looking for referrers")
            || g.warnings[1].contains("skipped while looking for referrers"),
        "{:?}",
        g.warnings
    );
    assert!(
        g.node(&app.att.digest).is_some(),
        "other referrers are still found"
    );

    // A reused snapshot is sent too. A referrer of a referrer added since is not in it: that
    // is how the snapshot shows it was used.
    let late = attach(&source, dir.path(), "late.sig", NOTATION, &app.sig).await;
    let reuse = GraphOptions {
        reuse_snapshot: true,
        ..cached.clone()
    };
    let watched = load_watched(&source, &reuse).await;
    assert!(
        watched.graph.node(&late.digest).is_none(),
        "the snapshot was reused"
    );
    assert!(!watched.nodes.is_empty());
    assert_replayed("snapshot", &watched);

    // Nobody listening: the walk goes on all the same.
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    drop(rx);
    let deaf = GraphOptions {
        events: Some(tx),
        ..Default::default()
    };
    let g = graph::load_store(&source, "v1", &deaf).await.unwrap();
    assert!(g.node(&late.digest).is_some());
}

#[tokio::test]
async fn the_cli_draws_the_graph_of_a_layout() {
    let reg = TestRegistry::anonymous().await;
    let dir = tempfile::tempdir().unwrap();
    let app = build_app(&reg, dir.path()).await;
    let source = remote(&reg, "app").await;
    let layout_dir = dir.path().join("copy");
    let layout = Store::Layout(stowage::layout::Layout::open_or_create(&layout_dir).unwrap());
    copy_to(&source, "v1", &layout, true).await;
    let expected = graph::load_store(&layout, "v1", &GraphOptions::default())
        .await
        .unwrap();

    let target = format!("oci:{}:v1", layout_dir.display());
    let home = dir.path().join("home");
    let run = |args: Vec<String>| {
        let home = home.clone();
        tokio::task::spawn_blocking(move || {
            std::process::Command::new(env!("CARGO_BIN_EXE_stowage"))
                .args(&args)
                .env("STOWAGE_CONFIG_DIR", home.join("config"))
                .env("STOWAGE_CACHE_DIR", home.join("cache"))
                .env("STOWAGE_DATA_DIR", home.join("data"))
                .output()
                .expect("run stowage")
        })
    };
    let out = run(vec![
        "graph".into(),
        target.clone(),
        "--output".into(),
        "json".into(),
    ])
    .await
    .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed: Graph = serde_json::from_slice(&out.stdout).expect("graph JSON");
    assert_eq!(printed.root, app.index.digest);
    assert_eq!(nodes(&printed), nodes(&expected));
    assert_eq!(edges(&printed), edges(&expected));

    let out = run(vec!["graph".into(), target]).await.unwrap();
    let tree = String::from_utf8_lossy(&out.stdout);
    assert!(
        tree.contains(&format!(
            "[referrer via subject] sbom (spdx) {}",
            app.sbom.digest.short()
        )),
        "{tree}"
    );
}
