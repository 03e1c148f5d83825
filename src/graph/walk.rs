//! Loading a graph: a concurrent walk that fetches each manifest and its referrers as soon as
//! its digest is known, so the time grows with the graph's depth, not its size.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use futures::future::BoxFuture;
use futures::stream::{FuturesUnordered, StreamExt};
use futures::FutureExt;
use tokio::sync::Semaphore;

use super::classify::{
    classify_cosign_suffix, classify_descriptor, classify_manifest, BUILDX_REFERENCE_DIGEST,
    BUILDX_REFERENCE_TYPE,
};
use super::{snapshot, Edge, EdgeKind, Graph, Node, NodeKind, Via};
use crate::cache::ManifestCache;
use crate::digest::Digest;
use crate::error::{Error, Result};
use crate::manifest::{Descriptor, Manifest};
use crate::reference::Reference;
use crate::registry::{FetchedManifest, Referrers, ReferrersSource, Registry};

const COSIGN_SUFFIXES: [&str; 3] = ["sig", "att", "sbom"];

#[derive(Debug, Clone)]
pub struct GraphOptions {
    /// How far from the root the walk goes (index -> manifest -> referrer -> … each count one).
    pub max_depth: usize,
    pub max_nodes: usize,
    /// Requests in flight at once.
    pub concurrency: usize,
    /// Whether to look for referrers (API, fallback tag, cosign tags) at all.
    pub referrers: bool,
    /// Where manifests fetched by digest are kept between runs.
    pub cache: Option<ManifestCache>,
    /// Reuse the last graph of the same root when the root's referrers did not change (costs
    /// about two round trips; nested referrers added since are seen on a full load).
    pub reuse_snapshot: bool,
}

impl Default for GraphOptions {
    fn default() -> Self {
        GraphOptions {
            max_depth: 32,
            max_nodes: 20_000,
            concurrency: 8,
            referrers: true,
            cache: None,
            reuse_snapshot: false,
        }
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
            return Ok(graph);
        }
    }
    let graph = Walk::new(registry.clone(), reference, options)
        .run()
        .await?;
    if let Some(cache) = &options.cache {
        snapshot::save(cache, &registry, &reference.repository, &graph);
    }
    Ok(graph)
}

enum Done {
    Root(Result<FetchedManifest>),
    Manifest(Digest, usize, Result<FetchedManifest>),
    Referrers(Digest, usize, Result<Referrers>),
    Tags(Result<Vec<String>>),
    CosignTag(Digest, usize, &'static str, String, Result<FetchedManifest>),
}

struct Walk<'a> {
    registry: Arc<Registry>,
    reference: &'a Reference,
    options: &'a GraphOptions,
    permits: Arc<Semaphore>,
    nodes: Vec<Node>,
    index_of: HashMap<Digest, usize>,
    edges: Vec<Edge>,
    edge_set: HashSet<Edge>,
    /// Manifests whose fetch (and referrers) were started, with their depth.
    visited: HashMap<Digest, usize>,
    tags: Option<HashSet<String>>,
    truncated: bool,
    warnings: Vec<String>,
    pending: FuturesUnordered<BoxFuture<'static, Done>>,
}

impl<'a> Walk<'a> {
    fn new(registry: Arc<Registry>, reference: &'a Reference, options: &'a GraphOptions) -> Self {
        Walk {
            registry,
            reference,
            options,
            permits: Arc::new(Semaphore::new(options.concurrency.max(1))),
            nodes: Vec::new(),
            index_of: HashMap::new(),
            edges: Vec::new(),
            edge_set: HashSet::new(),
            visited: HashMap::new(),
            tags: None,
            truncated: false,
            warnings: Vec::new(),
            pending: FuturesUnordered::new(),
        }
    }

