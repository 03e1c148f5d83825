//! Tests of packing folders: reproducibility, links, refusals, the layout GNU tar sees, and unpacking what was packed.

use std::fs;
use std::os::unix::fs::{symlink, PermissionsExt};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, SystemTime};

use super::nobody::as_nobody;
use super::{pack_dir, unpack, PackedDir};
use crate::digest::Digest;

/// A folder with nested folders, an executable, an empty file, a link and a long name.
fn sample_tree(root: &Path) -> std::path::PathBuf {
    let dir = root.join("site");
    fs::create_dir_all(dir.join("b/deeper")).unwrap();
    fs::create_dir_all(dir.join("a-folder")).unwrap();
    fs::write(dir.join("index.html"), "<h1>hi</h1>\n").unwrap();
    fs::write(dir.join("b/data.bin"), vec![7u8; 70_000]).unwrap();
    fs::write(dir.join("b/deeper/empty"), "").unwrap();
    fs::write(dir.join("a-folder/run.sh"), "#!/bin/sh\necho hi\n").unwrap();
    fs::set_permissions(
        dir.join("a-folder/run.sh"),
        fs::Permissions::from_mode(0o750),
    )
    .unwrap();
    fs::set_permissions(dir.join("index.html"), fs::Permissions::from_mode(0o600)).unwrap();
    symlink("../index.html", dir.join("b/link")).unwrap();
    let long = dir.join("long").join("x".repeat(120)).join("y".repeat(90));
    fs::create_dir_all(&long).unwrap();
    fs::write(long.join("z".repeat(150)), "deep\n").unwrap();
    dir
}

fn pack_to_vec(dir: &Path) -> (Vec<u8>, PackedDir) {
    let mut out = Vec::new();
    let packed = pack_dir(dir, &mut out).unwrap();
    (out, packed)
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut tar = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(bytes), &mut tar).unwrap();
    tar
}

#[test]
fn packing_is_byte_identical_across_runs_times_modes_and_owners() {
    let root = tempfile::tempdir().unwrap();
    let dir = sample_tree(root.path());
    let (first, packed) = pack_to_vec(&dir);
    let (second, _) = pack_to_vec(&dir);
    assert_eq!(first, second);

    // Times, permission bits other than execute, and owners do not reach the archive.
    let old = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
    for file in ["index.html", "b/data.bin", "a-folder/run.sh"] {
        fs::File::options()
            .write(true)
            .open(dir.join(file))
            .unwrap()
            .set_modified(old)
            .unwrap();
    }
    fs::set_permissions(dir.join("b/data.bin"), fs::Permissions::from_mode(0o444)).unwrap();
    fs::set_permissions(
        dir.join("a-folder/run.sh"),
        fs::Permissions::from_mode(0o700),
    )
    .unwrap();
    let owner_changed =
        std::os::unix::fs::chown(dir.join("index.html"), Some(1234), Some(4321)).is_ok();
    let (third, again) = pack_to_vec(&dir);
    assert_eq!(first, third, "owner changed: {owner_changed}");
    assert_eq!(packed, again);

    assert_eq!(packed.name, "site");
    assert_eq!(packed.digest, Digest::sha256_of(&first));
    assert_eq!(packed.size, first.len() as u64);
    assert_eq!(
        packed.uncompressed_digest,
        Digest::sha256_of(&gunzip(&first))
    );
    assert_eq!((packed.files, packed.symlinks), (5, 1));
    assert_eq!(packed.bytes, 12 + 70_000 + 18 + 5);
    // site, a-folder, b, b/deeper, long, long/x…, long/x…/y…
    assert_eq!(packed.dirs, 7);
}

