//! Reading from a real registry: manifests, blobs, tags, catalog, under every kind of auth.

use stowage::auth::Credential;
use stowage::config::RegistrySettings;
use stowage::{Digest, Error, Reference};

use crate::harness::{Pusher, TestRegistry, TokenIssuer};
use crate::support::{client_with, docker_config, registry_at};

fn reference(host: &str, rest: &str) -> Reference {
    format!("{host}/{rest}").parse().expect("reference")
}

#[tokio::test]
async fn manifest_bytes_are_kept_exactly_and_verified() {
    let reg = TestRegistry::anonymous().await;
    let pushed = Pusher::new(&reg.base_url())
        .image("app", "v1", b"layer one")
        .await;
    let registry = registry_at(&reg.host(), &reg).await;

    let by_tag = registry
        .fetch_manifest(&reference(&reg.host(), "app:v1"))
        .await
        .unwrap();
    assert_eq!(by_tag.digest.to_string(), pushed.digest);
    assert_eq!(Digest::sha256_of(&by_tag.bytes).to_string(), pushed.digest);
    assert_eq!(
        by_tag.media_type,
        "application/vnd.oci.image.manifest.v1+json"
    );

    let by_digest = registry
        .fetch_manifest(&reference(&reg.host(), &format!("app@{}", pushed.digest)))
        .await
        .unwrap();
    assert_eq!(by_digest.bytes, by_tag.bytes);

    let (digest, _, size) = registry
        .resolve(&reference(&reg.host(), "app:v1"))
        .await
        .unwrap();
    assert_eq!(
        (digest.to_string(), size),
        (pushed.digest.clone(), pushed.size)
    );
}

#[tokio::test]
async fn blobs_download_verified_and_missing_ones_are_not_found() {
    let reg = TestRegistry::anonymous().await;
    let content: Vec<u8> = (0..300_000u32).flat_map(|i| i.to_le_bytes()).collect();
    let (digest, _) = Pusher::new(&reg.base_url()).blob("data", &content).await;
    let registry = registry_at(&reg.host(), &reg).await;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("blob.bin");

    let digest: Digest = digest.parse().unwrap();
    let size = content.len() as u64;
    let n = registry
        .download_blob("data", &digest, size, &out)
        .await
        .unwrap();
    assert_eq!(n, content.len() as u64);
    assert_eq!(std::fs::read(&out).unwrap(), content);

    let mut stream = registry.fetch_blob("data", &digest, size).await.unwrap();
    let mut streamed = Vec::new();
    while let Some(chunk) = stream.next_chunk().await.unwrap() {
        streamed.extend_from_slice(&chunk);
    }
    assert_eq!(streamed, content);

    let absent = Digest::sha256_of(b"never pushed");
    let err = registry
        .download_blob("data", &absent, 12, &dir.path().join("absent"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err}");
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "only the good blob is left"
    );
}

#[tokio::test]
async fn tags_and_catalog_list_everything() {
    let reg = TestRegistry::anonymous().await;
    let pusher = Pusher::new(&reg.base_url());
    for tag in ["a", "b", "c"] {
        pusher.image("one/app", tag, tag.as_bytes()).await;
    }
    pusher.image("two", "x", b"x").await;
    let registry = registry_at(&reg.host(), &reg).await;

    let mut tags = registry.tags("one/app").await.unwrap();
    tags.sort();
    assert_eq!(tags, ["a", "b", "c"]);
    let mut repos = registry.catalog().await.unwrap();
    repos.sort();
    assert_eq!(repos, ["one/app", "two"]);

    let err = registry.tags("nothing/here").await.unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err}");
}

#[tokio::test]
async fn htpasswd_credentials_from_docker_config_and_wrong_ones() {
    let reg = TestRegistry::htpasswd("alice", "s3cret-pw").await;
    let pushed = Pusher::new(&reg.base_url())
        .basic("alice", "s3cret-pw")
        .image("private", "v1", b"secret layer")
        .await;
    let dir = tempfile::tempdir().unwrap();
    let host = reg.host();

    let config = docker_config(dir.path(), &host, "alice", "s3cret-pw");
    let client = client_with(&host, RegistrySettings::default(), Some(&config));
    let registry = client.registry(&host).await.unwrap();
    let fetched = registry
        .fetch_manifest(&reference(&host, "private:v1"))
        .await
        .unwrap();
    assert_eq!(fetched.digest.to_string(), pushed.digest);

    let anonymous = client_with(&host, RegistrySettings::default(), None);
    let err = anonymous
        .registry(&host)
        .await
        .unwrap()
        .fetch_manifest(&reference(&host, "private:v1"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Unauthorized { .. }), "{err}");

    let wrong = Credential::Basic {
        username: "alice".into(),
        password: stowage::auth::Secret::new("wrong-password"),
    };
    let err = anonymous
        .connect(&host, Some(wrong))
        .unwrap()
        .check_credentials()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Unauthorized { .. }), "{err}");
    let text = err.to_string();
    assert!(
        text.contains("alice") && !text.contains("wrong-password"),
        "{text}"
    );
}

