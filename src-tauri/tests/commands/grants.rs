//! What the webview may read (issue 10, item 4): only the files and folders the user dropped on
//! the window or chose in one of the shell's file dialogs, and what lies inside those folders.
//! Any other path answers `forbidden` before a byte of it is read. A home folder in the fixture's
//! temp dir stands for the user's: `~/.docker/config.json` holds a credential.

use std::path::{Path, PathBuf};

use serde_json::{json, Value};
use stowage_app::dto::{AppError, PushFile, PushPreview, PushSpec};
use stowage_app::state::AppState;
use tauri::Manager;

use crate::*;

const SECRET: &str = "c2VjcmV0LXVzZXI6aHVudGVyMg==";

/// `~/.docker/config.json` (a credential), `~/notes.txt`, and `~/drop/` with `docs/a.md` inside.
fn home(f: &Fixture) -> PathBuf {
    let home = f._dir.path().join("home");
    std::fs::create_dir_all(home.join(".docker")).unwrap();
    std::fs::write(
        home.join(".docker/config.json"),
        json!({"auths": {"ghcr.io": {"auth": SECRET}}}).to_string(),
    )
    .unwrap();
    std::fs::write(home.join("notes.txt"), "release notes\n").unwrap();
    std::fs::create_dir_all(home.join("drop/docs")).unwrap();
    std::fs::write(home.join("drop/docs/a.md"), "# a\n").unwrap();
    home
}

fn inspect(f: &Fixture, paths: &[PathBuf]) -> Result<Value, Value> {
    invoke(f, "inspect_paths", json!({ "paths": paths }))
}

fn prepare(f: &Fixture, source: &str, paths: &[PathBuf]) -> Result<PushPreview, AppError> {
    let spec = PushSpec {
        source: source.into(),
        repository: "team/stolen".into(),
        files: paths
            .iter()
            .map(|p| PushFile {
                path: p.display().to_string(),
                media_type: None,
            })
            .collect(),
        artifact_type: None,
        annotations: Default::default(),
        tags: vec!["v1".into()],
        subject: None,
    };
    tauri::async_runtime::block_on(stowage_app::commands::push::prepare_push(
        f.app.handle().clone(),
        f.app.state(),
        spec,
        "op-prepare".into(),
        progress_channel(),
    ))
}

/// Refused with `forbidden`, naming the path and nothing of its content.
fn assert_forbidden(err: &Value, path: &Path) {
    assert_eq!(err["code"], "forbidden", "{err}");
    let message = err["message"].as_str().unwrap();
    assert!(message.contains(&path.display().to_string()), "{message}");
    assert!(!message.contains(SECRET), "{message}");
}

/// Nothing was written for a refused push: no repository in the Local store, no spooled copy.
fn assert_nothing_written(f: &Fixture) {
    let state = f.app.state::<AppState>();
    assert_eq!(state.local.repositories().unwrap(), Vec::<String>::new());
    assert!(!f.dirs.cache.join("spool").exists());
}

#[test]
fn inspect_paths_refuses_a_file_never_dropped_or_picked() {
    let f = fixture();
    let docker_config = home(&f).join(".docker/config.json");
    let err = inspect(&f, std::slice::from_ref(&docker_config)).unwrap_err();
    assert_forbidden(&err, &docker_config);
}

#[test]
fn prepare_push_refuses_a_file_never_dropped_or_picked_and_writes_nothing() {
    let f = fixture();
    let docker_config = home(&f).join(".docker/config.json");
    for source in ["local", "registry.example:5000"] {
        let err = prepare(&f, source, std::slice::from_ref(&docker_config)).unwrap_err();
        assert_forbidden(&serde_json::to_value(err).unwrap(), &docker_config);
    }
    assert_nothing_written(&f);
}

