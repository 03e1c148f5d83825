//! Unit tests of the Authorizer against a canned local token realm.

use std::sync::Arc;
use std::time::Duration;

use super::*;
use crate::auth::test_server::{Recorded, Reply, TestServer};

/// Where the test challenges come from: a plain-HTTP registry, like the canned realms.
const ANSWERED: &str = "http://reg.example/v2/";

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client")
}

fn json(status: u16, body: &str) -> Reply {
    (
        status,
        vec![("Content-Type", "application/json".to_string())],
        body.to_string(),
    )
}

fn challenge(server: &TestServer, scope: &str) -> String {
    format!(
        r#"Bearer realm="{}/token",service="reg.example",scope="{scope}""#,
        server.base
    )
}

fn basic(user: &str, pass: &str) -> Option<Credential> {
    Some(Credential::Basic {
        username: user.to_string(),
        password: Secret::new(pass),
    })
}

fn text(header: &HeaderValue) -> &str {
    header.to_str().expect("ascii header")
}

fn pull() -> Scope {
    Scope::repository("team/app", &["pull"])
}

#[test]
fn scope_strings() {
    assert_eq!(pull().as_str(), Some("repository:team/app:pull"));
    assert_eq!(
        Scope::repository("a/b", &["pull", "push"]).as_str(),
        Some("repository:a/b:pull,push")
    );
    assert_eq!(Scope::catalog().as_str(), Some("registry:catalog:*"));
    assert_eq!(Scope::none().as_str(), None);
}

#[test]
fn lifetime_keeps_a_margin() {
    assert_eq!(lifetime(Duration::from_secs(60)), Duration::from_secs(54));
    assert_eq!(
        lifetime(Duration::from_secs(3600)),
        Duration::from_secs(3570)
    );
    assert_eq!(lifetime(Duration::from_secs(1)), Duration::ZERO);
    assert_eq!(lifetime(Duration::ZERO), Duration::ZERO);
}

