//! Sending a plan's layers: each blob uploaded or skipped, a file that changed since it was planned refused, and blobs a registry lost put back.

use super::manifest::config_bytes;
use super::plan::{hash_file, FileStamp};
use super::{Plan, PlannedLayer, PushOptions, PushedBlob};
use crate::digest::Digest;
use crate::error::{Error, Result};
use crate::store::Store;
use crate::transfer::Cancel;
use crate::transfer::Transfer;

pub(super) async fn upload_layer(
    store: &Store,
    layer: &PlannedLayer,
    id: usize,
    options: &PushOptions,
    transfer: &Transfer,
    cancel: &Cancel,
) -> Result<PushedBlob> {
    let result = send(store, layer, id, options, transfer, cancel).await;
    match result {
        Ok((digest, size, outcome)) => {
            transfer.finish(id, &digest, outcome);
            // Hashed while it went out: remembered, so the next push of this file knows it first.
            if layer.digest.is_none() {
                if let Some((known, key)) = store.known_blobs().zip(layer.key.as_ref()) {
                    known.hashed_file(key, &digest);
                }
            }
            Ok(PushedBlob {
                title: layer.title.clone(),
                digest,
                size,
                outcome,
            })
        }
        Err(e) => {
            transfer.fail(id, e.to_string());
            Err(e)
        }
    }
}

async fn send(
    store: &Store,
    layer: &PlannedLayer,
    id: usize,
    options: &PushOptions,
    transfer: &Transfer,
    cancel: &Cancel,
) -> Result<(Digest, u64, crate::transfer::Outcome)> {
    // Checked first: a target that has the planned blob would be skipped without the file
    // ever being read, and the push would go on with content the file no longer has.
    unchanged(layer, cancel).await?;
    let known = layer.digest.as_ref().map(|d| (d, layer.size));
    let progress = |n: u64| transfer.advance(id, n);
    let sent = store
        .push_blob_file(&layer.path, known, &options.upload, &progress, cancel)
        .await;
    match sent {
        // The store's own checks caught a change while the bytes went out: said as a change
        // since the file was read, when that is what it is.
        Err(e @ (Error::DigestMismatch { .. } | Error::SizeMismatch { .. })) => {
            unchanged(layer, cancel).await?;
            Err(e)
        }
        other => other,
    }
}

/// Fails, naming the file, when a file the plan hashed is no longer what was hashed: its size
/// differs, or it was touched and its content now hashes differently.
async fn unchanged(layer: &PlannedLayer, cancel: &Cancel) -> Result<()> {
    let (Some(stamp), Some(digest)) = (&layer.read_as, &layer.digest) else {
        return Ok(());
    };
    let path = layer.path.clone();
    let what = || {
        format!(
            "file {} (it changed since it was read for this push)",
            path.display()
        )
    };
    let meta = tokio::fs::metadata(&path).await.map_err(|e| {
        Error::io(
            &path,
            std::io::Error::new(
                e.kind(),
                format!("it changed since it was read for this push: {e}"),
            ),
        )
    })?;
    let now = FileStamp::of(&meta);
    if now.len != stamp.len {
        return Err(Error::SizeMismatch {
            what: what(),
            expected: stamp.len,
            actual: now.len,
        });
    }
    if now == *stamp {
        return Ok(());
    }
    // Touched: only its content can say whether it changed.
    let actual = {
        let (source, len, cancel) = (path.clone(), now.len, cancel.clone());
        tokio::task::spawn_blocking(move || {
            let file = std::fs::File::open(&source).map_err(|e| Error::io(&source, e))?;
            hash_file(file, &source, len, &mut |_| {
                if cancel.is_cancelled() {
                    Err(Error::Cancelled)
                } else {
                    Ok(())
                }
            })
        })
        .await
        .map_err(|e| Error::Internal(format!("hashing {} failed: {e}", path.display())))?
    };
    match actual {
        Ok(actual) if &actual == digest => Ok(()),
        Ok(actual) => Err(Error::DigestMismatch {
            what: what(),
            expected: digest.clone(),
            actual,
        }),
        Err(Error::SizeMismatch {
            expected, actual, ..
        }) => Err(Error::SizeMismatch {
            what: what(),
            expected,
            actual,
        }),
        Err(e) => Err(e),
    }
}

pub(super) fn is_blob_unknown(e: &Error) -> bool {
    matches!(e, Error::Status { status: 400, code: Some(code), message, .. }
        if code == "BLOB_UNKNOWN" || code == "MANIFEST_BLOB_UNKNOWN"
            || (code == "DIGEST_INVALID" && message.contains("blob unknown")))
}

/// Uploads again whatever the store no longer has: the config, or a layer.
pub(super) async fn confirm_blobs(
    store: &Store,
    plan: &Plan,
    blobs: &[PushedBlob],
    options: &PushOptions,
    cancel: &Cancel,
) -> Result<()> {
    let config = config_bytes(plan);
    if store
        .blob_size(&Digest::sha256_of(&config))
        .await?
        .is_none()
    {
        store.push_blob_bytes(config).await?;
    }
    for (layer, blob) in plan.layers.iter().zip(blobs) {
        if store.blob_size(&blob.digest).await?.is_none() {
            let known = Some((&blob.digest, blob.size));
            store
                .push_blob_file(&layer.path, known, &options.upload, &|_| {}, cancel)
                .await?;
        }
    }
    Ok(())
}
