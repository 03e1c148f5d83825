//! The app's Local store: a folder of OCI image layouts, one per repository (`ROOT/team/app`
//! holds the layout of `team/app`), so local content has repositories and tags like a registry.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::layout::Layout;
use crate::reference::{Reference, ReferenceError};

/// The most components a Local repository name may have; also how deep listing looks, so a
/// deep or hostile tree cannot make it run for long.
const MAX_DEPTH: usize = 16;

/// What a layout keeps at its top. A repository nested in another (`a/b` inside `a`) shares
/// that folder, so it may not take these names.
const LAYOUT_ENTRIES: [&str; 4] = ["blobs", "oci-layout", "index.json", "index.json.lock"];

const LAYOUT_MARKER: &str = "oci-layout";

/// The Local store at one root folder, whose repositories are the layouts found under it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalStore {
    root: PathBuf,
}

impl LocalStore {
    /// The store rooted at `root`; a root that does not exist yet is an empty store.
    pub fn new(root: impl Into<PathBuf>) -> LocalStore {
        LocalStore { root: root.into() }
    }

    /// The folder holding the store's layouts.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Repository names (may contain '/'), sorted; a folder counts when it holds an
    /// `oci-layout` file. A missing root is an empty store. Symbolic links are not followed
    /// and folders deeper than a repository name can be are not read.
    pub fn repositories(&self) -> Result<Vec<String>> {
        let entries = match std::fs::read_dir(&self.root) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(Error::io(&self.root, e)),
        };
        let mut found = Vec::new();
        // (folder's entries, its repository name, whether it is a layout)
        let mut stack = vec![(entries, String::new(), false)];
        while let Some((entries, parent, parent_is_layout)) = stack.pop() {
            for entry in entries.flatten() {
                // The entry's own type: a symbolic link is neither a folder nor followed.
                let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
                let Some(component) = entry.file_name().to_str().map(str::to_string) else {
                    continue;
                };
                if !is_dir || (parent_is_layout && LAYOUT_ENTRIES.contains(&component.as_str())) {
                    continue;
                }
                let name = if parent.is_empty() {
                    component
                } else {
                    format!("{parent}/{component}")
                };
                // A folder whose name no repository can have holds none below it either.
                if validate(&name).is_err() {
                    continue;
                }
                let path = entry.path();
                let is_layout =
                    std::fs::symlink_metadata(path.join(LAYOUT_MARKER)).is_ok_and(|m| m.is_file());
                if name.split('/').count() < MAX_DEPTH {
                    match std::fs::read_dir(&path) {
                        Ok(children) => stack.push((children, name.clone(), is_layout)),
                        Err(e) => {
                            tracing::debug!(path = %path.display(), error = %e, "not listed")
                        }
                    }
                }
                if is_layout {
                    found.push(name);
                }
            }
        }
        found.sort();
        Ok(found)
    }

    /// The folder of `repository`, after checking the name against the registry's repository
    /// grammar (so no `..`, absolute paths, uppercase or empty components).
    pub fn path(&self, repository: &str) -> Result<PathBuf> {
        validate(repository)?;
        Ok(repository
            .split('/')
            .fold(self.root.clone(), |path, c| path.join(c)))
    }

    /// Opens (or with `create`, creates) the repository's layout. A repository reached through
    /// a symbolic link is refused, as listing would not show it.
    pub fn layout(&self, repository: &str, create: bool) -> Result<Layout> {
        let path = self.path(repository)?;
        let mut at = self.root.clone();
        for component in repository.split('/') {
            at.push(component);
            let is_link = std::fs::symlink_metadata(&at).is_ok_and(|m| m.file_type().is_symlink());
            if is_link {
                return Err(Error::Invalid(format!(
                    "{} is a symbolic link; the Local store does not follow links",
                    at.display()
                )));
            }
        }
        if create {
            Layout::open_or_create(path)
        } else {
            Layout::open(path)
        }
    }
}

