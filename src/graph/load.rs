//! Loading a graph: the options, the live events a walk sends, and the entry points for a
//! registry reference and for any store.

use std::sync::Arc;

use tokio::sync::mpsc::UnboundedSender;

use super::source::{Origin, Selector, Source};
use super::walk::Walk;
use super::{snapshot, Edge, Graph, Node};
use crate::cache::ManifestCache;
use crate::error::Result;
use crate::reference::Reference;
use crate::registry::Registry;
use crate::store::Store;

/// How far from the root a walk goes by default: deeper than any real chain of referrers,
/// shallow enough that a hostile registry's endless chain ends quickly.
pub const MAX_DEPTH: usize = 32;
/// How many manifests and blobs a walk takes in by default.
pub const MAX_NODES: usize = 20_000;

#[derive(Debug, Clone)]
pub struct GraphOptions {
    /// How far from the root the walk goes (index -> manifest -> referrer -> … each count one).
    pub max_depth: usize,
    pub max_nodes: usize,
    /// Requests (or layout reads) in flight at once.
    pub concurrency: usize,
    /// Whether to look for referrers (API, fallback tag, subject scan, cosign tags) at all.
    pub referrers: bool,
    /// Where manifests fetched from a registry by digest are kept between runs.
    pub cache: Option<ManifestCache>,
    /// Reuse the last graph of the same registry root when the root's referrers did not change
    /// (costs about two round trips; nested referrers added since are seen on a full load).
    pub reuse_snapshot: bool,
    /// Where to send the graph as it grows, for a view that draws before the walk ends.
    pub events: Option<UnboundedSender<GraphEvent>>,
}

impl Default for GraphOptions {
    fn default() -> Self {
        GraphOptions {
            max_depth: MAX_DEPTH,
            max_nodes: MAX_NODES,
            concurrency: 8,
            referrers: true,
            cache: None,
            reuse_snapshot: false,
            events: None,
        }
    }
}

/// A change to the graph being loaded. A node is sent when added and again, whole, whenever
/// it changes (its manifest arrived, a tag or an error was found): the receiver replaces the
/// node of the same id. Edges and warnings are sent once.
// Events are a few per node and move once through a channel; boxing the node would only make
// the app's match on them clumsier.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum GraphEvent {
    Node(Node),
    Edge(Edge),
    Warning(String),
}

/// Sends an event if anyone listens; a receiver that went away does not concern the walk.
pub(super) fn emit(options: &GraphOptions, event: impl FnOnce() -> GraphEvent) {
    if let Some(tx) = &options.events {
        let _ = tx.send(event());
    }
}

/// Builds the graph of everything reachable from `reference`.
pub async fn load(
    registry: Arc<Registry>,
    reference: &Reference,
    options: &GraphOptions,
) -> Result<Graph> {
    if options.reuse_snapshot {
        if let Some(graph) = snapshot::reuse(&registry, reference, options).await? {
            replay(&graph, options);
            return Ok(graph);
        }
    }
    // Digest first, as a registry would read `repo:tag@digest`; the tag still labels the root.
    let root = match (&reference.digest, &reference.tag) {
        (Some(d), _) => Selector::Digest(d.clone()),
        (None, Some(t)) => Selector::Tag(t.clone()),
        (None, None) => Selector::Tag("latest".into()),
    };
    let origin = Origin::Registry {
        registry: registry.clone(),
        repository: reference.clone(),
    };
    let source = Source::new(origin, options.concurrency, options.cache.clone());
    let graph = Walk::new(source, root, reference.tag.clone(), options)
        .run()
        .await?;
    if let Some(cache) = &options.cache {
        snapshot::save(cache, &registry, &reference.repository, &graph);
    }
    Ok(graph)
}

/// Builds the graph of everything reachable from `selector` (a tag or a digest) in `store`.
/// On a registry this is [`load`]; in a layout, referrers are the manifests whose subject names
/// a node ([`Via::Subject`](super::Via::Subject)), and cosign tags are those in index.json.
pub async fn load_store(store: &Store, selector: &str, options: &GraphOptions) -> Result<Graph> {
    match store {
        Store::Remote {
            registry,
            repository,
        } => {
            let reference = Store::reference(registry, repository, selector)?;
            load(registry.clone(), &reference, options).await
        }
        Store::Layout(layout) => {
            let root = Selector::parse(selector);
            let tag = match &root {
                Selector::Tag(t) => Some(t.clone()),
                Selector::Digest(_) => None,
            };
            let source = Source::new(Origin::Layout(layout.clone()), options.concurrency, None);
            Walk::new(source, root, tag, options).run().await
        }
    }
}

/// Sends a reused graph as if it had been walked.
fn replay(graph: &Graph, options: &GraphOptions) {
    if options.events.is_none() {
        return;
    }
    for n in &graph.nodes {
        emit(options, || GraphEvent::Node(n.clone()));
    }
    for e in &graph.edges {
        emit(options, || GraphEvent::Edge(e.clone()));
    }
    for w in &graph.warnings {
        emit(options, || GraphEvent::Warning(w.clone()));
    }
}
