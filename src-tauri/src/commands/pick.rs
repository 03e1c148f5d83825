//! The file dialogs the webview may ask for. The shell opens them, grants what the user chose
//! (see `grants`), and returns the paths; `None` when the user cancelled.

use std::path::PathBuf;

use tauri::{AppHandle, Runtime, State};

use super::Answer;
use crate::dialogs;
use crate::dto::NotationPick;
use crate::state::AppState;

/// Files to push or attach.
#[tauri::command]
pub async fn pick_files<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Answer<Option<Vec<String>>> {
    let picked = dialogs::pick_files(&app, "Choose files to push").await?;
    Ok(picked.map(|paths| granted(&state, paths)))
}

/// Folders to push (each becomes one tar+gzip layer).
#[tauri::command]
pub async fn pick_folders<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Answer<Option<Vec<String>>> {
    let picked = dialogs::pick_folders(&app, "Choose folders to push").await?;
    Ok(picked.map(|paths| granted(&state, paths)))
}

/// A registry's CA certificate.
#[tauri::command]
pub async fn pick_ca_file<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Answer<Option<String>> {
    let certificates = ("Certificates", &["pem", "crt", "cer"][..]);
    let picked = dialogs::pick_file(&app, "Choose a CA certificate", certificates).await?;
    Ok(picked.and_then(|path| granted(&state, vec![path]).pop()))
}

/// A Sigstore `trusted_root.json` to trust (`trust_root`).
#[tauri::command]
pub async fn pick_trusted_root<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Answer<Option<String>> {
    let roots = ("Sigstore trusted root", &["json"][..]);
    let picked = dialogs::pick_file(&app, "Choose a trusted_root.json", roots).await?;
    Ok(picked.and_then(|path| granted(&state, vec![path]).pop()))
}

/// Notation's trust store folder, then its trust policy (`trust_notation`); `None` when the
/// user cancelled either.
#[tauri::command]
pub async fn pick_notation_trust<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Answer<Option<NotationPick>> {
    let Some(store) = dialogs::pick_folder(&app, "Choose notation's trust store folder").await?
    else {
        return Ok(None);
    };
    let policies = ("Trust policy", &["json"][..]);
    let Some(policy) =
        dialogs::pick_file(&app, "Choose its trust policy (trustpolicy.json)", policies).await?
    else {
        return Ok(None);
    };
    let mut paths = granted(&state, vec![store, policy]).into_iter();
    Ok(paths
        .next()
        .zip(paths.next())
        .map(|(store, policy)| NotationPick { store, policy }))
}

fn granted(state: &AppState, paths: Vec<PathBuf>) -> Vec<String> {
    state.grants.grant(&paths);
    paths.iter().map(|p| p.display().to_string()).collect()
}
