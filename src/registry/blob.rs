//! Fetching blobs: streamed, verified against their digest, resumed with `Range` after a drop,
//! and written to disk only under their final name once verified.

use std::io::Write;
use std::path::{Path, PathBuf};

use bytes::Bytes;
use reqwest::header::{CONTENT_LENGTH, RANGE};
use reqwest::{Method, Response, StatusCode};

use super::{expect_success, Registry};
use crate::auth::Scope;
use crate::digest::{Digest, Hasher};
use crate::error::{Error, Result};
use crate::transfer::Progress;

/// How many times a dropped download is resumed before giving up.
const MAX_RESUMES: u32 = 3;
/// Chunks in flight between the network and the hashing and writing threads: enough to keep
/// the wire busy, small enough to keep memory flat (hyper reads up to ~400 KiB at a time, so
/// this holds at most a few MiB per queue).
const PIPELINE_DEPTH: usize = 16;
/// Progress is reported every this many bytes.
const PROGRESS_STEP: u64 = 256 * 1024;

/// A blob body that verifies its digest and size when it ends, and fails at the first byte
/// past the size its descriptor gives.
pub struct BlobStream {
    resp: Response,
    hasher: Option<Hasher>,
    expected: Digest,
    size: u64,
    received: u64,
    what: String,
}

impl BlobStream {
    /// The blob's size, as its descriptor gives it.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The next chunk; `Ok(None)` at the end once digest and size were checked.
    pub async fn next_chunk(&mut self) -> Result<Option<Bytes>> {
        let url = crate::transport::redact(self.resp.url().as_str());
        let chunk = self.resp.chunk().await.map_err(|e| Error::Connect {
            url,
            detail: format!("download of {} broke off: {}", self.what, e.without_url()),
        })?;
        match chunk {
            Some(chunk) => {
                self.received = within(self.received, chunk.len(), self.size, &self.what)?;
                if let Some(h) = self.hasher.as_mut() {
                    h.update(&chunk);
                }
                Ok(Some(chunk))
            }
            None => {
                if let Some(hasher) = self.hasher.take() {
                    check(
                        hasher.finish(),
                        &self.expected,
                        self.size,
                        self.received,
                        &self.what,
                    )?;
                }
                Ok(None)
            }
        }
    }
}

/// `received` plus a chunk of `len`, or an error if that passes `size`: a registry that sends
/// more than the descriptor says is stopped at once, before the excess is used.
fn within(received: u64, len: usize, size: u64, what: &str) -> Result<u64> {
    match received.checked_add(len as u64) {
        Some(total) if total <= size => Ok(total),
        _ => Err(Error::SizeMismatch {
            what: format!("{what} (the registry sent more than its descriptor's size)"),
            expected: size,
            actual: received.saturating_add(len as u64),
        }),
    }
}

fn check(actual: Digest, expected: &Digest, size: u64, received: u64, what: &str) -> Result<()> {
    if size != received {
        return Err(Error::SizeMismatch {
            what: what.to_string(),
            expected: size,
            actual: received,
        });
    }
    if &actual != expected {
        return Err(Error::DigestMismatch {
            what: what.to_string(),
            expected: expected.clone(),
            actual,
        });
    }
    Ok(())
}

impl Registry {
    /// A blob's answer from byte `from`, refused when the size it announces is not `size`.
    async fn blob_response(
        &self,
        repository: &str,
        digest: &Digest,
        size: u64,
        from: u64,
    ) -> Result<Response> {
        let url = self.url(&format!("{repository}/blobs/{digest}")).await?;
        let scope = Scope::repository(repository, &["pull"]);
        let resp = self
            .send(Method::GET, &url, &scope, |r| {
                if from > 0 {
                    r.header(RANGE, format!("bytes={from}-"))
                } else {
                    r
                }
            })
            .await?;
        let resp = expect_success(resp, &format!("blob {digest} in {repository}")).await?;
        if from > 0 && resp.status() != StatusCode::PARTIAL_CONTENT {
            return Err(Error::Malformed {
                url: crate::transport::redact(&url),
                detail: format!(
                    "asked for bytes {from}- and got {} instead of 206",
                    resp.status()
                ),
            });
        }
        if let Some(announced) = content_length(&resp).filter(|n| *n != size) {
            return Err(Error::SizeMismatch {
                what: format!("blob {digest} in {repository} (its Content-Length)"),
                expected: size,
                actual: announced,
            });
        }
        Ok(resp)
    }

    /// Streams a blob of `size` bytes (from its descriptor); the stream fails at the first byte
    /// past `size`, and at its end if the bytes do not match `digest`.
    pub async fn fetch_blob(
        &self,
        repository: &str,
        digest: &Digest,
        size: u64,
    ) -> Result<BlobStream> {
        let resp = self.blob_response(repository, digest, size, 0).await?;
        Ok(BlobStream {
            size,
            resp,
            hasher: Some(Hasher::new(digest.algorithm())),
            expected: digest.clone(),
            received: 0,
            what: format!("blob {digest}"),
        })
    }

