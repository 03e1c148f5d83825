//! Looking inside an image: its config and build history beside its layers.

use stowage::image;
use tauri::State;

use super::Answer;
use crate::dto::ImageSummary;
use crate::state::AppState;

/// The config of the image `reference` names (an index gives this machine's platform, or
/// `platform`), with each build step beside the layer it made.
#[tauri::command]
pub async fn image_config(
    state: State<'_, AppState>,
    source: String,
    repository: String,
    reference: String,
    platform: Option<String>,
) -> Answer<ImageSummary> {
    let store = state.store(&source, &repository).await?;
    Ok(image::describe(&store, &reference, platform.as_deref())
        .await?
        .into())
}
