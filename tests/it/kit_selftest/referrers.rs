//! Self-tests of `ReferrersFront`: referrers written through it and directly, filters, pages.

use reqwest::header::{ACCEPT, CONTENT_TYPE, LINK};
use reqwest::StatusCode;
use serde_json::{json, Value};

use super::{header, plain_client};
use crate::harness::{
    push_blob, Desc, Pusher, ReferrersFront, TestRegistry, MANIFEST_ACCEPT, OCI_MANIFEST,
};

/// A manifest with a subject, PUT through `base` by hand so the answer's headers can be read.
async fn put_referrer(base: &str, repo: &str, subject: &Desc) -> reqwest::Response {
    let (empty, _) = push_blob(base, repo, b"{}", None).await;
    let manifest = json!({
        "schemaVersion": 2, "mediaType": OCI_MANIFEST,
        // No artifactType: the referrers descriptor falls back to config.mediaType.
        "config": {"mediaType": "application/vnd.example.sbom.config", "digest": empty, "size": 2},
        "layers": [], "subject": subject.to_json(),
        "annotations": {"org.example.via": "front"},
    });
    plain_client()
        .put(format!("{base}/v2/{repo}/manifests/sbom"))
        .header(CONTENT_TYPE, OCI_MANIFEST)
        .body(serde_json::to_vec(&manifest).unwrap())
        .send()
        .await
        .unwrap()
}

