//! OCI layout folders, layout archives and `docker save` archives opened read-only as sources
//! for this session. Only a path the user chose in the shell's dialog or dropped on the window
//! is opened; a source names its layout by an id the shell gave, never by a path from the webview.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use stowage::layout::Layout;
use stowage::location::Location;
use stowage::store::Store;
use stowage::{Error, Result};

use crate::dto::{Source, SourceKind, SourceOrigin};

/// Every source id of an opened layout starts so.
pub const PREFIX: &str = "layout:";

/// The layouts opened this session, each under the source id the shell gave it (`layout:PATH`).
#[derive(Default)]
pub struct OpenedLayouts {
    by_id: Mutex<BTreeMap<String, PathBuf>>,
}

impl OpenedLayouts {
    /// Remembers `path` (already granted and checked to open) and its source.
    pub fn add(&self, path: &Path) -> Source {
        let id = format!("{PREFIX}{}", path.display());
        self.lock().insert(id.clone(), path.to_path_buf());
        source(&id, path)
    }

    /// Closes the layout of the source id `id`; true when it was open.
    pub fn remove(&self, id: &str) -> bool {
        self.lock().remove(id).is_some()
    }

    /// A sidebar source for each opened layout, by id.
    pub fn sources(&self) -> Vec<Source> {
        self.lock().iter().map(|(id, p)| source(id, p)).collect()
    }

    /// The path behind a source id the shell handed out.
    pub fn path_of(&self, id: &str) -> Result<PathBuf> {
        self.lock().get(id).cloned().ok_or_else(|| {
            Error::Invalid(format!(
                "{id} is not open; open the folder or archive again (Open layout…)"
            ))
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, PathBuf>> {
        self.by_id.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Whether the source id `source` names an opened layout, not the Local store or a registry.
pub fn is_layout(source: &str) -> bool {
    source.starts_with(PREFIX)
}

/// The one repository a layout source shows: the folder's or archive's name.
pub fn repository_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// Opens the layout at `path` read-only: a folder as it is, an archive unpacked (once per
/// version of the file) under `cache`.
pub async fn open(client: &stowage::registry::Client, path: &Path, cache: &Path) -> Result<Store> {
    let location = Location::Layout {
        path: path.to_path_buf(),
        tag: None,
        digest: None,
    };
    match Store::open(client, &location, false, cache).await? {
        Store::Layout(layout) => Ok(Store::Layout(Layout::read_only(layout))),
        other => Ok(other),
    }
}

fn source(id: &str, path: &Path) -> Source {
    Source {
        id: id.to_string(),
        kind: SourceKind::Layout,
        name: repository_name(path),
        origin: SourceOrigin::Opened,
        signed_in: false,
        username: None,
        credential_from: Some(path.display().to_string()),
        insecure: false,
        custom_ca: false,
    }
}
