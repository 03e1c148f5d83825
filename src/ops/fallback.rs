//! Keeping the referrers tag (`<alg>-<hex>`) right for registries without the Referrers API,
//! including when several clients attach to the same subject at once.
//!
//! The distribution API has no compare-and-swap for tags, so two clients that read the index,
//! add their entry and write it back can each erase the other's entry. Stowage closes that race
//! by bounding it in time: a writer never writes an index it read longer than a staleness bound
//! ago, and a writer is done only when a read at least a settle time (three staleness bounds)
//! after its last write still shows its change. Any concurrent writer that read before our write
//! must have written within its staleness bound, so inside our settle window; we then see our
//! entry missing and write it again. Both bounds grow with the slowest read or write seen, so
//! slow links do not starve writers, and a write that took long to land widens the window it
//! is waited for. The bound assumes other writers' requests take no longer than ours do (the
//! same registry, a similar link).
//!
//! The index PUT is sent once, never retried by the transport: a retry would send bytes read
//! before the first attempt, seconds later, past the staleness bound. A failed PUT (which may
//! still have landed) sends the loop back to reading, so it rebuilds from what is there now.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use crate::digest::Digest;
use crate::error::{Error, Result};
use crate::manifest::media_type::OCI_INDEX;
use crate::manifest::{Descriptor, Manifest};
use crate::reference::Reference;
use crate::registry::{PushedManifest, Registry};
use crate::store::Store;

/// The shortest staleness bound: the longest a read may be trusted before writing back what it said.
const MIN_STALENESS: Duration = Duration::from_millis(250);
const MAX_ROUNDS: usize = 40;
/// Index writes that fail in a row before the update gives up.
const MAX_FAILED_WRITES: usize = 6;

/// What to do to the index: add this descriptor, or remove the one with this digest.
#[derive(Debug, Clone)]
pub enum Change {
    /// Add this referrer's descriptor.
    Add(Descriptor),
    /// Remove the entry of the referrer with this digest.
    Remove(Digest),
}

impl Change {
    fn digest(&self) -> &Digest {
        match self {
            Change::Add(d) => &d.digest,
            Change::Remove(d) => d,
        }
    }

    fn is_applied(&self, entries: &[Descriptor]) -> bool {
        let present = entries.iter().any(|e| &e.digest == self.digest());
        matches!(self, Change::Add(_)) == present
    }
}

/// Applies `change` to the referrers tag of `subject` in `repository`, and waits until it sticks.
pub async fn update(
    registry: &Registry,
    repository: &str,
    subject: &Digest,
    change: Change,
) -> Result<()> {
    let tag = subject.fallback_tag();
    let reference = Reference {
        registry: registry.name().to_string(),
        repository: repository.to_string(),
        tag: Some(tag.clone()),
        digest: None,
    };
    let mut replaced: Vec<Digest> = Vec::new();
    let mut last_write: Option<Instant> = None;
    let mut slowest = Duration::ZERO;
    let mut failed_writes = 0;
    for round in 0..MAX_ROUNDS {
        let read_at = Instant::now();
        let (current, entries) = read_index(registry, &reference).await?;
        slowest = slowest.max(read_at.elapsed());
        let staleness = MIN_STALENESS.max(slowest * 2);
        let settle = staleness * 3;
        if change.is_applied(&entries) {
            match last_write {
                // Nothing to do, and nothing of ours that could be undone.
                None => return Ok(()),
                Some(at) if at.elapsed() >= settle => {
                    delete_replaced(registry, repository, &replaced, current.as_ref()).await;
                    return Ok(());
                }
                Some(at) => {
                    tokio::time::sleep(settle.saturating_sub(at.elapsed())).await;
                    continue;
                }
            }
        }
        let mut next: Vec<Descriptor> = entries
            .into_iter()
            .filter(|e| &e.digest != change.digest())
            .collect();
        if let Change::Add(d) = &change {
            next.push(d.clone());
        }
        let bytes = index_bytes(&next)?;
        if read_at.elapsed() > staleness {
            continue;
        }
        let write_at = Instant::now();
        let written = registry
            .push_manifest_once(repository, &tag, OCI_INDEX, bytes.into())
            .await;
        slowest = slowest.max(write_at.elapsed());
        // A failed write may have landed all the same: it is waited out like any other.
        last_write = Some(Instant::now());
        match written {
            Ok(_) => {
                failed_writes = 0;
                if let Some(old) = current {
                    replaced.push(old);
                }
            }
            Err(e) if passing(&e) && failed_writes + 1 < MAX_FAILED_WRITES => {
                tracing::debug!(%tag, error = %e, "referrers index write failed; reading again");
                failed_writes += 1;
            }
            Err(e) => return Err(e),
        }
        // Spread the next attempts of writers that collided, so they stop colliding.
        if round > 0 || failed_writes > 0 {
            tokio::time::sleep(jitter(round)).await;
        }
    }
    Err(Error::Invalid(format!(
        "the referrers tag {tag} in {repository} kept changing under us; {} is not recorded",
        change.digest()
    )))
}

