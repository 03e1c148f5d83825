//! The layout store against real tools: umoci and skopeo layouts open in Stowage, Stowage's
//! layouts copy and inspect with skopeo byte for byte, and oras-py reads them and writes its own.

use std::path::Path;
use std::process::Command;

use serde_json::{json, Value};
use stowage::digest::Hasher;
use stowage::layout::Layout;
use stowage::manifest::media_type::{OCI_CONFIG, OCI_MANIFEST};
use stowage::manifest::{Descriptor, Manifest};
use stowage::Digest;
use tokio::io::AsyncReadExt;

use crate::harness::{python, TestRegistry};

const LAYER: &str = "application/vnd.oci.image.layer.v1.tar+gzip";

/// Runs a command off the async runtime and returns its stdout; panics with stderr on failure.
async fn run(program: &str, args: &[&str]) -> String {
    let mut cmd = Command::new(program);
    cmd.args(args);
    let shown = format!("{cmd:?}");
    let out = tokio::task::spawn_blocking(move || cmd.output())
        .await
        .expect("join command")
        .unwrap_or_else(|e| panic!("cannot run {shown}: {e}"));
    assert!(
        out.status.success(),
        "{shown} failed ({}):\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn text(path: &Path) -> String {
    path.to_str().expect("UTF-8 temp path").to_string()
}

async fn put_blob(layout: &Layout, bytes: &[u8], media_type: &str) -> Descriptor {
    let digest = Digest::sha256_of(bytes);
    let mut writer = layout
        .blob_writer(&digest, Some(bytes.len() as u64))
        .expect("blob writer");
    // Several writes, as a stream would arrive.
    for chunk in bytes.chunks(1000) {
        writer.write(chunk).await.expect("write blob");
    }
    writer.finish().await.expect("finish blob");
    Descriptor::new(media_type, digest, bytes.len() as u64)
}

/// A tar holding one file: the uncompressed content of the test layer.
fn layer_tar(content: &[u8]) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    let mut header = tar::Header::new_gnu();
    header.set_size(content.len() as u64);
    header.set_mode(0o644);
    header.set_mtime(0);
    builder
        .append_data(&mut header, "hello.txt", content)
        .expect("tar entry");
    builder.into_inner().expect("tar")
}

/// Writes a runnable-shaped image (OCI config, one layer) tagged `tag`, the way a pull would:
/// blobs through `blob_writer`, then `put_manifest`. Returns its descriptor and manifest bytes.
async fn stowage_image(layout: &Layout, tag: &str) -> (Descriptor, Vec<u8>) {
    let tar = layer_tar(b"hello from stowage\n");
    let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(&mut gzip, &tar).expect("gzip layer");
    let layer = put_blob(layout, &gzip.finish().expect("gzip layer"), LAYER).await;
    let config = json!({
        "architecture": "amd64",
        "os": "linux",
        "config": {},
        "rootfs": {"type": "layers", "diff_ids": [Digest::sha256_of(&tar).to_string()]},
    });
    let config = put_blob(layout, config.to_string().as_bytes(), OCI_CONFIG).await;
    let manifest = json!({
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": config,
        "layers": [layer],
        "annotations": {"org.opencontainers.image.title": "interop"},
    });
    let bytes = serde_json::to_vec_pretty(&manifest).expect("manifest json");
    let desc = layout
        .put_manifest(&bytes, OCI_MANIFEST, &[tag.to_string()])
        .expect("put manifest");
    (desc, bytes)
}

/// Checks that `tag` resolves to a verified image manifest whose blobs are all present, reading
/// each layer as a stream and hashing it. Returns the manifest digest.
async fn check_image(layout: &Layout, tag: &str) -> Digest {
    let desc = layout.resolve(tag).expect("resolve tag");
    let fetched = layout
        .fetch_manifest(&desc.digest)
        .expect("verified manifest");
    assert_eq!(fetched.bytes.len() as u64, desc.size);
    let Manifest::Image(manifest) = fetched.parse().expect("parse manifest") else {
        panic!("{tag} is not an image manifest");
    };
    let config = layout.blob_size(&manifest.config.digest).expect("stat");
    assert_eq!(config, Some(manifest.config.size), "config present");
    for layer in &manifest.layers {
        let (mut file, size) = layout.open_blob(&layer.digest).await.expect("open layer");
        assert_eq!(size, layer.size);
        let mut hasher = Hasher::new(layer.digest.algorithm());
        let mut buf = vec![0; 64 * 1024];
        loop {
            let n = file.read(&mut buf).await.expect("read layer");
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
        }
        assert_eq!(hasher.finish(), layer.digest, "layer content");
    }
    desc.digest
}

