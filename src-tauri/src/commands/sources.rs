//! Commands of the sidebar: list sources, add a registry and sign in, sign out, remove.

use tauri::{AppHandle, Runtime, State};

use super::Answer;
use crate::dialogs;
use crate::dto::{AddRegistry, OpenedReference, Source};
use crate::sources;
use crate::state::AppState;

/// The sidebar's sources: the Local store, then registries by name (those added in Stowage and
/// those Docker or podman know), then the layouts opened this session.
#[tauri::command]
pub async fn sources(state: State<'_, AppState>) -> Answer<Vec<Source>> {
    Ok(sources::list(&state).await?)
}

/// What the reference box names (Ctrl+L): source, repository, tag or digest.
#[tauri::command]
pub async fn open_reference(state: State<'_, AppState>, text: String) -> Answer<OpenedReference> {
    Ok(sources::open_reference(&state, &text).await?)
}

/// Opens a dropped layout folder or archive read-only as a source (only a path the user dropped).
#[tauri::command]
pub async fn open_layout(state: State<'_, AppState>, path: String) -> Answer<Source> {
    let path = std::path::PathBuf::from(path);
    state.grants.check(&path)?;
    Ok(sources::open_layout(&state, &path).await?)
}

/// Asks for a layout folder (or with `archive`, a `.tar`) in the shell's dialog and opens it
/// read-only; None when the user cancelled.
#[tauri::command]
pub async fn pick_layout<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    archive: bool,
) -> Answer<Option<Source>> {
    let picked = if archive {
        let tars = ("Layout or docker save archives", &["tar", "tgz", "gz"][..]);
        dialogs::pick_file(&app, "Open an OCI layout archive or docker save tar", tars).await?
    } else {
        dialogs::pick_folder(&app, "Open an OCI layout folder").await?
    };
    match picked {
        Some(path) => Ok(Some(sources::open_layout(&state, &path).await?)),
        None => Ok(None),
    }
}

/// Closes a layout opened read-only.
#[tauri::command]
pub async fn close_layout(state: State<'_, AppState>, source: String) -> Answer<bool> {
    Ok(state.layouts.remove(&source))
}

/// A CA file is read only when the user chose it in the shell's dialog (`pick_ca_file`).
#[tauri::command]
pub async fn add_registry(state: State<'_, AppState>, request: AddRegistry) -> Answer<Source> {
    state.grants.check_all(request.ca_file())?;
    Ok(sources::add(&state, request).await?)
}

/// Signs out of a registry: Stowage's credential leaves the keyring (one in Docker's config
/// stays, Docker owns it). Answers with the source as it now stands.
#[tauri::command]
pub async fn sign_out(state: State<'_, AppState>, source: String) -> Answer<Source> {
    Ok(sources::sign_out(&state, &source).await?)
}

/// Forgets a registry the user added, and Stowage's credential for it in the keyring.
#[tauri::command]
pub async fn remove_registry(state: State<'_, AppState>, source: String) -> Answer<()> {
    Ok(sources::remove(&state, &source).await?)
}
