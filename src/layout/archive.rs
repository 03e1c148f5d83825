//! Layout archives (`.tar`, also gzip-compressed): unpacked safely into a scratch folder.
//!
//! A layout needs only folders and regular files, so that is all that is unpacked. Anything that
//! could write outside the scratch folder (absolute paths, `..`, links leading out) or that has
//! no business in a layout (devices, FIFOs) is refused with the entry's name. What is written
//! is bounded: a gzip bomb, or thousands of hard links to one large file (each one a copy),
//! stop at a budget of bytes and entries, and a failed unpack leaves the scratch folder empty.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Component, Path, PathBuf};

use tar::EntryType;

use crate::error::{Error, Result};

/// The least a layout archive may unpack to, whatever its size.
const MIN_BUDGET: u64 = 8 << 30;
/// How many times its own size an archive may unpack to (gzip, hard links), above that.
const EXPANSION: u64 = 8;
const MAX_ENTRIES: u64 = 1_000_000;

/// Unpacks `tar_path` into `scratch`, which must be absent or empty; on failure, `scratch` is
/// emptied again.
pub(super) fn extract(tar_path: &Path, scratch: &Path) -> Result<()> {
    prepare_scratch(scratch)?;
    let result = extract_within(tar_path, scratch, MIN_BUDGET);
    if result.is_err() {
        if let Ok(entries) = std::fs::read_dir(scratch) {
            for entry in entries.flatten() {
                let path = entry.path();
                let _ = if path.is_dir() {
                    std::fs::remove_dir_all(&path)
                } else {
                    std::fs::remove_file(&path)
                };
            }
        }
    }
    result
}

fn extract_within(tar_path: &Path, scratch: &Path, min_budget: u64) -> Result<()> {
    let file = File::open(tar_path).map_err(|e| Error::io(tar_path, e))?;
    let size = file.metadata().map_err(|e| Error::io(tar_path, e))?.len();
    let mut budget = min_budget.max(size.saturating_mul(EXPANSION));
    let limit = budget;
    let too_large = |limit: u64, unit: &'static str| Error::TooLarge {
        what: "the layout archive being unpacked".into(),
        url: tar_path.display().to_string(),
        limit,
        unit,
    };
    let mut reader = BufReader::new(file);
    let head = reader.fill_buf().map_err(|e| Error::io(tar_path, e))?;
    let gzipped = head.starts_with(&[0x1f, 0x8b]);
    let input: Box<dyn Read> = if gzipped {
        Box::new(flate2::read::MultiGzDecoder::new(reader))
    } else {
        Box::new(reader)
    };
    let mut archive = tar::Archive::new(input);
    let refuse = |name: &Path, reason: &str| Error::Malformed {
        url: tar_path.display().to_string(),
        detail: format!("refusing entry {:?}: {reason}", name),
    };
    let read_error = |e: std::io::Error| Error::Malformed {
        url: tar_path.display().to_string(),
        detail: format!("not a readable tar archive: {e}"),
    };
    for (count, entry) in archive.entries().map_err(read_error)?.enumerate() {
        if count as u64 >= MAX_ENTRIES {
            return Err(too_large(MAX_ENTRIES, "entries"));
        }
        let mut entry = entry.map_err(read_error)?;
        let name = entry.path().map_err(read_error)?.into_owned();
        let kind = entry.header().entry_type();
        if matches!(
            kind,
            EntryType::XGlobalHeader
                | EntryType::XHeader
                | EntryType::GNULongName
                | EntryType::GNULongLink
        ) {
            // Metadata for the next entry; the tar crate has applied it already.
            continue;
        }
        let relative = contained(&name).map_err(|reason| refuse(&name, reason))?;
        let dest = scratch.join(&relative);
        match kind {
            EntryType::Directory => {
                std::fs::create_dir_all(&dest).map_err(|e| Error::io(&dest, e))?;
            }
            EntryType::Regular | EntryType::Continuous => {
                if relative.as_os_str().is_empty() {
                    return Err(refuse(&name, "a file in place of the top folder"));
                }
                if let Some(parent) = dest.parent() {
                    std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
                }
                // Permissions are not restored: nothing in a layout needs them, and setuid
                // bits from an archive have no place in a scratch folder.
                let mut out = File::create(&dest).map_err(|e| Error::io(&dest, e))?;
                // One byte more than the budget tells an entry that fits from one that does not.
                let written = std::io::copy(&mut (&mut entry).take(budget + 1), &mut out)
                    .map_err(|e| Error::io(&dest, e))?;
                budget = budget
                    .checked_sub(written)
                    .ok_or_else(|| too_large(limit, "bytes"))?;
            }
            EntryType::Symlink => {
                let target = link_target(&entry).map_err(|reason| refuse(&name, reason))?;
                let base = relative.parent().unwrap_or(Path::new(""));
                if !stays_inside(base, &target) {
                    return Err(refuse(
                        &name,
                        "a symbolic link pointing outside the archive",
                    ));
                }
                // Never created: no layout tool needs one, and without links in the scratch
                // folder no later entry can be written through one.
                tracing::debug!(entry = %name.display(), "skipping a symbolic link in a layout archive");
            }
            EntryType::Link => {
                let target = link_target(&entry).map_err(|reason| refuse(&name, reason))?;
                let target = contained(&target)
                    .map_err(|_| refuse(&name, "a hard link pointing outside the archive"))?;
                let source = scratch.join(&target);
                if !source.is_file() {
                    return Err(refuse(&name, "a hard link to no earlier regular file"));
                }
                if let Some(parent) = dest.parent() {
                    std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
                }
                // A copy, not a link: the scratch folder stays a tree of independent files.
                let copied = std::fs::metadata(&source)
                    .map_err(|e| Error::io(&source, e))?
                    .len();
                budget = budget
                    .checked_sub(copied)
                    .ok_or_else(|| too_large(limit, "bytes"))?;
                std::fs::copy(&source, &dest).map_err(|e| Error::io(&dest, e))?;
            }
            EntryType::Char | EntryType::Block => return Err(refuse(&name, "a device file")),
            EntryType::Fifo => return Err(refuse(&name, "a FIFO")),
            _ => return Err(refuse(&name, "not a regular file or folder")),
        }
    }
    Ok(())
}

