//! The push sheet's commands: check dropped paths, prepare and preview a push (or an attach),
//! push exactly what was previewed, or discard it. Only paths the user gave Stowage are read.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use stowage::ops::push::{self, FileSpec, PushOptions, PushRequest};
use stowage::pack;
use stowage::store::Store;

use stowage::{Digest, Error};
use tauri::ipc::Channel;
use tauri::{AppHandle, Runtime, State};

use super::transfer::watched;
use super::Answer;
use crate::dto::{
    AppError, InspectedPaths, PathEntry, PushPreview, PushResult, PushSpec, TransferProgress,
};
use crate::pending::PendingPush;
use crate::state::AppState;

/// Checks dropped or picked paths as the push will (sizes, file counts, sniffed media types,
/// what cannot be pushed) and suggests an artifact type. Refuses a path the user did not give.
#[tauri::command]
pub async fn inspect_paths(
    state: State<'_, AppState>,
    paths: Vec<String>,
) -> Answer<InspectedPaths> {
    state.grants.check_all(&paths)?;
    let paths: Vec<PathBuf> = paths.into_iter().map(PathBuf::from).collect();
    let infos = tokio::task::spawn_blocking(move || pack::inspect_paths(&paths))
        .await
        .map_err(|e| AppError::internal(format!("checking the files failed: {e}")))?;
    let types: Vec<&str> = infos
        .iter()
        .filter(|i| i.error.is_none())
        .filter_map(|i| i.media_type.as_deref())
        .collect();
    let artifact_type = pack::artifact_type_for(&types).map(str::to_string);
    Ok(InspectedPaths {
        entries: infos.into_iter().map(PathEntry::from).collect(),
        artifact_type,
    })
}

/// Checks, packs and hashes the files (progress through `events`), then previews the push.
#[tauri::command]
pub async fn prepare_push<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    spec: PushSpec,
    op: String,
    events: Channel<TransferProgress>,
) -> Answer<PushPreview> {
    state.grants.check_all(spec.files.iter().map(|f| &f.path))?;
    let store = state.target(&spec.source, &spec.repository).await?;
    let request = Arc::new(request(&store, &spec).await?);
    let scratch = state.dirs.cache.join("spool");
    std::fs::create_dir_all(&scratch).map_err(|e| Error::io(&scratch, e))?;
    let (asked, known) = (request.clone(), store.known_blobs().cloned());
    let what = "Preparing the push";
    let plan = watched(
        &app,
        &state,
        &op,
        what,
        events,
        |transfer, cancel| async move {
            push::prepare(&asked, &scratch, known.as_ref(), &transfer, &cancel).await
        },
    )
    .await?;
    let preview = push::preview(&store, &request, &plan).await?;
    let manifest = String::from_utf8(preview.manifest.to_vec())
        .map_err(|_| AppError::internal("the previewed manifest is not UTF-8"))?;
    let id = state.pushes.keep(PendingPush {
        source: spec.source,
        repository: spec.repository,
        request: Arc::unwrap_or_clone(request),
        plan,
    });
    Ok(PushPreview {
        plan: id,
        manifest,
        digest: preview.digest.to_string(),
        artifact_type: preview.artifact_type,
        blobs: preview.blobs.into_iter().map(Into::into).collect(),
    })
}

/// Pushes a prepared plan: blobs first, the manifest once all are there. A failed push keeps
/// its plan, so it can be retried; a successful one forgets it.
#[tauri::command]
pub async fn push<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    plan: String,
    op: String,
    events: Channel<TransferProgress>,
) -> Answer<PushResult> {
    let pending = state.pushes.get(&plan)?;
    let store = Arc::new(state.target(&pending.source, &pending.repository).await?);
    let options = PushOptions {
        scratch: state.dirs.cache.join("spool"),
        ..PushOptions::default()
    };
    let what = match pending.request.subject {
        Some(_) => "Attach",
        None => "Push",
    };
    let (to, p) = (store.clone(), pending.clone());
    let pushed = watched(
        &app,
        &state,
        &op,
        what,
        events,
        |transfer, cancel| async move {
            push::push_plan(&to, &p.request, &p.plan, &options, &transfer, &cancel).await
        },
    )
    .await?;
    state.pushes.discard(&plan);
    Ok(pushed.into())
}

/// Forgets a prepared plan the user closed without pushing; its packed folders are removed.
#[tauri::command]
pub async fn discard_push(state: State<'_, AppState>, plan: String) -> Answer<()> {
    state.pushes.discard(&plan);
    Ok(())
}

/// The core's request for a spec; the subject is resolved in the target, so an attach to a
/// digest that is not there fails before anything is read.
async fn request(store: &Store, spec: &PushSpec) -> Result<PushRequest, AppError> {
    let subject = match &spec.subject {
        Some(digest) => {
            let digest: Digest = digest.parse().map_err(Error::from)?;
            Some(store.resolve(&digest.to_string()).await?)
        }
        None => None,
    };
    for tag in &spec.tags {
        stowage::reference::validate_tag(tag).map_err(Error::Invalid)?;
    }
    Ok(PushRequest {
        files: spec
            .files
            .iter()
            .map(|f| FileSpec {
                path: PathBuf::from(&f.path),
                media_type: f.media_type.clone().filter(|m| !m.trim().is_empty()),
            })
            .collect(),
        artifact_type: spec.artifact_type.clone().filter(|t| !t.trim().is_empty()),
        annotations: spec
            .annotations
            .iter()
            .filter(|(k, _)| !k.trim().is_empty())
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect::<BTreeMap<_, _>>(),
        tags: spec.tags.clone(),
        created: true,
        subject,
    })
}