#[test]
fn headers_carry_fixed_metadata_in_walk_order() {
    let root = tempfile::tempdir().unwrap();
    let dir = sample_tree(root.path());
    let (bytes, _) = pack_to_vec(&dir);
    let tar = gunzip(&bytes);
    let mut archive = tar::Archive::new(&tar[..]);
    let mut seen = Vec::new();
    for entry in archive.entries().unwrap() {
        let entry = entry.unwrap();
        let header = entry.header();
        assert_eq!(header.as_ustar().map(|_| ()), Some(()), "ustar header");
        assert_eq!(header.mtime().unwrap(), 0);
        assert_eq!((header.uid().unwrap(), header.gid().unwrap()), (0, 0));
        assert_eq!(header.username().unwrap(), Some(""));
        assert_eq!(header.groupname().unwrap(), Some(""));
        let name = String::from_utf8(entry.path_bytes().into_owned()).unwrap();
        let mode = header.mode().unwrap();
        seen.push((name, mode));
    }
    let long_dir = format!("site/long/{}", "x".repeat(120));
    let expected: Vec<(String, u32)> = vec![
        ("site/".into(), 0o755),
        ("site/a-folder/".into(), 0o755),
        ("site/a-folder/run.sh".into(), 0o755),
        ("site/b/".into(), 0o755),
        ("site/b/data.bin".into(), 0o644),
        ("site/b/deeper/".into(), 0o755),
        ("site/b/deeper/empty".into(), 0o644),
        ("site/b/link".into(), 0o777),
        ("site/index.html".into(), 0o644),
        ("site/long/".into(), 0o755),
        (format!("{long_dir}/"), 0o755),
        (format!("{long_dir}/{}/", "y".repeat(90)), 0o755),
        (
            format!("{long_dir}/{}/{}", "y".repeat(90), "z".repeat(150)),
            0o644,
        ),
    ];
    assert_eq!(seen, expected);
    // Names with a component over 100 bytes need a pax record (the 120-x folder and the
    // 150-z file); the 90-y folder fits ustar's prefix/name split; nothing else needs either.
    let pax = tar.windows(14).filter(|w| *w == b"././@PaxHeader").count();
    assert_eq!(pax, 2);
}

#[test]
fn gnu_tar_lists_the_archive_cleanly() {
    let root = tempfile::tempdir().unwrap();
    let dir = sample_tree(root.path());
    let archive = root.path().join("site.tar.gz");
    pack_dir(&dir, fs::File::create(&archive).unwrap()).unwrap();
    let listed = Command::new("tar")
        .arg("-tvzf")
        .arg(&archive)
        .env("LC_ALL", "C")
        .env("TZ", "UTC")
        .output()
        .expect("GNU tar is installed");
    let stderr = String::from_utf8_lossy(&listed.stderr);
    assert!(listed.status.success() && stderr.is_empty(), "{stderr}");
    let stdout = String::from_utf8_lossy(&listed.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 13, "{stdout}");
    assert!(lines[0].starts_with("drwxr-xr-x 0/0 "), "{}", lines[0]);
    assert!(lines[0].contains("1970-01-01 00:00 site/"), "{}", lines[0]);
    assert!(stdout.contains("lrwxrwxrwx 0/0"), "{stdout}");
    assert!(stdout.contains("site/b/link -> ../index.html"), "{stdout}");
    assert!(stdout.contains(&"z".repeat(150)), "{stdout}");

    // And extracts it to the same content.
    let out = root.path().join("gnu");
    fs::create_dir(&out).unwrap();
    let status = Command::new("tar")
        .arg("-xzf")
        .arg(&archive)
        .arg("-C")
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(
        fs::read(out.join("site/b/data.bin")).unwrap(),
        vec![7u8; 70_000]
    );
}

#[test]
fn a_symlink_loop_is_stored_as_two_links() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("loop");
    fs::create_dir(&dir).unwrap();
    symlink("b", dir.join("a")).unwrap();
    symlink("a", dir.join("b")).unwrap();
    let (bytes, packed) = pack_to_vec(&dir);
    assert_eq!((packed.files, packed.symlinks, packed.dirs), (0, 2, 1));
    let tar = gunzip(&bytes);
    let mut archive = tar::Archive::new(&tar[..]);
    let links: Vec<(String, String)> = archive
        .entries()
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.header().entry_type() == tar::EntryType::Symlink)
        .map(|e| {
            let target = e
                .link_name()
                .unwrap()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (e.path().unwrap().to_string_lossy().into_owned(), target)
        })
        .collect();
    assert_eq!(
        links,
        [("loop/a".into(), "b".into()), ("loop/b".into(), "a".into())]
    );
}

