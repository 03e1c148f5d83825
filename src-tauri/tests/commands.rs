//! The commands through Tauri's mock runtime: the real IPC path (argument names, capabilities,
//! the `{ code, message }` error shape) without a window.

use std::path::Path;
use std::sync::{Arc, Mutex};

use serde_json::{json, Value};
use stowage::auth::Credentials;
use stowage::config::Dirs;
use stowage::ops::push::{push, FileSpec, PushOptions, PushRequest};
use stowage::registry::Cancel;
use stowage::store::Store;
use stowage::transfer::Transfer;
use stowage_app::dto::{GraphData, GraphEvent};
use stowage_app::state::AppState;
use tauri::ipc::{CallbackFn, Channel, InvokeBody, InvokeResponseBody};
use tauri::test::{get_ipc_response, mock_builder, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{Manager, WebviewWindow, WebviewWindowBuilder};

struct Fixture {
    _dir: tempfile::TempDir,
    dirs: Dirs,
    app: tauri::App<MockRuntime>,
    window: WebviewWindow<MockRuntime>,
}

/// An app with its own folders, no OS keyring, and a Docker config naming one registry.
fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let dirs = Dirs {
        config: dir.path().join("config"),
        cache: dir.path().join("cache"),
        data: dir.path().join("data"),
    };
    let docker = dir.path().join("docker-config.json");
    std::fs::write(
        &docker,
        json!({"auths": {"registry.example:5000": {"auth": "dTpw"}}}).to_string(),
    )
    .unwrap();
    let credentials = Credentials::new("stowage-test", Some(docker), vec![]).without_keyring();
    let state = AppState::new(dirs.clone(), credentials).unwrap();
    let app = stowage_app::app(mock_builder(), state)
        .build(tauri::generate_context!())
        .unwrap();
    let window = WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    Fixture {
        _dir: dir,
        dirs,
        app,
        window,
    }
}

fn invoke(f: &Fixture, cmd: &str, args: Value) -> Result<Value, Value> {
    get_ipc_response(
        &f.window,
        InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().unwrap(),
            body: InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        },
    )
    .map(|body| body.deserialize::<Value>().unwrap())
}

/// `app` with tag `v1` in the Local store: a two-file artifact.
async fn local_artifact(f: &Fixture) -> String {
    let files = f.dirs.data.join("files");
    std::fs::create_dir_all(&files).unwrap();
    std::fs::write(files.join("a.txt"), "hello").unwrap();
    std::fs::write(
        files.join("sbom.spdx.json"),
        r#"{"spdxVersion":"SPDX-2.3"}"#,
    )
    .unwrap();
    let layout = f
        .app
        .state::<AppState>()
        .local
        .layout("team/app", true)
        .unwrap();
    let request = PushRequest {
        files: ["a.txt", "sbom.spdx.json"]
            .iter()
            .map(|n| FileSpec {
                path: files.join(n),
                media_type: None,
            })
            .collect(),
        tags: vec!["v1".into()],
        ..Default::default()
    };
    let pushed = push(
        &Store::Layout(layout),
        &request,
        &PushOptions::default(),
        &Transfer::new(),
        &Cancel::new(),
    )
    .await
    .unwrap();
    pushed.digest.to_string()
}

#[test]
fn sources_list_the_local_store_first_then_docker_registries() {
    let f = fixture();
    let sources = invoke(&f, "sources", json!({})).unwrap();
    let sources = sources.as_array().unwrap();
    assert_eq!(sources[0]["id"], "local");
    assert_eq!(sources[0]["kind"], "local");
    assert_eq!(sources[1]["id"], "registry.example:5000");
    assert_eq!(sources[1]["origin"], "docker-config");
    assert_eq!(sources[1]["signedIn"], true);
    assert_eq!(sources[1]["username"], "u");
    assert_eq!(sources[1]["credentialFrom"], "docker config.json");
    // The password never crosses IPC, in any field.
    assert!(!serde_json::to_string(&sources).unwrap().contains("\"p\""));
}

#[test]
fn errors_reach_the_ui_as_code_and_message_only() {
    let f = fixture();
    let err = invoke(
        &f,
        "tags",
        json!({"source": "local", "repository": "../../etc"}),
    )
    .unwrap_err();
    let fields: Vec<&String> = err.as_object().unwrap().keys().collect();
    assert_eq!(fields, ["code", "message"], "{err}");
    assert_eq!(err["code"], "invalid_reference");
    assert!(
        err["message"].as_str().unwrap().contains("../../etc"),
        "{err}"
    );
}

