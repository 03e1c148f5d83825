//! The commands through Tauri's mock runtime: the real IPC path (argument names, capabilities,
//! the `{ code, message }` error shape) without a window. This file holds the fixture; the
//! tests are grouped by screen.

mod acl;
mod browse;
mod grants;
mod pulls;
mod signatures;
mod sources;
mod transfers;

use std::path::Path;

use serde_json::{json, Value};
use stowage::auth::Credentials;
use stowage::config::Dirs;
use stowage::ops::push::{push, FileSpec, PushOptions, PushRequest};
use stowage::store::Store;
use stowage::transfer::Cancel;
use stowage::transfer::Transfer;
use stowage_app::state::AppState;
use tauri::ipc::{CallbackFn, Channel, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{Manager, WebviewWindow, WebviewWindowBuilder};

pub(crate) struct Fixture {
    pub _dir: tempfile::TempDir,
    pub dirs: Dirs,
    pub app: tauri::App<MockRuntime>,
    pub window: WebviewWindow<MockRuntime>,
}

/// An app with its own folders, no OS keyring, and a Docker config naming one registry.
pub(crate) fn fixture() -> Fixture {
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

pub(crate) fn invoke(f: &Fixture, cmd: &str, args: Value) -> Result<Value, Value> {
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
pub(crate) async fn local_artifact(f: &Fixture) -> String {
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

pub(crate) fn read_blob(layout: &Path, digest: &str) -> Vec<u8> {
    let (alg, hex) = digest.split_once(':').unwrap();
    std::fs::read(layout.join("blobs").join(alg).join(hex)).unwrap()
}

/// What the shell does when the user drops `paths` on the window (the real app calls this from
/// its window event handler; the mock runtime has no OS drag and drop).
pub(crate) fn drop_on_window(f: &Fixture, paths: &[std::path::PathBuf]) {
    let grants = &f.app.state::<AppState>().grants;
    let position = tauri::PhysicalPosition::new(0.0, 0.0);
    grants.on_drag_drop(&tauri::DragDropEvent::Enter {
        paths: paths.to_vec(),
        position,
    });
    grants.on_drag_drop(&tauri::DragDropEvent::Drop {
        paths: paths.to_vec(),
        position,
    });
}

pub(crate) fn progress_channel() -> Channel<stowage_app::dto::TransferProgress> {
    Channel::new(|_| Ok(()))
}
