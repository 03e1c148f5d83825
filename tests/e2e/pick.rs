//! Files chosen in the shell's own file dialog (issue 10): "Push files…" asks the shell, which
//! opens the native dialog and grants what the user chose there, so the push sheet may read it.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use crate::app::App;
use crate::drag::xdotool;
use crate::webdriver::{wait_for, Error, Seen};
use crate::{shots, TestResult, ONE_APP};

/// The dialog's window, once the shell has mapped it.
async fn dialog_window(title: &str) -> Result<String, Error> {
    wait_for("the shell's file dialog", || async {
        let found = Command::new("xdotool")
            .args(["search", "--onlyvisible", "--name", title])
            .output()
            .map_err(|e| Error::Other(format!("cannot run xdotool: {e}")))?;
        let stdout = String::from_utf8_lossy(&found.stdout);
        Ok(match stdout.lines().next() {
            Some(id) => Seen::Ready(id.trim().to_string()),
            None => Seen::NotYet("no dialog window".into()),
        })
    })
    .await
}

#[tokio::test]
async fn a_file_chosen_in_the_shells_dialog_reaches_the_push_sheet() -> TestResult {
    let _one = ONE_APP.lock().await;
    let scratch = tempfile::tempdir()?;
    let picked = scratch.path().join("picked.txt");
    std::fs::write(&picked, b"chosen in the dialog\n")?;

    let app = App::launch(&shots()).await?;
    app.wait_sidebar().await?;
    app.open_source("local").await?;
    app.wait_element("[data-testid=push-files-button]")
        .await?
        .click()
        .await?;
    // The native dialog, opened by the shell: the user types the path (Ctrl+L) and opens it.
    let window = dialog_window("Choose files to push").await?;
    xdotool(&["windowfocus", "--sync", &window])?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    app.shot("24-file-dialog").await?;
    xdotool(&["key", "--window", &window, "ctrl+l"])?;
    tokio::time::sleep(Duration::from_millis(200)).await;
    xdotool(&["type", "--window", &window, &picked.display().to_string()])?;
    tokio::time::sleep(Duration::from_millis(200)).await;
    xdotool(&["key", "--window", &window, "Return"])?;

    // The sheet lists it, inspected (the shell read it: the grant held), with no problem.
    let row = format!(
        "[data-testid=push-sheet] [data-testid=push-file][data-path='{}']",
        picked.display()
    );
    let file = app.wait_element(&row).await?;
    assert_ne!(file.attribute("data-error").await?.as_deref(), Some("true"));
    wait_for("the sheet to have inspected the file", || async {
        let text = file.text().await?;
        Ok(if text.contains("21 B") {
            Seen::Ready(())
        } else {
            Seen::NotYet(text)
        })
    })
    .await?;
    app.shot("25-picked-file-in-sheet").await?;
    assert!(Path::new(&picked).exists());
    app.close().await?;
    Ok(())
}
