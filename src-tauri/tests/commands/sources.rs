//! The sidebar: sources, signing in, the error shape, cancelling.

use serde_json::json;
use stowage_testkit::TestRegistry;

use crate::*;

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

/// Signing in checks with the registry first, then keeps the secret in the OS keyring, and only
/// then saves the registry: a refusal at either step saves nothing.
#[test]
fn signing_in_asks_the_registry_then_the_keyring_and_saves_only_after_both() {
    let reg = tauri::async_runtime::block_on(TestRegistry::htpasswd("ann", "ann-pw"));
    let f = fixture();
    let add = |username: &str, secret: &str| {
        let request = json!({"request": {"host": reg.host(), "username": username,
            "secret": secret, "insecure": true, "caFile": null}});
        invoke(&f, "add_registry", request)
    };
    for (username, secret, code) in [
        ("", "", "unauthorized"),
        ("ann", "wrong", "unauthorized"),
        // Accepted by the registry, but this app has no keyring, and a secret is kept nowhere
        // else.
        ("ann", "ann-pw", "no_keyring"),
    ] {
        let err = add(username, secret).unwrap_err();
        assert_eq!(err["code"], code, "{username}/{secret}: {err}");
        assert!(
            !err["message"].as_str().unwrap().contains("ann-pw"),
            "{err}"
        );
        assert!(!f.dirs.settings_file().exists(), "{username}/{secret}");
    }
}

/// A registry that reads anonymously is added without credentials; signing out of it, with no
/// keyring to remove anything from, is nothing to do, as in the CLI.
#[test]
fn an_anonymous_registry_is_added_and_signing_out_of_it_needs_no_keyring() {
    let reg = tauri::async_runtime::block_on(TestRegistry::anonymous());
    let f = fixture();
    let request = json!({"request": {"host": reg.host(), "username": null, "secret": null,
        "insecure": true, "caFile": null}});
    let added = invoke(&f, "add_registry", request).unwrap();
    assert_eq!(added["id"], reg.host());
    assert_eq!(added["origin"], "added");
    assert_eq!(added["signedIn"], false);
    let settings = std::fs::read_to_string(f.dirs.settings_file()).unwrap();
    assert!(settings.contains(&reg.host()), "{settings}");
    let out = invoke(&f, "sign_out", json!({"source": reg.host()})).unwrap();
    assert_eq!(out["origin"], "added");
    assert_eq!(out["signedIn"], false);
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
fn cancelling_an_unknown_operation_is_harmless() {
    let f = fixture();
    assert_eq!(
        invoke(&f, "cancel", json!({"op": "nothing"})).unwrap(),
        false
    );
}

#[test]
fn the_reference_box_names_what_the_core_and_the_cli_name() {
    let f = fixture();
    let opened = invoke(&f, "open_reference", json!({"text": "  alpine "})).unwrap();
    assert_eq!(opened["source"]["id"], "docker.io");
    assert_eq!(opened["source"]["origin"], "opened");
    assert_eq!(opened["repository"], "library/alpine");
    assert_eq!(opened["reference"], "latest");
    assert_eq!(opened["name"], "docker.io/library/alpine:latest");
    // Not kept: the sidebar's list is what it was.
    let sources = invoke(&f, "sources", json!({})).unwrap();
    assert_eq!(sources.as_array().unwrap().len(), 2);

    let digest = format!("sha256:{}", "ab".repeat(32));
    let text = format!("registry.example:5000/team/app@{digest}");
    let known = invoke(&f, "open_reference", json!({ "text": text })).unwrap();
    assert_eq!(known["source"]["origin"], "docker-config");
    assert_eq!(known["source"]["signedIn"], true);
    assert_eq!(known["repository"], "team/app");
    assert_eq!(known["reference"], digest.as_str());

    let err = invoke(
        &f,
        "open_reference",
        json!({"text": "not a ref!!@@sha256:xyz"}),
    )
    .unwrap_err();
    assert_eq!(err["code"], "invalid_reference", "{err}");
    assert!(
        err["message"].as_str().unwrap().contains("not a ref!!"),
        "{err}"
    );
    let path = invoke(&f, "open_reference", json!({"text": "oci:/tmp/x"})).unwrap_err();
    assert!(
        path["message"].as_str().unwrap().contains("Open layout"),
        "{path}"
    );
}

#[test]
fn a_dropped_layout_opens_read_only_as_a_source_and_closes() {
    use stowage::layout::Layout;
    use stowage::ops::push::{push, FileSpec, PushOptions, PushRequest};
    use stowage::store::Store;
    use stowage::transfer::Cancel;
    use stowage::transfer::Transfer;
    let f = fixture();
    let folder = f.dirs.data.join("shared/site-layout");
    let file = f.dirs.data.join("notes.md");
    std::fs::create_dir_all(&f.dirs.data).unwrap();
    std::fs::write(&file, "# notes\n").unwrap();
    let request = PushRequest {
        files: vec![FileSpec {
            path: file,
            media_type: None,
        }],
        tags: vec!["v1".into()],
        ..Default::default()
    };
    let store = Store::Layout(Layout::open_or_create(&folder).unwrap());
    let pushed = tauri::async_runtime::block_on(push(
        &store,
        &request,
        &PushOptions::default(),
        &Transfer::new(),
        &Cancel::new(),
    ))
    .unwrap();
    let path = folder.to_str().unwrap();

    // Not dropped nor picked: refused, whatever the webview says.
    let refused = invoke(&f, "open_layout", json!({ "path": path })).unwrap_err();
    assert_eq!(refused["code"], "forbidden", "{refused}");

    drop_on_window(&f, std::slice::from_ref(&folder));
    let source = invoke(&f, "open_layout", json!({ "path": path })).unwrap();
    assert_eq!(source["kind"], "layout");
    assert_eq!(source["name"], "site-layout");
    let id = source["id"].as_str().unwrap().to_string();
    let sources = invoke(&f, "sources", json!({})).unwrap();
    assert!(sources
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["id"] == id.as_str()));
    let repos = invoke(&f, "repositories", json!({ "source": id })).unwrap();
    assert_eq!(repos["repositories"], json!(["site-layout"]));
    let tags = invoke(
        &f,
        "tags",
        json!({ "source": id, "repository": "site-layout" }),
    )
    .unwrap();
    assert_eq!(tags, json!(["v1"]));
    let tag = invoke(
        &f,
        "add_tag",
        json!({ "source": id, "repository": "site-layout",
        "digest": pushed.digest.to_string(), "tag": "v2" }),
    )
    .unwrap_err();
    assert!(
        tag["message"].as_str().unwrap().contains("read-only"),
        "{tag}"
    );

    // A folder that is not a layout says so, and is not listed.
    let plain = f.dirs.data.join("plain");
    std::fs::create_dir_all(&plain).unwrap();
    drop_on_window(&f, std::slice::from_ref(&plain));
    let not = invoke(
        &f,
        "open_layout",
        json!({ "path": plain.to_str().unwrap() }),
    )
    .unwrap_err();
    assert!(
        not["message"].as_str().unwrap().contains("oci-layout"),
        "{not}"
    );

    assert_eq!(
        invoke(&f, "close_layout", json!({ "source": id })).unwrap(),
        true
    );
    let gone = invoke(
        &f,
        "tags",
        json!({ "source": id, "repository": "site-layout" }),
    )
    .unwrap_err();
    assert!(
        gone["message"].as_str().unwrap().contains("not open"),
        "{gone}"
    );
}
