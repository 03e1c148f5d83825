//! The origin of a graph walk: the store it reads from (a registry repository or an OCI
//! layout) with the walk's request budget, behind the three questions the walk asks: a manifest
//! (by digest or tag), the referrers of a digest, the tags.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use futures::future::BoxFuture;
use futures::FutureExt;
use tokio::sync::{OnceCell, Semaphore};

use super::subjects::Subjects;
use super::Via;
use crate::cache::ManifestCache;
use crate::digest::Digest;
use crate::error::Result;
use crate::layout::REF_NAME;
use crate::manifest::Descriptor;
use crate::manifest::FetchedManifest;
use crate::reference::Reference;
use crate::registry::ReferrersSource;
use crate::store::{blocking, Store};

/// A manifest named by digest or by tag.
#[derive(Debug, Clone)]
pub(super) enum Selector {
    Digest(Digest),
    Tag(String),
}

impl Selector {
    /// A digest if `s` parses as one, else a tag.
    pub(super) fn parse(s: &str) -> Selector {
        match s.parse::<Digest>() {
            Ok(d) => Selector::Digest(d),
            Err(_) => Selector::Tag(s.to_string()),
        }
    }
}

/// Tags, each with the digest it points at when the store tells that without a request.
pub(super) type TagList = Vec<(String, Option<Digest>)>;

/// Referrers of one subject, how they were found, and anything worth a warning on the way.
pub(super) struct Found {
    pub(super) descriptors: Vec<Descriptor>,
    pub(super) via: Via,
    pub(super) notes: Vec<String>,
}

/// A store with the walk's request budget and, for registries, its manifest cache.
pub(super) struct Origin {
    store: Store,
    permits: Arc<Semaphore>,
    cache: Option<ManifestCache>,
    /// A layout's subject scan, made once per walk by the first referrers question.
    subjects: Arc<OnceCell<Subjects>>,
    /// Whether the scan's skipped manifests were reported (once per walk, not per question).
    skipped_told: Arc<AtomicBool>,
}

impl Origin {
    pub(super) fn new(store: Store, concurrency: usize, cache: Option<ManifestCache>) -> Self {
        // Layout manifests are local files already; caching them would only duplicate them.
        let cache = match store {
            Store::Remote { .. } => cache,
            Store::Layout(_) => None,
        };
        Origin {
            store,
            permits: Arc::new(Semaphore::new(concurrency.max(1))),
            cache,
            subjects: Arc::new(OnceCell::new()),
            skipped_told: Arc::new(AtomicBool::new(false)),
        }
    }

    /// The repository or layout, for warnings.
    pub(super) fn name(&self) -> String {
        match &self.store {
            Store::Remote { repository, .. } => repository.clone(),
            Store::Layout(l) => format!("oci:{}", l.root().display()),
        }
    }

    /// Whether listing tags costs nothing and tells their digests (a layout's index.json), so
    /// the walk lists them even when it does not look for referrers, to label nodes.
    pub(super) fn tags_are_local(&self) -> bool {
        matches!(self.store, Store::Layout(_))
    }

    /// A manifest, verified: from the cache when the digest is known and cached.
    pub(super) fn manifest(&self, at: Selector) -> BoxFuture<'static, Result<FetchedManifest>> {
        let (store, permits, cache) =
            (self.store.clone(), self.permits.clone(), self.cache.clone());
        async move {
            if let (Some(cache), Selector::Digest(d)) = (&cache, &at) {
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
            match store {
                Store::Remote {
                    registry,
                    repository,
                } => {
                    let base = Reference::repository(registry.name(), &repository)?;
                    let reference = match at {
                        Selector::Digest(d) => base.with_digest(d),
                        Selector::Tag(t) => base.with_tag(&t)?,
                    };
                    let fetched = registry.fetch_manifest(&reference).await?;
                    if let Some(cache) = &cache {
                        cache.put(&fetched.digest, &fetched.bytes);
                    }
                    Ok(fetched)
                }
                Store::Layout(layout) => {
                    blocking(move || {
                        let digest = match at {
                            Selector::Digest(d) => d,
                            Selector::Tag(t) => layout.resolve(&t)?.digest,
                        };
                        layout.fetch_manifest(&digest)
                    })
                    .await
                }
            }
        }
        .boxed()
    }

    /// The referrers of `subject`, and how they were found.
    pub(super) fn referrers(&self, subject: &Digest) -> BoxFuture<'static, Result<Found>> {
        let (store, permits, subject) = (self.store.clone(), self.permits.clone(), subject.clone());
        let (subjects, skipped_told) = (self.subjects.clone(), self.skipped_told.clone());
        async move {
            let _permit = permits.acquire_owned().await;
            match store {
                Store::Remote {
                    registry,
                    repository,
                } => {
                    let found = registry.referrers(&repository, &subject, None).await?;
                    let via = match found.source {
                        ReferrersSource::Api => Via::Api,
                        ReferrersSource::TagSchema => Via::TagSchema,
                    };
                    Ok(Found {
                        descriptors: found.descriptors,
                        via,
                        notes: Vec::new(),
                    })
                }
                Store::Layout(layout) => {
                    let scanned = subjects
                        .get_or_try_init(|| blocking(move || Subjects::scan(&layout)))
                        .await?;
                    let notes = if skipped_told.swap(true, Ordering::Relaxed) {
                        Vec::new()
                    } else {
                        scanned.skipped.clone()
                    };
                    Ok(Found {
                        descriptors: scanned.referrers(&subject),
                        via: Via::Subject,
                        notes,
                    })
                }
            }
        }
        .boxed()
    }

    /// Every tag of the repository or layout.
    pub(super) fn tags(&self) -> BoxFuture<'static, Result<TagList>> {
        let (store, permits) = (self.store.clone(), self.permits.clone());
        async move {
            let _permit = permits.acquire_owned().await;
            match store {
                Store::Remote {
                    registry,
                    repository,
                } => Ok(registry
                    .tags(&repository)
                    .await?
                    .into_iter()
                    .map(|t| (t, None))
                    .collect()),
                Store::Layout(layout) => {
                    let entries = blocking(move || layout.manifests()).await?;
                    Ok(entries
                        .into_iter()
                        .filter_map(|d| {
                            let tag = d.annotations.get(REF_NAME)?.clone();
                            Some((tag, Some(d.digest)))
                        })
                        .collect())
                }
            }
        }
        .boxed()
    }
}
