//! The first minute: a reference pasted in the reference box opens its graph in one step, on a
//! registry the sidebar did not list; the image's config says what it runs; a file in a layer
//! shows its first bytes, all in the real app against the real registry.

use serde_json::Value;
use stowage::graph::{self, GraphOptions, NodeKind};
use stowage::layout::Layout;
use stowage::ops::copy::{self, CopyOptions};
use stowage::store::Store;
use stowage::transfer::Cancel;
use stowage::transfer::Transfer;

use crate::app::App;
use crate::expect::view_of;
use crate::harness::{peer, TestRegistry};
use crate::webdriver::keys;
use crate::{of_kind, shots, TestResult, ONE_APP};

const MOTD: &str = "Welcome to the e2e image.\n";

#[tokio::test]
async fn a_pasted_reference_opens_its_graph_config_and_a_file_in_a_layer() -> TestResult {
    let _one = ONE_APP.lock().await;
    let reg = TestRegistry::anonymous().await;
    let host = reg.host();
    let scratch = tempfile::tempdir()?;
    let layout = scratch.path().join("layout");
    let text = |p: &std::path::Path| p.to_string_lossy().into_owned();
    let image = format!("{}:app", text(&layout));
    peer("umoci", &["init", "--layout", &text(&layout)]).await;
    peer("umoci", &["new", "--image", &image]).await;
    peer(
        "umoci",
        &[
            "config",
            "--image",
            &image,
            "--config.entrypoint=/bin/e2e-app",
            "--config.cmd=--serve",
        ],
    )
    .await;
    let motd = scratch.path().join("motd.txt");
    std::fs::write(&motd, MOTD)?;
    let by = "--history.created_by=COPY motd.txt /motd.txt";
    peer(
        "umoci",
        &[
            "insert",
            "--rootless",
            "--image",
            &image,
            by,
            &text(&motd),
            "/motd.txt",
        ],
    )
    .await;

    let source = Store::Layout(Layout::open(&layout)?);
    let client = stowage::registry::Client::new(
        stowage::config::Settings::default(),
        stowage::auth::Credentials::new("stowage-e2e", None, Vec::new()).without_keyring(),
    );
    let target = Store::Remote {
        registry: client.registry(&host).await?,
        repository: "e2e/open".into(),
    };
    copy::copy(
        &source,
        "app",
        &target,
        Some("v1"),
        &CopyOptions::default(),
        &Transfer::new(),
        &Cancel::new(),
    )
    .await?;
    let g = graph::load_store(&target, "v1", &GraphOptions::default()).await?;
    let expected = view_of(&g, Some("v1"));
    let image_id = of_kind(&g, NodeKind::Image).pop().expect("an image node");

    let app = App::launch(&shots()).await?;
    app.wait_sidebar().await?;
    // The reference is typed in the box as a user pastes it (Ctrl+L itself: the screen tests).
    let box_ = app.wait_element("[data-reference-box]").await?;
    box_.click().await?;
    box_.send_keys(&format!("{host}/e2e/open:v1{}", keys::ENTER))
        .await?;
    app.wait_graph(expected.nodes.len()).await?;
    let opened = app.source_text(&host).await?.unwrap_or_default();
    assert!(
        opened.contains("not kept"),
        "the registry opened for this session: {opened:?}"
    );
    app.shot("40-reference-box-graph").await?;

    app.select_node(&image_id).await?;
    let config = app.wait_element("[data-testid=image-command]").await?;
    assert_eq!(config.text().await?, "/bin/e2e-app --serve");
    let history = app.text_of("[data-testid=image-history]").await?;
    assert!(history.contains("COPY motd.txt /motd.txt"), "{history}");
    app.shot("41-image-config").await?;

    app.wait_element("[data-testid=browse-files]")
        .await?
        .click()
        .await?;
    app.click_row("files-rows", ".name", "motd.txt").await?;
    app.wait_element("[data-testid=files-preview]").await?;
    let shown: Value = app
        .session
        .execute(
            "return document.querySelector('[data-testid=files-preview]').textContent;",
            vec![],
        )
        .await?;
    assert_eq!(
        shown.as_str(),
        Some(MOTD),
        "the file's bytes, from the verified layer"
    );
    app.shot("42-files-preview").await?;
    app.close().await?;
    Ok(())
}
