//! Push plans prepared for the push sheet, kept (with their packed folders) until pushed or
//! discarded, so the push sends exactly what the sheet previewed.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use stowage::ops::push::{Plan, PushRequest};
use stowage::{Error, Result};

pub struct PendingPush {
    pub source: String,
    pub repository: String,
    pub request: PushRequest,
    pub plan: Plan,
    /// The previewed manifest: what the pushed node will be drawn from.
    pub manifest: Bytes,
}

#[derive(Default)]
pub struct PendingPushes {
    next: AtomicU64,
    plans: Mutex<HashMap<String, Arc<PendingPush>>>,
}

impl PendingPushes {
    /// Keeps `push` and returns its id.
    pub fn keep(&self, push: PendingPush) -> String {
        let id = format!("plan-{}", self.next.fetch_add(1, Ordering::Relaxed) + 1);
        if let Ok(mut plans) = self.plans.lock() {
            plans.insert(id.clone(), Arc::new(push));
        }
        id
    }

    pub fn get(&self, id: &str) -> Result<Arc<PendingPush>> {
        self.plans
            .lock()
            .ok()
            .and_then(|p| p.get(id).cloned())
            .ok_or_else(|| {
                Error::Invalid(format!(
                    "the push plan {id} is gone (pushed or discarded); prepare it again"
                ))
            })
    }

    /// Forgets a plan; its packed folders are removed once no push uses them.
    pub fn discard(&self, id: &str) {
        if let Ok(mut plans) = self.plans.lock() {
            plans.remove(id);
        }
    }
}
