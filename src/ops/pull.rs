//! Pull: an artifact's layers written to a folder under their titles, folders unpacked, every
//! digest verified, and the destination changed all at once or not at all.
//!
//! A pull runs in three steps. The plan checks every title before a byte is written: each is a
//! relative path, no two name the same file (also where the file system ignores case: asked of
//! the destination's file system once the pull has a folder of its own there), none is a
//! folder of another, and nothing on the way to one in the destination is a link or a file.
//! Then every layer is downloaded and verified into a staging folder inside the destination.
//! Last, the files move into place; a file already at a title's path is first moved aside, and
//! if any move fails, every moved file goes back and every folder the pull made is removed, so a
//! failed or cancelled pull leaves the destination as it was. Only the files the plan listed are
//! replaced: one that appears at a title's path after the plan fails the pull. Replacing files is the default,
//! as `oras pull` does; `PullOptions::replace` off refuses instead.
//!
//! Checks and moves are not atomic against another process changing the destination meanwhile.

use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use serde::Serialize;

use crate::digest::Digest;
use crate::error::{Error, Result};
use crate::manifest::{Descriptor, Manifest};
use crate::pack::{self, UnpackLimits, ORAS_DIGEST, ORAS_UNPACK, TITLE_ANNOTATION};
use crate::store::Store;
use crate::transfer::Cancel;
use crate::transfer::{Outcome, Transfer};

/// What a pull wrote into the destination folder.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Pulled {
    /// The digest of the manifest pulled.
    pub digest: Digest,
    /// What was written, relative to the output folder.
    pub files: Vec<PathBuf>,
    /// Which of them replaced a file that was there before.
    pub replaced: Vec<PathBuf>,
    /// Layers without a title: nothing to call them, so not written (as oras does).
    pub skipped: Vec<Digest>,
}

/// How a pull treats files already at a title's path, and how far folder layers may expand.
#[derive(Debug, Clone)]
pub struct PullOptions {
    /// Replace files already at a title's path (the default); off, such a pull is refused
    /// before anything is downloaded (oras' `--keep-old-files`).
    pub replace: bool,
    /// How far a folder layer may expand.
    pub unpack: UnpackLimits,
}

impl Default for PullOptions {
    fn default() -> Self {
        PullOptions {
            replace: true,
            unpack: UnpackLimits::default(),
        }
    }
}

/// What a pull will write, checked: to show before asking, and to run.
#[derive(Debug, Clone)]
pub struct PullPlan {
    /// The digest of the manifest to pull.
    pub digest: Digest,
    /// The destination folder, which the titles are relative to.
    pub dest: PathBuf,
    /// Layers with a title, in manifest order, and where each goes (relative to `dest`).
    pub layers: Vec<(PathBuf, Descriptor)>,
    /// Layers without a title, which the pull does not write (as oras does).
    pub skipped: Vec<Digest>,
    /// Titles whose path holds a file now, which the pull would replace.
    pub replaces: Vec<PathBuf>,
}

/// A title is a relative path of normal components; anything else could write outside `dest`.
pub fn safe_title(title: &str) -> Result<PathBuf> {
    let path = Path::new(title);
    let ok = !title.is_empty()
        && !title.contains('\0')
        && !title.contains('\\')
        && path.components().all(|c| matches!(c, Component::Normal(_)));
    if ok {
        Ok(path.to_path_buf())
    } else {
        Err(Error::Invalid(format!(
            "refusing the layer title {title:?}: titles must be relative paths without '..'"
        )))
    }
}

/// Pulls the manifest `selector` names from `store` into `dest` (created if missing),
/// replacing files that are in the way.
pub async fn pull(
    store: &Store,
    selector: &str,
    dest: &Path,
    transfer: &Transfer,
    cancel: &Cancel,
) -> Result<Pulled> {
    pull_with(
        store,
        selector,
        dest,
        &PullOptions::default(),
        transfer,
        cancel,
    )
    .await
}

