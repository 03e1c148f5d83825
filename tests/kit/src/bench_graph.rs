//! The benchmarks' big artifact graph: an 8-platform index whose images carry 10 referrers each
//! (SBOMs, signatures, attestations), each of those with 10 nested signatures: 889 manifests,
//! 1,794 nodes. Pushed by graph_load (bench/graph_load.rs) and by the app benchmark (bench/app).

use futures::stream::{self, StreamExt};
use serde_json::json;
use stowage::Digest;

use crate::{Desc, Pusher, OCI_EMPTY, OCI_INDEX, OCI_MANIFEST};

/// The repository everything is pushed to.
pub const REPO: &str = "bench";
/// The tag of the top-level index.
pub const TAG: &str = "v1";
const SPDX: &str = "application/spdx+json";
const NOTATION: &str = "application/vnd.cncf.notary.signature";
const IN_TOTO: &str = "application/vnd.in-toto+json";
const PLATFORMS: [(&str, &str, Option<&str>); 8] = [
    ("linux", "amd64", None),
    ("linux", "arm64", None),
    ("linux", "arm", Some("v7")),
    ("linux", "arm", Some("v6")),
    ("linux", "386", None),
    ("linux", "ppc64le", None),
    ("linux", "s390x", None),
    ("linux", "riscv64", None),
];
const EMPTY_CONFIG: &[u8] = b"{}";
/// Referrers pushed for each platform image: SBOMs, signatures and attestations in turn.
pub const REFERRERS_PER_IMAGE: usize = 10;
const NESTED_PER_REFERRER: usize = 10;
/// Pushes in flight during setup: enough to keep setup short, few enough that the front and the
/// registry (sharing 2 cores with us) do not thrash.
pub const PUSH_TASKS: usize = 8;

/// Pushes the index, its platform images and two levels of referrers; returns the manifest
/// count and the first platform image.
pub async fn push_content(pusher: &Pusher) -> (usize, Desc) {
    let images: Vec<(Desc, serde_json::Value)> = stream::iter(PLATFORMS.iter().enumerate())
        .map(|(i, platform)| platform_image(pusher, i, *platform))
        .buffered(PUSH_TASKS)
        .collect()
        .await;
    let entries: Vec<_> = images
        .iter()
        .map(|(desc, platform)| {
            let mut entry = desc.to_json();
            entry["platform"] = platform.clone();
            entry
        })
        .collect();
    let index = json!({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": entries});
    pusher.put_json(REPO, TAG, &index).await;

    // The empty config every artifact shares is pushed once, not per artifact as
    // `Pusher::artifact` does: docker-registry 2.8 rewrites a blob's repository link in place on
    // every upload, so concurrent uploads of one blob make a concurrent manifest PUT see it
    // missing (MANIFEST_BLOB_UNKNOWN).
    pusher.blob(REPO, EMPTY_CONFIG).await;
    let firsts: Vec<(usize, usize, &Desc)> = images
        .iter()
        .enumerate()
        .flat_map(|(p, (image, _))| (0..REFERRERS_PER_IMAGE).map(move |r| (p, r, image)))
        .collect();
    let referrers: Vec<(usize, usize, Desc)> = stream::iter(firsts)
        .map(|(p, r, image)| async move {
            let (artifact_type, content) = match r % 3 {
                0 => (
                    SPDX,
                    json!({"spdxVersion": "SPDX-2.3", "SPDXID": "SPDXRef-DOCUMENT",
                           "name": format!("platform {p} sbom {r}")})
                    .to_string(),
                ),
                1 => (
                    NOTATION,
                    format!("notation signature of platform {p}, #{r}"),
                ),
                _ => (
                    IN_TOTO,
                    json!({"_type": "https://in-toto.io/Statement/v1",
                           "predicateType": "https://slsa.dev/provenance/v1",
                           "subject": [{"name": format!("platform {p}"), "n": r}]})
                    .to_string(),
                ),
            };
            let annotation = format!("{p}/{r}");
            let annotations = [("org.example.bench", annotation.as_str())];
            let desc = artifact(pusher, artifact_type, &content, image, &annotations).await;
            (p, r, desc)
        })
        .buffer_unordered(PUSH_TASKS)
        .collect()
        .await;

    let nested: Vec<(usize, usize, usize, &Desc)> = referrers
        .iter()
        .flat_map(|(p, r, desc)| (0..NESTED_PER_REFERRER).map(move |n| (*p, *r, n, desc)))
        .collect();
    let count = stream::iter(nested)
        .map(|(p, r, n, subject)| async move {
            let content = format!("notation signature #{n} of referrer {p}/{r}");
            artifact(pusher, NOTATION, &content, subject, &[]).await
        })
        .buffer_unordered(PUSH_TASKS)
        .count()
        .await;
    (
        1 + images.len() + referrers.len() + count,
        images[0].0.clone(),
    )
}

/// An artifact manifest shaped as `Pusher::artifact` makes it (empty config, one layer holding
/// `content`), pushed by digest with `subject`, once the empty config is in the repository.
async fn artifact(
    pusher: &Pusher,
    artifact_type: &str,
    content: &str,
    subject: &Desc,
    annotations: &[(&str, &str)],
) -> Desc {
    let (layer_digest, layer_size) = pusher.blob(REPO, content.as_bytes()).await;
    let mut manifest = json!({
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "artifactType": artifact_type,
        "config": {"mediaType": OCI_EMPTY,
                   "digest": Digest::sha256_of(EMPTY_CONFIG).to_string(),
                   "size": EMPTY_CONFIG.len()},
        "layers": [{"mediaType": "application/octet-stream",
                    "digest": layer_digest, "size": layer_size}],
        "subject": subject.to_json(),
    });
    if !annotations.is_empty() {
        let map: serde_json::Map<String, serde_json::Value> = annotations
            .iter()
            .map(|(k, v)| (k.to_string(), json!(v)))
            .collect();
        manifest["annotations"] = serde_json::Value::Object(map);
    }
    put_by_digest(pusher, &manifest).await
}

/// PUTs a manifest under its own digest (no tag), as referrers are usually pushed.
async fn put_by_digest(pusher: &Pusher, manifest: &serde_json::Value) -> Desc {
    let bytes = serde_json::to_vec(manifest).expect("json");
    let digest = Digest::sha256_of(&bytes).to_string();
    pusher.put_json(REPO, &digest, manifest).await
}

/// One platform image (config + 2 layers), pushed by digest; returns it and its `platform`.
async fn platform_image(
    pusher: &Pusher,
    i: usize,
    (os, arch, variant): (&str, &str, Option<&str>),
) -> (Desc, serde_json::Value) {
    let mut platform = json!({"os": os, "architecture": arch});
    if let Some(v) = variant {
        platform["variant"] = json!(v);
    }
    let mut config = platform.clone();
    config["rootfs"] = json!({"type": "layers", "diff_ids": []});
    let config = serde_json::to_vec(&config).expect("json");
    let (config_digest, config_size) = pusher.blob(REPO, &config).await;
    let mut layers = Vec::new();
    for l in 0..2 {
        let bytes = format!("platform {i} ({os}/{arch}) layer {l}");
        let (digest, size) = pusher.blob(REPO, bytes.as_bytes()).await;
        layers.push(
            json!({"mediaType": "application/vnd.oci.image.layer.v1.tar",
                           "digest": digest, "size": size}),
        );
    }
    let manifest = json!({
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                   "digest": config_digest, "size": config_size},
        "layers": layers,
    });
    (put_by_digest(pusher, &manifest).await, platform)
}
