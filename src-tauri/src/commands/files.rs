//! The files inside an image: the merged filesystem, one file's first bytes, and saving a file.

use stowage::image::files::{self, EntryIndex, FileLimits};
use stowage::image::{self, Resolved};
use stowage::manifest::Descriptor;
use stowage::{Digest, Error};
use tauri::{AppHandle, Runtime, State};

use super::Answer;
use crate::dialogs;
use crate::dto::{FilePreview, ImageFiles};
use crate::state::AppState;

/// How much of a file the preview shows.
const PREVIEW_BYTES: usize = 64 * 1024;

/// The merged files of the image `reference` names (an index gives this machine's platform, or
/// `platform`), each with the layer it comes from. Layers listed before come from the index.
#[tauri::command]
pub async fn image_files(
    state: State<'_, AppState>,
    source: String,
    repository: String,
    reference: String,
    platform: Option<String>,
) -> Answer<ImageFiles> {
    let store = state.store(&source, &repository).await?;
    let Resolved {
        digest, manifest, ..
    } = image::resolve(&store, &reference, platform.as_deref()).await?;
    let index = EntryIndex::new(files::index_dir(&state.dirs.cache));
    let listed = files::image_files(
        &store,
        &manifest.layers,
        &FileLimits::default(),
        Some(&index),
    )
    .await?;
    Ok(ImageFiles::new(
        digest.to_string(),
        &manifest.layers,
        listed,
    ))
}

/// The start of `path` in the layer `layer` of the manifest `manifest`.
#[tauri::command]
pub async fn layer_file(
    state: State<'_, AppState>,
    source: String,
    repository: String,
    manifest: String,
    layer: String,
    path: String,
) -> Answer<FilePreview> {
    let store = state.store(&source, &repository).await?;
    let layer = layer_of(&store, &manifest, &layer).await?;
    Ok(files::read_file(&store, &layer, &path, PREVIEW_BYTES)
        .await?
        .into())
}

/// Saves `path` of a layer where the user says in the shell's dialog; the path saved to, or
/// None when the user cancelled.
#[tauri::command]
pub async fn save_layer_file<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    source: String,
    repository: String,
    manifest: String,
    layer: String,
    path: String,
) -> Answer<Option<String>> {
    let store = state.store(&source, &repository).await?;
    let layer = layer_of(&store, &manifest, &layer).await?;
    let name = path.rsplit('/').next().unwrap_or("file").to_string();
    let Some(dest) = dialogs::save_any(&app, &name).await? else {
        return Ok(None);
    };
    files::save_file(&store, &layer, &path, &dest).await?;
    Ok(Some(dest.display().to_string()))
}

/// The descriptor of `layer` as the manifest gives it: its size is the manifest's word, not the
/// webview's.
async fn layer_of(
    store: &stowage::store::Store,
    manifest: &str,
    layer: &str,
) -> Result<Descriptor, Error> {
    let manifest: Digest = manifest.parse()?;
    let layer: Digest = layer.parse()?;
    let resolved = image::resolve(store, &manifest.to_string(), None).await?;
    resolved
        .manifest
        .layers
        .into_iter()
        .find(|d| d.digest == layer)
        .ok_or_else(|| Error::NotFound {
            what: format!("layer {layer} in {manifest}"),
            url: store.name(),
        })
}
