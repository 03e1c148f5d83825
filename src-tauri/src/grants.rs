//! The files and folders the user gave Stowage (dropped on its window, or chosen in a file dialog
//! the shell opened) and the check that every path the webview asks the shell to read is one of
//! them or lies inside one: the webview alone can name no other file.
//!
//! Paths are compared canonicalised (symlinks and `..` resolved), so `granted/../../etc/passwd`
//! or a symlink inside a granted folder that points out of it is refused. The grants last until
//! the app quits.

use std::collections::BTreeSet;
use std::ffi::OsString;
use std::io::ErrorKind;
use std::path::{Component, Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use tauri::DragDropEvent;

use crate::dto::AppError;

/// The paths the user gave Stowage this session; the webview may have the shell read only these
/// and what lies inside them.
#[derive(Default)]
pub struct Grants {
    /// Canonical paths of what was granted.
    roots: Mutex<BTreeSet<PathBuf>>,
    /// What the drag in progress carries, for a drop that reports no paths of its own.
    entered: Mutex<Vec<PathBuf>>,
}

impl Grants {
    /// Grants `paths` and everything inside them. A path that does not exist grants nothing.
    pub fn grant<P: AsRef<Path>>(&self, paths: impl IntoIterator<Item = P>) {
        let mut roots = lock(&self.roots);
        for path in paths {
            match path.as_ref().canonicalize() {
                Ok(real) => {
                    roots.insert(real);
                }
                Err(e) => {
                    tracing::debug!(path = %path.as_ref().display(), error = %e, "not granted")
                }
            }
        }
    }

    /// Records an OS drag over the window: only a drop grants, the paths the drop carries or,
    /// when it carries none, those the drag entered with.
    pub fn on_drag_drop(&self, event: &DragDropEvent) {
        match event {
            DragDropEvent::Enter { paths, .. } => *lock(&self.entered) = paths.clone(),
            DragDropEvent::Drop { paths, .. } => {
                let entered = std::mem::take(&mut *lock(&self.entered));
                self.grant(if paths.is_empty() { &entered } else { paths });
            }
            DragDropEvent::Leave => lock(&self.entered).clear(),
            _ => {}
        }
    }

    /// `Ok` when `path` is granted or inside a granted folder; otherwise `forbidden`.
    pub fn check(&self, path: &Path) -> Result<(), AppError> {
        let granted = resolve(path).is_some_and(|real| {
            let roots = lock(&self.roots);
            real.ancestors().any(|a| roots.contains(a))
        });
        if granted {
            return Ok(());
        }
        Err(AppError::forbidden(format!(
            "Stowage reads only files you dropped on it or chose in its file dialog, and {} is not one of them",
            path.display()
        )))
    }

    /// [`Grants::check`] for each path; the first refused one answers.
    pub fn check_all<P: AsRef<Path>>(
        &self,
        paths: impl IntoIterator<Item = P>,
    ) -> Result<(), AppError> {
        paths.into_iter().try_for_each(|p| self.check(p.as_ref()))
    }
}

/// The path with every symlink and `..` resolved. A path that does not exist (yet, or any more)
/// resolves through its nearest existing ancestor, so a granted file deleted since reports
/// "not found" when read, rather than `forbidden`; what follows that ancestor must be plain names.
/// `None` for a relative path, or one that cannot be resolved.
fn resolve(path: &Path) -> Option<PathBuf> {
    if !path.is_absolute() {
        return None;
    }
    let mut missing: Vec<OsString> = Vec::new();
    let mut existing = path;
    loop {
        match existing.canonicalize() {
            Ok(mut real) => {
                real.extend(missing.iter().rev());
                return Some(real);
            }
            Err(e) if e.kind() == ErrorKind::NotFound => {
                let Some(Component::Normal(name)) = existing.components().next_back() else {
                    return None;
                };
                missing.push(name.to_os_string());
                existing = existing.parent()?;
            }
            Err(_) => return None,
        }
    }
}

/// A poisoned lock still holds a valid set: a panic elsewhere never loses or widens the grants.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use tauri::PhysicalPosition;

    struct Home {
        dir: tempfile::TempDir,
    }

    /// A home folder with a secret (`.docker/config.json`) and a folder to drop (`drop/`).
    fn home() -> Home {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(".docker")).unwrap();
        std::fs::write(dir.path().join(".docker/config.json"), r#"{"auths":{}}"#).unwrap();
        std::fs::create_dir_all(dir.path().join("drop/docs")).unwrap();
        std::fs::write(dir.path().join("drop/docs/a.md"), "a").unwrap();
        std::fs::write(dir.path().join("notes.txt"), "n").unwrap();
        Home { dir }
    }

    impl Home {
        fn path(&self, rel: &str) -> PathBuf {
            self.dir.path().join(rel)
        }
    }

    fn forbidden(grants: &Grants, path: &Path) -> bool {
        matches!(grants.check(path), Err(e) if e.code == "forbidden")
    }

    #[test]
    fn nothing_is_granted_until_the_user_gives_it() {
        let (h, grants) = (home(), Grants::default());
        assert!(forbidden(&grants, &h.path(".docker/config.json")));
        assert!(forbidden(&grants, &h.path("notes.txt")));
        let message = grants.check(&h.path("notes.txt")).unwrap_err().message;
        assert!(message.contains("notes.txt"), "{message}");
    }

    #[test]
    fn a_granted_file_and_everything_inside_a_granted_folder_pass() {
        let (h, grants) = (home(), Grants::default());
        grants.grant([h.path("notes.txt"), h.path("drop")]);
        grants.check(&h.path("notes.txt")).unwrap();
        grants.check(&h.path("drop")).unwrap();
        grants.check(&h.path("drop/docs/a.md")).unwrap();
        grants.check(&h.path("drop/./docs/a.md")).unwrap();
        grants
            .check_all([h.path("notes.txt"), h.path("drop/docs")])
            .unwrap();
        // Siblings and parents are not.
        assert!(forbidden(&grants, h.dir.path()));
        assert!(forbidden(&grants, &h.path(".docker/config.json")));
        assert!(grants
            .check_all([h.path("notes.txt"), h.path(".docker/config.json")])
            .is_err());
    }

    #[test]
    fn a_name_that_only_starts_like_a_granted_one_is_not_inside_it() {
        let (h, grants) = (home(), Grants::default());
        std::fs::write(h.path("drop-secret"), "s").unwrap();
        grants.grant([h.path("drop")]);
        assert!(forbidden(&grants, &h.path("drop-secret")));
    }

    #[test]
    fn dot_dot_out_of_a_granted_folder_is_refused() {
        let (h, grants) = (home(), Grants::default());
        grants.grant([h.path("drop")]);
        assert!(forbidden(&grants, &h.path("drop/../.docker/config.json")));
        assert!(forbidden(&grants, &h.path("drop/docs/../../notes.txt")));
        // Even towards a file that does not exist.
        assert!(forbidden(&grants, &h.path("drop/nothing/../../x")));
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_out_of_a_granted_folder_is_refused_and_one_into_it_is_not() {
        let (h, grants) = (home(), Grants::default());
        let link = |target: &str, at: &str| {
            std::os::unix::fs::symlink(h.path(target), h.path(at)).unwrap()
        };
        link(".docker/config.json", "drop/config.json");
        link(".docker", "drop/docker");
        link("drop/docs/a.md", "elsewhere.md");
        grants.grant([h.path("drop")]);
        assert!(forbidden(&grants, &h.path("drop/config.json")));
        assert!(forbidden(&grants, &h.path("drop/docker/config.json")));
        // A dangling link is a missing name: reading it finds nothing.
        link(".docker/gone.json", "drop/gone.json");
        grants.check(&h.path("drop/gone.json")).unwrap();
        // A link outside that resolves into the granted folder reads only granted content.
        grants.check(&h.path("elsewhere.md")).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn a_dropped_symlink_grants_what_it_points_to() {
        let (h, grants) = (home(), Grants::default());
        std::os::unix::fs::symlink(h.path("drop"), h.path("shortcut")).unwrap();
        grants.grant([h.path("shortcut")]);
        grants.check(&h.path("shortcut/docs/a.md")).unwrap();
        grants.check(&h.path("drop/docs/a.md")).unwrap();
    }

    #[test]
    fn a_missing_file_passes_inside_a_granted_folder_only() {
        let (h, grants) = (home(), Grants::default());
        grants.grant([h.path("drop"), h.path("nothing-here")]);
        grants.check(&h.path("drop/deleted-since.txt")).unwrap();
        grants.check(&h.path("drop/new/dir/x.txt")).unwrap();
        assert!(forbidden(&grants, &h.path("nothing-here")));
        assert!(forbidden(&grants, &h.path("elsewhere/x.txt")));
    }

    #[test]
    fn relative_paths_are_refused() {
        let (h, grants) = (home(), Grants::default());
        grants.grant([h.path("drop")]);
        assert!(forbidden(&grants, Path::new("drop/docs/a.md")));
        assert!(forbidden(&grants, Path::new("")));
        assert!(forbidden(&grants, Path::new(".")));
    }

    #[test]
    fn only_a_drop_grants_the_dragged_paths() {
        let (h, grants) = (home(), Grants::default());
        let position = PhysicalPosition::new(10.0, 10.0);
        let paths = vec![h.path("notes.txt")];
        grants.on_drag_drop(&DragDropEvent::Enter {
            paths: paths.clone(),
            position,
        });
        grants.on_drag_drop(&DragDropEvent::Over { position });
        assert!(forbidden(&grants, &paths[0]), "dragging over is no grant");
        grants.on_drag_drop(&DragDropEvent::Leave);
        grants.on_drag_drop(&DragDropEvent::Drop {
            paths: vec![],
            position,
        });
        assert!(forbidden(&grants, &paths[0]), "the drag left the window");
        grants.on_drag_drop(&DragDropEvent::Drop {
            paths: paths.clone(),
            position,
        });
        grants.check(&paths[0]).unwrap();
    }

    #[test]
    fn a_drop_without_paths_grants_what_the_drag_entered_with() {
        let (h, grants) = (home(), Grants::default());
        let position = PhysicalPosition::new(0.0, 0.0);
        grants.on_drag_drop(&DragDropEvent::Enter {
            paths: vec![h.path("drop")],
            position,
        });
        grants.on_drag_drop(&DragDropEvent::Drop {
            paths: vec![],
            position,
        });
        grants.check(&h.path("drop/docs/a.md")).unwrap();
    }
}
