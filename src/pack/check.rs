//! What may become a layer: the checks a file or folder passes before it is pushed, in one function shared by the push sheet ([`inspect_paths`]) and `push` itself, so both give the same verdict.
//!
//! Refused under any [`Rules`], because the artifact could not be pushed, or pulled back as it
//! was: a missing path, one that cannot be read (permissions), a special file (fifo, socket,
//! device), a folder holding a symbolic link whose target lies outside the folder (absolute,
//! climbing out with `..`, or resolving outside through other links: a pull refuses such links,
//! or would recreate them pointing somewhere else), and a folder deeper than [`MAX_DEPTH`]
//! levels or with more than [`MAX_ENTRIES`] entries (the walk is bounded).
//!
//! Refused under [`Rules::STRICT`] only, which the push sheet and `push::prepare` use: an empty
//! file, and a folder holding a symbolic link loop (links leading to each other, or to a folder
//! that contains them). Both are more likely mistakes than intent, but they are valid content
//! (an empty blob; a link stored as a link, never followed) and `stowage push` has always
//! accepted them, so [`Rules::CLI`] still does.

use std::collections::HashSet;
use std::fs::{self, File};
use std::io;
use std::path::{Component, Path, PathBuf};

use serde::Serialize;

use super::archive::{special_kind, top_level_name};
use super::{sniff, TAR_GZIP};
use crate::error::{Error, Result};

/// Folder levels below the pushed folder that a walk goes down before giving up.
pub const MAX_DEPTH: usize = 128;
/// Entries (files, folders, links) a pushed folder may hold.
pub const MAX_ENTRIES: u64 = 1_000_000;
/// Links followed in a row before calling it a loop (Linux's own limit is 40).
const MAX_HOPS: usize = 40;

/// Which of the checks that catch likely mistakes apply (see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rules {
    /// Whether an empty file may become a layer (an empty blob).
    pub allow_empty_files: bool,
    /// Whether a folder may hold a symbolic link loop (stored as links, never followed).
    pub allow_link_loops: bool,
}

impl Rules {
    /// The push sheet's rules, and `push::prepare`'s.
    pub const STRICT: Rules = Rules {
        allow_empty_files: false,
        allow_link_loops: false,
    };
    /// What `stowage push` and `attach` (`push::plan`) have always accepted.
    pub const CLI: Rules = Rules {
        allow_empty_files: true,
        allow_link_loops: true,
    };
}

/// A path that passed the checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedPath {
    /// The layer title it gets: the file's name, or the folder's (the archive's top level).
    pub name: String,
    /// Whether it is a folder, packed into one tar+gzip layer, rather than a file.
    pub folder: bool,
    /// A file's size, or the total of a folder's regular files.
    pub size: u64,
    /// 1 for a file; a folder's regular files.
    pub files: u64,
}

/// What the push sheet shows of a path dropped on it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PathInfo {
    /// The path as dropped on the sheet.
    pub path: PathBuf,
    /// The layer title it would get.
    pub name: String,
    /// Whether it is a folder, which push packs into one tar+gzip layer.
    pub folder: bool,
    /// File size, or the total of a folder's regular files.
    pub size: u64,
    /// 1 for a file.
    pub files: u64,
    /// Sniffed from content; for folders, the tar+gzip type push uses.
    pub media_type: Option<String>,
    /// Why it cannot be pushed, said with the path.
    pub error: Option<String>,
    /// A folder that is itself an OCI image layout (`oci-layout` and `index.json`): its images
    /// are better copied, or opened, than packed into one layer.
    pub layout: bool,
}

/// The push sheet's view of `paths`, in order: each checked as `push::prepare` will check it
/// (under [`Rules::STRICT`]), with its sniffed media type. A second path with the title of an
/// earlier one gets the error the push would give. Blocking: it reads every file's head and
/// walks every folder.
pub fn inspect_paths(paths: &[PathBuf]) -> Vec<PathInfo> {
    let mut titles = HashSet::new();
    paths
        .iter()
        .map(|path| {
            let mut info = PathInfo {
                path: path.clone(),
                name: fallback_name(path),
                folder: false,
                size: 0,
                files: 0,
                media_type: None,
                error: None,
                layout: path.join("oci-layout").is_file() && path.join("index.json").is_file(),
            };
            match check_path(path, Rules::STRICT) {
                Ok(checked) => {
                    info.media_type = if checked.folder {
                        Some(TAR_GZIP.to_string())
                    } else {
                        match sniff(path) {
                            Ok(t) => Some(t.to_string()),
                            Err(e) => {
                                info.error = Some(e.to_string());
                                None
                            }
                        }
                    };
                    if info.error.is_none() && !titles.insert(checked.name.clone()) {
                        info.error = Some(duplicate_title(&checked.name).to_string());
                    }
                    info.name = checked.name;
                    info.folder = checked.folder;
                    info.size = checked.size;
                    info.files = checked.files;
                }
                Err(e) => {
                    info.folder = fs::metadata(path).is_ok_and(|m| m.is_dir());
                    info.error = Some(e.to_string());
                }
            }
            info
        })
        .collect()
}

