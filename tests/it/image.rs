//! Looking inside images made by umoci: `stowage config` against `umoci stat`, from a layout, an
//! index in it, and the same image copied to the real registry.

use std::path::Path;

use serde_json::Value;

use crate::cli::{run, stderr};
use crate::harness::{self, peer, TestRegistry};

fn text(path: &Path) -> String {
    path.to_str().expect("UTF-8 temp path").to_string()
}

/// An umoci image with a config, a config-only step, and two layers each made by its own step.
async fn umoci_image(dir: &Path) -> (String, String) {
    let layout = text(&dir.join("layout"));
    let image = format!("{layout}:app");
    peer("umoci", &["init", "--layout", &layout]).await;
    peer("umoci", &["new", "--image", &image]).await;
    peer(
        "umoci",
        &[
            "config",
            "--image",
            &image,
            "--config.entrypoint=/bin/app",
            "--config.cmd=--serve",
            "--config.cmd=--port=8080",
            "--config.env=MODE=prod",
            "--config.env=EQ=a=b",
            "--config.workingdir=/srv",
            "--config.user=1000:1000",
            "--config.exposedports=8080/tcp",
            "--config.volume=/data",
            "--config.label=org.opencontainers.image.source=https://example.com/app",
            "--history.created_by=CONFIG set entrypoint",
        ],
    )
    .await;
    for (name, step) in [
        ("a.txt", "COPY a.txt /a.txt"),
        ("b.txt", "COPY b.txt /b.txt"),
    ] {
        let file = dir.join(name);
        std::fs::write(&file, name).unwrap();
        let by = format!("--history.created_by={step}");
        let target = format!("/{name}");
        peer(
            "umoci",
            &[
                "insert",
                "--rootless",
                "--image",
                &image,
                &by,
                &text(&file),
                &target,
            ],
        )
        .await;
    }
    let stat = peer("umoci", &["stat", "--image", &image, "--json"]).await;
    (format!("oci:{image}"), stat)
}

#[tokio::test]
async fn config_reads_what_umoci_wrote_and_lines_history_up_with_layers() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let (location, stat) = umoci_image(dir.path()).await;
    let out = run(&home, &["config", &location, "-o", "json"], "", &[]).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let d: Value = serde_json::from_slice(&out.stdout).unwrap();
    let c = &d["config"];
    assert_eq!(c["entrypoint"], serde_json::json!(["/bin/app"]));
    assert_eq!(c["cmd"], serde_json::json!(["--serve", "--port=8080"]));
    assert_eq!(c["user"], "1000:1000");
    assert_eq!(c["workingDir"], "/srv");
    assert_eq!(c["exposedPorts"], serde_json::json!(["8080/tcp"]));
    assert_eq!(c["volumes"], serde_json::json!(["/data"]));
    assert_eq!(
        c["labels"]["org.opencontainers.image.source"],
        "https://example.com/app"
    );
    let env: Vec<(String, String)> = c["env"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["name"].as_str().unwrap().into(),
                e["value"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert!(env.contains(&("EQ".into(), "a=b".into())), "{env:?}");
    assert!(env.contains(&("MODE".into(), "prod".into())), "{env:?}");

    // Each step with the layer it made, exactly as umoci's own `stat` pairs them.
    let stat: Value = serde_json::from_str(&stat).unwrap();
    let theirs: Vec<(String, Option<String>)> = stat["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["created_by"].as_str().unwrap_or("").to_string(),
                h["layer"]["digest"].as_str().map(str::to_string),
            )
        })
        .collect();
    let ours: Vec<(String, Option<String>)> = d["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let layer = s["layer"].as_u64().map(|n| {
                d["layers"][n as usize]["digest"]
                    .as_str()
                    .unwrap()
                    .to_string()
            });
            (s["createdBy"].as_str().unwrap_or("").to_string(), layer)
        })
        .collect();
    assert_eq!(ours, theirs);
    assert_eq!(theirs.iter().filter(|(_, l)| l.is_some()).count(), 2);
    assert_eq!(d["historyMatchesLayers"], true);

    let shown = run(&home, &["config", &location], "", &[]).await;
    let shown = String::from_utf8_lossy(&shown.stdout);
    assert!(shown.contains("Entrypoint  /bin/app\n"), "{shown}");
    assert!(
        shown.contains("Cmd         --serve --port=8080\n"),
        "{shown}"
    );
    assert!(shown.contains("COPY b.txt /b.txt  [layer 2 ·"), "{shown}");
    assert!(
        shown.contains("CONFIG set entrypoint  [no layer]"),
        "{shown}"
    );

    // The same image in the real registry reads the same.
    let reg = TestRegistry::anonymous().await;
    let remote = format!("{}/app:v1", reg.host());
    let cp = run(&home, &["cp", &location, &remote], "", &[]).await;
    assert!(cp.status.success(), "{}", stderr(&cp));
    let again = run(&home, &["config", &remote, "-o", "json"], "", &[]).await;
    let again: Value = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!(again["config"], d["config"]);
    assert_eq!(again["steps"], d["steps"]);
}

#[tokio::test]
async fn an_index_gives_the_platform_asked_for_and_refuses_one_it_lacks() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let layout =
        harness::umoci_multiarch_layout(dir.path(), &[("linux", "amd64"), ("linux", "arm64")])
            .await;
    let location = format!("oci:{}:{}", text(&layout), harness::MULTIARCH_TAG);
    let out = run(
        &home,
        &[
            "config",
            &location,
            "--platform",
            "linux/arm64",
            "-o",
            "json",
        ],
        "",
        &[],
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    let d: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(d["config"]["architecture"], "arm64");
    assert_eq!(
        d["platforms"],
        serde_json::json!(["linux/amd64", "linux/arm64"])
    );
    assert!(d["index"].is_string());

    let missing = run(
        &home,
        &["config", &location, "--platform", "linux/s390x"],
        "",
        &[],
    )
    .await;
    assert!(!missing.status.success());
    let err = stderr(&missing);
    assert!(
        err.contains("linux/s390x") && err.contains("linux/amd64, linux/arm64"),
        "{err}"
    );
}
