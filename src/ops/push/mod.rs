//! Push: files and folders become one OCI artifact (image-spec 1.1), blobs first, manifest last.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use bytes::Bytes;
use futures::future::BoxFuture;
use futures::stream::{self, StreamExt, TryStreamExt};
use futures::FutureExt;
use serde::Serialize;

use super::fallback;
use crate::digest::Digest;
use crate::error::{Error, Result};
use crate::manifest::media_type::{OCI_EMPTY, OCI_MANIFEST};
use crate::manifest::{Descriptor, Manifest};
use crate::pack::{self, ORAS_DIGEST, ORAS_UNPACK, TAR_GZIP, TITLE_ANNOTATION};
use crate::registry::{Cancel, UploadOptions};
use crate::store::Store;
use crate::transfer::{Outcome, Transfer};

/// oras' artifact type for artifacts nobody typed.
pub const UNKNOWN_ARTIFACT: &str = "application/vnd.unknown.artifact.v1";
pub const CREATED_ANNOTATION: &str = "org.opencontainers.image.created";
/// Files up to this size are hashed before upload (see `plan`).
const PREHASH_LIMIT: u64 = 16 * 1024 * 1024;

/// One file or folder to push, with its media type when the user gave one.
#[derive(Debug, Clone)]
pub struct FileSpec {
    pub path: PathBuf,
    pub media_type: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct PushRequest {
    pub files: Vec<FileSpec>,
    /// When absent, suggested from the files' content, else oras' "unknown artifact".
    pub artifact_type: Option<String>,
    pub annotations: BTreeMap<String, String>,
    pub tags: Vec<String>,
    /// Add `org.opencontainers.image.created` (off gives reproducible digests).
    pub created: bool,
    /// Makes the artifact a referrer of this manifest or index.
    pub subject: Option<Descriptor>,
}

#[derive(Debug, Clone)]
pub struct PushOptions {
    /// Blobs uploaded at once.
    pub concurrency: usize,
    pub upload: UploadOptions,
    /// Where packed folders are spooled before upload.
    pub scratch: PathBuf,
}

impl Default for PushOptions {
    fn default() -> Self {
        PushOptions {
            concurrency: 4,
            upload: UploadOptions::default(),
            scratch: std::env::temp_dir(),
        }
    }
}

/// A layer ready to upload: what the manifest will say, and where its bytes are.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PlannedLayer {
    pub title: String,
    pub source: PathBuf,
    pub media_type: String,
    pub size: u64,
    /// Known for folders (packed here) and files hashed in advance.
    pub digest: Option<Digest>,
    pub annotations: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PushedBlob {
    pub title: String,
    pub digest: Digest,
    pub size: u64,
    pub outcome: Outcome,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Pushed {
    /// Where it went: `registry/repository` or `oci:PATH`.
    pub target: String,
    pub digest: Digest,
    pub media_type: String,
    pub artifact_type: String,
    pub size: u64,
    pub tags: Vec<String>,
    pub blobs: Vec<PushedBlob>,
    /// For an attach: whether the registry indexed the subject itself (`OCI-Subject`), or
    /// Stowage maintained the referrers tag.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub referrers_tag_updated: Option<bool>,
}

/// Spooled folder archives live as long as the plan.
pub struct Plan {
    pub layers: Vec<PlannedLayer>,
    pub artifact_type: String,
    _spool: Option<tempfile::TempDir>,
}

/// Checks every file and packs folders; fails before anything is sent if one is unusable.
pub fn plan(request: &PushRequest, scratch: &Path) -> Result<Plan> {
    if request.files.is_empty() {
        return Err(Error::Invalid(
            "nothing to push: give at least one file or folder".into(),
        ));
    }
    let mut spool = None;
    let mut titles = HashSet::new();
    let mut layers = Vec::new();
    for spec in &request.files {
        let path = &spec.path;
        let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
        // `.` and `..` are named after the folder they stand for.
        let named = if meta.is_dir() {
            std::fs::canonicalize(path).map_err(|e| Error::io(path, e))?
        } else {
            path.clone()
        };
        let title = named
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .filter(|n| !n.is_empty() && n != "." && n != "..")
            .ok_or_else(|| {
                Error::Invalid(format!(
                    "{}: cannot name a layer after this path",
                    path.display()
                ))
            })?;
        if !titles.insert(title.clone()) {
            return Err(Error::Invalid(format!(
                "two files are named {title:?}: a pull could not tell them apart; rename one"
            )));
        }
        let mut annotations = BTreeMap::from([(TITLE_ANNOTATION.to_string(), title.clone())]);
        if meta.is_dir() {
            let dir: &tempfile::TempDir = match &mut spool {
                Some(d) => d,
                None => spool.insert(
                    tempfile::Builder::new()
                        .prefix(".stowage-push-")
                        .tempdir_in(scratch)
                        .map_err(|e| Error::io(scratch, e))?,
                ),
            };
            let archive = dir.path().join(format!("{}.tar.gz", layers.len()));
            let file = std::fs::File::create(&archive).map_err(|e| Error::io(&archive, e))?;
            let packed = pack::pack_dir(path, std::io::BufWriter::new(file))?;
            annotations.insert(ORAS_UNPACK.into(), "true".into());
            annotations.insert(ORAS_DIGEST.into(), packed.uncompressed_digest.to_string());
            layers.push(PlannedLayer {
                title,
                source: archive,
                media_type: spec
                    .media_type
                    .clone()
                    .unwrap_or_else(|| TAR_GZIP.to_string()),
                size: packed.size,
                digest: Some(packed.digest),
                annotations,
            });
        } else if meta.is_file() {
            // Opening now turns "unreadable" into an error naming the file, before any upload.
            let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
            // Small files are hashed first, so blobs the target has are skipped or mounted;
            // large ones are hashed while they upload, so they are read once.
            let digest = if meta.len() <= PREHASH_LIMIT {
                Some(hash_reader(file).map_err(|e| Error::io(path, e))?)
            } else {
                None
            };
            let media_type = match &spec.media_type {
                Some(t) => t.clone(),
                None => pack::sniff(path)?.to_string(),
            };
            layers.push(PlannedLayer {
                title,
                source: path.clone(),
                media_type,
                size: meta.len(),
                digest,
                annotations,
            });
        } else {
            return Err(Error::Invalid(format!(
                "{}: only regular files and folders can be pushed",
                path.display()
            )));
        }
    }
    let artifact_type = request.artifact_type.clone().unwrap_or_else(|| {
        let types: Vec<&str> = layers.iter().map(|l| l.media_type.as_str()).collect();
        pack::artifact_type_for(&types)
            .unwrap_or(UNKNOWN_ARTIFACT)
            .to_string()
    });
    Ok(Plan {
        layers,
        artifact_type,
        _spool: spool,
    })
}

fn hash_reader(mut file: std::fs::File) -> std::io::Result<Digest> {
    let mut hasher = crate::digest::Hasher::new(crate::digest::Algorithm::Sha256);
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let n = std::io::Read::read(&mut file, &mut buf)?;
        if n == 0 {
            return Ok(hasher.finish());
        }
        hasher.update(&buf[..n]);
    }
}

/// The artifact manifest, serialised once: these are the bytes hashed and sent.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactManifest<'a> {
    schema_version: u32,
    media_type: &'a str,
    artifact_type: &'a str,
    config: Descriptor,
    layers: Vec<Descriptor>,
    #[serde(skip_serializing_if = "Option::is_none")]
    subject: Option<&'a Descriptor>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    annotations: BTreeMap<String, String>,
}

