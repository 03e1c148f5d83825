//! Repositories, tags, content and the streamed graph of the Local store.

use std::sync::{Arc, Mutex};

use serde_json::json;
use stowage_app::dto::{GraphData, GraphEvent};
use stowage_app::state::AppState;
use tauri::ipc::{Channel, InvokeResponseBody};
use tauri::Manager;

use crate::*;

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

/// An image in the Local store's `team/img:v1`: a config with a history of two steps (one made
/// no layer) and one gzip layer.
async fn local_image(f: &Fixture) -> String {
    use stowage::store::Store;
    let layout = f
        .app
        .state::<AppState>()
        .local
        .layout("team/img", true)
        .unwrap();
    let store = Store::Layout(layout);
    let config = json!({"architecture": "amd64", "os": "linux",
        "config": {"Entrypoint": ["/bin/app"], "Cmd": ["--serve"], "Env": ["MODE=prod"],
                   "Labels": {"org.opencontainers.image.source": "https://example.com/app"}},
        "rootfs": {"type": "layers", "diff_ids": ["sha256:aa"]},
        "history": [{"created_by": "COPY app /bin/app"}, {"created_by": "CMD [\"--serve\"]", "empty_layer": true}]});
    let config = serde_json::to_vec(&config).unwrap();
    let layer = b"not really gzip, never read here".to_vec();
    let config_digest = store.push_blob_bytes(config.clone().into()).await.unwrap();
    let layer_digest = store.push_blob_bytes(layer.clone().into()).await.unwrap();
    let manifest = json!({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": config_digest, "size": config.len()},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": layer_digest, "size": layer.len()}]});
    let pushed = store
        .push_manifest(
            serde_json::to_vec(&manifest).unwrap().into(),
            "application/vnd.oci.image.manifest.v1+json",
            &["v1".to_string()],
        )
        .await
        .unwrap();
    pushed.digest.to_string()
}

#[test]
fn an_image_config_comes_with_each_step_beside_its_layer_and_an_artifact_says_it_has_none() {
    let f = fixture();
    let digest = tauri::async_runtime::block_on(local_image(&f));
    let args =
        json!({"source": "local", "repository": "team/img", "reference": "v1", "platform": null});
    let summary = invoke(&f, "image_config", args).unwrap();
    assert_eq!(summary["manifest"], digest.as_str());
    assert_eq!(summary["platform"], "linux/amd64");
    assert_eq!(summary["entrypoint"], json!(["/bin/app"]));
    assert_eq!(summary["env"], json!([{"key": "MODE", "value": "prod"}]));
    assert_eq!(summary["steps"][0]["layer"], 0);
    assert_eq!(summary["steps"][1]["layer"], serde_json::Value::Null);
    assert_eq!(summary["steps"][1]["emptyLayer"], true);
    assert_eq!(summary["layers"][0]["compression"], "gzip");
    assert_eq!(summary["historyMatchesLayers"], true);

    tauri::async_runtime::block_on(local_artifact(&f));
    let args =
        json!({"source": "local", "repository": "team/app", "reference": "v1", "platform": null});
    let err = invoke(&f, "image_config", args).unwrap_err();
    assert_eq!(err["code"], "invalid", "{err}");
    assert!(
        err["message"].as_str().unwrap().contains("not an image"),
        "{err}"
    );
}