/// The error for a second layer titled like an earlier one.
pub(crate) fn duplicate_title(title: &str) -> Error {
    Error::Invalid(format!(
        "two files are named {title:?}: a pull could not tell them apart; rename one"
    ))
}

/// Checks that `path` can become a layer under `rules`; see the module documentation for what
/// is refused. A path that is itself a symbolic link is followed (the user named it); links
/// inside a folder are not, as they are packed as links.
pub fn check_path(path: &Path, rules: Rules) -> Result<CheckedPath> {
    check_with(
        path,
        rules,
        Limits {
            depth: MAX_DEPTH,
            entries: MAX_ENTRIES,
        },
    )
}

/// The walk's bounds; tests lower them.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    pub depth: usize,
    pub entries: u64,
}

pub(crate) fn check_with(path: &Path, rules: Rules, limits: Limits) -> Result<CheckedPath> {
    let meta = fs::metadata(path).map_err(|e| top_level_error(path, e))?;
    if meta.is_dir() {
        let name = top_level_name(path)?;
        let (size, files) = walk(path, rules, limits)?;
        return Ok(CheckedPath {
            name,
            folder: true,
            size,
            files,
        });
    }
    if !meta.is_file() {
        return Err(special_file(path, &meta.file_type()));
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| {
            Error::Invalid(format!(
                "{}: cannot name a layer after this path",
                path.display()
            ))
        })?;
    // Opening is the one sure test of readability (permission bits say nothing of ACLs, root or
    // read-only mounts); the type was checked first so a fifo is never opened, which would block.
    let file = File::open(path).map_err(|e| io_error(path, e))?;
    let size = file.metadata().map_err(|e| io_error(path, e))?.len();
    if size == 0 && !rules.allow_empty_files {
        return Err(Error::Invalid(format!(
            "{} is empty: nothing to push",
            path.display()
        )));
    }
    Ok(CheckedPath {
        name,
        folder: false,
        size,
        files: 1,
    })
}

/// A name to show for a path that failed its checks.
fn fallback_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// Why the path the user named cannot be read, told plainly: a dangling link or a link loop is
/// named as such rather than as the system's "no such file" or "too many levels".
fn top_level_error(path: &Path, e: io::Error) -> Error {
    let is_link = fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    if is_link {
        if in_link_cycle(path) {
            return Error::Invalid(format!("{} is a symbolic link loop", path.display()));
        }
        if e.kind() == io::ErrorKind::NotFound {
            let target = fs::read_link(path).unwrap_or_default();
            return Error::Invalid(format!(
                "{} is a symbolic link to {}, which does not exist",
                path.display(),
                target.display()
            ));
        }
    }
    io_error(path, e)
}

/// An I/O error on `path`, in plain words for the two everybody meets.
fn io_error(path: &Path, e: io::Error) -> Error {
    let plain = match e.kind() {
        io::ErrorKind::NotFound => "does not exist",
        io::ErrorKind::PermissionDenied => "cannot be read (permission denied)",
        _ => return Error::io(path, e),
    };
    Error::io(path, io::Error::new(e.kind(), plain))
}

fn special_file(path: &Path, file_type: &fs::FileType) -> Error {
    Error::Invalid(format!(
        "{} is a {}; only regular files, folders and symbolic links can be pushed",
        path.display(),
        special_kind(file_type)
    ))
}

