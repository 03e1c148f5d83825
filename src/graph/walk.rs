//! The walk behind every graph: a concurrent walk that fetches each manifest and its referrers
//! as soon as its digest is known, so the time grows with the graph's depth, not its size. It
//! reads through an [`Origin`], the same way for a registry and a layout.

use std::collections::{HashMap, HashSet};

use futures::future::BoxFuture;
use futures::stream::{FuturesUnordered, StreamExt};
use futures::FutureExt;

use super::classify::{
    classify_cosign_suffix, classify_descriptor, classify_manifest, Classification,
    BUILDX_REFERENCE_DIGEST, BUILDX_REFERENCE_TYPE,
};
use super::origin::{Found, Origin, Selector, TagList};
use super::{emit, Edge, EdgeKind, Graph, GraphEvent, GraphOptions, Node, NodeKind, Via};
use crate::digest::Digest;
use crate::error::{Error, Result};
use crate::manifest::FetchedManifest;
use crate::manifest::{Descriptor, Manifest};

pub(super) const COSIGN_SUFFIXES: [&str; 3] = ["sig", "att", "sbom"];

enum Done {
    Root(Result<FetchedManifest>),
    Manifest(Digest, usize, Result<FetchedManifest>),
    Referrers(Digest, usize, Result<Found>),
    Tags(Result<TagList>),
    CosignTag(Digest, usize, &'static str, String, Result<FetchedManifest>),
}

pub(super) struct Walk<'a> {
    origin: Origin,
    root: Selector,
    /// The tag the root was asked for by, which labels it even where tags cannot be listed.
    root_tag: Option<String>,
    options: &'a GraphOptions,
    nodes: Vec<Node>,
    index_of: HashMap<Digest, usize>,
    edges: Vec<Edge>,
    edge_set: HashSet<Edge>,
    /// Manifests whose fetch (and referrers) were started, with their depth.
    visited: HashMap<Digest, usize>,
    /// The store's tags, once listed (for cosign's tags).
    tags: Option<HashSet<String>>,
    /// Tags known to point at a digest without asking (a layout's index.json).
    tags_of: HashMap<Digest, Vec<String>>,
    /// Nodes reached through a cosign tag, whose suffix says what they are better than they do.
    cosign: HashSet<Digest>,
    truncated: bool,
    warnings: Vec<String>,
    pending: FuturesUnordered<BoxFuture<'static, Done>>,
}

impl<'a> Walk<'a> {
    pub(super) fn new(
        origin: Origin,
        root: Selector,
        root_tag: Option<String>,
        options: &'a GraphOptions,
    ) -> Self {
        Walk {
            origin,
            root,
            root_tag,
            options,
            nodes: Vec::new(),
            index_of: HashMap::new(),
            edges: Vec::new(),
            edge_set: HashSet::new(),
            visited: HashMap::new(),
            tags: None,
            tags_of: HashMap::new(),
            cosign: HashSet::new(),
            truncated: false,
            warnings: Vec::new(),
            pending: FuturesUnordered::new(),
        }
    }

