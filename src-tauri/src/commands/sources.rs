//! Commands of the sidebar: list sources, add a registry and sign in, sign out, remove.

use tauri::State;

use super::Answer;
use crate::dto::{AddRegistry, OpenedReference, Source};
use crate::sources;
use crate::state::AppState;

#[tauri::command]
pub async fn sources(state: State<'_, AppState>) -> Answer<Vec<Source>> {
    Ok(sources::list(&state).await?)
}

/// What the reference box names (Ctrl+L): source, repository, tag or digest.
#[tauri::command]
pub async fn open_reference(state: State<'_, AppState>, text: String) -> Answer<OpenedReference> {
    Ok(sources::open_reference(&state, &text).await?)
}

/// A CA file is read only when the user chose it in the shell's dialog (`pick_ca_file`).
#[tauri::command]
pub async fn add_registry(state: State<'_, AppState>, request: AddRegistry) -> Answer<Source> {
    state.grants.check_all(request.ca_file())?;
    Ok(sources::add(&state, request).await?)
}

#[tauri::command]
pub async fn sign_out(state: State<'_, AppState>, source: String) -> Answer<Source> {
    Ok(sources::sign_out(&state, &source).await?)
}

#[tauri::command]
pub async fn remove_registry(state: State<'_, AppState>, source: String) -> Answer<()> {
    Ok(sources::remove(&state, &source).await?)
}
