//! Planning a push: every path checked, folders packed, files hashed, before anything is sent;
//! and what a planned file looked like when it was read, so a push can tell it changed.

use std::collections::{BTreeMap, HashSet};
use std::fs::{File, Metadata};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use super::helm::chart_plan;
use super::{FileSpec, Plan, PlannedLayer, PushRequest, CREATED_ANNOTATION, UNKNOWN_ARTIFACT};
use crate::digest::{Algorithm, Digest, Hasher};
use crate::error::{Error, Result};
use crate::known_blobs::{FileKey, KnownBlobs};
use crate::pack::{self, CheckedPath, Rules, ORAS_DIGEST, ORAS_UNPACK, TAR_GZIP, TITLE_ANNOTATION};
use crate::signature::DateTime;
use crate::transfer::{Cancel, Transfer};

/// Files up to this size are hashed by [`plan`] before upload; [`prepare`] hashes all.
const PREHASH_LIMIT: u64 = 16 * 1024 * 1024;
/// Bytes hashed between two looks at the cancel flag.
const READ_CHUNK: usize = 1 << 20;
/// How often [`prepare`] copies hashing progress into the transfer.
const REPORT_EVERY: Duration = Duration::from_millis(50);

/// What a file looked like when it was read: a later look that differs means it may have
/// changed. The size alone decides nothing about content, so times and identity count too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct FileStamp {
    pub len: u64,
    modified: Option<SystemTime>,
    /// Device, inode and change time: a file replaced by a rename, or written with its
    /// modification time put back, still shows here.
    #[cfg(unix)]
    identity: (u64, u64, i64, i64),
}

impl FileStamp {
    pub fn of(meta: &Metadata) -> FileStamp {
        #[cfg(unix)]
        use std::os::unix::fs::MetadataExt;
        FileStamp {
            len: meta.len(),
            modified: meta.modified().ok(),
            #[cfg(unix)]
            identity: (meta.dev(), meta.ino(), meta.ctime(), meta.ctime_nsec()),
        }
    }
}

/// Checks every path under [`Rules::CLI`], packs folders and hashes small files; fails before
/// anything is sent if one is unusable. Larger files are hashed while they upload, so they are
/// read once, unless `known` remembers the digest of this very version of the file. This is what
/// `stowage push` and `attach` do.
pub fn plan(request: &PushRequest, scratch: &Path, known: Option<&KnownBlobs>) -> Result<Plan> {
    let checked = check_all(request, Rules::CLI)?;
    let mut spool = Spool::new(scratch);
    let mut layers = Vec::with_capacity(checked.len());
    for (index, (spec, checked)) in request.files.iter().zip(&checked).enumerate() {
        let hash = checked.folder || checked.size <= PREHASH_LIMIT;
        layers.push(make_layer(
            spec,
            checked,
            index,
            &mut spool,
            hash,
            known,
            &mut |_| Ok(()),
        )?);
    }
    finish(request, layers, spool)
}

