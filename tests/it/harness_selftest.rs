//! Self-tests of the integration-test harness: each server starts, answers, and misbehaves as promised.

use base64::Engine;
use reqwest::header::{ACCEPT, CONTENT_TYPE, LINK, WWW_AUTHENTICATE};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::harness::{
    client_trusting, push_blob, Pusher, ReferrersFront, TestRegistry, TokenIssuer, MANIFEST_ACCEPT,
    OCI_MANIFEST,
};

#[path = "harness/selftest/faults.rs"]
mod faults;
#[path = "harness/selftest/peers.rs"]
mod peers;

fn plain_client() -> reqwest::Client {
    client_trusting(None)
}

fn header(resp: &reqwest::Response, name: &str) -> String {
    let value = resp.headers().get(name).and_then(|v| v.to_str().ok());
    value.unwrap_or("").to_string()
}

/// The claims of a JWT, unverified (the registry is what verifies).
fn claims(token: &str) -> Value {
    let payload = token.split('.').nth(1).expect("JWT payload");
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .expect("base64url");
    serde_json::from_slice(&raw).expect("claims JSON")
}

#[tokio::test]
async fn anonymous_registry_answers_and_stores_under_root_dir() {
    let reg = TestRegistry::anonymous().await;
    assert!(reg.host().starts_with("127.0.0.1:"));
    assert_eq!(reg.base_url(), format!("http://{}", reg.host()));
    let resp = plain_client()
        .get(format!("{}/v2/", reg.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let (digest, size) = push_blob(&reg.base_url(), "a/b", b"hello", None).await;
    assert_eq!(size, 5);
    let hex = &digest[7..];
    let data = reg.root_dir().join(format!(
        "docker/registry/v2/blobs/sha256/{}/{hex}/data",
        &hex[..2]
    ));
    assert_eq!(std::fs::read(data).unwrap(), b"hello");
}

#[tokio::test]
async fn htpasswd_registry_rejects_a_wrong_password() {
    let reg = TestRegistry::htpasswd("alice", "s3cret").await;
    assert_eq!(reg.credentials(), Some(("alice", "s3cret")));
    let url = format!("{}/v2/", reg.base_url());
    let client = plain_client();
    let anonymous = client.get(&url).send().await.unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    assert!(header(&anonymous, "www-authenticate").starts_with("Basic "));
    let wrong = client.get(&url).basic_auth("alice", Some("nope")).send();
    assert_eq!(wrong.await.unwrap().status(), StatusCode::UNAUTHORIZED);
    let right = client.get(&url).basic_auth("alice", Some("s3cret")).send();
    assert_eq!(right.await.unwrap().status(), StatusCode::OK);
    push_blob(&reg.base_url(), "x", b"data", Some(("alice", "s3cret"))).await;
}

#[tokio::test]
async fn tls_registry_answers_https_trusting_only_its_ca() {
    let reg = TestRegistry::tls().await;
    assert!(reg.base_url().starts_with("https://127.0.0.1:"));
    assert!(reg.ca_pem().contains("BEGIN CERTIFICATE"));
    assert_eq!(
        std::fs::read_to_string(reg.ca_path()).unwrap(),
        reg.ca_pem()
    );
    let url = format!("{}/v2/", reg.base_url());
    let resp = reg.client().get(&url).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    // The certificate also names localhost.
    let addr = reg.host().parse().unwrap();
    let by_name = reqwest::Client::builder()
        .tls_built_in_root_certs(false)
        .add_root_certificate(reqwest::Certificate::from_pem(reg.ca_pem().as_bytes()).unwrap())
        .resolve("localhost", addr)
        .build()
        .unwrap();
    let port = reg.host().rsplit(':').next().unwrap().to_string();
    let resp = by_name.get(format!("https://localhost:{port}/v2/")).send();
    assert_eq!(resp.await.unwrap().status(), StatusCode::OK);
    assert!(
        plain_client().get(&url).send().await.is_err(),
        "untrusted CA"
    );
    Pusher::new(&reg.base_url())
        .client(reg.client())
        .image("tls/app", "v1", b"layer")
        .await;
}

#[tokio::test]
async fn token_mode_round_trip_through_the_real_registry() {
    let issuer = TokenIssuer::start().await;
    issuer.add_user("alice", "pw");
    let reg = TestRegistry::with_token_issuer(&issuer).await;
    let client = plain_client();
    let base = format!("{}/v2/", reg.base_url());

    let challenge = client.get(&base).send().await.unwrap();
    assert_eq!(challenge.status(), StatusCode::UNAUTHORIZED);
    let www = header(&challenge, WWW_AUTHENTICATE.as_str());
    assert!(www.starts_with("Bearer "), "{www}");
    assert!(
        www.contains(&format!("realm=\"{}\"", issuer.realm())),
        "{www}"
    );
    assert!(
        www.contains(&format!("service=\"{}\"", issuer.service())),
        "{www}"
    );

    let token_query = |scopes: &[&str], offline: bool| {
        let mut q = vec![("service", issuer.service().to_string())];
        q.extend(scopes.iter().map(|s| ("scope", s.to_string())));
        q.push(("offline_token", offline.to_string()));
        q.push(("client_id", "selftest".into()));
        client.get(issuer.realm()).query(&q)
    };
    let scopes = ["repository:t/app:pull,push", "registry:catalog:*"];
    let resp = token_query(&scopes, true).basic_auth("alice", Some("pw"));
    let body: Value = resp.send().await.unwrap().json().await.unwrap();
    let token = body["token"].as_str().unwrap().to_string();
    assert_eq!(body["access_token"], body["token"]);
    assert!(body["expires_in"].as_u64().unwrap() > 0);
    assert!(body["issued_at"].as_str().unwrap().ends_with('Z'));
    let refresh = body["refresh_token"].as_str().unwrap().to_string();
    let c = claims(&token);
    assert_eq!(c["aud"], issuer.service());
    assert_eq!(c["iss"], issuer.issuer());
    assert_eq!(c["sub"], "alice");
    assert_eq!(
        c["access"][0],
        json!({"type": "repository", "name": "t/app", "actions": ["pull", "push"]})
    );
    assert_eq!(
        c["access"][1],
        json!({"type": "registry", "name": "catalog", "actions": ["*"]})
    );

    let ok = client.get(&base).bearer_auth(&token).send().await.unwrap();
    assert_eq!(
        ok.status(),
        StatusCode::OK,
        "registry accepts the issuer's token"
    );
    Pusher::new(&reg.base_url())
        .bearer(&token)
        .image("t/app", "v1", b"pushed with a token")
        .await;
    let catalog = client
        .get(format!("{base}_catalog"))
        .bearer_auth(&token)
        .send();
    assert_eq!(catalog.await.unwrap().status(), StatusCode::OK);

    // Wrong password: 401 JSON; anonymous without the flag: a token that grants nothing.
    let wrong = token_query(&scopes, false)
        .basic_auth("alice", Some("bad"))
        .send();
    let wrong = wrong.await.unwrap();
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert!(wrong.json::<Value>().await.unwrap()["errors"].is_array());
    let tags = format!("{base}t/app/tags/list");
    let anon: Value = token_query(&scopes, true)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(claims(anon["token"].as_str().unwrap())["access"], json!([]));
    assert!(anon.get("refresh_token").is_none());
    let denied = client
        .get(&tags)
        .bearer_auth(anon["token"].as_str().unwrap())
        .send();
    assert_eq!(denied.await.unwrap().status(), StatusCode::UNAUTHORIZED);
    issuer.set_anonymous_pull(true);
    let anon: Value = token_query(&scopes[..1], false)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let access = &claims(anon["token"].as_str().unwrap())["access"];
    assert_eq!(
        access,
        &json!([{"type": "repository", "name": "t/app", "actions": ["pull"]}])
    );
    let allowed = client
        .get(&tags)
        .bearer_auth(anon["token"].as_str().unwrap())
        .send();
    assert_eq!(allowed.await.unwrap().status(), StatusCode::OK);

    // OAuth2 POST: the refresh token, a password grant, and an unknown refresh token.
    let post = |form: Vec<(&'static str, String)>| client.post(issuer.realm()).form(&form).send();
    let common = |grant: &str| {
        vec![
            ("grant_type", grant.to_string()),
            ("service", issuer.service().to_string()),
            ("client_id", "selftest".to_string()),
            ("scope", "repository:t/app:pull".to_string()),
        ]
    };
    let mut form = common("refresh_token");
    form.push(("refresh_token", refresh.clone()));
    let refreshed: Value = post(form).await.unwrap().json().await.unwrap();
    assert_eq!(refreshed["refresh_token"], refresh.as_str());
    let fresh = refreshed["access_token"].as_str().unwrap();
    let resp = client.get(&tags).bearer_auth(fresh).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let mut form = common("password");
    form.extend([("username", "alice".into()), ("password", "pw".into())]);
    let granted: Value = post(form).await.unwrap().json().await.unwrap();
    assert!(granted["access_token"].is_string() && granted["refresh_token"].is_string());
    let mut form = common("refresh_token");
    form.push(("refresh_token", "no-such-token".into()));
    assert_eq!(post(form).await.unwrap().status(), StatusCode::UNAUTHORIZED);

    assert_eq!((issuer.get_requests(), issuer.post_requests()), (4, 3));
    let minted = issuer.mint("bob", &["repository:t/app:pull"]);
    let resp = client.get(&tags).bearer_auth(&minted).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(issuer.get_requests(), 4, "mint is not counted");
}

/// A manifest with a subject, PUT through `base` by hand so the answer's headers can be read.
async fn put_referrer(base: &str, repo: &str, subject: &crate::harness::Desc) -> reqwest::Response {
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
