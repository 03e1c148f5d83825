//! Self-tests of the peer-tool writers: umoci + skopeo multi-arch images, oras-py artifacts and referrers.

use reqwest::header::ACCEPT;
use serde_json::Value;

use super::plain_client;
use crate::harness::{
    layout_ref, oras_push, skopeo_copy_all, umoci_multiarch_layout, Pusher, ReferrersFront,
    TestRegistry, MANIFEST_ACCEPT, MULTIARCH_TAG, OCI_INDEX,
};

async fn manifest(
    base_url: &str,
    repo: &str,
    reference: &str,
    basic: Option<(&str, &str)>,
) -> Value {
    let mut req = plain_client()
        .get(format!("{base_url}/v2/{repo}/manifests/{reference}"))
        .header(ACCEPT, MANIFEST_ACCEPT);
    if let Some((user, pass)) = basic {
        req = req.basic_auth(user, Some(pass));
    }
    let resp = req.send().await.unwrap();
    assert!(
        resp.status().is_success(),
        "{repo}:{reference}: {}",
        resp.status()
    );
    resp.json().await.unwrap()
}

#[tokio::test]
async fn umoci_layout_copied_by_skopeo_is_a_multi_arch_index() {
    let reg = TestRegistry::anonymous().await;
    let dir = tempfile::tempdir().unwrap();
    let platforms = [("linux", "amd64"), ("linux", "arm64")];
    let layout = umoci_multiarch_layout(dir.path(), &platforms).await;
    let index_desc = layout_ref(&layout, MULTIARCH_TAG);
    assert_eq!(index_desc["mediaType"], OCI_INDEX);

    skopeo_copy_all(&layout, MULTIARCH_TAG, &reg.host(), "multi/app", "v1", None).await;
    let pusher = Pusher::new(&reg.base_url());
    let head = pusher.head("multi/app", "v1").await.expect("index pushed");
    assert_eq!(head.media_type, OCI_INDEX);
    assert_eq!(
        head.digest, index_desc["digest"],
        "skopeo keeps the index bytes"
    );
    let index = manifest(&reg.base_url(), "multi/app", "v1", None).await;
    let children = index["manifests"].as_array().unwrap();
    assert_eq!(children.len(), 2);
    for (child, (os, arch)) in children.iter().zip(platforms) {
        assert_eq!(child["platform"]["os"], os);
        assert_eq!(child["platform"]["architecture"], arch);
        let digest = child["digest"].as_str().unwrap();
        let image = manifest(&reg.base_url(), "multi/app", digest, None).await;
        assert_eq!(image["layers"].as_array().unwrap().len(), 1);
    }
}

#[tokio::test]
async fn skopeo_pushes_with_credentials() {
    let reg = TestRegistry::htpasswd("sk", "opeo").await;
    let dir = tempfile::tempdir().unwrap();
    let layout = umoci_multiarch_layout(dir.path(), &[("linux", "riscv64")]).await;
    let creds = Some(("sk", "opeo"));
    skopeo_copy_all(&layout, MULTIARCH_TAG, &reg.host(), "c/app", "v1", creds).await;
    let index = manifest(&reg.base_url(), "c/app", "v1", creds).await;
    assert_eq!(index["manifests"][0]["platform"]["architecture"], "riscv64");
}

#[tokio::test]
async fn oras_pushes_an_artifact_and_a_referrer() {
    let reg = TestRegistry::anonymous().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("hello.txt");
    std::fs::write(&file, "hello from oras-py\n").unwrap();
    let digest = oras_push(
        &reg.host(),
        "art/app:v1",
        &[(&file, "text/plain")],
        None,
        None,
    )
    .await;
    let pusher = Pusher::new(&reg.base_url());
    let subject = pusher.head("art/app", "v1").await.expect("artifact pushed");
    assert_eq!(subject.digest, digest);
    let artifact = manifest(&reg.base_url(), "art/app", "v1", None).await;
    assert_eq!(artifact["layers"][0]["mediaType"], "text/plain");
    assert_eq!(
        artifact["layers"][0]["annotations"]["org.opencontainers.image.title"],
        "hello.txt"
    );

    let sig = dir.path().join("sig.json");
    std::fs::write(&sig, "{\"signed\": true}").unwrap();
    let with = Some((
        subject.media_type.as_str(),
        subject.digest.as_str(),
        subject.size,
    ));
    let files = [(sig.as_path(), "application/vnd.example.sig")];
    let referrer = oras_push(&reg.host(), "art/app:sig", &files, with, None).await;
    let pushed = manifest(&reg.base_url(), "art/app", "sig", None).await;
    assert_eq!(pushed["subject"]["digest"], subject.digest);
    assert_eq!(pushed["subject"]["size"], subject.size);

    // The front finds what oras-py wrote straight to the registry.
    let front = ReferrersFront::start(&reg).await;
    let url = format!(
        "{}/v2/art/app/referrers/{}",
        front.base_url(),
        subject.digest
    );
    let index: Value = plain_client()
        .get(url)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(index["manifests"][0]["digest"], referrer);
    assert_eq!(index["manifests"].as_array().unwrap().len(), 1);
}
