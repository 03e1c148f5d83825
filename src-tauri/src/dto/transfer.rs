//! Transfers (pull, copy, and with issue 5 push and attach): their progress, and what they did.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use stowage::ops::pull;
use stowage::transfer::{self, BlobState as CoreState, Outcome};
use ts_rs::TS;

/// Where one blob of a transfer stands; the finished states say how it reached its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum BlobState {
    /// Not started yet.
    Waiting,
    /// Bytes are moving.
    Running,
    /// Finished: sent over the wire.
    Uploaded,
    /// Finished: the target had it already.
    Skipped,
    /// Finished: linked from another repository of the same registry, without sending bytes.
    Mounted,
    /// Finished: fetched from the source and written locally.
    Downloaded,
    /// Failed; `error` says why.
    Failed,
}

/// One blob's progress in a transfer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BlobProgress {
    /// A file name, or the digest when the blob has no name.
    pub name: String,
    /// The blob's digest, `sha256:…`, once known: a file not hashed in advance gets it when it
    /// finishes.
    pub digest: Option<String>,
    /// The blob's size in bytes.
    #[ts(type = "number")]
    pub total: u64,
    /// Bytes done so far (all of them once finished, even when none moved); it can go back when
    /// an upload restarts.
    #[ts(type = "number")]
    pub done: u64,
    /// Where the blob stands.
    pub state: BlobState,
    /// The failure's message when `state` is `failed`; `None` otherwise.
    pub error: Option<String>,
}

/// One transfer's progress, sent through its channel about ten times a second.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TransferProgress {
    /// Bytes done across all blobs, those skipped or mounted included.
    #[ts(type = "number")]
    pub done: u64,
    /// Bytes of all blobs together.
    #[ts(type = "number")]
    pub total: u64,
    /// Bytes per second over the last few seconds.
    pub rate: f64,
    /// Seconds left at that rate; `None` when it cannot be told yet.
    pub eta_secs: Option<f64>,
    /// Seconds since the transfer started.
    pub elapsed_secs: f64,
    /// Every blob of the transfer, in the order it was added.
    pub blobs: Vec<BlobProgress>,
}

impl From<&transfer::Snapshot> for TransferProgress {
    fn from(s: &transfer::Snapshot) -> Self {
        TransferProgress {
            done: s.done,
            total: s.total,
            rate: s.rate,
            eta_secs: s.eta_secs,
            elapsed_secs: s.elapsed_secs,
            blobs: s
                .blobs
                .iter()
                .map(|b| {
                    let (state, error) = match &b.state {
                        CoreState::Waiting => (BlobState::Waiting, None),
                        CoreState::Running => (BlobState::Running, None),
                        CoreState::Done(Outcome::Uploaded) => (BlobState::Uploaded, None),
                        CoreState::Done(Outcome::Skipped) => (BlobState::Skipped, None),
                        CoreState::Done(Outcome::Mounted) => (BlobState::Mounted, None),
                        CoreState::Done(Outcome::Downloaded) => (BlobState::Downloaded, None),
                        CoreState::Failed(e) => (BlobState::Failed, Some(e.clone())),
                    };
                    BlobProgress {
                        name: b.name.clone(),
                        digest: b.digest.as_ref().map(ToString::to_string),
                        total: b.total,
                        done: b.done,
                        state,
                        error,
                    }
                })
                .collect(),
        }
    }
}

/// What a pull wrote.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Pulled {
    /// The digest of the manifest pulled, `sha256:…`.
    pub digest: String,
    /// The folder the user chose to pull into.
    pub destination: String,
    /// Relative to `destination`.
    pub files: Vec<String>,
    /// Those of `files` that replaced a file already there (the user confirmed it).
    pub replaced: Vec<String>,
    /// Layers without a title, not written.
    pub skipped: Vec<String>,
}

impl Pulled {
    /// What the core's pull wrote into `destination`, as the UI shows it.
    pub fn new(pulled: pull::Pulled, destination: &Path) -> Pulled {
        let texts = |paths: &[PathBuf]| paths.iter().map(|p| p.display().to_string()).collect();
        Pulled {
            digest: pulled.digest.to_string(),
            destination: destination.display().to_string(),
            files: texts(&pulled.files),
            replaced: texts(&pulled.replaced),
            skipped: pulled.skipped.iter().map(ToString::to_string).collect(),
        }
    }
}

/// What `pull` answers once the user chose a folder: pulled, or a question first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum PullAnswer {
    /// Nothing was in the way: the pull ran.
    Pulled(Pulled),
    /// Files would be replaced: nothing was written; `confirm_pull` or `discard_pull` the plan.
    Confirm(PullConfirmation),
}

/// A pull kept until the user agrees to replace the files listed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PullConfirmation {
    /// The kept plan's id, for `confirm_pull` and `discard_pull`.
    pub plan: String,
    /// The digest of the manifest the pull would write, `sha256:…`.
    pub digest: String,
    /// For display only: the kept plan writes where the user chose in the shell's dialog.
    pub destination: String,
    /// The files that would be replaced, relative to `destination`.
    pub replaces: Vec<String>,
    /// How many: `replaces.len()`.
    pub count: u32,
    /// How many files the pull writes in all.
    pub files: u32,
}

impl PullConfirmation {
    /// The question to ask about `pulling`, a plan the shell keeps under the id `plan`.
    pub fn new(plan: String, pulling: &pull::PullPlan) -> PullConfirmation {
        PullConfirmation {
            plan,
            digest: pulling.digest.to_string(),
            destination: pulling.dest.display().to_string(),
            replaces: pulling
                .replaces
                .iter()
                .map(|p| p.display().to_string())
                .collect(),
            count: u32::try_from(pulling.replaces.len()).unwrap_or(u32::MAX),
            files: u32::try_from(pulling.layers.len()).unwrap_or(u32::MAX),
        }
    }
}

/// Where a copy goes: a source, a repository there, and optionally a tag.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CopyTarget {
    /// The source copied to (`local` or a registry's host); an opened layout refuses writes.
    pub source: String,
    /// The repository copied to; one of the Local store is created when missing.
    pub repository: String,
    /// The tag to give the copy there; `None` or empty copies it by digest only.
    pub tag: Option<String>,
}

/// What a copy did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Copied {
    /// The digest of the manifest or index copied, `sha256:…`.
    pub digest: String,
    /// Where it went: `registry/repository` or `oci:PATH`.
    pub target: String,
    /// Manifests pushed to the target: the root, and the children and referrers below it.
    pub manifests: u32,
    /// Blobs uploaded, downloaded, mounted or found at the target already; a blob that several
    /// manifests name counts once for each.
    pub blobs: u32,
}

/// One manifest a delete would remove, deepest referrers first, the chosen one last.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DeleteEntry {
    /// The manifest's digest, `sha256:…`.
    pub digest: String,
    /// The manifest's media type (an image manifest or an index).
    pub media_type: String,
    /// Its artifact type (a signature's, an SBOM's); `None` when its descriptor states none.
    pub artifact_type: Option<String>,
    /// The manifest's own size in bytes, not counting the blobs it names.
    #[ts(type = "number")]
    pub size: u64,
}

impl From<stowage::manifest::Descriptor> for DeleteEntry {
    fn from(d: stowage::manifest::Descriptor) -> Self {
        DeleteEntry {
            digest: d.digest.to_string(),
            media_type: d.media_type,
            artifact_type: d.artifact_type,
            size: d.size,
        }
    }
}
