//! Self-tests of the test kit (tests/kit): each server starts, answers, and misbehaves as promised.

use base64::Engine;
use reqwest::header::WWW_AUTHENTICATE;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::harness::{client_trusting, push_blob, Pusher, TestRegistry, TokenIssuer};

mod faults;
mod peers;
mod referrers;

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
