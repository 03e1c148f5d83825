//! The push sheet's commands: check dropped paths, prepare and preview a push (or an attach),
//! push exactly what was previewed, or discard it. Only paths the user gave Stowage are read.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use stowage::graph::{self, classify_manifest};
use stowage::manifest::media_type::OCI_MANIFEST;
use stowage::manifest::Manifest;
use stowage::ops::push::{self, FileSpec, PushOptions, PushRequest};
use stowage::pack;
use stowage::store::Store;
use stowage::transfer::{self, Transfer};
use stowage::{Digest, Error};
use tauri::ipc::Channel;
use tauri::{AppHandle, Runtime, State};

use super::transfer::{notify_if_long, report, REPORT_EVERY};
use super::Answer;
use crate::dto::{
    AppError, GraphEdge, GraphNode, InspectedPaths, PathEntry, PushPreview, PushResult, PushSpec,
    TransferProgress,
};
use crate::pending::PendingPush;
use crate::state::{AppState, LOCAL};

#[tauri::command]
pub async fn inspect_paths(
    state: State<'_, AppState>,
    paths: Vec<String>,
) -> Answer<InspectedPaths> {
    state.grants.check_all(&paths)?;
    let paths: Vec<PathBuf> = paths.into_iter().map(PathBuf::from).collect();
    let infos = tokio::task::spawn_blocking(move || pack::inspect_paths(&paths))
        .await
        .map_err(|e| AppError::invalid(format!("checking the files failed: {e}")))?;
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
pub async fn prepare_push(
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
    let transfer = Arc::new(Transfer::new());
    let asked = request.clone();
    let known = store.known_blobs().cloned();
    let plan = state
        .run_transfer(&op, |cancel| async move {
            let work = push::prepare(&asked, &scratch, known.as_ref(), &transfer, &cancel);
            transfer::watch(&transfer, REPORT_EVERY, |s| report(&events, s), work).await
        })
        .await?;
    let preview = push::preview(&store, &request, &plan).await?;
    let manifest = String::from_utf8(preview.manifest.to_vec())
        .map_err(|_| AppError::invalid("the previewed manifest is not UTF-8"))?;
    let id = state.pushes.keep(PendingPush {
        source: spec.source,
        repository: spec.repository,
        request: Arc::unwrap_or_clone(request),
        plan,
        manifest: preview.manifest,
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
    let (transfer, started) = (Arc::new(Transfer::new()), Instant::now());
    let (to, work_on) = (store.clone(), pending.clone());
    let pushed = state
        .run_transfer(&op, |cancel| async move {
            let p = &work_on;
            let work = push::push_plan(&to, &p.request, &p.plan, &options, &transfer, &cancel);
            transfer::watch(&transfer, REPORT_EVERY, |s| report(&events, s), work).await
        })
        .await
        .map_err(AppError::from);
    let what = if pending.request.subject.is_some() {
        "Attach"
    } else {
        "Push"
    };
    notify_if_long(&app, started, what, &pushed);
    let pushed = pushed?;
    state.pushes.discard(&plan);
    let manifest = Manifest::parse(&pending.manifest, Some(OCI_MANIFEST))
        .map_err(|e| AppError::invalid(format!("the pushed manifest does not parse: {e}")))?;
    let class = classify_manifest(&manifest);
    let node = GraphNode::from(graph::Node {
        id: pushed.digest.clone(),
        kind: class.kind,
        format: class.format.map(str::to_string),
        media_type: OCI_MANIFEST.into(),
        artifact_type: Some(pushed.artifact_type.clone()),
        size: pushed.size,
        annotations: manifest.annotations().clone(),
        platform: None,
        tags: pushed.tags.clone(),
        error: None,
    });
    let via = match (pending.source.as_str(), pushed.referrers_tag_updated) {
        (LOCAL, _) => graph::Via::Subject,
        (_, Some(true)) => graph::Via::TagSchema,
        _ => graph::Via::Api,
    };
    let edge = pending.request.subject.as_ref().map(|s| {
        GraphEdge::from(graph::Edge {
            from: s.digest.clone(),
            to: pushed.digest.clone(),
            kind: graph::EdgeKind::Referrer,
            via,
        })
    });
    Ok(PushResult {
        target: pushed.target,
        digest: pushed.digest.to_string(),
        artifact_type: pushed.artifact_type,
        tags: pushed.tags,
        referrers_tag_updated: pushed.referrers_tag_updated,
        node,
        edge,
    })
}

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
