//! Transfers started from the app: pull to a folder (asking first when it would replace files),
//! copy between sources. Each reports its progress through a channel about ten times a second
//! and can be cancelled by its id.

use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use stowage::ops::copy::{self, CopyOptions};
use stowage::ops::pull::{self, PullOptions, PullPlan};
use stowage::store::Store;
use stowage::transfer::{self, Cancel, Transfer};
use stowage::ErrorCode;
use tauri::ipc::Channel;
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_notification::NotificationExt;

use super::Answer;
use crate::dialogs;
use crate::dto::{
    AppError, Copied, CopyTarget, PullAnswer, PullConfirmation, Pulled, TransferProgress,
};
use crate::pending::PendingPull;
use crate::state::AppState;

/// Ten reports a second: smooth bars, and the webview never queues work.
const REPORT_EVERY: Duration = Duration::from_millis(100);

/// Pulls `reference` into a folder the user picks; `None` when the dialog was cancelled. When
/// the pull would replace files, nothing is written: the answer lists them and keeps the plan.
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
) -> Answer<Option<PullAnswer>> {
    let Some(folder) = dialogs::pick_folder(&app, "Pull into folder").await? else {
        return Ok(None);
    };
    let asked = PullAsked {
        source,
        repository,
        reference,
    };
    pull_into(&app, &state, asked, folder, &op, events)
        .await
        .map(Some)
}

/// Runs a pull kept by `pull` because it replaces files: the user agreed. The destination is
/// the kept plan's; a plan runs once, whatever its outcome.
#[tauri::command]
pub async fn confirm_pull<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    plan: String,
    op: String,
    events: Channel<TransferProgress>,
) -> Answer<Pulled> {
    let kept = state.pulls.take(&plan)?;
    let store = Arc::new(state.store(&kept.source, &kept.repository).await?);
    let plan = Arc::new(kept.plan.clone());
    run_pull(
        &app,
        &state,
        store,
        plan,
        PullOptions::default(),
        &op,
        events,
    )
    .await
}

/// Forgets a pull kept by `pull`: the user would not replace its files, and nothing was written.
#[tauri::command]
pub async fn discard_pull(state: State<'_, AppState>, plan: String) -> Answer<()> {
    state.pulls.discard(&plan);
    Ok(())
}

/// What the UI asked `pull` for.
pub struct PullAsked {
    /// The source pulled from: `local`, a registry's host, or an opened layout's id.
    pub source: String,
    /// The repository pulled from.
    pub repository: String,
    /// The tag or digest of the manifest to pull.
    pub reference: String,
}

/// `pull` once the user chose `folder` in the shell's dialog (never a path from the webview):
/// plans it, runs it when it replaces nothing, else keeps it and asks.
pub async fn pull_into<R: Runtime>(
    app: &AppHandle<R>,
    state: &AppState,
    asked: PullAsked,
    folder: PathBuf,
    op: &str,
    events: Channel<TransferProgress>,
) -> Answer<PullAnswer> {
    let store = Arc::new(state.store(&asked.source, &asked.repository).await?);
    let (from, reference) = (store.clone(), asked.reference);
    let plan = state
        .run(
            op,
            async move { pull::plan(&from, &reference, &folder).await },
        )
        .await?;
    if !plan.replaces.is_empty() {
        let id = state.pulls.keep(PendingPull {
            source: asked.source,
            repository: asked.repository,
            plan: plan.clone(),
        });
        return Ok(PullAnswer::Confirm(PullConfirmation::new(id, &plan)));
    }
    // Nothing to replace was asked about, so a file that appears meanwhile is kept too.
    let options = PullOptions {
        replace: false,
        ..PullOptions::default()
    };
    run_pull(app, state, store, Arc::new(plan), options, op, events)
        .await
        .map(PullAnswer::Pulled)
}

/// Downloads and places a planned pull as the cancellable transfer `op`.
async fn run_pull<R: Runtime>(
    app: &AppHandle<R>,
    state: &AppState,
    store: Arc<Store>,
    plan: Arc<PullPlan>,
    options: PullOptions,
    op: &str,
    events: Channel<TransferProgress>,
) -> Answer<Pulled> {
    let planned = plan.clone();
    let pulled = watched(
        app,
        state,
        op,
        "Pull",
        events,
        |transfer, cancel| async move {
            pull::run(&store, &planned, &options, &transfer, &cancel).await
        },
    )
    .await?;
    Ok(Pulled::new(pulled, &plan.dest))
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
    let tag = target.tag.filter(|t| !t.is_empty());
    let copied = watched(
        &app,
        &state,
        &op,
        "Copy",
        events,
        |transfer, cancel| async move {
            let tag = tag.as_deref();
            copy::copy(&from, &reference, &to, tag, &options, &transfer, &cancel).await
        },
    )
    .await?;
    Ok(Copied {
        digest: copied.digest.to_string(),
        target: copied.target,
        manifests: copied.manifests as u32,
        blobs: copied.blobs as u32,
    })
}

/// Runs a transfer as the cancellable operation `op`: `work` gets the transfer to count into and
/// the flag that cancels it; progress goes to `events` ten times a second, and a long transfer
/// ends with a desktop notification saying `what` finished or failed.
pub async fn watched<R, T, F, Fut>(
    app: &AppHandle<R>,
    state: &AppState,
    op: &str,
    what: &str,
    events: Channel<TransferProgress>,
    work: F,
) -> Answer<T>
where
    R: Runtime,
    T: Send + 'static,
    F: FnOnce(Arc<Transfer>, Cancel) -> Fut,
    Fut: Future<Output = stowage::Result<T>> + Send + 'static,
{
    let (transfer, started) = (Arc::new(Transfer::new()), Instant::now());
    let result =
        state
            .run_transfer(op, |cancel| {
                let work = work(transfer.clone(), cancel);
                async move {
                    transfer::watch(&transfer, REPORT_EVERY, |s| report(&events, s), work).await
                }
            })
            .await
            .map_err(AppError::from);
    notify_if_long(app, started, what, &result);
    result
}

/// Transfers that take longer than this end with a desktop notification: the user has likely
/// turned to something else meanwhile.
const NOTIFY_AFTER: Duration = Duration::from_secs(10);

/// Tells the desktop that a long transfer ended (a missing notification service is no error).
fn notify_if_long<R: Runtime, T>(
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
        Err(e) if e.code == ErrorCode::Cancelled => return,
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
fn report(events: &Channel<TransferProgress>, snapshot: &transfer::Snapshot) {
    let _ = events.send(TransferProgress::from(snapshot));
}
