//! What the app holds between commands: its folders, the registry client built from the
//! user's settings, the repositories opened lately, the operations that can be cancelled, and
//! the files and folders the user gave it.

use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};

use stowage::auth::Credentials;
use stowage::config::{Dirs, Settings};
use stowage::known_blobs::KnownBlobs;
use stowage::local::LocalStore;
use stowage::reference::Reference;
use stowage::registry::Client;
use stowage::signature::{Trust, TrustSettings, Verdicts};
use stowage::store::Store;
use stowage::transfer::Cancel;
use stowage::{Error, Result};
use tokio::task::AbortHandle;

use crate::grants::Grants;
use crate::layouts::{self, OpenedLayouts};
use crate::pending::{PendingPulls, PendingPushes};
use crate::sboms::KeptSboms;

/// The id of the Local store in the sidebar; registries are named by their host.
pub const LOCAL: &str = "local";
/// How many repositories are remembered per source.
const RECENT_LIMIT: usize = 20;

type TagList = Arc<Vec<String>>;

/// How long a cancelled transfer gets to stop by itself (closing its upload sessions) before
/// its task is dropped.
const CANCEL_GRACE: std::time::Duration = std::time::Duration::from_secs(3);

/// A running operation: its task, and for transfers the flag that asks it to stop cleanly.
struct Operation {
    abort: AbortHandle,
    cancel: Option<Cancel>,
}

/// Everything the shell holds between commands, managed by Tauri and shared by every command.
pub struct AppState {
    /// Stowage's folders: config (settings, recent list), cache, and data (the Local store).
    pub dirs: Dirs,
    /// The Local store: an OCI layout folder per repository under the data folder.
    pub local: LocalStore,
    /// Push plans prepared for the push sheet, until pushed or discarded.
    pub pushes: PendingPushes,
    /// Pulls that would replace files, waiting for the user to confirm.
    pub pulls: PendingPulls,
    /// What the webview may ask the shell to read.
    pub grants: Grants,
    /// The SBOMs the SBOM view has open.
    pub sboms: KeptSboms,
    /// Layout folders and archives opened read-only as sources.
    pub layouts: OpenedLayouts,
    /// What signatures are checked against, built from the trust settings.
    trust: RwLock<Arc<CurrentTrust>>,
    credentials: Credentials,
    client: RwLock<Arc<Client>>,
    operations: Mutex<HashMap<String, Operation>>,
    /// The last tag list of each (source, repository), for tag badges.
    tag_lists: Mutex<HashMap<(String, String), TagList>>,
    /// Serialises read-modify-write of the recent list.
    recent_lock: Mutex<()>,
}

/// The trust settings as built: a hand-edited entry that does not read leaves only the shipped
/// roots trusted, and says why, rather than refusing to start.
pub struct CurrentTrust {
    /// The trust, and the verdicts reached under it.
    pub verdicts: Verdicts,
    /// Why the saved trust settings are not used; `None` when they are.
    pub problem: Option<String>,
    /// The settings it was built from.
    built_from: TrustSettings,
}

impl CurrentTrust {
    fn new(settings: &TrustSettings) -> CurrentTrust {
        let (trust, problem) = match settings.trust() {
            Ok(trust) => (trust, None),
            Err(e) => (
                Trust::with_shipped_roots(),
                Some(format!("the trust settings are not used: {e}")),
            ),
        };
        CurrentTrust {
            verdicts: Verdicts::new(trust),
            problem,
            built_from: settings.clone(),
        }
    }
}

impl AppState {
    /// The state at start-up: the settings read from `dirs`, the trust built from them, and a
    /// client with `credentials`. Fails when the settings file does not read.
    pub fn new(dirs: Dirs, credentials: Credentials) -> Result<AppState> {
        let settings = Settings::load(&dirs.settings_file())?;
        let trust = CurrentTrust::new(&settings.trust);
        let client = Client::new(settings, credentials.clone())
            .with_known_blobs(KnownBlobs::new(dirs.known_blobs()));
        Ok(AppState {
            local: LocalStore::new(dirs.local_store()),
            trust: RwLock::new(Arc::new(trust)),
            pushes: PendingPushes::default(),
            pulls: PendingPulls::default(),
            grants: Grants::default(),
            sboms: KeptSboms::default(),
            layouts: OpenedLayouts::default(),
            dirs,
            credentials,
            client: RwLock::new(Arc::new(client)),
            operations: Mutex::new(HashMap::new()),
            tag_lists: Mutex::new(HashMap::new()),
            recent_lock: Mutex::new(()),
        })
    }

