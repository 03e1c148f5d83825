//! Every signature and attestation attached to an artifact, found through the graph (cosign
//! `.sig` and `.att` tags, referrers by API, fallback tag or subject scan; notation and sigstore
//! bundles among them), for the artifact itself and each of its platform manifests, each layer
//! decoded with the digest it is attached to.

use futures::stream::{self, StreamExt};

use crate::cache::ManifestCache;
use crate::digest::Digest;
use crate::error::{Error, Result};
use crate::graph::{self, EdgeKind, Graph, GraphOptions, NodeKind, Via};
use crate::manifest::{Descriptor, Manifest, Platform};
use crate::ops::inspect;
use crate::store::Store;

use super::{decode, media_type, verify, BundleContent, Signed, Statement, Trust, Verdict};
use super::{SignatureError, MAX_SIGNATURE_BYTES};

/// Layers read at once: signatures are kilobytes, so this only overlaps round trips.
const READ_AT_ONCE: usize = 4;

/// How [`find`] reads the registry or layout.
#[derive(Debug, Clone, Default)]
pub struct FindOptions {
    /// Manifests already fetched, by digest, read from and added to while walking the graph;
    /// `None` fetches every manifest.
    pub cache: Option<ManifestCache>,
}

/// The signatures and attestations of one artifact.
#[derive(Debug)]
pub struct Found {
    /// The digest the selector resolved to.
    pub root: Digest,
    /// Each signature or attestation layer, in the graph's order (the same from run to run).
    pub signatures: Vec<FoundSignature>,
    /// Problems that did not stop the search (from the graph walk).
    pub warnings: Vec<String>,
}

/// One signature or attestation layer, where it was found, and what it decoded to.
#[derive(Debug)]
pub struct FoundSignature {
    /// The manifest holding it (a `.sig` or `.att` tag's manifest, a referrer).
    pub manifest: Digest,
    /// The layer it was read from; `None` when the manifest itself could not be read.
    pub layer: Option<Digest>,
    /// The layer's media type (the manifest's, when there is no layer).
    pub media_type: String,
    /// `cosign`, `dsse`, `sigstore-bundle` or `notation`: what the layer's media type names,
    /// else what the graph calls the manifest (`unknown` when it does not say).
    pub format: String,
    /// The manifest it is attached to: the digest it must sign.
    pub subject: Digest,
    /// The subject's platform, where it has one (a platform manifest of an index).
    pub platform: Option<Platform>,
    /// `registry/repository` where it was found (what notation trust policies scope by);
    /// `None` in a layout.
    pub scope: Option<String>,
    /// How the graph found the manifest: Referrers API, fallback tag, cosign tag, subject scan.
    pub via: Via,
    /// The decoded layer; [`Error::Signature`] when its bytes do not decode, another error
    /// when they could not be read.
    pub read: Result<Signed>,
}

impl FoundSignature {
    /// What checking it against `trust` finds. A layer that could not be read or decoded fails,
    /// with why as the reason: it is there, and it does not verify.
    pub fn verdict(&self, trust: &Trust) -> Verdict {
        match &self.read {
            Ok(signed) => verify(signed, &self.subject, self.scope.as_deref(), trust),
            Err(e) => Verdict::Failed {
                reason: e.to_string(),
            },
        }
    }

    /// The in-toto predicate type of an attestation (its envelope's statement), as signed.
    pub fn predicate_type(&self) -> Option<&str> {
        self.statement().map(|s| s.predicate_type.as_str())
    }

    /// An attestation's in-toto statement, as signed.
    pub fn statement(&self) -> Option<&Statement> {
        let envelope = match self.read.as_ref().ok()? {
            Signed::Dsse(layer) => &layer.envelope,
            Signed::Bundle(bundle) => match &bundle.content {
                BundleContent::Dsse(envelope) => envelope,
                BundleContent::MessageSignature(_) => return None,
            },
            Signed::Cosign(_) | Signed::Notation(_) => return None,
        };
        envelope.statement.as_ref()
    }
}

/// Every signature and attestation of what `selector` names in `store`, and of its platform
/// manifests when it is an index. Signatures of those signatures, or of SBOMs attached beside
/// them, are not the artifact's and are left out.
pub async fn find(store: &Store, selector: &str, options: &FindOptions) -> Result<Found> {
    let graph_options = GraphOptions {
        cache: options.cache.clone(),
        ..GraphOptions::default()
    };
    let graph = graph::load_store(store, selector, &graph_options).await?;
    let mut signatures = Vec::new();
    let mut layers_to_read = Vec::new();
    for holder in holders(&graph) {
        let layers = match layers_of(store, &holder.manifest).await {
            Ok(layers) => layers,
            Err(e) => {
                let media_type = holder.media_type.clone();
                let format = holder.format.clone();
                signatures.push(holder.found(None, media_type, format, Err(e)));
                continue;
            }
        };
        for layer in layers {
            let format = match format_of(&layer.media_type) {
                Some(format) => format.to_string(),
                // An attestation manifest may hold unsigned statements (buildx writes them
                // beside the image): those are not signatures. A signature manifest holds
                // nothing else, so there an unknown layer is listed, and fails to decode.
                None if holder.kind == NodeKind::Attestation => continue,
                None => holder.format.clone(),
            };
            layers_to_read.push((holder.clone(), layer, format));
        }
    }
    // `buffered` keeps the graph's order, so the output is the same from run to run.
    let mut reads = stream::iter(layers_to_read)
        .map(|(holder, layer, format)| async move {
            let read = read_layer(store, &layer).await;
            holder.found(Some(layer.digest), layer.media_type, format, read)
        })
        .buffered(READ_AT_ONCE);
    while let Some(found) = reads.next().await {
        signatures.push(found);
    }
    let scope = matches!(store, Store::Remote { .. }).then(|| store.name());
    for signature in &mut signatures {
        signature.scope.clone_from(&scope);
    }
    let mut warnings = graph.warnings;
    if graph.truncated {
        warnings.push("the graph walk stopped at its limits: signatures may be missing".into());
    }
    Ok(Found {
        root: graph.root,
        signatures,
        warnings,
    })
}