#[tokio::test]
async fn anonymous_get() {
    let server = TestServer::start(|_| json(200, r#"{"token":"anon","expires_in":300}"#)).await;
    let auth = Authorizer::new(http(), "reg.example", None);
    let header = auth
        .authorize(
            &challenge(&server, "repository:team/app:pull"),
            &pull(),
            ANSWERED,
        )
        .await
        .expect("token");
    assert_eq!(text(&header), "Bearer anon");
    assert!(header.is_sensitive());
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let r = &requests[0];
    assert_eq!((r.method.as_str(), r.path.as_str()), ("GET", "/token"));
    assert_eq!(
        r.query.get("service").map(String::as_str),
        Some("reg.example")
    );
    assert_eq!(
        r.query.get("scope").map(String::as_str),
        Some("repository:team/app:pull")
    );
    assert_eq!(r.header("authorization"), None);
    assert_eq!(r.query.get("offline_token"), None);
}

#[tokio::test]
async fn basic_get_then_refresh_post_for_other_scopes() {
    let server = TestServer::start(|r: &Recorded| match r.method.as_str() {
        "GET" => json(
            200,
            r#"{"token":"t1","refresh_token":"r1","expires_in":300}"#,
        ),
        _ => json(200, r#"{"access_token":"t2","expires_in":300}"#),
    })
    .await;
    let auth = Authorizer::new(http(), "reg.example", basic("alice", "pw"));
    let first = auth
        .authorize(&challenge(&server, "x"), &pull(), ANSWERED)
        .await
        .expect("first");
    assert_eq!(text(&first), "Bearer t1");
    let push = Scope::repository("team/app", &["pull", "push"]);
    let second = auth
        .authorize(&challenge(&server, "x"), &push, ANSWERED)
        .await
        .expect("second");
    assert_eq!(text(&second), "Bearer t2");

    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    let get = &requests[0];
    assert_eq!(get.header("authorization"), Some("Basic YWxpY2U6cHc="));
    assert_eq!(
        get.query.get("offline_token").map(String::as_str),
        Some("true")
    );
    assert_eq!(
        get.query.get("client_id").map(String::as_str),
        Some("stowage")
    );
    let post = &requests[1];
    assert_eq!(post.method, "POST");
    assert_eq!(post.header("authorization"), None);
    let form = post.form();
    let field = |k: &str| form.get(k).map(String::as_str);
    assert_eq!(field("grant_type"), Some("refresh_token"));
    assert_eq!(field("refresh_token"), Some("r1"));
    assert_eq!(field("service"), Some("reg.example"));
    assert_eq!(field("scope"), Some("repository:team/app:pull,push"));
    assert_eq!(field("client_id"), Some("stowage"));
}

#[tokio::test]
async fn identity_token_posts_and_keeps_a_rotated_refresh_token() {
    let server = TestServer::start(|r: &Recorded| {
        let answer = if r.form().get("refresh_token").map(String::as_str) == Some("id-token") {
            r#"{"access_token":"a1","refresh_token":"rotated","expires_in":300}"#
        } else {
            r#"{"access_token":"a2","expires_in":300}"#
        };
        json(200, answer)
    })
    .await;
    let credential = Credential::IdentityToken {
        username: None,
        token: Secret::new("id-token"),
    };
    let auth = Authorizer::new(http(), "reg.example", Some(credential));
    let first = auth
        .authorize(&challenge(&server, "x"), &pull(), ANSWERED)
        .await
        .expect("first");
    assert_eq!(text(&first), "Bearer a1");
    let second = auth
        .authorize(&challenge(&server, "x"), &Scope::catalog(), ANSWERED)
        .await
        .expect("second");
    assert_eq!(text(&second), "Bearer a2");
    let requests = server.requests();
    assert!(requests.iter().all(|r| r.method == "POST"));
    assert_eq!(
        requests[1].form().get("refresh_token").map(String::as_str),
        Some("rotated")
    );
}

#[tokio::test]
async fn refresh_post_405_falls_back_to_get_and_stays_there() {
    let server = TestServer::start(|r: &Recorded| match r.method.as_str() {
        "POST" => json(405, r#"{"details":"method not allowed"}"#),
        _ => json(200, r#"{"token":"g","refresh_token":"r","expires_in":300}"#),
    })
    .await;
    let auth = Authorizer::new(http(), "reg.example", basic("alice", "pw"));
    for scope in [pull(), Scope::catalog(), Scope::none()] {
        let header = auth
            .authorize(&challenge(&server, "x"), &scope, ANSWERED)
            .await
            .expect("token");
        assert_eq!(text(&header), "Bearer g");
    }
    let methods: Vec<_> = server.requests().into_iter().map(|r| r.method).collect();
    assert_eq!(methods, ["GET", "POST", "GET", "GET"]);
}

#[tokio::test]
async fn cached_tokens_do_not_hit_the_realm() {
    let server = TestServer::start(|_| json(200, r#"{"token":"c","expires_in":300}"#)).await;
    let auth = Authorizer::new(http(), "reg.example", None);
    assert_eq!(auth.cached(&pull()), None);
    auth.authorize(&challenge(&server, "x"), &pull(), ANSWERED)
        .await
        .expect("token");
    for _ in 0..3 {
        let header = auth.cached(&pull()).expect("cached");
        assert_eq!(text(&header), "Bearer c");
        assert!(header.is_sensitive());
    }
    assert_eq!(auth.cached(&Scope::catalog()), None);
    assert_eq!(server.requests().len(), 1);
    auth.forget(&pull());
    assert_eq!(auth.cached(&pull()), None);
}

#[tokio::test]
async fn concurrent_callers_share_one_token_request() {
    let server = TestServer::start(|_| {
        std::thread::sleep(Duration::from_millis(100));
        json(200, r#"{"token":"shared","expires_in":300}"#)
    })
    .await;
    let auth = Arc::new(Authorizer::new(http(), "reg.example", None));
    let www = challenge(&server, "x");
    let calls = (0..5).map(|_| {
        let auth = auth.clone();
        let www = www.clone();
        tokio::spawn(async move { auth.authorize(&www, &pull(), ANSWERED).await })
    });
    for call in futures::future::join_all(calls).await {
        let header = call.expect("joined").expect("token");
        assert_eq!(text(&header), "Bearer shared");
    }
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_refused_cached_token_is_replaced() {
    let server = TestServer::start(|_| json(200, r#"{"token":"t","expires_in":300}"#)).await;
    let auth = Authorizer::new(http(), "reg.example", None);
    auth.authorize(&challenge(&server, "x"), &pull(), ANSWERED)
        .await
        .expect("first");
    // The registry refused the cached token: a new 401 must reach the realm again.
    auth.authorize(&challenge(&server, "x"), &pull(), ANSWERED)
        .await
        .expect("second");
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn tokens_expire() {
    let server = TestServer::start(|_| json(200, r#"{"token":"short","expires_in":2}"#)).await;
    let auth = Authorizer::new(http(), "reg.example", None);
    auth.authorize(&challenge(&server, "x"), &pull(), ANSWERED)
        .await
        .expect("token");
    assert!(auth.cached(&pull()).is_some());
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(auth.cached(&pull()), None);

    // Without expires_in the spec's 60 s apply.
    let server = TestServer::start(|_| json(200, r#"{"token":"default"}"#)).await;
    let auth = Authorizer::new(http(), "reg.example", None);
    auth.authorize(&challenge(&server, "x"), &pull(), ANSWERED)
        .await
        .expect("token");
    assert!(auth.cached(&pull()).is_some());
}

#[tokio::test]
async fn realm_401_is_unauthorized_without_the_password() {
    let server =
        TestServer::start(|_| json(401, r#"{"details":"incorrect username or password"}"#)).await;
    let auth = Authorizer::new(http(), "reg.example", basic("alice", "s3cret-pw"));
    let e = auth
        .authorize(&challenge(&server, "x"), &pull(), ANSWERED)
        .await
        .expect_err("refused");
    match &e {
        Error::Unauthorized {
            registry,
            username,
            detail,
        } => {
            assert_eq!(registry, "reg.example");
            assert_eq!(username.as_deref(), Some("alice"));
            assert_eq!(detail, "incorrect username or password");
        }
        other => panic!("expected Unauthorized, got {other:?}"),
    }
    assert!(!format!("{e} {e:?}").contains("s3cret-pw"));
}

#[tokio::test]
async fn anonymous_refusals_say_how_to_log_in_and_others_keep_their_status() {
    let server = TestServer::start(|r: &Recorded| match r.query.get("scope") {
        Some(_) => (403, vec![], "forbidden\n".to_string()),
        None => json(500, r#"{"details":"database down"}"#),
    })
    .await;
    let auth = Authorizer::new(http(), "reg.example", None);
    let e = auth
        .authorize(&challenge(&server, "x"), &pull(), ANSWERED)
        .await
        .expect_err("refused");
    assert!(
        matches!(&e, Error::Unauthorized { username: None, .. }),
        "{e:?}"
    );
    assert!(
        e.to_string().contains("forbidden") && e.to_string().contains("login"),
        "{e}"
    );
    let www = format!(r#"Bearer realm="{}/token""#, server.base);
    let e = auth
        .authorize(&www, &Scope::none(), ANSWERED)
        .await
        .expect_err("500");
    assert!(
        matches!(&e, Error::Status { status: 500, message, .. } if message == "database down"),
        "{e:?}"
    );
}

#[tokio::test]
async fn challenge_scope_is_used_when_the_caller_has_none() {
    let server = TestServer::start(|_| json(200, r#"{"token":"t"}"#)).await;
    let auth = Authorizer::new(http(), "reg.example", None);
    auth.authorize(
        &challenge(&server, "registry:catalog:*"),
        &Scope::none(),
        ANSWERED,
    )
    .await
    .expect("token");
    let requests = server.requests();
    assert_eq!(
        requests[0].query.get("scope").map(String::as_str),
        Some("registry:catalog:*")
    );
    assert!(auth.cached(&Scope::none()).is_some());
}

#[tokio::test]
async fn basic_challenges() {
    let auth = Authorizer::new(http(), "reg.example", basic("alice", "pw"));
    assert_eq!(
        auth.cached(&pull()),
        None,
        "nothing before the first challenge"
    );
    let header = auth
        .authorize(r#"Basic realm="Registry""#, &pull(), ANSWERED)
        .await
        .expect("basic");
    assert_eq!(text(&header), "Basic YWxpY2U6cHc=");
    assert!(header.is_sensitive());
    let later = auth
        .cached(&Scope::catalog())
        .expect("basic for every scope now");
    assert_eq!(text(&later), "Basic YWxpY2U6cHc=");

    let anonymous = Authorizer::new(http(), "reg.example", None);
    let e = anonymous
        .authorize(r#"Basic realm="Registry""#, &pull(), ANSWERED)
        .await
        .expect_err("needs credentials");
    assert!(
        matches!(&e, Error::Unauthorized { detail, .. } if detail.contains("credentials are needed") && detail.contains("login")),
        "{e:?}"
    );
}

#[tokio::test]
async fn registry_tokens_are_always_sent() {
    let auth = Authorizer::new(
        http(),
        "reg.example",
        Some(Credential::RegistryToken(Secret::new("rt"))),
    );
    let header = auth.cached(&pull()).expect("always");
    assert_eq!(text(&header), "Bearer rt");
    assert!(header.is_sensitive());
    assert_eq!(auth.username(), None);
}

#[tokio::test]
async fn challenges_without_a_usable_scheme() {
    let auth = Authorizer::new(http(), "reg.example", basic("alice", "pw"));
    assert_eq!(auth.username(), Some("alice"));
    let e = auth
        .authorize("", &pull(), ANSWERED)
        .await
        .expect_err("no challenge");
    assert!(matches!(e, Error::Unauthorized { .. }), "{e:?}");
    let e = auth
        .authorize(r#"Bearer service="x""#, &pull(), ANSWERED)
        .await
        .expect_err("no realm");
    assert!(matches!(e, Error::Malformed { .. }), "{e:?}");
    let e = auth
        .authorize(r#"Bearer realm="ftp://x/token""#, &pull(), ANSWERED)
        .await
        .expect_err("not http");
    assert!(matches!(e, Error::Malformed { .. }), "{e:?}");
}

#[test]
fn authorizer_is_send_sync_and_debug_hides_secrets() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Authorizer>();
    let auth = Authorizer::new(http(), "reg.example", basic("alice", "pw-secret"));
    let shown = format!("{auth:?}");
    assert!(
        shown.contains("alice") && !shown.contains("pw-secret"),
        "{shown}"
    );
}

#[tokio::test]
async fn a_lifetime_past_the_clock_is_used_not_panicked_on() {
    let server = TestServer::start(|_| {
        json(
            200,
            r#"{"token":"forever","expires_in":18446744073709551615}"#,
        )
    })
    .await;
    let auth = Authorizer::new(http(), "reg.example", None);
    let header = auth
        .authorize(
            &challenge(&server, "repository:team/app:pull"),
            &pull(),
            ANSWERED,
        )
        .await
        .expect("token");
    assert_eq!(text(&header), "Bearer forever");
    assert_eq!(
        auth.cached(&pull()).as_ref().map(text),
        Some("Bearer forever")
    );
}

#[tokio::test]
async fn an_https_registry_never_sends_credentials_to_a_plain_http_realm() {
    let server = TestServer::start(|_| json(200, r#"{"token":"t","expires_in":300}"#)).await;
    let auth = Authorizer::new(http(), "reg.example", basic("alice", "secret"));
    let e = auth
        .authorize(
            &challenge(&server, "x"),
            &pull(),
            "https://reg.example/v2/team/app/manifests/v1",
        )
        .await
        .expect_err("an http realm for an https registry");
    let message = e.to_string();
    assert!(message.contains(&server.base), "{message}");
    assert!(message.contains("HTTPS"), "{message}");
    assert!(server.requests().is_empty(), "the realm was asked");
}

#[test]
fn realms_on_other_hosts_are_fine_over_https() {
    let answered = "https://registry-1.docker.io/v2/";
    assert!(check_realm("https://auth.docker.io/token", answered).is_ok());
    assert!(check_realm("http://auth.docker.io/token", answered).is_err());
    assert!(check_realm("HTTP://auth.docker.io/token", answered).is_err());
    assert!(check_realm("http://127.0.0.1:1/token", "http://127.0.0.1:5000/v2/").is_ok());
    assert!(check_realm("file:///etc/passwd", "http://127.0.0.1:5000/v2/").is_err());
}
