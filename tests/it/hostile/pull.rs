//! Rule: a pull checks every title before it writes a byte, and a failed or cancelled pull
//! leaves the destination exactly as it was; no file outside the destination ever changes.

use stowage::ops::pull::{self, PullOptions};
use stowage::store::Store;
use stowage::transfer::Cancel;
use stowage::transfer::Transfer;
use stowage::Error;

use super::{snapshot, titled_artifact, Layer};
use crate::cli::{run, stderr};
use crate::harness::{Pusher, TestRegistry};
use crate::support::registry_at;

async fn store(reg: &TestRegistry, repository: &str) -> Store {
    Store::Remote {
        registry: registry_at(&reg.host(), reg).await,
        repository: repository.to_string(),
    }
}

/// A destination with the user's own files in it.
fn users_folder(root: &std::path::Path) -> std::path::PathBuf {
    let dest = root.join("out");
    std::fs::create_dir_all(dest.join("docs")).unwrap();
    std::fs::write(dest.join("notes.txt"), "the user's notes").unwrap();
    std::fs::write(dest.join("docs/plan.md"), "the user's plan").unwrap();
    dest
}

#[tokio::test]
async fn titles_that_collide_are_refused_before_a_byte_is_written() {
    let reg = TestRegistry::anonymous().await;
    let pusher = Pusher::new(&reg.base_url());
    titled_artifact(
        &pusher,
        "clash",
        "same",
        &[
            Layer::file("notes.txt", b"first"),
            Layer::file("notes.txt", b"second"),
        ],
    )
    .await;
    titled_artifact(
        &pusher,
        "clash",
        "nested",
        &[
            Layer::file("docs", b"a file"),
            Layer::file("docs/plan.md", b"theirs"),
        ],
    )
    .await;
    let store = store(&reg, "clash").await;
    let root = tempfile::tempdir().unwrap();
    let dest = users_folder(root.path());
    let before = snapshot(root.path());

    for (tag, said) in [
        ("same", "both titled notes.txt"),
        ("nested", "to be a folder"),
    ] {
        let err = pull::pull(&store, tag, &dest, &Transfer::new(), &Cancel::new())
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Invalid(_)), "{tag}: {err}");
        assert!(err.to_string().contains(said), "{tag}: {err}");
        assert_eq!(snapshot(root.path()), before, "{tag} changed the folder");
    }
}

#[tokio::test]
async fn a_failed_pull_puts_back_every_file_it_replaced() {
    let reg = TestRegistry::anonymous().await;
    let pusher = Pusher::new(&reg.base_url());
    titled_artifact(
        &pusher,
        "app",
        "v1",
        &[
            Layer::file("notes.txt", b"new notes"),
            Layer::file("docs/plan.md", b"new plan"),
            Layer::file("fresh/new.txt", b"new file"),
            Layer::file("zzz.txt", b"last"),
        ],
    )
    .await;
    let store = store(&reg, "app").await;
    let root = tempfile::tempdir().unwrap();
    let dest = users_folder(root.path());

    let plan = pull::plan(&store, "v1", &dest).await.unwrap();
    let mut replaces = plan.replaces.clone();
    replaces.sort();
    assert_eq!(
        replaces,
        ["docs/plan.md", "notes.txt"].map(std::path::PathBuf::from)
    );
    // Between the plan and the pull (while the app asks the user, say), a folder appears where
    // the last layer goes: the pull fails after it moved the first ones into place.
    std::fs::create_dir(dest.join("zzz.txt")).unwrap();
    let before = snapshot(root.path());
    let err = pull::run(
        &store,
        &plan,
        &PullOptions::default(),
        &Transfer::new(),
        &Cancel::new(),
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("zzz.txt"), "{err}");
    assert_eq!(
        snapshot(root.path()),
        before,
        "the destination is as it was"
    );

    // A file that appears after the plan is not replaced either: the user was never asked.
    std::fs::remove_dir(dest.join("zzz.txt")).unwrap();
    std::fs::write(dest.join("zzz.txt"), "written meanwhile").unwrap();
    let before = snapshot(root.path());
    let err = pull::run(
        &store,
        &plan,
        &PullOptions::default(),
        &Transfer::new(),
        &Cancel::new(),
    )
    .await
    .unwrap_err();
    assert!(
        err.to_string()
            .contains("not there when the pull was planned"),
        "{err}"
    );
    assert_eq!(
        snapshot(root.path()),
        before,
        "the destination is as it was"
    );

    // Without the obstacle the same plan replaces both files, and says so.
    std::fs::remove_file(dest.join("zzz.txt")).unwrap();
    let pulled = pull::run(
        &store,
        &plan,
        &PullOptions::default(),
        &Transfer::new(),
        &Cancel::new(),
    )
    .await
    .unwrap();
    let mut replaced = pulled.replaced.clone();
    replaced.sort();
    assert_eq!(replaced, replaces);
    assert_eq!(std::fs::read(dest.join("notes.txt")).unwrap(), b"new notes");
    assert_eq!(
        std::fs::read(dest.join("fresh/new.txt")).unwrap(),
        b"new file"
    );
    let left: Vec<_> = std::fs::read_dir(&dest)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(".stowage"))
        .collect();
    assert!(left.is_empty(), "no staging folder is left");
}

