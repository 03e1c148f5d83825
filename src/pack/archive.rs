//! Packing a folder into a reproducible tar+gzip layer: the same folder gives the same bytes on every run and machine.
//!
//! Layout, following oras-go's file store: the folder itself is the first entry, `name/`, and
//! everything under it is `name/…`, so the puller recreates the folder by its title. Entries are
//! depth first, each folder's entries sorted by name bytes (the order of Go's `filepath.Walk`).
//! Every header carries fixed metadata: mtime 0, uid and gid 0, empty user and group names,
//! mode 0755 for folders and for files with any execute bit, 0644 for other files, 0777 for
//! symbolic links. ustar headers, with a pax record only for a name, link target or size that
//! ustar cannot hold. Symbolic links are stored as links and never followed; hard links are
//! stored as separate copies (as oras does); fifos, sockets and devices are refused.
//!
//! The gzip layer is flate2 at level 6 with mtime 0, no file name and OS "unknown", so the blob
//! is reproducible for a given flate2 backend; the uncompressed digest does not depend on it.

use std::ffi::OsStr;
use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use flate2::{Compression, GzBuilder};

use super::ustar::{Kind, TarStream};
use crate::digest::{Algorithm, Digest, Hasher};
use crate::error::{Error, Result};

/// The gzip level of packed folders. Fixed: the level is part of what makes the blob reproducible.
const GZIP_LEVEL: u32 = 6;
/// The OS byte of the gzip header: "unknown", as Go writes, rather than the packing machine's.
const GZIP_OS_UNKNOWN: u8 = 255;

/// What [`pack_dir`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackedDir {
    /// The top-level folder name inside the archive: the layer's title.
    pub name: String,
    /// The digest and size of the tar+gzip bytes written: the layer blob.
    pub digest: Digest,
    /// The size of the tar+gzip blob in bytes.
    pub size: u64,
    /// The sha256 of the uncompressed tar stream, for oras' `io.deis.oras.content.digest`.
    pub uncompressed_digest: Digest,
    /// Regular files packed, and the bytes of their content.
    pub files: u64,
    /// Bytes of content in those files, before compression.
    pub bytes: u64,
    /// Symbolic links, stored as links.
    pub symlinks: u64,
    /// Folders packed, the top-level one included.
    pub dirs: u64,
}

/// Writes `dir` to `out` as a reproducible tar+gzip (see the module documentation for the
/// layout). `dir` itself may be a symbolic link to a folder (the user named it); links inside
/// are stored as links.
pub fn pack_dir(dir: &Path, out: impl Write) -> Result<PackedDir> {
    pack_dir_watched(dir, out, &mut |_| Ok(()))
}

/// [`pack_dir`], calling `watch` as it goes with the bytes of file content packed so far, so a
/// caller can show progress; an error `watch` returns (a cancellation) stops packing with it.
pub fn pack_dir_watched(
    dir: &Path,
    out: impl Write,
    watch: &mut dyn FnMut(u64) -> Result<()>,
) -> Result<PackedDir> {
    let meta = fs::metadata(dir).map_err(|e| Error::io(dir, e))?;
    if !meta.is_dir() {
        return Err(Error::Invalid(format!("{} is not a folder", dir.display())));
    }
    let name = top_level_name(dir)?;

    let blob = HashingWriter::new(out);
    let gzip = GzBuilder::new()
        .mtime(0)
        .operating_system(GZIP_OS_UNKNOWN)
        .write(blob, Compression::new(GZIP_LEVEL));
    let mut packer = Packer {
        dir,
        tar: TarStream::new(gzip),
        stats: Stats::default(),
        buf: vec![0; 64 * 1024],
        watch,
    };
    packer.walk(name.as_bytes())?;
    let Packer { tar, stats, .. } = packer;
    let (gzip, uncompressed_digest) = tar.finish().map_err(|e| output_error(dir, e))?;
    let blob = gzip.finish().map_err(|e| output_error(dir, e))?;
    let (mut out, digest, size) = blob.finish();
    out.flush().map_err(|e| output_error(dir, e))?;

    Ok(PackedDir {
        name,
        digest,
        size,
        uncompressed_digest,
        files: stats.files,
        bytes: stats.bytes,
        symlinks: stats.symlinks,
        dirs: stats.dirs,
    })
}