/// `pull` with options.
pub async fn pull_with(
    store: &Store,
    selector: &str,
    dest: &Path,
    options: &PullOptions,
    transfer: &Transfer,
    cancel: &Cancel,
) -> Result<Pulled> {
    let plan = plan(store, selector, dest).await?;
    run(store, &plan, options, transfer, cancel).await
}

/// Reads the manifest and checks what pulling it into `dest` would write; writes nothing.
pub async fn plan(store: &Store, selector: &str, dest: &Path) -> Result<PullPlan> {
    let fetched = store.fetch_manifest(selector).await?;
    let manifest = match fetched.parse()? {
        Manifest::Image(m) => m,
        Manifest::Index(index) => {
            let platforms: Vec<String> = index
                .manifests
                .iter()
                .map(|d| match &d.platform {
                    Some(p) => format!("{p} {}", d.digest),
                    None => d.digest.to_string(),
                })
                .collect();
            return Err(Error::Invalid(format!(
                "{} is an index; pull one of its manifests by digest: {}",
                fetched.digest,
                platforms.join(", ")
            )));
        }
    };
    let mut layers = Vec::new();
    let mut skipped = Vec::new();
    for layer in manifest.layers {
        match layer.annotations.get(TITLE_ANNOTATION) {
            Some(title) => layers.push((safe_title(title)?, layer)),
            None => skipped.push(layer.digest),
        }
    }
    let titles: Vec<&Path> = layers.iter().map(|(t, _)| t.as_path()).collect();
    // The platforms whose file systems usually fold case; `run` asks the file system itself.
    check_titles(
        &titles,
        cfg!(any(target_os = "macos", target_os = "windows")),
    )?;
    let mut replaces = Vec::new();
    for title in &titles {
        if in_the_way(dest, title)? {
            replaces.push(title.to_path_buf());
        }
    }
    Ok(PullPlan {
        digest: fetched.digest,
        dest: dest.to_path_buf(),
        layers,
        skipped,
        replaces,
    })
}

/// Downloads and verifies every layer of `plan`, then moves them into place all at once.
pub async fn run(
    store: &Store,
    plan: &PullPlan,
    options: &PullOptions,
    transfer: &Transfer,
    cancel: &Cancel,
) -> Result<Pulled> {
    if !options.replace {
        if let Some(first) = plan.replaces.first() {
            return Err(Error::Invalid(format!(
                "{} exists, and old files are kept: remove it, pull into another folder, or allow replacing",
                plan.dest.join(first).display()
            )));
        }
    }
    // The folders made for the destination itself go last, once the staging folder is gone.
    let mut made = Journal::default();
    made.create_dirs(&plan.dest)?;
    let staging = match tempfile::Builder::new()
        .prefix(".stowage-pull-")
        .tempdir_in(&plan.dest)
    {
        Ok(staging) => staging,
        Err(e) => {
            made.roll_back();
            return Err(Error::io(&plan.dest, e));
        }
    };
    let mut undo = Journal::default();
    let result = stage_and_place(
        store,
        plan,
        options,
        transfer,
        cancel,
        staging.path(),
        &mut undo,
    )
    .await;
    // Files moved aside wait in the staging folder: put back before it is removed.
    if result.is_err() {
        undo.roll_back();
    }
    let removed = staging.close();
    match result {
        Ok(replaced) => {
            if let Err(e) = removed {
                tracing::warn!(error = %e, "the pull's staging folder was not removed");
            }
            Ok(Pulled {
                digest: plan.digest.clone(),
                files: plan.layers.iter().map(|(t, _)| t.clone()).collect(),
                replaced,
                skipped: plan.skipped.clone(),
            })
        }
        Err(e) => {
            made.roll_back();
            Err(e)
        }
    }
}

