//! A minimal POSIX tar writer (ustar headers, pax records only where ustar cannot say it) that hashes the stream as it goes.
//!
//! The tar crate's `Builder` picks GNU long-name entries and fills metadata from the file system;
//! for a reproducible layer every header byte must come from us, so headers are built here from
//! `tar::Header` and written block by block.

use std::io::{self, Write};

use crate::digest::{Algorithm, Digest, Hasher};

const BLOCK: usize = 512;
/// The largest size an 11-digit octal field holds; larger files need a pax `size` record.
const MAX_OCTAL_SIZE: u64 = 0o777_7777_7777;
// Field offsets of the ustar header (POSIX.1-1988), for the byte-string fields.
const NAME: std::ops::Range<usize> = 0..100;
const LINKNAME: std::ops::Range<usize> = 157..257;
const PREFIX: std::ops::Range<usize> = 345..500;
/// The name of every pax extended header. Fixed, unlike GNU tar's `PaxHeaders.<pid>`, so the
/// archive does not depend on the process that wrote it.
const PAX_HEADER_NAME: &[u8] = b"././@PaxHeader";

/// What an entry is, with what its header needs.
pub(super) enum Kind<'a> {
    Dir,
    File { size: u64, executable: bool },
    Symlink { target: &'a [u8] },
}

/// A tar stream being written to `out`, with the sha256 of every byte written so far.
pub(super) struct TarStream<W> {
    out: W,
    hasher: Hasher,
}

impl<W: Write> TarStream<W> {
    pub(super) fn new(out: W) -> Self {
        TarStream {
            out,
            hasher: Hasher::new(Algorithm::Sha256),
        }
    }

    /// Writes the header of an entry named `name` (slash-separated, relative, without a trailing
    /// slash), preceded by a pax header when the name, target or size does not fit ustar.
    /// A file's content follows through [`TarStream::content`] and [`TarStream::end_content`].
    pub(super) fn header(&mut self, name: &[u8], kind: &Kind<'_>) -> io::Result<()> {
        let mut name = name.to_vec();
        if matches!(kind, Kind::Dir) {
            // The trailing slash marks folders for readers that look at names only.
            name.push(b'/');
        }
        let mut header = tar::Header::new_ustar();
        let mut pax = Vec::new();
        match split_ustar_name(&name) {
            Some((prefix, rest)) => {
                header.as_mut_bytes()[PREFIX][..prefix.len()].copy_from_slice(prefix);
                header.as_mut_bytes()[NAME][..rest.len()].copy_from_slice(rest);
            }
            None => {
                pax_record(&mut pax, "path", &name);
                // Readers without pax support see a truncated name; pax readers use the record.
                let cut = name.len().min(NAME.len());
                header.as_mut_bytes()[NAME][..cut].copy_from_slice(&name[..cut]);
            }
        }
        let (entry_type, mode, size) = match kind {
            Kind::Dir => (tar::EntryType::Directory, 0o755, 0),
            Kind::File { size, executable } => {
                let mode = if *executable { 0o755 } else { 0o644 };
                (tar::EntryType::Regular, mode, *size)
            }
            Kind::Symlink { target } => {
                if target.len() <= LINKNAME.len() {
                    header.as_mut_bytes()[LINKNAME][..target.len()].copy_from_slice(target);
                } else {
                    pax_record(&mut pax, "linkpath", target);
                }
                (tar::EntryType::Symlink, 0o777, 0)
            }
        };
        if size > MAX_OCTAL_SIZE {
            pax_record(&mut pax, "size", size.to_string().as_bytes());
            header.set_size(0);
        } else {
            header.set_size(size);
        }
        header.set_entry_type(entry_type);
        header.set_mode(mode);
        fixed_metadata(&mut header)?;
        header.set_cksum();

        if !pax.is_empty() {
            self.pax_header(&pax)?;
        }
        self.write(header.as_bytes())
    }

    /// Writes the next bytes of the current file's content.
    pub(super) fn content(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.write(bytes)
    }