/// Plans for the push sheet: every path checked under [`Rules::STRICT`] (what
/// [`pack::inspect_paths`] shows), folders packed and every file hashed, so each layer has its
/// digest and [`super::preview()`] can show the exact manifest. Progress goes to `transfer`,
/// one entry per layer: bytes hashed (for a folder, bytes of its files packed) of the total; a
/// layer that fails is marked failed. A file whose digest `known` remembers is not read again.
/// Honours `cancel`, and stops when the future is dropped.
pub async fn prepare(
    request: &PushRequest,
    scratch: &Path,
    known: Option<&KnownBlobs>,
    transfer: &Transfer,
    cancel: &Cancel,
) -> Result<Plan> {
    let checked = {
        let request = request.clone();
        run_blocking(move || check_all(&request, Rules::STRICT)).await?
    };
    let ids: Vec<usize> = checked
        .iter()
        .map(|c| transfer.add(c.name.clone(), None, c.size))
        .collect();
    let done: Arc<Vec<AtomicU64>> = Arc::new(checked.iter().map(|_| AtomicU64::new(0)).collect());
    // The blocking work cannot be dropped; a dropped `prepare` tells it to stop instead.
    let stop = StopOnDrop(Cancel::new());
    let job = {
        let (files, scratch, done) = (request.files.clone(), scratch.to_path_buf(), done.clone());
        let known = known.cloned();
        let (cancel, stop) = (cancel.clone(), stop.0.clone());
        tokio::task::spawn_blocking(move || {
            let mut spool = Spool::new(&scratch);
            let mut layers = Vec::with_capacity(files.len());
            for (index, (spec, checked)) in files.iter().zip(&checked).enumerate() {
                let mut watch = |n: u64| {
                    if cancel.is_cancelled() || stop.is_cancelled() {
                        return Err(Error::Cancelled);
                    }
                    done[index].store(n, Ordering::Relaxed);
                    Ok(())
                };
                let layer = make_layer(
                    spec,
                    checked,
                    index,
                    &mut spool,
                    true,
                    known.as_ref(),
                    &mut watch,
                );
                match layer {
                    Ok(layer) => layers.push(layer),
                    Err(e) => return Err((index, e)),
                }
            }
            Ok((layers, spool))
        })
    };
    tokio::pin!(job);
    let mut tick = tokio::time::interval(REPORT_EVERY);
    let report = || {
        for (id, n) in ids.iter().zip(done.iter()) {
            transfer.advance(*id, n.load(Ordering::Relaxed));
        }
    };
    let outcome = loop {
        tokio::select! {
            outcome = &mut job => break outcome,
            _ = tick.tick() => report(),
        }
    };
    report();
    match outcome {
        Ok(Ok((layers, spool))) => finish(request, layers, spool),
        Ok(Err((index, e))) => {
            if let Some(id) = ids.get(index) {
                transfer.fail(*id, e.to_string());
            }
            Err(e)
        }
        Err(e) => Err(Error::Internal(format!("preparing the push failed: {e}"))),
    }
}

/// Sets its flag when dropped.
struct StopOnDrop(Cancel);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        self.0.cancel();
    }
}

async fn run_blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T> + Send + 'static,
) -> Result<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| Error::Internal(format!("preparing the push failed: {e}")))?
}

/// Every path checked (the same function as the push sheet's), and the titles unique.
fn check_all(request: &PushRequest, rules: Rules) -> Result<Vec<CheckedPath>> {
    if request.files.is_empty() {
        return Err(Error::Invalid(
            "nothing to push: give at least one file or folder".into(),
        ));
    }
    let mut titles = HashSet::new();
    let mut checked = Vec::with_capacity(request.files.len());
    for spec in &request.files {
        let c = pack::check_path(&spec.path, rules)?;
        if !titles.insert(c.name.clone()) {
            return Err(pack::duplicate_title(&c.name));
        }
        checked.push(c);
    }
    Ok(checked)
}

/// The folder packed folders are spooled in, made on first use.
struct Spool {
    scratch: PathBuf,
    dir: Option<tempfile::TempDir>,
}

impl Spool {
    fn new(scratch: &Path) -> Spool {
        Spool {
            scratch: scratch.to_path_buf(),
            dir: None,
        }
    }

    fn dir(&mut self) -> Result<&Path> {
        if self.dir.is_none() {
            let dir = tempfile::Builder::new()
                .prefix(".stowage-push-")
                .tempdir_in(&self.scratch)
                .map_err(|e| Error::io(&self.scratch, e))?;
            self.dir = Some(dir);
        }
        match &self.dir {
            Some(d) => Ok(d.path()),
            None => Err(Error::Internal("no spool folder".into())),
        }
    }
}

