//! Tests of unpacking hostile archives: nothing may be written outside the destination.

use std::collections::BTreeSet;
use std::fs;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};

use flate2::write::GzEncoder;
use flate2::Compression;

use super::unpack;

enum Kind<'a> {
    File(&'a [u8]),
    Dir,
    Symlink(&'a str),
    Hardlink(&'a str),
    Fifo,
    Char,
}

/// A tar+gzip with exactly these names and link targets: written into the header bytes, since
/// the tar crate's own setters refuse `..` and absolute names.
fn archive(entries: &[(&str, Kind<'_>)]) -> Vec<u8> {
    let mut builder = tar::Builder::new(GzEncoder::new(Vec::new(), Compression::default()));
    for (name, kind) in entries {
        let mut header = tar::Header::new_ustar();
        header.as_old_mut().name[..name.len()].copy_from_slice(name.as_bytes());
        let (entry_type, data, link): (_, &[u8], Option<&str>) = match kind {
            Kind::File(data) => (tar::EntryType::Regular, data, None),
            Kind::Dir => (tar::EntryType::Directory, b"", None),
            Kind::Symlink(target) => (tar::EntryType::Symlink, b"", Some(target)),
            Kind::Hardlink(target) => (tar::EntryType::Link, b"", Some(target)),
            Kind::Fifo => (tar::EntryType::Fifo, b"", None),
            Kind::Char => (tar::EntryType::Char, b"", None),
        };
        if let Some(link) = link {
            header.as_old_mut().linkname[..link.len()].copy_from_slice(link.as_bytes());
        }
        header.set_entry_type(entry_type);
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        builder.append(&header, data).unwrap();
    }
    builder.into_inner().unwrap().finish().unwrap()
}

/// Every path under `root`, to compare before and after.
fn tree(root: &Path) -> BTreeSet<PathBuf> {
    let mut found = BTreeSet::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let entry = entry.unwrap();
            if entry.file_type().unwrap().is_dir() {
                stack.push(entry.path());
            }
            found.insert(entry.path());
        }
    }
    found
}

/// A sandbox: `root/dest` to unpack into and `root/outside/secret`, which must never change.
struct Sandbox {
    _root: tempfile::TempDir,
    root: PathBuf,
    dest: PathBuf,
    outside: PathBuf,
}

impl Sandbox {
    fn new() -> Sandbox {
        let temp = tempfile::tempdir().unwrap();
        let root = temp.path().to_path_buf();
        let dest = root.join("dest");
        let outside = root.join("outside");
        fs::create_dir_all(dest.join("deep/er")).unwrap();
        fs::create_dir(&outside).unwrap();
        fs::write(outside.join("secret"), "untouched").unwrap();
        Sandbox {
            _root: temp,
            root,
            dest,
            outside,
        }
    }

    /// Unpacks into `dest/deep/er` (so `..` has room to climb), expecting a refusal naming
    /// `entry`, and checks nothing appeared or changed outside `dest`.
    fn refuses(&self, bytes: &[u8], entry: &str) {
        let outside_before = tree(&self.root)
            .into_iter()
            .filter(|p| !p.starts_with(&self.dest))
            .collect::<BTreeSet<_>>();
        let err = unpack(bytes, &self.dest.join("deep/er"))
            .unwrap_err()
            .to_string();
        assert!(err.contains(entry), "error does not name {entry}: {err}");
        let outside_after = tree(&self.root)
            .into_iter()
            .filter(|p| !p.starts_with(&self.dest))
            .collect::<BTreeSet<_>>();
        assert_eq!(outside_before, outside_after);
        assert_eq!(fs::read(self.outside.join("secret")).unwrap(), b"untouched");
    }
}

#[test]
fn parent_components_are_refused() {
    let sandbox = Sandbox::new();
    sandbox.refuses(&archive(&[("../evil", Kind::File(b"x"))]), "../evil");
    sandbox.refuses(
        &archive(&[("a/../../../../evil", Kind::File(b"x"))]),
        "a/../../../../evil",
    );
    sandbox.refuses(
        &archive(&[("../../../outside/secret", Kind::File(b"x"))]),
        "secret",
    );
}

#[test]
fn absolute_names_are_refused() {
    let sandbox = Sandbox::new();
    let target = sandbox.root.join("abs-evil");
    let name = target.to_str().unwrap().to_string();
    sandbox.refuses(&archive(&[(&name, Kind::File(b"x"))]), &name);
    assert!(!target.exists());
}

#[test]
fn links_out_and_writes_through_links_are_refused() {
    let sandbox = Sandbox::new();
    // The classic: a link out, then a file through it. The link itself is refused.
    sandbox.refuses(
        &archive(&[
            ("x", Kind::Symlink("../../etc")),
            ("x/passwd", Kind::File(b"root::0:0")),
        ]),
        "\"x\"",
    );
    sandbox.refuses(&archive(&[("x", Kind::Symlink("/etc"))]), "\"x\"");
    sandbox.refuses(
        &archive(&[("d/x", Kind::Symlink("../../../../outside"))]),
        "d/x",
    );
    // `up` is harmless alone, but `up/../..` climbs from wherever `up` leads.
    sandbox.refuses(
        &archive(&[
            ("n/up", Kind::Symlink("..")),
            ("n/x", Kind::Symlink("up/../../..")),
        ]),
        "n/x",
    );
    // A link that stays inside is fine, but nothing is written through it.
    sandbox.refuses(
        &archive(&[
            ("sub/", Kind::Dir),
            ("in", Kind::Symlink("sub")),
            ("in/f", Kind::File(b"x")),
        ]),
        "in/f",
    );
}

#[test]
fn links_already_in_the_destination_are_not_followed() {
    let sandbox = Sandbox::new();
    let dest = sandbox.dest.join("deep/er");
    symlink(&sandbox.outside, dest.join("site")).unwrap();
    sandbox.refuses(
        &archive(&[("site/secret", Kind::File(b"x"))]),
        "site/secret",
    );

    // A link at the entry's own path is replaced, not written through.
    symlink(sandbox.outside.join("secret"), dest.join("file")).unwrap();
    unpack(&archive(&[("file", Kind::File(b"new"))])[..], &dest).unwrap();
    assert_eq!(fs::read(dest.join("file")).unwrap(), b"new");
    assert!(!fs::symlink_metadata(dest.join("file"))
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(
        fs::read(sandbox.outside.join("secret")).unwrap(),
        b"untouched"
    );
}

#[test]
fn hard_links_only_to_files_from_the_same_archive() {
    let sandbox = Sandbox::new();
    sandbox.refuses(
        &archive(&[("h", Kind::Hardlink("../../../outside/secret"))]),
        "\"h\"",
    );
    let secret = sandbox.outside.join("secret");
    sandbox.refuses(
        &archive(&[("h", Kind::Hardlink(secret.to_str().unwrap()))]),
        "\"h\"",
    );
    // A file that was already there is not from this archive either.
    let dest = sandbox.dest.join("deep/er");
    fs::write(dest.join("mine"), "user data").unwrap();
    sandbox.refuses(&archive(&[("h", Kind::Hardlink("mine"))]), "\"h\"");

    let unpacked = unpack(
        &archive(&[("f", Kind::File(b"shared")), ("g", Kind::Hardlink("f"))])[..],
        &dest,
    )
    .unwrap();
    assert_eq!((unpacked.files, unpacked.hardlinks), (1, 1));
    assert_eq!(fs::read(dest.join("g")).unwrap(), b"shared");
}

#[test]
fn devices_and_fifos_are_refused() {
    let sandbox = Sandbox::new();
    sandbox.refuses(&archive(&[("pipe", Kind::Fifo)]), "pipe");
    sandbox.refuses(&archive(&[("null", Kind::Char)]), "null");
}

#[test]
fn links_inside_are_unpacked() {
    let sandbox = Sandbox::new();
    let dest = sandbox.dest.join("deep/er");
    let unpacked = unpack(
        &archive(&[
            ("site/", Kind::Dir),
            ("site/a", Kind::File(b"a")),
            ("site/sub/up", Kind::Symlink("../a")),
            ("site/top", Kind::Symlink("../site/a")),
            ("site/self", Kind::Symlink("./a")),
        ])[..],
        &dest,
    )
    .unwrap();
    assert_eq!(unpacked.symlinks, 3);
    assert_eq!(fs::read(dest.join("site/sub/up")).unwrap(), b"a");
    assert_eq!(fs::read(dest.join("site/top")).unwrap(), b"a");
}

#[test]
fn a_corrupt_archive_is_an_error() {
    let sandbox = Sandbox::new();
    let mut bytes = archive(&[("f", Kind::File(b"content"))]);
    let crc = bytes.len() - 8;
    bytes[crc] ^= 0xff;
    let err = unpack(&bytes[..], &sandbox.dest).unwrap_err().to_string();
    assert!(err.contains("reading the archive"), "{err}");
    assert!(unpack(&b"not gzip"[..], &sandbox.dest).is_err());
}

/// A gzip of `n` zero bytes after a valid one-file archive: small on the wire, huge unpacked.
fn bomb(file_size: usize) -> Vec<u8> {
    let zeros = vec![0u8; file_size];
    archive(&[("big/zeros.bin", Kind::File(&zeros))])
}

#[test]
fn a_bomb_stops_at_the_size_limit_without_writing_past_it() {
    let gz = bomb(4 << 20);
    assert!(
        gz.len() < 64 * 1024,
        "the bomb is small: {} bytes",
        gz.len()
    );
    let dir = tempfile::tempdir().unwrap();
    let limits = super::UnpackLimits {
        max_bytes: 1 << 20,
        max_entries: 100,
    };
    let err = super::unpack_within(&gz[..], dir.path(), &limits).unwrap_err();
    assert!(
        matches!(err, crate::error::Error::TooLarge { limit, .. } if limit == 1 << 20),
        "{err}"
    );
    assert!(err.to_string().contains("uncompressed"), "{err}");
    let written = fs::metadata(dir.path().join("big/zeros.bin")).map_or(0, |m| m.len());
    assert!(written <= 1 << 20, "{written} bytes written past the limit");

    // Within the limit, the same archive unpacks whole.
    let roomy = super::UnpackLimits {
        max_bytes: 8 << 20,
        max_entries: 100,
    };
    let other = tempfile::tempdir().unwrap();
    let done = super::unpack_within(&gz[..], other.path(), &roomy).unwrap();
    assert_eq!(done.bytes, 4 << 20);
}

#[test]
fn too_many_entries_stop_at_the_entry_limit() {
    let names: Vec<String> = (0..50).map(|i| format!("d/f{i}")).collect();
    let entries: Vec<(&str, Kind<'_>)> = names
        .iter()
        .map(|n| (n.as_str(), Kind::File(b"x")))
        .collect();
    let gz = archive(&entries);
    let dir = tempfile::tempdir().unwrap();
    let limits = super::UnpackLimits {
        max_bytes: 1 << 30,
        max_entries: 10,
    };
    let err = super::unpack_within(&gz[..], dir.path(), &limits).unwrap_err();
    assert!(err.to_string().contains("entries"), "{err}");
    let left = tree(dir.path()).len();
    assert!(left <= 11, "{left} paths written past the entry limit");
}

#[test]
fn a_sparse_file_counts_its_holes_against_the_limit() {
    use base64::Engine as _;
    // Found by the unpack fuzz target: 138 bytes of tar.gz declaring a 100 MiB sparse file.
    let gz = base64::engine::general_purpose::STANDARD
        .decode("H4sIAAAAAAAAA+3QSwqDQAyA4ax7ijlColEP0hMICl2IA2rv38FNRcVCRVf/twkkgTxesWtHuZYmpfsck3VMXKzItdDKzCpRKzXPJDwv3mv2Hqd6CEGGGKejvl/1v6XfZHsf+eZ9kdczA3xbbPvmcf4GAAAAAAAAAAAAAAAAAMDdPtSa5x0AKAAA")
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let limits = super::UnpackLimits {
        max_bytes: 1 << 20,
        max_entries: 100,
    };
    let err = super::unpack_within(&gz[..], dir.path(), &limits).unwrap_err();
    assert!(
        matches!(err, crate::error::Error::TooLarge { limit, .. } if limit == 1 << 20),
        "{err}"
    );
    let on_disk: u64 = tree(dir.path())
        .iter()
        .filter_map(|p| fs::symlink_metadata(p).ok())
        .filter(|m| m.is_file())
        .map(|m| m.len())
        .sum();
    assert!(on_disk <= 1 << 20, "{on_disk} bytes written past the limit");
}