/// The folder's own name, which becomes the archive's top level and the layer title (so it must
/// be UTF-8). `.` and `..` have none: the canonical path supplies it. A link to a folder keeps
/// the link's name, the one the user gave.
pub(crate) fn top_level_name(dir: &Path) -> Result<String> {
    let canonical;
    let file_name = match dir.file_name() {
        Some(name) => name,
        None => {
            canonical = fs::canonicalize(dir).map_err(|e| Error::io(dir, e))?;
            canonical.file_name().ok_or_else(|| {
                Error::Invalid(format!(
                    "{} has no folder name to use as the layer title (the file system root cannot be packed)",
                    dir.display()
                ))
            })?
        }
    };
    file_name.to_str().map(str::to_string).ok_or_else(|| {
        Error::Invalid(format!(
            "{}: the folder name is not valid UTF-8 and cannot be a layer title",
            dir.display()
        ))
    })
}

#[derive(Default)]
struct Stats {
    files: u64,
    bytes: u64,
    symlinks: u64,
    dirs: u64,
}

struct Packer<'a, W: Write> {
    dir: &'a Path,
    tar: TarStream<W>,
    stats: Stats,
    /// The copy buffer, shared by all files.
    buf: Vec<u8>,
    watch: &'a mut dyn FnMut(u64) -> Result<()>,
}

/// An entry still to be written: its path on disk, its name in the archive, and its own type
/// (never the type of what a link points to).
struct Pending {
    path: PathBuf,
    name: Vec<u8>,
    file_type: fs::FileType,
}

impl<W: Write> Packer<'_, W> {
    /// Packs the tree depth first (a folder's subtree right after the folder, before its next
    /// sibling) with an explicit stack, so a deep tree cannot overflow the thread's stack.
    fn walk(&mut self, top: &[u8]) -> Result<()> {
        let file_type = fs::metadata(self.dir)
            .map_err(|e| Error::io(self.dir, e))?
            .file_type();
        let mut stack = vec![Pending {
            path: self.dir.to_path_buf(),
            name: top.to_vec(),
            file_type,
        }];
        while let Some(entry) = stack.pop() {
            let Pending {
                path,
                name,
                file_type,
            } = entry;
            if file_type.is_dir() {
                self.write_header(&name, &Kind::Dir)?;
                self.stats.dirs += 1;
                let children = list(&path, &name)?;
                // Reversed so that they pop in sorted order.
                stack.extend(children.into_iter().rev());
            } else if file_type.is_symlink() {
                let target = fs::read_link(&path).map_err(|e| Error::io(&path, e))?;
                let target = os_bytes(target.as_os_str(), &path)?;
                self.write_header(&name, &Kind::Symlink { target: &target })?;
                self.stats.symlinks += 1;
            } else if file_type.is_file() {
                self.file(&path, &name)?;
            } else {
                return Err(Error::Invalid(format!(
                    "{} is a {}; only files, folders and symbolic links can be packed",
                    path.display(),
                    special_kind(&file_type)
                )));
            }
        }
        Ok(())
    }

    fn file(&mut self, path: &Path, name: &[u8]) -> Result<()> {
        let mut file = File::open(path).map_err(|e| Error::io(path, e))?;
        // Size and mode from the open file, so they describe the content actually read.
        let meta = file.metadata().map_err(|e| Error::io(path, e))?;
        if !meta.is_file() {
            return Err(changed_while_packing(path));
        }
        let size = meta.len();
        self.write_header(
            name,
            &Kind::File {
                size,
                executable: is_executable(&meta),
            },
        )?;
        let mut left = size;
        while left > 0 {
            let want = self
                .buf
                .len()
                .min(usize::try_from(left).unwrap_or(usize::MAX));
            let n = match file.read(&mut self.buf[..want]) {
                Ok(0) => return Err(changed_while_packing(path)),
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(Error::io(path, e)),
            };
            self.tar
                .content(&self.buf[..n])
                .map_err(|e| output_error(self.dir, e))?;
            left -= n as u64;
            (self.watch)(self.stats.bytes + (size - left))?;
        }
        // A file that grew would be stored cut short: refuse rather than store a torn copy.
        if read_one_more(&mut file).map_err(|e| Error::io(path, e))? {
            return Err(changed_while_packing(path));
        }
        self.tar
            .end_content(size)
            .map_err(|e| output_error(self.dir, e))?;
        self.stats.files += 1;
        self.stats.bytes += size;
        Ok(())
    }

    fn write_header(&mut self, name: &[u8], kind: &Kind<'_>) -> Result<()> {
        self.tar
            .header(name, kind)
            .map_err(|e| output_error(self.dir, e))
    }
}