/// Walks the folder `root` (depth first, with an explicit stack, without following links):
/// every entry checked, every regular file opened. Returns the total size of the regular files
/// and their count.
fn walk(root: &Path, rules: Rules, limits: Limits) -> Result<(u64, u64)> {
    let real_root = fs::canonicalize(root).map_err(|e| io_error(root, e))?;
    let mut stack = vec![(root.to_path_buf(), 0usize)];
    let (mut size, mut files, mut entries) = (0u64, 0u64, 0u64);
    while let Some((dir, depth)) = stack.pop() {
        for entry in fs::read_dir(&dir).map_err(|e| io_error(&dir, e))? {
            let entry = entry.map_err(|e| io_error(&dir, e))?;
            entries += 1;
            if entries > limits.entries {
                return Err(Error::Invalid(format!(
                    "{} holds more than {} files and folders; push it as an archive you make yourself",
                    root.display(),
                    limits.entries
                )));
            }
            let path = entry.path();
            // `DirEntry::file_type` does not follow links.
            let file_type = entry.file_type().map_err(|e| io_error(&path, e))?;
            if file_type.is_dir() {
                if depth + 1 > limits.depth {
                    return Err(Error::Invalid(format!(
                        "{}: folders nest more than {} levels deep (at {}); push a shallower folder",
                        root.display(),
                        limits.depth,
                        path.display()
                    )));
                }
                stack.push((path, depth + 1));
            } else if file_type.is_file() {
                let file = File::open(&path).map_err(|e| io_error(&path, e))?;
                size += file.metadata().map_err(|e| io_error(&path, e))?.len();
                files += 1;
            } else if file_type.is_symlink() {
                check_link(root, &real_root, &path, rules)?;
            } else {
                return Err(special_file(&path, &file_type));
            }
        }
    }
    Ok((size, files))
}

/// A link inside the folder must point inside it, judged by its text (as a puller sees it) and,
/// when its target exists, by where it really leads; unless `rules` allow it, it must not be
/// part of a loop. A dangling link inside the folder is fine: it is stored as a link.
fn check_link(root: &Path, real_root: &Path, link: &Path, rules: Rules) -> Result<()> {
    let target = fs::read_link(link).map_err(|e| io_error(link, e))?;
    let escape = || {
        Error::Invalid(format!(
            "{} is a symbolic link to {}, outside the folder {}; a pull could not recreate it (copy the file in, or make the link relative and inside the folder)",
            link.display(),
            target.display(),
            root.display()
        ))
    };
    let from = link
        .parent()
        .and_then(|p| p.strip_prefix(root).ok())
        .unwrap_or(Path::new(""));
    if escapes(from, &target) {
        return Err(escape());
    }
    let loop_error = |what: &str| {
        Error::Invalid(format!(
            "{} is a symbolic link to {}, {what}: a symbolic link loop",
            link.display(),
            target.display()
        ))
    };
    match fs::canonicalize(link) {
        Ok(real) => {
            if !real.starts_with(real_root) {
                return Err(escape());
            }
            if !rules.allow_link_loops && real.is_dir() {
                let real_parent = link.parent().and_then(|p| fs::canonicalize(p).ok());
                if real_parent.is_some_and(|p| p.starts_with(&real)) {
                    return Err(loop_error("a folder that contains it"));
                }
            }
            Ok(())
        }
        Err(_) if in_link_cycle(link) => {
            if rules.allow_link_loops {
                Ok(())
            } else {
                Err(loop_error("which leads back to itself"))
            }
        }
        // Dangling, or unresolvable for a reason that does not matter to a link stored as text.
        Err(_) => Ok(()),
    }
}

/// Whether link `target`, found in the folder `from` (relative to the pushed folder), leaves
/// the pushed folder when read as text: absolute, or more `..` than levels to climb.
fn escapes(from: &Path, target: &Path) -> bool {
    let mut depth = from
        .components()
        .filter(|c| matches!(c, Component::Normal(_)))
        .count();
    for component in target.components() {
        match component {
            Component::Prefix(_) | Component::RootDir => return true,
            Component::CurDir => {}
            Component::ParentDir => match depth.checked_sub(1) {
                Some(d) => depth = d,
                None => return true,
            },
            Component::Normal(_) => depth += 1,
        }
    }
    false
}

/// Whether following `link` from link to link comes back to one already seen, or goes on past
/// [`MAX_HOPS`] as the system would not.
fn in_link_cycle(link: &Path) -> bool {
    let mut seen = HashSet::new();
    let mut current = link.to_path_buf();
    for _ in 0..MAX_HOPS {
        if !seen.insert(current.clone()) {
            return true;
        }
        let is_link = fs::symlink_metadata(&current).is_ok_and(|m| m.file_type().is_symlink());
        let Some(target) = is_link.then(|| fs::read_link(&current).ok()).flatten() else {
            return false;
        };
        // `join` with an absolute target gives the target.
        current = match current.parent() {
            Some(parent) => normalize(&parent.join(target)),
            None => target,
        };
    }
    true
}

/// `a/./b/../c` as `a/c`, so that one file spelt two ways is seen once (lexically: close
/// enough for loop detection, where the hop limit backs it up).
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => match out.components().next_back() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                // `/..` is `/`; a relative path keeps climbing.
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(".."),
            },
            other => out.push(other),
        }
    }
    out
}
