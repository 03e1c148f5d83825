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
