//! Real OS drag and drop into the app (issue 5): files and a folder dropped on a repository are
//! pushed, an SBOM dropped on an image node is attached to it; then the registry and oras-py
//! say exactly those bytes arrived, with the right subject and artifact type. The drop reaches
//! the shell too, which grants those paths and no others: the page alone can name no file.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use serde_json::{json, Value};
use stowage::manifest::Manifest;
use stowage::store::Store;

use crate::app::App;
use crate::drag::{drag_files, screen_point_of};
use crate::harness;
use crate::webdriver::{wait_for, Seen};
use crate::{
    descriptor, multiarch_registry, platform, shots, signed_in, MultiArch, TestResult, SPDX,
};
use crate::{ONE_APP, USER};

async fn screen_point_of_node(
    app: &App,
    digest: &str,
) -> Result<(i64, i64), Box<dyn std::error::Error>> {
    let p: Value = app
        .session
        .execute(
            "const p = window.__stowageGraph.nodePosition(arguments[0]);
             const k = window.devicePixelRatio;
             return p && [(window.screenX + p.x) * k, (window.screenY + p.y) * k];",
            vec![json!(digest)],
        )
        .await?;
    let p = p.as_array().ok_or(format!("node {digest} is not drawn"))?;
    Ok((
        p[0].as_f64().unwrap_or(0.0) as i64,
        p[1].as_f64().unwrap_or(0.0) as i64,
    ))
}

/// What the app answers when the page itself invokes `cmd`, as a compromised page could: the
/// value, or the rejection as the page received it (not named `error`: WebDriver clients take
/// a result with a string `error` for a failure of the script).
async fn invoke_from_page(
    app: &App,
    cmd: &str,
    args: Value,
) -> Result<Result<Value, Value>, Box<dyn std::error::Error>> {
    let answer: Value = app
        .session
        .execute_async(
            "const done = arguments[arguments.length - 1];
             window.__TAURI_INTERNALS__.invoke(arguments[0], arguments[1]).then(
               (value) => done({ ok: true, value }), (rejected) => done({ ok: false, rejected }));",
            vec![json!(cmd), args],
        )
        .await?;
    Ok(if answer["ok"] == true {
        Ok(answer["value"].clone())
    } else {
        Err(answer["rejected"].clone())
    })
}

/// Waits for the sheet's preview, then pushes and waits for the transfer to end; returns the
/// pushed digest (which must be the previewed one).
async fn push_from_sheet(app: &App, shot: &str) -> Result<String, Box<dyn std::error::Error>> {
    let previewed: String = wait_for("the push sheet's preview", || async {
        let preview = app.session.find("[data-testid=push-preview]").await?;
        match preview.attribute("data-state").await?.as_deref() {
            Some("ready") => {
                let digest = app
                    .session
                    .find("[data-testid=push-digest]")
                    .await?
                    .text()
                    .await?;
                Ok(Seen::Ready(digest))
            }
            Some("error") | Some("blocked") => Ok(Seen::Failed(preview.text().await?)),
            state => Ok(Seen::NotYet(format!("preview {state:?}"))),
        }
    })
    .await?;
    app.shot(shot).await?;
    let before = app.session.find_all("[data-testid=transfer]").await?.len();
    app.session
        .find("[data-testid=push-submit]")
        .await?
        .click()
        .await?;
    let digest: String = wait_for("the transfer to finish", || async {
        let rows = app.session.find_all("[data-testid=transfer]").await?;
        if rows.len() <= before {
            return Ok(Seen::NotYet(format!("{} transfer rows", rows.len())));
        }
        for row in rows {
            match row.attribute("data-state").await?.as_deref() {
                Some("done") => {
                    if let Some(d) = row.attribute("data-digest").await? {
                        if previewed.contains(&d) || d.contains(previewed.trim()) {
                            return Ok(Seen::Ready(d));
                        }
                    }
                }
                Some("failed") => return Ok(Seen::Failed(row.text().await?)),
                _ => {}
            }
        }
        Ok(Seen::NotYet("running".into()))
    })
    .await?;
    Ok(digest)
}

/// Opens or closes the transfers panel.
async fn set_transfers_panel(app: &App, open: bool) -> TestResult {
    let shown = app
        .session
        .try_find("[data-testid=transfers-panel]")
        .await?
        .is_some();
    if shown != open {
        app.session
            .find("[data-testid=transfers-toggle]")
            .await?
            .click()
            .await?;
    }
    if open {
        app.wait_element("[data-testid=transfers-panel]").await?;
    } else {
        app.wait_gone("[data-testid=transfers-panel]").await?;
    }
    Ok(())
}