    /// Downloads a blob to `path`: hashing and writing run on their own threads beside the
    /// network, a dropped connection resumes with `Range`, and the file appears under its name
    /// only once its digest checked out. Returns the number of bytes written.
    pub async fn download_blob(
        &self,
        repository: &str,
        digest: &Digest,
        size: u64,
        path: &Path,
    ) -> Result<u64> {
        self.download_blob_with(repository, digest, size, path, &|_| {})
            .await
    }

    /// `download_blob`, telling `progress` how many bytes arrived.
    pub async fn download_blob_with(
        &self,
        repository: &str,
        digest: &Digest,
        size: u64,
        path: &Path,
        progress: Progress<'_>,
    ) -> Result<u64> {
        let tmp = partial_path(path);
        let result = self
            .download_to(repository, digest, size, &tmp, progress)
            .await;
        match result {
            Ok(n) => {
                std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e))?;
                self.saw(digest, repository);
                Ok(n)
            }
            Err(e) => {
                let _ = std::fs::remove_file(&tmp);
                Err(e)
            }
        }
    }

    async fn download_to(
        &self,
        repository: &str,
        digest: &Digest,
        size: u64,
        tmp: &Path,
        progress: Progress<'_>,
    ) -> Result<u64> {
        let file = std::fs::File::create(tmp).map_err(|e| Error::io(tmp, e))?;
        let (write_tx, mut write_rx) = tokio::sync::mpsc::channel::<Bytes>(PIPELINE_DEPTH);
        let (hash_tx, mut hash_rx) = tokio::sync::mpsc::channel::<Bytes>(PIPELINE_DEPTH);
        let tmp_path = tmp.to_path_buf();
        let writer = std::thread::spawn(move || -> Result<()> {
            let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
            while let Some(chunk) = write_rx.blocking_recv() {
                out.write_all(&chunk).map_err(|e| Error::io(&tmp_path, e))?;
            }
            out.flush().map_err(|e| Error::io(&tmp_path, e))
        });
        let algorithm = digest.algorithm();
        let hasher = std::thread::spawn(move || {
            let mut h = Hasher::new(algorithm);
            while let Some(chunk) = hash_rx.blocking_recv() {
                h.update(&chunk);
            }
            h.finish()
        });

        let what = format!("blob {digest} of {repository}");
        let received = self
            .pump(
                repository, digest, size, &what, &write_tx, &hash_tx, progress,
            )
            .await;
        drop((write_tx, hash_tx));
        let written = writer
            .join()
            .map_err(|_| Error::Invalid("the writing thread panicked".into()))?;
        let actual = hasher
            .join()
            .map_err(|_| Error::Invalid("the hashing thread panicked".into()))?;
        let received = received?;
        written?;
        check(actual, digest, size, received, &what)?;
        Ok(received)
    }

    /// Moves the body into both channels, resuming after drops, never past `size` bytes.
    /// Returns the bytes received.
    #[allow(clippy::too_many_arguments)]
    async fn pump(
        &self,
        repository: &str,
        digest: &Digest,
        size: u64,
        what: &str,
        write_tx: &tokio::sync::mpsc::Sender<Bytes>,
        hash_tx: &tokio::sync::mpsc::Sender<Bytes>,
        progress: Progress<'_>,
    ) -> Result<u64> {
        let mut received = 0u64;
        let mut reported = 0u64;
        let mut resumes = 0;
        loop {
            let mut resp = self
                .blob_response(repository, digest, size, received)
                .await?;
            let url = crate::transport::redact(resp.url().as_str());
            let dropped = loop {
                match resp.chunk().await {
                    Ok(Some(chunk)) => {
                        received = within(received, chunk.len(), size, what)?;
                        if received - reported >= PROGRESS_STEP {
                            progress(received);
                            reported = received;
                        }
                        let closed = hash_tx.send(chunk.clone()).await.is_err()
                            || write_tx.send(chunk).await.is_err();
                        if closed {
                            // The writer stopped on an I/O error; it reports it.
                            return Ok(received);
                        }
                    }
                    Ok(None) => break None,
                    Err(e) => break Some(e.without_url()),
                }
            };
            match dropped {
                None if received == size => {
                    progress(received);
                    return Ok(received);
                }
                _ if resumes < MAX_RESUMES => resumes += 1,
                None => {
                    return Err(Error::SizeMismatch {
                        what: what.to_string(),
                        expected: size,
                        actual: received,
                    })
                }
                Some(e) => {
                    return Err(Error::Connect {
                        url,
                        detail: format!("download of {what} broke off at byte {received}: {e}"),
                    })
                }
            }
            tracing::debug!(what, received, "resuming download");
        }
    }
}

fn content_length(resp: &Response) -> Option<u64> {
    // reqwest's content_length() is the remaining body; for a 206 we want the whole blob.
    if resp.status() == StatusCode::PARTIAL_CONTENT {
        let range = resp.headers().get("content-range")?.to_str().ok()?;
        return range.rsplit('/').next()?.trim().parse().ok();
    }
    resp.headers()
        .get(CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .parse()
        .ok()
}

/// A hidden sibling of `path` to write into before the final rename.
fn partial_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "blob".into());
    path.with_file_name(format!(".{name}.{}.partial", std::process::id()))
}
