//! End-to-end tests: the real app binary under Xvfb, driven by tauri-driver and WebKitWebDriver,
//! against Debian's real docker-registry with content written by umoci, skopeo, oras-py and
//! Stowage; and against the Local store. Run with `make e2e` (it builds the app and provides the
//! display, the WebDriver server, a keyring and throw-away app folders). Screenshots of every
//! step go to target/e2e/. `drop` drags real files onto the app with the X pointer (issue 5).

mod drop;
mod expect;
mod open;
mod peers;
mod pick;
mod sbom;
mod signature;

use stowage_testkit as harness;
use stowage_testkit::{app, drag, webdriver};

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::json;
use stowage::auth::{Credential, Credentials, Secret};
use stowage::config::{RegistrySettings, Settings};
use stowage::graph::{self, EdgeKind, Graph, GraphOptions, NodeKind};
use stowage::layout::Layout;
use stowage::local::LocalStore;
use stowage::manifest::{Descriptor, Manifest};
use stowage::ops::copy::{self, CopyOptions};
use stowage::ops::fallback::{self, Change};
use stowage::ops::push::{self, FileSpec, PushOptions, PushRequest};
use stowage::registry::{Client, Registry};
use stowage::store::Store;
use stowage::transfer::Cancel;
use stowage::transfer::Transfer;
use stowage::Digest;

use app::App;
use expect::{diff, kind_counts, shown, tag_node, view_of};
use harness::{TestRegistry, MANIFEST_ACCEPT, MULTIARCH_TAG};
use webdriver::keys;

type TestResult = Result<(), Box<dyn std::error::Error>>;

const SPDX: &str = "application/spdx+json";
const NOTATION: &str = "application/vnd.cncf.notary.signature";
const USER: &str = "e2e-user";

/// One app at a time: they share the display, the WebDriver server and the app's folders.
static ONE_APP: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn shots() -> PathBuf {
    app::target_dir().join("e2e")
}

/// A password made up for this run (the registry is thrown away with the test).
fn made_up_password() -> String {
    let seed = format!("{:?}{}", std::time::SystemTime::now(), std::process::id());
    Digest::sha256_of(seed.as_bytes()).to_string()[7..27].to_string()
}

/// The registry as Stowage's core sees it with the htpasswd user's password.
fn signed_in(host: &str, pass: &str) -> Arc<Registry> {
    let mut settings = Settings::default();
    settings
        .registries
        .insert(host.to_string(), RegistrySettings::default());
    let credentials = Credentials::new("stowage-e2e", None, Vec::new()).without_keyring();
    let credential = Credential::Basic {
        username: USER.into(),
        password: Secret::new(pass),
    };
    let registry = Client::new(settings, credentials)
        .connect(host, Some(credential))
        .expect("registry client");
    Arc::new(registry)
}

/// What both registry scenarios start from: an htpasswd registry holding, in `repo` under `v1`,
/// a two-platform image built by umoci and pushed by skopeo.
struct MultiArch {
    reg: TestRegistry,
    pass: String,
    host: String,
    scratch: tempfile::TempDir,
}

async fn multiarch_registry(repo: &str) -> std::io::Result<MultiArch> {
    let pass = made_up_password();
    let reg = TestRegistry::htpasswd(USER, &pass).await;
    let host = reg.host();
    let scratch = tempfile::tempdir()?;
    let layout =
        harness::umoci_multiarch_layout(scratch.path(), &[("linux", "amd64"), ("linux", "arm64")])
            .await;
    peers::skopeo_copy_all(
        &layout,
        MULTIARCH_TAG,
        &host,
        repo,
        "v1",
        (USER, &pass),
        scratch.path(),
    )
    .await;
    Ok(MultiArch {
        reg,
        pass,
        host,
        scratch,
    })
}