async fn stage_and_place(
    store: &Store,
    plan: &PullPlan,
    options: &PullOptions,
    transfer: &Transfer,
    cancel: &Cancel,
    staging: &Path,
    undo: &mut Journal,
) -> Result<Vec<PathBuf>> {
    let dest = &plan.dest;
    if folds_case(staging)? {
        let titles: Vec<&Path> = plan.layers.iter().map(|(t, _)| t.as_path()).collect();
        check_titles(&titles, true)?;
    }
    let ids: Vec<usize> = plan
        .layers
        .iter()
        .map(|(title, d)| transfer.add(title.to_string_lossy(), Some(d.digest.clone()), d.size))
        .collect();
    for (i, ((title, layer), id)) in plan.layers.iter().zip(ids).enumerate() {
        if cancel.is_cancelled() {
            return Err(Error::Cancelled);
        }
        let staged = staging.join(format!("{i}"));
        let result = fetch_layer(store, layer, title, &staged, &options.unpack, &|n| {
            transfer.advance(id, n)
        })
        .await;
        match result {
            Ok(()) => transfer.finish(id, &layer.digest, Outcome::Downloaded),
            Err(e) => {
                transfer.fail(id, e.to_string());
                return Err(e);
            }
        }
    }
    if cancel.is_cancelled() {
        return Err(Error::Cancelled);
    }
    // All verified: move into place, each step written down so that it can be undone.
    let aside = staging.join("replaced");
    fs::create_dir(&aside).map_err(|e| Error::io(&aside, e))?;
    let mut replaced = Vec::new();
    for (i, (title, _)) in plan.layers.iter().enumerate() {
        let target = dest.join(title);
        if let Some(parent) = target.parent() {
            undo.create_dirs(parent)?;
        }
        if in_the_way(dest, title)? {
            // Only what the plan listed (and the user may have been asked about) is replaced.
            if !options.replace || !plan.replaces.contains(title) {
                return Err(Error::Invalid(format!(
                    "{} appeared during the pull; it is not replaced, as it was not there when the pull was planned",
                    target.display()
                )));
            }
            let kept = aside.join(format!("{i}"));
            fs::rename(&target, &kept).map_err(|e| Error::io(&target, e))?;
            undo.moved_aside(&target, kept);
            replaced.push(title.clone());
        }
        let staged = staging.join(format!("{i}"));
        fs::rename(&staged, &target).map_err(|e| Error::io(&target, e))?;
        undo.placed(&target);
    }
    Ok(replaced)
}

/// Downloads one layer to `staged`: the blob itself, or the folder it unpacks to.
async fn fetch_layer(
    store: &Store,
    layer: &Descriptor,
    title: &Path,
    staged: &Path,
    limits: &UnpackLimits,
    progress: &(dyn Fn(u64) + Send + Sync),
) -> Result<()> {
    let unpack = layer.annotations.get(ORAS_UNPACK).map(String::as_str) == Some("true");
    if !unpack {
        store.download_blob(layer, staged, progress).await?;
        return Ok(());
    }
    let archive = staged.with_extension("tar.gz");
    store.download_blob(layer, &archive, progress).await?;
    // Each folder unpacks into a folder of its own, so a hostile one cannot touch the others.
    let into = staged.with_extension("unpacked");
    let expected = layer.annotations.get(ORAS_DIGEST).cloned();
    let (from, limits) = (into.clone(), *limits);
    let unpacked = tokio::task::spawn_blocking(move || -> Result<pack::UnpackedDir> {
        let file = fs::File::open(&archive).map_err(|e| Error::io(&archive, e))?;
        let out = pack::unpack_within(io::BufReader::new(file), &from, &limits);
        let _ = fs::remove_file(&archive);
        out
    })
    .await
    .map_err(|e| Error::Internal(format!("unpacking failed: {e}")))??;
    if let Some(expected) = expected {
        if unpacked.uncompressed_digest.to_string() != expected {
            return Err(Error::Invalid(format!(
                "folder {}: its tar's digest is {}, the manifest says {expected}",
                title.display(),
                unpacked.uncompressed_digest
            )));
        }
    }
    // oras puts a folder's entries under its title; anything else would land beside it.
    let name = title.file_name().unwrap_or_default();
    if unpacked.roots.len() != 1 || unpacked.roots.iter().any(|r| name != r.as_str()) {
        return Err(Error::Invalid(format!(
            "folder layer {} holds entries outside its own name ({:?})",
            title.display(),
            unpacked.roots
        )));
    }
    let root = into.join(name);
    fs::rename(&root, staged).map_err(|e| Error::io(staged, e))
}

