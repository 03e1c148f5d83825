//! Files as upload bodies: read on a blocking thread, hashed as they are read, handed to the
//! HTTP body block by block, and watched for changes while they stream.

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use futures::Stream;
use tokio::sync::mpsc;

use crate::digest::{Digest, Hasher};
use crate::error::{Error, Result};
use crate::transfer::Cancel;

/// Bytes read, hashed and sent at a time: large enough that per-block costs vanish, small enough
/// that progress and cancellation stay fine-grained.
const BLOCK: usize = 256 * 1024;
/// Blocks read ahead of the network: 4 MiB, which keeps the socket busy and memory flat.
const READ_AHEAD: usize = 16;
/// How long to wait for a reader once its request is over before leaving it behind (it stops
/// at its next block; positional reads keep it from disturbing the next reader).
const READER_GRACE: Duration = Duration::from_secs(2);

/// A file opened once for the whole upload, with the length it had then.
pub(super) struct FileBody {
    file: Arc<File>,
    path: PathBuf,
    len: u64,
}

/// How a reader ended.
pub(super) enum ReadOutcome {
    /// It read and handed over the whole range; the hasher now covers its end.
    Done(Hasher),
    /// The request no longer wanted the bytes (it failed or finished early).
    Stopped,
    /// The file failed or changed, or the upload was cancelled: no retry can help.
    Failed(Error),
}

/// The thread reading a range of the file onto the network.
pub(super) struct Reader {
    /// Bytes handed to the HTTP body so far.
    pub sent: Arc<AtomicU64>,
    handle: tokio::task::JoinHandle<ReadOutcome>,
    abandon: Arc<AtomicBool>,
}

impl Reader {
    /// How the reader ended, once the request it fed is over.
    pub async fn outcome(self) -> ReadOutcome {
        match tokio::time::timeout(READER_GRACE, self.handle).await {
            Ok(Ok(outcome)) => outcome,
            Ok(Err(e)) => ReadOutcome::Failed(Error::Invalid(format!(
                "the file reading thread failed: {e}"
            ))),
            // hyper still holds the body of a request that is over; nobody will read it.
            Err(_) => {
                self.abandon.store(true, Ordering::SeqCst);
                ReadOutcome::Stopped
            }
        }
    }
}

impl FileBody {
    pub fn open(path: &Path) -> Result<FileBody> {
        let file = File::open(path).map_err(|e| Error::io(path, e))?;
        let meta = file.metadata().map_err(|e| Error::io(path, e))?;
        if !meta.is_file() {
            return Err(Error::Invalid(format!(
                "{} is not a regular file",
                path.display()
            )));
        }
        Ok(FileBody {
            file: Arc::new(file),
            path: path.to_path_buf(),
            len: meta.len(),
        })
    }

