//! Uploads: monolithic, streamed and chunked pushes, mounts, manifest pushes and deletes, against the real registry.

mod faults;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use bytes::Bytes;
use serde_json::json;
use stowage::config::RegistrySettings;
use stowage::registry::{Registry, UploadOptions};
use stowage::transfer::Cancel;
use stowage::{Digest, Error, Reference};

use crate::harness::{Fault, FaultProxy, Pusher, ReferrersFront, TestRegistry, OCI_MANIFEST};
use crate::support::{client_with, docker_config, registry_at};

const MIB: u64 = 1024 * 1024;

/// Bytes that differ with `seed` and do not repeat in short periods (xorshift, a word at a time
/// so that large files are quick to make in debug builds).
fn content(len: u64, seed: u64) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    let mut out = Vec::with_capacity(len as usize + 8);
    while (out.len() as u64) < len {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        out.extend_from_slice(&x.to_le_bytes());
    }
    out.truncate(len as usize);
    out
}

fn write_file(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn chunked(chunk: u64) -> UploadOptions {
    UploadOptions {
        chunk_size: chunk,
        chunk_threshold: 0,
    }
}

fn quiet(_: u64) {}

/// Downloads `digest` and checks it is exactly `expected`.
async fn assert_stored(registry: &Registry, repo: &str, digest: &Digest, expected: &[u8]) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("back");
    let size = expected.len() as u64;
    let n = registry
        .download_blob(repo, digest, size, &out)
        .await
        .unwrap();
    assert_eq!(n, expected.len() as u64);
    assert!(std::fs::read(&out).unwrap() == expected, "bytes differ");
}

/// Upload sessions the registry still keeps for `repo`. A cancelled one leaves its hash states
/// behind in 2.8, but no longer its `startedat` (nor its data).
fn open_sessions(reg: &TestRegistry, repo: &str) -> usize {
    let dir = reg
        .root_dir()
        .join("docker/registry/v2/repositories")
        .join(repo)
        .join("_uploads");
    std::fs::read_dir(dir).map_or(0, |d| {
        d.filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.path().join("startedat").exists())
        })
        .count()
    })
}

#[tokio::test]
async fn monolithic_streamed_and_chunked_uploads_round_trip() {
    let reg = TestRegistry::anonymous().await;
    let proxy = FaultProxy::start(&reg).await;
    let registry = registry_at(&proxy.host(), &reg).await;
    let dir = tempfile::tempdir().unwrap();
    let defaults = UploadOptions::default();

    // Digest known: POST, then one PUT carrying the file.
    let bytes = content(3 * MIB + 17, 1);
    let path = write_file(dir.path(), "known", &bytes);
    let digest = Digest::sha256_of(&bytes);
    let seen = AtomicU64::new(0);
    let progress = |n: u64| {
        assert!(n <= bytes.len() as u64);
        seen.store(n, Ordering::SeqCst);
    };
    let (d, size) = registry
        .push_blob_file(
            "app",
            &path,
            Some((&digest, bytes.len() as u64)),
            &defaults,
            &progress,
            &Cancel::new(),
        )
        .await
        .unwrap();
    assert_eq!((d.clone(), size), (digest.clone(), bytes.len() as u64));
    assert_eq!(
        seen.load(Ordering::SeqCst),
        size,
        "progress ends at the size"
    );
    assert_stored(&registry, "app", &digest, &bytes).await;
    let bodies = proxy.upload_bodies();
    assert_eq!(bodies.len(), 1, "{bodies:?}");
    assert_eq!(
        (bodies[0].method.as_str(), bodies[0].content_length),
        ("PUT", Some(size))
    );

    // Digest unknown: one PATCH streaming the file, then a PUT of the computed digest.
    let bytes = content(2 * MIB + 5, 2);
    let path = write_file(dir.path(), "unknown", &bytes);
    let (d, _) = registry
        .push_blob_file("app", &path, None, &defaults, &quiet, &Cancel::new())
        .await
        .unwrap();
    assert_eq!(d, Digest::sha256_of(&bytes));
    assert_stored(&registry, "app", &d, &bytes).await;
    let bodies = proxy.upload_bodies()[1..].to_vec();
    let shape: Vec<_> = bodies
        .iter()
        .map(|b| (b.method.as_str(), b.content_length))
        .collect();
    assert_eq!(
        shape,
        [("PATCH", Some(bytes.len() as u64)), ("PUT", Some(0))]
    );

    // Chunked: PATCHes with Content-Range, each chunk streamed from the file.
    let bytes = content(5 * MIB / 2, 3);
    let path = write_file(dir.path(), "chunked", &bytes);
    let before = proxy.upload_bodies().len();
    let (d, _) = registry
        .push_blob_file("app", &path, None, &chunked(MIB), &quiet, &Cancel::new())
        .await
        .unwrap();
    assert_stored(&registry, "app", &d, &bytes).await;
    let ranges: Vec<_> = proxy.upload_bodies()[before..]
        .iter()
        .map(|b| b.content_range.clone().unwrap_or_default())
        .collect();
    assert_eq!(
        ranges,
        ["0-1048575", "1048576-2097151", "2097152-2621439", ""]
    );

    // Chunked with the digest known, and the empty file both ways.
    let known = Digest::sha256_of(&bytes);
    registry
        .push_blob_file(
            "other",
            &path,
            Some((&known, bytes.len() as u64)),
            &chunked(MIB),
            &quiet,
            &Cancel::new(),
        )
        .await
        .unwrap();
    assert_stored(&registry, "other", &known, &bytes).await;
    let empty = write_file(dir.path(), "empty", b"");
    let (d, n) = registry
        .push_blob_file("app", &empty, None, &defaults, &quiet, &Cancel::new())
        .await
        .unwrap();
    assert_eq!((d.clone(), n), (Digest::sha256_of(b""), 0));
    registry
        .push_blob_file(
            "other",
            &empty,
            Some((&d, 0)),
            &defaults,
            &quiet,
            &Cancel::new(),
        )
        .await
        .unwrap();
    assert_eq!(registry.blob_exists("other", &d).await.unwrap(), Some(0));

    // One byte: 2.8 answers `Range: 0-0`, as for an empty upload; no retry may follow.
    let one = write_file(dir.path(), "one", b"1");
    let before = proxy.upload_bodies().len();
    let (d, _) = registry
        .push_blob_file("app", &one, None, &defaults, &quiet, &Cancel::new())
        .await
        .unwrap();
    assert_stored(&registry, "app", &d, b"1").await;
    assert_eq!(
        proxy.upload_bodies().len() - before,
        2,
        "one PATCH and the PUT"
    );
    assert_eq!(open_sessions(&reg, "app"), 0);
}

