//! Hostile and broken answers, through a fault proxy in front of the real registry: each gives a
//! clear error or a safe result, never a panic, and never a partial file.

use stowage::graph::{self, GraphOptions};
use stowage::{Digest, Error, Reference};

use crate::harness::{Fault, FaultProxy, Pusher, TestRegistry};
use crate::support::{client_with, docker_config, registry_at};

fn reference(host: &str, rest: &str) -> Reference {
    format!("{host}/{rest}").parse().expect("reference")
}

fn files_in(dir: &std::path::Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

#[tokio::test]
async fn a_manifest_that_does_not_match_its_digest_is_refused() {
    let reg = TestRegistry::anonymous().await;
    let image = Pusher::new(&reg.base_url()).image("app", "v1", b"x").await;
    let proxy = FaultProxy::start(&reg).await;
    proxy.set_fault(Fault::WrongDigest);
    let registry = registry_at(&proxy.host(), &reg).await;

    for rest in ["app:v1".to_string(), format!("app@{}", image.digest)] {
        let err = registry
            .fetch_manifest(&reference(&proxy.host(), &rest))
            .await
            .unwrap_err();
        match &err {
            Error::DigestMismatch { expected, .. } => {
                assert_eq!(expected.to_string(), image.digest)
            }
            other => panic!("{rest}: expected a digest mismatch, got {other}"),
        }
        assert!(
            err.to_string().contains("app"),
            "the message names what: {err}"
        );
    }
}

#[tokio::test]
async fn oversized_and_malformed_manifests_are_refused() {
    let reg = TestRegistry::anonymous().await;
    Pusher::new(&reg.base_url()).image("app", "v1", b"x").await;
    let proxy = FaultProxy::start(&reg).await;
    let registry = registry_at(&proxy.host(), &reg).await;
    let root = reference(&proxy.host(), "app:v1");

    proxy.set_fault(Fault::OversizedManifest(5 * 1024 * 1024));
    let err = registry.fetch_manifest(&root).await.unwrap_err();
    assert!(
        matches!(err, Error::TooLarge { limit, .. } if limit == 4 * 1024 * 1024),
        "{err}"
    );

    proxy.set_fault(Fault::MalformedJson);
    let err = graph::load(registry.clone(), &root, &GraphOptions::default())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Malformed { .. }), "{err}");
    assert!(err.to_string().contains("not a valid manifest"), "{err}");

    proxy.set_fault(Fault::None);
    graph::load(registry, &root, &GraphOptions::default())
        .await
        .unwrap();
}

#[tokio::test]
async fn looping_pagination_is_stopped() {
    let reg = TestRegistry::anonymous().await;
    Pusher::new(&reg.base_url()).image("app", "v1", b"x").await;
    let proxy = FaultProxy::start(&reg).await;
    proxy.set_fault(Fault::LoopingTags);
    let registry = registry_at(&proxy.host(), &reg).await;
    let err = registry.tags("app").await.unwrap_err();
    assert!(matches!(err, Error::Pagination { .. }), "{err}");
    assert!(
        proxy.requests().tags < 5,
        "stopped at once, not after many pages"
    );

    // The graph survives it: cosign tags go unchecked, with a warning.
    let g = graph::load(
        registry,
        &reference(&proxy.host(), "app:v1"),
        &GraphOptions::default(),
    )
    .await
    .unwrap();
    assert!(
        g.warnings.iter().any(|w| w.contains("pagination")),
        "{:?}",
        g.warnings
    );
}

#[tokio::test]
async fn server_errors_are_retried_for_reads() {
    let reg = TestRegistry::anonymous().await;
    let image = Pusher::new(&reg.base_url()).image("app", "v1", b"x").await;
    let proxy = FaultProxy::start(&reg).await;
    let registry = registry_at(&proxy.host(), &reg).await;
    registry
        .fetch_manifest(&reference(&proxy.host(), "app:v1"))
        .await
        .unwrap();

    proxy.set_fault(Fault::ServerErrors(2));
    let m = registry
        .fetch_manifest(&reference(&proxy.host(), "app:v1"))
        .await
        .unwrap();
    assert_eq!(m.digest.to_string(), image.digest);
    assert_eq!(proxy.server_errors_sent(), 2);

    proxy.set_fault(Fault::ServerErrors(50));
    let err = registry
        .fetch_manifest(&reference(&proxy.host(), "app:v1"))
        .await
        .unwrap_err();
    match err {
        Error::Status {
            status: 503, code, ..
        } => assert_eq!(code.as_deref(), Some("UNAVAILABLE")),
        other => panic!("expected the registry's 503, got {other}"),
    }
}

#[tokio::test]
async fn a_redirect_to_another_host_never_carries_credentials() {
    let reg = TestRegistry::htpasswd("dave", "dave-pw").await;
    let pusher = Pusher::new(&reg.base_url()).basic("dave", "dave-pw");
    let content = vec![7u8; 100_000];
    let (blob, _) = pusher.blob("app", &content).await;
    let proxy = FaultProxy::start(&reg).await;
    proxy.set_fault(Fault::RedirectBlobs);
    let dir = tempfile::tempdir().unwrap();
    let config = docker_config(dir.path(), &proxy.host(), "dave", "dave-pw");
    let registry = client_with(&proxy.host(), Default::default(), Some(&config))
        .registry(&proxy.host())
        .await
        .unwrap();

    let out = dir.path().join("blob");
    registry
        .download_blob("app", &blob.parse().unwrap(), content.len() as u64, &out)
        .await
        .unwrap();
    assert_eq!(std::fs::read(&out).unwrap(), content);
    assert!(
        proxy.redirect_requests() >= 1,
        "the blob came from the other host"
    );
    assert!(
        !proxy.redirect_saw_authorization(),
        "credentials leaked to another host"
    );
}

#[tokio::test]
async fn a_cut_download_resumes_with_range_or_fails_leaving_nothing() {
    let reg = TestRegistry::anonymous().await;
    let content: Vec<u8> = (0..250_000u32).map(|i| (i % 251) as u8).collect();
    let (blob, _) = Pusher::new(&reg.base_url()).blob("app", &content).await;
    let blob: Digest = blob.parse().unwrap();
    let proxy = FaultProxy::start(&reg).await;
    let registry = registry_at(&proxy.host(), &reg).await;
    let dir = tempfile::tempdir().unwrap();

    proxy.set_fault(Fault::CutAfter(100_000));
    let out = dir.path().join("resumed");
    let size = content.len() as u64;
    registry
        .download_blob("app", &blob, size, &out)
        .await
        .unwrap();
    assert_eq!(
        std::fs::read(&out).unwrap(),
        content,
        "byte-exact after resuming"
    );
    assert!(proxy.requests().blobs >= 3, "it resumed twice");

    proxy.set_fault(Fault::CutAfter(10_000));
    let failed = dir.path().join("failed");
    let err = registry
        .download_blob("app", &blob, size, &failed)
        .await
        .unwrap_err();
    assert!(err.to_string().contains(&blob.to_string()), "{err}");
    assert_eq!(files_in(dir.path()), ["resumed"], "no partial file is left");
}
