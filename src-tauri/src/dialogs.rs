//! The native file dialogs the shell opens itself, so that where Stowage writes, and what it may
//! read, is always chosen by the user in a dialog, never by the webview.

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
    let dialog = app
        .dialog()
        .file()
        .set_file_name(file_name)
        .add_filter(extension.to_uppercase(), &[extension]);
    let picked = answer(|done| dialog.save_file(done)).await;
    picked.map(into_path).transpose()
}

/// Asks where to save `file_name`, whatever its kind; `None` when the user cancelled.
pub async fn save_any<R: Runtime>(
    app: &AppHandle<R>,
    file_name: &str,
) -> Result<Option<PathBuf>, AppError> {
    let dialog = app.dialog().file().set_file_name(file_name);
    let picked = answer(|done| dialog.save_file(done)).await;
    picked.map(into_path).transpose()
}

/// Asks for a folder; `None` when the user cancelled.
pub async fn pick_folder<R: Runtime>(
    app: &AppHandle<R>,
    title: &str,
) -> Result<Option<PathBuf>, AppError> {
    let dialog = app.dialog().file().set_title(title);
    let picked = answer(|done| dialog.pick_folder(done)).await;
    picked.map(into_path).transpose()
}

/// Asks for one file of the kind `filter` names (a name and its extensions); `None` when the
/// user cancelled.
pub async fn pick_file<R: Runtime>(
    app: &AppHandle<R>,
    title: &str,
    filter: (&str, &[&str]),
) -> Result<Option<PathBuf>, AppError> {
    let dialog = app
        .dialog()
        .file()
        .set_title(title)
        .add_filter(filter.0, filter.1);
    let picked = answer(|done| dialog.pick_file(done)).await;
    picked.map(into_path).transpose()
}

/// Asks for files; `None` when the user cancelled or chose none.
pub async fn pick_files<R: Runtime>(
    app: &AppHandle<R>,
    title: &str,
) -> Result<Option<Vec<PathBuf>>, AppError> {
    let dialog = app.dialog().file().set_title(title);
    into_paths(answer(|done| dialog.pick_files(done)).await)
}

/// Asks for folders; `None` when the user cancelled or chose none.
pub async fn pick_folders<R: Runtime>(
    app: &AppHandle<R>,
    title: &str,
) -> Result<Option<Vec<PathBuf>>, AppError> {
    let dialog = app.dialog().file().set_title(title);
    into_paths(answer(|done| dialog.pick_folders(done)).await)
}

/// Opens a dialog with `open` (which calls back once it closes) and waits for its answer.
async fn answer<T: Send + 'static>(
    open: impl FnOnce(Box<dyn FnOnce(Option<T>) + Send>),
) -> Option<T> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    open(Box::new(move |picked| {
        let _ = tx.send(picked);
    }));
    rx.await.ok().flatten()
}

fn into_paths(picked: Option<Vec<FilePath>>) -> Result<Option<Vec<PathBuf>>, AppError> {
    let paths = picked
        .unwrap_or_default()
        .into_iter()
        .map(into_path)
        .collect::<Result<Vec<_>, _>>()?;
    Ok((!paths.is_empty()).then_some(paths))
}

fn into_path(path: FilePath) -> Result<PathBuf, AppError> {
    path.into_path()
        .map_err(|e| AppError::invalid(format!("cannot use that location: {e}")))
}
