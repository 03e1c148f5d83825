//! Cancelling and following a transfer: [`Cancel`], the per-blob [`Progress`] callback, and the
//! progress of the whole (per blob and overall: bytes, total, rate, time left), shared by the
//! CLI's progress lines and the app's progress channel, with reporting throttled by the reader.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::digest::Digest;

/// Called with the number of bytes of the blob sent so far. It is called from a timer (about
/// 40 times a second at most) while bytes move, and once with the full size at the end; after
/// a restart the count can go back.
pub type Progress<'a> = &'a (dyn Fn(u64) + Send + Sync);

/// Stops an upload from anywhere: the upload notices within a few tens of milliseconds, cancels
/// its session on the registry, and fails with [`Error::Cancelled`].
#[derive(Clone, Debug, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    /// A handle not cancelled yet; its clones share its state.
    pub fn new() -> Cancel {
        Cancel::default()
    }

    /// Asks the work holding this handle, or any clone of it, to stop.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    /// Whether [`Cancel::cancel`] was called on this handle or any clone of it.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// How a blob got to its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// Sent over the wire.
    Uploaded,
    /// The target had it already.
    Skipped,
    /// Linked from another repository of the same registry, without sending bytes.
    Mounted,
    /// Fetched from the source and written locally.
    Downloaded,
}

/// Where one blob of a transfer stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "state", content = "detail")]
pub enum BlobState {
    /// Not started yet.
    Waiting,
    /// Bytes are moving.
    Running,
    /// Finished, and how it got to its target.
    Done(Outcome),
    /// Failed, with the error's message.
    Failed(String),
}

/// One blob's progress in a transfer.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BlobProgress {
    /// What people know the blob by: a file name, or the digest.
    pub name: String,
    /// Its digest, once known: a file not hashed in advance gets it when it finishes.
    pub digest: Option<Digest>,
    /// Its size in bytes.
    pub total: u64,
    /// Bytes done so far (all of them once it is finished, even when none moved); it can go back
    /// when an upload restarts.
    pub done: u64,
    /// Where it stands.
    pub state: BlobState,
}

/// A whole transfer at one moment: each blob, and the totals.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Snapshot {
    /// Every blob, in the order added: the id [`Transfer::add`] returned is its index.
    pub blobs: Vec<BlobProgress>,
    /// Bytes done across all blobs, those skipped or mounted included.
    pub done: u64,
    /// Bytes of all blobs together.
    pub total: u64,
    /// Bytes per second over the last few seconds.
    pub rate: f64,
    /// Seconds left at that rate, when it can be told.
    pub eta_secs: Option<f64>,
    /// Seconds since the transfer was created.
    pub elapsed_secs: f64,
}

/// The shared record of one transfer. Workers update it; readers take snapshots when they like.
pub struct Transfer {
    started: Instant,
    blobs: Mutex<Vec<BlobProgress>>,
    samples: Mutex<VecDeque<(Instant, u64)>>,
}

const RATE_WINDOW: Duration = Duration::from_secs(3);

impl Default for Transfer {
    fn default() -> Self {
        Transfer::new()
    }
}

impl Transfer {
    /// A transfer with no blobs yet, its clock started now.
    pub fn new() -> Transfer {
        Transfer {
            started: Instant::now(),
            blobs: Mutex::new(Vec::new()),
            samples: Mutex::new(VecDeque::new()),
        }
    }

    /// Registers a blob; returns its index for later updates.
    pub fn add(&self, name: impl Into<String>, digest: Option<Digest>, total: u64) -> usize {
        let mut blobs = self.lock();
        blobs.push(BlobProgress {
            name: name.into(),
            digest,
            total,
            done: 0,
            state: BlobState::Waiting,
        });
        blobs.len() - 1
    }

    /// Records that blob `id` has `done` bytes so far, and is running.
    pub fn advance(&self, id: usize, done: u64) {
        if let Some(b) = self.lock().get_mut(id) {
            b.done = done;
            b.state = BlobState::Running;
        }
    }

    /// Marks blob `id` done with `outcome`, all its bytes counted and its digest known.
    pub fn finish(&self, id: usize, digest: &Digest, outcome: Outcome) {
        if let Some(b) = self.lock().get_mut(id) {
            b.done = b.total;
            b.digest = Some(digest.clone());
            b.state = BlobState::Done(outcome);
        }
    }

