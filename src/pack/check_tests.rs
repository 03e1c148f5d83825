//! Tests of the checks before a push: what the push sheet shows and what push refuses, path by path.

use std::fs;
use std::os::unix::fs::{symlink, PermissionsExt};
use std::path::{Path, PathBuf};

use super::check::{check_with, Limits};
use super::nobody::as_nobody;
use super::{check_path, inspect_paths, Rules, TAR_GZIP};

fn strict_error(path: &Path) -> String {
    match check_path(path, Rules::STRICT) {
        Ok(c) => panic!("{} passed: {c:?}", path.display()),
        Err(e) => e.to_string(),
    }
}

fn write(path: &Path, bytes: &[u8]) -> PathBuf {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).unwrap();
    }
    fs::write(path, bytes).unwrap();
    path.to_path_buf()
}

#[test]
fn an_empty_file_is_refused_by_the_sheet_and_kept_by_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let empty = write(&dir.path().join("empty.bin"), b"");
    let err = strict_error(&empty);
    assert_eq!(
        err,
        format!("{} is empty: nothing to push", empty.display())
    );
    let checked = check_path(&empty, Rules::CLI).unwrap();
    assert_eq!((checked.size, checked.files), (0, 1));
    // Inside a folder an empty file is content like any other.
    let folder = dir.path().join("f");
    write(&folder.join("empty"), b"");
    assert_eq!(check_path(&folder, Rules::STRICT).unwrap().files, 1);
}

#[test]
fn missing_paths_and_broken_top_level_links_are_said_plainly() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.txt");
    assert_eq!(
        strict_error(&missing),
        format!("{}: does not exist", missing.display())
    );
    let dangling = dir.path().join("dangling");
    symlink("nowhere.txt", &dangling).unwrap();
    assert_eq!(
        strict_error(&dangling),
        format!(
            "{} is a symbolic link to nowhere.txt, which does not exist",
            dangling.display()
        )
    );
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    symlink("b", &a).unwrap();
    symlink("a", &b).unwrap();
    assert_eq!(
        strict_error(&a),
        format!("{} is a symbolic link loop", a.display())
    );
    // A link to a file the user names is followed, and titled as the link.
    let real = write(&dir.path().join("real.txt"), b"content");
    let link = dir.path().join("named.txt");
    symlink(&real, &link).unwrap();
    let checked = check_path(&link, Rules::STRICT).unwrap();
    assert_eq!((checked.name.as_str(), checked.size), ("named.txt", 7));
}

#[test]
fn sockets_fifos_and_devices_are_refused_alone_and_inside_folders() {
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("app.sock");
    let _listener = std::os::unix::net::UnixListener::bind(&socket).unwrap();
    let err = strict_error(&socket);
    assert!(
        err.starts_with(&format!("{} is a socket;", socket.display())),
        "{err}"
    );
    let err = strict_error(Path::new("/dev/null"));
    assert!(err.starts_with("/dev/null is a character device;"), "{err}");

    let folder = dir.path().join("with-fifo");
    fs::create_dir(&folder).unwrap();
    let fifo = folder.join("pipe");
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    // Refused without being opened, which would block until a writer came.
    for rules in [Rules::STRICT, Rules::CLI] {
        let err = check_path(&folder, rules).unwrap_err().to_string();
        assert!(
            err.starts_with(&format!("{} is a fifo;", fifo.display())),
            "{err}"
        );
    }
}

#[test]
fn a_folder_counts_its_regular_files_at_every_depth() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    write(&site.join("index.html"), &[1; 100]);
    write(&site.join("css/a.css"), &[2; 20]);
    write(&site.join("css/vendor/b.css"), &[3; 3]);
    write(&site.join("img/deep/er/x.png"), &[4; 4000]);
    fs::create_dir_all(site.join("empty-folder")).unwrap();
    // Links count as entries but not as files: they are packed as links.
    symlink("css/a.css", site.join("a-link")).unwrap();
    symlink("img/deep", site.join("dir-link")).unwrap();
    let checked = check_path(&site, Rules::STRICT).unwrap();
    assert_eq!(checked.name, "site");
    assert!(checked.folder);
    assert_eq!((checked.size, checked.files), (4123, 4));
    let info = &inspect_paths(std::slice::from_ref(&site))[0];
    assert_eq!(
        (info.size, info.files, info.folder),
        (4123, 4, true),
        "{info:?}"
    );
    assert_eq!(info.media_type.as_deref(), Some(TAR_GZIP));
}