/// The folder inside `scratch` that holds the layout: `scratch` itself, or its only subfolder
/// when the archive was made from the layout's parent (`tar -cf x.tar my-layout/`).
pub(super) fn layout_root(scratch: &Path) -> Option<PathBuf> {
    if scratch.join("oci-layout").is_file() {
        return Some(scratch.to_path_buf());
    }
    let mut children = std::fs::read_dir(scratch).ok()?.flatten();
    let only = children.next()?;
    if children.next().is_some() {
        return None;
    }
    let dir = only.path();
    dir.join("oci-layout").is_file().then_some(dir)
}

fn prepare_scratch(scratch: &Path) -> Result<()> {
    std::fs::create_dir_all(scratch).map_err(|e| Error::io(scratch, e))?;
    let mut listing = std::fs::read_dir(scratch).map_err(|e| Error::io(scratch, e))?;
    if listing.next().is_some() {
        return Err(Error::Invalid(format!(
            "{} is not empty; a layout archive is unpacked only into an empty scratch folder",
            scratch.display()
        )));
    }
    Ok(())
}

fn link_target<R: Read>(entry: &tar::Entry<R>) -> std::result::Result<PathBuf, &'static str> {
    match entry.link_name() {
        Ok(Some(target)) => Ok(target.into_owned()),
        Ok(None) => Err("a link without a target"),
        Err(_) => Err("an unreadable link target"),
    }
}

/// `name` as a path that stays inside the folder it is joined to, or why not. `.` parts are
/// dropped; `..` is refused even where it would stay inside, as no layout tool writes it.
fn contained(name: &Path) -> std::result::Result<PathBuf, &'static str> {
    let mut out = PathBuf::new();
    for part in name.components() {
        match part {
            Component::Normal(p) => out.push(p),
            Component::CurDir => {}
            Component::ParentDir => return Err("a path with `..`"),
            Component::RootDir | Component::Prefix(_) => return Err("an absolute path"),
        }
    }
    Ok(out)
}