    async fn run(mut self) -> Result<Graph> {
        let root_ref = self.reference.clone();
        let fetch = self.fetch(root_ref.digest.clone(), Some(root_ref));
        self.pending.push(fetch.map(Done::Root).boxed());
        if self.options.referrers {
            let (registry, permits) = (self.registry.clone(), self.permits.clone());
            let repo = self.reference.repository.clone();
            self.pending.push(
                async move {
                    let _permit = permits.acquire_owned().await;
                    Done::Tags(registry.tags(&repo).await)
                }
                .boxed(),
            );
        }
        let mut root = None;
        while let Some(done) = self.pending.next().await {
            match done {
                Done::Root(result) => {
                    let fetched = result?;
                    root = Some(fetched.digest.clone());
                    self.add_root(fetched)?;
                }
                Done::Manifest(digest, depth, result) => self.on_manifest(&digest, depth, result),
                Done::Referrers(digest, depth, result) => self.on_referrers(&digest, depth, result),
                Done::Tags(result) => self.on_tags(result),
                Done::CosignTag(subject, depth, suffix, tag, result) => {
                    self.on_cosign_tag(&subject, depth, suffix, tag, result)
                }
            }
        }
        let root = root.ok_or_else(|| Error::Invalid("the root manifest was never read".into()))?;
        Ok(Graph {
            root,
            truncated: self.truncated,
            nodes: self.nodes,
            edges: self.edges,
            warnings: self.warnings,
        })
    }