#[test]
fn link_loops_in_a_folder_are_refused_by_the_sheet_and_kept_by_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    write(&site.join("index.html"), b"<h1>hi</h1>");
    symlink("loop-b", site.join("loop-a")).unwrap();
    symlink("loop-a", site.join("loop-b")).unwrap();
    let err = strict_error(&site);
    let a = format!(
        "{} is a symbolic link to loop-b",
        site.join("loop-a").display()
    );
    let b = format!(
        "{} is a symbolic link to loop-a",
        site.join("loop-b").display()
    );
    assert!(err.starts_with(&a) || err.starts_with(&b), "{err}");
    assert!(
        err.ends_with("which leads back to itself: a symbolic link loop"),
        "{err}"
    );
    assert!(check_path(&site, Rules::CLI).is_ok());

    // A link to a folder that contains it loops for anyone who follows links.
    let up = dir.path().join("up");
    write(&up.join("sub/file.txt"), b"x");
    symlink("..", up.join("sub/parent")).unwrap();
    let err = strict_error(&up);
    assert_eq!(
        err,
        format!(
            "{} is a symbolic link to .., a folder that contains it: a symbolic link loop",
            up.join("sub/parent").display()
        )
    );
    assert!(check_path(&up, Rules::CLI).is_ok());
    // A link to a sibling folder is no loop.
    let sibling = dir.path().join("sibling");
    write(&sibling.join("a/x.txt"), b"x");
    fs::create_dir(sibling.join("b")).unwrap();
    symlink("../a", sibling.join("b/to-a")).unwrap();
    assert!(check_path(&sibling, Rules::STRICT).is_ok());
}

#[test]
fn links_out_of_the_folder_are_refused_under_any_rules() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("secret.txt"), b"secret");
    let cases: [(&str, &str); 4] = [
        ("up-one", "../secret.txt"),
        ("sub/up-two", "../../secret.txt"),
        ("absolute", "/etc/hostname"),
        // Inside by its text until the last `..`.
        ("sub/wander", "../sub/../../secret.txt"),
    ];
    for (i, (name, target)) in cases.iter().enumerate() {
        let folder = dir.path().join(format!("case{i}"));
        write(&folder.join("keep.txt"), b"k");
        let link = folder.join(name);
        fs::create_dir_all(link.parent().unwrap()).unwrap();
        symlink(target, &link).unwrap();
        for rules in [Rules::STRICT, Rules::CLI] {
            let err = check_path(&folder, rules).unwrap_err().to_string();
            let expected = format!(
                "{} is a symbolic link to {target}, outside the folder {}",
                link.display(),
                folder.display()
            );
            assert!(err.starts_with(&expected), "{err}");
        }
    }
    // Climbing to a sibling inside the folder, and dangling inside it, are fine.
    let fine = dir.path().join("fine");
    write(&fine.join("a/x.txt"), b"x");
    fs::create_dir_all(fine.join("b/c")).unwrap();
    symlink("../../a/x.txt", fine.join("b/c/to-x")).unwrap();
    symlink("not-yet-there", fine.join("dangling")).unwrap();
    assert!(check_path(&fine, Rules::STRICT).is_ok());
}

#[test]
fn the_walk_is_bounded_in_depth_and_entries() {
    let dir = tempfile::tempdir().unwrap();
    let deep = dir.path().join("deep");
    let bottom = deep.join("1/2/3/4");
    write(&bottom.join("f"), b"f");
    let limits = Limits {
        depth: 3,
        entries: 100,
    };
    let err = check_with(&deep, Rules::STRICT, limits)
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        format!(
            "{}: folders nest more than 3 levels deep (at {}); push a shallower folder",
            deep.display(),
            bottom.display()
        )
    );
    let ok = Limits {
        depth: 4,
        entries: 100,
    };
    assert!(check_with(&deep, Rules::STRICT, ok).is_ok());

    let wide = dir.path().join("wide");
    for i in 0..11 {
        write(&wide.join(format!("f{i}")), b"x");
    }
    let limits = Limits {
        depth: 3,
        entries: 10,
    };
    let err = check_with(&wide, Rules::STRICT, limits)
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with(&format!(
            "{} holds more than 10 files and folders",
            wide.display()
        )),
        "{err}"
    );
}