    /// Pads the content of a `size`-byte file to the block boundary.
    pub(super) fn end_content(&mut self, size: u64) -> io::Result<()> {
        let partial = (size % BLOCK as u64) as usize;
        if partial != 0 {
            self.write(&[0; BLOCK][partial..])?;
        }
        Ok(())
    }

    /// Ends the archive (two zero blocks) and returns the output with the tar stream's digest.
    pub(super) fn finish(mut self) -> io::Result<(W, Digest)> {
        self.write(&[0; 2 * BLOCK])?;
        self.out.flush()?;
        Ok((self.out, self.hasher.finish()))
    }

    fn pax_header(&mut self, records: &[u8]) -> io::Result<()> {
        let mut header = tar::Header::new_ustar();
        header.as_mut_bytes()[NAME][..PAX_HEADER_NAME.len()].copy_from_slice(PAX_HEADER_NAME);
        header.set_entry_type(tar::EntryType::XHeader);
        header.set_mode(0o644);
        header.set_size(records.len() as u64);
        fixed_metadata(&mut header)?;
        header.set_cksum();
        self.write(header.as_bytes())?;
        self.write(records)?;
        self.end_content(records.len() as u64)
    }

    fn write(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.out.write_all(bytes)?;
        self.hasher.update(bytes);
        Ok(())
    }
}

/// The metadata that would make archives differ between machines and runs, pinned.
fn fixed_metadata(header: &mut tar::Header) -> io::Result<()> {
    header.set_mtime(0);
    header.set_uid(0);
    header.set_gid(0);
    header.set_username("")?;
    header.set_groupname("")?;
    header.set_device_major(0)?;
    header.set_device_minor(0)
}

/// Splits `name` into ustar's prefix and name fields (joined by a slash that is not stored), or
/// `None` when it fits neither way and needs a pax `path` record. Like Go's archive/tar, the
/// split is at the last slash that leaves the prefix short enough.
fn split_ustar_name(name: &[u8]) -> Option<(&[u8], &[u8])> {
    if name.len() <= NAME.len() {
        return Some((&[], name));
    }
    // The slash ending a folder's name cannot be the split point: the name part would be empty.
    let searchable = &name[..name.len().saturating_sub(1).min(PREFIX.len() + 1)];
    let slash = searchable.iter().rposition(|&b| b == b'/')?;
    let (prefix, rest) = (&name[..slash], &name[slash + 1..]);
    (!prefix.is_empty() && rest.len() <= NAME.len()).then_some((prefix, rest))
}

/// Appends one pax record, `"<len> <key>=<value>\n"`, where `<len>` counts the whole record
/// including its own digits.
fn pax_record(records: &mut Vec<u8>, key: &str, value: &[u8]) {
    let body = key.len() + value.len() + 3; // space, '=', newline
    let mut len = body + 1;
    while len != body + len.to_string().len() {
        len = body + len.to_string().len();
    }
    records.extend_from_slice(len.to_string().as_bytes());
    records.push(b' ');
    records.extend_from_slice(key.as_bytes());
    records.push(b'=');
    records.extend_from_slice(value);
    records.push(b'\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pax_record_length_counts_its_own_digits() {
        let mut records = Vec::new();
        pax_record(&mut records, "path", b"a");
        assert_eq!(records, b"9 path=a\n");
        // 98 bytes without the length: "100 " would make it 101, so the length is 101.
        let mut boundary = Vec::new();
        pax_record(&mut boundary, "path", &[b'x'; 91]);
        assert_eq!(boundary.len(), 101);
        assert!(boundary.starts_with(b"101 path="));
    }

    #[test]
    fn long_names_split_at_a_slash_or_go_to_pax() {
        let short = b"a/b";
        assert_eq!(split_ustar_name(short), Some((&b""[..], &short[..])));
        let mut split = vec![b'd'; 120];
        split.extend_from_slice(b"/file");
        assert_eq!(
            split_ustar_name(&split),
            Some((&split[..120], &b"file"[..]))
        );
        assert_eq!(split_ustar_name(&[b'x'; 101]), None);
        let mut too_deep = vec![b'd'; 200];
        too_deep.extend_from_slice(b"/file");
        assert_eq!(split_ustar_name(&too_deep), None);
    }
}
