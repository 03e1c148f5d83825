//! Reading a layer's tar stream into entries, gzip, zstd or plain, without writing anything.
//!
//! Names are untrusted: they are shown, never opened. A name is made relative (a leading `/` or
//! `./` dropped, as container runtimes do) and `.` and `..` resolved lexically; one that climbs
//! out of the root is not listed but reported as refused, with why.

use std::io::{self, BufRead, BufReader, Read};

use flate2::read::MultiGzDecoder;

use super::{EntryKind, FileLimits, LayerEntry, Refused};
use crate::error::{Error, Result};

const WHITEOUT: &str = ".wh.";
const OPAQUE: &str = ".wh..wh..opq";

/// What a layer holds, in archive order, and what was refused.
pub(super) struct Listed {
    pub entries: Vec<LayerEntry>,
    pub refused: Vec<Refused>,
    /// Bytes of the uncompressed tar stream read.
    pub uncompressed: u64,
    pub compression: &'static str,
}

/// Lists the tar archive in `raw` (compressed or not: told by its first bytes, since media
/// types are often wrong). `what` names the layer in errors.
pub(super) fn entries(raw: impl Read, limits: &FileLimits, what: &str) -> Result<Listed> {
    let (mut archive, compression) = open_tar(raw, limits, what)?;
    let mut entries = Vec::new();
    let mut refused = Vec::new();
    let iter = archive.entries().map_err(|e| read_error(what, e))?;
    for entry in iter {
        let entry = entry.map_err(|e| read_error(what, e))?;
        if (entries.len() + refused.len()) as u64 >= limits.max_entries {
            return Err(Error::Invalid(format!(
                "{what} holds more than {} entries: not listed",
                limits.max_entries
            )));
        }
        match describe(&entry) {
            Ok(e) => entries.push(e),
            Err(r) => refused.push(r),
        }
    }
    let uncompressed = archive.into_inner().inner.read;
    Ok(Listed {
        entries,
        refused,
        uncompressed,
        compression,
    })
}

/// Streams the archive in `raw` to its end, handing the regular file at `wanted` (a cleaned
/// path) to `found`. Returns whether it was there.
pub(super) fn find_file(
    raw: impl Read,
    limits: &FileLimits,
    what: &str,
    wanted: &str,
    found: &mut dyn FnMut(&mut dyn Read, u64) -> Result<()>,
) -> Result<bool> {
    let (mut archive, _) = open_tar(raw, limits, what)?;
    let mut hit = false;
    for entry in archive.entries().map_err(|e| read_error(what, e))? {
        let mut entry = entry.map_err(|e| read_error(what, e))?;
        let name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let regular = matches!(
            entry.header().entry_type(),
            tar::EntryType::Regular | tar::EntryType::Continuous | tar::EntryType::GNUSparse
        );
        if !hit && regular && clean(&name).as_deref() == Some(wanted) {
            hit = true;
            let size = entry.size();
            found(&mut entry, size)?;
        }
    }
    Ok(hit)
}

type Stream<'a> = tar::Archive<Padded<Counted<Box<dyn Read + 'a>>>>;

/// The tar inside `raw`, decompressed as its first bytes say (media types are often wrong),
/// capped and padded; and the compression found.
fn open_tar<'a>(
    raw: impl Read + 'a,
    limits: &FileLimits,
    what: &str,
) -> Result<(Stream<'a>, &'static str)> {
    let mut raw = BufReader::with_capacity(1 << 20, raw);
    let head = raw.fill_buf().map_err(|e| read_error(what, e))?;
    let (stream, compression): (Box<dyn Read + 'a>, &'static str) =
        if head.starts_with(&[0x1f, 0x8b]) {
            (Box::new(MultiGzDecoder::new(raw)), "gzip")
        } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            let decoder = zstd::Decoder::with_buffer(raw).map_err(|e| read_error(what, e))?;
            (Box::new(decoder), "zstd")
        } else {
            (Box::new(raw), "none")
        };
    let counted = Counted {
        inner: stream,
        read: 0,
        cap: limits.max_bytes,
    };
    Ok((tar::Archive::new(Padded::new(counted)), compression))
}

fn read_error(what: &str, e: io::Error) -> Error {
    // The cap and a failed verification come through the reader as io errors carrying ours.
    match e
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<Carried>())
    {
        Some(Carried(message)) => Error::Invalid(message.clone()),
        None => Error::Invalid(format!("{what} is not a readable tar archive: {e}")),
    }
}

