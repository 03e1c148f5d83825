//! Turns the core's stream of graph events into a few batches a second for the webview.

use std::time::Duration;

use stowage::graph::GraphEvent as CoreEvent;
use tokio::sync::mpsc::UnboundedReceiver;

use crate::dto::{GraphEdge, GraphEvent, GraphNode};

/// Forwards `rx` to `send` in batches, one per `every` at most, until the sender is dropped;
/// what is pending then goes out last. A node sent twice in one batch goes once, as last seen.
pub async fn forward_graph(
    mut rx: UnboundedReceiver<CoreEvent>,
    every: Duration,
    send: impl Fn(GraphEvent),
) {
    let mut nodes: Vec<GraphNode> = Vec::new();
    let mut edges: Vec<GraphEdge> = Vec::new();
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            event = rx.recv() => match event {
                Some(CoreEvent::Node(n)) => {
                    let n = GraphNode::from(n);
                    match nodes.iter_mut().find(|m| m.id == n.id) {
                        Some(m) => *m = n,
                        None => nodes.push(n),
                    }
                }
                Some(CoreEvent::Edge(e)) => edges.push(e.into()),
                Some(CoreEvent::Warning(message)) => send(GraphEvent::Warning { message }),
                None => break,
            },
            _ = tick.tick() => flush(&mut nodes, &mut edges, &send),
        }
    }
    flush(&mut nodes, &mut edges, &send);
}

fn flush(nodes: &mut Vec<GraphNode>, edges: &mut Vec<GraphEdge>, send: &impl Fn(GraphEvent)) {
    if nodes.is_empty() && edges.is_empty() {
        return;
    }
    send(GraphEvent::Nodes {
        nodes: std::mem::take(nodes),
        edges: std::mem::take(edges),
    });
}