/// A signature or attestation manifest and the manifest it is attached to.
#[derive(Debug, Clone)]
struct Holder {
    manifest: Digest,
    media_type: String,
    kind: NodeKind,
    format: String,
    subject: Digest,
    platform: Option<Platform>,
    via: Via,
}

impl Holder {
    fn found(
        self,
        layer: Option<Digest>,
        media_type: String,
        format: String,
        read: Result<Signed>,
    ) -> FoundSignature {
        FoundSignature {
            manifest: self.manifest,
            layer,
            media_type,
            format,
            subject: self.subject,
            platform: self.platform,
            scope: None,
            via: self.via,
            read,
        }
    }
}

/// The signature and attestation manifests attached to the root or to one of its platform
/// manifests (the root's index children), in the order the graph found them.
fn holders(graph: &Graph) -> Vec<Holder> {
    let subjects: Vec<&Digest> = std::iter::once(&graph.root)
        .chain(
            graph
                .children(&graph.root)
                .filter(|e| e.kind == EdgeKind::Child)
                .map(|e| &e.to),
        )
        .collect();
    let mut out: Vec<Holder> = Vec::new();
    for edge in &graph.edges {
        if edge.kind != EdgeKind::Referrer || !subjects.contains(&&edge.from) {
            continue;
        }
        let Some(node) = graph.node(&edge.to) else {
            continue;
        };
        if !matches!(node.kind, NodeKind::Signature | NodeKind::Attestation) {
            continue;
        }
        // One manifest found twice for one subject (API and fallback tag) is one signature.
        if out
            .iter()
            .any(|h| h.manifest == node.id && h.subject == edge.from)
        {
            continue;
        }
        out.push(Holder {
            manifest: node.id.clone(),
            media_type: node.media_type.clone(),
            kind: node.kind,
            format: node.format.clone().unwrap_or_else(|| "unknown".into()),
            subject: edge.from.clone(),
            platform: graph.node(&edge.from).and_then(|s| s.platform.clone()),
            via: edge.via,
        });
    }
    out
}

async fn layers_of(store: &Store, manifest: &Digest) -> Result<Vec<Descriptor>> {
    let fetched = store.fetch_manifest(&manifest.to_string()).await?;
    match fetched.parse()? {
        Manifest::Image(image) => Ok(image.layers),
        // An index as a signature's holder has no blobs of its own; its children are nodes.
        Manifest::Index(_) => Ok(Vec::new()),
    }
}

/// The format a layer's media type names, for the media types [`decode`] reads.
fn format_of(layer_media_type: &str) -> Option<&'static str> {
    match super::essence(layer_media_type).as_str() {
        media_type::COSIGN_SIMPLE_SIGNING => Some("cosign"),
        media_type::DSSE_ENVELOPE => Some("dsse"),
        media_type::NOTATION_JWS | media_type::NOTATION_COSE => Some("notation"),
        // Every version: `bundle+json;version=0.x` and `bundle.v0.3+json`.
        s if s.starts_with("application/vnd.dev.sigstore.bundle") => Some("sigstore-bundle"),
        _ => None,
    }
}

/// Reads a layer (bounded by [`MAX_SIGNATURE_BYTES`], checked against its digest) and decodes
/// it by its descriptor's media type and annotations.
async fn read_layer(store: &Store, layer: &Descriptor) -> Result<Signed> {
    let too_large = |size: u64| {
        Error::Signature(SignatureError::TooLarge {
            what: "signature layer",
            size: usize::try_from(size).unwrap_or(usize::MAX),
            limit: MAX_SIGNATURE_BYTES,
        })
    };
    if layer.size > MAX_SIGNATURE_BYTES as u64 {
        return Err(too_large(layer.size));
    }
    let content = inspect::described(store, layer, MAX_SIGNATURE_BYTES).await?;
    if content.truncated {
        return Err(too_large(content.size));
    }
    Ok(decode(
        &layer.media_type,
        &layer.annotations,
        &content.bytes,
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_follow_the_media_types_decode_reads() {
        let cases = [
            (
                "application/vnd.dev.cosign.simplesigning.v1+json",
                Some("cosign"),
            ),
            (
                "Application/VND.dsse.envelope.v1+json; charset=utf-8",
                Some("dsse"),
            ),
            (
                "application/vnd.dev.sigstore.bundle.v0.3+json",
                Some("sigstore-bundle"),
            ),
            (
                "application/vnd.dev.sigstore.bundle+json;version=0.2",
                Some("sigstore-bundle"),
            ),
            ("application/jose+json", Some("notation")),
            ("application/cose", Some("notation")),
            // buildx's unsigned statements: not signatures.
            ("application/vnd.in-toto+json", None),
            ("application/vnd.oci.image.layer.v1.tar", None),
        ];
        for (media, want) in cases {
            assert_eq!(format_of(media), want, "{media}");
        }
    }
}