/// An error of ours passed through `io::Read`.
#[derive(Debug)]
pub(super) struct Carried(pub String);

impl std::fmt::Display for Carried {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Carried {}

pub(super) fn carried(message: String) -> io::Error {
    io::Error::other(Carried(message))
}

/// Ends the stream on a 512-byte boundary followed by the end-of-archive blocks, when the writer
/// left them out: some tools (umoci's insert among them) end a layer right after its last
/// file's bytes, and Go's reader, as container runtimes use, accepts that. An archive cut short
/// inside a file is still an error: at most a block and the end marker are made up.
struct Padded<R> {
    inner: R,
    read: u64,
    /// Zero bytes still to give once the inner stream ended.
    padding: Option<u64>,
}

impl<R: Read> Padded<R> {
    fn new(inner: R) -> Padded<R> {
        Padded {
            inner,
            read: 0,
            padding: None,
        }
    }
}

impl<R: Read> Read for Padded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.padding.is_none() {
            let n = self.inner.read(buf)?;
            if n > 0 || buf.is_empty() {
                self.read += n as u64;
                return Ok(n);
            }
            self.padding = Some((512 - self.read % 512) % 512 + 1024);
        }
        let left = self.padding.unwrap_or(0);
        let n = (left as usize).min(buf.len());
        buf[..n].fill(0);
        self.padding = Some(left - n as u64);
        Ok(n)
    }
}

/// Counts the uncompressed bytes and stops a bomb at the cap.
struct Counted<R> {
    inner: R,
    read: u64,
    cap: u64,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        if self.read > self.cap {
            return Err(carried(format!(
                "the layer expands past {} MiB: not listed further",
                self.cap >> 20
            )));
        }
        Ok(n)
    }
}

fn describe<R: Read>(entry: &tar::Entry<R>) -> std::result::Result<LayerEntry, Refused> {
    let header = entry.header();
    let raw = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
    let refuse = |reason: &str| Refused {
        name: raw.clone(),
        reason: reason.to_string(),
    };
    let path = clean(&raw).ok_or_else(|| refuse("its name climbs out of the root"))?;
    let link = entry
        .link_name_bytes()
        .map(|l| String::from_utf8_lossy(&l).into_owned());
    let kind = header.entry_type();
    let name = path.rsplit('/').next().unwrap_or(&path);
    let parent = path.rsplit_once('/').map_or("", |(p, _)| p);
    let (kind, path) = if name == OPAQUE {
        (EntryKind::OpaqueDir, parent.to_string())
    } else if let Some(hidden) = name.strip_prefix(WHITEOUT) {
        let gone = if parent.is_empty() {
            hidden.to_string()
        } else {
            format!("{parent}/{hidden}")
        };
        (EntryKind::Whiteout, gone)
    } else {
        let k = match kind {
            tar::EntryType::Directory => EntryKind::Dir,
            tar::EntryType::Symlink => EntryKind::Symlink,
            tar::EntryType::Link => EntryKind::Hardlink,
            tar::EntryType::Char => EntryKind::CharDevice,
            tar::EntryType::Block => EntryKind::BlockDevice,
            tar::EntryType::Fifo => EntryKind::Fifo,
            tar::EntryType::Regular | tar::EntryType::Continuous => EntryKind::File,
            // GNU sparse files hold a file's data; pax and long-name records were applied by
            // the reader already.
            tar::EntryType::GNUSparse => EntryKind::File,
            _ => return Err(refuse("its entry type is not one a layer holds")),
        };
        (k, path)
    };
    if path.is_empty() && kind != EntryKind::Dir && kind != EntryKind::OpaqueDir {
        return Err(refuse("it names the root itself"));
    }
    let link = match (kind, link) {
        // A hard link names another entry of the layers: cleaned like a name.
        (EntryKind::Hardlink, Some(l)) => {
            Some(clean(&l).ok_or_else(|| refuse("its link target climbs out of the root"))?)
        }
        (EntryKind::Symlink, l) => l,
        _ => None,
    };
    Ok(LayerEntry {
        path,
        kind,
        size: if kind == EntryKind::File {
            entry.size()
        } else {
            0
        },
        mode: header.mode().unwrap_or(0) & 0o7777,
        uid: header.uid().unwrap_or(0),
        gid: header.gid().unwrap_or(0),
        mtime: header.mtime().unwrap_or(0),
        link,
    })
}