#[test]
fn a_fifo_is_refused_by_name() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("with-fifo");
    fs::create_dir(&dir).unwrap();
    let fifo = dir.join("pipe");
    let made = Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    let err = pack_dir(&dir, Vec::new()).unwrap_err().to_string();
    assert!(err.contains("pipe") && err.contains("fifo"), "{err}");
}

#[test]
fn unreadable_content_is_an_error_naming_it() {
    let root = tempfile::tempdir().unwrap();
    // Open to everyone but `inner`: a temporary folder is its creator's alone.
    fs::set_permissions(root.path(), fs::Permissions::from_mode(0o755)).unwrap();
    let dir = root.path().join("closed");
    fs::create_dir_all(dir.join("inner")).unwrap();
    fs::set_permissions(dir.join("inner"), fs::Permissions::from_mode(0o000)).unwrap();
    // As nobody, so that the permission bits hold even where the tests run as root.
    let result = as_nobody(|| pack_dir(&dir, Vec::new()));
    fs::set_permissions(dir.join("inner"), fs::Permissions::from_mode(0o755)).unwrap();
    let err = result.unwrap_err().to_string();
    assert!(err.contains("inner"), "{err}");
}

#[test]
fn files_and_missing_folders_are_refused() {
    let root = tempfile::tempdir().unwrap();
    let file = root.path().join("plain.txt");
    fs::write(&file, "x").unwrap();
    let err = pack_dir(&file, Vec::new()).unwrap_err().to_string();
    assert!(
        err.contains("plain.txt") && err.contains("not a folder"),
        "{err}"
    );
    let err = pack_dir(&root.path().join("gone"), Vec::new())
        .unwrap_err()
        .to_string();
    assert!(err.contains("gone"), "{err}");
}

#[test]
fn unpacking_gives_back_the_same_files_modes_and_links() {
    let root = tempfile::tempdir().unwrap();
    let dir = sample_tree(root.path());
    let (bytes, packed) = pack_to_vec(&dir);
    let dest = root.path().join("pulled");
    let unpacked = unpack(&bytes[..], &dest).unwrap();
    assert_eq!(unpacked.uncompressed_digest, packed.uncompressed_digest);
    assert_eq!(unpacked.roots.iter().collect::<Vec<_>>(), ["site"]);
    assert_eq!(
        (
            unpacked.files,
            unpacked.bytes,
            unpacked.symlinks,
            unpacked.dirs
        ),
        (packed.files, packed.bytes, packed.symlinks, packed.dirs)
    );

    let copy = dest.join("site");
    let mode = |p: &Path| fs::symlink_metadata(p).unwrap().permissions().mode() & 0o7777;
    for file in [
        "index.html",
        "b/data.bin",
        "b/deeper/empty",
        "a-folder/run.sh",
    ] {
        assert_eq!(
            fs::read(dir.join(file)).unwrap(),
            fs::read(copy.join(file)).unwrap(),
            "{file}"
        );
    }
    assert_eq!(mode(&copy.join("a-folder/run.sh")), 0o755);
    assert_eq!(mode(&copy.join("index.html")), 0o644);
    assert_eq!(mode(&copy.join("b/deeper")), 0o755);
    assert_eq!(
        fs::read_link(copy.join("b/link")).unwrap(),
        Path::new("../index.html")
    );
    assert_eq!(fs::read(copy.join("b/link")).unwrap(), b"<h1>hi</h1>\n");
    let long = copy
        .join("long")
        .join("x".repeat(120))
        .join("y".repeat(90))
        .join("z".repeat(150));
    assert_eq!(fs::read(long).unwrap(), b"deep\n");

    // Packing the copy gives the same archive: the round trip loses nothing packing keeps.
    let (repacked, _) = pack_to_vec(&copy);
    assert_eq!(repacked, bytes);
}

#[test]
fn unpacking_again_over_the_same_folder_replaces_files() {
    let root = tempfile::tempdir().unwrap();
    let dir = sample_tree(root.path());
    let (bytes, _) = pack_to_vec(&dir);
    let dest = root.path().join("pulled");
    unpack(&bytes[..], &dest).unwrap();
    fs::write(dest.join("site/index.html"), "changed").unwrap();
    unpack(&bytes[..], &dest).unwrap();
    assert_eq!(
        fs::read(dest.join("site/index.html")).unwrap(),
        b"<h1>hi</h1>\n"
    );
}