#[tokio::test]
async fn umoci_layouts_open_in_stowage_and_see_its_tags() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("umoci");
    let image = format!("{}:latest", text(&root));
    run("umoci", &["init", "--layout", &text(&root)]).await;
    run("umoci", &["new", "--image", &image]).await;
    let file = dir.path().join("greeting.txt");
    std::fs::write(&file, "hello from umoci\n").expect("write file");
    let insert = [
        "insert",
        "--rootless",
        "--image",
        &image,
        &text(&file),
        "/greeting.txt",
    ];
    run("umoci", &insert).await;

    let layout = Layout::open(&root).expect("open umoci layout");
    assert_eq!(layout.tags().expect("tags"), vec!["latest".to_string()]);
    let digest = check_image(&layout, "latest").await;
    let index: Value =
        serde_json::from_slice(&std::fs::read(root.join("index.json")).expect("index.json"))
            .expect("parse index.json");
    assert_eq!(index["manifests"][0]["digest"], digest.to_string());
    let manifest = layout.fetch_manifest(&digest).expect("manifest").parse();
    let Ok(Manifest::Image(manifest)) = manifest else {
        panic!("not an image");
    };
    assert_eq!(manifest.layers.len(), 1, "umoci insert adds one layer");

    // Stowage's rewrite of umoci's index.json reads back in umoci.
    let desc = layout.resolve("latest").expect("resolve");
    layout.tag(&desc, "copy").expect("tag");
    let listed = run("umoci", &["ls", "--layout", &text(&root)]).await;
    let mut tags: Vec<&str> = listed.lines().collect();
    tags.sort();
    assert_eq!(tags, vec!["copy", "latest"]);
}

/// `skopeo copy` that fails rather than re-encode anything (it compresses plain tar layers
/// by default), so the copy must keep Stowage's bytes.
async fn skopeo_copy(from: &str, to: &str) {
    run(
        "skopeo",
        &["copy", "--quiet", "--preserve-digests", from, to],
    )
    .await;
}

#[tokio::test]
async fn skopeo_copies_and_inspects_stowage_layouts_byte_for_byte() {
    let dir = tempfile::tempdir().expect("tempdir");
    let src = Layout::open_or_create(dir.path().join("src")).expect("create layout");
    let (desc, bytes) = stowage_image(&src, "v1").await;

    let manifest_text = String::from_utf8_lossy(&bytes);
    let source = format!("oci:{}:v1", text(src.root()));
    let raw = run("skopeo", &["inspect", "--raw", &source]).await;
    assert_eq!(raw, manifest_text, "skopeo must see Stowage's exact bytes");

    // Into a new layout, and into one Stowage created and already uses.
    let fresh = dir.path().join("fresh");
    let shared = Layout::open_or_create(dir.path().join("shared")).expect("create");
    stowage_image(&shared, "old").await;
    for dest in [fresh.as_path(), shared.root()] {
        let to = format!("oci:{}:v1", text(dest));
        skopeo_copy(&source, &to).await;
        let raw = run("skopeo", &["inspect", "--raw", &to]).await;
        assert_eq!(raw, manifest_text);
        let copy = Layout::open(dest).expect("open skopeo's layout");
        assert_eq!(check_image(&copy, "v1").await, desc.digest);
    }
    let mut tags = shared.tags().expect("tags");
    tags.sort();
    assert_eq!(tags, vec!["old".to_string(), "v1".to_string()]);

    // And as an archive, opened as a read-only copy.
    let archive = dir.path().join("image.tar");
    skopeo_copy(&source, &format!("oci-archive:{}:v1", text(&archive))).await;
    let unpacked = Layout::open_tar(&archive, &dir.path().join("scratch")).expect("open tar");
    assert_eq!(check_image(&unpacked, "v1").await, desc.digest);
}

/// oras-py (0.2.x) reads a layout offline (validation, blob order) and writes one only by
/// pulling from a registry, so the round trip goes through a test registry: oras-py pushes
/// Stowage's layout there, then pulls it into a layout of its own.
const ORAS_ROUND_TRIP: &str = r#"
import json, sys
import oras.provider
from oras.layout import Layout, NewLayoutFromRegistry

args = json.loads(sys.argv[-1])
layout = Layout(args["src"])
order = layout.get_ordered_blobs(args["tag"])
provider = oras.provider.Registry(hostname=args["host"], insecure=True)
target = f'{args["host"]}/{args["repo"]}:{args["tag"]}'
response = layout.push_to_registry(provider, target, tag=args["tag"])
NewLayoutFromRegistry(args["dst"], provider, target, tag=args["tag"])
print("STOWAGE-RESULT " + json.dumps({"order": order, "status": response.status_code}))
"#;

#[tokio::test]
async fn oras_py_reads_stowage_layouts_and_writes_its_own() {
    let registry = TestRegistry::anonymous().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let src = Layout::open_or_create(dir.path().join("src")).expect("create layout");
    let (desc, bytes) = stowage_image(&src, "v1").await;
    let dst = dir.path().join("oras");
    let args = json!({
        "src": text(src.root()), "dst": text(&dst), "tag": "v1",
        "host": registry.host(), "repo": "interop/layout",
    });
    let stdout = run(&python(), &["-c", ORAS_ROUND_TRIP, &args.to_string()]).await;
    let result = stdout
        .lines()
        .rev()
        .find_map(|l| l.strip_prefix("STOWAGE-RESULT "))
        .unwrap_or_else(|| panic!("oras-py printed no result:\n{stdout}"));
    let result: Value = serde_json::from_str(result).expect("oras-py result");

    // oras-py walked Stowage's layout: layers, then config, then the manifest.
    let Ok(Manifest::Image(manifest)) = Manifest::parse(&bytes, None) else {
        panic!("not an image");
    };
    let expected = json!([
        manifest.layers[0].digest.to_string(),
        manifest.config.digest.to_string(),
        desc.digest.to_string(),
    ]);
    assert_eq!(result["order"], expected);

    let pulled = Layout::open(&dst).expect("open oras-py's layout");
    assert_eq!(check_image(&pulled, "v1").await, desc.digest);
    assert_eq!(
        &pulled.fetch_manifest(&desc.digest).expect("manifest").bytes[..],
        &bytes[..]
    );
}
