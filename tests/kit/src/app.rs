//! The Stowage app driven through its UI over WebDriver: starting it, and the steps a person
//! takes (add a registry, open a source, a repository, a tag, select a node), each waiting for
//! the UI to show the result. Shared with bench/app.
// The tests and the app benchmark each use a different part of it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use serde_json::{json, Value};

use crate::webdriver::{wait_for, Element, Error, Result, Seen, Session};

/// The first screenshot can show a frame from before the last change: WebKit paints late.
const SETTLE_BEFORE_SHOT: Duration = Duration::from_millis(300);

/// A required environment variable; its absence is a setup error worth a loud message.
pub fn required_env(name: &str, why: &str) -> Result<String> {
    match std::env::var(name) {
        Ok(v) if !v.is_empty() => Ok(v),
        _ => Err(Error::Other(format!(
            "{name} is not set: {why}. Run the end-to-end tests with `make e2e`."
        ))),
    }
}

/// `target/` of this workspace (or CARGO_TARGET_DIR).
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"))
}

/// A node as the graph canvas has it (`window.__stowageGraph.nodes()`).
#[derive(Debug, Clone, Deserialize)]
pub struct ShownNode {
    /// The node's id: a digest, or `tag:…` and `…#layers` for the synthetic tag and layers nodes.
    pub id: String,
    /// Its kind as drawn: `index`, `image`, `signature`, `sbom`, …, or `tag` and `layers`.
    pub kind: String,
    /// The text drawn on it: the title, then on a second line the short digest when it has one.
    pub label: String,
}

/// An edge as the graph canvas has it (`window.__stowageGraph.edges()`).
#[derive(Debug, Clone, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct ShownEdge {
    /// The id of the node the edge starts from.
    pub source: String,
    /// The id of the node the edge points to.
    pub target: String,
    /// The text drawn on it: `config`, `layer`, `index`, `referrers API`, …; empty from a tag.
    pub label: String,
}

/// What the graph pane shows once a load is over.
#[derive(Debug, Clone, Deserialize)]
pub struct GraphShown {
    /// The pane's `data-status`: `loading`, `done`, `error` or `cancelled`.
    pub status: String,
    /// Nodes on the canvas.
    #[serde(rename = "nodeCount")]
    pub node_count: usize,
    /// Edges on the canvas.
    #[serde(rename = "edgeCount")]
    pub edge_count: usize,
    /// Layouts applied to the canvas so far: above 0 once the nodes have their positions.
    pub layouts: usize,
}

/// The details panel of the selected node.
#[derive(Debug, Clone, Deserialize)]
pub struct Details {
    /// `data-node` of the panel: the view id of the node shown.
    pub node: String,
    /// The panel's heading (`h2`) text.
    pub title: String,
    /// The "Digest" row's text.
    pub digest: String,
    /// Every `dt`/`dd` pair of the fields list, by the `dt`'s text.
    pub fields: std::collections::BTreeMap<String, String>,
    /// The text of the raw manifest view, if loaded.
    pub raw: Option<String>,
}

/// The badges of a tag row, and the short digest it shows.
#[derive(Debug, Clone, Deserialize)]
pub struct Badges {
    /// The text of each badge on the row, in order.
    pub badges: Vec<String>,
    /// The short digest the row shows.
    pub digest: String,
}

/// One `performance.measure` the UI records (`window.__stowagePerf.marks`).
#[derive(Debug, Clone, Deserialize)]
pub struct PerfMark {
    /// The measure's name, e.g. `graph:first-render`.
    pub name: String,
    /// When it began, in ms of page time (`performance.now()`).
    #[serde(rename = "startTime")]
    pub start_time: f64,
    /// How long it lasted, in ms.
    pub duration: f64,
}

/// The running app, driven through one WebDriver session; made by `launch`. Dropping it closes
/// the app as `close` does.
pub struct App {
    /// The WebDriver session, for what the steps here do not cover (scripts, finding elements).
    pub session: Session,
    shots: PathBuf,
}

