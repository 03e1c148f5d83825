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

pub struct PendingPush {
    pub source: String,
    pub repository: String,
    pub request: PushRequest,
    pub plan: Plan,
}

#[derive(Default)]
pub struct PendingPushes(Kept<PendingPush>);

impl PendingPushes {
    /// Keeps `push` and returns its id.
    pub fn keep(&self, push: PendingPush) -> String {
        self.0.keep("plan", push)
    }

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
    pub source: String,
    pub repository: String,
    pub plan: PullPlan,
}

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
