//! Copy, tag, delete, and the push sheet's prepare -> preview -> push.

use std::path::Path;
use std::sync::{Arc, Mutex};

use serde_json::json;
use stowage_app::dto::GraphData;
use stowage_app::state::AppState;
use tauri::ipc::Channel;
use tauri::Manager;

use crate::*;

#[test]
fn copy_tag_and_delete_in_the_local_store() {
    let f = fixture();
    let digest = tauri::async_runtime::block_on(local_artifact(&f));
    let reports = Arc::new(Mutex::new(0usize));
    let counted = reports.clone();
    let channel = Channel::new(move |_| {
        *counted.lock().unwrap() += 1;
        Ok(())
    });
    let target = stowage_app::dto::CopyTarget {
        source: "local".into(),
        repository: "mirror/app".into(),
        tag: Some("v2".into()),
    };
    let copied = tauri::async_runtime::block_on(stowage_app::commands::transfer::copy(
        f.app.handle().clone(),
        f.app.state(),
        "local".into(),
        "team/app".into(),
        "v1".into(),
        target,
        true,
        "op-copy".into(),
        channel,
    ))
    .unwrap();
    assert_eq!(copied.digest, digest);
    assert!(
        *reports.lock().unwrap() >= 1,
        "progress is reported at least at the end"
    );
    let tags = invoke(
        &f,
        "tags",
        json!({"source": "local", "repository": "mirror/app"}),
    )
    .unwrap();
    assert_eq!(tags, json!(["v2"]));

    invoke(
        &f,
        "add_tag",
        json!({"source": "local", "repository": "mirror/app", "digest": digest, "tag": "stable"}),
    )
    .unwrap();
    let err = invoke(
        &f,
        "add_tag",
        json!({"source": "local", "repository": "mirror/app", "digest": digest, "tag": "bad tag"}),
    )
    .unwrap_err();
    assert_eq!(err["code"], "invalid", "{err}");

    let args =
        json!({"source": "local", "repository": "mirror/app", "digest": digest, "cascade": true});
    let preview = invoke(&f, "delete_preview", args.clone()).unwrap();
    assert_eq!(
        preview.as_array().unwrap().last().unwrap()["digest"],
        digest.as_str()
    );
    // A preview that no longer matches is refused, and nothing goes.
    let mut stale = args.clone();
    stale["expected"] = json!([]);
    let err = invoke(&f, "delete", stale).unwrap_err();
    assert_eq!(err["code"], "changed_since_preview", "{err}");
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("changed since the preview"),
        "{err}"
    );
    let mut confirmed = args;
    confirmed["expected"] = json!(preview
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["digest"].clone())
        .collect::<Vec<_>>());
    let deleted = invoke(&f, "delete", confirmed).unwrap();
    assert_eq!(deleted, json!([digest]));
    let tags = invoke(
        &f,
        "tags",
        json!({"source": "local", "repository": "mirror/app"}),
    )
    .unwrap();
    assert_eq!(tags, json!([]));
}

#[test]
fn an_attach_pushes_exactly_the_preview_and_returns_its_node_and_edge() {
    let f = fixture();
    let subject = tauri::async_runtime::block_on(local_artifact(&f));
    let files = f.dirs.data.join("drop");
    std::fs::create_dir_all(&files).unwrap();
    let sbom = files.join("app.spdx.json");
    std::fs::write(&sbom, r#"{"spdxVersion":"SPDX-2.3","name":"app"}"#).unwrap();
    let empty = files.join("empty.txt");
    std::fs::write(&empty, "").unwrap();
    drop_on_window(&f, &[sbom.clone(), empty.clone()]);

    let inspected = invoke(
        &f,
        "inspect_paths",
        json!({"paths": [sbom.display().to_string(), empty.display().to_string()]}),
    )
    .unwrap();
    assert_eq!(
        inspected["entries"][0]["mediaType"],
        "application/spdx+json"
    );
    assert!(inspected["entries"][0]["error"].is_null());
    let refused = inspected["entries"][1]["error"].as_str().unwrap();
    assert!(refused.contains("empty.txt"), "{refused}");
    assert_eq!(inspected["artifactType"], "application/spdx+json");

    let spec = |paths: Vec<&Path>| stowage_app::dto::PushSpec {
        source: "local".into(),
        repository: "team/app".into(),
        files: paths
            .iter()
            .map(|p| stowage_app::dto::PushFile {
                path: p.display().to_string(),
                media_type: None,
            })
            .collect(),
        artifact_type: None,
        annotations: Default::default(),
        tags: vec![],
        subject: Some(subject.clone()),
    };
    let prepare = |spec, op: &str| {
        tauri::async_runtime::block_on(stowage_app::commands::push::prepare_push(
            f.app.handle().clone(),
            f.app.state(),
            spec,
            op.into(),
            progress_channel(),
        ))
    };
    // What the sheet flags, the push refuses too, before anything is written.
    let err = prepare(spec(vec![&sbom, &empty]), "op-bad").unwrap_err();
    assert!(err.message.contains("empty.txt"), "{err}");

    let preview = prepare(spec(vec![&sbom]), "op-prepare").unwrap();
    assert_eq!(preview.artifact_type, "application/spdx+json");
    assert_eq!(preview.blobs.len(), 1);
    let result = tauri::async_runtime::block_on(stowage_app::commands::push::push(
        f.app.handle().clone(),
        f.app.state(),
        preview.plan.clone(),
        "op-push".into(),
        progress_channel(),
    ))
    .unwrap();
    assert_eq!(result.digest, preview.digest);
    let layout = f.app.state::<AppState>().local.path("team/app").unwrap();
    assert_eq!(
        read_blob(&layout, &result.digest),
        preview.manifest.as_bytes()
    );
    assert_eq!(result.node.id, preview.digest);
    assert_eq!(serde_json::to_value(result.node.kind).unwrap(), "sbom");
    let edge = result.edge.unwrap();
    assert_eq!(
        (edge.from.as_str(), edge.to.as_str()),
        (subject.as_str(), preview.digest.as_str())
    );
    // The plan is used up.
    let again = tauri::async_runtime::block_on(stowage_app::commands::push::push(
        f.app.handle().clone(),
        f.app.state(),
        preview.plan,
        "op-again".into(),
        progress_channel(),
    ))
    .unwrap_err();
    assert!(again.message.contains("is gone"), "{again}");
    // And the graph now has it as a referrer of the subject.
    let graph: GraphData =
        tauri::async_runtime::block_on(stowage_app::commands::graph::load_graph(
            f.app.state(),
            "local".into(),
            "team/app".into(),
            "v1".into(),
            true,
            "op-graph".into(),
            Channel::new(|_| Ok(())),
        ))
        .unwrap();
    assert!(graph
        .edges
        .iter()
        .any(|e| e.from == subject && e.to == result.digest));
}
