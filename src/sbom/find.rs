//! Every SBOM attached to an artifact, found through the graph: referrers (API, fallback tag,
//! subject scan), cosign `.sbom` and `.att` tags, and buildx attestation manifests, for the
//! artifact itself and each of its platform manifests.

use std::io::Read;
use std::path::Path;

use futures::stream::{self, StreamExt};

use crate::cache::ManifestCache;
use crate::digest::{Digest, Hasher};
use crate::error::{Error, Result};
use crate::graph::{self, is_sbom_predicate, EdgeKind, Graph, GraphOptions, NodeKind, Via};
use crate::layout::Layout;
use crate::manifest::{Descriptor, Manifest, Platform};
use crate::ops::inspect;
use crate::store::Store;

use super::{read, Sbom, MAX_SBOM_BYTES};

/// in-toto predicate annotations: buildx writes the first on its layers, cosign the second.
const PREDICATE_ANNOTATIONS: [&str; 2] = ["in-toto.io/predicate-type", "predicateType"];
/// SBOMs read at once by [`find`]: each may take hundreds of MB while it is parsed.
const READ_AT_ONCE: usize = 2;

/// How [`find`] searches.
#[derive(Debug, Clone, Default)]
pub struct FindOptions {
    /// Only SBOMs whose subject is a manifest of this platform.
    pub platform: Option<Platform>,
    /// The manifest cache for the graph walk, so manifests fetched before are not fetched again.
    pub cache: Option<ManifestCache>,
}

/// The SBOMs of one artifact.
#[derive(Debug)]
pub struct Found {
    /// The digest the selector resolved to.
    pub root: Digest,
    /// Every SBOM found, in the graph's order, each read or with why it could not be.
    pub sboms: Vec<FoundSbom>,
    /// Problems that did not stop the search (from the graph walk).
    pub warnings: Vec<String>,
}

/// Where one SBOM was found, and the SBOM or why it could not be read.
#[derive(Debug)]
pub struct FoundSbom {
    /// Where it was found.
    pub at: SbomRef,
    /// The SBOM, or why it (or the manifest holding it) could not be read.
    pub read: Result<Sbom>,
}

/// Where an SBOM sits in an artifact's graph: its manifest, its blob and what it describes.
#[derive(Debug, Clone, PartialEq)]
pub struct SbomRef {
    /// The manifest holding it (a referrer, a cosign tag's manifest, a buildx attestation).
    pub manifest: Option<Digest>,
    /// The blob it was read from.
    pub layer: Option<Digest>,
    /// The blob's media type; the manifest's when the manifest's layers could not be read.
    pub media_type: String,
    /// The manifest it describes.
    pub subject: Option<Digest>,
    /// The subject's platform, where it has one (a platform manifest of an index).
    pub platform: Option<Platform>,
    /// How the graph reached the manifest from its subject (Referrers API, cosign tag, buildx…);
    /// None when it has no subject.
    pub via: Option<Via>,
}

/// Every SBOM of what `selector` names in `store`: the SBOM itself when it names an SBOM's
/// manifest, else those attached to it and to everything below it.
pub async fn find(store: &Store, selector: &str, options: &FindOptions) -> Result<Found> {
    let graph_options = GraphOptions {
        cache: options.cache.clone(),
        ..GraphOptions::default()
    };
    let graph = graph::load_store(store, selector, &graph_options).await?;
    let mut sboms = Vec::new();
    let mut layers_to_read = Vec::new();
    for (holder, kind) in holders(&graph) {
        if let Some(wanted) = &options.platform {
            if !holder
                .platform
                .as_ref()
                .is_some_and(|p| same_platform(p, wanted))
            {
                continue;
            }
        }
        let manifest = holder
            .manifest
            .clone()
            .ok_or_else(|| Error::Internal("an SBOM holder without a manifest".into()))?;
        let layers = match layers_of(store, &manifest).await {
            Ok(layers) => layers,
            Err(e) => {
                sboms.push(FoundSbom {
                    at: holder,
                    read: Err(e),
                });
                continue;
            }
        };
        for layer in layers.into_iter().filter(|l| may_hold_sbom(l, kind)) {
            let at = SbomRef {
                layer: Some(layer.digest.clone()),
                media_type: layer.media_type.clone(),
                ..holder.clone()
            };
            layers_to_read.push((at, layer));
        }
    }
    // Two at a time: a small SBOM beside a large one is not kept waiting for the whole sum, and
    // no more than two documents are held while parsed. `buffered` keeps the graph's order.
    let mut reads = stream::iter(layers_to_read)
        .map(|(at, layer)| async move { (at, read_layer(store, &layer).await) })
        .buffered(READ_AT_ONCE);
    while let Some((at, read)) = reads.next().await {
        match read {
            // An attestation of something else (a provenance, a vulnerability report).
            Err(Error::Sbom { at: Some(a), .. }) if a == "predicateType" => {}
            read => sboms.push(FoundSbom { at, read }),
        }
    }
    Ok(Found {
        root: graph.root.clone(),
        sboms,
        warnings: graph.warnings,
    })
}

/// Reads a local SBOM file (bounded by [`MAX_SBOM_BYTES`]).
pub async fn read_file(path: &Path) -> Result<Sbom> {
    let path = path.to_path_buf();
    // One read into a buffer of the file's size, then the parse, off the async threads.
    tokio::task::spawn_blocking(move || {
        let file = std::fs::File::open(&path).map_err(|e| Error::io(&path, e))?;
        let size = file.metadata().map_err(|e| Error::io(&path, e))?.len();
        let origin = path.display().to_string();
        let bytes = read_bounded(file, size, &path, &origin)?;
        read(&bytes, None, &origin)
    })
    .await
    .map_err(|e| Error::Internal(format!("reading the SBOM stopped: {e}")))?
}

