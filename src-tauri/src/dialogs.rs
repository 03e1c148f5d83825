//! The native file dialogs the shell opens itself, so that where Stowage writes is always chosen
//! by the user in a dialog, never by the webview.

use std::path::PathBuf;

use tauri::{AppHandle, Runtime};
use tauri_plugin_dialog::{DialogExt, FilePath};

use crate::dto::AppError;

/// Asks where to save `file_name`; `None` when the user cancelled.
pub async fn save_file<R: Runtime>(
    app: &AppHandle<R>,
    file_name: &str,
    extension: &str,
) -> Result<Option<PathBuf>, AppError> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.dialog()
        .file()
        .set_file_name(file_name)
        .add_filter(extension.to_uppercase(), &[extension])
        .save_file(move |path| {
            let _ = tx.send(path);
        });
    into_path(rx.await.ok().flatten())
}

/// Asks for a folder; `None` when the user cancelled.
pub async fn pick_folder<R: Runtime>(
    app: &AppHandle<R>,
    title: &str,
) -> Result<Option<PathBuf>, AppError> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.dialog()
        .file()
        .set_title(title)
        .pick_folder(move |path| {
            let _ = tx.send(path);
        });
    into_path(rx.await.ok().flatten())
}

fn into_path(path: Option<FilePath>) -> Result<Option<PathBuf>, AppError> {
    path.map(|p| {
        p.into_path()
            .map_err(|e| AppError::invalid(format!("cannot use that location: {e}")))
    })
    .transpose()
}