    pub fn len(&self) -> u64 {
        self.len
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Streams `[start, end)`, hashing onto `hasher`. When the range reaches the end of the file,
    /// the file is checked before its last block goes out: it must not have grown, and must hash
    /// to `expected` when that is known, so a changed file never completes an upload.
    pub fn stream(
        &self,
        start: u64,
        end: u64,
        hasher: Hasher,
        expected: Option<&Digest>,
        cancel: &Cancel,
    ) -> (reqwest::Body, Reader) {
        let (body, reader) = self.blocks(start, end, hasher, expected, cancel);
        (reqwest::Body::wrap_stream(body), reader)
    }

    fn blocks(
        &self,
        start: u64,
        end: u64,
        hasher: Hasher,
        expected: Option<&Digest>,
        cancel: &Cancel,
    ) -> (BodyStream, Reader) {
        let (tx, rx) = mpsc::channel(READ_AHEAD);
        let sent = Arc::new(AtomicU64::new(0));
        let abandon = Arc::new(AtomicBool::new(false));
        let job = ReadJob {
            file: self.file.clone(),
            path: self.path.clone(),
            len: self.len,
            expected: expected.cloned(),
            cancel: cancel.clone(),
            abandon: abandon.clone(),
        };
        let handle = tokio::task::spawn_blocking(move || job.run(start, end, hasher, &tx));
        let body = BodyStream {
            rx,
            sent: sent.clone(),
        };
        let reader = Reader {
            sent,
            handle,
            abandon,
        };
        (body, reader)
    }

    /// Brings `hasher` from `start` to `end` by reading that part of the file again: what a
    /// registry kept of a chunk that broke off was hashed by a reader whose state is gone.
    pub async fn rehash(&self, mut hasher: Hasher, start: u64, end: u64) -> Result<Hasher> {
        let file = self.file.clone();
        let path = self.path.clone();
        tokio::task::spawn_blocking(move || {
            let mut buf = vec![0u8; BLOCK];
            let mut pos = start;
            while pos < end {
                let n = BLOCK.min((end - pos) as usize);
                let got =
                    read_full_at(&file, &mut buf[..n], pos).map_err(|e| Error::io(&path, e))?;
                if got < n {
                    return Err(changed_size(&path, end, pos + got as u64));
                }
                hasher.update(&buf[..n]);
                pos += n as u64;
            }
            Ok(hasher)
        })
        .await
        .map_err(|e| Error::Internal(format!("the file hashing thread failed: {e}")))?
    }
}

struct ReadJob {
    file: Arc<File>,
    path: PathBuf,
    len: u64,
    expected: Option<Digest>,
    cancel: Cancel,
    abandon: Arc<AtomicBool>,
}

type Block = io::Result<Bytes>;

impl ReadJob {
    fn run(
        self,
        start: u64,
        end: u64,
        mut hasher: Hasher,
        tx: &mpsc::Sender<Block>,
    ) -> ReadOutcome {
        let mut pos = start;
        while pos < end {
            if self.abandon.load(Ordering::SeqCst) {
                return ReadOutcome::Stopped;
            }
            if self.cancel.is_cancelled() {
                return self.fail(tx, Error::Cancelled);
            }
            let n = BLOCK.min((end - pos) as usize);
            let mut buf = vec![0u8; n];
            let got = match read_full_at(&self.file, &mut buf, pos) {
                Ok(got) => got,
                Err(e) => return self.fail(tx, Error::io(&self.path, e)),
            };
            hasher.update(&buf[..got]);
            if got < n {
                let error = self.changed(&hasher, pos + got as u64);
                return self.fail(tx, error);
            }
            pos += n as u64;
            if pos == self.len {
                if let Err(e) = self.check_end(&hasher) {
                    return self.fail(tx, e);
                }
            }
            if tx.blocking_send(Ok(Bytes::from(buf))).is_err() {
                return ReadOutcome::Stopped;
            }
        }
        ReadOutcome::Done(hasher)
    }

    /// Makes the HTTP body fail (rather than end short, which a server could take for a whole
    /// body) and reports why.
    fn fail(&self, tx: &mpsc::Sender<Block>, error: Error) -> ReadOutcome {
        let _ = tx.try_send(Err(io::Error::other(error.to_string())));
        ReadOutcome::Failed(error)
    }

    /// At the end of the file as it was opened: it must not have grown, and must be what the
    /// caller said it was.
    fn check_end(&self, hasher: &Hasher) -> Result<()> {
        let mut probe = [0u8; 1];
        let more =
            read_full_at(&self.file, &mut probe, self.len).map_err(|e| Error::io(&self.path, e))?;
        if more > 0 {
            let now = self.file.metadata().map_or(self.len + 1, |m| m.len());
            let mut grown = hasher.clone();
            // Hash what was appended so the error shows the digest the file has now; only up
            // to the length seen, or a writer that keeps appending would keep us here.
            if self.expected.is_some() {
                let mut buf = vec![0u8; BLOCK];
                let mut pos = self.len;
                while pos < now {
                    let want = BLOCK.min((now - pos) as usize);
                    match read_full_at(&self.file, &mut buf[..want], pos) {
                        Ok(n) if n > 0 => {
                            grown.update(&buf[..n]);
                            pos += n as u64;
                        }
                        _ => break,
                    }
                }
            }
            return Err(self.changed(&grown, now));
        }
        match &self.expected {
            Some(expected) => {
                let actual = hasher.clone().finish();
                if &actual != expected {
                    return Err(Error::DigestMismatch {
                        what: format!("file {}", self.path.display()),
                        expected: expected.clone(),
                        actual,
                    });
                }
                Ok(())
            }
            None => Ok(()),
        }
    }