/// The manifests in the graph that may hold SBOMs, with their subject and its platform.
fn holders(graph: &Graph) -> Vec<(SbomRef, NodeKind)> {
    graph
        .nodes
        .iter()
        // Attestations may hold SBOM statements (buildx, cosign attest) whatever their class
        // says: buildx puts the SBOM and the provenance in one manifest. Their layers tell.
        .filter(|n| matches!(n.kind, NodeKind::Sbom | NodeKind::Attestation))
        .map(|n| {
            let edge = graph
                .edges
                .iter()
                .find(|e| e.to == n.id && e.kind == EdgeKind::Referrer);
            let subject = edge.map(|e| e.from.clone());
            let platform = subject
                .as_ref()
                .and_then(|s| graph.node(s))
                .and_then(|s| s.platform.clone());
            let at = SbomRef {
                manifest: Some(n.id.clone()),
                layer: None,
                media_type: n.media_type.clone(),
                subject,
                platform,
                via: edge.map(|e| e.via),
            };
            (at, n.kind)
        })
        .collect()
}

async fn layers_of(store: &Store, manifest: &Digest) -> Result<Vec<Descriptor>> {
    let fetched = store.fetch_manifest(&manifest.to_string()).await?;
    match fetched.parse()? {
        Manifest::Image(image) => Ok(image.layers),
        // An index as an SBOM's holder has no blobs of its own; its children are nodes too.
        Manifest::Index(_) => Ok(Vec::new()),
    }
}

/// Layers that can be an SBOM. In an SBOM artifact, every layer: its artifact type already
/// says what it holds, and `oras attach` gives files a generic layer type. In an attestation,
/// the in-toto statements and DSSE envelopes whose predicate annotation, where there is one,
/// names an SBOM (the others are provenances, vulnerability reports…).
fn may_hold_sbom(layer: &Descriptor, holder: NodeKind) -> bool {
    if let Some(predicate) = PREDICATE_ANNOTATIONS
        .iter()
        .find_map(|a| layer.annotations.get(*a))
    {
        return is_sbom_predicate(predicate);
    }
    holder == NodeKind::Sbom
        || graph::classify_type(&layer.media_type)
            .is_some_and(|c| matches!(c.kind, NodeKind::Sbom | NodeKind::Attestation))
}

async fn read_layer(store: &Store, layer: &Descriptor) -> Result<Sbom> {
    let origin = format!("{}@{}", store.name(), layer.digest);
    if layer.size > MAX_SBOM_BYTES {
        return Err(too_large(&origin));
    }
    if let Store::Layout(layout) = store {
        return read_layout_blob(layout, layer, origin).await;
    }
    let content = inspect::described(store, layer, MAX_SBOM_BYTES as usize).await?;
    if content.truncated {
        return Err(too_large(&origin));
    }
    let media_type = layer.media_type.clone();
    tokio::task::spawn_blocking(move || read(&content.bytes, Some(&media_type), &origin))
        .await
        .map_err(|e| Error::Internal(format!("reading the SBOM stopped: {e}")))?
}

/// A layout's blob, parsed while its digest is checked on another core (the hash of a large
/// SBOM is a sixth of its reading); what was read counts only if the digest holds.
async fn read_layout_blob(layout: &Layout, layer: &Descriptor, origin: String) -> Result<Sbom> {
    let (file, size) = layout.open_blob(&layer.digest).await?;
    let path = layout.blob_path(&layer.digest);
    let file = file.into_std().await;
    let (digest, media_type) = (layer.digest.clone(), layer.media_type.clone());
    tokio::task::spawn_blocking(move || {
        let bytes = read_bounded(file, size, &path, &origin)?;
        let (actual, sbom) = std::thread::scope(|s| {
            let hash = s.spawn(|| {
                let mut hasher = Hasher::new(digest.algorithm());
                hasher.update(&bytes);
                hasher.finish()
            });
            let sbom = read(&bytes, Some(&media_type), &origin);
            (hash.join(), sbom)
        });
        let actual = actual.map_err(|_| Error::Internal("hashing the SBOM stopped".into()))?;
        if actual != digest {
            return Err(Error::DigestMismatch {
                what: format!("blob at {}", path.display()),
                expected: digest,
                actual,
            });
        }
        sbom
    })
    .await
    .map_err(|e| Error::Internal(format!("reading the SBOM stopped: {e}")))?
}

/// A whole file of `size` bytes in one buffer, refused past [`MAX_SBOM_BYTES`] whatever its
/// size said (a file may grow while it is read).
fn read_bounded(file: std::fs::File, size: u64, path: &Path, origin: &str) -> Result<Vec<u8>> {
    if size > MAX_SBOM_BYTES {
        return Err(too_large(origin));
    }
    let mut bytes = Vec::with_capacity(size as usize);
    file.take(MAX_SBOM_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(path, e))?;
    if bytes.len() as u64 > MAX_SBOM_BYTES {
        return Err(too_large(origin));
    }
    Ok(bytes)
}

fn too_large(origin: &str) -> Error {
    Error::TooLarge {
        what: "SBOM".into(),
        url: origin.to_string(),
        limit: MAX_SBOM_BYTES,
        unit: "bytes",
    }
}

/// `linux/arm64` matches `linux/arm64/v8` and the other way round; a stated variant must agree.
fn same_platform(have: &Platform, want: &Platform) -> bool {
    have.os == want.os
        && have.architecture == want.architecture
        && match (&have.variant, &want.variant) {
            (Some(a), Some(b)) => a == b,
            _ => true,
        }
}
