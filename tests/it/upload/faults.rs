//! Uploads under faults: cut connections, server errors, a registry that dies, a file that
//! changes, a cancel, and a misreported manifest digest; each ends clearly and commits nothing wrong.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use stowage::registry::UploadOptions;
use stowage::transfer::Cancel;
use stowage::{Digest, Error};

use super::{assert_stored, chunked, content, image_manifest, quiet, write_file, MIB};
use crate::harness::{Fault, FaultProxy, TestRegistry, OCI_MANIFEST};
use crate::support::registry_at;

#[tokio::test]
async fn a_misreported_manifest_digest_is_an_error() {
    let reg = TestRegistry::anonymous().await;
    let proxy = FaultProxy::start(&reg).await;
    let registry = registry_at(&proxy.host(), &reg).await;
    let bytes = image_manifest(&registry, "app", b"layer", None).await;
    proxy.set_fault(Fault::WrongPushDigest);
    let err = registry
        .push_manifest("app", "v1", OCI_MANIFEST, Bytes::from(bytes.clone()))
        .await
        .unwrap_err();
    match &err {
        Error::DigestMismatch { expected, .. } => assert_eq!(expected, &Digest::sha256_of(&bytes)),
        other => panic!("expected a digest mismatch, got {other}"),
    }
    assert!(err.to_string().contains("app:v1"), "{err}");
}

#[tokio::test]
async fn a_cut_connection_restarts_a_chunked_upload() {
    let reg = TestRegistry::anonymous().await;
    let proxy = FaultProxy::start(&reg).await;
    let registry = registry_at(&proxy.host(), &reg).await;
    let dir = tempfile::tempdir().unwrap();
    let bytes = content(4 * MIB, 7);
    let path = write_file(dir.path(), "f", &bytes);
    proxy.set_fault(Fault::CutUploadAfter(MIB / 2));
    let (d, _) = registry
        .push_blob_file("app", &path, None, &chunked(MIB), &quiet, &Cancel::new())
        .await
        .unwrap();
    assert_eq!(d, Digest::sha256_of(&bytes));
    assert_stored(&registry, "app", &d, &bytes).await;
    let ranges: Vec<_> = proxy
        .upload_bodies()
        .iter()
        .filter_map(|b| b.content_range.clone())
        .collect();
    // 2.8 keeps the partial bytes and then drops the session, so the upload starts again.
    assert_eq!(ranges[0], "0-1048575");
    assert_eq!(ranges[1], "0-1048575");
    assert_eq!(ranges.len(), 5, "{ranges:?}");
}

#[tokio::test]
async fn a_cut_connection_fails_a_monolithic_upload_and_commits_nothing() {
    let reg = TestRegistry::anonymous().await;
    let proxy = FaultProxy::start(&reg).await;
    let registry = registry_at(&proxy.host(), &reg).await;
    let dir = tempfile::tempdir().unwrap();
    let bytes = content(3 * MIB, 8);
    let digest = Digest::sha256_of(&bytes);
    let path = write_file(dir.path(), "f", &bytes);
    proxy.set_fault(Fault::CutUploadAfter(MIB));
    let err = registry
        .push_blob_file(
            "app",
            &path,
            Some((&digest, 3 * MIB)),
            &UploadOptions::default(),
            &quiet,
            &Cancel::new(),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Connect { .. }), "{err}");
    let text = err.to_string();
    assert!(
        text.contains(&digest.to_string()) && text.contains("byte"),
        "{text}"
    );
    assert_eq!(registry.blob_exists("app", &digest).await.unwrap(), None);
}

#[tokio::test]
async fn server_errors_on_patch_are_resumed_from_the_registry_offset() {
    let reg = TestRegistry::anonymous().await;
    let proxy = FaultProxy::start(&reg).await;
    let registry = registry_at(&proxy.host(), &reg).await;
    let dir = tempfile::tempdir().unwrap();
    let bytes = content(3 * MIB, 9);
    let path = write_file(dir.path(), "f", &bytes);
    proxy.set_fault(Fault::UploadServerErrors(2));
    let (d, _) = registry
        .push_blob_file("app", &path, None, &chunked(MIB), &quiet, &Cancel::new())
        .await
        .unwrap();
    assert_stored(&registry, "app", &d, &bytes).await;
    assert_eq!(proxy.server_errors_sent(), 2);
    let ranges: Vec<_> = proxy
        .upload_bodies()
        .iter()
        .filter_map(|b| b.content_range.clone())
        .collect();
    // The registry never saw the refused PATCHes: the same chunk again, same session.
    assert_eq!(
        ranges,
        [
            "0-1048575",
            "0-1048575",
            "0-1048575",
            "1048576-2097151",
            "2097152-3145727"
        ]
    );
}

#[tokio::test]
async fn a_registry_killed_mid_push_gives_a_clear_error() {
    let reg = TestRegistry::anonymous().await;
    let registry = registry_at(&reg.host(), &reg).await;
    let dir = tempfile::tempdir().unwrap();
    let bytes = content(48 * MIB, 10);
    let path = write_file(dir.path(), "big", &bytes);
    let digest = Digest::sha256_of(&bytes);
    let killed = AtomicBool::new(false);
    let progress = |n: u64| {
        if n >= 4 * MIB && !killed.swap(true, Ordering::SeqCst) {
            reg.kill();
        }
    };
    let started = Instant::now();
    let err = registry
        .push_blob_file(
            "app",
            &path,
            Some((&digest, bytes.len() as u64)),
            &chunked(2 * MIB),
            &progress,
            &Cancel::new(),
        )
        .await
        .unwrap_err();
    assert!(
        killed.load(Ordering::SeqCst),
        "the registry was killed mid-push"
    );
    assert!(matches!(err, Error::Connect { .. }), "{err}");
    let text = err.to_string();
    assert!(text.contains(&digest.to_string()), "names the blob: {text}");
    assert!(text.contains("byte"), "names the offset: {text}");
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "gave up in {:?}",
        started.elapsed()
    );
}

