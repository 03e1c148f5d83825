//! Badges for a list of tags: the digest each names and whether something signs it, describes
//! its contents (SBOM) or attests to it, from the referrers and cosign tags of the manifest and,
//! for an index, of its platform manifests and buildx attestations (where SBOMs of multi-arch
//! images usually hang).

use std::collections::HashSet;

use futures::stream::{self, StreamExt};
use serde::Serialize;

use super::classify::{
    classify_cosign_suffix, classify_descriptor, classify_manifest, is_sbom_predicate,
    BUILDX_REFERENCE_TYPE,
};
use super::subjects::Subjects;
use super::walk::COSIGN_SUFFIXES;
use super::NodeKind;
use crate::digest::Digest;
use crate::layout::Layout;
use crate::manifest::{media_type, Descriptor, Manifest};
use crate::store::{blocking, Store};

/// One tag's badges: the digest it names, and whether something signs it, lists its
/// contents (SBOM) or attests to it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TagSummary {
    /// The tag summarised, as given.
    pub tag: String,
    /// What the tag points at; None when it could not be resolved (see `error`).
    pub digest: Option<Digest>,
    /// Whether a signature refers to the manifest, or to one of an index's platform manifests.
    pub signed: bool,
    /// Whether an SBOM describes it: a referrer, a cosign tag or a buildx attestation says so.
    pub sbom: bool,
    /// Whether an attestation (a provenance, say) refers to it, buildx's included.
    pub attestation: bool,
    /// Why the tag, or its referrers, could not be read; the badges found before stay.
    pub error: Option<String>,
}

/// Platform manifests of an index looked at for badges: enough for every multi-arch image
/// published today, bounded so a hostile index cannot fan one tag out into thousands of requests.
const MAX_PLATFORMS: usize = 16;

/// Summarises each of `tags`, in their order, with at most `concurrency` tags in progress.
/// `all_tags` is every tag of the store (cosign keeps its signatures under tags). A failure on
/// one tag is that tag's `error` and never stops the others.
pub async fn summarize_tags(
    store: &Store,
    tags: &[String],
    all_tags: &[String],
    concurrency: usize,
) -> Vec<TagSummary> {
    let all: HashSet<String> = all_tags.iter().cloned().collect();
    match store {
        Store::Remote { .. } => {
            let all = &all;
            // Owned tags: a closure over `&String` makes the future not `Send` for every
            // lifetime, which async callers that spawn it (the app's commands) need.
            stream::iter(tags.iter().cloned())
                .map(|tag| async move { summarize_remote(store, &tag, all).await })
                .buffered(concurrency.max(1))
                .collect()
                .await
        }
        // Local files: one scan of the layout's subjects serves every tag.
        Store::Layout(layout) => {
            let (layout, wanted) = (layout.clone(), tags.to_vec());
            let summaries = blocking(move || Ok(summarize_layout(&layout, &wanted, &all))).await;
            summaries.unwrap_or_else(|e| tags.iter().map(|t| failed(t, e.to_string())).collect())
        }
    }
}

async fn summarize_remote(store: &Store, tag: &str, all_tags: &HashSet<String>) -> TagSummary {
    let digest = match store.resolve(tag).await {
        Ok(d) => d.digest,
        Err(e) => return failed(tag, e.to_string()),
    };
    let below = match store.fetch_manifest(&digest.to_string()).await {
        Ok(m) => m.parse().map(|m| Below::of(&m)).unwrap_or_default(),
        Err(e) => return failed(tag, e.to_string()),
    };
    let mut summary = TagSummary {
        digest: Some(digest.clone()),
        ..failed(tag, String::new())
    };
    summary.error = None;
    for (i, d) in std::iter::once(&digest).chain(&below.platforms).enumerate() {
        let referrers = store.referrers(d, None).await.map_err(|e| e.to_string());
        let mut read = Vec::new();
        for r in referrers.iter().flatten().filter(|r| says_nothing(r)) {
            if let Ok(m) = store.fetch_manifest(&r.digest.to_string()).await {
                if let Ok(m) = m.parse() {
                    read.push(classify_manifest(&m).kind);
                }
            }
        }
        // A platform's failure is not the tag's: its own referrers still show.
        let referrers = if i == 0 {
            referrers
        } else {
            referrers.or_else(|_| Ok(Vec::new()))
        };
        add_badges(&mut summary, d, all_tags, referrers);
        read.into_iter().for_each(|kind| mark(&mut summary, kind));
    }
    for a in &below.attestations {
        if let Ok(Ok(m)) = store
            .fetch_manifest(&a.to_string())
            .await
            .map(|m| m.parse())
        {
            mark_statements(&mut summary, &m);
        }
    }
    summary
}

/// What an index holds besides itself: platform manifests, and buildx attestation manifests.
#[derive(Default)]
struct Below {
    platforms: Vec<Digest>,
    attestations: Vec<Digest>,
}

