//! The graph drawn as a text tree from its root, for people (`stowage graph`) and for tests,
//! which compare whole trees instead of lists of edges.
//!
//! The order is the same on every run, however the concurrent walk found things: a node's
//! index children, config and layers first, in the order its manifest lists them, then its
//! referrers, sorted by their labels. A node reached a second time is named, not repeated.

use std::collections::HashSet;
use std::fmt::Write as _;

use super::{EdgeKind, Graph, Node, Via};
use crate::digest::Digest;

/// Draws `graph` with `label` naming each node, the truncation note and warnings after it.
pub fn render(graph: &Graph, label: impl Fn(&Node) -> String) -> String {
    let mut out = String::new();
    let mut seen = HashSet::new();
    if let Some(root) = graph.node(&graph.root) {
        let _ = writeln!(out, "{}", label(root));
        seen.insert(root.id.clone());
        draw_children(graph, &label, &graph.root, "", &mut seen, &mut out);
    }
    if graph.truncated {
        out.push_str("(truncated: a depth or node limit stopped the walk)\n");
    }
    for w in &graph.warnings {
        let _ = writeln!(out, "warning: {w}");
    }
    out
}

fn draw_children(
    graph: &Graph,
    label: &impl Fn(&Node) -> String,
    id: &Digest,
    prefix: &str,
    seen: &mut HashSet<Digest>,
    out: &mut String,
) {
    let mut children: Vec<(EdgeKind, Via, &Node, String)> = graph
        .children(id)
        .filter_map(|edge| {
            let node = graph.node(&edge.to)?;
            Some((edge.kind, edge.via, node, label(node)))
        })
        .collect();
    // Stable: structural edges keep the manifest's order; referrers, found in any order by
    // concurrent requests, go after them by label.
    children.sort_by(|a, b| {
        let referrer = |k: EdgeKind| k == EdgeKind::Referrer;
        match (referrer(a.0), referrer(b.0)) {
            (false, false) => std::cmp::Ordering::Equal,
            (true, true) => a.3.cmp(&b.3),
            (r, _) => r.cmp(&!r),
        }
    });
    for (i, (kind, via, node, text)) in children.iter().enumerate() {
        let (branch, indent) = if i + 1 == children.len() {
            ("└── ", "    ")
        } else {
            ("├── ", "│   ")
        };
        let how = match kind {
            EdgeKind::Referrer => format!("[referrer via {}] ", via_name(*via)),
            _ => String::new(),
        };
        if !seen.insert(node.id.clone()) {
            let _ = writeln!(out, "{prefix}{branch}{how}{text} (shown above)");
            continue;
        }
        let _ = writeln!(out, "{prefix}{branch}{how}{text}");
        let deeper = format!("{prefix}{indent}");
        draw_children(graph, label, &node.id, &deeper, seen, out);
    }
}

/// How a referrer was found, in words.
pub fn via_name(via: Via) -> &'static str {
    match via {
        Via::Index => "index",
        Via::Manifest => "manifest",
        Via::Api => "referrers API",
        Via::TagSchema => "referrers tag",
        Via::CosignTag => "cosign tag",
        Via::Buildx => "buildx",
        Via::Subject => "subject",
    }
}
