//! Looking inside images made by umoci: `stowage config` against `umoci stat`, from a layout, an
//! index in it, and the same image copied to the real registry.

use std::path::Path;

use serde_json::Value;
use stowage::image::files;
use stowage::layout::Layout;
use stowage::store::Store;

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

/// Walks an unpacked root: path -> (kind, size, link target).
fn walk(root: &Path) -> std::collections::BTreeMap<String, (String, u64, Option<String>)> {
    fn go(
        root: &Path,
        dir: &Path,
        out: &mut std::collections::BTreeMap<String, (String, u64, Option<String>)>,
    ) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
            let meta = std::fs::symlink_metadata(&p).unwrap();
            if meta.file_type().is_symlink() {
                let target = std::fs::read_link(&p)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                out.insert(rel, ("symlink".into(), 0, Some(target)));
            } else if meta.is_dir() {
                out.insert(rel, ("dir".into(), 0, None));
                go(root, &p, out);
            } else {
                out.insert(rel, ("file".into(), meta.len(), None));
            }
        }
    }
    let mut out = std::collections::BTreeMap::new();
    go(root, root, &mut out);
    out
}

#[tokio::test]
async fn the_merged_files_are_what_umoci_unpacks_file_by_file() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let layout = text(&dir.path().join("layout"));
    let image = format!("{layout}:files");
    let bundle = dir.path().join("bundle");
    let rootfs = bundle.join("rootfs");
    peer("umoci", &["init", "--layout", &layout]).await;
    peer("umoci", &["new", "--image", &image]).await;
    peer(
        "umoci",
        &["unpack", "--rootless", "--image", &image, &text(&bundle)],
    )
    .await;
    // Layer 1: files, folders, a symlink and a hard link.
    std::fs::create_dir_all(rootfs.join("etc/conf.d")).unwrap();
    std::fs::create_dir_all(rootfs.join("opt/tool")).unwrap();
    std::fs::write(rootfs.join("etc/app.conf"), "one\n").unwrap();
    std::fs::write(rootfs.join("etc/conf.d/old.conf"), "old\n").unwrap();
    std::fs::write(rootfs.join("opt/tool/a"), "aaaa").unwrap();
    std::fs::write(rootfs.join("opt/tool/b"), "bb").unwrap();
    std::os::unix::fs::symlink("app.conf", rootfs.join("etc/current")).unwrap();
    std::fs::hard_link(rootfs.join("opt/tool/a"), rootfs.join("opt/a-again")).unwrap();
    // Refreshed, so the next repack is a layer of what changed since this one.
    let repack = [
        "repack",
        "--refresh-bundle",
        "--image",
        &image,
        &text(&bundle),
    ];
    peer("umoci", &repack).await;
    // Layer 2: a file changed, one deleted, a folder emptied and refilled, one added.
    std::fs::write(rootfs.join("etc/app.conf"), "two, longer\n").unwrap();
    std::fs::remove_file(rootfs.join("etc/conf.d/old.conf")).unwrap();
    std::fs::remove_dir_all(rootfs.join("opt/tool")).unwrap();
    std::fs::create_dir_all(rootfs.join("opt/tool")).unwrap();
    std::fs::write(rootfs.join("opt/tool/c"), "c").unwrap();
    std::fs::write(rootfs.join("new.txt"), "new").unwrap();
    peer("umoci", &["repack", "--image", &image, &text(&bundle)]).await;

    let unpacked = dir.path().join("check");
    peer(
        "umoci",
        &["unpack", "--rootless", "--image", &image, &text(&unpacked)],
    )
    .await;
    let theirs = walk(&unpacked.join("rootfs"));

    let location = format!("oci:{image}");
    let out = run(&home, &["ls", &location, "-o", "json"], "", &[]).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let listed: Value = serde_json::from_slice(&out.stdout).unwrap();
    let layers = listed["layers"].as_array().unwrap().len();
    assert_eq!(layers, 2, "umoci made a layer per repack");
    let ours: std::collections::BTreeMap<String, (String, u64, Option<String>)> = listed["tree"]
        ["entries"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(path, _)| !path.is_empty())
        .map(|(path, e)| {
            // A hard link is a file on disk, with its target's size.
            let kind = match e["kind"].as_str().unwrap() {
                "hardlink" => "file".to_string(),
                k => k.to_string(),
            };
            let size = if e["kind"] == "hardlink" {
                let target = e["link"].as_str().unwrap();
                listed["tree"]["entries"][target]["size"].as_u64().unwrap()
            } else {
                e["size"].as_u64().unwrap()
            };
            let link = (kind == "symlink").then(|| e["link"].as_str().unwrap().to_string());
            (path.clone(), (kind, size, link))
        })
        .collect();
    assert_eq!(ours, theirs, "the merged view is what umoci unpacks");

    // Which layer did what (the last layer is umoci's second repack).
    let last = layers - 1;
    let entries = &listed["tree"]["entries"];
    let changes = |p: &str| -> Vec<(u64, String)> {
        entries[p]["changes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["layer"].as_u64().unwrap(),
                    c["kind"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    assert_eq!(
        changes("etc/app.conf").last().unwrap(),
        &(last as u64, "changed".to_string())
    );
    assert_eq!(changes("new.txt"), [(last as u64, "added".to_string())]);
    let deleted = listed["tree"]["deleted"].as_object().unwrap();
    assert!(deleted.contains_key("etc/conf.d/old.conf"), "{deleted:?}");
    assert!(deleted.contains_key("opt/tool/a"), "{deleted:?}");

    // The text listing, and the second look comes from the entry index.
    let text_out = run(&home, &["ls", &location, "--deleted"], "", &[]).await;
    let shown = String::from_utf8_lossy(&text_out.stdout);
    assert!(
        shown.contains(" etc/current -> app.conf  [layer"),
        "{shown}"
    );
    assert!(
        shown.contains("deleted etc/conf.d/old.conf  [layer"),
        "{shown}"
    );
    let kept = std::fs::read_dir(home.join("cache/layer-entries/v1/sha256"))
        .unwrap()
        .count();
    assert_eq!(kept, layers, "each layer's entries kept once");
    let one = run(
        &home,
        &["ls", &location, "--layer", &layers.to_string()],
        "",
        &[],
    )
    .await;
    let one = String::from_utf8_lossy(&one.stdout);
    assert!(one.contains("old.conf  (deleted here)"), "{one}");

    // From the real registry, streamed: the same tree.
    let reg = TestRegistry::anonymous().await;
    let remote = format!("{}/files:v1", reg.host());
    let cp = run(&home, &["cp", &location, &remote], "", &[]).await;
    assert!(cp.status.success(), "{}", stderr(&cp));
    let there = run(&home, &["ls", &remote, "--no-cache", "-o", "json"], "", &[]).await;
    assert!(there.status.success(), "{}", stderr(&there));
    let there: Value = serde_json::from_slice(&there.stdout).unwrap();
    assert_eq!(there["tree"], listed["tree"]);

    // One file read back, and saved, from the layer the merged view says holds it.
    let store = Store::Layout(Layout::open(dir.path().join("layout")).unwrap());
    let resolved = stowage::image::resolve(&store, "files", None)
        .await
        .unwrap();
    let holder = entries["etc/app.conf"]["layer"].as_u64().unwrap() as usize;
    let layer = &resolved.manifest.layers[holder];
    let preview = files::read_file(&store, layer, "etc/app.conf", 4)
        .await
        .unwrap();
    assert_eq!(
        (preview.bytes.as_slice(), preview.size, preview.truncated),
        (&b"two,"[..], 12, true)
    );
    let saved = dir.path().join("saved.conf");
    files::save_file(&store, layer, "/etc/./app.conf", &saved)
        .await
        .unwrap();
    assert_eq!(std::fs::read_to_string(&saved).unwrap(), "two, longer\n");
    let missing = files::read_file(&store, layer, "etc/nothing", 10)
        .await
        .unwrap_err();
    assert!(missing.to_string().contains("etc/nothing"), "{missing}");

    // A layer whose bytes no longer match its digest is refused, not listed.
    let digest = listed["layers"][0]["digest"].as_str().unwrap().to_string();
    let blob = dir.path().join("layout/blobs/sha256").join(&digest[7..]);
    let mut bytes = std::fs::read(&blob).unwrap();
    let last_byte = bytes.len() - 1;
    bytes[last_byte] ^= 1;
    std::fs::write(&blob, bytes).unwrap();
    let bad = run(
        &home,
        &["ls", &location, "--layer", "1", "--no-cache"],
        "",
        &[],
    )
    .await;
    assert!(!bad.status.success());
    assert!(stderr(&bad).contains(&digest), "{}", stderr(&bad));
    let first = &resolved.manifest.layers[0];
    let lost = dir.path().join("lost.txt");
    assert!(files::save_file(&store, first, "opt/tool/a", &lost)
        .await
        .is_err());
    assert!(
        !lost.exists(),
        "nothing saved from a layer that does not match its digest"
    );
    let leftovers = std::fs::read_dir(dir.path()).unwrap().filter(|e| {
        e.as_ref()
            .unwrap()
            .file_name()
            .to_string_lossy()
            .starts_with(".tmp")
    });
    assert_eq!(leftovers.count(), 0, "no partial file left behind");
}

#[tokio::test]
async fn a_docker_save_archive_made_by_skopeo_reads_like_the_layout_it_came_from() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let (location, _) = umoci_image(dir.path()).await;
    let archive = dir.path().join("saved.tar");
    peer(
        "skopeo",
        &[
            "copy",
            "--insecure-policy",
            &location,
            &format!("docker-archive:{}:example/app:1.0", text(&archive)),
        ],
    )
    .await;
    let from_archive = format!("oci:{}:1.0", text(&archive));

    let json = |args: Vec<String>| {
        let home = home.clone();
        async move {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let out = run(&home, &args, "", &[]).await;
            assert!(out.status.success(), "{args:?}: {}", stderr(&out));
            serde_json::from_slice::<Value>(&out.stdout).unwrap()
        }
    };
    let ours = json(vec![
        "config".into(),
        from_archive.clone(),
        "-o".into(),
        "json".into(),
    ])
    .await;
    let theirs = json(vec![
        "config".into(),
        location.clone(),
        "-o".into(),
        "json".into(),
    ])
    .await;
    assert_eq!(ours["config"], theirs["config"], "the same config");
    assert_eq!(ours["steps"], theirs["steps"]);
    let files = json(vec![
        "ls".into(),
        from_archive.clone(),
        "-o".into(),
        "json".into(),
    ])
    .await;
    let layout_files = json(vec![
        "ls".into(),
        location.clone(),
        "-o".into(),
        "json".into(),
    ])
    .await;
    assert_eq!(files["tree"], layout_files["tree"], "the same files");
    let graph = json(vec![
        "graph".into(),
        from_archive.clone(),
        "-o".into(),
        "json".into(),
    ])
    .await;
    let root = graph["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["id"] == graph["root"])
        .unwrap();
    assert_eq!(root["kind"], "image");
    assert_eq!(root["tags"], serde_json::json!(["1.0"]));

    // A hostile manifest.json naming a file outside the archive is refused by name.
    let evil = dir.path().join("evil");
    std::fs::create_dir_all(&evil).unwrap();
    std::fs::write(
        evil.join("manifest.json"),
        r#"[{"Config":"../../etc/passwd","RepoTags":["x:1"],"Layers":[]}]"#,
    )
    .unwrap();
    let evil_tar = dir.path().join("evil.tar");
    let mut builder = tar::Builder::new(std::fs::File::create(&evil_tar).unwrap());
    builder
        .append_path_with_name(evil.join("manifest.json"), "manifest.json")
        .unwrap();
    builder.into_inner().unwrap();
    let out = run(
        &home,
        &["graph", &format!("oci:{}:1", text(&evil_tar))],
        "",
        &[],
    )
    .await;
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("../../etc/passwd"),
        "{}",
        stderr(&out)
    );
}