#[test]
fn unreadable_files_and_folders_are_named() {
    let dir = tempfile::tempdir().unwrap();
    // Open to everyone, so only the modes below stand in the way.
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
    let mode = |p: &Path, m: u32| fs::set_permissions(p, fs::Permissions::from_mode(m)).unwrap();

    let secret = write(&dir.path().join("secret.txt"), b"secret");
    mode(&secret, 0o000);
    let site = dir.path().join("site");
    write(&site.join("index.html"), b"ok");
    let inner = write(&site.join("private/key.pem"), b"key");
    mode(&inner, 0o000);
    mode(&site.join("private"), 0o755);
    mode(&site, 0o755);
    let sealed = dir.path().join("sealed");
    write(&sealed.join("a.txt"), b"a");
    mode(&sealed, 0o000);
    // Listable but not searchable: nothing inside can be reached.
    let no_search = dir.path().join("no-search");
    let behind = write(&no_search.join("b.txt"), b"b");
    mode(&no_search, 0o644);

    let denied = |p: &Path| format!("{}: cannot be read (permission denied)", p.display());
    let errors = as_nobody(|| {
        [&secret, &site, &sealed, &behind]
            .map(|p| check_path(p, Rules::CLI).map_err(|e| e.to_string()))
    });
    assert_eq!(
        errors,
        [
            Err(denied(&secret)),
            Err(denied(&inner)),
            Err(denied(&sealed)),
            Err(denied(&behind)),
        ]
    );
    let sheet = as_nobody(|| inspect_paths(&[secret.clone(), behind.clone()]));
    assert_eq!(sheet[0].error, Some(denied(&secret)));
    assert_eq!(sheet[0].name, "secret.txt");
    assert_eq!(sheet[1].error, Some(denied(&behind)));
    for p in [&sealed, &no_search] {
        mode(p, 0o755);
    }
}

#[test]
fn the_sheet_sniffs_types_and_flags_a_second_file_of_the_same_name() {
    let dir = tempfile::tempdir().unwrap();
    let sbom = write(
        &dir.path().join("sbom.json"),
        br#"{"spdxVersion":"SPDX-2.3","SPDXID":"SPDXRef-DOCUMENT"}"#,
    );
    let notes = write(&dir.path().join("notes.txt"), b"plain words\n");
    let again = write(&dir.path().join("other/notes.txt"), b"more words\n");
    let missing = dir.path().join("gone.bin");
    let sheet = inspect_paths(&[sbom.clone(), notes, again, missing.clone()]);
    assert_eq!(
        sheet[0].media_type.as_deref(),
        Some("application/spdx+json")
    );
    assert_eq!(
        (sheet[0].name.as_str(), sheet[0].size, sheet[0].files),
        ("sbom.json", 54, 1)
    );
    assert_eq!(sheet[0].error, None);
    assert_eq!(sheet[1].media_type.as_deref(), Some("text/plain"));
    assert_eq!(sheet[1].error, None);
    assert_eq!(
        sheet[2].error.as_deref(),
        Some("two files are named \"notes.txt\": a pull could not tell them apart; rename one")
    );
    assert_eq!(sheet[3].name, "gone.bin");
    assert_eq!(sheet[3].media_type, None);
    assert_eq!(
        sheet[3].error,
        Some(format!("{}: does not exist", missing.display()))
    );
    let json = serde_json::to_value(&sheet[0]).unwrap();
    assert_eq!(json["media_type"], "application/spdx+json");
}

#[test]
fn a_folder_that_is_an_oci_layout_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let layout = dir.path().join("app-layout");
    fs::create_dir_all(layout.join("blobs/sha256")).unwrap();
    fs::write(
        layout.join("oci-layout"),
        r#"{"imageLayoutVersion":"1.0.0"}"#,
    )
    .unwrap();
    fs::write(
        layout.join("index.json"),
        r#"{"schemaVersion":2,"manifests":[]}"#,
    )
    .unwrap();
    let plain = dir.path().join("site");
    fs::create_dir_all(&plain).unwrap();
    fs::write(plain.join("index.html"), "<h1>hi</h1>").unwrap();
    let sheet = inspect_paths(&[layout, plain]);
    assert!(sheet[0].layout);
    assert!(!sheet[1].layout);
}
