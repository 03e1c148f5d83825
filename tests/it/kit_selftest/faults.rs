//! Self-tests of `FaultProxy`: each fault answers as described, and None passes through.

use futures::StreamExt;
use reqwest::header::{ACCEPT, LINK};
use reqwest::StatusCode;
use serde_json::Value;

use super::{header, plain_client};
use crate::harness::{Fault, FaultProxy, Pusher, TestRegistry, MANIFEST_ACCEPT};

async fn get(url: &str) -> reqwest::Response {
    let resp = plain_client()
        .get(url)
        .header(ACCEPT, MANIFEST_ACCEPT)
        .send();
    resp.await.unwrap()
}

/// A registry with image "f/app:v1", and a fault proxy in front of it.
async fn setup() -> (TestRegistry, FaultProxy, crate::harness::Desc) {
    let reg = TestRegistry::anonymous().await;
    let image = Pusher::new(&reg.base_url())
        .image("f/app", "v1", b"layer")
        .await;
    let proxy = FaultProxy::start(&reg).await;
    (reg, proxy, image)
}

fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    format!("sha256:{}", hex::encode(sha2::Sha256::digest(bytes)))
}

#[tokio::test]
async fn fault_none_passes_through_and_manifest_faults_hit_manifest_gets() {
    let (reg, proxy, image) = setup().await;
    let direct = get(&format!("{}/v2/f/app/manifests/v1", reg.base_url())).await;
    let direct = direct.bytes().await.unwrap();
    let url = format!("{}/v2/f/app/manifests/v1", proxy.base_url());
    assert_eq!(get(&url).await.bytes().await.unwrap(), direct);

    proxy.set_fault(Fault::WrongDigest);
    let resp = get(&url).await;
    assert_eq!(header(&resp, "docker-content-digest"), image.digest);
    let body = resp.bytes().await.unwrap();
    assert_eq!(body.len(), direct.len());
    let changed = body
        .iter()
        .zip(direct.iter())
        .filter(|(a, b)| a != b)
        .count();
    assert_eq!(changed, 1);
    assert_ne!(sha256(&body), image.digest);
    assert!(
        serde_json::from_slice::<Value>(&body).is_ok(),
        "still valid JSON"
    );

    proxy.set_fault(Fault::OversizedManifest(5 << 20));
    let body = get(&url).await.bytes().await.unwrap();
    assert_eq!(body.len(), 5 << 20);
    assert!(serde_json::from_slice::<Value>(&body).is_ok());

    proxy.set_fault(Fault::MalformedJson);
    let body = get(&url).await.bytes().await.unwrap();
    assert_eq!(&body[..], br#"{"schemaVersion": 2, "manifests": ["#);

    // Blobs are untouched by manifest faults.
    let (blob, _) = Pusher::new(&reg.base_url()).blob("f/app", b"blob").await;
    let resp = get(&format!("{}/v2/f/app/blobs/{blob}", proxy.base_url())).await;
    assert_eq!(resp.bytes().await.unwrap(), &b"blob"[..]);
    assert_eq!(proxy.faults_injected(), 3);
    assert_eq!(proxy.fault(), Fault::MalformedJson);
    assert_eq!(proxy.requests().manifests, 4);
}

#[tokio::test]
async fn looping_tags_link_to_themselves_forever() {
    let (_reg, proxy, _) = setup().await;
    proxy.set_fault(Fault::LoopingTags);
    let mut url = format!("{}/v2/f/app/tags/list", proxy.base_url());
    for _ in 0..5 {
        let resp = get(&url).await;
        let link = header(&resp, LINK.as_str());
        assert_eq!(link, "</v2/f/app/tags/list?last=a&n=1>; rel=\"next\"");
        let body: Value = resp.json().await.unwrap();
        assert_eq!(body["tags"], serde_json::json!(["a"]));
        assert_eq!(body["name"], "f/app");
        url = format!("{}{}", proxy.base_url(), &link[1..link.find('>').unwrap()]);
    }
    assert_eq!(proxy.requests().tags, 5);
}

#[tokio::test]
async fn server_errors_answer_503_n_times_then_pass_through() {
    let (_reg, proxy, _) = setup().await;
    proxy.set_fault(Fault::ServerErrors(2));
    let url = format!("{}/v2/", proxy.base_url());
    let statuses = [get(&url).await, get(&url).await, get(&url).await].map(|r| r.status());
    assert_eq!(
        statuses,
        [
            StatusCode::SERVICE_UNAVAILABLE,
            StatusCode::SERVICE_UNAVAILABLE,
            StatusCode::OK
        ]
    );
    assert_eq!(proxy.server_errors_sent(), 2);
    assert_eq!(proxy.requests().base, 3);
}

#[tokio::test]
async fn redirected_blobs_come_from_another_host() {
    let reg = TestRegistry::htpasswd("u", "p").await;
    let (digest, _) = Pusher::new(&reg.base_url())
        .basic("u", "p")
        .blob("r/app", b"redirected bytes")
        .await;
    let proxy = FaultProxy::start(&reg).await;
    proxy.set_fault(Fault::RedirectBlobs);
    let url = format!("{}/v2/r/app/blobs/{digest}", proxy.base_url());
    let raw = plain_client().get(&url).basic_auth("u", Some("p")).send();
    let raw = raw.await.unwrap();
    assert_eq!(raw.status(), StatusCode::TEMPORARY_REDIRECT);
    let location = header(&raw, "location");
    assert!(location.starts_with(&proxy.redirect_origin()));
    assert_ne!(proxy.redirect_origin(), proxy.base_url());

    // reqwest's own redirect policy drops credentials on the way to another host.
    let following = reqwest::Client::new();
    let resp = following.get(&url).basic_auth("u", Some("p")).send();
    let resp = resp.await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.bytes().await.unwrap(), &b"redirected bytes"[..]);
    assert_eq!(proxy.redirect_requests(), 1);
    assert!(!proxy.redirect_saw_authorization());

    // A client that leaks its credentials to the other host is caught.
    let leak = plain_client()
        .get(&location)
        .basic_auth("u", Some("p"))
        .send();
    assert_eq!(leak.await.unwrap().status(), StatusCode::OK);
    assert!(proxy.redirect_saw_authorization());
}

#[tokio::test]
async fn cut_blobs_stop_short_of_their_content_length() {
    let (reg, proxy, _) = setup().await;
    let content = vec![7u8; 100_000];
    let (digest, _) = Pusher::new(&reg.base_url()).blob("f/app", &content).await;
    proxy.set_fault(Fault::CutAfter(1000));
    let resp = get(&format!("{}/v2/f/app/blobs/{digest}", proxy.base_url())).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.content_length(), Some(100_000));
    let (mut received, mut failed) = (0, false);
    let mut stream = resp.bytes_stream();
    while let Some(chunk) = stream.next().await {
        match chunk {
            Ok(c) => received += c.len(),
            Err(_) => failed = true,
        }
    }
    assert!(failed, "the body ends in an error");
    assert_eq!(received, 1000);
    assert_eq!(proxy.requests().blobs, 1);
}