#[test]
fn adding_an_unreachable_registry_says_so_and_saves_nothing() {
    let f = fixture();
    let request = json!({"request": {"host": "127.0.0.1:1", "username": "u", "secret": "p",
        "insecure": false, "caFile": null}});
    let err = invoke(&f, "add_registry", request).unwrap_err();
    assert_eq!(err["code"], "unreachable", "{err}");
    assert!(!f.dirs.settings_file().exists());
    let sources = invoke(&f, "sources", json!({})).unwrap();
    assert_eq!(sources.as_array().unwrap().len(), 2);
}

#[test]
fn a_secret_without_a_username_is_refused_before_any_request() {
    let f = fixture();
    let request = json!({"request": {"host": "ghcr.io", "username": "", "secret": "tok",
        "insecure": false, "caFile": null}});
    let err = invoke(&f, "add_registry", request).unwrap_err();
    assert_eq!(err["code"], "invalid");
    assert!(
        err["message"].as_str().unwrap().contains("username"),
        "{err}"
    );
}

#[test]
fn the_local_store_lists_repositories_tags_and_content() {
    let f = fixture();
    let digest = tauri::async_runtime::block_on(local_artifact(&f));
    let repos = invoke(&f, "repositories", json!({"source": "local"})).unwrap();
    assert_eq!(repos["repositories"], json!(["team/app"]));
    assert_eq!(repos["catalog"], "listed");
    let tags = invoke(
        &f,
        "tags",
        json!({"source": "local", "repository": "team/app"}),
    )
    .unwrap();
    assert_eq!(tags, json!(["v1"]));
    // Opening a repository's tags remembers it.
    let repos = invoke(&f, "repositories", json!({"source": "local"})).unwrap();
    assert_eq!(repos["recent"], json!(["team/app"]));

    let content = invoke(
        &f,
        "content",
        json!({"source": "local", "repository": "team/app", "digest": digest,
               "mediaType": "application/vnd.oci.image.manifest.v1+json"}),
    )
    .unwrap();
    let layout = f.app.state::<AppState>().local.path("team/app").unwrap();
    let served = read_blob(&layout, &digest);
    assert_eq!(
        content["text"].as_str().unwrap().as_bytes(),
        served.as_slice()
    );
    assert_eq!(content["size"], served.len());
    assert_eq!(content["truncated"], false);

    let summaries = invoke(
        &f,
        "tag_summaries",
        json!({"source": "local", "repository": "team/app", "tags": ["v1", "nope"]}),
    )
    .unwrap();
    assert_eq!(summaries[0]["digest"], digest.as_str());
    assert!(summaries[1]["error"].is_string(), "{summaries}");
}

fn read_blob(layout: &Path, digest: &str) -> Vec<u8> {
    let (alg, hex) = digest.split_once(':').unwrap();
    std::fs::read(layout.join("blobs").join(alg).join(hex)).unwrap()
}

#[test]
fn a_graph_streams_its_nodes_before_it_resolves() {
    let f = fixture();
    let digest = tauri::async_runtime::block_on(local_artifact(&f));
    let events: Arc<Mutex<Vec<GraphEvent>>> = Arc::default();
    let seen = events.clone();
    let channel = Channel::new(move |body| {
        if let InvokeResponseBody::Json(json) = body {
            seen.lock()
                .unwrap()
                .push(serde_json::from_str(&json).unwrap());
        }
        Ok(())
    });
    let graph: GraphData =
        tauri::async_runtime::block_on(stowage_app::commands::graph::load_graph(
            f.app.state(),
            "local".into(),
            "team/app".into(),
            "v1".into(),
            false,
            "op-1".into(),
            channel,
        ))
        .unwrap();
    assert_eq!(graph.root, digest);
    assert!(
        graph.reference.ends_with("team/app:v1"),
        "{}",
        graph.reference
    );
    assert!(graph.base.starts_with("oci:"), "{}", graph.base);
    // The root and its two file layers (an artifact's config is the empty descriptor).
    assert!(graph.nodes.len() >= 3, "{:?}", graph.nodes);
    let mut streamed: Vec<String> = events
        .lock()
        .unwrap()
        .iter()
        .flat_map(|e| match e {
            GraphEvent::Nodes { nodes, .. } => nodes.iter().map(|n| n.id.clone()).collect(),
            GraphEvent::Warning { .. } => vec![],
        })
        .collect();
    streamed.sort();
    streamed.dedup();
    let mut loaded: Vec<String> = graph.nodes.iter().map(|n| n.id.clone()).collect();
    loaded.sort();
    assert_eq!(streamed, loaded);
}

#[test]
fn cancelling_an_unknown_operation_is_harmless() {
    let f = fixture();
    assert_eq!(
        invoke(&f, "cancel", json!({"op": "nothing"})).unwrap(),
        false
    );
}

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

fn progress_channel() -> Channel<stowage_app::dto::TransferProgress> {
    Channel::new(|_| Ok(()))
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
