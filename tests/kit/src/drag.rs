//! Dragging files from the OS onto the app with the real X pointer: a small GTK drag source
//! offers the paths, xdotool carries them to a point of the window and releases. The shell
//! receives the drop as the user's (and grants its paths); the page sees it as a webview event.

use std::io::BufRead;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::{json, Value};

use crate::app::App;
use crate::webdriver::{wait_for, Seen};

/// Where the drag source window sits: the bottom-right corner, clear of the sheet's controls.
const SOURCE_AT: (i64, i64) = (1150, 700);

/// The screen point of the centre of the element `selector` (the window sits at the display's
/// origin under Xvfb with no window manager; `screenX/Y` say so if that ever changes).
pub async fn screen_point_of(
    app: &App,
    selector: &str,
) -> Result<(i64, i64), Box<dyn std::error::Error>> {
    let p: Value = app
        .session
        .execute(
            "const r = document.querySelector(arguments[0]).getBoundingClientRect();
             const k = window.devicePixelRatio;
             return [(window.screenX + r.left + r.width / 2) * k, (window.screenY + r.top + r.height / 2) * k];",
            vec![json!(selector)],
        )
        .await?;
    Ok((
        p[0].as_f64().unwrap_or(0.0) as i64,
        p[1].as_f64().unwrap_or(0.0) as i64,
    ))
}

/// Drags `paths` from a GTK drag source to the screen point `to` with the real X pointer, the way
/// a user drags from a file manager, checking `expect_over` while hovering (the app's own idea of
/// the target under the pointer) before releasing.
pub async fn drag_files(
    app: &App,
    paths: &[&Path],
    to: (i64, i64),
    expect_over: &str,
) -> Result<(), Box<dyn std::error::Error>> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/drag_source.py");
    let mut source = Command::new("/usr/bin/python3")
        .arg(script)
        .arg(SOURCE_AT.0.to_string())
        .arg(SOURCE_AT.1.to_string())
        .args(paths)
        .stdout(Stdio::piped())
        .spawn()?;
    let stdout = source.stdout.take().ok_or("drag source without stdout")?;
    // The window prints "ready" once mapped; a source that never starts ends the wait with EOF.
    let ready = tokio::task::spawn_blocking(move || {
        let mut line = String::new();
        std::io::BufReader::new(stdout)
            .read_line(&mut line)
            .map(|_| line)
    })
    .await?;
    if !matches!(ready, Ok(ref l) if l.trim() == "ready") {
        let _ = source.kill();
        return Err(format!("the drag source did not start: {ready:?}").into());
    }
    let (sx, sy) = (SOURCE_AT.0 + 40, SOURCE_AT.1 + 30);
    xdotool(&[
        "mousemove",
        &sx.to_string(),
        &sy.to_string(),
        "mousedown",
        "1",
    ])?;
    // GTK starts a drag only after the pointer moved past its threshold, in several steps.
    for i in 1..=10 {
        let x = sx + (to.0 - sx) * i / 10;
        let y = sy + (to.1 - sy) * i / 10;
        xdotool(&["mousemove", &x.to_string(), &y.to_string()])?;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    xdotool(&["mousemove", &(to.0 + 1).to_string(), &to.1.to_string()])?;
    let over: String = wait_for("the app to see the drag over its target", || async {
        let over: Value = app
            .session
            .execute(
                "return window.__stowageDrop ? window.__stowageDrop.over() : null",
                vec![],
            )
            .await?;
        match over.as_str() {
            Some(o) if o == expect_over => Ok(Seen::Ready(o.to_string())),
            other => Ok(Seen::NotYet(format!("over {other:?}"))),
        }
    })
    .await?;
    assert_eq!(over, expect_over);
    xdotool(&["mouseup", "1"])?;
    // The source quits by itself once the drag ended; never leave it behind.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let _ = source.kill();
    let _ = source.wait();
    Ok(())
}

/// Runs `xdotool` with `args` on $DISPLAY and waits for it to exit; the error says whether it
/// could not start or exited with a failure.
pub fn xdotool(args: &[&str]) -> Result<(), String> {
    let status = Command::new("xdotool")
        .args(args)
        .status()
        .map_err(|e| format!("cannot run xdotool: {e}"))?;
    status
        .success()
        .then_some(())
        .ok_or_else(|| format!("xdotool {args:?} failed: {status}"))
}
