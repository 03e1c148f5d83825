//! Unpacking a pulled folder layer (tar+gzip) into a destination folder without letting the archive reach outside it.
//!
//! An archive comes from a registry and is untrusted. Refused, with an error naming the entry:
//! absolute names, `..` components, symbolic links whose target is absolute or climbs above the
//! destination, hard links to anything but a file unpacked earlier from the same archive,
//! devices and fifos. Nothing is ever written through a symbolic link: each folder on the way
//! to an entry is checked to be a real folder, and an existing file or link at an entry's own
//! path is removed (not opened) before the entry is written. Files get mode 0644, or 0755 when
//! any execute bit is set in the archive; folders 0755; owners and times are not restored.
//!
//! Link targets are checked lexically, so a target may have `..` only at its start: after a
//! name, `..` would depend on whether that name is itself a link. Checks and writes are not
//! atomic: another process changing the destination while it is unpacked is not defended
//! against. On error, entries unpacked so far stay; unpack into a fresh folder to discard them.
//!
//! A small layer can expand without bound (a gzip bomb), so the uncompressed stream and the
//! number of entries are capped ([`UnpackLimits`]); unpacking stops at the first byte past the cap.

use std::cell::Cell;
use std::collections::{BTreeSet, HashSet};
use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use flate2::read::MultiGzDecoder;

use crate::digest::{Algorithm, Digest, Hasher};
use crate::error::{Error, Result};

/// What [`unpack`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnpackedDir {
    /// The sha256 of the uncompressed tar stream, to compare with oras'
    /// `io.deis.oras.content.digest` annotation.
    pub uncompressed_digest: Digest,
    /// The first component of every entry name: for a folder layer, just its title.
    pub roots: BTreeSet<String>,
    /// Regular files written (hard links not included), and the bytes of their content.
    pub files: u64,
    /// Bytes written into those files.
    pub bytes: u64,
    /// Symbolic links created.
    pub symlinks: u64,
    /// Hard links created, each to a file unpacked earlier from the same archive.
    pub hardlinks: u64,
    /// Folders created for folder entries; one already there, or made only on the way to an
    /// entry, is not counted.
    pub dirs: u64,
}

/// How far unpacking one folder layer may go. The defaults hold any folder a person pushes
/// and stop a bomb long before it fills a disk; `stowage pull` can raise them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnpackLimits {
    /// Bytes of the uncompressed tar stream (contents, headers and padding).
    pub max_bytes: u64,
    /// Entries: files, folders and links.
    pub max_entries: u64,
}

impl Default for UnpackLimits {
    fn default() -> Self {
        UnpackLimits {
            max_bytes: 8 << 30,
            max_entries: 1_000_000,
        }
    }
}

/// Unpacks the tar+gzip `archive` into `dest` (created if missing) within the default limits.
pub fn unpack(archive: impl Read, dest: &Path) -> Result<UnpackedDir> {
    unpack_within(archive, dest, &UnpackLimits::default())
}

/// Unpacks the tar+gzip `archive` into `dest` (created if missing): an entry `name/a/b` becomes
/// `dest/name/a/b`. See the module documentation for what is refused.
pub fn unpack_within(
    archive: impl Read,
    dest: &Path,
    limits: &UnpackLimits,
) -> Result<UnpackedDir> {
    fs::create_dir_all(dest).map_err(|e| Error::io(dest, e))?;
    let over = Rc::new(Cell::new(false));
    let reader = HashingReader::new(MultiGzDecoder::new(archive), limits.max_bytes, over.clone());
    let mut tar = tar::Archive::new(reader);
    let mut unpacker = Unpacker {
        dest,
        written: HashSet::new(),
        roots: BTreeSet::new(),
        counts: Counts::default(),
        room: limits.max_bytes,
        max_bytes: limits.max_bytes,
    };
    // The tar reader may wrap or replace the cap's error, so the flag says what happened.
    let failed = |e: io::Error| {
        if over.get() {
            Error::TooLarge {
                what: "the folder layer being unpacked".into(),
                url: dest.display().to_string(),
                limit: limits.max_bytes,
                unit: "uncompressed bytes",
            }
        } else {
            input_error(dest, e)
        }
    };
    let mut entries = 0u64;
    for entry in tar.entries().map_err(&failed)? {
        let entry = entry.map_err(&failed)?;
        entries += 1;
        if entries > limits.max_entries {
            return Err(Error::TooLarge {
                what: "the folder layer being unpacked".into(),
                url: dest.display().to_string(),
                limit: limits.max_entries,
                unit: "entries",
            });
        }
        match unpacker.entry(entry) {
            Err(_) if over.get() => return Err(failed(io::ErrorKind::Other.into())),
            other => other?,
        }
    }
    // The tar reader stops at the end-of-archive blocks; the rest of the stream (padding, the
    // gzip trailer with its CRC) is read too so it is checked and hashed.
    let mut rest = tar.into_inner();
    io::copy(&mut rest, &mut io::sink()).map_err(&failed)?;
    let Counts {
        files,
        bytes,
        symlinks,
        hardlinks,
        dirs,
    } = unpacker.counts;
    Ok(UnpackedDir {
        uncompressed_digest: rest.hasher.finish(),
        roots: unpacker.roots,
        files,
        bytes,
        symlinks,
        hardlinks,
        dirs,
    })
}