/// Pushes the request's files to `store` as one artifact. Blobs go in parallel; the manifest
/// goes only once every blob is confirmed, so a failure never leaves a manifest without its blobs.
pub async fn push(
    store: &Store,
    request: &PushRequest,
    options: &PushOptions,
    transfer: &Transfer,
    cancel: &Cancel,
) -> Result<Pushed> {
    let plan = {
        let (request, scratch) = (request.clone(), options.scratch.clone());
        tokio::task::spawn_blocking(move || plan(&request, &scratch))
            .await
            .map_err(|e| Error::Invalid(format!("planning the push failed: {e}")))??
    };
    push_plan(store, request, &plan, options, transfer, cancel).await
}

pub async fn push_plan(
    store: &Store,
    request: &PushRequest,
    plan: &Plan,
    options: &PushOptions,
    transfer: &Transfer,
    cancel: &Cancel,
) -> Result<Pushed> {
    let ids: Vec<usize> = plan
        .layers
        .iter()
        .map(|l| transfer.add(l.title.clone(), l.digest.clone(), l.size))
        .collect();
    // Boxed up front: a closure-made stream of futures would not be `Send` for every lifetime,
    // and callers (the app) spawn pushes onto other tasks.
    let uploads: Vec<BoxFuture<'_, Result<PushedBlob>>> = plan
        .layers
        .iter()
        .zip(ids)
        .map(|(layer, id)| upload_layer(store, layer, id, options, transfer, cancel).boxed())
        .collect();
    let blobs: Vec<PushedBlob> = stream::iter(uploads)
        .buffered(options.concurrency.max(1))
        .try_collect()
        .await?;
    if cancel.is_cancelled() {
        return Err(Error::Cancelled);
    }

    let empty = store.push_blob_bytes(Bytes::from_static(b"{}")).await?;
    let layers: Vec<Descriptor> = plan
        .layers
        .iter()
        .zip(&blobs)
        .map(|(layer, blob)| {
            let mut d = Descriptor::new(&layer.media_type, blob.digest.clone(), blob.size);
            d.annotations = layer.annotations.clone();
            d
        })
        .collect();
    let mut annotations = request.annotations.clone();
    if request.created && !annotations.contains_key(CREATED_ANNOTATION) {
        annotations.insert(CREATED_ANNOTATION.into(), rfc3339_now());
    }
    let manifest = ArtifactManifest {
        schema_version: 2,
        media_type: OCI_MANIFEST,
        artifact_type: &plan.artifact_type,
        config: Descriptor::new(OCI_EMPTY, empty, 2),
        layers,
        subject: request.subject.as_ref(),
        annotations,
    };
    let bytes =
        Bytes::from(serde_json::to_vec(&manifest).map_err(|e| Error::Invalid(e.to_string()))?);
    let pushed = match store
        .push_manifest(bytes.clone(), OCI_MANIFEST, &request.tags)
        .await
    {
        Err(e) if is_blob_unknown(&e) => {
            // distribution can lose a blob that several clients upload at the same moment (the
            // shared `{}` config of concurrent attaches): put back what is missing, then retry.
            confirm_blobs(store, plan, &blobs, options, cancel).await?;
            store
                .push_manifest(bytes.clone(), OCI_MANIFEST, &request.tags)
                .await?
        }
        other => other?,
    };

    let parsed =
        Manifest::parse(&bytes, Some(OCI_MANIFEST)).map_err(|e| Error::Invalid(e.to_string()))?;
    let referrers_tag_updated =
        fallback::record_referrer(store, &parsed, OCI_MANIFEST, &pushed).await?;
    Ok(Pushed {
        target: store.name(),
        digest: pushed.digest,
        media_type: OCI_MANIFEST.into(),
        artifact_type: plan.artifact_type.clone(),
        size: pushed.size,
        tags: request.tags.clone(),
        blobs,
        referrers_tag_updated,
    })
}