#[tokio::test]
async fn tls_registry_is_trusted_only_through_its_ca() {
    let reg = TestRegistry::tls().await;
    let pushed = Pusher::new(&reg.base_url())
        .client(crate::harness::client_trusting(Some(reg.ca_pem())))
        .image("secure", "v1", b"tls layer")
        .await;
    let host = reg.host();

    let trusting = registry_at(&host, &reg).await;
    let fetched = trusting
        .fetch_manifest(&reference(&host, "secure:v1"))
        .await
        .unwrap();
    assert_eq!(fetched.digest.to_string(), pushed.digest);

    let untrusting = client_with(&host, RegistrySettings::default(), None);
    let err = untrusting
        .registry(&host)
        .await
        .unwrap()
        .fetch_manifest(&reference(&host, "secure:v1"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Tls { .. }),
        "expected a TLS error, got {err}"
    );
    assert!(err.to_string().contains("custom CA"), "{err}");
}

#[tokio::test]
async fn token_auth_caches_tokens_and_uses_the_refresh_token() {
    let issuer = TokenIssuer::start().await;
    issuer.add_user("bob", "hunter22");
    let reg = TestRegistry::with_token_issuer(&issuer).await;
    let host = reg.host();
    let token = issuer.mint("bob", &["repository:team/app:pull,push"]);
    let pushed = Pusher::new(&reg.base_url())
        .bearer(&token)
        .image("team/app", "v1", b"tok")
        .await;
    let pushed2 = Pusher::new(&reg.base_url())
        .bearer(&issuer.mint("bob", &["repository:team/other:pull,push"]))
        .image("team/other", "v1", b"tok2")
        .await;
    let (gets, posts) = (issuer.get_requests(), issuer.post_requests());

    let dir = tempfile::tempdir().unwrap();
    let config = docker_config(dir.path(), &host, "bob", "hunter22");
    let client = client_with(&host, RegistrySettings::default(), Some(&config));
    let registry = client.registry(&host).await.unwrap();
    for _ in 0..3 {
        let m = registry
            .fetch_manifest(&reference(&host, "team/app:v1"))
            .await
            .unwrap();
        assert_eq!(m.digest.to_string(), pushed.digest);
    }
    assert_eq!(
        issuer.get_requests() - gets,
        1,
        "one token for one scope, then cached"
    );

    // A second scope: the refresh token from the first answer is used, through the OAuth2 POST.
    let m = registry
        .fetch_manifest(&reference(&host, "team/other:v1"))
        .await
        .unwrap();
    assert_eq!(m.digest.to_string(), pushed2.digest);
    assert_eq!(issuer.get_requests() - gets, 1);
    assert_eq!(issuer.post_requests() - posts, 1);

    let wrong = Credential::Basic {
        username: "bob".into(),
        password: stowage::auth::Secret::new("not-his"),
    };
    let err = client
        .connect(&host, Some(wrong))
        .unwrap()
        .check_credentials()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Unauthorized { .. }), "{err}");
    let ok = Credential::Basic {
        username: "bob".into(),
        password: stowage::auth::Secret::new("hunter22"),
    };
    client
        .connect(&host, Some(ok))
        .unwrap()
        .check_credentials()
        .await
        .unwrap();
}

#[tokio::test]
async fn identity_token_from_docker_config_uses_the_oauth2_post() {
    let issuer = TokenIssuer::start().await;
    issuer.add_user("carol", "pw-carol");
    let reg = TestRegistry::with_token_issuer(&issuer).await;
    let host = reg.host();
    let pushed = Pusher::new(&reg.base_url())
        .bearer(&issuer.mint("carol", &["repository:c/app:pull,push"]))
        .image("c/app", "v1", b"c")
        .await;
    // A refresh token as `docker login` stores it for OAuth2 registries.
    let refresh = reqwest::Client::new()
        .post(issuer.realm())
        .form(&[
            ("grant_type", "password"),
            ("username", "carol"),
            ("password", "pw-carol"),
            ("service", issuer.service()),
            ("client_id", "test"),
            ("access_type", "offline"),
        ])
        .send()
        .await
        .unwrap()
        .json::<serde_json::Value>()
        .await
        .unwrap()["refresh_token"]
        .as_str()
        .expect("refresh_token")
        .to_string();
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.json");
    std::fs::write(
        &config,
        serde_json::to_vec(&serde_json::json!({"auths": {&host: {"identitytoken": refresh}}}))
            .unwrap(),
    )
    .unwrap();
    let posts = issuer.post_requests();
    let registry = client_with(&host, RegistrySettings::default(), Some(&config))
        .registry(&host)
        .await
        .unwrap();
    let m = registry
        .fetch_manifest(&reference(&host, "c/app:v1"))
        .await
        .unwrap();
    assert_eq!(m.digest.to_string(), pushed.digest);
    assert_eq!(issuer.post_requests() - posts, 1);
}