#[tokio::test]
async fn small_blobs_go_in_one_put_and_exist_afterwards() {
    let reg = TestRegistry::anonymous().await;
    let registry = registry_at(&reg.host(), &reg).await;
    let empty_json: Digest =
        "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"
            .parse()
            .unwrap();
    assert_eq!(
        registry.blob_exists("app", &empty_json).await.unwrap(),
        None
    );
    let d = registry
        .push_blob_bytes("app", Bytes::from_static(b"{}"))
        .await
        .unwrap();
    assert_eq!(d, empty_json);
    assert_eq!(registry.blob_exists("app", &d).await.unwrap(), Some(2));
    assert_stored(&registry, "app", &d, b"{}").await;
}

#[tokio::test]
async fn the_registry_minimum_chunk_size_is_honoured() {
    let reg = TestRegistry::anonymous().await;
    let proxy = FaultProxy::start(&reg).await;
    proxy.set_fault(Fault::ChunkMinLength(3 * MIB));
    let registry = registry_at(&proxy.host(), &reg).await;
    let dir = tempfile::tempdir().unwrap();
    let bytes = content(7 * MIB, 4);
    let path = write_file(dir.path(), "f", &bytes);
    let (d, _) = registry
        .push_blob_file("app", &path, None, &chunked(MIB), &quiet, &Cancel::new())
        .await
        .unwrap();
    assert_stored(&registry, "app", &d, &bytes).await;
    let sizes: Vec<_> = proxy
        .upload_bodies()
        .iter()
        .filter(|b| b.method == "PATCH")
        .map(|b| b.content_length.unwrap_or(0))
        .collect();
    assert_eq!(sizes, [3 * MIB, 3 * MIB, MIB]);
}

