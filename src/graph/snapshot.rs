//! The last graph of each root, kept in the cache so reopening a graph costs about two round trips.

use std::collections::BTreeSet;
use std::path::PathBuf;

use super::{EdgeKind, Graph, GraphOptions, Via};
use crate::cache::ManifestCache;
use crate::digest::Digest;
use crate::error::Result;
use crate::reference::Reference;
use crate::registry::Registry;

fn path(cache: &ManifestCache, registry: &str, repository: &str, root: &Digest) -> PathBuf {
    let key = Digest::sha256_of(format!("{registry}/{repository}@{root}").as_bytes());
    cache
        .dir()
        .join("graphs")
        .join(format!("{}.json", key.hex()))
}

pub(super) fn save(cache: &ManifestCache, registry: &Registry, repository: &str, graph: &Graph) {
    if graph.truncated || !graph.warnings.is_empty() {
        return;
    }
    let path = path(cache, registry.name(), repository, &graph.root);
    let written = serde_json::to_vec(graph)
        .map_err(|e| crate::error::Error::Internal(e.to_string()))
        .and_then(|bytes| crate::atomic::write_record(&path, &bytes));
    if let Err(e) = written {
        tracing::debug!(error = %e, "graph snapshot not saved");
    }
}

/// The saved graph of the root `reference` resolves to, if the root's direct referrers are
/// still exactly those saved.
pub(super) async fn reuse(
    registry: &Registry,
    reference: &Reference,
    options: &GraphOptions,
) -> Result<Option<Graph>> {
    let Some(cache) = &options.cache else {
        return Ok(None);
    };
    let root = match &reference.digest {
        Some(d) => d.clone(),
        None => registry.resolve(reference).await?.0,
    };
    let Ok(bytes) = std::fs::read(path(cache, registry.name(), &reference.repository, &root))
    else {
        return Ok(None);
    };
    let Ok(mut graph) = serde_json::from_slice::<Graph>(&bytes) else {
        return Ok(None);
    };
    if graph.root != root {
        return Ok(None);
    }
    if options.referrers {
        let now: BTreeSet<Digest> = registry
            .referrers(&reference.repository, &root, None)
            .await?
            .descriptors
            .into_iter()
            .map(|d| d.digest)
            .collect();
        let saved: BTreeSet<Digest> = graph
            .edges
            .iter()
            .filter(|e| {
                e.from == root
                    && e.kind == EdgeKind::Referrer
                    && matches!(e.via, Via::Api | Via::TagSchema)
            })
            .map(|e| e.to.clone())
            .collect();
        if now != saved {
            return Ok(None);
        }
    }
    if let (Some(tag), Some(node)) = (
        &reference.tag,
        graph.nodes.iter_mut().find(|n| n.id == root),
    ) {
        if !node.tags.contains(tag) {
            node.tags.push(tag.clone());
        }
    }
    Ok(Some(graph))
}