/// `name` relative to the root, `.` and `..` resolved; None when it climbs above the root.
pub(super) fn clean(name: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for part in name.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tar whose names are written as given, bypassing the builder's own checks.
    fn raw_tar(names: &[(&str, tar::EntryType, &[u8])]) -> Vec<u8> {
        let mut out = tar::Builder::new(Vec::new());
        for (name, kind, data) in names {
            let mut h = tar::Header::new_gnu();
            let field = &mut h.as_gnu_mut().unwrap().name;
            field[..name.len()].copy_from_slice(name.as_bytes());
            h.set_entry_type(*kind);
            h.set_size(data.len() as u64);
            h.set_mode(0o644);
            h.set_cksum();
            out.append(&h, *data).unwrap();
        }
        out.into_inner().unwrap()
    }

    #[test]
    fn hostile_names_are_refused_by_name_and_the_rest_listed() {
        use tar::EntryType as T;
        let tar = raw_tar(&[
            ("../../etc/passwd", T::Regular, b"x"),
            ("/abs/file", T::Regular, b"yy"),
            ("a/../../b", T::Regular, b""),
            ("ok/.wh.gone", T::Regular, b""),
            ("ok/.wh..wh..opq", T::Regular, b""),
        ]);
        let listed = entries(&tar[..], &FileLimits::default(), "layer L").unwrap();
        let got: Vec<(&str, EntryKind, u64)> = listed
            .entries
            .iter()
            .map(|e| (e.path.as_str(), e.kind, e.size))
            .collect();
        assert_eq!(
            got,
            [
                ("abs/file", EntryKind::File, 2),
                ("ok/gone", EntryKind::Whiteout, 0),
                ("ok", EntryKind::OpaqueDir, 0)
            ]
        );
        let refused: Vec<&str> = listed.refused.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(refused, ["../../etc/passwd", "a/../../b"]);
        assert!(listed.refused[0].reason.contains("climbs out"));
        assert_eq!(listed.compression, "none");
    }

    #[test]
    fn a_bomb_stops_at_the_cap_and_too_many_entries_are_refused() {
        use tar::EntryType as T;
        let big = vec![0u8; 1 << 20];
        let tar = raw_tar(&[("zeros", T::Regular, &big)]);
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        std::io::Write::write_all(&mut gz, &tar).unwrap();
        let gz = gz.finish().unwrap();
        let small = FileLimits {
            max_bytes: 64 << 10,
            max_entries: 10,
        };
        let err = entries(&gz[..], &small, "layer L").err().unwrap();
        assert!(err.to_string().contains("expands past"), "{err}");
        let names: Vec<String> = (0..20).map(|i| format!("f{i}")).collect();
        let many: Vec<(&str, T, &[u8])> = names
            .iter()
            .map(|n| (n.as_str(), T::Regular, &b""[..]))
            .collect();
        let err = entries(&raw_tar(&many)[..], &small, "layer L")
            .err()
            .unwrap();
        assert!(err.to_string().contains("more than 10 entries"), "{err}");
        let listed = entries(&gz[..], &FileLimits::default(), "layer L").unwrap();
        assert_eq!(listed.compression, "gzip");
        assert_eq!(listed.entries[0].size, 1 << 20);
    }

    #[test]
    fn a_layer_ending_right_after_its_last_file_reads_but_one_cut_inside_a_file_does_not() {
        use tar::EntryType as T;
        let whole = raw_tar(&[("a.txt", T::Regular, b"a\n")]);
        // Header and the two bytes: no padding, no end blocks (as umoci's insert writes them).
        let listed = entries(&whole[..514], &FileLimits::default(), "layer L").unwrap();
        assert_eq!(listed.entries[0].path, "a.txt");
        let big = raw_tar(&[("big", T::Regular, &[7u8; 4096])]);
        let err = entries(&big[..1500], &FileLimits::default(), "layer L")
            .err()
            .unwrap();
        assert!(err.to_string().contains("layer L"), "{err}");
    }

    #[test]
    fn names_are_cleaned_and_climbing_out_is_caught() {
        assert_eq!(clean("./etc/passwd").as_deref(), Some("etc/passwd"));
        assert_eq!(clean("/usr//bin/").as_deref(), Some("usr/bin"));
        assert_eq!(clean("a/b/../c").as_deref(), Some("a/c"));
        assert_eq!(clean("./").as_deref(), Some(""));
        assert_eq!(clean("../etc/passwd"), None);
        assert_eq!(clean("a/../../b"), None);
    }
}
