//! The SBOM view in the real app: an image in the Local store with an SPDX SBOM made by npm
//! attached to its amd64 manifest; selecting the SBOM opens its package table, and typing a
//! package's name in the filter finds it.

use std::path::Path;

use serde_json::Value;
use stowage::layout::Layout;
use stowage::local::LocalStore;
use stowage::ops::copy::{self, CopyOptions};
use stowage::store::Store;
use stowage::transfer::Cancel;
use stowage::transfer::Transfer;

use super::app::{self, App};
use super::webdriver::{wait_for, Seen};
use super::{attach, harness, platform, shots, TestResult, MULTIARCH_TAG, ONE_APP, SPDX};

/// The rows the view's text filter keeps: its text in the lower-cased "name version ecosystem".
fn matching(packages: &[Value], text: &str) -> usize {
    packages
        .iter()
        .filter(|p| {
            let ecosystem = p["externalRefs"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|r| r["referenceType"] == "purl")
                .and_then(|r| r["referenceLocator"].as_str())
                .and_then(|purl| purl.strip_prefix("pkg:")?.split('/').next())
                .unwrap_or("");
            let row = format!(
                "{} {} {}",
                p["name"].as_str().unwrap_or(""),
                p["versionInfo"].as_str().unwrap_or(""),
                ecosystem
            );
            row.to_lowercase().contains(text)
        })
        .count()
}

#[tokio::test]
async fn an_images_sbom_opens_as_a_table_and_typing_a_name_finds_the_package() -> TestResult {
    let _one = ONE_APP.lock().await;
    let data = app::required_env(
        "STOWAGE_DATA_DIR",
        "the app's data folder, where the Local store lives (scripts/with-display sets a throw-away one)",
    )?;
    let local = LocalStore::new(Path::new(&data).join("local"));
    let repo = "e2e/sbom-app";
    let path = local.path(repo)?;
    if path.exists() {
        std::fs::remove_dir_all(&path)?;
    }
    let scratch = tempfile::tempdir()?;
    let layout =
        harness::umoci_multiarch_layout(scratch.path(), &[("linux", "amd64"), ("linux", "arm64")])
            .await;
    let source = Store::Layout(Layout::open(&layout)?);
    let target = Store::Layout(local.layout(repo, true)?);
    copy::copy(
        &source,
        MULTIARCH_TAG,
        &target,
        Some("v1"),
        &CopyOptions::default(),
        &Transfer::new(),
        &Cancel::new(),
    )
    .await?;
    let fixture =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sbom/webapp.spdx.json");
    let stated: Value = serde_json::from_slice(&std::fs::read(&fixture)?)?;
    let packages = stated["packages"].as_array().cloned().unwrap_or_default();
    let express = packages
        .iter()
        .find(|p| p["name"] == "express")
        .ok_or("the fixture lists express")?;
    let express_version = express["versionInfo"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let amd64 = platform(&target, "v1", "amd64").await;
    let sbom = attach(&target, &fixture, SPDX, amd64).await.to_string();

    let app = App::launch(&shots()).await?;
    app.wait_sidebar().await?;
    app.open_source("local").await?;
    app.open_repository(repo).await?;
    app.open_tag("v1").await?;
    wait_for("the SBOM node in the graph", || async {
        let ids = app.graph_nodes().await?;
        Ok(if ids.iter().any(|n| n.id == sbom) {
            Seen::Ready(())
        } else {
            Seen::NotYet(format!("{} nodes", ids.len()))
        })
    })
    .await?;
    app.session
        .execute::<Value>(
            "window.__stowageGraph.select(arguments[0]);",
            vec![serde_json::json!(sbom)],
        )
        .await?;
    app.wait_element("[data-testid=sbom-view]").await?;
    app.shot("29-sbom-selected").await?;
    // Every package of the SBOM is a row (the list renders a screenful of them).
    app.wait_row_count("package-rows", packages.len()).await?;
    let format = app.text_of("[data-testid=sbom-format]").await?;
    assert!(format.contains("SPDX 2.3"), "{format:?}");
    app.shot("30-sbom-view").await?;

    let filter = app.wait_element("[data-testid=package-filter]").await?;
    filter.send_keys("express").await?;
    let expected = matching(&packages, "express");
    assert!(expected < packages.len());
    let rows = app.wait_rows("package-rows", expected).await?;
    let row = rows
        .iter()
        .find(|r| r.starts_with("express "))
        .ok_or_else(|| format!("no express row in {rows:?}"))?;
    assert!(row.contains(&express_version), "{row}");
    app.shot("31-sbom-filtered").await?;
    app.close().await?;
    Ok(())
}