/// `stowage attach`, in process: `file` becomes an artifact of `artifact_type` referring to
/// `subject`. Against docker-registry 2.8 this also writes the subject's referrers tag.
async fn attach(store: &Store, file: &Path, artifact_type: &str, subject: Descriptor) -> Digest {
    let request = PushRequest {
        files: vec![FileSpec {
            path: file.to_path_buf(),
            media_type: None,
        }],
        artifact_type: Some(artifact_type.into()),
        subject: Some(subject),
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
    .expect("attach")
    .digest
}

/// The descriptor of a manifest in `store`, as a subject for a referrer.
async fn descriptor(store: &Store, reference: &str) -> Descriptor {
    let m = store.fetch_manifest(reference).await.expect("manifest");
    Descriptor::new(&m.media_type, m.digest, m.bytes.len() as u64)
}

/// The platform manifest of `index` for `arch`.
async fn platform(store: &Store, index: &str, arch: &str) -> Descriptor {
    let fetched = store.fetch_manifest(index).await.expect("index");
    let Manifest::Index(index) = fetched.parse().expect("parse index") else {
        panic!("{index} is not an index");
    };
    let mut d = index
        .manifests
        .into_iter()
        .find(|m| m.platform.as_ref().is_some_and(|p| p.architecture == arch))
        .unwrap_or_else(|| panic!("no {arch} in the index"));
    d.platform = None;
    d
}

/// The nodes of one kind in the core's graph.
fn of_kind(g: &Graph, kind: NodeKind) -> Vec<String> {
    g.nodes
        .iter()
        .filter(|n| n.kind == kind)
        .map(|n| n.id.to_string())
        .collect()
}

/// Compares the canvas with the core's graph of the same store, naming every difference.
async fn check_canvas(app: &App, expected: &expect::ExpectedView) -> TestResult {
    let nodes = app.graph_nodes().await?;
    let edges = app.graph_edges().await?;
    let on_canvas = shown(&nodes, &edges);
    let difference = diff(expected, &on_canvas);
    assert!(
        difference.is_empty(),
        "the canvas differs from the core's graph:\n{difference}"
    );
    assert_eq!(
        edges.len(),
        expected.edges.len(),
        "an edge is drawn twice: {edges:?}"
    );
    Ok(())
}

/// Selects `id` and checks the details panel: its digest, its media type, and the manifest's
/// bytes exactly as `served`.
async fn check_details(app: &App, id: &str, media_type: &str, served: &[u8]) -> TestResult {
    let details = app.select_node(id).await?;
    assert_eq!(details.digest.trim(), id, "digest shown for {id}");
    assert_eq!(
        details.fields.get("Media type").map(String::as_str),
        Some(media_type),
        "media type shown for {id}: {details:?}"
    );
    let raw = app.raw_as_served().await?;
    assert_eq!(
        raw.as_bytes(),
        served,
        "the raw manifest of {id} as served differs from the store's bytes"
    );
    Ok(())
}

/// GET of a manifest straight from the registry (not through Stowage), bytes as served.
async fn registry_bytes(reg: &TestRegistry, repo: &str, digest: &str, pass: &str) -> Vec<u8> {
    let url = format!("{}/v2/{repo}/manifests/{digest}", reg.base_url());
    let resp = reg
        .client()
        .get(&url)
        .basic_auth(USER, Some(pass))
        .header(reqwest::header::ACCEPT, MANIFEST_ACCEPT)
        .send()
        .await
        .expect("GET manifest");
    assert!(resp.status().is_success(), "GET {url}: {}", resp.status());
    resp.bytes().await.expect("manifest body").to_vec()
}

/// The tags a person sees by default: not the `sha256-…` tags that only link things to a digest.
fn is_digest_tag(tag: &str) -> bool {
    let Some((alg, rest)) = tag.split_once('-') else {
        return false;
    };
    let hex = rest.split_once('.').map_or(rest, |(h, _)| h);
    matches!(alg, "sha256" | "sha384" | "sha512")
        && (32..=128).contains(&hex.len())
        && hex.bytes().all(|b| b.is_ascii_hexdigit())
}

#[tokio::test]
async fn sign_in_browse_and_read_the_graph_of_a_signed_multi_arch_image() -> TestResult {
    let _one = ONE_APP.lock().await;
    let repo = "e2e/app";
    // A two-platform image built by umoci, pushed by skopeo.
    let MultiArch {
        reg,
        pass,
        host,
        scratch,
    } = multiarch_registry(repo).await?;
    let registry = signed_in(&host, &pass);
    let store = Store::Remote {
        registry: registry.clone(),
        repository: repo.into(),
    };
    let index = descriptor(&store, "v1").await;

    // An SPDX SBOM of the index, pushed by oras-py. oras-py keeps no referrers tag, and 2.8 has
    // no Referrers API: the entry is recorded the way Stowage records its own pushes.
    let sbom_file = scratch.path().join("sbom.spdx.json");
    std::fs::write(
        &sbom_file,
        json!({"spdxVersion": "SPDX-2.3", "SPDXID": "SPDXRef-DOCUMENT", "name": "e2e/app",
               "dataLicense": "CC0-1.0", "packages": []})
        .to_string(),
    )?;
    let sbom = harness::oras_push(
        &host,
        &format!("{repo}:sbom"),
        &[(&sbom_file, SPDX)],
        Some((&index.media_type, &index.digest.to_string(), index.size)),
        Some((USER, &pass)),
    )
    .await;
    let sbom_manifest = store.fetch_manifest(&sbom).await?;
    let entry = fallback::referrer_descriptor(
        &sbom_manifest.parse()?,
        &sbom_manifest.media_type,
        sbom_manifest.digest.clone(),
        sbom_manifest.bytes.len() as u64,
    );
    fallback::update(&registry, repo, &index.digest, Change::Add(entry)).await?;

    // Stowage's own referrers: a signature of the amd64 image, and a signature of the SBOM.
    let amd64 = platform(&store, "v1", "amd64").await;
    let sig_file = scratch.path().join("image.sig");
    std::fs::write(&sig_file, b"a notation-like signature of the amd64 image")?;
    let image_sig = attach(&store, &sig_file, NOTATION, amd64.clone()).await;
    let sbom_sig_file = scratch.path().join("sbom.sig");
    std::fs::write(&sbom_sig_file, b"a notation-like signature of the SBOM")?;
    let sbom_desc = descriptor(&store, &sbom).await;
    let sbom_sig = attach(&store, &sbom_sig_file, NOTATION, sbom_desc.clone()).await;

    // What the app should show, from the core over the same registry.
    let g = graph::load_store(&store, "v1", &GraphOptions::default()).await?;
    assert!(!g.truncated && g.warnings.is_empty(), "{:?}", g.warnings);
    let expected = view_of(&g, Some("v1"));
    let counts = kind_counts(&expected);
    let count = |k: &str| counts.get(k).copied().unwrap_or(0);
    assert_eq!(
        (
            count("index"),
            count("image"),
            count("sbom"),
            count("signature")
        ),
        (1, 2, 1, 2),
        "the content is not what this scenario builds: {counts:?}"
    );
    assert_eq!(of_kind(&g, NodeKind::Sbom), std::slice::from_ref(&sbom));
    let referrer_of_referrer = g.edges.iter().any(|e| {
        e.kind == EdgeKind::Referrer
            && e.from.to_string() == sbom
            && e.to.to_string() == sbom_sig.to_string()
    });
    assert!(
        referrer_of_referrer,
        "the SBOM's signature hangs off the SBOM"
    );
    let catalog = registry.catalog().await?;
    let all_tags = store.tags().await?;
    let visible_tags: BTreeSet<String> = all_tags
        .iter()
        .filter(|t| !is_digest_tag(t))
        .cloned()
        .collect();
    let summary = graph::summarize_tags(&store, &["v1".to_string()], &all_tags, 4)
        .await
        .remove(0);

    // The app, from its first window.
    let app = App::launch(&shots()).await?;
    app.wait_sidebar().await?;
    let order: Vec<String> = app
        .session
        .execute(
            "return [...document.querySelectorAll('[data-testid=sources] [data-source]')].map(e => e.dataset.source);",
            vec![],
        )
        .await?;
    assert_eq!(
        order.first().map(String::as_str),
        Some("local"),
        "{order:?}"
    );
    app.shot("01-start").await?;

    // A wrong password: the dialog says so plainly, and nothing is added.
    app.fill_add_registry(&host, USER, "not-the-password", true)
        .await?;
    app.shot("02-add-registry").await?;
    let problem = app.submit_add_registry().await?;
    let (code, text) = problem.expect("a wrong password is refused");
    assert_eq!(code, "unauthorized", "{text}");
    assert!(
        text.contains("Wrong username or password"),
        "the dialog says {text:?}"
    );
    assert!(!text.contains(&pass));
    app.shot("03-wrong-password").await?;
    assert_eq!(
        app.source_text(&host).await?,
        None,
        "a failed sign-in adds nothing"
    );

    // The right one: the dialog closes and the sidebar shows the registry signed in.
    app.fill_add_registry(&host, USER, &pass, true).await?;
    let problem = app.submit_add_registry().await?;
    assert_eq!(problem, None, "the right password is accepted");
    let row = app
        .wait_source_text(&host, &format!("signed in as {USER}"))
        .await?;
    assert!(row.contains("HTTP"), "the row flags plain HTTP: {row:?}");

    // Repositories: the registry's catalog.
    let shown_repos = app.wait_rows_equal("repo-list", &catalog).await?;
    assert_eq!(
        shown_repos.iter().cloned().collect::<BTreeSet<_>>(),
        catalog.iter().cloned().collect::<BTreeSet<_>>(),
        "repositories shown"
    );
    app.shot("04-signed-in").await?;

    // Tags, without the digest tags, and the badges of v1 from its referrers.
    app.open_repository(repo).await?;
    let shown_tags = app.wait_rows("tag-list", visible_tags.len()).await?;
    let shown_tags: BTreeSet<String> = shown_tags
        .iter()
        .map(|r| r.split(' ').next().unwrap_or_default().to_string())
        .collect();
    assert_eq!(shown_tags, visible_tags, "tags shown");
    let count_text = app.text_of("[data-testid=tag-count]").await?;
    assert_eq!(
        count_text.trim(),
        format!("{} of {} tags", visible_tags.len(), all_tags.len())
    );
    let badges = app.wait_badges("v1").await?;
    let mut want = Vec::new();
    if summary.signed {
        want.push("signature");
    }
    if summary.sbom {
        want.push("SBOM");
    }
    if summary.attestation {
        want.push("attested");
    }
    assert_eq!(badges.badges, want, "badges of v1 ({summary:?})");
    let digest = summary.digest.expect("v1 resolves").to_string();
    assert!(
        digest.contains(badges.digest.trim()),
        "v1's short digest {:?} is a part of {digest}",
        badges.digest
    );
    app.shot("05-tags").await?;

    // The graph of v1, node for node and edge for edge.
    app.open_tag("v1").await?;
    let state = app.wait_graph(expected.nodes.len()).await?;
    assert_eq!(state.edge_count, expected.edges.len());
    check_canvas(&app, &expected).await?;
    let title = app.text_of("[data-testid=graph-title]").await?;
    assert_eq!(title.trim(), format!("{host}/{repo}:v1"));
    app.shot("06-graph").await?;

    // Keyboard: the first arrow selects a node and opens its details; Escape closes them,
    // Enter opens them again; from the tag, → goes to the index.
    app.graph_keys(keys::ARROW_RIGHT).await?;
    let first = app.wait_details_any().await?;
    let root = g.root.to_string();
    if first == tag_node("v1") {
        app.graph_keys(keys::ARROW_RIGHT).await?;
    } else {
        assert_eq!(first, root, "the first arrow selects the tag or the index");
    }
    app.wait_details(&root).await?;
    app.graph_keys(keys::ESCAPE).await?;
    app.wait_gone("[data-testid=details]").await?;
    app.graph_keys(keys::ENTER).await?;
    app.wait_details(&root).await?;
    let served = registry_bytes(&reg, repo, &root, &pass).await;
    check_details(&app, &root, &index.media_type, &served).await?;
    app.shot("07-details-index").await?;

    // The SBOM oras-py pushed, and the signature Stowage attached to it.
    let served = registry_bytes(&reg, repo, &sbom, &pass).await;
    check_details(&app, &sbom, &sbom_desc.media_type, &served).await?;
    let details = app.details().await?;
    let linked = details
        .fields
        .get("Linked from")
        .cloned()
        .unwrap_or_default();
    assert!(
        linked.contains("via tag schema"),
        "the SBOM was found through the referrers tag: {linked:?}"
    );
    app.shot("08-details-sbom").await?;
    let sig = sbom_sig.to_string();
    let served = registry_bytes(&reg, repo, &sig, &pass).await;
    let sig_type = descriptor(&store, &sig).await.media_type;
    check_details(&app, &sig, &sig_type, &served).await?;
    let details = app.details().await?;
    assert_eq!(
        details.fields.get("Artifact type").map(String::as_str),
        Some(NOTATION)
    );
    app.shot("09-details-signature").await?;
    let served = registry_bytes(&reg, repo, &image_sig.to_string(), &pass).await;
    check_details(&app, &image_sig.to_string(), &sig_type, &served).await?;

    app.close().await?;
    Ok(())
}

#[tokio::test]
async fn a_layout_in_the_local_store_shows_up_and_its_graph_opens() -> TestResult {
    let _one = ONE_APP.lock().await;
    let data = app::required_env(
        "STOWAGE_DATA_DIR",
        "the app's data folder, where the Local store lives (scripts/with-display sets a throw-away one)",
    )?;
    let local = LocalStore::new(Path::new(&data).join("local"));
    let repo = "e2e/local-app";
    let path = local.path(repo)?;
    if path.exists() {
        std::fs::remove_dir_all(&path)?;
    }
    let scratch = tempfile::tempdir()?;
    let layout =
        harness::umoci_multiarch_layout(scratch.path(), &[("linux", "amd64"), ("linux", "arm64")])
            .await;

    // The core writes the layout into the Local store, then attaches a signature to arm64 there.
    let source = Store::Layout(Layout::open(&layout)?);
    let target = Store::Layout(local.layout(repo, true)?);
    copy::copy(
        &source,
        MULTIARCH_TAG,
        &target,
        Some("v1"),
        &CopyOptions::default(),
        &Transfer::new(),
        &Cancel::new(),
    )
    .await?;
    let arm64 = platform(&target, "v1", "arm64").await;
    let sig_file = scratch.path().join("arm64.sig");
    std::fs::write(&sig_file, b"a notation-like signature of the arm64 image")?;
    let sig = attach(&target, &sig_file, NOTATION, arm64)
        .await
        .to_string();

    let g = graph::load_store(&target, "v1", &GraphOptions::default()).await?;
    assert!(!g.truncated && g.warnings.is_empty(), "{:?}", g.warnings);
    let expected = view_of(&g, Some("v1"));
    assert!(
        g.edges.iter().any(|e| e.to.to_string() == sig),
        "the signature is in the graph"
    );
    let repositories = local.repositories()?;
    let tags: BTreeSet<String> = target.tags().await?.into_iter().collect();

    let app = App::launch(&shots()).await?;
    app.wait_sidebar().await?;
    app.open_source("local").await?;
    let shown_repos = app.wait_rows("repo-list", repositories.len()).await?;
    assert_eq!(shown_repos, repositories, "Local repositories shown");
    app.shot("10-local-repositories").await?;
    app.open_repository(repo).await?;
    let shown_tags = app.wait_rows("tag-list", tags.len()).await?;
    let shown_tags: BTreeSet<String> = shown_tags
        .iter()
        .map(|r| r.split(' ').next().unwrap_or_default().to_string())
        .collect();
    assert_eq!(shown_tags, tags);
    app.open_tag("v1").await?;
    app.wait_graph(expected.nodes.len()).await?;
    check_canvas(&app, &expected).await?;
    app.shot("11-local-graph").await?;

    // The signature's manifest exactly as the layout holds it.
    let hex = sig.strip_prefix("sha256:").expect("sha256 digest");
    let stored = std::fs::read(path.join("blobs/sha256").join(hex))?;
    let sig_type = descriptor(&target, &sig).await.media_type;
    check_details(&app, &sig, &sig_type, &stored).await?;
    let linked = app
        .details()
        .await?
        .fields
        .get("Linked from")
        .cloned()
        .unwrap_or_default();
    assert!(
        linked.contains("via subject"),
        "a layout's referrers are found by their subject: {linked:?}"
    );
    app.shot("12-local-details").await?;
    app.close().await?;
    Ok(())
}