#[derive(Default)]
struct Counts {
    files: u64,
    bytes: u64,
    symlinks: u64,
    hardlinks: u64,
    dirs: u64,
}

struct Unpacker<'a> {
    dest: &'a Path,
    /// Regular files this archive wrote (relative to `dest`): the only allowed hard link targets.
    written: HashSet<PathBuf>,
    roots: BTreeSet<String>,
    counts: Counts,
    /// Bytes files may still take on disk. Counted apart from the stream: a sparse entry's
    /// holes are written as zeros that the compressed stream never carried.
    room: u64,
    max_bytes: u64,
}

/// What is already at an entry's path.
#[derive(Clone, Copy)]
enum Existing {
    Nothing,
    Dir,
    /// A file, a link or anything else: removed before the entry is written.
    Other,
}

impl Unpacker<'_> {
    fn entry<R: Read>(&mut self, mut entry: tar::Entry<'_, R>) -> Result<()> {
        let raw = entry.path_bytes().into_owned();
        let shown = String::from_utf8_lossy(&raw).into_owned();
        let refuse = |why: &str| {
            Error::Invalid(format!(
                "refusing archive entry {shown:?} unpacked into {}: {why}",
                self.dest.display()
            ))
        };
        let mut kind = entry.header().entry_type();
        if kind.is_pax_global_extensions() {
            return Ok(());
        }
        // Pre-POSIX archives mark folders only by the trailing slash.
        if kind == tar::EntryType::Regular && raw.ends_with(b"/") && entry.size() == 0 {
            kind = tar::EntryType::Directory;
        }
        let parts = components(&raw).map_err(&refuse)?;
        let Some((_, parents)) = parts.split_last() else {
            // `./` names the destination itself.
            return if kind.is_dir() {
                Ok(())
            } else {
                Err(refuse("empty name"))
            };
        };
        let rel = to_path(&parts).map_err(|why| refuse(&why))?;
        let target = self.dest.join(&rel);
        self.roots
            .insert(String::from_utf8_lossy(parts[0]).into_owned());
        self.prepare_parents(parents).map_err(|why| refuse(&why))?;
        self.written.remove(&rel);
        let existing = existing(&target)?;
        // Room for anything but a folder: an existing file or link is removed, never opened.
        let make_room = || match existing {
            Existing::Dir => Err(refuse("a folder is already at that path")),
            Existing::Other => remove(&target),
            Existing::Nothing => Ok(()),
        };

        match kind {
            tar::EntryType::Directory => {
                match existing {
                    Existing::Dir => return Ok(()),
                    Existing::Other => remove(&target)?,
                    Existing::Nothing => {}
                }
                create_dir(&target)?;
                self.counts.dirs += 1;
            }
            tar::EntryType::Regular | tar::EntryType::Continuous | tar::EntryType::GNUSparse => {
                make_room()?;
                let executable =
                    entry.header().mode().map_err(|e| refuse(&e.to_string()))? & 0o111 != 0;
                let size = write_file(
                    &mut entry,
                    &target,
                    executable,
                    self.dest,
                    (self.room, self.max_bytes),
                )?;
                self.room -= size;
                self.written.insert(rel);
                self.counts.files += 1;
                self.counts.bytes += size;
            }
            tar::EntryType::Symlink => {
                let link = entry
                    .link_name_bytes()
                    .ok_or_else(|| refuse("symbolic link without a target"))?
                    .into_owned();
                check_link_target(parents.len(), &link).map_err(&refuse)?;
                make_room()?;
                if cfg!(not(unix)) {
                    return Err(refuse("symbolic links are not unpacked on this platform"));
                }
                symlink(&link, &target).map_err(|e| Error::io(&target, e))?;
                self.counts.symlinks += 1;
            }
            tar::EntryType::Link => {
                let link = entry
                    .link_name_bytes()
                    .ok_or_else(|| refuse("hard link without a target"))?
                    .into_owned();
                let source = self
                    .hardlink_source(&link, &rel)
                    .map_err(|why| refuse(&why))?;
                make_room()?;
                fs::hard_link(&source, &target).map_err(|e| Error::io(&target, e))?;
                self.written.insert(rel);
                self.counts.hardlinks += 1;
            }
            tar::EntryType::Char | tar::EntryType::Block => {
                return Err(refuse("device files are not unpacked"))
            }
            tar::EntryType::Fifo => return Err(refuse("fifos are not unpacked")),
            other => {
                return Err(refuse(&format!(
                    "unsupported entry type {:?}",
                    other.as_byte() as char
                )))
            }
        }
        Ok(())
    }

    /// Makes sure every folder on the way to an entry is a real folder inside `dest`, creating
    /// missing ones; a symbolic link on the way is refused rather than followed.
    fn prepare_parents(&self, parents: &[&[u8]]) -> std::result::Result<(), String> {
        let mut current = self.dest.to_path_buf();
        for part in parents {
            current.push(to_path(&[part])?);
            match fs::symlink_metadata(&current) {
                Ok(meta) if meta.file_type().is_symlink() => {
                    return Err(format!(
                        "{} is a symbolic link, and entries are never written through links",
                        current.display()
                    ))
                }
                Ok(meta) if meta.is_dir() => {}
                Ok(_) => return Err(format!("{} is not a folder", current.display())),
                Err(e) if e.kind() == io::ErrorKind::NotFound => {
                    create_dir(&current).map_err(|e| e.to_string())?
                }
                Err(e) => return Err(format!("{}: {e}", current.display())),
            }
        }
        Ok(())
    }

    /// The file a hard link entry may point at: a regular file written earlier by this archive,
    /// reached through real folders only.
    fn hardlink_source(&self, link: &[u8], rel: &Path) -> std::result::Result<PathBuf, String> {
        let parts = components(link).map_err(|why| format!("hard link target: {why}"))?;
        let source_rel = to_path(&parts)?;
        if parts.is_empty() || !self.written.contains(&source_rel) || source_rel == rel {
            return Err(format!(
                "hard link to {:?}, which is not a file unpacked earlier from this archive",
                String::from_utf8_lossy(link)
            ));
        }
        let parents = parts.split_last().map_or(&[][..], |(_, parents)| parents);
        self.prepare_parents(parents)?;
        let source = self.dest.join(&source_rel);
        match fs::symlink_metadata(&source) {
            Ok(meta) if meta.is_file() => Ok(source),
            _ => Err(format!(
                "hard link target {} is no longer a regular file",
                source.display()
            )),
        }
    }
}