#[tokio::test]
async fn blobs_mount_between_repositories_and_fall_back_to_uploading() {
    let reg = TestRegistry::anonymous().await;
    let registry = registry_at(&reg.host(), &reg).await;
    let dir = tempfile::tempdir().unwrap();
    let bytes = content(MIB, 5);
    let path = write_file(dir.path(), "f", &bytes);
    let (d, _) = registry
        .push_blob_file(
            "source",
            &path,
            None,
            &UploadOptions::default(),
            &quiet,
            &Cancel::new(),
        )
        .await
        .unwrap();

    assert_eq!(registry.blob_exists("target", &d).await.unwrap(), None);
    assert!(registry.mount_blob("target", &d, "source").await.unwrap());
    assert_eq!(registry.blob_exists("target", &d).await.unwrap(), Some(MIB));
    assert_stored(&registry, "target", &d, &bytes).await;

    // The source lacks it: the registry opens an upload session (202), which is cancelled.
    let other = content(1000, 6);
    let other_path = write_file(dir.path(), "g", &other);
    let other_digest = Digest::sha256_of(&other);
    assert!(!registry
        .mount_blob("target", &other_digest, "source")
        .await
        .unwrap());
    assert_eq!(
        open_sessions(&reg, "target"),
        0,
        "the 202 session was cancelled"
    );
    registry
        .push_blob_file(
            "target",
            &other_path,
            Some((&other_digest, 1000)),
            &UploadOptions::default(),
            &quiet,
            &Cancel::new(),
        )
        .await
        .unwrap();
    assert_eq!(
        registry.blob_exists("target", &other_digest).await.unwrap(),
        Some(1000)
    );
}

/// Pushes `{}` as config and `layer` as the one layer; returns the manifest bytes.
async fn image_manifest(
    registry: &Registry,
    repo: &str,
    layer: &[u8],
    subject: Option<serde_json::Value>,
) -> Vec<u8> {
    let config = registry
        .push_blob_bytes(repo, Bytes::from_static(b"{}"))
        .await
        .unwrap();
    let layer_digest = registry
        .push_blob_bytes(repo, Bytes::copy_from_slice(layer))
        .await
        .unwrap();
    let mut manifest = json!({
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "artifactType": "application/vnd.example.sbom",
        "config": {"mediaType": "application/vnd.oci.empty.v1+json", "digest": config.to_string(), "size": 2},
        "layers": [{"mediaType": "application/octet-stream", "digest": layer_digest.to_string(), "size": layer.len()}],
        "annotations": {"z": "last", "a": "first"},
    });
    if let Some(subject) = subject {
        manifest["subject"] = subject;
    }
    // Odd spacing on purpose: the bytes must go out exactly as given.
    serde_json::to_string_pretty(&manifest)
        .unwrap()
        .into_bytes()
}

#[tokio::test]
async fn manifests_are_pushed_byte_exact_and_report_their_subject() {
    let reg = TestRegistry::anonymous().await;
    let subject = Pusher::new(&reg.base_url()).image("app", "v1", b"x").await;
    let front = ReferrersFront::start(&reg).await;
    let direct = registry_at(&reg.host(), &reg).await;
    let fronted = registry_at(&front.host(), &reg).await;

    let bytes = image_manifest(&direct, "app", b"sbom", Some(subject.to_json())).await;
    let pushed = direct
        .push_manifest(
            "app",
            "sbom-direct",
            OCI_MANIFEST,
            Bytes::from(bytes.clone()),
        )
        .await
        .unwrap();
    assert_eq!(pushed.digest, Digest::sha256_of(&bytes));
    assert_eq!(pushed.size, bytes.len() as u64);
    assert_eq!(pushed.subject, None, "2.8 sends no OCI-Subject");
    let reference: Reference = format!("{}/app@{}", reg.host(), pushed.digest)
        .parse()
        .unwrap();
    let fetched = direct.fetch_manifest(&reference).await.unwrap();
    assert_eq!(fetched.bytes, bytes);

    let bytes = image_manifest(&fronted, "app", b"sbom two", Some(subject.to_json())).await;
    let digest = Digest::sha256_of(&bytes);
    let pushed = fronted
        .push_manifest("app", &digest.to_string(), OCI_MANIFEST, Bytes::from(bytes))
        .await
        .unwrap();
    assert_eq!(pushed.digest, digest);
    assert_eq!(
        pushed.subject.map(|d| d.to_string()),
        Some(subject.digest.clone())
    );

    // A digest reference that is not the bytes' digest is refused before sending.
    let err = direct
        .push_manifest(
            "app",
            &subject.digest,
            OCI_MANIFEST,
            Bytes::from_static(b"{}"),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Error::DigestMismatch { .. }), "{err}");
    let huge = Bytes::from(vec![b' '; 4 * 1024 * 1024 + 1]);
    let err = direct
        .push_manifest("app", "big", OCI_MANIFEST, huge)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::TooLarge { .. }), "{err}");
}