/// Refuses a set of titles that would write one path twice, or a file where another title
/// needs a folder; with `folded`, names that differ only in case count as the same.
fn check_titles(titles: &[&Path], folded: bool) -> Result<()> {
    let key = |p: &Path| {
        let text = p.to_string_lossy().into_owned();
        if folded {
            text.to_lowercase()
        } else {
            text
        }
    };
    let mut files: HashSet<String> = HashSet::new();
    for title in titles {
        if !files.insert(key(title)) {
            let how = if folded {
                " (this file system ignores case)"
            } else {
                ""
            };
            return Err(Error::Invalid(format!(
                "two layers are both titled {}{how}; refusing to pull either",
                title.display()
            )));
        }
    }
    for title in titles {
        for ancestor in title.ancestors().skip(1) {
            if !ancestor.as_os_str().is_empty() && files.contains(&key(ancestor)) {
                return Err(Error::Invalid(format!(
                    "layer {} would need {} to be a folder, but another layer is titled {}",
                    title.display(),
                    ancestor.display(),
                    ancestor.display()
                )));
            }
        }
    }
    Ok(())
}

/// Whether a file (or link) is at `dest/title` now. A folder there, or anything but a real
/// folder on the way to it, is refused: a pull replaces files, never folders, and never
/// writes through a link.
fn in_the_way(dest: &Path, title: &Path) -> Result<bool> {
    let mut at = dest.to_path_buf();
    let parts: Vec<_> = title.components().collect();
    for (i, part) in parts.iter().enumerate() {
        at.push(part);
        let last = i + 1 == parts.len();
        match fs::symlink_metadata(&at) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
            Err(e) => return Err(Error::io(&at, e)),
            Ok(meta) if last && meta.is_dir() => {
                return Err(Error::Invalid(format!(
                    "{} exists and is a folder; remove it or pull into another folder",
                    at.display()
                )))
            }
            Ok(_) if last => return Ok(true),
            Ok(meta) if meta.is_dir() => {}
            Ok(meta) => {
                let what = if meta.file_type().is_symlink() {
                    "a link, and a pull never writes through links"
                } else {
                    "a file, where the layer needs a folder"
                };
                return Err(Error::Invalid(format!(
                    "cannot pull {} into {}: {} is {what}",
                    title.display(),
                    dest.display(),
                    at.display()
                )));
            }
        }
    }
    Ok(false)
}

/// Whether the file system holding `dir` (a folder of ours) treats names that differ only in
/// case as one: asked of the file system itself, with a probe file.
fn folds_case(dir: &Path) -> Result<bool> {
    let probe = dir.join("Case-Probe");
    fs::write(&probe, b"").map_err(|e| Error::io(&probe, e))?;
    let folded = dir.join("cASE-pROBE").exists();
    fs::remove_file(&probe).map_err(|e| Error::io(&probe, e))?;
    Ok(folded)
}

/// What a pull changed in the destination, to undo it when a later step fails.
#[derive(Default)]
struct Journal {
    steps: Vec<Step>,
}

enum Step {
    CreatedDir(PathBuf),
    MovedAside { target: PathBuf, kept: PathBuf },
    Placed(PathBuf),
}

impl Journal {
    /// `create_dir_all`, remembering each folder it made.
    fn create_dirs(&mut self, dir: &Path) -> Result<()> {
        // A relative path's last ancestor is "", the current folder: never made.
        let missing: Vec<&Path> = dir
            .ancestors()
            .take_while(|p| !p.as_os_str().is_empty() && !p.exists())
            .collect();
        for d in missing.into_iter().rev() {
            match fs::create_dir(d) {
                Ok(()) => self.steps.push(Step::CreatedDir(d.to_path_buf())),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists && d.is_dir() => {}
                Err(e) => return Err(Error::io(d, e)),
            }
        }
        Ok(())
    }