/// The components of an entry name, refusing names that could leave the destination. `.` and
/// empty components (doubled or trailing slashes) are dropped.
fn components(name: &[u8]) -> std::result::Result<Vec<&[u8]>, &'static str> {
    if name.starts_with(b"/") {
        return Err("absolute names are not allowed");
    }
    let mut parts = Vec::new();
    for part in name.split(|&b| b == b'/') {
        match part {
            b"" | b"." => {}
            b".." => return Err("`..` components are not allowed"),
            _ if cfg!(not(unix)) && part.iter().any(|&b| b == b'\\' || b == b':') => {
                return Err("backslashes and drive letters are not allowed")
            }
            _ => parts.push(part),
        }
    }
    Ok(parts)
}

fn to_path(parts: &[&[u8]]) -> std::result::Result<PathBuf, String> {
    let mut path = PathBuf::new();
    for part in parts {
        #[cfg(unix)]
        path.push(<std::ffi::OsStr as std::os::unix::ffi::OsStrExt>::from_bytes(part));
        #[cfg(not(unix))]
        path.push(std::str::from_utf8(part).map_err(|_| "name is not valid UTF-8".to_string())?);
    }
    Ok(path)
}

/// Checks a symbolic link target, for a link `depth` folders below `dest`: relative, with `..`
/// only at its start and no more of them than `depth`.
fn check_link_target(depth: usize, target: &[u8]) -> std::result::Result<(), &'static str> {
    if target.is_empty() {
        return Err("symbolic link with an empty target");
    }
    if target.starts_with(b"/") {
        return Err("symbolic link with an absolute target");
    }
    let mut ups = 0;
    let mut named = false;
    for part in target.split(|&b| b == b'/') {
        match part {
            b"" | b"." => {}
            b".." if named => {
                return Err("symbolic link target with `..` after a name, which could lead anywhere if that name is a link")
            }
            b".." => ups += 1,
            _ if cfg!(not(unix)) && part.iter().any(|&b| b == b'\\' || b == b':') => {
                return Err("symbolic link target with backslashes or a drive letter")
            }
            _ => named = true,
        }
    }
    if ups > depth {
        return Err("symbolic link target points outside the destination");
    }
    Ok(())
}