    pub(super) async fn run(mut self) -> Result<Graph> {
        let fetch = self.origin.manifest(self.root.clone());
        self.pending.push(fetch.map(Done::Root).boxed());
        if self.options.referrers || self.origin.tags_are_local() {
            let tags = self.origin.tags();
            self.pending.push(tags.map(Done::Tags).boxed());
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
        let root =
            root.ok_or_else(|| Error::Internal("the root manifest was never read".into()))?;
        Ok(Graph {
            root,
            truncated: self.truncated,
            nodes: self.nodes,
            edges: self.edges,
            warnings: self.warnings,
        })
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
            tags: self.root_tag.iter().cloned().collect(),
            error: None,
        });
        self.visited.insert(digest.clone(), 0);
        self.start_referrers(&digest, 0);
        self.check_cosign_tags(&digest, 0);
        self.expand(&digest, &manifest, 0);
        Ok(())
    }

    /// Adds a node unless it is there already or the node cap is reached (false then).
    fn insert_node(&mut self, mut node: Node) -> bool {
        if self.index_of.contains_key(&node.id) {
            return true;
        }
        if self.nodes.len() >= self.options.max_nodes {
            self.truncated = true;
            return false;
        }
        for tag in self.tags_of.get(&node.id).into_iter().flatten() {
            if !node.tags.contains(tag) {
                node.tags.push(tag.clone());
            }
        }
        self.index_of.insert(node.id.clone(), self.nodes.len());
        emit(self.options, || GraphEvent::Node(node.clone()));
        self.nodes.push(node);
        true
    }

    /// Changes node `i` and tells the listeners.
    fn update(&mut self, i: usize, change: impl FnOnce(&mut Node)) {
        let node = &mut self.nodes[i];
        change(node);
        emit(self.options, || GraphEvent::Node(node.clone()));
    }

    fn add_edge(&mut self, from: &Digest, to: &Digest, kind: EdgeKind, via: Via) {
        let edge = Edge {
            from: from.clone(),
            to: to.clone(),
            kind,
            via,
        };
        if self.edge_set.insert(edge.clone()) {
            emit(self.options, || GraphEvent::Edge(edge.clone()));
            self.edges.push(edge);
        }
    }

    fn warn(&mut self, warning: String) {
        emit(self.options, || GraphEvent::Warning(warning.clone()));
        self.warnings.push(warning);
    }

    /// Adds the node a descriptor names and the edge to it; starts its walk if it is a manifest.
    fn link(&mut self, from: &Digest, d: &Descriptor, kind: EdgeKind, via: Via, depth: usize) {
        let c = match kind {
            EdgeKind::Config => Classification {
                kind: NodeKind::Config,
                format: None,
            },
            EdgeKind::Layer => Classification {
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
        let fetch = self.origin.manifest(Selector::Digest(digest.clone()));
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
        let found = self.origin.referrers(digest);
        let d = digest.clone();
        self.pending
            .push(async move { Done::Referrers(d, depth, found.await) }.boxed());
    }

    fn on_manifest(&mut self, digest: &Digest, depth: usize, result: Result<FetchedManifest>) {
        let parsed = result.and_then(|f| f.parse().map(|m| (f, m)));
        let Some(&i) = self.index_of.get(digest) else {
            return;
        };
        match parsed {
            Ok((fetched, manifest)) => {
                let c = classify_manifest(&manifest);
                // cosign's tag suffix, and buildx's annotations, know better than the manifest.
                let keep = self.cosign.contains(digest)
                    || (self.nodes[i].kind == NodeKind::Attestation
                        && c.kind != NodeKind::Attestation);
                self.update(i, |node| {
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
                });
                self.expand(digest, &manifest, depth);
            }
            Err(e) => {
                let message = e.to_string();
                self.update(i, |node| node.error = Some(message));
                self.warn(format!("manifest {digest}: {e}"));
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

    fn on_referrers(&mut self, subject: &Digest, depth: usize, result: Result<Found>) {
        match result {
            Ok(found) => {
                for note in found.notes {
                    self.warn(note);
                }
                for d in &found.descriptors {
                    self.link(subject, d, EdgeKind::Referrer, found.via, depth + 1);
                }
            }
            Err(e) => self.warn(format!("referrers of {subject}: {e}")),
        }
    }

    fn on_tags(&mut self, result: Result<TagList>) {
        let tags = match result {
            Ok(tags) => tags,
            // Listing tags may be denied while pulling is allowed; only cosign links are lost.
            Err(e) => {
                let name = self.origin.name();
                return self.warn(format!("tags of {name}: {e} (cosign tags not checked)"));
            }
        };
        let mut names = HashSet::new();
        for (tag, digest) in tags {
            if let Some(d) = digest {
                self.label(&d, &tag);
                self.tags_of.entry(d).or_default().push(tag.clone());
            }
            names.insert(tag);
        }
        self.tags = Some(names);
        let visited: Vec<(Digest, usize)> =
            self.visited.iter().map(|(d, n)| (d.clone(), *n)).collect();
        for (digest, depth) in visited {
            self.check_cosign_tags(&digest, depth);
        }
    }

    /// Adds `tag` to the node `digest`, if the node is there and lacks it.
    fn label(&mut self, digest: &Digest, tag: &str) {
        let Some(&i) = self.index_of.get(digest) else {
            return;
        };
        if !self.nodes[i].tags.iter().any(|t| t == tag) {
            self.update(i, |node| node.tags.push(tag.to_string()));
        }
    }

    fn check_cosign_tags(&mut self, subject: &Digest, depth: usize) {
        if !self.options.referrers {
            return;
        }
        let Some(tags) = &self.tags else { return };
        let base = subject.fallback_tag();
        let found: Vec<(&'static str, String)> = COSIGN_SUFFIXES
            .iter()
            .map(|s| (*s, format!("{base}.{s}")))
            .filter(|(_, tag)| tags.contains(tag))
            .collect();
        for (suffix, tag) in found {
            let fetch = self.origin.manifest(Selector::Tag(tag.clone()));
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
            Err(e) => return self.warn(format!("cosign tag {tag}: {e}")),
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
        self.cosign.insert(fetched.digest.clone());
        if let Some(&i) = self.index_of.get(&fetched.digest) {
            self.update(i, |node| {
                if !node.tags.contains(&tag) {
                    node.tags.push(tag);
                }
                node.kind = hint.kind;
                node.format = hint.format.map(str::to_string);
            });
        }
    }
}
