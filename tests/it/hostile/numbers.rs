//! Rule: a number a registry supplies never panics or hangs the client: arithmetic on it is
//! checked, and an upload that makes no progress fails after a few tries.

use stowage::config::RegistrySettings;
use stowage::registry::UploadOptions;
use stowage::transfer::Cancel;
use stowage::{Error, Reference};

use crate::harness::{Fault, FaultProxy, TestRegistry};
use crate::support::{client_with, docker_config, registry_at};

const MIB: usize = 1024 * 1024;

fn chunked() -> UploadOptions {
    UploadOptions {
        chunk_size: MIB as u64,
        chunk_threshold: 0,
    }
}

#[tokio::test]
async fn a_token_lifetime_past_any_clock_is_used_not_panicked_on() {
    let (issuer, reg) = super::token_registry().await;
    issuer.set_stated_expires_in(Some("18446744073709551615"));
    let home = tempfile::tempdir().unwrap();
    let config = docker_config(home.path(), &reg.host(), "erin", "erin-pw");
    let registry = client_with(&reg.host(), RegistrySettings::default(), Some(&config))
        .registry(&reg.host())
        .await
        .unwrap();
    let reference: Reference = format!("{}/app:v1", reg.host()).parse().unwrap();
    registry.fetch_manifest(&reference).await.unwrap();
    registry.fetch_manifest(&reference).await.unwrap();
    assert_eq!(issuer.get_requests(), 1, "the token was kept and reused");
}

/// A file of `len` bytes to upload.
fn file(dir: &std::path::Path, len: usize) -> std::path::PathBuf {
    let path = dir.join("upload.bin");
    let bytes: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
    std::fs::write(&path, bytes).unwrap();
    path
}

#[tokio::test]
async fn an_upload_range_past_u64_is_refused_not_wrapped() {
    let reg = TestRegistry::anonymous().await;
    let proxy = FaultProxy::start(&reg).await;
    proxy.set_fault(Fault::HugeUploadRange);
    let registry = registry_at(&proxy.host(), &reg).await;
    let dir = tempfile::tempdir().unwrap();
    let path = file(dir.path(), 3 * MIB);
    let err = registry
        .push_blob_file("app", &path, None, &chunked(), &|_| {}, &Cancel::new())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Malformed { .. }), "{err}");
    assert!(err.to_string().contains("18446744073709551615"), "{err}");
}

#[tokio::test]
async fn an_upload_that_makes_no_progress_gives_up_after_a_few_tries() {
    let reg = TestRegistry::anonymous().await;
    let proxy = FaultProxy::start(&reg).await;
    proxy.set_fault(Fault::StuckUploads);
    let registry = registry_at(&proxy.host(), &reg).await;
    let dir = tempfile::tempdir().unwrap();
    let path = file(dir.path(), 2 * MIB);
    let err = registry
        .push_blob_file("app", &path, None, &chunked(), &|_| {}, &Cancel::new())
        .await
        .unwrap_err();
    let message = err.to_string();
    assert!(message.contains("no progress"), "{message}");
    assert!(
        message.contains("Range: 0-0"),
        "quotes the registry: {message}"
    );
    let patches = proxy
        .upload_requests()
        .iter()
        .filter(|r| r.method == "PATCH")
        .count();
    assert!(patches <= 8, "{patches} PATCHes of the same chunk");
}