/// The entries of folder `path` (archive name `name`), sorted by file name bytes so the order
/// does not depend on the file system.
fn list(path: &Path, name: &[u8]) -> Result<Vec<Pending>> {
    let mut children = Vec::new();
    for entry in fs::read_dir(path).map_err(|e| Error::io(path, e))? {
        let entry = entry.map_err(|e| Error::io(path, e))?;
        let child = entry.path();
        // `DirEntry::file_type` does not follow links.
        let file_type = entry.file_type().map_err(|e| Error::io(&child, e))?;
        let mut child_name = name.to_vec();
        child_name.push(b'/');
        child_name.extend_from_slice(&os_bytes(&entry.file_name(), &child)?);
        children.push(Pending {
            path: child,
            name: child_name,
            file_type,
        });
    }
    children.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(children)
}

/// The bytes of a name or link target as stored in the archive. Unix names are bytes already;
/// elsewhere only UTF-8 names can be stored portably.
fn os_bytes(name: &OsStr, path: &Path) -> Result<Vec<u8>> {
    #[cfg(unix)]
    {
        let _ = path;
        Ok(std::os::unix::ffi::OsStrExt::as_bytes(name).to_vec())
    }
    #[cfg(not(unix))]
    {
        let text = name.to_str().ok_or_else(|| {
            Error::Invalid(format!(
                "{}: the name is not valid Unicode and cannot be packed",
                path.display()
            ))
        })?;
        // Archive names use forward slashes whatever the packing platform.
        Ok(text.replace('\\', "/").into_bytes())
    }
}

fn is_executable(meta: &fs::Metadata) -> bool {
    #[cfg(unix)]
    {
        std::os::unix::fs::PermissionsExt::mode(&meta.permissions()) & 0o111 != 0
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        false
    }
}

/// A name for a file that is neither a regular file, a folder nor a link, for the error.
pub(crate) fn special_kind(file_type: &fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "fifo";
        }
        if file_type.is_socket() {
            return "socket";
        }
        if file_type.is_block_device() {
            return "block device";
        }
        if file_type.is_char_device() {
            return "character device";
        }
    }
    let _ = file_type;
    "special file"
}

/// Whether the file has more bytes after those already read.
fn read_one_more(file: &mut File) -> io::Result<bool> {
    let mut byte = [0u8; 1];
    loop {
        match file.read(&mut byte) {
            Ok(n) => return Ok(n > 0),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
}

fn changed_while_packing(path: &Path) -> Error {
    Error::Invalid(format!(
        "{} changed while it was being packed; pack it again once it is no longer written to",
        path.display()
    ))
}

/// A failure writing the archive, as opposed to reading the folder: named after the folder being
/// packed, since the output has no path of its own here.
fn output_error(dir: &Path, e: io::Error) -> Error {
    Error::io(
        dir,
        io::Error::new(e.kind(), format!("writing the packed archive: {e}")),
    )
}

/// Passes bytes to `inner`, hashing and counting those written: the blob's digest and size.
struct HashingWriter<W> {
    inner: W,
    hasher: Hasher,
    size: u64,
}

impl<W: Write> HashingWriter<W> {
    fn new(inner: W) -> Self {
        HashingWriter {
            inner,
            hasher: Hasher::new(Algorithm::Sha256),
            size: 0,
        }
    }

    fn finish(self) -> (W, Digest, u64) {
        (self.inner, self.hasher.finish(), self.size)
    }
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.size += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}
