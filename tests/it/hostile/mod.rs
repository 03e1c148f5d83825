//! Hostile registries, realms and content, one file per rule of docs/security.md: each test
//! fails on a client that breaks the rule its name states.

mod credentials;
mod limits;
mod logs;
mod numbers;
mod pull;
mod referrers_tag;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::json;

use crate::harness::{Desc, Pusher, TestRegistry, TokenIssuer, OCI_EMPTY, OCI_MANIFEST};

const TITLE: &str = "org.opencontainers.image.title";

/// A layer to push: its title, its bytes, and whether it is an oras folder (a tar.gz to unpack).
pub struct Layer<'a> {
    pub title: &'a str,
    pub bytes: &'a [u8],
    pub folder: bool,
}

impl<'a> Layer<'a> {
    pub fn file(title: &'a str, bytes: &'a [u8]) -> Self {
        Layer {
            title,
            bytes,
            folder: false,
        }
    }
}

/// Pushes an artifact whose layers carry exactly these titles (duplicates and all).
pub async fn titled_artifact(pusher: &Pusher, repo: &str, tag: &str, layers: &[Layer<'_>]) -> Desc {
    let (empty, _) = pusher.blob(repo, b"{}").await;
    let mut entries = Vec::new();
    for layer in layers {
        let (digest, size) = pusher.blob(repo, layer.bytes).await;
        let mut annotations = json!({ TITLE: layer.title });
        let media_type = if layer.folder {
            annotations["io.deis.oras.content.unpack"] = json!("true");
            "application/vnd.oci.image.layer.v1.tar+gzip"
        } else {
            "text/plain"
        };
        entries.push(
            json!({"mediaType": media_type, "digest": digest, "size": size,
                            "annotations": annotations}),
        );
    }
    let manifest = json!({"schemaVersion": 2, "mediaType": OCI_MANIFEST,
        "artifactType": "application/x-stowage-test",
        "config": {"mediaType": OCI_EMPTY, "digest": empty, "size": 2},
        "layers": entries});
    pusher.put_json(repo, tag, &manifest).await
}

/// A token-auth registry whose issuer knows erin (password "erin-pw"), holding an image `app:v1`.
pub async fn token_registry() -> (TokenIssuer, TestRegistry) {
    let issuer = TokenIssuer::start().await;
    issuer.add_user("erin", "erin-pw");
    let reg = TestRegistry::with_token_issuer(&issuer).await;
    let token = issuer.mint("erin", &["repository:app:pull,push"]);
    Pusher::new(&reg.base_url())
        .bearer(&token)
        .image("app", "v1", b"layer")
        .await;
    (issuer, reg)
}

/// Every path under `root` (links not followed) with its content: files' bytes, links'
/// targets, folders as empty. Two snapshots are equal iff nothing under `root` changed.
pub fn snapshot(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut found = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let kind = entry.file_type().unwrap();
            let content = if kind.is_symlink() {
                std::fs::read_link(&path)
                    .unwrap()
                    .into_os_string()
                    .into_encoded_bytes()
            } else if kind.is_dir() {
                stack.push(path.clone());
                Vec::new()
            } else {
                std::fs::read(&path).unwrap()
            };
            found.insert(path.strip_prefix(root).unwrap().to_path_buf(), content);
        }
    }
    found
}

/// A tar.gz holding `name/zeros.bin` of `size` zero bytes: tiny, and huge once unpacked.
pub fn zero_folder(name: &str, size: usize) -> Vec<u8> {
    let mut builder = tar::Builder::new(flate2::write::GzEncoder::new(
        Vec::new(),
        flate2::Compression::best(),
    ));
    let mut header = tar::Header::new_gnu();
    header.set_entry_type(tar::EntryType::Directory);
    header.set_size(0);
    header.set_mode(0o755);
    builder
        .append_data(&mut header, format!("{name}/"), std::io::empty())
        .unwrap();
    let mut header = tar::Header::new_gnu();
    header.set_size(size as u64);
    header.set_mode(0o644);
    builder
        .append_data(
            &mut header,
            format!("{name}/zeros.bin"),
            std::io::repeat(0).take(size as u64),
        )
        .unwrap();
    builder.into_inner().unwrap().finish().unwrap()
}

use std::io::Read as _;
