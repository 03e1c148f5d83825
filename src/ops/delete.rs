//! Delete: a manifest by digest (or a tag where the registry allows), optionally with every
//! referrer below it, keeping the referrers tag of its subject right.

use std::collections::HashSet;

use serde::Serialize;

use super::fallback;
use crate::digest::Digest;
use crate::error::{Error, Result};
use crate::manifest::Descriptor;
use crate::store::Store;

/// What a delete will remove, deepest referrers first, the named manifest last.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeletePlan {
    /// The manifests to delete, in the order they go: deepest referrers first, the named one last.
    pub manifests: Vec<Descriptor>,
}

/// Works out what `selector` names and, with `cascade`, every referrer below it.
pub async fn plan(store: &Store, selector: &str, cascade: bool) -> Result<DeletePlan> {
    let root = store.resolve(selector).await?;
    let mut order = Vec::new();
    if cascade {
        let mut seen = HashSet::from([root.digest.clone()]);
        collect_referrers(store, &root.digest, &mut seen, &mut order, 0).await?;
    }
    order.push(root);
    Ok(DeletePlan { manifests: order })
}

const MAX_DEPTH: usize = 32;

/// Post-order: a referrer's own referrers come before it, so nothing is left pointing at a gap.
async fn collect_referrers(
    store: &Store,
    subject: &Digest,
    seen: &mut HashSet<Digest>,
    order: &mut Vec<Descriptor>,
    depth: usize,
) -> Result<()> {
    if depth > MAX_DEPTH {
        return Err(Error::Invalid(format!(
            "referrers of {subject} nest deeper than {MAX_DEPTH}"
        )));
    }
    for referrer in store.referrers(subject, None).await? {
        if seen.insert(referrer.digest.clone()) {
            Box::pin(collect_referrers(
                store,
                &referrer.digest,
                seen,
                order,
                depth + 1,
            ))
            .await?;
            order.push(referrer);
        }
    }
    Ok(())
}

/// Deletes what `selector` names (with `cascade`, every referrer below it), provided the plan is
/// still `expected`, the manifests a preview showed in order: a referrer attached since would
/// otherwise go without the user having seen it. Returns what was deleted.
pub async fn delete_previewed(
    store: &Store,
    selector: &str,
    cascade: bool,
    expected: &[Digest],
) -> Result<Vec<Digest>> {
    let plan = plan(store, selector, cascade).await?;
    let planned: Vec<&Digest> = plan.manifests.iter().map(|d| &d.digest).collect();
    if !planned.iter().copied().eq(expected.iter()) {
        return Err(Error::ChangedSincePreview {
            what: format!("what deleting {selector} removes"),
            then: manifests(expected.len()),
            now: manifests(planned.len()),
        });
    }
    execute(store, &plan).await
}

fn manifests(n: usize) -> String {
    match n {
        1 => "1 manifest".into(),
        n => format!("{n} manifests"),
    }
}

/// Carries out a plan. Each manifest leaves its subject's referrers tag before it goes, so a
/// failure halfway leaves no entry pointing at a deleted manifest.
pub async fn execute(store: &Store, plan: &DeletePlan) -> Result<Vec<Digest>> {
    let mut deleted = Vec::new();
    for desc in &plan.manifests {
        if let Some((registry, repository)) = store.registry() {
            let subject = store
                .fetch_manifest(&desc.digest.to_string())
                .await
                .ok()
                .and_then(|f| f.parse().ok())
                .and_then(|m| m.subject().map(|s| s.digest.clone()));
            if let Some(subject) = subject {
                fallback::update(
                    registry,
                    repository,
                    &subject,
                    fallback::Change::Remove(desc.digest.clone()),
                )
                .await?;
            }
        }
        store.delete_manifest(&desc.digest).await?;
        deleted.push(desc.digest.clone());
    }
    Ok(deleted)
}

/// Removes a tag only, where the store can; registries following distribution refuse this,
/// and say so in their error.
pub async fn untag(store: &Store, tag: &str) -> Result<()> {
    match store {
        Store::Remote {
            registry,
            repository,
        } => registry.delete_tag(repository, tag).await,
        Store::Layout(_) => Err(Error::Invalid(
            "removing a tag alone from a layout is not supported; delete the manifest by digest"
                .into(),
        )),
    }
}