/// Turns a checked path into a layer: a folder packed into the spool (always hashed), a file
/// hashed when `hash` is set (or its digest taken from `known`). `watch` sees bytes read so far
/// and may stop the work.
fn make_layer(
    spec: &FileSpec,
    checked: &CheckedPath,
    index: usize,
    spool: &mut Spool,
    hash: bool,
    known: Option<&KnownBlobs>,
    watch: &mut dyn FnMut(u64) -> Result<()>,
) -> Result<PlannedLayer> {
    let path = &spec.path;
    let title = checked.name.clone();
    let mut annotations = BTreeMap::from([(TITLE_ANNOTATION.to_string(), title.clone())]);
    if checked.folder {
        let archive = spool.dir()?.join(format!("{index}.tar.gz"));
        let file = File::create(&archive).map_err(|e| Error::io(&archive, e))?;
        let packed = pack::pack_dir_watched(path, std::io::BufWriter::new(file), watch)?;
        annotations.insert(ORAS_UNPACK.into(), "true".into());
        annotations.insert(ORAS_DIGEST.into(), packed.uncompressed_digest.to_string());
        return Ok(PlannedLayer {
            title,
            path: archive,
            media_type: spec
                .media_type
                .clone()
                .unwrap_or_else(|| TAR_GZIP.to_string()),
            size: packed.size,
            digest: Some(packed.digest),
            annotations,
            read_as: None,
            key: None,
        });
    }
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    // Stamped before reading, so a change while it is hashed shows at push time too.
    let meta = file.metadata().map_err(|e| Error::io(path, e))?;
    let stamp = FileStamp::of(&meta);
    let key = known.and_then(|_| FileKey::of(path, &meta));
    let recorded = known
        .zip(key.as_ref())
        .and_then(|(k, key)| k.file_digest(key));
    let digest = match recorded {
        Some(d) => {
            watch(stamp.len)?;
            Some(d)
        }
        None if hash => {
            let d = hash_file(file, path, stamp.len, watch)?;
            if let Some((known, key)) = known.zip(key.as_ref()) {
                known.hashed_file(key, &d);
            }
            Some(d)
        }
        None => None,
    };
    let media_type = match &spec.media_type {
        Some(t) => t.clone(),
        None => pack::sniff(path)?.to_string(),
    };
    Ok(PlannedLayer {
        title,
        path: path.clone(),
        media_type,
        size: stamp.len,
        digest,
        annotations,
        read_as: Some(stamp),
        key,
    })
}

/// The sha256 of `file`, which must hold `len` bytes: a file that grows or shrinks while it is
/// read is refused rather than planned half old, half new.
pub(super) fn hash_file(
    mut file: File,
    path: &Path,
    len: u64,
    watch: &mut dyn FnMut(u64) -> Result<()>,
) -> Result<Digest> {
    let mut hasher = Hasher::new(Algorithm::Sha256);
    let mut buf = vec![0u8; READ_CHUNK];
    let mut read = 0u64;
    loop {
        watch(read)?;
        let n = match file.read(&mut buf) {
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(Error::io(path, e)),
        };
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        read += n as u64;
    }
    if read != len {
        return Err(Error::SizeMismatch {
            what: format!("file {} (it changed while it was read)", path.display()),
            expected: len,
            actual: read,
        });
    }
    Ok(hasher.finish())
}

fn finish(request: &PushRequest, mut layers: Vec<PlannedLayer>, spool: Spool) -> Result<Plan> {
    let chart = chart_plan(request, &mut layers)?;
    let artifact_type = request.artifact_type.clone().unwrap_or_else(|| {
        let types: Vec<&str> = layers.iter().map(|l| l.media_type.as_str()).collect();
        pack::artifact_type_for(&types)
            .unwrap_or(UNKNOWN_ARTIFACT)
            .to_string()
    });
    let created = (request.created && !request.annotations.contains_key(CREATED_ANNOTATION))
        .then(|| DateTime::now().text);
    Ok(Plan {
        layers,
        artifact_type,
        created,
        chart,
        _spool: spool.dir,
    })
}
