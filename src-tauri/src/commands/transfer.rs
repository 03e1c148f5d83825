//! Transfers started from the app: pull to a folder, copy between sources. Each reports its
//! progress through a channel about ten times a second and can be cancelled by its id.

use std::sync::Arc;
use std::time::Duration;

use stowage::ops::copy::{self, CopyOptions};
use stowage::ops::pull;
use stowage::transfer::{self, Transfer};
use tauri::ipc::Channel;
use tauri::{AppHandle, Runtime, State};

use super::Answer;
use crate::dialogs;
use crate::dto::{Copied, CopyTarget, Pulled, TransferProgress};
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
    let destination = folder.clone();
    let pulled = state
        .run_transfer(&op, |cancel| async move {
            let work = pull::pull(&store, &reference, &destination, &transfer, &cancel);
            transfer::watch(&transfer, REPORT_EVERY, |s| report(&events, s), work).await
        })
        .await?;
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
pub async fn copy(
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
    let tag = target.tag.filter(|t| !t.is_empty());
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
        .await?;
    Ok(Copied {
        digest: copied.digest.to_string(),
        target: copied.target,
        manifests: copied.manifests as u32,
        blobs: copied.blobs as u32,
    })
}

/// A closed channel only means the UI stopped listening; the transfer goes on.
pub fn report(events: &Channel<TransferProgress>, snapshot: &transfer::Snapshot) {
    let _ = events.send(TransferProgress::from(snapshot));
}
