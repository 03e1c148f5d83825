//! Changing what a source holds: add a tag, and delete with a preview of what goes.

use stowage::ops::delete;
use stowage::{Digest, Error};
use tauri::State;

use super::Answer;
use crate::dto::DeleteEntry;
use crate::state::AppState;

/// Points `tag` at the manifest `digest` (moving it if it pointed elsewhere).
#[tauri::command]
pub async fn add_tag(
    state: State<'_, AppState>,
    source: String,
    repository: String,
    digest: String,
    tag: String,
) -> Answer<()> {
    stowage::reference::validate_tag(&tag).map_err(Error::Invalid)?;
    let digest: Digest = digest.parse().map_err(Error::from)?;
    let store = state.store(&source, &repository).await?;
    let manifest = store.fetch_manifest(&digest.to_string()).await?;
    Ok(store.tag(&manifest, &tag).await?)
}

/// What deleting `digest` removes: with `cascade`, every referrer below it, deepest first.
#[tauri::command]
pub async fn delete_preview(
    state: State<'_, AppState>,
    source: String,
    repository: String,
    digest: String,
    cascade: bool,
) -> Answer<Vec<DeleteEntry>> {
    let store = state.store(&source, &repository).await?;
    let plan = delete::plan(&store, &digest, cascade).await?;
    Ok(plan.manifests.into_iter().map(DeleteEntry::from).collect())
}

/// Deletes what `delete_preview` showed, provided it is still exactly that: a referrer attached
/// since the preview would otherwise go without the user having seen it.
#[tauri::command]
pub async fn delete(
    state: State<'_, AppState>,
    source: String,
    repository: String,
    digest: String,
    cascade: bool,
    expected: Vec<String>,
) -> Answer<Vec<String>> {
    let expected: Vec<Digest> = expected
        .iter()
        .map(|d| d.parse())
        .collect::<Result<_, _>>()
        .map_err(Error::from)?;
    let store = state.store(&source, &repository).await?;
    let deleted = delete::delete_previewed(&store, &digest, cascade, &expected).await?;
    Ok(deleted.iter().map(ToString::to_string).collect())
}