fn existing(path: &Path) -> Result<Existing> {
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.is_dir() => Ok(Existing::Dir),
        Ok(_) => Ok(Existing::Other),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Existing::Nothing),
        Err(e) => Err(Error::io(path, e)),
    }
}

/// Removes a file or link (never what a link points to).
fn remove(path: &Path) -> Result<()> {
    fs::remove_file(path).map_err(|e| Error::io(path, e))
}

fn create_dir(path: &Path) -> Result<()> {
    let mut builder = fs::DirBuilder::new();
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o755);
    builder.create(path).map_err(|e| Error::io(path, e))?;
    set_mode(path, 0o755)
}

/// Writes an entry's content to a new file (`create_new`, so an existing file or link is never
/// opened) and returns its size, which may not pass `room`.
fn write_file(
    entry: &mut impl Read,
    path: &Path,
    executable: bool,
    dest: &Path,
    (room, limit): (u64, u64),
) -> Result<u64> {
    let mode = if executable { 0o755 } else { 0o644 };
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, mode);
    let mut file = options.open(path).map_err(|e| Error::io(path, e))?;
    let mut buf = vec![0; 64 * 1024];
    let mut size = 0u64;
    loop {
        let n = match entry.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(input_error(dest, e)),
        };
        size += n as u64;
        if size > room {
            return Err(Error::TooLarge {
                what: "the folder layer being unpacked".into(),
                url: dest.display().to_string(),
                limit,
                unit: "bytes of files",
            });
        }
        file.write_all(&buf[..n]).map_err(|e| Error::io(path, e))?;
    }
    file.sync_all().map_err(|e| Error::io(path, e))?;
    // Exactly 0644 or 0755 whatever the umask, as the layer says nothing else.
    set_mode(path, mode)?;
    Ok(size)
}

fn set_mode(path: &Path, mode: u32) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(path, fs::Permissions::from_mode(mode)).map_err(|e| Error::io(path, e))
    }
    #[cfg(not(unix))]
    {
        let _ = (path, mode);
        Ok(())
    }
}

fn symlink(target: &[u8], path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        let target = <std::ffi::OsStr as std::os::unix::ffi::OsStrExt>::from_bytes(target);
        std::os::unix::fs::symlink(target, path)
    }
    #[cfg(not(unix))]
    {
        // Windows needs a privilege to create links; `entry` refuses link entries there.
        let _ = (target, path);
        Err(io::ErrorKind::Unsupported.into())
    }
}

/// A failure reading the archive (corrupt gzip or tar, or the source failing).
fn input_error(dest: &Path, e: io::Error) -> Error {
    Error::io(
        dest,
        io::Error::new(e.kind(), format!("reading the archive being unpacked: {e}")),
    )
}

/// Hashes the uncompressed tar stream as the tar reader consumes it, and fails once it passes
/// `limit` bytes (setting `over`).
struct HashingReader<R> {
    inner: R,
    hasher: Hasher,
    read: u64,
    limit: u64,
    over: Rc<Cell<bool>>,
}

impl<R: Read> HashingReader<R> {
    fn new(inner: R, limit: u64, over: Rc<Cell<bool>>) -> Self {
        HashingReader {
            inner,
            hasher: Hasher::new(Algorithm::Sha256),
            read: 0,
            limit,
            over,
        }
    }
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.read >= self.limit {
            // One byte more tells a stream that ends exactly at the limit from a longer one.
            let mut probe = [0u8; 1];
            if self.inner.read(&mut probe)? == 0 {
                return Ok(0);
            }
            self.over.set(true);
            return Err(io::Error::other(
                "the uncompressed archive passes the size limit",
            ));
        }
        let room = usize::try_from(self.limit - self.read).unwrap_or(usize::MAX);
        let want = buf.len().min(room);
        let n = self.inner.read(&mut buf[..want])?;
        self.hasher.update(&buf[..n]);
        self.read += n as u64;
        Ok(n)
    }
}