/// A failure another attempt may get past: the registry was busy or the connection dropped.
fn passing(e: &Error) -> bool {
    match e {
        Error::Status { status, .. } => *status == 429 || (500..600).contains(status),
        Error::Connect { .. } => true,
        _ => false,
    }
}

/// A random pause of up to 50 ms per round so far (at most 250 ms): random per writer, so
/// writers that collided once do not collide again in step.
fn jitter(round: usize) -> Duration {
    use std::hash::BuildHasher;
    // RandomState is seeded from the OS per process and differs per instance.
    let random = std::collections::hash_map::RandomState::new().hash_one(round);
    let span = 50 * (round as u64 + 1).min(5);
    Duration::from_millis(random % span)
}

/// The current index behind the tag and its entries; no tag is an empty index.
async fn read_index(
    registry: &Registry,
    reference: &Reference,
) -> Result<(Option<Digest>, Vec<Descriptor>)> {
    match registry.fetch_manifest(reference).await {
        Ok(fetched) => match fetched.parse()? {
            Manifest::Index(index) => Ok((Some(fetched.digest), index.manifests)),
            Manifest::Image(_) => Err(Error::Malformed {
                url: reference.to_string(),
                detail: "the referrers tag holds an image manifest, not an index; refusing to overwrite it".into(),
            }),
        },
        Err(e) if e.is_not_found() => Ok((None, Vec::new())),
        Err(e) => Err(e),
    }
}

fn index_bytes(entries: &[Descriptor]) -> Result<Vec<u8>> {
    #[derive(serde::Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Index<'a> {
        schema_version: u32,
        media_type: &'a str,
        manifests: &'a [Descriptor],
        #[serde(skip_serializing_if = "BTreeMap::is_empty")]
        annotations: BTreeMap<String, String>,
    }
    serde_json::to_vec(&Index {
        schema_version: 2,
        media_type: OCI_INDEX,
        manifests: entries,
        annotations: BTreeMap::new(),
    })
    .map_err(|e| Error::Invalid(e.to_string()))
}

/// The spec asks clients to delete the index they replaced, where the registry allows it.
/// Never the one the tag points at now, and failures only leave garbage behind.
async fn delete_replaced(
    registry: &Registry,
    repository: &str,
    replaced: &[Digest],
    current: Option<&Digest>,
) {
    for old in replaced {
        if Some(old) == current {
            continue;
        }
        if let Err(e) = registry.delete_manifest(repository, old).await {
            tracing::debug!(digest = %old, error = %e, "old referrers index not deleted");
        }
    }
}

/// After a manifest push: when the manifest has a subject, the store is a registry, and the
/// registry did not index the subject itself (no `OCI-Subject`), adds the manifest to the
/// subject's referrers tag. Returns whether the tag was updated, `None` without a subject or a registry.
pub async fn record_referrer(
    store: &Store,
    manifest: &Manifest,
    media_type: &str,
    pushed: &PushedManifest,
) -> Result<Option<bool>> {
    let (Some(subject), Some((registry, repository))) = (manifest.subject(), store.registry())
    else {
        return Ok(None);
    };
    if pushed.subject.as_ref() == Some(&subject.digest) {
        return Ok(Some(false));
    }
    let entry = referrer_descriptor(manifest, media_type, pushed.digest.clone(), pushed.size);
    update(registry, repository, &subject.digest, Change::Add(entry)).await?;
    Ok(Some(true))
}

/// The descriptor of a referrer for the index: media type, digest, size, artifactType (falling
/// back to the config's media type) and the manifest's annotations, as the spec requires.
pub fn referrer_descriptor(
    manifest: &Manifest,
    media_type: &str,
    digest: Digest,
    size: u64,
) -> Descriptor {
    let mut d = Descriptor::new(media_type, digest, size);
    d.artifact_type = manifest.artifact_type().map(str::to_string);
    d.annotations = manifest.annotations().clone();
    d
}