    /// A manifest fetch: from the cache when the digest is known and cached, else the registry.
    fn fetch(
        &self,
        digest: Option<Digest>,
        by: Option<Reference>,
    ) -> BoxFuture<'static, Result<FetchedManifest>> {
        let (registry, permits, cache) = (
            self.registry.clone(),
            self.permits.clone(),
            self.options.cache.clone(),
        );
        let reference = by.unwrap_or_else(|| {
            let d = digest.clone().expect("a digest or a reference");
            self.reference.with_digest(d)
        });
        async move {
            if let (Some(cache), Some(d)) = (&cache, &digest) {
                if let Some(bytes) = cache.get(d) {
                    return FetchedManifest::verified(
                        bytes,
                        d,
                        None,
                        &format!("cached manifest {d}"),
                    );
                }
            }
            let _permit = permits.acquire_owned().await;
            let fetched = registry.fetch_manifest(&reference).await?;
            if let Some(cache) = &cache {
                cache.put(&fetched.digest, &fetched.bytes);
            }
            Ok(fetched)
        }
        .boxed()
    }

    fn add_root(&mut self, fetched: FetchedManifest) -> Result<()> {
        let manifest = fetched.parse()?;
        let digest = fetched.digest.clone();
        let c = classify_manifest(&manifest);
        self.insert_node(Node {
            id: digest.clone(),
            kind: c.kind,
            format: c.format.map(str::to_string),
            media_type: fetched.media_type.clone(),
            artifact_type: manifest.artifact_type().map(str::to_string),
            size: fetched.bytes.len() as u64,
            annotations: manifest.annotations().clone(),
            platform: None,
            tags: self.reference.tag.iter().cloned().collect(),
            error: None,
        });
        self.visited.insert(digest.clone(), 0);
        self.start_referrers(&digest, 0);
        self.check_cosign_tags(&digest, 0);
        self.expand(&digest, &manifest, 0);
        Ok(())
    }

    fn insert_node(&mut self, node: Node) -> bool {
        if self.index_of.contains_key(&node.id) {
            return true;
        }
        if self.nodes.len() >= self.options.max_nodes {
            self.truncated = true;
            return false;
        }
        self.index_of.insert(node.id.clone(), self.nodes.len());
        self.nodes.push(node);
        true
    }

    fn add_edge(&mut self, from: &Digest, to: &Digest, kind: EdgeKind, via: Via) {
        let edge = Edge {
            from: from.clone(),
            to: to.clone(),
            kind,
            via,
        };
        if self.edge_set.insert(edge.clone()) {
            self.edges.push(edge);
        }
    }

    /// Adds the node a descriptor names and the edge to it; starts its walk if it is a manifest.
    fn link(&mut self, from: &Digest, d: &Descriptor, kind: EdgeKind, via: Via, depth: usize) {
        let c = match kind {
            EdgeKind::Config => super::Classification {
                kind: NodeKind::Config,
                format: None,
            },
            EdgeKind::Layer => super::Classification {
                kind: NodeKind::Layer,
                format: None,
            },
            _ => classify_descriptor(&d.media_type, d.artifact_type.as_deref(), &d.annotations),
        };
        let added = self.insert_node(Node {
            id: d.digest.clone(),
            kind: c.kind,
            format: c.format.map(str::to_string),
            media_type: d.media_type.clone(),
            artifact_type: d.artifact_type.clone(),
            size: d.size,
            annotations: d.annotations.clone(),
            platform: d.platform.clone(),
            tags: Vec::new(),
            error: None,
        });
        if !added {
            return;
        }
        self.add_edge(from, &d.digest, kind, via);
        if matches!(kind, EdgeKind::Child | EdgeKind::Referrer) {
            self.visit(&d.digest, depth);
        }
    }

    fn visit(&mut self, digest: &Digest, depth: usize) {
        if self.visited.contains_key(digest) {
            return;
        }
        if depth > self.options.max_depth {
            self.truncated = true;
            return;
        }
        self.visited.insert(digest.clone(), depth);
        let fetch = self.fetch(Some(digest.clone()), None);
        let d = digest.clone();
        self.pending
            .push(async move { Done::Manifest(d, depth, fetch.await) }.boxed());
        self.start_referrers(digest, depth);
        self.check_cosign_tags(digest, depth);
    }

    fn start_referrers(&mut self, digest: &Digest, depth: usize) {
        if !self.options.referrers {
            return;
        }
        let (registry, permits) = (self.registry.clone(), self.permits.clone());
        let (repo, d) = (self.reference.repository.clone(), digest.clone());
        self.pending.push(
            async move {
                let _permit = permits.acquire_owned().await;
                let result = registry.referrers(&repo, &d, None).await;
                Done::Referrers(d, depth, result)
            }
            .boxed(),
        );
    }

    fn on_manifest(&mut self, digest: &Digest, depth: usize, result: Result<FetchedManifest>) {
        let parsed = result.and_then(|f| f.parse().map(|m| (f, m)));
        let Some(&i) = self.index_of.get(digest) else {
            return;
        };
        match parsed {
            Ok((fetched, manifest)) => {
                let c = classify_manifest(&manifest);
                let node = &mut self.nodes[i];
                // cosign's tag suffix, and buildx's annotations, know better than the manifest.
                let cosign = node.tags.iter().any(|t| {
                    COSIGN_SUFFIXES
                        .iter()
                        .any(|s| t.ends_with(&format!(".{s}")))
                });
                let keep = cosign
                    || (node.kind == NodeKind::Attestation && c.kind != NodeKind::Attestation);
                if !keep {
                    node.kind = c.kind;
                    node.format = c.format.map(str::to_string);
                }
                node.media_type = fetched.media_type.clone();
                if let Some(t) = manifest.artifact_type() {
                    node.artifact_type = Some(t.to_string());
                }
                for (k, v) in manifest.annotations() {
                    node.annotations.insert(k.clone(), v.clone());
                }
                self.expand(digest, &manifest, depth);
            }
            Err(e) => {
                self.nodes[i].error = Some(e.to_string());
                self.warnings.push(format!("manifest {digest}: {e}"));
            }
        }
    }

    fn expand(&mut self, digest: &Digest, manifest: &Manifest, depth: usize) {
        match manifest {
            Manifest::Index(index) => {
                let (attestations, children): (Vec<_>, Vec<_>) =
                    index.manifests.iter().partition(|d| {
                        d.annotations.get(BUILDX_REFERENCE_TYPE).map(String::as_str)
                            == Some("attestation-manifest")
                    });
                for child in children {
                    self.link(digest, child, EdgeKind::Child, Via::Index, depth + 1);
                }
                for att in attestations {
                    let subject = att
                        .annotations
                        .get(BUILDX_REFERENCE_DIGEST)
                        .and_then(|s| s.parse::<Digest>().ok())
                        .filter(|s| self.index_of.contains_key(s));
                    match subject {
                        Some(s) => self.link(&s, att, EdgeKind::Referrer, Via::Buildx, depth + 2),
                        None => self.link(digest, att, EdgeKind::Child, Via::Index, depth + 1),
                    }
                }
            }
            Manifest::Image(image) => {
                self.link(
                    digest,
                    &image.config,
                    EdgeKind::Config,
                    Via::Manifest,
                    depth + 1,
                );
                for layer in &image.layers {
                    self.link(digest, layer, EdgeKind::Layer, Via::Manifest, depth + 1);
                }
            }
        }
    }

    fn on_referrers(&mut self, subject: &Digest, depth: usize, result: Result<Referrers>) {
        match result {
            Ok(referrers) => {
                let via = match referrers.source {
                    ReferrersSource::Api => Via::Api,
                    ReferrersSource::TagSchema => Via::TagSchema,
                };
                for d in &referrers.descriptors {
                    self.link(subject, d, EdgeKind::Referrer, via, depth + 1);
                }
            }
            Err(e) => self.warnings.push(format!("referrers of {subject}: {e}")),
        }
    }

    fn on_tags(&mut self, result: Result<Vec<String>>) {
        match result {
            Ok(tags) => {
                self.tags = Some(tags.into_iter().collect());
                let visited: Vec<(Digest, usize)> =
                    self.visited.iter().map(|(d, n)| (d.clone(), *n)).collect();
                for (digest, depth) in visited {
                    self.check_cosign_tags(&digest, depth);
                }
            }
            // Listing tags may be denied while pulling is allowed; only cosign links are lost.
            Err(e) => self.warnings.push(format!(
                "tags of {}: {e} (cosign tags not checked)",
                self.reference.repository
            )),
        }
    }

    fn check_cosign_tags(&mut self, subject: &Digest, depth: usize) {
        let Some(tags) = &self.tags else { return };
        let base = subject.fallback_tag();
        let found: Vec<(&'static str, String)> = COSIGN_SUFFIXES
            .iter()
            .map(|s| (*s, format!("{base}.{s}")))
            .filter(|(_, tag)| tags.contains(tag))
            .collect();
        for (suffix, tag) in found {
            let Ok(reference) = self.reference.with_tag(&tag) else {
                continue;
            };
            let fetch = self.fetch(None, Some(reference));
            let s = subject.clone();
            self.pending
                .push(async move { Done::CosignTag(s, depth, suffix, tag, fetch.await) }.boxed());
        }
    }

    fn on_cosign_tag(
        &mut self,
        subject: &Digest,
        depth: usize,
        suffix: &'static str,
        tag: String,
        result: Result<FetchedManifest>,
    ) {
        let fetched = match result {
            Ok(f) => f,
            Err(e) => {
                self.warnings.push(format!("cosign tag {tag}: {e}"));
                return;
            }
        };
        let mut d = Descriptor::new(
            &fetched.media_type,
            fetched.digest.clone(),
            fetched.bytes.len() as u64,
        );
        let hint = classify_cosign_suffix(suffix);
        if let Ok(m) = fetched.parse() {
            d.artifact_type = m.artifact_type().map(str::to_string);
        }
        self.link(subject, &d, EdgeKind::Referrer, Via::CosignTag, depth + 1);
        if let Some(&i) = self.index_of.get(&fetched.digest) {
            let node = &mut self.nodes[i];
            if !node.tags.contains(&tag) {
                node.tags.push(tag);
            }
            node.kind = hint.kind;
            node.format = hint.format.map(str::to_string);
        }
    }
}