#[test]
fn one_path_never_granted_refuses_the_whole_request() {
    let f = fixture();
    let home = home(&f);
    drop_on_window(&f, &[home.join("notes.txt")]);
    let paths = [home.join("notes.txt"), home.join(".docker/config.json")];
    assert_forbidden(&inspect(&f, &paths).unwrap_err(), &paths[1]);
    let err = prepare(&f, "local", &paths).unwrap_err();
    assert_forbidden(&serde_json::to_value(err).unwrap(), &paths[1]);
    assert_nothing_written(&f);
}

#[test]
fn a_dropped_file_and_a_file_inside_a_dropped_folder_are_read() {
    let f = fixture();
    let home = home(&f);
    drop_on_window(&f, &[home.join("notes.txt"), home.join("drop")]);
    let paths = [
        home.join("notes.txt"),
        home.join("drop"),
        home.join("drop/docs/a.md"),
    ];
    let inspected = inspect(&f, &paths).unwrap();
    let names: Vec<&str> = inspected["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["notes.txt", "drop", "a.md"], "{inspected}");
    let preview = prepare(&f, "local", &[home.join("drop/docs/a.md")]).unwrap();
    assert_eq!(preview.blobs.len(), 1);
    assert_eq!(preview.blobs[0].title, "a.md");
}

#[test]
fn dot_dot_and_symlinks_out_of_a_dropped_folder_are_refused() {
    let f = fixture();
    let home = home(&f);
    let drop = home.join("drop");
    drop_on_window(&f, std::slice::from_ref(&drop));
    let mut escapes = vec![
        drop.join("../.docker/config.json"),
        drop.join("docs/../../notes.txt"),
    ];
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(home.join(".docker/config.json"), drop.join("config.json"))
            .unwrap();
        std::os::unix::fs::symlink(home.join(".docker"), drop.join("docker")).unwrap();
        escapes.push(drop.join("config.json"));
        escapes.push(drop.join("docker/config.json"));
    }
    for escape in &escapes {
        let err = inspect(&f, std::slice::from_ref(escape)).unwrap_err();
        assert_forbidden(&err, escape);
        let err = prepare(&f, "local", std::slice::from_ref(escape)).unwrap_err();
        assert_forbidden(&serde_json::to_value(err).unwrap(), escape);
    }
    assert_nothing_written(&f);
}

#[test]
fn a_ca_file_not_picked_in_the_shell_dialog_is_refused() {
    let f = fixture();
    let home = home(&f);
    let docker_config = home.join(".docker/config.json");
    let request = |ca: &Path| {
        json!({"request": {"host": "127.0.0.1:1", "username": null, "secret": null,
            "insecure": false, "caFile": ca.display().to_string()}})
    };
    let err = invoke(&f, "add_registry", request(&docker_config)).unwrap_err();
    assert_forbidden(&err, &docker_config);
    assert!(!f.dirs.settings_file().exists());

    // Picked in the dialog (`pick_ca_file` grants what it returns): checked against the registry.
    let ca = home.join("ca.pem");
    std::fs::write(&ca, "not a certificate").unwrap();
    f.app.state::<AppState>().grants.grant([&ca]);
    let err = invoke(&f, "add_registry", request(&ca)).unwrap_err();
    assert_ne!(err["code"], "forbidden", "{err}");
}

#[test]
fn the_webview_cannot_open_a_file_dialog_of_its_own() {
    // Were the dialog plugin's `open` allowed, it would wait for a dialog the mock runtime never
    // shows: the answer is awaited on another thread, with a deadline.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let f = fixture();
        let args = json!({"options": {"multiple": true, "directory": false}});
        let _ = tx.send(invoke(&f, "plugin:dialog|open", args));
    });
    let answer = rx
        .recv_timeout(std::time::Duration::from_secs(20))
        .expect("plugin:dialog|open was allowed: it went on to open a dialog");
    let err = answer.unwrap_err();
    assert!(
        err.as_str().unwrap_or_default().contains("not allowed"),
        "{err}"
    );
}
