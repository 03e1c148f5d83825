//! `graph`: the artifact graph of a reference or a layout, as a tree for people or JSON for programs.

use std::fmt::Write as _;
use std::io::Write;

use clap::{Args, ValueEnum};
use stowage::cache::ManifestCache;
use stowage::graph::{self, GraphOptions, Node};
use stowage::location::Location;
use stowage::store::Store;
use stowage::{Error, Result};

use super::Context;

#[derive(Clone, Copy, ValueEnum)]
enum Output {
    Tree,
    Json,
}

#[derive(Args)]
pub struct GraphArgs {
    pub reference: String,
    #[arg(short, long, value_enum, default_value = "tree")]
    output: Output,
    /// How many levels below the root to walk.
    #[arg(long, default_value_t = 32)]
    depth: usize,
    /// Requests in flight at once.
    #[arg(long, default_value_t = 8)]
    concurrency: usize,
    /// Stop after this many nodes (the graph is then marked truncated).
    #[arg(long, default_value_t = 20_000)]
    max_nodes: usize,
    /// Do not look for referrers.
    #[arg(long)]
    no_referrers: bool,
    /// Reuse the last graph of the same root when its referrers did not change (fast; nested
    /// referrers added since then show on the next full load).
    #[arg(long)]
    cached: bool,
    /// Neither read nor write the manifest cache.
    #[arg(long)]
    no_cache: bool,
}

pub async fn graph(ctx: &Context, args: GraphArgs) -> Result<()> {
    let location: Location = args.reference.parse()?;
    let selector = location.selector().unwrap_or_else(|| "latest".into());
    let store = Store::open(&ctx.client, &location, false, &ctx.dirs.cache).await?;
    let options = GraphOptions {
        max_depth: args.depth,
        max_nodes: args.max_nodes,
        concurrency: args.concurrency,
        referrers: !args.no_referrers,
        cache: (!args.no_cache).then(|| ManifestCache::new(ctx.dirs.manifest_cache())),
        reuse_snapshot: args.cached && !args.no_cache,
        events: None,
    };
    let graph = graph::load_store(&store, &selector, &options).await?;
    let text = match args.output {
        Output::Json => {
            serde_json::to_string_pretty(&graph).map_err(|e| Error::Internal(e.to_string()))? + "\n"
        }
        Output::Tree => graph::tree::render(&graph, label),
    };
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|_| out.flush())
        .map_err(|e| Error::io("<stdout>", e))
}

fn label(node: &Node) -> String {
    let kind = serde_json::to_value(node.kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    let mut s = match &node.format {
        Some(f) => format!("{kind} ({f}) {}", node.id.short()),
        None => format!("{kind} {}", node.id.short()),
    };
    if let Some(p) = &node.platform {
        let _ = write!(s, " {p}");
    }
    let _ = write!(s, " {}", super::progress::human_bytes(node.size));
    // An image's "artifact type" is only its config type: noise for people.
    let artifact_type = node
        .artifact_type
        .as_deref()
        .filter(|_| node.kind != graph::NodeKind::Image);
    if let Some(t) = artifact_type.filter(|t| *t != node.media_type) {
        let _ = write!(s, " {t}");
    } else {
        let _ = write!(s, " {}", node.media_type);
    }
    if !node.tags.is_empty() {
        let _ = write!(s, " tags: {}", node.tags.join(", "));
    }
    if let Some(title) = node.annotations.get("org.opencontainers.image.title") {
        let _ = write!(s, " \"{title}\"");
    }
    if let Some(e) = &node.error {
        let _ = write!(s, " ERROR: {e}");
    }
    s
}