impl App {
    /// Starts the app named by STOWAGE_APP_BIN through the WebDriver server at STOWAGE_WEBDRIVER
    /// (both set by `make e2e` and scripts/with-display). Screenshots go to `shots`.
    pub async fn launch(shots: &Path) -> Result<App> {
        let webdriver = required_env(
            "STOWAGE_WEBDRIVER",
            "scripts/with-display starts tauri-driver and sets it",
        )?;
        let bin = required_env(
            "STOWAGE_APP_BIN",
            "it names the app binary to drive (make app-debug builds target/debug/stowage-app)",
        )?;
        let bin = PathBuf::from(bin);
        if !bin.is_file() {
            return Err(Error::Other(format!(
                "STOWAGE_APP_BIN={} is not a file; build it with `make app-debug`",
                bin.display()
            )));
        }
        let session = Session::start(&webdriver, &bin).await?;
        Ok(App {
            session,
            shots: shots.to_path_buf(),
        })
    }

    /// Saves a screenshot of the display as `<shots>/<name>.png`, after letting WebKit paint.
    /// Taken with ImageMagick's `import` on $DISPLAY: WebKitWebDriver's screenshot command did
    /// not answer for this app under Xvfb (WebKitGTK 2.50, minutes without a reply), and the
    /// whole screen also shows what is outside the page, e.g. native dialogs.
    pub async fn shot(&self, name: &str) -> Result<PathBuf> {
        tokio::time::sleep(SETTLE_BEFORE_SHOT).await;
        std::fs::create_dir_all(&self.shots)
            .map_err(|e| Error::Other(format!("cannot create {}: {e}", self.shots.display())))?;
        let path = self.shots.join(format!("{name}.png"));
        let mut cmd = std::process::Command::new("import");
        cmd.args(["-window", "root"]).arg(&path);
        let out = tokio::task::spawn_blocking(move || cmd.output())
            .await
            .map_err(|e| Error::Other(format!("screenshot task: {e}")))?
            .map_err(|e| Error::Other(format!("cannot run import (ImageMagick): {e}")))?;
        if !out.status.success() {
            return Err(Error::Other(format!(
                "import -window root {} failed: {}",
                path.display(),
                String::from_utf8_lossy(&out.stderr)
            )));
        }
        Ok(path)
    }

    /// Ends the WebDriver session, which closes the app.
    pub async fn close(self) -> Result<()> {
        self.session.close().await
    }

    /// Waits for `selector` to match an element.
    pub async fn wait_element(&self, selector: &str) -> Result<Element> {
        wait_for(&format!("an element matching {selector}"), || async {
            Ok(match self.session.try_find(selector).await? {
                Some(e) => Seen::Ready(e),
                None => Seen::NotYet("no match".into()),
            })
        })
        .await
    }

    /// Waits until nothing matches `selector`.
    pub async fn wait_gone(&self, selector: &str) -> Result<()> {
        wait_for(&format!("no element matching {selector}"), || async {
            Ok(match self.session.try_find(selector).await? {
                Some(_) => Seen::NotYet("still there".into()),
                None => Seen::Ready(()),
            })
        })
        .await
    }

    /// Waits until the sidebar lists the Local store (the app is up and has its sources). An
    /// app that shows anything but its own page was built without its UI inside.
    pub async fn wait_sidebar(&self) -> Result<()> {
        wait_for("the sidebar to list the Local store", || async {
            let page: (String, String, bool) = self
                .session
                .execute(
                    "return [location.href, document.body ? document.body.innerText.slice(0, 200) : '', \
                             !!document.querySelector('[data-testid=sources] [data-source=local]')];",
                    vec![],
                )
                .await?;
            Ok(match page {
                (_, _, true) => Seen::Ready(()),
                (href, text, false) if !href.starts_with("tauri://") && text.contains("Could not connect") => {
                    Seen::Failed(format!(
                        "the app shows {href} ({text:?}): it was built without the UI inside; \
                         build it with `make app-debug` (cargo build -p stowage-app --features \
                         stowage-app/custom-protocol)"
                    ))
                }
                (href, text, false) => Seen::NotYet(format!("{href}: {text:?}")),
            })
        })
        .await
    }