/// A Local repository name: the registry's grammar, no more than [`MAX_DEPTH`] components,
/// and no component below the first named like a layout's own files.
fn validate(name: &str) -> Result<()> {
    let invalid = |reason: String| {
        Error::Reference(ReferenceError {
            input: name.to_string(),
            reason,
        })
    };
    let parsed = Reference::repository("localhost", name).map_err(|e| invalid(e.reason))?;
    if parsed.repository != name || parsed.tag.is_some() || parsed.digest.is_some() {
        return Err(invalid(
            "a repository name holds no tag, digest or registry".into(),
        ));
    }
    if name.split('/').count() > MAX_DEPTH {
        return Err(invalid(format!(
            "a Local repository name has at most {MAX_DEPTH} components"
        )));
    }
    if let Some(c) = name.split('/').skip(1).find(|c| LAYOUT_ENTRIES.contains(c)) {
        return Err(invalid(format!(
            "{c:?} is a file of the layout above it; a nested repository cannot be named so"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> (tempfile::TempDir, LocalStore) {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalStore::new(dir.path().join("local"));
        (dir, store)
    }

    #[test]
    fn hostile_names_are_refused() {
        let (_dir, store) = store();
        let deep = vec!["a"; MAX_DEPTH + 1].join("/");
        for bad in [
            "",
            "..",
            "../x",
            "a/../b",
            "/abs",
            "a/",
            "a//b",
            "App",
            "a:b",
            "a@sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
            "x.io:5000/a",
            "a/blobs",
            "a/index.json",
            "a/oci-layout",
            ".hidden",
            "a\\b",
            deep.as_str(),
        ] {
            let err = store.path(bad).expect_err(bad);
            assert_eq!(err.code(), "invalid_reference", "{bad}: {err}");
            assert!(err.to_string().contains(&format!("{bad:?}")), "{err}");
            assert!(store.layout(bad, true).is_err(), "{bad}");
        }
        assert!(
            !store.root().exists(),
            "nothing was created for a refused name"
        );
        assert_eq!(
            store.path("team/app").unwrap(),
            store.root().join("team").join("app")
        );
        store.path("blobs/app").expect("blobs is fine at the top");
        store.path(&vec!["a"; MAX_DEPTH].join("/")).unwrap();
    }

    #[test]
    fn nested_repositories_are_listed_sorted() {
        let (_dir, store) = store();
        assert_eq!(store.repositories().unwrap(), Vec::<String>::new());
        for name in ["team/sub/tool", "app", "team/app", "app/nested", "zeta"] {
            store.layout(name, true).unwrap();
        }
        // Not repositories: a plain folder, a folder no name can have, a stray file.
        std::fs::create_dir_all(store.root().join("plain/folder")).unwrap();
        Layout::open_or_create(store.root().join("Upper")).unwrap();
        std::fs::write(store.root().join("team/file"), b"x").unwrap();
        assert_eq!(
            store.repositories().unwrap(),
            ["app", "app/nested", "team/app", "team/sub/tool", "zeta"]
        );
        // Listed repositories open; a missing one is not created without `create`.
        store.layout("team/sub/tool", false).unwrap();
        let err = store.layout("team/other", false).unwrap_err();
        assert!(err.is_not_found(), "{err}");
        assert!(!store.root().join("team/other").exists());
    }

    #[test]
    fn listing_stops_at_the_depth_limit() {
        let (_dir, store) = store();
        let at_limit = vec!["d"; MAX_DEPTH].join("/");
        store.layout(&at_limit, true).unwrap();
        let too_deep = store.root().join(vec!["d"; MAX_DEPTH + 1].join("/"));
        Layout::open_or_create(&too_deep).unwrap();
        assert_eq!(store.repositories().unwrap(), [at_limit]);
    }

    #[test]
    fn symbolic_links_are_not_followed() {
        let (dir, store) = store();
        store.layout("real", true).unwrap();
        let outside = dir.path().join("outside");
        Layout::open_or_create(outside.join("inner")).unwrap();
        Layout::open_or_create(&outside).unwrap();
        std::os::unix::fs::symlink(&outside, store.root().join("linked")).unwrap();
        // A loop back to the root would list forever if links were followed.
        std::os::unix::fs::symlink(store.root(), store.root().join("real/loop")).unwrap();
        assert_eq!(store.repositories().unwrap(), ["real"]);
        let err = store.layout("linked", false).unwrap_err();
        assert!(err.to_string().contains("symbolic link"), "{err}");
        assert!(store.layout("linked/inner", true).is_err());
        assert!(store.layout("real/loop", true).is_err());
    }

    #[test]
    fn a_root_that_is_a_file_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("local");
        std::fs::write(&file, b"x").unwrap();
        let err = LocalStore::new(&file).repositories().unwrap_err();
        assert!(err.to_string().contains("local"), "{err}");
    }
}