/// oras-py's pull of `repo@digest` into `out`, signed in.
fn oras_pull(host: &str, repo: &str, digest: &str, out: &Path, pass: &str) -> Vec<String> {
    let args = json!({"host": host, "target": format!("{repo}@{digest}"), "outdir": out});
    let output = Command::new(harness::python())
        .arg("-c")
        .arg(include_str!("oras_pull.py"))
        .arg(args.to_string())
        .env("ORAS_USER", USER)
        .env("ORAS_PASS", pass)
        .output()
        .expect("run oras-py");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "oras-py pull failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let result = stdout
        .lines()
        .rev()
        .find_map(|l| l.strip_prefix("STOWAGE-RESULT "))
        .expect("oras-py result");
    let v: Value = serde_json::from_str(result).expect("oras-py json");
    v["files"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|f| f.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn read(path: impl AsRef<Path>) -> Vec<u8> {
    std::fs::read(path.as_ref()).unwrap_or_else(|e| panic!("{}: {e}", path.as_ref().display()))
}

#[tokio::test]
async fn files_dropped_on_a_repository_are_pushed_and_an_sbom_dropped_on_a_node_is_attached(
) -> TestResult {
    let _one = ONE_APP.lock().await;
    let repo = "e2e/drop";
    // Bound, not `_`: the registry stops when its handle is dropped.
    let MultiArch {
        reg: _registry,
        pass,
        host,
        scratch,
    } = multiarch_registry(repo).await?;
    let store = Store::Remote {
        registry: signed_in(&host, &pass),
        repository: repo.into(),
    };
    let amd64 = platform(&store, "v1", "amd64").await;
    let index = descriptor(&store, "v1").await;

    // What a user drops: two files and a folder with a nested file.
    let files = scratch.path().join("drop");
    std::fs::create_dir_all(files.join("docs/guide"))?;
    std::fs::write(files.join("notes.txt"), b"release notes\n")?;
    std::fs::write(
        files.join("data.bin"),
        (0u8..=255).cycle().take(300_000).collect::<Vec<u8>>(),
    )?;
    std::fs::write(files.join("docs/README.md"), b"# docs\n")?;
    std::fs::write(files.join("docs/guide/start.md"), b"start here\n")?;
    let sbom = files.join("image.spdx.json");
    std::fs::write(
        &sbom,
        json!({"spdxVersion": "SPDX-2.3", "SPDXID": "SPDXRef-DOCUMENT", "name": "amd64",
               "dataLicense": "CC0-1.0", "packages": [{"name": "busybox", "SPDXID": "SPDXRef-1"}]})
        .to_string(),
    )?;

    let app = App::launch(&shots()).await?;
    app.wait_sidebar().await?;
    app.fill_add_registry(&host, USER, &pass, true).await?;
    if let Some((code, text)) = app.submit_add_registry().await? {
        return Err(format!("sign-in refused: {code} {text}").into());
    }
    app.open_source(&host).await?;
    app.wait_rows_equal("repo-list", &[repo.to_string()])
        .await?;
    app.open_repository(repo).await?;
    app.wait_rows("tag-list", 1).await?;

    // 1. Two files and a folder dropped on the repository's tag list.
    let target = screen_point_of(&app, "[data-testid=tags-area]").await?;
    let dropped = [
        files.join("notes.txt"),
        files.join("data.bin"),
        files.join("docs"),
    ];
    let dropped_refs: Vec<&Path> = dropped.iter().map(PathBuf::as_path).collect();
    drag_files(
        &app,
        &dropped_refs,
        target,
        &format!("repository:{host}/{repo}"),
    )
    .await?;
    app.wait_element("[data-testid=push-sheet][data-mode=push]")
        .await?;
    let pushed = push_from_sheet(&app, "20-push-sheet").await?;
    set_transfers_panel(&app, true).await?;
    app.shot("21-transfers-panel").await?;
    set_transfers_panel(&app, false).await?;

    // The registry has exactly those bytes, titled by name, the folder as one tar+gzip layer.
    let fetched = store.fetch_manifest(&pushed).await?;
    let Manifest::Image(manifest) = fetched.parse()? else {
        return Err("the pushed artifact is not an image manifest".into());
    };
    let titles: Vec<String> = manifest
        .layers
        .iter()
        .filter_map(|l| l.annotations.get("org.opencontainers.image.title").cloned())
        .collect();
    assert_eq!(titles, ["notes.txt", "data.bin", "docs"], "{manifest:?}");
    assert!(manifest.subject.is_none());
    let out = scratch.path().join("oras-push");
    oras_pull(&host, repo, &pushed, &out, &pass);
    assert_eq!(read(out.join("notes.txt")), read(files.join("notes.txt")));
    assert_eq!(read(out.join("data.bin")), read(files.join("data.bin")));
    assert_eq!(read(out.join("docs/README.md")), b"# docs\n");
    assert_eq!(read(out.join("docs/guide/start.md")), b"start here\n");

    // The shell saw the same drop: the page may inspect what lies inside the dropped folder, but
    // not a file never dropped (the SBOM beside them, a credential, a way out of the folder).
    let inside = files.join("docs/guide/start.md");
    let inspected = invoke_from_page(&app, "inspect_paths", json!({"paths": [inside]})).await?;
    assert!(inspected.is_ok(), "{inspected:?}");
    let credential = scratch.path().join("config.json");
    std::fs::write(&credential, br#"{"auths": {}}"#)?;
    for never in [
        sbom.clone(),
        credential,
        files.join("docs/../image.spdx.json"),
    ] {
        let refused = invoke_from_page(&app, "inspect_paths", json!({"paths": [never]})).await?;
        assert_eq!(
            refused.err().map(|e| e["code"].clone()),
            Some(json!("forbidden"))
        );
    }
    // Nor can the page open a file dialog of its own: only the shell's pickers grant.
    let args = json!({"options": {"multiple": true}});
    let opened = invoke_from_page(&app, "plugin:dialog|open", args).await?;
    let refusal = opened.expect_err("the page opened a file dialog");
    assert!(
        refusal.as_str().unwrap_or_default().contains("not allowed"),
        "{refusal}"
    );

    // 2. The SBOM dropped on the amd64 image node of v1's graph.
    app.open_tag("v1").await?;
    let amd64_id = amd64.digest.to_string();
    wait_for("the amd64 image in v1's graph", || async {
        let ids: Vec<String> = app
            .session
            .execute(
                "return window.__stowageGraph ? window.__stowageGraph.nodeIds() : []",
                vec![],
            )
            .await?;
        Ok(if ids.contains(&amd64_id) {
            Seen::Ready(())
        } else {
            Seen::NotYet(format!("{} nodes", ids.len()))
        })
    })
    .await?;
    // Let the layout's animation settle before reading where the node is drawn.
    tokio::time::sleep(Duration::from_millis(800)).await;
    let node = screen_point_of_node(&app, &amd64_id).await?;
    drag_files(&app, &[sbom.as_path()], node, &format!("node:{amd64_id}")).await?;
    let sheet = app
        .wait_element("[data-testid=push-sheet][data-mode=attach]")
        .await?;
    let subject = sheet.find("[data-testid=push-subject]").await?;
    assert_eq!(
        subject.attribute("data-digest").await?.as_deref(),
        Some(amd64_id.as_str())
    );
    let attached = push_from_sheet(&app, "22-attach-sheet").await?;
    let edge = format!("{amd64_id}->{attached}");
    wait_for("the attached SBOM in the graph", || async {
        let edges: Vec<String> = app
            .session
            .execute("return window.__stowageGraph.edgeIds()", vec![])
            .await?;
        Ok(if edges.contains(&edge) {
            Seen::Ready(())
        } else {
            Seen::NotYet(format!("{} edges", edges.len()))
        })
    })
    .await?;
    set_transfers_panel(&app, false).await?;
    app.shot("23-graph-after-attach").await?;

    // The registry: an SPDX artifact whose subject is the amd64 manifest, listed as its referrer.
    let fetched = store.fetch_manifest(&attached).await?;
    let Manifest::Image(sbom_manifest) = fetched.parse()? else {
        return Err("the attached artifact is not an image manifest".into());
    };
    assert_eq!(sbom_manifest.artifact_type.as_deref(), Some(SPDX));
    assert_eq!(
        sbom_manifest.subject.as_ref().map(|s| &s.digest),
        Some(&amd64.digest)
    );
    let referrers = store.referrers(&amd64.digest, None).await?;
    assert!(
        referrers.iter().any(|r| r.digest.to_string() == attached),
        "{referrers:?}"
    );
    let out = scratch.path().join("oras-attach");
    oras_pull(&host, repo, &attached, &out, &pass);
    assert_eq!(read(out.join("image.spdx.json")), read(&sbom));
    // The index itself was not touched.
    assert_eq!(descriptor(&store, "v1").await.digest, index.digest);
    app.close().await?;
    Ok(())
}
