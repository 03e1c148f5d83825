//! The artifact graph against a real registry: referrers through the API and the fallback tag,
//! content written by peers, cosign tags, buildx attestations, caps, cycles and the cache.

use std::collections::BTreeSet;

use serde_json::json;
use stowage::cache::ManifestCache;
use stowage::graph::{self, EdgeKind, Graph, GraphOptions};
use stowage::{Digest, Reference};

use crate::harness::{self, Desc, Pusher, ReferrersFront, TestRegistry, OCI_INDEX, OCI_MANIFEST};
use crate::support::registry_at;

const SPDX: &str = "application/spdx+json";
const NOTATION: &str = "application/vnd.cncf.notary.signature";
const IN_TOTO: &str = "application/vnd.in-toto+json";

fn reference(host: &str, rest: &str) -> Reference {
    format!("{host}/{rest}").parse().expect("reference")
}

fn digest(d: &Desc) -> Digest {
    d.digest.parse().expect("digest")
}

/// Writes the referrers tag schema's index for `subject`, as a client without the API must.
async fn write_fallback_tag(
    pusher: &Pusher,
    repo: &str,
    subject: &Desc,
    referrers: &[(&Desc, &str)],
) {
    let manifests: Vec<_> = referrers
        .iter()
        .map(|(d, t)| json!({"mediaType": OCI_MANIFEST, "digest": d.digest, "size": d.size, "artifactType": t}))
        .collect();
    let index = json!({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": manifests});
    let tag = subject.digest.replace(':', "-");
    pusher.put_json(repo, &tag, &index).await;
}

fn edge_set(g: &Graph) -> BTreeSet<(String, String, EdgeKind)> {
    g.edges
        .iter()
        .map(|e| (e.from.to_string(), e.to.to_string(), e.kind))
        .collect()
}

/// The graph drawn as `stowage graph` draws it, each node by its kind and, for those in
/// `names`, the test's name for it: whole trees compare at once, order included.
fn tree(g: &Graph, names: &[(&Desc, &str)]) -> String {
    graph::tree::render(g, |node| {
        let kind = serde_json::to_value(node.kind).unwrap();
        let kind = kind.as_str().unwrap();
        let kind = match &node.format {
            Some(format) => format!("{kind} ({format})"),
            None => kind.to_string(),
        };
        let name = names.iter().find(|(d, _)| d.digest == node.id.to_string());
        match (name, &node.platform) {
            (Some((_, name)), _) => format!("{kind} {name}"),
            (None, Some(p)) => format!("{kind} {}/{}", p.os, p.architecture),
            (None, None) => kind,
        }
    })
}

#[tokio::test]
async fn referrers_read_the_same_through_the_api_and_the_fallback_tag() {
    let reg = TestRegistry::anonymous().await;
    let front = ReferrersFront::start(&reg).await;
    let direct = Pusher::new(&reg.base_url());
    let through_front = Pusher::new(&front.base_url());

    let image = direct.image("app", "v1", b"app layer").await;
    let sbom = through_front
        .artifact(
            "app",
            None,
            SPDX,
            b"{\"spdxVersion\":\"SPDX-2.3\"}",
            Some(&image),
            &[],
        )
        .await;
    let att = through_front
        .artifact(
            "app",
            None,
            IN_TOTO,
            b"{\"_type\":\"stmt\"}",
            Some(&image),
            &[("k", "v")],
        )
        .await;
    let sig = through_front
        .artifact("app", None, NOTATION, b"sig", Some(&sbom), &[])
        .await;
    write_fallback_tag(&direct, "app", &image, &[(&sbom, SPDX), (&att, IN_TOTO)]).await;
    write_fallback_tag(&direct, "app", &sbom, &[(&sig, NOTATION)]).await;

    let options = GraphOptions::default();
    let via_tag = graph::load(
        registry_at(&reg.host(), &reg).await,
        &reference(&reg.host(), "app:v1"),
        &options,
    )
    .await
    .unwrap();
    let via_api = graph::load(
        registry_at(&front.host(), &reg).await,
        &reference(&front.host(), "app:v1"),
        &options,
    )
    .await
    .unwrap();

    assert_eq!(via_tag.root, digest(&image));
    let names = [(&image, "app:v1")];
    // A referrer of a referrer too; the referrers' shared empty config is drawn once.
    let expected = "\
image app:v1
├── config
├── layer
├── [referrer via referrers API] attestation (in-toto)
│   ├── config
│   └── layer
└── [referrer via referrers API] sbom (spdx)
    ├── config (shown above)
    ├── layer
    └── [referrer via referrers API] signature (notation)
        ├── config (shown above)
        └── layer
";
    assert_eq!(tree(&via_api, &names), expected);
    let via_tag_expected = expected.replace("referrers API", "referrers tag");
    assert_eq!(tree(&via_tag, &names), via_tag_expected);
    assert_eq!(
        via_api
            .node(&digest(&att))
            .unwrap()
            .annotations
            .get("k")
            .map(String::as_str),
        Some("v")
    );
    assert_eq!(via_api.node(&digest(&image)).unwrap().tags, ["v1"]);
    assert!(
        !via_api.truncated && via_api.warnings.is_empty(),
        "{:?}",
        via_api.warnings
    );
}

#[tokio::test]
async fn content_written_by_umoci_skopeo_and_oras_py_is_linked() {
    let reg = TestRegistry::anonymous().await;
    let front = ReferrersFront::start(&reg).await;
    let dir = tempfile::tempdir().unwrap();
    let layout =
        harness::umoci_multiarch_layout(dir.path(), &[("linux", "amd64"), ("linux", "arm64")])
            .await;
    harness::skopeo_copy_all(
        &layout,
        harness::MULTIARCH_TAG,
        &reg.host(),
        "multi",
        "v1",
        None,
    )
    .await;

    let direct = Pusher::new(&reg.base_url());
    let index = direct
        .head("multi", "v1")
        .await
        .expect("index pushed by skopeo");
    let graph_before = graph::load(
        registry_at(&front.host(), &reg).await,
        &reference(&front.host(), "multi:v1"),
        &GraphOptions::default(),
    )
    .await
    .unwrap();
    let index_digest = digest(&index);
    let platforms: Vec<_> = graph_before
        .children(&index_digest)
        .filter(|e| e.kind == EdgeKind::Child)
        .cloned()
        .collect();
    assert_eq!(platforms.len(), 2);
    let amd64 = graph_before
        .nodes
        .iter()
        .find(|n| {
            n.platform
                .as_ref()
                .is_some_and(|p| p.architecture == "amd64")
        })
        .expect("an amd64 node")
        .clone();
    let amd64_desc = direct.head("multi", &amd64.id.to_string()).await.unwrap();

    let sbom_file = dir.path().join("sbom.spdx.json");
    std::fs::write(&sbom_file, br#"{"spdxVersion":"SPDX-2.3","name":"multi"}"#).unwrap();
    let readme = dir.path().join("README.md");
    std::fs::write(&readme, b"# an artifact").unwrap();
    harness::oras_push(
        &reg.host(),
        "multi:sbom",
        &[(sbom_file.as_path(), SPDX)],
        Some((&amd64_desc.media_type, &amd64_desc.digest, amd64_desc.size)),
        None,
    )
    .await;
    harness::oras_push(
        &reg.host(),
        "docs:v1",
        &[(readme.as_path(), "text/markdown")],
        None,
        None,
    )
    .await;

    let g = graph::load(
        registry_at(&front.host(), &reg).await,
        &reference(&front.host(), "multi:v1"),
        &GraphOptions::default(),
    )
    .await
    .unwrap();
    let sbom = direct.head("multi", "sbom").await.unwrap();
    // umoci's images have a config and one layer each; oras-py's referrer hangs off amd64.
    let expected = "\
index multi:v1
├── image linux/amd64
│   ├── config
│   ├── layer
│   └── [referrer via referrers API] sbom (spdx) by oras-py
│       ├── config
│       └── layer
└── image linux/arm64
    ├── config
    └── layer
";
    assert_eq!(
        tree(&g, &[(&index, "multi:v1"), (&sbom, "by oras-py")]),
        expected
    );

    let docs = graph::load(
        registry_at(&reg.host(), &reg).await,
        &reference(&reg.host(), "docs:v1"),
        &GraphOptions::default(),
    )
    .await
    .unwrap();
    let layer = docs
        .children(&docs.root)
        .find(|e| e.kind == EdgeKind::Layer)
        .expect("a layer");
    let node = docs.node(&layer.to).unwrap();
    assert_eq!(
        node.annotations
            .get("org.opencontainers.image.title")
            .map(String::as_str),
        Some("README.md")
    );
}

#[tokio::test]
async fn cosign_tags_and_buildx_attestations_are_linked() {
    let reg = TestRegistry::anonymous().await;
    let pusher = Pusher::new(&reg.base_url());
    let amd64 = pusher.image("built", "amd64-only", b"amd64 layer").await;

    // buildx: the attestation manifest sits in the index, pointing at its platform manifest.
    let (stmt, stmt_size) = pusher
        .blob("built", br#"{"_type":"https://in-toto.io/Statement/v0.1"}"#)
        .await;
    let (empty, _) = pusher.blob("built", b"{}").await;
    let att = pusher
        .put_json(
            "built",
            "att",
            &json!({"schemaVersion": 2, "mediaType": OCI_MANIFEST,
                "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": empty, "size": 2},
                "layers": [{"mediaType": IN_TOTO, "digest": stmt, "size": stmt_size,
                    "annotations": {"in-toto.io/predicate-type": "https://slsa.dev/provenance/v0.2"}}]}),
        )
        .await;
    let index = pusher
        .put_json(
            "built",
            "v1",
            &json!({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": [
                {"mediaType": OCI_MANIFEST, "digest": amd64.digest, "size": amd64.size,
                 "platform": {"os": "linux", "architecture": "amd64"}},
                {"mediaType": OCI_MANIFEST, "digest": att.digest, "size": att.size,
                 "platform": {"os": "unknown", "architecture": "unknown"},
                 "annotations": {"vnd.docker.reference.type": "attestation-manifest",
                                 "vnd.docker.reference.digest": amd64.digest}}]}),
        )
        .await;

    // cosign: a signature stored under sha256-<hex>.sig, with a simple-signing layer.
    let (payload, payload_size) = pusher.blob("built", br#"{"critical":{}}"#).await;
    let sig = pusher
        .put_json(
            "built",
            &format!("{}.sig", index.digest.replace(':', "-")),
            &json!({"schemaVersion": 2, "mediaType": OCI_MANIFEST,
                "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": empty, "size": 2},
                "layers": [{"mediaType": "application/vnd.dev.cosign.simplesigning.v1+json",
                    "digest": payload, "size": payload_size,
                    "annotations": {"dev.cosignproject.cosign/signature": "MEUCIQ"}}]}),
        )
        .await;

    let g = graph::load(
        registry_at(&reg.host(), &reg).await,
        &reference(&reg.host(), "built:v1"),
        &GraphOptions::default(),
    )
    .await
    .unwrap();
    // The attestation hangs off its platform, not the index; the signature off the index.
    let expected = "\
index built:v1
├── image linux/amd64
│   ├── config
│   ├── layer
│   └── [referrer via buildx] attestation (slsa-provenance) by buildx
│       ├── config
│       └── layer
└── [referrer via cosign tag] signature (cosign) by cosign
    ├── config (shown above)
    └── layer
";
    let names = [
        (&index, "built:v1"),
        (&att, "by buildx"),
        (&sig, "by cosign"),
    ];
    assert_eq!(tree(&g, &names), expected);
    let sig_node = g.node(&digest(&sig)).unwrap();
    assert!(sig_node.tags.iter().any(|t| t.ends_with(".sig")));
}

#[tokio::test]
async fn depth_and_node_caps_truncate_and_cycles_end() {
    let reg = TestRegistry::anonymous().await;
    let pusher = Pusher::new(&reg.base_url());
    let image = pusher.image("deep", "v1", b"base").await;
    let mut chain = vec![image.clone()];
    for i in 0..5 {
        let parent = chain.last().unwrap().clone();
        let next = pusher
            .artifact(
                "deep",
                None,
                NOTATION,
                format!("sig {i}").as_bytes(),
                Some(&parent),
                &[],
            )
            .await;
        write_fallback_tag(&pusher, "deep", &parent, &[(&next, NOTATION)]).await;
        chain.push(next);
    }
    // A hostile fallback tag that names the image as a referrer of the last signature: a cycle.
    let last = chain.last().unwrap().clone();
    write_fallback_tag(&pusher, "deep", &last, &[(&image, NOTATION)]).await;

    let registry = registry_at(&reg.host(), &reg).await;
    let root = reference(&reg.host(), "deep:v1");
    let full = graph::load(registry.clone(), &root, &GraphOptions::default())
        .await
        .unwrap();
    assert!(!full.truncated);
    // Each signature signs the one before; the hostile tag's edge back to the image is drawn
    // once and not followed.
    let names: Vec<(&Desc, String)> = chain
        .iter()
        .enumerate()
        .map(|(i, d)| (d, format!("#{i}")))
        .collect();
    let names: Vec<(&Desc, &str)> = names.iter().map(|(d, n)| (*d, n.as_str())).collect();
    let expected = "\
image #0
├── config
├── layer
└── [referrer via referrers tag] signature (notation) #1
    ├── config
    ├── layer
    └── [referrer via referrers tag] signature (notation) #2
        ├── config (shown above)
        ├── layer
        └── [referrer via referrers tag] signature (notation) #3
            ├── config (shown above)
            ├── layer
            └── [referrer via referrers tag] signature (notation) #4
                ├── config (shown above)
                ├── layer
                └── [referrer via referrers tag] signature (notation) #5
                    ├── config (shown above)
                    ├── layer
                    └── [referrer via referrers tag] image #0 (shown above)
";
    assert_eq!(tree(&full, &names), expected);

    let shallow = graph::load(
        registry.clone(),
        &root,
        &GraphOptions {
            max_depth: 2,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert!(shallow.truncated);
    assert!(
        shallow.node(&digest(&chain[3])).is_none()
            || shallow.children(&digest(&chain[3])).next().is_none()
    );

    let small = graph::load(
        registry,
        &root,
        &GraphOptions {
            max_nodes: 4,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert!(small.truncated);
    assert_eq!(small.nodes.len(), 4);
}

#[tokio::test]
async fn a_referrers_tag_holding_no_index_is_a_warning_not_a_failure() {
    let reg = TestRegistry::anonymous().await;
    let pusher = Pusher::new(&reg.base_url());
    let image = pusher.image("odd", "v1", b"x").await;
    pusher
        .image("odd", &image.digest.replace(':', "-"), b"not an index")
        .await;
    let g = graph::load(
        registry_at(&reg.host(), &reg).await,
        &reference(&reg.host(), "odd:v1"),
        &GraphOptions::default(),
    )
    .await
    .unwrap();
    assert_eq!(g.root, digest(&image));
    assert_eq!(g.warnings.len(), 1, "{:?}", g.warnings);
    assert!(g.warnings[0].contains("not an index"), "{}", g.warnings[0]);
}

#[tokio::test]
async fn the_cache_saves_manifest_requests_and_a_snapshot_costs_few_round_trips() {
    let reg = TestRegistry::anonymous().await;
    let front = ReferrersFront::start(&reg).await;
    let pusher = Pusher::new(&front.base_url());
    let image = pusher.image("cached", "v1", b"layer").await;
    for i in 0..4 {
        pusher
            .artifact(
                "cached",
                None,
                SPDX,
                format!("sbom {i}").as_bytes(),
                Some(&image),
                &[],
            )
            .await;
    }
    let cache_dir = tempfile::tempdir().unwrap();
    let options = GraphOptions {
        cache: Some(ManifestCache::new(cache_dir.path())),
        ..Default::default()
    };
    let root = reference(&front.host(), "cached:v1");
    let first = graph::load(registry_at(&front.host(), &reg).await, &root, &options)
        .await
        .unwrap();
    assert_eq!(first.nodes.len(), 1 + 2 + 4 + 1 + 4);

    // A full reload: manifests known by digest come from the cache; only the tag is fetched.
    let before = front.requests();
    let second = graph::load(registry_at(&front.host(), &reg).await, &root, &options)
        .await
        .unwrap();
    let after = front.requests();
    assert_eq!(edge_set(&first), edge_set(&second));
    assert_eq!(
        after.manifests - before.manifests,
        1,
        "only the tag was fetched"
    );

    // With the snapshot: resolve the tag and check the root's referrers, nothing else.
    let snapshot_options = GraphOptions {
        reuse_snapshot: true,
        ..options.clone()
    };
    let before = front.requests();
    let third = graph::load(
        registry_at(&front.host(), &reg).await,
        &root,
        &snapshot_options,
    )
    .await
    .unwrap();
    let after = front.requests();
    assert_eq!(edge_set(&first), edge_set(&third));
    let work = (after.manifests + after.referrers + after.tags)
        - (before.manifests + before.referrers + before.tags);
    assert!(work <= 3, "{work} requests");

    // A new referrer of the root invalidates the snapshot.
    let extra = pusher
        .artifact("cached", None, NOTATION, b"new sig", Some(&image), &[])
        .await;
    let fourth = graph::load(
        registry_at(&front.host(), &reg).await,
        &root,
        &snapshot_options,
    )
    .await
    .unwrap();
    assert!(fourth.node(&digest(&extra)).is_some());
}

#[tokio::test]
async fn referrers_filter_by_artifact_type_and_follow_pages_both_ways() {
    let reg = TestRegistry::anonymous().await;
    let front = ReferrersFront::start(&reg).await;
    let direct = Pusher::new(&reg.base_url());
    let through_front = Pusher::new(&front.base_url());
    let image = direct.image("filtered", "v1", b"base").await;
    let mut sboms = Vec::new();
    let mut sigs = Vec::new();
    for i in 0..3 {
        sboms.push(
            through_front
                .artifact(
                    "filtered",
                    None,
                    SPDX,
                    format!("sbom {i}").as_bytes(),
                    Some(&image),
                    &[],
                )
                .await,
        );
        sigs.push(
            through_front
                .artifact(
                    "filtered",
                    None,
                    NOTATION,
                    format!("sig {i}").as_bytes(),
                    Some(&image),
                    &[],
                )
                .await,
        );
    }
    let entries: Vec<(&Desc, &str)> = sboms
        .iter()
        .map(|d| (d, SPDX))
        .chain(sigs.iter().map(|d| (d, NOTATION)))
        .collect();
    write_fallback_tag(&direct, "filtered", &image, &entries).await;
    front.set_page_size(Some(2));

    let subject = digest(&image);
    let set = |ds: &[Desc]| ds.iter().map(|d| d.digest.clone()).collect::<BTreeSet<_>>();
    for (host, source) in [(front.host(), "api"), (reg.host(), "tag-schema")] {
        let registry = registry_at(&host, &reg).await;
        let all = registry
            .referrers("filtered", &subject, None)
            .await
            .unwrap();
        assert_eq!(all.descriptors.len(), 6, "{source}: every page was read");
        assert_eq!(serde_json::to_value(all.source).unwrap(), source);
        let only_sboms = registry
            .referrers("filtered", &subject, Some(SPDX))
            .await
            .unwrap();
        let got: BTreeSet<String> = only_sboms
            .descriptors
            .iter()
            .map(|d| d.digest.to_string())
            .collect();
        assert_eq!(got, set(&sboms), "{source}");
    }
    assert!(
        front.requests().referrers >= 3 + 2,
        "pages of two were followed"
    );
}
