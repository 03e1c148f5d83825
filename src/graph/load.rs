//! Loading a graph: the entry points for a registry reference and for any store, and the
//! replay of a reused graph's events.

use std::sync::Arc;

use super::origin::{Origin, Selector};
use super::walk::Walk;
use super::{emit, snapshot, Graph, GraphEvent, GraphOptions};
use crate::error::Result;
use crate::reference::Reference;
use crate::registry::Registry;
use crate::store::Store;

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
    let store = Store::Remote {
        registry: registry.clone(),
        repository: reference.repository.clone(),
    };
    let origin = Origin::new(store, options.concurrency, options.cache.clone());
    let graph = Walk::new(origin, root, reference.tag.clone(), options)
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
        Store::Layout(_) => {
            let root = Selector::parse(selector);
            let tag = match &root {
                Selector::Tag(t) => Some(t.clone()),
                Selector::Digest(_) => None,
            };
            let origin = Origin::new(store.clone(), options.concurrency, None);
            Walk::new(origin, root, tag, options).run().await
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