/// Whether a link at folder `base` (relative to the archive's top) to `target` resolves inside
/// the archive, following `..` lexically as the link would be followed.
fn stays_inside(base: &Path, target: &Path) -> bool {
    let mut depth = base.components().count();
    for part in target.components() {
        match part {
            Component::Normal(_) => depth += 1,
            Component::CurDir => {}
            Component::ParentDir if depth == 0 => return false,
            Component::ParentDir => depth -= 1,
            Component::RootDir | Component::Prefix(_) => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::tests::{put_image, store};
    use crate::layout::Layout;
    use crate::manifest::media_type::OCI_MANIFEST;

    #[test]
    fn hard_links_that_multiply_a_file_stop_at_the_budget() {
        let dir = tempfile::tempdir().expect("tempdir");
        let tar_path = dir.path().join("links.tar");
        let mut builder = tar::Builder::new(File::create(&tar_path).expect("create"));
        let big = vec![7u8; 1 << 20];
        let mut header = tar::Header::new_gnu();
        header.set_size(big.len() as u64);
        header.set_mode(0o644);
        builder
            .append_data(&mut header, "blobs/big", &big[..])
            .expect("file");
        for i in 0..100 {
            let mut link = tar::Header::new_gnu();
            link.set_entry_type(EntryType::Link);
            link.set_size(0);
            builder
                .append_link(&mut link, format!("blobs/copy-{i}"), "blobs/big")
                .expect("link");
        }
        builder.finish().expect("finish");
        drop(builder);
        let scratch = dir.path().join("scratch");
        std::fs::create_dir(&scratch).expect("scratch");
        prepare_scratch(&scratch).expect("empty");
        let err = extract_within(&tar_path, &scratch, 0).expect_err("a bomb");
        assert!(
            matches!(err, Error::TooLarge { unit: "bytes", .. }),
            "{err}"
        );
        std::fs::remove_dir_all(&scratch).expect("clean");
        let done = extract(&tar_path, &scratch);
        assert!(done.is_ok(), "within the default budget: {done:?}");
    }

    #[test]
    fn a_failed_unpack_leaves_the_scratch_folder_empty() {
        let dir = tempfile::tempdir().expect("tempdir");
        let tar_path = dir.path().join("bad.tar");
        let mut builder = tar::Builder::new(File::create(&tar_path).expect("create"));
        let mut header = tar::Header::new_gnu();
        header.set_size(4);
        header.set_mode(0o644);
        builder
            .append_data(&mut header, "blobs/sha256/aa", &b"data"[..])
            .expect("file");
        let mut fifo = tar::Header::new_gnu();
        fifo.set_entry_type(EntryType::Fifo);
        fifo.set_size(0);
        builder
            .append_data(&mut fifo, "blobs/pipe", std::io::empty())
            .expect("fifo");
        builder.finish().expect("finish");
        drop(builder);
        let scratch = dir.path().join("scratch");
        let err = extract(&tar_path, &scratch).expect_err("a FIFO");
        assert!(err.to_string().contains("FIFO"), "{err}");
        assert_eq!(std::fs::read_dir(&scratch).expect("scratch").count(), 0);
    }

    #[test]
    fn contained_paths() {
        assert_eq!(
            contained(Path::new("./blobs/sha256/ab")),
            Ok(PathBuf::from("blobs/sha256/ab"))
        );
        assert_eq!(contained(Path::new("./")), Ok(PathBuf::new()));
        assert!(contained(Path::new("/etc/passwd")).is_err());
        assert!(contained(Path::new("blobs/../../x")).is_err());
        assert!(contained(Path::new("..")).is_err());
    }

    #[test]
    fn link_targets_inside_and_out() {
        let base = Path::new("abc");
        assert!(stays_inside(base, Path::new("../blobs/sha256/ab")));
        assert!(stays_inside(base, Path::new("layer.tar")));
        assert!(!stays_inside(base, Path::new("../../etc/passwd")));
        assert!(!stays_inside(base, Path::new("/etc/passwd")));
        assert!(!stays_inside(Path::new(""), Path::new("..")));
    }

    #[test]
    fn finds_a_layout_one_folder_down() {
        let dir = tempfile::tempdir().expect("tempdir");
        assert_eq!(layout_root(dir.path()), None);
        let inner = dir.path().join("img");
        std::fs::create_dir(&inner).expect("mkdir");
        std::fs::write(inner.join("oci-layout"), "{}").expect("write");
        assert_eq!(layout_root(dir.path()), Some(inner));
    }

    /// Tars `dir`'s contents (entries relative to it, folders included).
    fn tar_of(dir: &Path, out: &Path, prefix: &str) {
        let file = std::fs::File::create(out).expect("create tar");
        let mut builder = tar::Builder::new(file);
        builder.append_dir_all(prefix, dir).expect("append");
        builder.finish().expect("finish tar");
    }

    #[tokio::test]
    async fn tar_round_trip_gives_a_read_only_copy() {
        let (dir, layout) = store();
        let image = put_image(&layout, b"layer", &["v1"]).await;
        for (name, prefix, gzip) in [
            ("plain.tar", ".", false),
            ("nested.tar", "img", false),
            ("z.tar.gz", ".", true),
        ] {
            let tar_path = dir.path().join(name);
            tar_of(layout.root(), &tar_path, prefix);
            if gzip {
                let raw = std::fs::read(&tar_path).expect("read tar");
                let mut enc =
                    flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
                std::io::Write::write_all(&mut enc, &raw).expect("gzip");
                std::fs::write(&tar_path, enc.finish().expect("gzip")).expect("write");
            }
            let scratch = dir.path().join(format!("scratch-{name}"));
            let copy = Layout::open_tar(&tar_path, &scratch).expect("open tar");
            assert_eq!(copy.resolve("v1").expect("tag").digest, image.digest);
            copy.fetch_manifest(&image.digest)
                .expect("verified manifest");
            let err = copy
                .put_manifest(b"{}", OCI_MANIFEST, &[])
                .expect_err("read-only");
            assert!(err.to_string().contains("read-only copy"), "{err}");
            assert!(copy.delete_manifest(&image.digest).is_err());
            // The scratch folder must be empty: unpacking twice into it is refused.
            let again = Layout::open_tar(&tar_path, &scratch).expect_err("not empty");
            assert!(again.to_string().contains("not empty"), "{again}");
        }
    }

    /// A one-entry tar whose header is written by hand, since the tar crate refuses to build
    /// the hostile names these tests need.
    fn hostile_tar(path: &Path, name: &str, kind: tar::EntryType, link: Option<&str>) {
        let mut header = tar::Header::new_old();
        let raw = header.as_old_mut();
        raw.name[..name.len()].copy_from_slice(name.as_bytes());
        if let Some(link) = link {
            raw.linkname[..link.len()].copy_from_slice(link.as_bytes());
        }
        header.set_entry_type(kind);
        header.set_mode(0o644);
        let data: &[u8] = if kind == tar::EntryType::Regular {
            b"evil"
        } else {
            b""
        };
        header.set_size(data.len() as u64);
        header.set_cksum();
        let mut builder = tar::Builder::new(std::fs::File::create(path).expect("create"));
        builder.append(&header, data).expect("append");
        builder.finish().expect("finish");
    }

    #[test]
    fn hostile_archives_are_refused_by_name() {
        use tar::EntryType::{Block, Char, Fifo, Link, Regular, Symlink};
        let dir = tempfile::tempdir().expect("tempdir");
        let cases = [
            ("../escape", Regular, None, "`..`"),
            ("blobs/../../escape", Regular, None, "`..`"),
            ("/tmp/absolute", Regular, None, "absolute"),
            (
                "blobs/link",
                Symlink,
                Some("../../outside"),
                "symbolic link pointing outside",
            ),
            (
                "link",
                Symlink,
                Some("/etc/passwd"),
                "symbolic link pointing outside",
            ),
            (
                "hard",
                Link,
                Some("../outside"),
                "hard link pointing outside",
            ),
            ("dev", Char, None, "device"),
            ("blk", Block, None, "device"),
            ("fifo", Fifo, None, "FIFO"),
        ];
        for (i, (name, kind, link, reason)) in cases.into_iter().enumerate() {
            let tar_path = dir.path().join(format!("{i}.tar"));
            hostile_tar(&tar_path, name, kind, link);
            let scratch = dir.path().join(format!("scratch-{i}"));
            let err = Layout::open_tar(&tar_path, &scratch).expect_err(name);
            let text = err.to_string();
            assert!(
                text.contains(reason) && text.contains(name),
                "{name}: {text}"
            );
            assert!(text.contains(&tar_path.display().to_string()), "{text}");
            assert!(!dir.path().join("escape").exists());
        }
        // Links that stay inside are harmless and skipped; the archive then has no layout.
        let tar_path = dir.path().join("inside.tar");
        hostile_tar(&tar_path, "a/link", Symlink, Some("../blobs/x"));
        let err = Layout::open_tar(&tar_path, &dir.path().join("s")).expect_err("no layout");
        assert!(
            err.is_not_found() && err.to_string().contains("oci-layout"),
            "{err}"
        );
        assert!(!dir.path().join("s/a/link").exists());
    }
}