    fn moved_aside(&mut self, target: &Path, kept: PathBuf) {
        self.steps.push(Step::MovedAside {
            target: target.to_path_buf(),
            kept,
        });
    }

    fn placed(&mut self, target: &Path) {
        self.steps.push(Step::Placed(target.to_path_buf()));
    }

    /// Undoes every step, last first. Best effort: an undo that fails is logged, and the
    /// others still run.
    fn roll_back(&mut self) {
        while let Some(step) = self.steps.pop() {
            let undone = match &step {
                Step::Placed(target) => match fs::symlink_metadata(target) {
                    Ok(m) if m.is_dir() => fs::remove_dir_all(target),
                    _ => fs::remove_file(target),
                },
                Step::MovedAside { target, kept } => fs::rename(kept, target),
                // Only if empty: a folder someone else filled meanwhile stays.
                Step::CreatedDir(dir) => fs::remove_dir(dir),
            };
            if let Err(e) = undone {
                let path = match &step {
                    Step::Placed(p) | Step::CreatedDir(p) => p,
                    Step::MovedAside { target, .. } => target,
                };
                tracing::warn!(path = %path.display(), error = %e, "undoing a failed pull");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_that_escape_are_refused() {
        for bad in ["", "../x", "/etc/passwd", "a/../../b", "a\\..\\b", "."] {
            assert!(safe_title(bad).is_err(), "{bad:?} accepted");
        }
        for good in ["a.txt", "dir/a.txt", "...", "..a"] {
            assert!(safe_title(good).is_ok(), "{good:?} refused");
        }
    }

    fn check(titles: &[&str], folded: bool) -> Result<()> {
        let paths: Vec<&Path> = titles.iter().map(Path::new).collect();
        check_titles(&paths, folded)
    }

    #[test]
    fn titles_that_collide_are_refused_as_a_set() {
        assert!(check(&["a", "b", "d/x", "d/y"], false).is_ok());
        assert!(check(&["a", "a"], false).is_err());
        assert!(check(&["d", "d/x"], false).is_err());
        assert!(check(&["d/x", "d"], false).is_err());
        assert!(check(&["d/e/x", "d/e"], false).is_err());
        assert!(check(&["README", "readme"], false).is_ok());
        assert!(check(&["README", "readme"], true).is_err());
        assert!(check(&["D", "d/x"], true).is_err());
    }

    #[test]
    fn a_link_or_a_file_on_the_way_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path();
        fs::write(dest.join("file"), "x").unwrap();
        fs::create_dir(dest.join("folder")).unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink("/tmp", dest.join("link")).unwrap();
        assert!(!in_the_way(dest, Path::new("new")).unwrap());
        assert!(in_the_way(dest, Path::new("file")).unwrap());
        assert!(!in_the_way(dest, Path::new("folder/new")).unwrap());
        assert!(in_the_way(dest, Path::new("folder")).is_err());
        assert!(in_the_way(dest, Path::new("file/x")).is_err());
        #[cfg(unix)]
        {
            let e = in_the_way(dest, Path::new("link/x")).unwrap_err();
            assert!(e.to_string().contains("never writes through links"), "{e}");
        }
    }

    #[test]
    fn a_rolled_back_journal_leaves_the_folder_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("out");
        fs::create_dir(&dest).unwrap();
        fs::write(dest.join("keep.txt"), "old").unwrap();
        let mut journal = Journal::default();
        journal.create_dirs(&dest.join("new/deeper")).unwrap();
        let aside = dir.path().join("aside");
        fs::rename(dest.join("keep.txt"), &aside).unwrap();
        journal.moved_aside(&dest.join("keep.txt"), aside);
        fs::write(dest.join("keep.txt"), "new").unwrap();
        journal.placed(&dest.join("keep.txt"));
        journal.roll_back();
        assert_eq!(fs::read_to_string(dest.join("keep.txt")).unwrap(), "old");
        assert!(!dest.join("new").exists(), "made folders are removed");
    }
}
