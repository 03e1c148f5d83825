//! Rule: logs never hold a secret. A full authenticated push and pull through the CLI, logged
//! at the most verbose level, shows no password, token, refresh token or signed query.

use base64::Engine as _;

use crate::cli::{run, stderr};
use crate::harness::{Fault, FaultProxy, TestRegistry, TokenIssuer, SIGNED_QUERY_SECRET};
use crate::support::docker_config;

#[tokio::test]
async fn a_push_and_pull_logged_at_trace_show_no_secret() {
    let issuer = TokenIssuer::start().await;
    issuer.add_user("erin", "erin-secret-pw");
    let reg = TestRegistry::with_token_issuer(&issuer).await;
    // Uploads go to another host under a signed URL that fails now and then (so requests to
    // it are retried, and logged); downloads redirect to a signed URL too.
    let proxy = FaultProxy::start(&reg).await;
    proxy.set_fault(Fault::UploadsElsewhere);
    proxy.fail_elsewhere(2);
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(home.path().join("docker")).unwrap();
    docker_config(
        &home.path().join("docker"),
        &proxy.host(),
        "erin",
        "erin-secret-pw",
    );
    let work = tempfile::tempdir().unwrap();
    let file = work.path().join("notes.txt");
    std::fs::write(&file, "logged push").unwrap();
    let target = format!("{}/app:v1", proxy.host());
    let out = work.path().join("out");
    let verbose = [("STOWAGE_LOG", "trace")];

    let pushed = run(
        home.path(),
        &[
            "-vv",
            "push",
            &target,
            &file.to_string_lossy(),
            "--chunk-threshold",
            "0",
        ],
        "",
        &verbose,
    )
    .await;
    assert!(pushed.status.success(), "{}", stderr(&pushed));
    assert!(
        proxy.redirect_requests() >= 3,
        "the upload went through the signed URL"
    );
    proxy.set_fault(Fault::RedirectBlobs);
    let pulled = run(
        home.path(),
        &["-vv", "pull", &target, "-o", &out.to_string_lossy()],
        "",
        &verbose,
    )
    .await;
    assert!(pulled.status.success(), "{}", stderr(&pulled));
    assert_eq!(
        std::fs::read(out.join("notes.txt")).unwrap(),
        b"logged push"
    );
    assert!(
        proxy.redirect_requests() >= 1,
        "the blob came through the signed URL"
    );

    let log = format!("{}\n{}", stderr(&pushed), stderr(&pulled));
    // The log is the verbose one: it shows the token flow and the redirect being followed.
    assert!(log.contains("TRACE"), "not logged at trace");
    assert!(log.contains("requesting a registry token"), "{log}");
    assert!(
        log.contains(&proxy.redirect_origin()),
        "the redirect is logged: {log}"
    );
    let basic = base64::engine::general_purpose::STANDARD.encode("erin:erin-secret-pw");
    let mut secrets = vec![
        "erin-secret-pw".to_string(),
        basic,
        SIGNED_QUERY_SECRET.to_string(),
    ];
    let issued = issuer.issued();
    assert!(issued.len() >= 2, "tokens and a refresh token were issued");
    secrets.extend(issued);
    for secret in &secrets {
        // A JWT's header is the same for every token: look for the signed part.
        let needle = secret.rsplit('.').next().unwrap_or(secret);
        assert!(
            !log.contains(needle),
            "the log holds a secret ({needle}):\n{log}"
        );
    }
}