#[test]
fn a_pushed_chart_reads_as_its_chart_yaml_values_and_templates() {
    use stowage::ops::push::{push, FileSpec, PushOptions, PushRequest};
    use stowage::store::Store;
    use stowage::transfer::Cancel;
    use stowage::transfer::Transfer;
    let f = fixture();
    let chart = f.dirs.data.join("demo-0.1.0.tgz");
    std::fs::create_dir_all(&f.dirs.data).unwrap();
    {
        let gz = flate2::write::GzEncoder::new(
            std::fs::File::create(&chart).unwrap(),
            flate2::Compression::default(),
        );
        let mut tar = tar::Builder::new(gz);
        for (name, text) in [
            ("demo/Chart.yaml", "apiVersion: v2\nname: demo\nversion: 0.1.0\ndependencies:\n  - name: redis\n    version: 17.x\n    repository: oci://example.com/charts\n"),
            ("demo/values.yaml", "replicaCount: 3\n"),
            ("demo/templates/service.yaml", "kind: Service\n"),
        ] {
            let mut h = tar::Header::new_gnu();
            h.set_size(text.len() as u64);
            h.set_mode(0o644);
            h.set_cksum();
            tar.append_data(&mut h, name, text.as_bytes()).unwrap();
        }
        tar.into_inner().unwrap().finish().unwrap();
    }
    let layout = f
        .app
        .state::<AppState>()
        .local
        .layout("charts/demo", true)
        .unwrap();
    let request = PushRequest {
        files: vec![FileSpec {
            path: chart,
            media_type: None,
        }],
        ..Default::default()
    };
    let pushed = tauri::async_runtime::block_on(push(
        &Store::Layout(layout),
        &request,
        &PushOptions::default(),
        &Transfer::new(),
        &Cancel::new(),
    ))
    .unwrap();
    assert_eq!(pushed.tags, ["0.1.0"]);
    let args = json!({"source": "local", "repository": "charts/demo", "digest": pushed.digest.to_string()});
    let c = invoke(&f, "helm_chart", args).unwrap();
    assert_eq!(c["name"], "demo");
    assert_eq!(c["valuesYaml"], "replicaCount: 3\n");
    assert_eq!(c["templates"], json!(["service.yaml"]));
    assert_eq!(
        c["dependencies"][0]["repository"],
        "oci://example.com/charts"
    );
}

#[test]
fn an_image_lists_its_files_and_shows_one_of_them() {
    use stowage::store::Store;
    let f = fixture();
    let layout = f
        .app
        .state::<AppState>()
        .local
        .layout("team/os", true)
        .unwrap();
    let store = Store::Layout(layout);
    let layer = {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        {
            let mut tar = tar::Builder::new(&mut gz);
            for (name, data) in [
                ("etc/motd", &b"welcome\n"[..]),
                ("bin/tool", &b"\x7fELF\x02\x01\x01\0"[..]),
            ] {
                let mut h = tar::Header::new_gnu();
                h.set_size(data.len() as u64);
                h.set_mode(0o755);
                h.set_cksum();
                tar.append_data(&mut h, name, data).unwrap();
            }
            tar.finish().unwrap();
        }
        gz.finish().unwrap()
    };
    let manifest = tauri::async_runtime::block_on(async {
        let config =
            br#"{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}"#;
        let c = store.push_blob_bytes(config.to_vec().into()).await.unwrap();
        let l = store.push_blob_bytes(layer.clone().into()).await.unwrap();
        let m = json!({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": c, "size": config.len()},
            "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": l, "size": layer.len()}]});
        let pushed = store
            .push_manifest(
                serde_json::to_vec(&m).unwrap().into(),
                "application/vnd.oci.image.manifest.v1+json",
                &["v1".to_string()],
            )
            .await
            .unwrap();
        (pushed.digest.to_string(), l.to_string())
    });
    let (manifest, layer_digest) = manifest;
    let args =
        json!({"source": "local", "repository": "team/os", "reference": "v1", "platform": null});
    let listed = invoke(&f, "image_files", args).unwrap();
    assert_eq!(listed["manifest"], manifest.as_str());
    let paths: Vec<&str> = listed["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["bin/tool", "etc/motd"]);
    assert_eq!(
        listed["entries"][1]["changes"],
        json!([{"layer": 0, "kind": "added"}])
    );
    assert_eq!(listed["layers"][0]["compression"], "gzip");

    let read = |path: &str| {
        invoke(
            &f,
            "layer_file",
            json!({"source": "local", "repository": "team/os",
            "manifest": manifest, "layer": layer_digest, "path": path}),
        )
    };
    let text = read("etc/motd").unwrap();
    assert_eq!(text["text"], "welcome\n");
    let bin = read("bin/tool").unwrap();
    assert!(
        bin["hex"]
            .as_str()
            .unwrap()
            .starts_with("00000000  7f 45 4c 46"),
        "{bin}"
    );
    let missing = read("etc/none").unwrap_err();
    assert_eq!(missing["code"], "not_found", "{missing}");
}