async fn referrers(front: &ReferrersFront, path_and_query: &str) -> reqwest::Response {
    plain_client()
        .get(format!("{}{path_and_query}", front.base_url()))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn referrers_front_lists_referrers_written_through_it_and_directly() {
    let reg = TestRegistry::anonymous().await;
    let front = ReferrersFront::start(&reg).await;
    let via_front = Pusher::new(&front.base_url());
    let direct = Pusher::new(&reg.base_url());
    let subject = via_front.image("app", "v1", b"the subject").await;
    assert!(
        front.requests().uploads >= 4,
        "uploads follow Locations through the front"
    );

    let put = put_referrer(&front.base_url(), "app", &subject).await;
    assert_eq!(put.status(), StatusCode::CREATED);
    assert_eq!(header(&put, "oci-subject"), subject.digest);
    let a = header(&put, "docker-content-digest");
    let sig = [("org.example.kind", "signature")];
    let b = direct.artifact(
        "app",
        Some("sig"),
        "application/vnd.example.sig",
        b"s",
        Some(&subject),
        &sig,
    );
    let b = b.await;
    let c = direct.artifact(
        "app",
        None,
        "application/vnd.example.sig",
        b"u",
        Some(&subject),
        &[],
    );
    let c = c.await;
    let other = direct.image("app", "v2", b"another image").await;
    direct
        .artifact(
            "app",
            Some("o"),
            "application/vnd.example.sig",
            b"o",
            Some(&other),
            &[],
        )
        .await;

    let resp = referrers(&front, &format!("/v2/app/referrers/{}", subject.digest)).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(
        header(&resp, "content-type"),
        "application/vnd.oci.image.index.v1+json"
    );
    assert!(resp.headers().get("oci-filters-applied").is_none());
    let index: Value = resp.json().await.unwrap();
    assert_eq!(index["schemaVersion"], 2);
    let found = index["manifests"].as_array().unwrap();
    let by = |d: &str| found.iter().find(|m| m["digest"] == d).cloned();
    assert_eq!(found.len(), 3, "{index}");
    let a = by(&a).expect("pushed through the front");
    assert_eq!(a["artifactType"], "application/vnd.example.sbom.config");
    assert_eq!(a["annotations"]["org.example.via"], "front");
    assert_eq!(a["mediaType"], OCI_MANIFEST);
    let b_found = by(&b.digest).expect("tagged, written directly");
    assert_eq!(b_found["size"], b.size);
    assert_eq!(b_found["artifactType"], "application/vnd.example.sig");
    assert_eq!(b_found["annotations"]["org.example.kind"], "signature");
    assert!(by(&c.digest).is_some(), "untagged, written directly");

    let none = referrers(&front, &format!("/v2/app/referrers/{}", b.digest)).await;
    assert_eq!(none.json::<Value>().await.unwrap()["manifests"], json!([]));
    let bad = referrers(&front, "/v2/app/referrers/sha256:xyz").await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    assert_eq!(front.requests().referrers, 3);

    // Everything else is the registry's, through the front.
    let got = plain_client()
        .get(format!("{}/v2/app/manifests/v1", front.base_url()))
        .header(ACCEPT, MANIFEST_ACCEPT)
        .send()
        .await
        .unwrap();
    assert_eq!(header(&got, "docker-content-digest"), subject.digest);
    let head = Pusher::new(&front.base_url())
        .head("app", "v1")
        .await
        .unwrap();
    assert_eq!(head, subject, "HEAD keeps the registry's Content-Length");
    front.set_latency(std::time::Duration::from_millis(150));
    let started = std::time::Instant::now();
    referrers(&front, "/v2/").await;
    assert!(started.elapsed() >= std::time::Duration::from_millis(150));
}

#[tokio::test]
async fn referrers_front_filters_by_artifact_type_and_paginates() {
    let reg = TestRegistry::anonymous().await;
    let front = ReferrersFront::start(&reg).await;
    let pusher = Pusher::new(&front.base_url());
    let subject = pusher.image("p/app", "v1", b"subject").await;
    let mut sigs = Vec::new();
    for (i, kind) in ["sig", "sbom", "sig"].iter().enumerate() {
        let t = format!("application/vnd.example.{kind}");
        let content = format!("{kind}{i}");
        let d = pusher.artifact("p/app", None, &t, content.as_bytes(), Some(&subject), &[]);
        let d = d.await;
        if *kind == "sig" {
            sigs.push(d.digest);
        }
    }
    let path = format!("/v2/p/app/referrers/{}", subject.digest);
    let filtered = referrers(
        &front,
        &format!("{path}?artifactType=application/vnd.example.sig"),
    )
    .await;
    assert_eq!(header(&filtered, "oci-filters-applied"), "artifactType");
    let index: Value = filtered.json().await.unwrap();
    let mut got: Vec<String> = index["manifests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["digest"].as_str().unwrap().to_string())
        .collect();
    got.sort();
    sigs.sort();
    assert_eq!(got, sigs);

    front.set_page_size(Some(1));
    let (mut next, mut seen, mut pages) = (Some(path.clone()), Vec::new(), 0);
    while let Some(p) = next.take() {
        let resp = referrers(&front, &p).await;
        let link = header(&resp, LINK.as_str());
        let page: Value = resp.json().await.unwrap();
        let manifests = page["manifests"].as_array().unwrap();
        assert_eq!(manifests.len(), 1);
        seen.extend(
            manifests
                .iter()
                .map(|m| m["digest"].as_str().unwrap().to_string()),
        );
        pages += 1;
        if !link.is_empty() {
            assert!(link.ends_with("; rel=\"next\""), "{link}");
            next = Some(link[1..link.find('>').unwrap()].to_string());
        }
    }
    assert_eq!(pages, 3);
    seen.dedup();
    assert_eq!(seen.len(), 3);

    let first = referrers(
        &front,
        &format!("{path}?artifactType=application/vnd.example.sig"),
    )
    .await;
    let link = header(&first, LINK.as_str());
    assert!(
        link.contains("artifactType="),
        "the filter carries over pages: {link}"
    );
}

#[tokio::test]
async fn referrers_front_passes_the_registry_auth_challenge_through() {
    let reg = TestRegistry::htpasswd("ref", "pw").await;
    let front = ReferrersFront::start(&reg).await;
    let pusher = Pusher::new(&front.base_url()).basic("ref", "pw");
    let subject = pusher.image("a/app", "v1", b"subject").await;
    let sig = "application/vnd.example.sig";
    let referrer = pusher.artifact("a/app", None, sig, b"s", Some(&subject), &[]);
    let referrer = referrer.await;
    let path = format!("/v2/a/app/referrers/{}", subject.digest);
    let denied = referrers(&front, &path).await;
    assert_eq!(denied.status(), StatusCode::UNAUTHORIZED);
    assert!(header(&denied, "www-authenticate").starts_with("Basic "));
    let allowed = plain_client()
        .get(format!("{}{path}", front.base_url()))
        .basic_auth("ref", Some("pw"))
        .send()
        .await
        .unwrap();
    assert_eq!(allowed.status(), StatusCode::OK);
    let index: Value = allowed.json().await.unwrap();
    assert_eq!(index["manifests"][0]["digest"], referrer.digest);
}