    /// Marks blob `id` failed, with the error's `message`.
    pub fn fail(&self, id: usize, message: String) {
        if let Some(b) = self.lock().get_mut(id) {
            b.state = BlobState::Failed(message);
        }
    }

    /// The transfer as it stands: totals, the rate over the last few seconds, and the time left
    /// at that rate. Each call is also a sample the rate is computed from.
    pub fn snapshot(&self) -> Snapshot {
        let blobs = self.lock().clone();
        // Totals come from descriptors a registry wrote: summed without overflowing.
        let sum = |values: &mut dyn Iterator<Item = u64>| values.fold(0u64, u64::saturating_add);
        let total = sum(&mut blobs.iter().map(|b| b.total));
        // Skipped and mounted blobs move no bytes; counting them would inflate the rate.
        let moved = sum(&mut blobs
            .iter()
            .filter(|b| {
                !matches!(
                    b.state,
                    BlobState::Done(Outcome::Skipped | Outcome::Mounted)
                )
            })
            .map(|b| b.done));
        let done = sum(&mut blobs.iter().map(|b| b.done));
        let now = Instant::now();
        let rate = match self.samples.lock() {
            Ok(mut samples) => {
                samples.push_back((now, moved));
                while samples.len() > 2
                    && samples.front().is_some_and(|(t, _)| now - *t > RATE_WINDOW)
                {
                    samples.pop_front();
                }
                match samples.front() {
                    Some((t, b)) if now > *t && moved > *b => {
                        (moved - b) as f64 / (now - *t).as_secs_f64()
                    }
                    _ => 0.0,
                }
            }
            Err(_) => 0.0,
        };
        let left = total.saturating_sub(done);
        Snapshot {
            blobs,
            done,
            total,
            rate,
            eta_secs: (rate > 0.0).then(|| left as f64 / rate),
            elapsed_secs: self.started.elapsed().as_secs_f64(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<BlobProgress>> {
        // A panicking worker must not take progress reporting down with it.
        self.blobs.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Runs `work`, calling `report` with a snapshot every `interval` and once at the end.
pub async fn watch<T>(
    transfer: &Transfer,
    interval: Duration,
    report: impl Fn(&Snapshot),
    work: impl std::future::Future<Output = T>,
) -> T {
    tokio::pin!(work);
    let mut tick = tokio::time::interval(interval);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        tokio::select! {
            out = &mut work => {
                report(&transfer.snapshot());
                return out;
            }
            _ = tick.tick() => report(&transfer.snapshot()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_and_states() {
        let t = Transfer::new();
        let a = t.add("a.txt", None, 100);
        let b = t.add("b.txt", None, 50);
        t.advance(a, 40);
        let s = t.snapshot();
        assert_eq!((s.done, s.total), (40, 150));
        assert_eq!(s.blobs[a].state, BlobState::Running);
        assert_eq!(s.blobs[b].state, BlobState::Waiting);
        let d = Digest::sha256_of(b"b");
        t.finish(b, &d, Outcome::Skipped);
        t.fail(a, "boom".into());
        let s = t.snapshot();
        assert_eq!(s.blobs[b].done, 50);
        assert_eq!(s.blobs[b].state, BlobState::Done(Outcome::Skipped));
        assert_eq!(s.blobs[a].state, BlobState::Failed("boom".into()));
    }

    #[test]
    fn sizes_a_registry_made_up_saturate_instead_of_overflowing() {
        let t = Transfer::new();
        let a = t.add("a", None, u64::MAX);
        t.add("b", None, u64::MAX);
        t.advance(a, u64::MAX);
        let s = t.snapshot();
        assert_eq!((s.done, s.total), (u64::MAX, u64::MAX));
    }

    #[tokio::test]
    async fn watch_reports_at_the_end_at_least() {
        let t = Transfer::new();
        let id = t.add("x", None, 10);
        let count = std::sync::atomic::AtomicUsize::new(0);
        let out = watch(
            &t,
            Duration::from_secs(60),
            |_| {
                count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            },
            async {
                t.advance(id, 10);
                7
            },
        )
        .await;
        assert_eq!(out, 7);
        assert!(count.load(std::sync::atomic::Ordering::SeqCst) >= 1);
    }
}
