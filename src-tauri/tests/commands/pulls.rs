//! Pull to a folder (issue 10, item 2): a pull that would replace files writes nothing and asks
//! first, listing them; the answer runs or discards the kept plan, once. The folder dialog
//! cannot open in the mock runtime, so these start from `pull_into`, what `pull` calls with
//! the folder the user chose.

use std::path::{Path, PathBuf};

use serde_json::json;
use stowage_app::commands::transfer::{confirm_pull, pull_into, PullAsked};
use stowage_app::dto::{AppError, PullAnswer, PullConfirmation, Pulled};
use tauri::Manager;

use crate::*;

/// `local/team/app:v1` (titles `a.txt` and `sbom.spdx.json`) pulled into `folder`.
fn pull_to(f: &Fixture, folder: &Path, op: &str) -> Result<PullAnswer, AppError> {
    let asked = PullAsked {
        source: "local".into(),
        repository: "team/app".into(),
        reference: "v1".into(),
    };
    tauri::async_runtime::block_on(pull_into(
        f.app.handle(),
        &f.app.state(),
        asked,
        folder.to_path_buf(),
        op,
        progress_channel(),
    ))
}

fn confirm(f: &Fixture, plan: &str, op: &str) -> Result<Pulled, AppError> {
    tauri::async_runtime::block_on(confirm_pull(
        f.app.handle().clone(),
        f.app.state(),
        plan.into(),
        op.into(),
        progress_channel(),
    ))
}

/// A folder of the user's holding their own `a.txt`, where the artifact has a layer titled so.
fn folder_with_own_file(f: &Fixture) -> PathBuf {
    let folder = f._dir.path().join("home/Downloads/app");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("a.txt"), "the user's own notes").unwrap();
    folder
}

/// The names in `folder`, sorted (a staging folder left behind would show here).
fn listing(folder: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn asks(answer: PullAnswer) -> PullConfirmation {
    match answer {
        PullAnswer::Confirm(c) => c,
        PullAnswer::Pulled(p) => panic!("pulled without asking: {p:?}"),
    }
}

/// Asked, and nothing written: the user's file as it was, no other file, no staging folder.
fn assert_untouched(folder: &Path) {
    assert_eq!(listing(folder), ["a.txt"]);
    assert_eq!(
        std::fs::read_to_string(folder.join("a.txt")).unwrap(),
        "the user's own notes"
    );
}

#[test]
fn a_pull_over_an_existing_file_asks_first_listing_it_and_writes_nothing() {
    let f = fixture();
    let digest = tauri::async_runtime::block_on(local_artifact(&f));
    let folder = folder_with_own_file(&f);
    let answer = pull_to(&f, &folder, "op-pull").unwrap();
    // The UI reads the kind from the JSON.
    assert_eq!(serde_json::to_value(&answer).unwrap()["kind"], "confirm");
    let confirmation = asks(answer);
    assert_eq!(confirmation.replaces, ["a.txt"]);
    assert_eq!(confirmation.count, 1);
    assert_eq!(confirmation.files, 2);
    assert_eq!(confirmation.digest, digest);
    assert_eq!(confirmation.destination, folder.display().to_string());
    assert_untouched(&folder);
}

#[test]
fn confirming_replaces_the_file_reports_it_replaced_and_uses_the_plan_up() {
    let f = fixture();
    tauri::async_runtime::block_on(local_artifact(&f));
    let folder = folder_with_own_file(&f);
    let plan = asks(pull_to(&f, &folder, "op-pull").unwrap()).plan;

    let pulled = confirm(&f, &plan, "op-confirm").unwrap();
    assert_eq!(pulled.replaced, ["a.txt"]);
    assert_eq!(pulled.files, ["a.txt", "sbom.spdx.json"]);
    assert_eq!(pulled.destination, folder.display().to_string());
    assert_eq!(listing(&folder), ["a.txt", "sbom.spdx.json"]);
    assert_eq!(
        std::fs::read_to_string(folder.join("a.txt")).unwrap(),
        "hello"
    );

    // A kept plan runs once: the same id again is refused, and writes nothing.
    std::fs::write(folder.join("a.txt"), "edited since").unwrap();
    let again = confirm(&f, &plan, "op-again").unwrap_err();
    assert!(again.message.contains("is gone"), "{again}");
    assert_eq!(
        std::fs::read_to_string(folder.join("a.txt")).unwrap(),
        "edited since"
    );
}

#[test]
fn discarding_leaves_the_file_and_the_plan_can_no_longer_run() {
    let f = fixture();
    tauri::async_runtime::block_on(local_artifact(&f));
    let folder = folder_with_own_file(&f);
    let plan = asks(pull_to(&f, &folder, "op-pull").unwrap()).plan;

    // Through IPC, as the UI calls it: the capability allows it, by these argument names.
    invoke(&f, "discard_pull", json!({ "plan": plan })).unwrap();
    assert_untouched(&folder);
    let err = invoke(
        &f,
        "confirm_pull",
        json!({ "plan": plan, "op": "op-confirm", "events": "__CHANNEL__:1" }),
    )
    .unwrap_err();
    assert_eq!(err["code"], "invalid", "{err}");
    assert!(
        err["message"].as_str().unwrap().contains("is gone"),
        "{err}"
    );
    assert_untouched(&folder);
}

#[test]
fn a_pull_into_an_empty_folder_runs_without_asking() {
    let f = fixture();
    let digest = tauri::async_runtime::block_on(local_artifact(&f));
    let folder = f._dir.path().join("home/Downloads/empty");
    std::fs::create_dir_all(&folder).unwrap();
    let answer = pull_to(&f, &folder, "op-pull").unwrap();
    assert_eq!(serde_json::to_value(&answer).unwrap()["kind"], "pulled");
    let PullAnswer::Pulled(pulled) = answer else {
        panic!("asked although nothing is in the way: {answer:?}");
    };
    assert_eq!(pulled.digest, digest);
    assert_eq!(pulled.files, ["a.txt", "sbom.spdx.json"]);
    assert!(pulled.replaced.is_empty());
    assert_eq!(listing(&folder), ["a.txt", "sbom.spdx.json"]);
    assert_eq!(
        std::fs::read_to_string(folder.join("a.txt")).unwrap(),
        "hello"
    );
    // Nothing was kept to confirm.
    let kept = f.app.state::<stowage_app::state::AppState>();
    assert!(kept.pulls.take("pull-1").is_err());
}