/// The last request the client sent to an upload URL: how the session ended.
fn last_upload_request(proxy: &FaultProxy) -> String {
    proxy
        .upload_requests()
        .last()
        .map(|r| r.method.clone())
        .unwrap_or_default()
}

// 2.8 cannot delete a session that received part of a body (its size no longer matches the offset
// signed into the Location), so these tests check that the client asked, and that nothing was stored.

#[tokio::test]
async fn a_file_that_changes_during_upload_is_refused() {
    let reg = TestRegistry::anonymous().await;
    let proxy = FaultProxy::start(&reg).await;
    let registry = registry_at(&proxy.host(), &reg).await;
    let dir = tempfile::tempdir().unwrap();
    let bytes = content(32 * MIB, 11);
    let digest = Digest::sha256_of(&bytes);
    let size = bytes.len() as u64;

    for options in [UploadOptions::default(), chunked(4 * MIB)] {
        let path = write_file(dir.path(), "growing", &bytes);
        // Another writer appends while the file streams (the reader is at most a few MiB ahead).
        let appended = AtomicBool::new(false);
        let progress = |_: u64| {
            if !appended.swap(true, Ordering::SeqCst) {
                let mut f = std::fs::OpenOptions::new()
                    .append(true)
                    .open(&path)
                    .unwrap();
                f.write_all(b"more").unwrap();
            }
        };
        let err = registry
            .push_blob_file(
                "app",
                &path,
                Some((&digest, size)),
                &options,
                &progress,
                &Cancel::new(),
            )
            .await
            .unwrap_err();
        assert!(appended.load(Ordering::SeqCst));
        match &err {
            Error::DigestMismatch { what, expected, .. } => {
                assert_eq!(expected, &digest);
                assert!(what.contains("growing"), "names the file: {what}");
            }
            other => panic!("{options:?}: expected a digest mismatch, got {other}"),
        }
        assert_eq!(registry.blob_exists("app", &digest).await.unwrap(), None);
        assert_eq!(
            last_upload_request(&proxy),
            "DELETE",
            "the session was cancelled"
        );
    }

    // A wrong digest given for an unchanged file.
    let path = write_file(dir.path(), "plain", &bytes);
    let wrong = Digest::sha256_of(b"not this");
    let err = registry
        .push_blob_file(
            "app",
            &path,
            Some((&wrong, size)),
            &UploadOptions::default(),
            &quiet,
            &Cancel::new(),
        )
        .await
        .unwrap_err();
    match &err {
        Error::DigestMismatch { actual, .. } => assert_eq!(actual, &digest),
        other => panic!("expected a digest mismatch, got {other}"),
    }
    assert_eq!(last_upload_request(&proxy), "DELETE");
    assert_eq!(registry.blob_exists("app", &wrong).await.unwrap(), None);
    assert_eq!(registry.blob_exists("app", &digest).await.unwrap(), None);
}

#[tokio::test]
async fn cancel_stops_an_upload_promptly_and_deletes_the_session() {
    let reg = TestRegistry::anonymous().await;
    let proxy = FaultProxy::start(&reg).await;
    let registry = registry_at(&proxy.host(), &reg).await;
    let dir = tempfile::tempdir().unwrap();
    let bytes = content(64 * MIB, 12);
    let path = write_file(dir.path(), "big", &bytes);
    for options in [UploadOptions::default(), chunked(8 * MIB)] {
        let cancel = Cancel::new();
        let cancelled_at = std::sync::Mutex::new(None);
        let progress = |n: u64| {
            if n > 0 && !cancel.is_cancelled() {
                *cancelled_at.lock().unwrap() = Some(Instant::now());
                cancel.cancel();
            }
        };
        let err = registry
            .push_blob_file("app", &path, None, &options, &progress, &cancel)
            .await
            .unwrap_err();
        assert_eq!(err.to_string(), stowage::Error::Cancelled.to_string());
        let at = cancelled_at
            .lock()
            .unwrap()
            .expect("cancelled during the upload");
        assert!(
            at.elapsed() < Duration::from_secs(1),
            "stopped {:?} after the cancel",
            at.elapsed()
        );
        assert_eq!(
            last_upload_request(&proxy),
            "DELETE",
            "{options:?}: the session was deleted"
        );
        let sent: u64 = proxy
            .upload_bodies()
            .iter()
            .filter_map(|b| b.content_length)
            .sum();
        assert!(sent > 0);
    }
    assert_eq!(
        registry
            .blob_exists("app", &Digest::sha256_of(&bytes))
            .await
            .unwrap(),
        None
    );

    // Cancelled before it starts: nothing is sent at all.
    let before = proxy.upload_requests().len();
    let cancel = Cancel::new();
    cancel.cancel();
    let err = registry
        .push_blob_file(
            "app",
            &path,
            None,
            &UploadOptions::default(),
            &quiet,
            &cancel,
        )
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), stowage::Error::Cancelled.to_string());
    assert_eq!(proxy.upload_requests().len(), before);
}