#[tokio::test]
async fn a_cancelled_pull_leaves_no_trace() {
    let reg = TestRegistry::anonymous().await;
    let pusher = Pusher::new(&reg.base_url());
    titled_artifact(&pusher, "app", "v1", &[Layer::file("a/b/c.txt", b"c")]).await;
    let store = store(&reg, "app").await;
    let root = tempfile::tempdir().unwrap();
    let dest = root.path().join("new/folder");
    let cancel = Cancel::new();
    cancel.cancel();
    let err = pull::pull(&store, "v1", &dest, &Transfer::new(), &cancel)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("cancelled"), "{err}");
    assert!(
        snapshot(root.path()).is_empty(),
        "the folders the pull made are gone: {:?}",
        snapshot(root.path())
    );
}

#[tokio::test]
async fn a_pull_never_writes_through_a_link_in_the_destination() {
    let reg = TestRegistry::anonymous().await;
    let pusher = Pusher::new(&reg.base_url());
    titled_artifact(
        &pusher,
        "app",
        "v1",
        &[Layer::file("config/settings", b"owned")],
    )
    .await;
    let store = store(&reg, "app").await;
    let root = tempfile::tempdir().unwrap();
    let outside = root.path().join("outside");
    std::fs::create_dir(&outside).unwrap();
    std::fs::write(outside.join("settings"), "precious").unwrap();
    let dest = root.path().join("out");
    std::fs::create_dir(&dest).unwrap();
    std::os::unix::fs::symlink(&outside, dest.join("config")).unwrap();
    let before = snapshot(root.path());

    let err = pull::pull(&store, "v1", &dest, &Transfer::new(), &Cancel::new())
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("never writes through links"),
        "{err}"
    );
    assert_eq!(snapshot(root.path()), before);
    assert_eq!(
        std::fs::read(outside.join("settings")).unwrap(),
        b"precious"
    );
}

#[tokio::test]
async fn keep_old_files_refuses_to_replace_and_the_default_replaces() {
    let reg = TestRegistry::anonymous().await;
    let pusher = Pusher::new(&reg.base_url());
    titled_artifact(
        &pusher,
        "app",
        "v1",
        &[
            Layer::file("new.txt", b"new"),
            Layer::file("notes.txt", b"theirs"),
        ],
    )
    .await;
    let home = tempfile::tempdir().unwrap();
    let root = tempfile::tempdir().unwrap();
    let dest = users_folder(root.path());
    let before = snapshot(root.path());
    let source = format!("{}/app:v1", reg.host());
    let dir = dest.to_string_lossy().into_owned();

    let kept = run(
        home.path(),
        &["pull", &source, "-o", &dir, "--keep-old-files"],
        "",
        &[],
    )
    .await;
    assert!(!kept.status.success());
    assert!(stderr(&kept).contains("notes.txt"), "{}", stderr(&kept));
    assert_eq!(
        snapshot(root.path()),
        before,
        "nothing written, not even new.txt"
    );

    let replaced = run(home.path(), &["pull", &source, "-o", &dir], "", &[]).await;
    assert!(replaced.status.success(), "{}", stderr(&replaced));
    assert_eq!(std::fs::read(dest.join("notes.txt")).unwrap(), b"theirs");
    assert_eq!(std::fs::read(dest.join("new.txt")).unwrap(), b"new");
}
