//! The `stowage` binary end to end: login into the OS keyring, reading, the graph, and errors.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use crate::harness::{Pusher, TestRegistry};
use crate::keyring::require_keyring_session;

/// Runs `stowage` with its folders and Docker's config in `home`, feeding `stdin`.
fn stowage(home: &Path, args: &[&str], stdin: &str, extra_env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_stowage"));
    cmd.args(args)
        .env("STOWAGE_CONFIG_DIR", home.join("config"))
        .env("STOWAGE_CACHE_DIR", home.join("cache"))
        .env("STOWAGE_DATA_DIR", home.join("data"))
        .env("DOCKER_CONFIG", home.join("docker"))
        .env("REGISTRY_AUTH_FILE", home.join("podman-auth.json"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in extra_env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("run stowage");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().expect("stowage output")
}

pub(crate) fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Runs a blocking command off the test's runtime threads, so in-process servers keep serving.
pub(crate) async fn run(home: &Path, args: &[&str], stdin: &str, env: &[(&str, &str)]) -> Output {
    let (home, stdin) = (home.to_path_buf(), stdin.to_string());
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    let env: Vec<(String, String)> = env
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        stowage(&home, &args, &stdin, &env)
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn login_stores_in_the_keyring_and_logout_removes() {
    require_keyring_session();
    let reg = TestRegistry::htpasswd("frank", "frank-pw").await;
    let image = Pusher::new(&reg.base_url())
        .basic("frank", "frank-pw")
        .image("private", "v1", b"p")
        .await;
    let home = tempfile::tempdir().unwrap();
    let host = reg.host();
    let target = format!("{host}/private:v1");

    let wrong = run(
        home.path(),
        &["login", &host, "-u", "frank", "--password-stdin"],
        "nope\n",
        &[],
    )
    .await;
    assert!(!wrong.status.success());
    let msg = stderr(&wrong);
    assert!(
        msg.contains("refused") && msg.contains("frank") && !msg.contains("nope"),
        "{msg}"
    );
    assert_eq!(msg.lines().count(), 1, "one line: {msg}");

    let ok = run(
        home.path(),
        &["login", &host, "-u", "frank", "--password-stdin"],
        "frank-pw\n",
        &[],
    )
    .await;
    assert!(ok.status.success(), "{}", stderr(&ok));
    let settings = std::fs::read_to_string(home.path().join("config/settings.json")).unwrap();
    assert!(
        settings.contains("frank") && !settings.contains("frank-pw"),
        "no secret in our files"
    );

    let manifest = run(home.path(), &["manifest", &target], "", &[]).await;
    assert!(manifest.status.success(), "{}", stderr(&manifest));
    assert_eq!(
        stowage::Digest::sha256_of(&manifest.stdout).to_string(),
        image.digest,
        "bytes exactly as served"
    );

    let out = run(home.path(), &["logout", &host], "", &[]).await;
    assert!(out.status.success());
    let denied = run(home.path(), &["manifest", &target], "", &[]).await;
    assert!(!denied.status.success());
    assert!(
        stderr(&denied).contains("stowage login"),
        "{}",
        stderr(&denied)
    );
}

#[tokio::test]
async fn login_without_a_keyring_says_so_and_names_the_alternatives() {
    let reg = TestRegistry::htpasswd("gina", "gina-pw").await;
    let home = tempfile::tempdir().unwrap();
    let no_bus = [(
        "DBUS_SESSION_BUS_ADDRESS",
        "unix:path=/nonexistent/stowage-bus",
    )];
    let out = run(
        home.path(),
        &["login", &reg.host(), "-u", "gina", "--password-stdin"],
        "gina-pw\n",
        &no_bus,
    )
    .await;
    assert!(!out.status.success());
    let msg = stderr(&out);
    assert!(
        msg.contains("no OS keyring") && msg.contains("docker login"),
        "{msg}"
    );
    assert!(!msg.contains("gina-pw"));
}

#[tokio::test]
async fn logout_without_a_keyring_has_nothing_to_remove_as_in_the_app() {
    let home = tempfile::tempdir().unwrap();
    let no_bus = [(
        "DBUS_SESSION_BUS_ADDRESS",
        "unix:path=/nonexistent/stowage-bus",
    )];
    let out = run(home.path(), &["logout", "ghcr.io"], "", &no_bus).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("no credentials stored for ghcr.io"), "{said}");
}

#[tokio::test]
async fn graph_json_blob_and_tags_from_the_command_line() {
    let reg = TestRegistry::anonymous().await;
    let pusher = Pusher::new(&reg.base_url());
    let image = pusher.image("app", "v1", b"layer bytes").await;
    let sbom = pusher
        .artifact(
            "app",
            Some("sbom"),
            "application/spdx+json",
            b"{\"spdxVersion\":\"SPDX-2.3\"}",
            Some(&image),
            &[],
        )
        .await;
    let tag = image.digest.replace(':', "-");
    let index = serde_json::json!({"schemaVersion": 2, "mediaType": crate::harness::OCI_INDEX,
        "manifests": [{"mediaType": crate::harness::OCI_MANIFEST, "digest": sbom.digest, "size": sbom.size,
                       "artifactType": "application/spdx+json"}]});
    pusher.put_json("app", &tag, &index).await;
    let home = tempfile::tempdir().unwrap();
    let host = reg.host();

    let out = run(
        home.path(),
        &["graph", &format!("{host}/app:v1"), "--output", "json"],
        "",
        &[],
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    let g: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(g["root"], image.digest.as_str());
    assert_eq!(g["truncated"], false);
    let nodes = g["nodes"].as_array().unwrap();
    let root = nodes
        .iter()
        .find(|n| n["id"] == image.digest.as_str())
        .unwrap();
    assert_eq!(root["kind"], "image");
    assert_eq!(root["tags"], serde_json::json!(["v1"]));
    let edge = g["edges"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["to"] == sbom.digest.as_str())
        .unwrap();
    assert_eq!(
        (
            edge["from"].as_str(),
            edge["kind"].as_str(),
            edge["via"].as_str()
        ),
        (
            Some(image.digest.as_str()),
            Some("referrer"),
            Some("tag-schema")
        )
    );

    let tree = run(home.path(), &["graph", &format!("{host}/app:v1")], "", &[]).await;
    let text = String::from_utf8_lossy(&tree.stdout);
    assert!(
        text.contains("[referrer via referrers tag] sbom (spdx)"),
        "{text}"
    );

    let layer = nodes.iter().find(|n| n["kind"] == "layer").unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let file = home.path().join("layer.bin");
    let out = run(
        home.path(),
        &[
            "blob",
            &format!("{host}/app@{layer}"),
            "-o",
            file.to_str().unwrap(),
        ],
        "",
        &[],
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(std::fs::read(&file).unwrap(), b"layer bytes");

    let tags = run(home.path(), &["tags", &format!("{host}/app")], "", &[]).await;
    let mut listed: Vec<String> = String::from_utf8_lossy(&tags.stdout)
        .lines()
        .map(str::to_string)
        .collect();
    listed.sort();
    let mut expected = vec![tag, "sbom".to_string(), "v1".to_string()];
    expected.sort();
    assert_eq!(listed, expected);
}

#[tokio::test]
async fn errors_are_one_line_with_a_non_zero_exit() {
    let reg = TestRegistry::anonymous().await;
    let home = tempfile::tempdir().unwrap();
    let cases = [
        (
            vec!["graph".to_string(), "Not/A/Valid:Ref:".to_string()],
            "invalid reference",
        ),
        (
            vec!["manifest".to_string(), format!("{}/missing:v1", reg.host())],
            "not found",
        ),
        (
            vec!["blob".to_string(), format!("{}/app:v1", reg.host())],
            "named by digest",
        ),
        (
            vec!["tags".to_string(), "127.0.0.1:1/nothing".to_string()],
            "cannot reach",
        ),
    ];
    for (args, expected) in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = run(home.path(), &args, "", &[]).await;
        assert!(!out.status.success(), "{args:?}");
        let msg = stderr(&out);
        assert_eq!(msg.trim().lines().count(), 1, "{args:?}: {msg}");
        assert!(
            msg.starts_with("stowage: ") && msg.contains(expected),
            "{args:?}: {msg}"
        );
    }
}

#[tokio::test]
async fn a_pull_into_a_relative_folder_makes_it_in_the_current_one() {
    let home = tempfile::tempdir().unwrap();
    let work = home.path().join("work");
    std::fs::create_dir(&work).unwrap();
    std::fs::write(work.join("notes.txt"), "hello").unwrap();
    let in_work = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_stowage"))
            .args(args)
            .current_dir(&work)
            .env("STOWAGE_CONFIG_DIR", home.path().join("config"))
            .env("STOWAGE_CACHE_DIR", home.path().join("cache"))
            .env("DOCKER_CONFIG", home.path().join("docker"))
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    };
    in_work(&["push", "oci:layout:v1", "notes.txt"]);
    in_work(&["pull", "oci:layout:v1", "-o", "out"]);
    in_work(&["pull", "oci:layout:v1", "-o", "nested/out"]);
    for dest in ["out", "nested/out"] {
        let pulled = std::fs::read_to_string(work.join(dest).join("notes.txt")).unwrap();
        assert_eq!(pulled, "hello", "{dest}");
    }
}

#[tokio::test]
async fn a_dry_run_sends_nothing_and_shows_the_manifest_the_push_sends() {
    let reg = TestRegistry::anonymous().await;
    let host = reg.host();
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("notes.md");
    std::fs::write(&file, b"# notes\n").unwrap();
    let target = format!("{host}/dry:v1");
    let file_arg = file.to_str().unwrap();

    let dry = run(
        home.path(),
        &[
            "push",
            &target,
            file_arg,
            "--no-created",
            "--dry-run",
            "-o",
            "json",
        ],
        "",
        &[],
    )
    .await;
    assert!(dry.status.success(), "{}", stderr(&dry));
    let planned: serde_json::Value = serde_json::from_slice(&dry.stdout).unwrap();
    assert_eq!(planned["blobs"][0]["action"], "upload");
    assert_eq!(planned["blobs"][0]["title"], "notes.md");
    let listed = run(home.path(), &["tags", &format!("{host}/dry")], "", &[]).await;
    assert!(
        !listed.status.success(),
        "nothing was pushed, not even the repository"
    );

    let pushed = run(
        home.path(),
        &["push", &target, file_arg, "--no-created", "-o", "json"],
        "",
        &[],
    )
    .await;
    assert!(pushed.status.success(), "{}", stderr(&pushed));
    let pushed: serde_json::Value = serde_json::from_slice(&pushed.stdout).unwrap();
    assert_eq!(
        pushed["digest"], planned["digest"],
        "the digest the dry run promised"
    );
    let manifest = run(home.path(), &["manifest", &target], "", &[]).await;
    let shown: serde_json::Value = serde_json::from_slice(&manifest.stdout).unwrap();
    let promised: serde_json::Value =
        serde_json::from_str(planned["manifest"].as_str().unwrap()).unwrap();
    assert_eq!(shown, promised);

    // Again: the layer is there now, and the text form says so.
    let again = run(
        home.path(),
        &["push", &target, file_arg, "--no-created", "--dry-run"],
        "",
        &[],
    )
    .await;
    let text = String::from_utf8_lossy(&again.stdout);
    assert!(text.starts_with("skip (already there)\t"), "{text}");

    // More tags for it, all checked before any is written.
    let bad = run(home.path(), &["tag", &target, "ok", "not a tag"], "", &[]).await;
    assert!(!bad.status.success());
    assert!(stderr(&bad).contains("not a tag"), "{}", stderr(&bad));
    let tagged = run(home.path(), &["tag", &target, "stable", "1.0"], "", &[]).await;
    assert!(tagged.status.success(), "{}", stderr(&tagged));
    let tags = run(home.path(), &["tags", &format!("{host}/dry")], "", &[]).await;
    let mut listed: Vec<String> = String::from_utf8_lossy(&tags.stdout)
        .lines()
        .map(str::to_string)
        .collect();
    listed.sort();
    assert_eq!(listed, ["1.0", "stable", "v1"]);
}