    /// The registry client of the current settings; changing them starts a new one.
    pub fn client(&self) -> Arc<Client> {
        match self.client.read() {
            Ok(c) => c.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Where registry credentials are looked up: the OS keyring, Docker's and podman's files.
    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// The settings in use now (a copy: change them with `replace_settings`).
    pub fn settings(&self) -> Settings {
        self.client().settings().clone()
    }

    /// Saves new settings and starts a fresh client with them (tokens are fetched again).
    pub fn replace_settings(&self, settings: Settings) -> Result<()> {
        settings.save(&self.dirs.settings_file())?;
        self.reset_client(settings);
        Ok(())
    }

    /// Forgets cached registries and tokens, e.g. after a sign-in or sign-out.
    pub fn reset_client(&self, settings: Settings) {
        // Signing in or out leaves the trust, and the verdicts reached under it, as they are.
        if self.trust().built_from != settings.trust {
            let trust = Arc::new(CurrentTrust::new(&settings.trust));
            match self.trust.write() {
                Ok(mut t) => *t = trust,
                Err(poisoned) => *poisoned.into_inner() = trust,
            }
        }
        let client = Arc::new(
            Client::new(settings, self.credentials.clone())
                .with_known_blobs(KnownBlobs::new(self.dirs.known_blobs())),
        );
        match self.client.write() {
            Ok(mut c) => *c = client,
            Err(poisoned) => *poisoned.into_inner() = client,
        }
    }

    /// What signatures are verified against now.
    pub fn trust(&self) -> Arc<CurrentTrust> {
        match self.trust.read() {
            Ok(t) => t.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// The store behind a source and repository.
    pub async fn store(&self, source: &str, repository: &str) -> Result<Store> {
        self.open(source, repository, false).await
    }

    /// A store to write to: a repository of the Local store is created when missing.
    pub async fn target(&self, source: &str, repository: &str) -> Result<Store> {
        self.open(source, repository, true).await
    }

    async fn open(&self, source: &str, repository: &str, create: bool) -> Result<Store> {
        if layouts::is_layout(source) {
            // Read-only whatever the caller meant: writes to it are refused by the layout.
            let path = self.layouts.path_of(source)?;
            return layouts::open(&self.client(), &path, &self.dirs.cache).await;
        }
        if source == LOCAL {
            let local = LocalStore::new(self.local.root());
            let repository = repository.to_string();
            let layout = tokio::task::spawn_blocking(move || local.layout(&repository, create))
                .await
                .map_err(|e| Error::Invalid(format!("opening the local store failed: {e}")))??;
            return Ok(Store::Layout(layout));
        }
        // Checked before any request is made, and named as the core names it: `alpine` on
        // Docker Hub is `library/alpine`, as in the command the app shows.
        let r = Reference::repository(source, repository)?;
        Ok(Store::Remote {
            registry: self.client().registry(&r.registry).await?,
            repository: r.repository,
        })
    }

    /// How the CLI names a repository of a source: `host/repo` or `oci:PATH`.
    pub fn base(&self, source: &str, repository: &str) -> Result<String> {
        if layouts::is_layout(source) {
            return Ok(format!("oci:{}", self.layouts.path_of(source)?.display()));
        }
        if source == LOCAL {
            return Ok(format!("oci:{}", self.local.path(repository)?.display()));
        }
        let r = Reference::repository(source, repository)?;
        Ok(format!("{}/{}", r.registry, r.repository))
    }

    /// Runs `work` as a cancellable operation named `op` (an id chosen by the UI).
    pub async fn run<T: Send + 'static>(
        &self,
        op: &str,
        work: impl Future<Output = Result<T>> + Send + 'static,
    ) -> Result<T> {
        self.run_with(op, None, work).await
    }

    /// Runs a transfer: cancelling it first raises `cancel`, so uploads close their sessions
    /// and layout writes remove their temporary files, and only then drops the task.
    pub async fn run_transfer<T: Send + 'static, F>(
        &self,
        op: &str,
        work: impl FnOnce(Cancel) -> F,
    ) -> Result<T>
    where
        F: Future<Output = Result<T>> + Send + 'static,
    {
        let cancel = Cancel::new();
        let future = work(cancel.clone());
        self.run_with(op, Some(cancel), future).await
    }

    async fn run_with<T: Send + 'static>(
        &self,
        op: &str,
        cancel: Option<Cancel>,
        work: impl Future<Output = Result<T>> + Send + 'static,
    ) -> Result<T> {
        let task = tokio::spawn(work);
        if let Ok(mut ops) = self.operations.lock() {
            let abort = task.abort_handle();
            ops.insert(op.to_string(), Operation { abort, cancel });
        }
        let result = task.await;
        if let Ok(mut ops) = self.operations.lock() {
            ops.remove(op);
        }
        match result {
            Ok(r) => r,
            Err(e) if e.is_cancelled() => Err(Error::Cancelled),
            Err(e) => Err(Error::Invalid(format!("operation {op} failed: {e}"))),
        }
    }

    /// Cancels the operation `op`; true when it was running.
    pub fn cancel(&self, op: &str) -> bool {
        let Some(operation) = self.operations.lock().ok().and_then(|mut o| o.remove(op)) else {
            return false;
        };
        match operation.cancel {
            Some(cancel) => {
                cancel.cancel();
                let abort = operation.abort;
                tauri::async_runtime::spawn(async move {
                    tokio::time::sleep(CANCEL_GRACE).await;
                    abort.abort();
                });
            }
            None => operation.abort.abort(),
        }
        true
    }

    /// Keeps the tag list just read of `repository` on `source`, for the tag badges: cosign
    /// keeps its signatures under tags.
    pub fn keep_tags(&self, source: &str, repository: &str, tags: Vec<String>) {
        if let Ok(mut lists) = self.tag_lists.lock() {
            lists.insert((source.into(), repository.into()), Arc::new(tags));
        }
    }

    /// The last tag list kept for `repository` on `source`; empty before one was read.
    pub fn kept_tags(&self, source: &str, repository: &str) -> TagList {
        self.tag_lists
            .lock()
            .ok()
            .and_then(|l| l.get(&(source.into(), repository.into())).cloned())
            .unwrap_or_default()
    }

    fn recent_file(&self) -> PathBuf {
        self.dirs.config.join("recent.json")
    }

    /// Repositories opened lately on `source`, most recent first.
    pub fn recent(&self, source: &str) -> Vec<String> {
        let _guard = self.recent_lock.lock();
        read_recent(&self.recent_file())
            .remove(source)
            .unwrap_or_default()
    }

    /// Remembers that `repository` of `source` was just opened.
    pub fn remember(&self, source: &str, repository: &str) -> Result<()> {
        // An opened layout is for this session; its path is not written down.
        if layouts::is_layout(source) {
            return Ok(());
        }
        let _guard = self.recent_lock.lock();
        let path = self.recent_file();
        let mut all = read_recent(&path);
        let list = all.entry(source.to_string()).or_default();
        list.retain(|r| r != repository);
        list.insert(0, repository.to_string());
        list.truncate(RECENT_LIMIT);
        let bytes = serde_json::to_vec_pretty(&all).map_err(|e| Error::Invalid(e.to_string()))?;
        stowage::atomic::write(&path, &bytes)
    }
}

/// A missing or unreadable list is an empty one: losing the recent list costs nothing.
fn read_recent(path: &std::path::Path) -> BTreeMap<String, Vec<String>> {
    std::fs::read(path)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default()
}