    /// The file no longer is what it was when the upload started.
    fn changed(&self, hashed: &Hasher, now_len: u64) -> Error {
        match &self.expected {
            Some(expected) => Error::DigestMismatch {
                what: format!(
                    "file {} (it changed during the upload)",
                    self.path.display()
                ),
                expected: expected.clone(),
                actual: hashed.clone().finish(),
            },
            None => changed_size(&self.path, self.len, now_len),
        }
    }
}

fn changed_size(path: &Path, expected: u64, actual: u64) -> Error {
    Error::SizeMismatch {
        what: format!("file {} (it changed during the upload)", path.display()),
        expected,
        actual,
    }
}

/// Reads at `offset` until `buf` is full or the file ends. Positional reads share no cursor,
/// so a reader left behind cannot move the next one's position.
fn read_full_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    let mut done = 0;
    while done < buf.len() {
        match read_at(file, &mut buf[done..], offset + done as u64) {
            Ok(0) => break,
            Ok(n) => done += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(done)
}

#[cfg(unix)]
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    std::os::unix::fs::FileExt::read_at(file, buf, offset)
}

#[cfg(windows)]
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    std::os::windows::fs::FileExt::seek_read(file, buf, offset)
}

/// The HTTP body: blocks from the reader, counted as hyper takes them.
struct BodyStream {
    rx: mpsc::Receiver<Block>,
    sent: Arc<AtomicU64>,
}

impl Stream for BodyStream {
    type Item = Block;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Block>> {
        let polled = self.rx.poll_recv(cx);
        if let Poll::Ready(Some(Ok(block))) = &polled {
            self.sent.fetch_add(block.len() as u64, Ordering::SeqCst);
        }
        polled
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::digest::Algorithm;
    use futures::StreamExt;

    async fn collect(
        body: &FileBody,
        start: u64,
        end: u64,
        expected: Option<&Digest>,
    ) -> (Vec<u8>, ReadOutcome) {
        let hasher = Hasher::new(Algorithm::Sha256);
        let (mut body, reader) = body.blocks(start, end, hasher, expected, &Cancel::new());
        let mut out = Vec::new();
        while let Some(Ok(chunk)) = body.next().await {
            out.extend_from_slice(&chunk);
        }
        drop(body);
        (out, reader.outcome().await)
    }

    fn file_with(bytes: &[u8]) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, bytes).unwrap();
        (dir, path)
    }

    #[tokio::test]
    async fn streams_a_range_and_hashes_it() {
        let content: Vec<u8> = (0..700_000u32).map(|i| (i % 251) as u8).collect();
        let (_dir, path) = file_with(&content);
        let body = FileBody::open(&path).unwrap();
        let (bytes, outcome) = collect(&body, 1000, 600_000, None).await;
        assert_eq!(bytes, &content[1000..600_000]);
        let ReadOutcome::Done(h) = outcome else {
            panic!("not done")
        };
        assert_eq!(h.finish(), Digest::sha256_of(&content[1000..600_000]));

        let rehashed = body
            .rehash(Hasher::new(Algorithm::Sha256), 0, 700_000)
            .await
            .unwrap();
        assert_eq!(rehashed.finish(), Digest::sha256_of(&content));
    }

    #[tokio::test]
    async fn a_wrong_expected_digest_withholds_the_last_block() {
        let content = vec![7u8; BLOCK * 2 + 10];
        let (_dir, path) = file_with(&content);
        let body = FileBody::open(&path).unwrap();
        let wrong = Digest::sha256_of(b"something else");
        let (bytes, outcome) = collect(&body, 0, content.len() as u64, Some(&wrong)).await;
        assert_eq!(bytes.len(), BLOCK * 2, "the last block was not sent");
        match outcome {
            ReadOutcome::Failed(Error::DigestMismatch { actual, .. }) => {
                assert_eq!(actual, Digest::sha256_of(&content))
            }
            _ => panic!("expected a digest mismatch"),
        }
    }

    #[tokio::test]
    async fn a_file_that_grew_is_refused() {
        let (_dir, path) = file_with(b"hello");
        let body = FileBody::open(&path).unwrap();
        std::fs::write(&path, b"hello, world").unwrap();
        let (_, outcome) = collect(&body, 0, 5, None).await;
        assert!(
            matches!(
                outcome,
                ReadOutcome::Failed(Error::SizeMismatch {
                    expected: 5,
                    actual: 12,
                    ..
                })
            ),
            "a grown file must fail"
        );
    }
}
