//! A signature node's details: the signatures and attestations attached to its subject, each
//! decoded and checked.

use stowage::cache::ManifestCache;
use stowage::signature::{self, FindOptions};
use tauri::State;

use super::Answer;
use crate::dto::{AppError, SignatureDetails};
use crate::state::AppState;

/// Every signature and attestation of `subject` (and of its platform manifests), checked
/// against the user's trust settings and the trusted roots Stowage ships.
#[tauri::command]
pub async fn signature_details(
    state: State<'_, AppState>,
    source: String,
    repository: String,
    subject: String,
) -> Answer<Vec<SignatureDetails>> {
    let store = state.store(&source, &repository).await?;
    let options = FindOptions {
        cache: Some(ManifestCache::new(state.dirs.manifest_cache())),
    };
    let found = signature::find(&store, &subject, &options).await?;
    let trust = state.trust();
    // Certificate chains and log entries are CPU work: off the async threads.
    let details = tokio::task::spawn_blocking(move || {
        found
            .signatures
            .iter()
            .map(|s| SignatureDetails::new(s, trust.verdicts.of(s)))
            .collect()
    })
    .await
    .map_err(|e| AppError::internal(format!("verifying signatures stopped: {e}")))?;
    Ok(details)
}
