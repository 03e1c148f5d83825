//! What the graph canvas should show for a graph the core loaded: every node with its kind,
//! every edge labelled by how it was found, and the node of the tag that was opened. Computed
//! from `graph::load` over the same store the app reads, never written down by hand.

use std::collections::{BTreeMap, BTreeSet};

use stowage::graph::{EdgeKind, Graph, NodeKind, Via};

use crate::app::{ShownEdge, ShownNode};

/// Images with more layers than this are drawn with their layers folded into one node; the
/// scenarios keep below it so that every node of the core's graph is on the canvas.
pub const LAYER_FOLD_THRESHOLD: usize = 3;
/// The view id of the node standing for the opened tag.
pub fn tag_node(tag: &str) -> String {
    format!("tag:{tag}")
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpectedView {
    /// view id -> kind (the core's kinds in kebab-case, plus "tag").
    pub nodes: BTreeMap<String, String>,
    pub edges: BTreeSet<ShownEdge>,
}

/// The kind as the UI names it (the IPC's kebab-case).
pub fn kind_name(kind: NodeKind) -> String {
    serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_else(|| format!("{kind:?}").to_lowercase())
}

/// How the UI labels an edge: blobs by their role, the rest by how they were found.
pub fn edge_label(kind: EdgeKind, via: Via) -> &'static str {
    match (kind, via) {
        (EdgeKind::Config, _) => "config",
        (EdgeKind::Layer, _) => "layer",
        (_, Via::Index) => "index",
        (_, Via::Manifest) => "manifest",
        (_, Via::Api) => "referrers API",
        (_, Via::TagSchema) => "tag schema",
        (_, Via::CosignTag) => "cosign tag",
        (_, Via::Buildx) => "buildx",
        (_, Via::Subject) => "subject",
    }
}

/// The view of `graph` opened through `tag`. Panics when an image has enough layers to be
/// folded: the scenario would then not show every node, and this mirror does not fold.
pub fn view_of(graph: &Graph, tag: Option<&str>) -> ExpectedView {
    for n in &graph.nodes {
        let layers = graph
            .children(&n.id)
            .filter(|e| e.kind == EdgeKind::Layer)
            .count();
        assert!(
            layers <= LAYER_FOLD_THRESHOLD,
            "{} has {layers} layers: the UI folds them; keep scenarios below {LAYER_FOLD_THRESHOLD}",
            n.id
        );
    }
    let mut nodes: BTreeMap<String, String> = graph
        .nodes
        .iter()
        .map(|n| (n.id.to_string(), kind_name(n.kind)))
        .collect();
    // The UI keys edges by (from, to, kind): the same link found twice is drawn once.
    let mut seen = BTreeSet::new();
    let mut edges = BTreeSet::new();
    for e in &graph.edges {
        if seen.insert((e.from.clone(), e.to.clone(), e.kind)) {
            edges.insert(ShownEdge {
                source: e.from.to_string(),
                target: e.to.to_string(),
                label: edge_label(e.kind, e.via).to_string(),
            });
        }
    }
    if let Some(tag) = tag {
        nodes.insert(tag_node(tag), "tag".into());
        edges.insert(ShownEdge {
            source: tag_node(tag),
            target: graph.root.to_string(),
            label: String::new(),
        });
    }
    ExpectedView { nodes, edges }
}

/// What the canvas shows, in the same shape.
pub fn shown(nodes: &[ShownNode], edges: &[ShownEdge]) -> ExpectedView {
    ExpectedView {
        nodes: nodes
            .iter()
            .map(|n| (n.id.clone(), n.kind.clone()))
            .collect(),
        edges: edges.iter().cloned().collect(),
    }
}

/// How many nodes of each kind.
pub fn kind_counts(view: &ExpectedView) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for kind in view.nodes.values() {
        *counts.entry(kind.clone()).or_default() += 1;
    }
    counts
}

/// A readable difference between what was expected and what is shown.
pub fn diff(expected: &ExpectedView, shown: &ExpectedView) -> String {
    let mut out = Vec::new();
    for (id, kind) in &expected.nodes {
        match shown.nodes.get(id) {
            None => out.push(format!("missing node {id} ({kind})")),
            Some(k) if k != kind => out.push(format!("node {id} is {k}, expected {kind}")),
            Some(_) => {}
        }
    }
    for (id, kind) in &shown.nodes {
        if !expected.nodes.contains_key(id) {
            out.push(format!("unexpected node {id} ({kind})"));
        }
    }
    for e in expected.edges.difference(&shown.edges) {
        out.push(format!("missing edge {e:?}"));
    }
    for e in shown.edges.difference(&expected.edges) {
        out.push(format!("unexpected edge {e:?}"));
    }
    out.join("\n")
}