impl Below {
    fn of(manifest: &Manifest) -> Below {
        let mut below = Below::default();
        if let Manifest::Index(index) = manifest {
            for m in &index.manifests {
                let is_attestation = m.annotations.get(BUILDX_REFERENCE_TYPE).map(String::as_str)
                    == Some("attestation-manifest");
                let list = if is_attestation {
                    &mut below.attestations
                } else {
                    &mut below.platforms
                };
                if list.len() < MAX_PLATFORMS && media_type::is_manifest(&m.media_type) {
                    list.push(m.digest.clone());
                }
            }
        }
        below
    }
}

/// A buildx attestation manifest: each in-toto layer says by its predicate type whether it is
/// an SBOM or another attestation (a provenance).
fn mark_statements(summary: &mut TagSummary, manifest: &Manifest) {
    let Manifest::Image(image) = manifest else {
        return;
    };
    for layer in &image.layers {
        match layer.annotations.get("in-toto.io/predicate-type") {
            Some(p) if is_sbom_predicate(p) => summary.sbom = true,
            Some(_) => summary.attestation = true,
            None => {}
        }
    }
}

/// A referrer whose descriptor does not tell what it is: pushed without an artifactType (oras-py
/// does that), its descriptor carries the config's media type, as the spec says. Its manifest's
/// layers do tell (an SPDX layer is an SBOM), so it is read, as the graph reads it.
fn says_nothing(r: &Descriptor) -> bool {
    let c = classify_descriptor(&r.media_type, r.artifact_type.as_deref(), &r.annotations);
    !matches!(
        c.kind,
        NodeKind::Signature | NodeKind::Sbom | NodeKind::Attestation
    ) && media_type::is_manifest(&r.media_type)
        && !media_type::is_index(&r.media_type)
}

fn summarize_layout(
    layout: &Layout,
    tags: &[String],
    all_tags: &HashSet<String>,
) -> Vec<TagSummary> {
    let subjects = Subjects::scan(layout);
    let manifest = |d: &Digest| layout.fetch_manifest(d).ok()?.parse().ok();
    tags.iter()
        .map(|tag| {
            let digest = match layout.resolve(tag) {
                Ok(d) => d.digest,
                Err(e) => return failed(tag, e.to_string()),
            };
            let below = manifest(&digest).map(|m| Below::of(&m)).unwrap_or_default();
            let mut summary = TagSummary {
                digest: Some(digest.clone()),
                ..failed(tag, String::new())
            };
            summary.error = None;
            for d in std::iter::once(&digest).chain(&below.platforms) {
                let referrers = match &subjects {
                    Ok(s) => Ok(s.referrers(d)),
                    Err(e) => Err(e.to_string()),
                };
                let read: Vec<NodeKind> = referrers
                    .iter()
                    .flatten()
                    .filter(|r| says_nothing(r))
                    .filter_map(|r| manifest(&r.digest))
                    .map(|m| classify_manifest(&m).kind)
                    .collect();
                add_badges(&mut summary, d, all_tags, referrers);
                read.into_iter().for_each(|kind| mark(&mut summary, kind));
            }
            for a in below.attestations.iter().filter_map(manifest) {
                mark_statements(&mut summary, &a);
            }
            summary
        })
        .collect()
}

fn failed(tag: &str, error: String) -> TagSummary {
    TagSummary {
        tag: tag.to_string(),
        digest: None,
        signed: false,
        sbom: false,
        attestation: false,
        error: Some(error),
    }
}

/// A tag's referrers as found, or why they could not be.
type Referrers = std::result::Result<Vec<Descriptor>, String>;

/// Adds the badges of the manifest `digest`, from cosign's tags and its direct referrers.
fn add_badges(
    summary: &mut TagSummary,
    digest: &Digest,
    all_tags: &HashSet<String>,
    referrers: Referrers,
) {
    let base = digest.fallback_tag();
    for suffix in COSIGN_SUFFIXES {
        if all_tags.contains(&format!("{base}.{suffix}")) {
            mark(summary, classify_cosign_suffix(suffix).kind);
        }
    }
    match referrers {
        Ok(referrers) => {
            for r in referrers {
                let c =
                    classify_descriptor(&r.media_type, r.artifact_type.as_deref(), &r.annotations);
                mark(summary, c.kind);
            }
        }
        Err(e) => {
            summary
                .error
                .get_or_insert(format!("referrers of {digest}: {e}"));
        }
    }
}

fn mark(summary: &mut TagSummary, kind: NodeKind) {
    match kind {
        NodeKind::Signature => summary.signed = true,
        NodeKind::Sbom => summary.sbom = true,
        NodeKind::Attestation => summary.attestation = true,
        _ => {}
    }
}