#[tokio::test]
async fn manifests_delete_by_digest_and_tags_give_a_typed_error() {
    let reg = TestRegistry::anonymous().await;
    let registry = registry_at(&reg.host(), &reg).await;
    let bytes = image_manifest(&registry, "app", b"layer", None).await;
    let pushed = registry
        .push_manifest("app", "v1", OCI_MANIFEST, Bytes::from(bytes))
        .await
        .unwrap();

    let err = registry.delete_tag("app", "v1").await.unwrap_err();
    match &err {
        Error::Status { status, .. } => assert_eq!(*status, 400),
        other => panic!("expected a status error, got {other}"),
    }
    assert!(err.to_string().contains("by digest"), "{err}");

    registry
        .delete_manifest("app", &pushed.digest)
        .await
        .unwrap();
    let reference: Reference = format!("{}/app@{}", reg.host(), pushed.digest)
        .parse()
        .unwrap();
    assert!(registry
        .fetch_manifest(&reference)
        .await
        .unwrap_err()
        .is_not_found());
    let err = registry
        .delete_manifest("app", &pushed.digest)
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{err}");

    let layer = Digest::sha256_of(b"layer");
    registry.delete_blob("app", &layer).await.unwrap();
    assert_eq!(registry.blob_exists("app", &layer).await.unwrap(), None);
}

#[tokio::test]
async fn upload_sessions_on_another_host_get_no_credentials() {
    let reg = TestRegistry::htpasswd("alice", "s3cret").await;
    let proxy = FaultProxy::start(&reg).await;
    proxy.set_fault(Fault::UploadsElsewhere);
    let dir = tempfile::tempdir().unwrap();
    let config = docker_config(dir.path(), &proxy.host(), "alice", "s3cret");
    let registry = client_with(&proxy.host(), RegistrySettings::default(), Some(&config))
        .registry(&proxy.host())
        .await
        .unwrap();
    let bytes = content(3 * MIB, 13);
    let path = write_file(dir.path(), "f", &bytes);
    let digest = Digest::sha256_of(&bytes);

    let (d, _) = registry
        .push_blob_file("app", &path, None, &chunked(MIB), &quiet, &Cancel::new())
        .await
        .unwrap();
    assert_eq!(d, digest);
    let other = content(MIB, 14);
    let other_path = write_file(dir.path(), "g", &other);
    let other_digest = Digest::sha256_of(&other);
    registry
        .push_blob_file(
            "app",
            &other_path,
            Some((&other_digest, MIB)),
            &UploadOptions::default(),
            &quiet,
            &Cancel::new(),
        )
        .await
        .unwrap();
    registry
        .push_blob_bytes("app", Bytes::from_static(b"{}"))
        .await
        .unwrap();

    assert!(
        proxy.redirect_requests() >= 6,
        "the uploads went to the other host"
    );
    assert!(
        !proxy.redirect_saw_authorization(),
        "credentials leaked to another host"
    );
    proxy.set_fault(Fault::None);
    assert_stored(&registry, "app", &digest, &bytes).await;
    assert_stored(&registry, "app", &other_digest, &other).await;
}

#[tokio::test]
async fn uploads_work_under_token_auth() {
    let issuer = crate::harness::TokenIssuer::start().await;
    issuer.add_user("bob", "pw");
    let reg = TestRegistry::with_token_issuer(&issuer).await;
    let dir = tempfile::tempdir().unwrap();
    let config = docker_config(dir.path(), &reg.host(), "bob", "pw");
    let registry = client_with(&reg.host(), RegistrySettings::default(), Some(&config))
        .registry(&reg.host())
        .await
        .unwrap();
    let bytes = content(3 * MIB, 15);
    let path = write_file(dir.path(), "f", &bytes);
    let (d, _) = registry
        .push_blob_file(
            "team/app",
            &path,
            None,
            &chunked(MIB),
            &quiet,
            &Cancel::new(),
        )
        .await
        .unwrap();
    assert_stored(&registry, "team/app", &d, &bytes).await;
    let manifest = image_manifest(&registry, "team/app", b"layer", None).await;
    let pushed = registry
        .push_manifest("team/app", "v1", OCI_MANIFEST, Bytes::from(manifest))
        .await
        .unwrap();
    // Without a scope for both repositories, a mount under token auth is simply not done.
    let mounted = registry
        .mount_blob("team/other", &d, "team/app")
        .await
        .unwrap();
    if !mounted {
        assert_eq!(registry.blob_exists("team/other", &d).await.unwrap(), None);
    }
    registry
        .delete_manifest("team/app", &pushed.digest)
        .await
        .unwrap();
}
