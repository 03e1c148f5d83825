//! A Helm chart read for people: Chart.yaml, values.yaml, its templates and dependencies.

use stowage::helm;
use tauri::State;

use super::Answer;
use crate::dto::HelmChart;
use crate::state::AppState;

/// The chart the manifest `digest` holds.
#[tauri::command]
pub async fn helm_chart(
    state: State<'_, AppState>,
    source: String,
    repository: String,
    digest: String,
) -> Answer<HelmChart> {
    let store = state.store(&source, &repository).await?;
    Ok(helm::read_pushed(&store, &digest).await?.into())
}
