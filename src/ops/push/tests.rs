//! Tests of planning and preparing a push, and of the manifest both build.

use std::path::PathBuf;

use super::manifest::artifact_manifest;
use super::*;
use crate::pack::{ORAS_UNPACK, TAR_GZIP};
use crate::signature::DateTime;
use crate::transfer::BlobState;

fn spec(path: PathBuf) -> FileSpec {
    FileSpec {
        path,
        media_type: None,
    }
}

#[test]
fn civil_dates() {
    assert_eq!(DateTime::from_unix(0).text, "1970-01-01T00:00:00Z");
    assert_eq!(
        DateTime::from_unix(19_723 * 86_400 + 3_661).text,
        "2024-01-01T01:01:01Z"
    );
    assert_eq!(
        DateTime::from_unix(11_016 * 86_400).text,
        "2000-02-29T00:00:00Z"
    );
}

#[test]
fn plan_refuses_duplicates_missing_files_and_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a");
    std::fs::create_dir(&a).unwrap();
    std::fs::write(a.join("x.txt"), b"1").unwrap();
    std::fs::write(dir.path().join("x.txt"), b"2").unwrap();
    let request = PushRequest {
        files: vec![spec(dir.path().join("x.txt")), spec(a.join("x.txt"))],
        ..Default::default()
    };
    let err = plan(&request, dir.path(), None)
        .err()
        .expect("duplicate titles");
    assert!(err.to_string().contains("x.txt"), "{err}");
    let missing = PushRequest {
        files: vec![spec(dir.path().join("nope"))],
        ..Default::default()
    };
    let err = plan(&missing, dir.path(), None)
        .err()
        .expect("missing file");
    assert!(err.to_string().contains("nope"), "{err}");
    assert!(plan(&PushRequest::default(), dir.path(), None).is_err());
}

#[test]
fn plan_packs_folders_and_sniffs_files() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("site");
    std::fs::create_dir(&folder).unwrap();
    std::fs::write(folder.join("index.html"), b"<html></html>").unwrap();
    let sbom = dir.path().join("sbom.json");
    std::fs::write(
        &sbom,
        br#"{"spdxVersion":"SPDX-2.3","SPDXID":"SPDXRef-DOCUMENT"}"#,
    )
    .unwrap();
    let request = PushRequest {
        files: vec![spec(folder), spec(sbom)],
        ..Default::default()
    };
    let plan = plan(&request, dir.path(), None).unwrap();
    assert_eq!(plan.layers[0].media_type, TAR_GZIP);
    assert_eq!(
        plan.layers[0]
            .annotations
            .get(ORAS_UNPACK)
            .map(String::as_str),
        Some("true")
    );
    assert!(plan.layers[0].digest.is_some());
    assert_eq!(plan.layers[1].media_type, "application/spdx+json");
    assert_eq!(plan.artifact_type, "application/spdx+json");
    assert_eq!(plan.created, None, "the request did not ask for it");
}

/// A folder reached through a link is titled like the link, as its archive's top level is:
/// a pull checks that the two agree.
#[test]
fn a_linked_folder_is_titled_like_its_archive() {
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real-site");
    std::fs::create_dir(&real).unwrap();
    std::fs::write(real.join("a.txt"), b"a").unwrap();
    let link = dir.path().join("site");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let plan = plan(
        &PushRequest {
            files: vec![spec(link)],
            ..Default::default()
        },
        dir.path(),
        None,
    )
    .unwrap();
    assert_eq!(plan.layers[0].title, "site");
    let archive = std::fs::File::open(&plan.layers[0].path).unwrap();
    let out = tempfile::tempdir().unwrap();
    let unpacked = crate::pack::unpack(archive, out.path()).unwrap();
    assert_eq!(unpacked.roots.into_iter().collect::<Vec<_>>(), ["site"]);
}

/// The CLI keeps accepting what it always has; the push sheet's rules refuse it, and
/// `prepare` follows the sheet.
#[tokio::test]
async fn plan_keeps_the_cli_rules_and_prepare_the_sheets() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.bin");
    std::fs::write(&empty, b"").unwrap();
    let request = PushRequest {
        files: vec![spec(empty.clone())],
        ..Default::default()
    };
    assert_eq!(plan(&request, dir.path(), None).unwrap().layers[0].size, 0);
    let err = prepare(&request, dir.path(), None, &Transfer::new(), &Cancel::new())
        .await
        .err()
        .expect("an empty file is refused");
    assert!(err.to_string().contains("empty.bin is empty"), "{err}");
    let sheet = crate::pack::inspect_paths(std::slice::from_ref(&empty));
    assert_eq!(sheet[0].error.as_deref(), Some(err.to_string().as_str()));
}

#[tokio::test]
async fn prepare_hashes_every_file_and_reports_it() {
    let dir = tempfile::tempdir().unwrap();
    // Above the size `plan` hashes in advance.
    let big = dir.path().join("big.bin");
    let content: Vec<u8> = (0..17 * 1024 * 1024u32).map(|i| (i % 253) as u8).collect();
    std::fs::write(&big, &content).unwrap();
    let folder = dir.path().join("docs");
    std::fs::create_dir(&folder).unwrap();
    std::fs::write(folder.join("a.md"), b"# a\n").unwrap();
    std::fs::write(folder.join("b.md"), b"# bb\n").unwrap();
    let request = PushRequest {
        files: vec![spec(big.clone()), spec(folder)],
        created: true,
        ..Default::default()
    };
    assert_eq!(
        plan(&request, dir.path(), None).unwrap().layers[0].digest,
        None
    );

    let transfer = Transfer::new();
    let plan = prepare(&request, dir.path(), None, &transfer, &Cancel::new())
        .await
        .unwrap();
    assert_eq!(plan.layers[0].digest, Some(Digest::sha256_of(&content)));
    assert!(plan.layers[1].digest.is_some());
    let snapshot = transfer.snapshot();
    let progress: Vec<(&str, u64, u64)> = snapshot
        .blobs
        .iter()
        .map(|b| (b.name.as_str(), b.done, b.total))
        .collect();
    let len = content.len() as u64;
    assert_eq!(progress, [("big.bin", len, len), ("docs", 9, 9)]);
    assert!(snapshot
        .blobs
        .iter()
        .all(|b| !matches!(b.state, BlobState::Failed(_))));

    // The time is the plan's: the manifest built twice carries the same one.
    let created = plan.created.clone().expect("a creation time");
    assert_eq!(created.len(), "2024-01-01T00:00:00Z".len(), "{created}");
    let blobs: Vec<(Digest, u64)> = plan
        .layers
        .iter()
        .map(|l| (l.digest.clone().unwrap(), l.size))
        .collect();
    let once = artifact_manifest(&request, &plan, &blobs).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1100));
    assert_eq!(once, artifact_manifest(&request, &plan, &blobs).unwrap());
    let text = String::from_utf8(once.to_vec()).unwrap();
    assert!(text.contains(&created), "{text}");
}

#[tokio::test]
async fn a_failed_prepare_marks_the_file_that_failed() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.txt");
    std::fs::write(&good, b"fine").unwrap();
    let request = PushRequest {
        files: vec![spec(good)],
        ..Default::default()
    };
    let transfer = Transfer::new();
    let cancel = Cancel::new();
    cancel.cancel();
    let err = prepare(&request, dir.path(), None, &transfer, &cancel)
        .await
        .err()
        .expect("cancelled");
    assert!(matches!(err, Error::Cancelled), "{err}");
    assert!(matches!(
        transfer.snapshot().blobs[0].state,
        BlobState::Failed(_)
    ));
}
