//! Transfers started from the app: pull to a folder, copy between sources. Each reports its
//! progress through a channel about ten times a second and can be cancelled by its id.

use std::sync::Arc;
use std::time::{Duration, Instant};

use stowage::ops::copy::{self, CopyOptions};
use stowage::ops::pull;
use stowage::transfer::{self, Transfer};
use tauri::ipc::Channel;
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_notification::NotificationExt;

use super::Answer;
use crate::dialogs;
use crate::dto::{AppError, Copied, CopyTarget, Pulled, TransferProgress};
use crate::state::AppState;

/// Ten reports a second: smooth bars, and the webview never queues work.
pub const REPORT_EVERY: Duration = Duration::from_millis(100);

/// Pulls `reference` into a folder the user picks; `None` when the dialog was cancelled.
#[tauri::command]
#[allow(clippy::too_many_arguments)]
pub async fn pull<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    source: String,
    repository: String,
    reference: String,
    op: String,
    events: Channel<TransferProgress>,
) -> Answer<Option<Pulled>> {
    let Some(folder) = dialogs::pick_folder(&app, "Pull into folder").await? else {
        return Ok(None);
    };
    let store = state.store(&source, &repository).await?;
    let transfer = Arc::new(Transfer::new());
    let (destination, started) = (folder.clone(), Instant::now());
    let pulled = state
        .run_transfer(&op, |cancel| async move {
            let work = pull::pull(&store, &reference, &destination, &transfer, &cancel);
            transfer::watch(&transfer, REPORT_EVERY, |s| report(&events, s), work).await
        })
        .await
        .map_err(AppError::from);
    notify_if_long(&app, started, "Pull", &pulled);
    let pulled = pulled?;
    Ok(Some(Pulled {
        digest: pulled.digest.to_string(),
        destination: folder.display().to_string(),
        files: pulled
            .files
            .iter()
            .map(|f| f.display().to_string())
            .collect(),
        skipped: pulled.skipped.iter().map(ToString::to_string).collect(),
    }))
}

/// Copies `reference` (an index with all its platforms; with `referrers`, everything attached
/// below it too) to another repository, of the same source or another.
#[tauri::command]
#[allow(clippy::too_many_arguments)]
pub async fn copy<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    source: String,
    repository: String,
    reference: String,
    target: CopyTarget,
    referrers: bool,
    op: String,
    events: Channel<TransferProgress>,
) -> Answer<Copied> {
    let from = state.store(&source, &repository).await?;
    let to = state.target(&target.source, &target.repository).await?;
    let options = CopyOptions {
        recursive: referrers,
        ..CopyOptions::default()
    };
    let transfer = Arc::new(Transfer::new());
    let (tag, started) = (target.tag.filter(|t| !t.is_empty()), Instant::now());
    let copied = state
        .run_transfer(&op, |cancel| async move {
            let work = copy::copy(
                &from,
                &reference,
                &to,
                tag.as_deref(),
                &options,
                &transfer,
                &cancel,
            );
            transfer::watch(&transfer, REPORT_EVERY, |s| report(&events, s), work).await
        })
        .await
        .map_err(AppError::from);
    notify_if_long(&app, started, "Copy", &copied);
    let copied = copied?;
    Ok(Copied {
        digest: copied.digest.to_string(),
        target: copied.target,
        manifests: copied.manifests as u32,
        blobs: copied.blobs as u32,
    })
}

/// Transfers that take longer than this end with a desktop notification: the user has likely
/// turned to something else meanwhile.
const NOTIFY_AFTER: Duration = Duration::from_secs(10);

/// Tells the desktop that a long transfer ended (a missing notification service is no error).
pub fn notify_if_long<R: Runtime, T>(
    app: &AppHandle<R>,
    started: Instant,
    what: &str,
    result: &Answer<T>,
) {
    if started.elapsed() < NOTIFY_AFTER {
        return;
    }
    let body = match result {
        Ok(_) => format!("{what} finished"),
        Err(e) if e.code == "cancelled" => return,
        Err(e) => format!("{what} failed: {}", e.message),
    };
    if let Err(e) = app
        .notification()
        .builder()
        .title("Stowage")
        .body(body)
        .show()
    {
        tracing::debug!(error = %e, "no desktop notification");
    }
}

/// A closed channel only means the UI stopped listening; the transfer goes on.
pub fn report(events: &Channel<TransferProgress>, snapshot: &transfer::Snapshot) {
    let _ = events.send(TransferProgress::from(snapshot));
}
