//! A layer's bytes as a blocking reader, verified: from a layout's file, or from a registry's
//! stream through a small channel, so the tar reader runs on a blocking thread while the
//! network keeps going. Nothing is written to disk.

use std::io::{self, Read};

use bytes::Bytes;
use tokio::sync::mpsc;

use super::read::carried;
use crate::digest::Hasher;
use crate::error::{Error, Result};
use crate::manifest::Descriptor;
use crate::store::Store;

/// Chunks in flight between the network and the reader.
const CHANNEL_CHUNKS: usize = 16;

/// Reads the blob a descriptor names, hashing what passes; [`Verified::finish`] reads what is
/// left and fails unless the whole blob had the descriptor's size and digest.
pub(super) struct Verified {
    inner: Box<dyn Read + Send>,
    hasher: Hasher,
    read: u64,
    expected: Descriptor,
    what: String,
}

impl Read for Verified {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        if self.read > self.expected.size {
            return Err(carried(format!(
                "{} is longer than its descriptor's {} bytes",
                self.what, self.expected.size
            )));
        }
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
}

impl Verified {
    pub fn finish(mut self) -> Result<()> {
        let mut rest = vec![0u8; 1 << 16];
        loop {
            let n = self.read(&mut rest).map_err(|e| match e.get_ref() {
                Some(inner) => Error::Invalid(inner.to_string()),
                None => Error::Invalid(format!("{}: {e}", self.what)),
            })?;
            if n == 0 {
                break;
            }
        }
        if self.read != self.expected.size {
            return Err(Error::SizeMismatch {
                what: self.what,
                expected: self.expected.size,
                actual: self.read,
            });
        }
        let actual = self.hasher.finish();
        if actual != self.expected.digest {
            return Err(Error::DigestMismatch {
                what: self.what,
                expected: self.expected.digest,
                actual,
            });
        }
        Ok(())
    }
}

/// Opens the blob `layer` names in `store` for reading on a blocking thread.
pub(super) async fn open(store: &Store, layer: &Descriptor) -> Result<Verified> {
    let what = format!("layer {}", layer.digest);
    let inner: Box<dyn Read + Send> = match store {
        Store::Layout(l) => {
            let (file, _) = l.open_blob(&layer.digest).await?;
            Box::new(file.into_std().await)
        }
        Store::Remote {
            registry,
            repository,
        } => {
            let mut stream = registry
                .fetch_blob(repository, &layer.digest, layer.size)
                .await?;
            let (tx, rx) = mpsc::channel::<Result<Bytes>>(CHANNEL_CHUNKS);
            tokio::spawn(async move {
                loop {
                    let next = stream.next_chunk().await;
                    let done = !matches!(next, Ok(Some(_)));
                    let item = match next {
                        Ok(Some(chunk)) => Ok(chunk),
                        Ok(None) => break,
                        Err(e) => Err(e),
                    };
                    // The reader stopped (an error, or the listing was dropped): stop too.
                    if tx.send(item).await.is_err() || done {
                        break;
                    }
                }
            });
            Box::new(ChannelReader {
                rx,
                current: Bytes::new(),
            })
        }
    };
    Ok(Verified {
        inner,
        hasher: Hasher::new(layer.digest.algorithm()),
        read: 0,
        expected: layer.clone(),
        what,
    })
}

struct ChannelReader {
    rx: mpsc::Receiver<Result<Bytes>>,
    current: Bytes,
}

impl Read for ChannelReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.current.is_empty() {
            match self.rx.blocking_recv() {
                Some(Ok(chunk)) => self.current = chunk,
                Some(Err(e)) => return Err(carried(e.to_string())),
                None => return Ok(0),
            }
        }
        let n = buf.len().min(self.current.len());
        buf[..n].copy_from_slice(&self.current.split_to(n));
        Ok(n)
    }
}