fn is_blob_unknown(e: &Error) -> bool {
    matches!(e, Error::Status { status: 400, code: Some(code), message, .. }
        if code == "BLOB_UNKNOWN" || code == "MANIFEST_BLOB_UNKNOWN"
            || (code == "DIGEST_INVALID" && message.contains("blob unknown")))
}

/// Uploads again whatever the store no longer has: the empty config, or a layer.
async fn confirm_blobs(
    store: &Store,
    plan: &Plan,
    blobs: &[PushedBlob],
    options: &PushOptions,
    cancel: &Cancel,
) -> Result<()> {
    let empty = Digest::sha256_of(b"{}");
    if store.blob_size(&empty).await?.is_none() {
        store.push_blob_bytes(Bytes::from_static(b"{}")).await?;
    }
    for (layer, blob) in plan.layers.iter().zip(blobs) {
        if store.blob_size(&blob.digest).await?.is_none() {
            let known = Some((&blob.digest, blob.size));
            store
                .push_blob_file(&layer.source, known, &options.upload, &|_| {}, cancel)
                .await?;
        }
    }
    Ok(())
}

async fn upload_layer(
    store: &Store,
    layer: &PlannedLayer,
    id: usize,
    options: &PushOptions,
    transfer: &Transfer,
    cancel: &Cancel,
) -> Result<PushedBlob> {
    let known = layer.digest.as_ref().map(|d| (d, layer.size));
    let progress = |n: u64| transfer.advance(id, n);
    let result = store
        .push_blob_file(&layer.source, known, &options.upload, &progress, cancel)
        .await;
    match result {
        Ok((digest, size, outcome)) => {
            transfer.finish(id, &digest, outcome);
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

/// Now in RFC 3339, UTC, to the second, without a date library for one timestamp.
fn rfc3339_now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let (y, m, d) = civil_from_days(days as i64);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Howard Hinnant's days-to-civil algorithm.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
    }

    #[test]
    fn plan_refuses_duplicates_missing_files_and_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a");
        std::fs::create_dir(&a).unwrap();
        std::fs::write(a.join("x.txt"), b"1").unwrap();
        std::fs::write(dir.path().join("x.txt"), b"2").unwrap();
        let spec = |p: PathBuf| FileSpec {
            path: p,
            media_type: None,
        };
        let request = PushRequest {
            files: vec![spec(dir.path().join("x.txt")), spec(a.join("x.txt"))],
            ..Default::default()
        };
        let err = plan(&request, dir.path()).err().expect("duplicate titles");
        assert!(err.to_string().contains("x.txt"), "{err}");
        let missing = PushRequest {
            files: vec![spec(dir.path().join("nope"))],
            ..Default::default()
        };
        let err = plan(&missing, dir.path()).err().expect("missing file");
        assert!(err.to_string().contains("nope"), "{err}");
        assert!(plan(&PushRequest::default(), dir.path()).is_err());
    }

    #[test]
    fn plan_packs_folders_and_sniffs_files() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("site");
        std::fs::create_dir(&folder).unwrap();
        std::fs::write(folder.join("index.html"), b"<html></html>").unwrap();
        let sbom = dir.path().join("sbom.json");
        std::fs::write(
            &sbom,
            br#"{"spdxVersion":"SPDX-2.3","SPDXID":"SPDXRef-DOCUMENT"}"#,
        )
        .unwrap();
        let request = PushRequest {
            files: vec![
                FileSpec {
                    path: folder,
                    media_type: None,
                },
                FileSpec {
                    path: sbom,
                    media_type: None,
                },
            ],
            ..Default::default()
        };
        let plan = plan(&request, dir.path()).unwrap();
        assert_eq!(plan.layers[0].media_type, TAR_GZIP);
        assert_eq!(
            plan.layers[0]
                .annotations
                .get(ORAS_UNPACK)
                .map(String::as_str),
            Some("true")
        );
        assert!(plan.layers[0].digest.is_some());
        assert_eq!(plan.layers[1].media_type, "application/spdx+json");
        assert_eq!(plan.artifact_type, "application/spdx+json");
    }
}
