//! Loading the artifact graph, streamed to the UI as it is found; and cancelling operations.

use std::time::Duration;

use stowage::cache::ManifestCache;
use stowage::graph::{self, GraphOptions};
use tauri::ipc::Channel;
use tauri::State;

use super::Answer;
use crate::dto::{GraphData, GraphEvent};
use crate::progress;
use crate::state::{AppState, LOCAL};

/// Batches reach the UI at most this often (about 16 a second): enough to watch the graph grow,
/// few enough that the webview never queues work.
const BATCH_EVERY: Duration = Duration::from_millis(60);

/// Loads the graph of `reference` as the cancellable operation `op`: nodes and edges go to
/// `events` in batches as they are found, and the answer is the whole graph. Unless `refresh`,
/// a registry's last graph of the same root is reused when its referrers did not change.
#[tauri::command]
pub async fn load_graph(
    state: State<'_, AppState>,
    source: String,
    repository: String,
    reference: String,
    refresh: bool,
    op: String,
    events: Channel<GraphEvent>,
) -> Answer<GraphData> {
    let store = state.store(&source, &repository).await?;
    let base = state.base(&source, &repository)?;
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let options = GraphOptions {
        cache: Some(ManifestCache::new(state.dirs.manifest_cache())),
        reuse_snapshot: !refresh && source != LOCAL,
        events: Some(tx),
        ..GraphOptions::default()
    };
    let forward = tokio::spawn(progress::forward_graph(rx, BATCH_EVERY, move |e| {
        // A closed channel only means the UI moved on.
        let _ = events.send(e);
    }));
    let selector = reference.clone();
    let loaded = state
        .run(&op, async move {
            graph::load_store(&store, &selector, &options).await
        })
        .await;
    // The walk's sender is gone: the forwarder flushes what is left and ends.
    let _ = forward.await;
    let graph = loaded?;
    let separator = if reference.contains(':') { '@' } else { ':' };
    Ok(GraphData {
        root: graph.root.to_string(),
        reference: format!("{base}{separator}{reference}"),
        base,
        truncated: graph.truncated,
        nodes: graph.nodes.into_iter().map(Into::into).collect(),
        edges: graph.edges.into_iter().map(Into::into).collect(),
        warnings: graph.warnings,
    })
}

/// Cancels the operation `op` (a graph load or a transfer); false when it was not running.
#[tauri::command]
pub async fn cancel(state: State<'_, AppState>, op: String) -> Answer<bool> {
    Ok(state.cancel(&op))
}