    /// The sidebar's row for `source` (`local` or a registry host), as text.
    pub async fn source_text(&self, source: &str) -> Result<Option<String>> {
        match self.session.try_find(&source_selector(source)).await? {
            Some(e) => Ok(Some(e.text_content().await?)),
            None => Ok(None),
        }
    }

    /// Waits until the sidebar row of `source` reads `wanted` (e.g. "signed in as …").
    pub async fn wait_source_text(&self, source: &str, wanted: &str) -> Result<String> {
        wait_for(
            &format!("the sidebar row of {source} to read {wanted:?}"),
            || async {
                Ok(match self.source_text(source).await? {
                    Some(t) if t.contains(wanted) => Seen::Ready(t),
                    Some(t) => Seen::NotYet(format!("row reads {t:?}")),
                    None => Seen::NotYet("no row".into()),
                })
            },
        )
        .await
    }

    /// Waits for the sidebar row of `source` (`local` or a registry host) and clicks it.
    pub async fn open_source(&self, source: &str) -> Result<()> {
        self.wait_element(&source_selector(source))
            .await?
            .click()
            .await
    }

    /// Opens the add-registry dialog and fills it in; does not submit.
    pub async fn fill_add_registry(
        &self,
        host: &str,
        username: &str,
        secret: &str,
        plain_http: bool,
    ) -> Result<Element> {
        let dialog = match self.session.try_find(DIALOG_OPEN).await? {
            Some(d) => d,
            None => {
                self.session
                    .find("[data-testid=add-registry-button]")
                    .await?
                    .click()
                    .await?;
                self.wait_element(DIALOG_OPEN).await?
            }
        };
        let fill = |selector: &'static str, text: String| {
            let dialog = dialog.clone();
            async move {
                let input = dialog.find(selector).await?;
                input.clear().await?;
                if !text.is_empty() {
                    input.send_keys(&text).await?;
                }
                Ok::<_, Error>(())
            }
        };
        fill(HOST_INPUT, host.to_string()).await?;
        fill("input[autocomplete=username]", username.to_string()).await?;
        fill("input[type=password]", secret.to_string()).await?;
        let checkbox = dialog.find("input[type=checkbox]").await?;
        let checked = checkbox.property("checked").await?.as_bool() == Some(true);
        if checked != plain_http {
            checkbox.click().await?;
        }
        Ok(dialog)
    }

    /// Submits the open add-registry dialog, then waits until it closed (`Ok(None)`) or shows
    /// a problem (`Ok(Some((code, text)))`).
    pub async fn submit_add_registry(&self) -> Result<Option<(String, String)>> {
        let dialog = self.session.find(DIALOG_OPEN).await?;
        dialog.find("button[type=submit]").await?.click().await?;
        wait_for(
            "the add-registry dialog to close or show a problem",
            || async {
                let Some(dialog) = self.session.try_find(DIALOG_OPEN).await? else {
                    return Ok(Seen::Ready(None));
                };
                match dialog.find_all("[role=alert]").await?.first() {
                    Some(alert) => {
                        let code = alert.attribute("data-code").await?.unwrap_or_default();
                        Ok(Seen::Ready(Some((code, alert.text_content().await?))))
                    }
                    None => Ok(Seen::NotYet("dialog open, no problem shown".into())),
                }
            },
        )
        .await
    }

    /// The rows of a virtual list (`data-testid`) currently rendered, as text.
    pub async fn rows(&self, list: &str) -> Result<Vec<String>> {
        self.session
            .execute(
                "return [...document.querySelectorAll(`[data-testid='${arguments[0]}'] [role=option]`)]\
                   .map(r => r.textContent.trim().replace(/\\s+/g, ' '));",
                vec![json!(list)],
            )
            .await
    }

    /// `data-rows` of a virtual list: how many items it holds, rendered or not.
    pub async fn row_count(&self, list: &str) -> Result<Option<usize>> {
        match self
            .session
            .try_find(&format!("[data-testid={list}]"))
            .await?
        {
            Some(e) => Ok(e.attribute("data-rows").await?.and_then(|v| v.parse().ok())),
            None => Ok(None),
        }
    }

    /// Clicks the rendered row of list `list` whose `first` element (a CSS selector inside the
    /// row) reads exactly `name`, waiting for it to appear. Rows are found by their text content:
    /// WebKitWebDriver's rendered text of a row inside the virtual list (a `contain: strict`
    /// scroller) comes back empty.
    pub async fn click_row(&self, list: &str, first: &str, name: &str) -> Result<()> {
        let row = wait_for(&format!("a row {name:?} in {list}"), || async {
            let found: Value = self
                .session
                .execute(
                    "const rows = [...document.querySelectorAll(`[data-testid='${arguments[0]}'] [role=option]`)]; \
                     const row = rows.find(r => (r.querySelector(arguments[1]) || {}).textContent?.trim() === arguments[2]); \
                     return row || rows.map(r => r.textContent.trim());",
                    vec![json!(list), json!(first), json!(name)],
                )
                .await?;
            Ok(match self.session.element(&found) {
                Some(row) => Seen::Ready(row),
                None => Seen::NotYet(format!("rows {found}")),
            })
        })
        .await?;
        row.click().await
    }

    /// Waits until list `list` holds `n` items, all rendered, and returns their text.
    pub async fn wait_rows(&self, list: &str, n: usize) -> Result<Vec<String>> {
        wait_for(&format!("{n} rows in {list}"), || async {
            let count = self.row_count(list).await?;
            let rows = self.rows(list).await?;
            Ok(if count == Some(n) && rows.len() == n {
                Seen::Ready(rows)
            } else {
                Seen::NotYet(format!("data-rows {count:?}, rendered {rows:?}"))
            })
        })
        .await
    }

    /// Waits until virtual list `list` holds `n` items (a long list renders only a screenful).
    pub async fn wait_row_count(&self, list: &str, n: usize) -> Result<usize> {
        wait_for(&format!("{n} items in {list}"), || async {
            Ok(match self.row_count(list).await? {
                Some(count) if count == n => Seen::Ready(count),
                count => Seen::NotYet(format!("data-rows {count:?}")),
            })
        })
        .await
    }

    /// Waits until `list` shows exactly `expected` (in any order): a count alone can match the
    /// list of the source shown before, while the new one is still loading.
    pub async fn wait_rows_equal(&self, list: &str, expected: &[String]) -> Result<Vec<String>> {
        let mut want = expected.to_vec();
        want.sort();
        wait_for(&format!("{list} to show {want:?}"), || async {
            let mut rows = self.rows(list).await?;
            rows.sort();
            Ok(if rows == want {
                Seen::Ready(rows)
            } else {
                Seen::NotYet(format!("rendered {rows:?}"))
            })
        })
        .await
    }

    /// Waits until the tag row `tag` has its summary (the short digest) and returns its badges.
    pub async fn wait_badges(&self, tag: &str) -> Result<Badges> {
        wait_for(&format!("the badges of {tag}"), || async {
            let found: Option<Badges> = self
                .session
                .execute(
                    "const row = [...document.querySelectorAll('[data-testid=tag-list] [role=option]')]\
                       .find(r => (r.querySelector('.tag') || {}).textContent?.trim() === arguments[0]); \
                     const digest = row && row.querySelector('.digest'); \
                     if (!digest) return null; \
                     return {badges: [...row.querySelectorAll('.badge')].map(b => b.textContent.trim()), \
                             digest: digest.textContent.trim()};",
                    vec![json!(tag)],
                )
                .await?;
            Ok(match found {
                Some(b) => Seen::Ready(b),
                None => Seen::NotYet("no summary on the row yet".into()),
            })
        })
        .await
    }

    /// Clicks repository `name` in the repository list, waiting for its row to appear.
    pub async fn open_repository(&self, name: &str) -> Result<()> {
        self.click_row("repo-list", ".repo-name", name).await
    }

    /// Clicks `tag` in the tag list, waiting for its row to appear.
    pub async fn open_tag(&self, tag: &str) -> Result<()> {
        self.click_row("tag-list", ".tag", tag).await
    }

    /// The graph pane's state and the canvas's counts (None before a graph is open).
    pub async fn graph_state(&self) -> Result<Option<GraphShown>> {
        self.session
            .execute(
                "const g = window.__stowageGraph; \
                 const s = document.querySelector('[data-testid=graph-status]'); \
                 if (!g || !s) return null; \
                 return {status: s.dataset.status ?? '', nodeCount: g.nodeCount, \
                         edgeCount: g.edgeCount, layouts: g.layouts};",
                vec![],
            )
            .await
    }

    /// Waits until the graph finished loading, shows `nodes` nodes and was laid out.
    pub async fn wait_graph(&self, nodes: usize) -> Result<GraphShown> {
        self.wait_graph_within(nodes, crate::webdriver::WAIT).await
    }

    /// `wait_graph` with its own deadline (the benchmarks open graphs of thousands of nodes).
    pub async fn wait_graph_within(&self, nodes: usize, deadline: Duration) -> Result<GraphShown> {
        crate::webdriver::wait_for_within(
            &format!("the graph to load, show {nodes} nodes and be laid out"),
            deadline,
            || async {
                Ok(match self.graph_state().await? {
                    Some(g) if g.status == "done" && g.node_count == nodes && g.layouts > 0 => {
                        Seen::Ready(g)
                    }
                    Some(g) if g.status == "error" => {
                        let text = self.text_of("[data-testid=graph-error]").await?;
                        Seen::Failed(format!("the graph failed to load: {text}"))
                    }
                    Some(g) => Seen::NotYet(format!("{g:?}")),
                    None => Seen::NotYet("no graph pane".into()),
                })
            },
        )
        .await
    }

    /// Every node on the graph canvas now, read through the debug hook.
    pub async fn graph_nodes(&self) -> Result<Vec<ShownNode>> {
        self.session
            .execute("return window.__stowageGraph.nodes();", vec![])
            .await
    }

    /// Every edge on the graph canvas now, read through the debug hook.
    pub async fn graph_edges(&self) -> Result<Vec<ShownEdge>> {
        self.session
            .execute("return window.__stowageGraph.edges();", vec![])
            .await
    }

    /// Selects a node through the debug hook and waits for the details panel to show it.
    pub async fn select_node(&self, id: &str) -> Result<Details> {
        self.session
            .execute::<Value>(
                "window.__stowageGraph.select(arguments[0]);",
                vec![json!(id)],
            )
            .await?;
        self.wait_details(id).await
    }

    /// Sends keys to the graph canvas (it has its own arrow/Enter/Space keys).
    pub async fn graph_keys(&self, keys: &str) -> Result<()> {
        let canvas = self.session.find(".graph-canvas").await?;
        canvas.send_keys(keys).await
    }

    /// Waits until the details panel shows node `id` with its fields (and, for manifests,
    /// the raw text) loaded.
    pub async fn wait_details(&self, id: &str) -> Result<Details> {
        wait_for(&format!("the details of {id}"), || async {
            let Some(panel) = self.session.try_find("[data-testid=details]").await? else {
                // An SBOM node (or an image with SBOMs) opens on its SBOM view: its Details
                // tab has the rest.
                if let Some(tab) = self.session.try_find("[data-testid=details-tab]").await? {
                    tab.click().await?;
                    return Ok(Seen::NotYet("the SBOM view; Details chosen".into()));
                }
                return Ok(Seen::NotYet("no details panel".into()));
            };
            let node = panel.attribute("data-node").await?.unwrap_or_default();
            if node != id {
                return Ok(Seen::NotYet(format!("details of {node}")));
            }
            let details = self.details().await?;
            let loading = self
                .session
                .try_find("[data-testid=details] .spinner")
                .await?
                .is_some();
            if loading {
                return Ok(Seen::NotYet("content loading".into()));
            }
            Ok(Seen::Ready(details))
        })
        .await
    }

    /// Waits for the details panel to show any node; returns its view id.
    pub async fn wait_details_any(&self) -> Result<String> {
        wait_for("the details panel", || async {
            Ok(
                match self.session.try_find("[data-testid=details]").await? {
                    Some(panel) => {
                        Seen::Ready(panel.attribute("data-node").await?.unwrap_or_default())
                    }
                    None => Seen::NotYet("no details panel".into()),
                },
            )
        })
        .await
    }

    /// What the details panel shows now.
    pub async fn details(&self) -> Result<Details> {
        let mut d: Details = self
            .session
            .execute(
                "const d = document.querySelector('[data-testid=details]'); \
                 const fields = {}; \
                 d.querySelectorAll('dl dt').forEach(dt => { \
                   const dd = dt.nextElementSibling; \
                   fields[dt.textContent.trim()] = dd ? dd.textContent.trim() : ''; }); \
                 const raw = d.querySelector('[data-testid=raw-json]'); \
                 return {node: d.dataset.node ?? '', \
                         title: (d.querySelector('h2') || {}).textContent ?? '', \
                         digest: '', fields, raw: raw ? raw.textContent : null};",
                vec![],
            )
            .await?;
        if let Some(e) = self
            .session
            .try_find("[data-testid=details] [data-testid=detail-digest]")
            .await?
        {
            d.digest = e.text_content().await?;
        }
        Ok(d)
    }

    /// Switches the raw view to the bytes as served (not pretty-printed) and returns its text.
    pub async fn raw_as_served(&self) -> Result<String> {
        let buttons = self
            .session
            .find_all("[data-testid=details] [aria-label='Text view'] button")
            .await?;
        let mut clicked = false;
        for b in buttons {
            if b.text_content().await? == "As served" {
                b.click().await?;
                clicked = true;
            }
        }
        if !clicked {
            return Err(Error::Other(
                "the details panel has no \"As served\" button".into(),
            ));
        }
        wait_for("the raw view as served", || async {
            let pressed: Option<String> = self
                .session
                .execute(
                    "const b = [...document.querySelectorAll(\"[data-testid=details] [aria-label='Text view'] button\")]\
                       .find(b => b.textContent.trim() === 'As served'); \
                     const raw = document.querySelector('[data-testid=details] [data-testid=raw-json]'); \
                     return b && b.getAttribute('aria-pressed') === 'true' && raw ? raw.textContent : null;",
                    vec![],
                )
                .await?;
            Ok(match pressed {
                Some(text) => Seen::Ready(text),
                None => Seen::NotYet("not pressed yet".into()),
            })
        })
        .await
    }

    /// The text content (white space collapsed) of the first element matching `selector`; an
    /// error, without waiting, when nothing matches.
    pub async fn text_of(&self, selector: &str) -> Result<String> {
        self.session.find(selector).await?.text_content().await
    }

    /// The UI's performance measures so far.
    pub async fn perf_marks(&self) -> Result<Vec<PerfMark>> {
        self.session
            .execute("return window.__stowagePerf.marks;", vec![])
            .await
    }

    /// Waits for a performance measure named `name` recorded after `after` (ms, page time).
    pub async fn wait_mark(&self, name: &str, after: f64) -> Result<PerfMark> {
        wait_for(&format!("the {name} measure"), || async {
            let marks = self.perf_marks().await?;
            let found = marks
                .iter()
                .rfind(|m| m.name == name && m.start_time >= after)
                .cloned();
            Ok(match found {
                Some(m) => Seen::Ready(m),
                None => Seen::NotYet(format!("{} measures, none {name}", marks.len())),
            })
        })
        .await
    }

    /// `performance.now()` in the page.
    pub async fn now(&self) -> Result<f64> {
        self.session
            .execute("return performance.now();", vec![])
            .await
    }

    /// Pans the graph every frame for `ms` and returns the frame intervals (ms).
    pub async fn pan_probe(&self, ms: u64) -> Result<Vec<f64>> {
        self.session
            .execute_async(
                "const done = arguments[arguments.length - 1]; \
                 window.__stowagePerf.panProbe(arguments[0]).then(done, e => done({error: String(e)}));",
                vec![json!(ms)],
            )
            .await
    }
}

const DIALOG_OPEN: &str = "dialog[data-testid=add-registry][open]";
/// The first text field of the dialog is the host (username and password follow it).
const HOST_INPUT: &str = "input[type=text]";

fn source_selector(source: &str) -> String {
    format!("[data-testid=sources] [data-source={}]", css_string(source))
}

/// A CSS string literal (attribute values such as `127.0.0.1:5000` need quoting).
pub fn css_string(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}
