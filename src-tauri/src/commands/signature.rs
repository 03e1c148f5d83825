//! A signature node's details: the signatures and attestations attached to its subject, each
//! decoded and checked.

use stowage::cache::ManifestCache;
use stowage::signature::{self, FindOptions};
use tauri::State;

use super::Answer;
use crate::dto::SignatureDetails;
use crate::state::AppState;

/// Every signature and attestation of `subject` (and of its platform manifests), checked
/// against the trusted roots Stowage ships. No key or identity is trusted in the app yet, so
/// none verifies: a keyless one says whether its certificate and log entry check out, and
/// whom it names.
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
    Ok(found
        .signatures
        .iter()
        .map(|s| SignatureDetails::new(s, s.verdict(&state.trust)))
        .collect())
}
