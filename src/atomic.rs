//! Writing a whole file so that a crash or a failure never leaves half of it: the bytes go to a
//! temporary file of a unique name, are synced, renamed over the target, and the folder is
//! synced so the rename itself survives a crash. Layouts write index.json and their manifest
//! blobs through here too; their garbage collection knows the temporary names by
//! [`TEMP_PREFIX`] and [`TEMP_SUFFIX`].

use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result};

/// Every temporary file Stowage writes starts with this, so leftovers of a crashed process can be
/// recognised (a layout's `gc` removes them).
pub const TEMP_PREFIX: &str = ".stowage-";
/// And ends with this.
pub const TEMP_SUFFIX: &str = ".tmp";

/// Replaces `path` with `bytes`, creating its folder when missing; the temporary file is beside it.
pub fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    replace(created_folder_of(path)?, path, bytes, Durability::Synced)
}

/// Replaces `path` with `bytes` through a temporary file in `temp_dir`, which must be on the
/// same file system as `path` (a layout keeps its temporary files where its `gc` looks).
pub fn write_via(temp_dir: &Path, path: &Path, bytes: &[u8]) -> Result<()> {
    replace(temp_dir, path, bytes, Durability::Synced)
}

/// [`write`] for a record Stowage can rebuild (a cache, where a blob was seen, an index of a
/// layer's entries): whole or absent as well, but not synced. A crash may lose it, which costs a
/// later request or hash, never data; syncing hundreds of them would cost a push of many small
/// files more than its uploads.
pub fn write_record(path: &Path, bytes: &[u8]) -> Result<()> {
    replace(created_folder_of(path)?, path, bytes, Durability::Record)
}

#[derive(Clone, Copy, PartialEq)]
enum Durability {
    Synced,
    Record,
}

/// `path`'s folder, created when missing.
fn created_folder_of(path: &Path) -> Result<&Path> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    Ok(dir)
}

fn replace(temp_dir: &Path, path: &Path, bytes: &[u8], durability: Durability) -> Result<()> {
    let mut tmp = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .suffix(TEMP_SUFFIX)
        .tempfile_in(temp_dir)
        .map_err(|e| Error::io(temp_dir, e))?;
    tmp.write_all(bytes).map_err(|e| Error::io(tmp.path(), e))?;
    if durability == Durability::Synced {
        tmp.as_file()
            .sync_all()
            .map_err(|e| Error::io(tmp.path(), e))?;
    }
    // A failed rename drops (removes) the temporary file.
    tmp.persist(path).map_err(|e| Error::io(path, e.error))?;
    if durability == Durability::Synced {
        sync_dir(path.parent().unwrap_or(temp_dir));
    }
    Ok(())
}

/// Flushes a folder's entries (a rename) to disk. Best effort: not every platform or file system
/// can open a folder for syncing, and the data itself was synced already.
pub fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(folder) = std::fs::File::open(dir) {
        let _ = folder.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_replaced_whole_and_nothing_else_is_left() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/settings.json");
        write(&path, b"one").unwrap();
        write(&path, b"two").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        let names: Vec<_> = std::fs::read_dir(dir.path().join("sub"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["settings.json"]);
        // Over a folder: refused, and no temporary file stays behind.
        let folder = dir.path().join("sub/taken");
        std::fs::create_dir(&folder).unwrap();
        assert!(write(&folder, b"x").is_err());
        assert_eq!(
            std::fs::read_dir(dir.path().join("sub")).unwrap().count(),
            2
        );
    }
}
