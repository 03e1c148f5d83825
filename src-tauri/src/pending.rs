//! Plans kept between two commands, by id: push plans prepared for the push sheet (with their
//! packed folders) until pushed or discarded, so the push sends exactly what the sheet
//! previewed; and pull plans that would replace files, until the user confirms or cancels, so
//! the pull writes exactly where and what the confirmation listed.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use stowage::ops::pull::PullPlan;
use stowage::ops::push::{Plan, PushRequest};
use stowage::{Error, Result};

/// A push the sheet previewed, kept until it is pushed or discarded.
pub struct PendingPush {
    /// The source pushed to: `local` or a registry's host.
    pub source: String,
    /// The repository pushed to.
    pub repository: String,
    /// What the user asked to push, its subject (for an attach) resolved to a descriptor.
    pub request: PushRequest,
    /// The plan the preview was made from, with its packed folders: the push sends exactly it.
    pub plan: Plan,
}

/// Push plans kept by id (`plan-N`) between `prepare_push` and `push` or `discard_push`.
#[derive(Default)]
pub struct PendingPushes(Kept<PendingPush>);

impl PendingPushes {
    /// Keeps `push` and returns its id.
    pub fn keep(&self, push: PendingPush) -> String {
        self.0.keep("plan", push)
    }

    /// The plan kept under `id`, which stays kept (a failed push can be retried); an error once
    /// it was pushed or discarded.
    pub fn get(&self, id: &str) -> Result<Arc<PendingPush>> {
        self.0.get(id).ok_or_else(|| {
            Error::Invalid(format!(
                "the push plan {id} is gone (pushed or discarded); prepare it again"
            ))
        })
    }

    /// Forgets a plan; its packed folders are removed once no push uses them.
    pub fn discard(&self, id: &str) {
        self.0.take(id);
    }
}

/// A pull the user has not confirmed yet: the files it would replace are in `plan.replaces`,
/// and its destination, chosen in the shell's own dialog, is `plan.dest`.
pub struct PendingPull {
    /// The source pulled from.
    pub source: String,
    /// The repository pulled from.
    pub repository: String,
    /// The planned pull: the manifest, the files it writes and those it would replace.
    pub plan: PullPlan,
}

/// Pulls waiting for the user to confirm, by id (`pull-N`).
#[derive(Default)]
pub struct PendingPulls(Kept<PendingPull>);

impl PendingPulls {
    /// Keeps `pull` and returns its id.
    pub fn keep(&self, pull: PendingPull) -> String {
        self.0.keep("pull", pull)
    }

    /// Hands out a kept pull and forgets it: a confirmation runs once, whatever its outcome.
    pub fn take(&self, id: &str) -> Result<Arc<PendingPull>> {
        self.0.take(id).ok_or_else(|| {
            Error::Invalid(format!(
                "the pull {id} is gone (already run or cancelled); pull again"
            ))
        })
    }

    /// Forgets a kept pull the user would not confirm; nothing was written.
    pub fn discard(&self, id: &str) {
        self.0.take(id);
    }
}

/// Items by id (`PREFIX-N`); ids are never reused.
struct Kept<T> {
    next: AtomicU64,
    items: Mutex<HashMap<String, Arc<T>>>,
}

impl<T> Default for Kept<T> {
    fn default() -> Self {
        Kept {
            next: AtomicU64::new(0),
            items: Mutex::new(HashMap::new()),
        }
    }
}

impl<T> Kept<T> {
    fn keep(&self, prefix: &str, item: T) -> String {
        let id = format!("{prefix}-{}", self.next.fetch_add(1, Ordering::Relaxed) + 1);
        if let Ok(mut items) = self.items.lock() {
            items.insert(id.clone(), Arc::new(item));
        }
        id
    }

    fn get(&self, id: &str) -> Option<Arc<T>> {
        self.items.lock().ok().and_then(|i| i.get(id).cloned())
    }

    fn take(&self, id: &str) -> Option<Arc<T>> {
        self.items.lock().ok().and_then(|mut i| i.remove(id))
    }
}
