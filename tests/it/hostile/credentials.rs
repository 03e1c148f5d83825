//! Rule: a credential (password, refresh or identity token, bearer token) is only ever sent to
//! the scheme and host it was meant for.

use stowage::auth::{Credential, Secret};
use stowage::config::RegistrySettings;
use stowage::{Digest, Error, Reference};

use crate::harness::{
    Collector, Fault, FaultProxy, Pusher, RegistryAuth, TestRegistry, TokenIssuer,
    SIGNED_QUERY_SECRET,
};
use crate::support::{client_with, docker_config};

/// A refresh token for `user`, from the issuer's GET with `offline_token=true`.
async fn refresh_token(issuer: &TokenIssuer, user: &str, pass: &str) -> String {
    let url = format!(
        "{}?service={}&offline_token=true&client_id=test",
        issuer.realm(),
        issuer.service()
    );
    let answer: serde_json::Value = reqwest::Client::new()
        .get(url)
        .basic_auth(user, Some(pass))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    answer["refresh_token"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn a_refresh_token_never_follows_a_redirect_off_its_realm() {
    let (issuer, reg) = super::token_registry().await;
    let refresh = refresh_token(&issuer, "erin", "erin-pw").await;
    let elsewhere = Collector::start().await;
    issuer.redirect_posts_to(Some(format!("{}/token", elsewhere.origin())));

    let credential = Credential::IdentityToken {
        username: None,
        token: Secret::new(refresh.clone()),
    };
    let registry = client_with(&reg.host(), RegistrySettings::default(), None)
        .connect(&reg.host(), Some(credential))
        .unwrap();
    let reference: Reference = format!("{}/app:v1", reg.host()).parse().unwrap();
    let err = registry.fetch_manifest(&reference).await.unwrap_err();

    let Error::Redirect { from, to, .. } = &err else {
        panic!("expected a refused redirect, got {err}")
    };
    assert!(from.starts_with(&issuer.realm()), "{err}");
    assert!(to.starts_with(&elsewhere.origin()), "{err}");
    assert!(issuer.post_requests() >= 1, "the refresh POST was made");
    let leaked: Vec<_> = elsewhere.requests().iter().map(|r| r.text()).collect();
    assert!(
        leaked.is_empty(),
        "requests reached the other host: {leaked:?}"
    );
    assert!(!err.to_string().contains(&refresh), "{err}");
}

#[tokio::test]
async fn an_https_registry_never_sends_a_password_to_a_plain_http_realm() {
    let issuer = TokenIssuer::start().await;
    issuer.add_user("erin", "erin-pw");
    // The realm is plain HTTP; the registry itself speaks HTTPS.
    let auth = RegistryAuth::Token {
        bundle: issuer.cert_bundle_path().to_path_buf(),
        realm: issuer.realm(),
        service: issuer.service().to_string(),
        issuer: issuer.issuer().to_string(),
    };
    let reg = TestRegistry::start(auth, true).await;
    let home = tempfile::tempdir().unwrap();
    let config = docker_config(home.path(), &reg.host(), "erin", "erin-pw");
    let settings = RegistrySettings {
        ca_file: Some(reg.ca_path().to_path_buf()),
        ..Default::default()
    };
    let registry = client_with(&reg.host(), settings, Some(&config))
        .registry(&reg.host())
        .await
        .unwrap();
    let reference: Reference = format!("{}/app:v1", reg.host()).parse().unwrap();
    let err = registry.fetch_manifest(&reference).await.unwrap_err();

    let message = err.to_string();
    assert!(matches!(err, Error::Malformed { .. }), "{message}");
    assert!(
        message.contains(&issuer.realm()),
        "names the realm: {message}"
    );
    assert!(message.contains("HTTPS"), "{message}");
    assert_eq!(issuer.get_requests(), 0, "the realm was asked");
    assert_eq!(issuer.post_requests(), 0, "the realm was asked");
}

#[tokio::test]
async fn a_blob_download_never_steps_down_from_https() {
    let reg = TestRegistry::anonymous().await;
    let content = b"the blob behind a redirect".to_vec();
    let (blob, size) = Pusher::new(&reg.base_url()).blob("app", &content).await;
    let blob: Digest = blob.parse().unwrap();
    // The registry speaks HTTPS; its blob redirect points at plain HTTP on another host.
    let proxy = FaultProxy::start_tls(&reg).await;
    proxy.set_fault(Fault::RedirectBlobs);
    let settings = RegistrySettings {
        ca_file: proxy.ca_path().map(|p| p.to_path_buf()),
        ..Default::default()
    };
    let registry = client_with(&proxy.host(), settings, None)
        .registry(&proxy.host())
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("blob");
    let err = registry
        .download_blob("app", &blob, size, &out)
        .await
        .unwrap_err();

    let Error::Redirect { from, to, reason } = &err else {
        panic!("expected a refused redirect, got {err}")
    };
    assert!(from.starts_with(&proxy.base_url()), "{err}");
    assert!(from.starts_with("https://"), "{err}");
    assert!(to.starts_with(&proxy.redirect_origin()), "{err}");
    assert!(reason.contains("HTTPS"), "{err}");
    assert!(!err.to_string().contains(SIGNED_QUERY_SECRET), "{err}");
    assert_eq!(proxy.redirect_requests(), 0, "nothing went over plain HTTP");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "no file");
}
