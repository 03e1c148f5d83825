//! Benchmark of the desktop app (docs/benchmarks.md, section 7), driven over WebDriver like the
//! end-to-end tests: the 1,794-node graph of tests/kit/src/bench_graph.rs opened in the real app's webview
//! (`graph:layout`, `graph:first-render`, frame intervals while panning), a repository with
//! 10,000 tags (`tags:open`), process start to an interactive window, and memory (the app and its
//! WebKit processes) idle and with the graph open; beside the same UI build with mocked IPC in
//! Chromium (chromium.mjs), fed the same graph and tags, as a reference for webview speed.
//!
//! Needs the app with its UI inside (STOWAGE_APP_BIN), a display and tauri-driver
//! (scripts/with-display) and a keyring session (scripts/with-keyring): `BENCH_ONLY=app bench/run`
//! sets all of that up. Knobs: BENCH_ROUNDS (5), BENCH_APP_TAGS (10000), BENCH_PAN_MS (3000),
//! BENCH_CHROMIUM (/usr/bin/chromium; "none" skips the reference), BENCH_CHROMIUM_PROFILE=1 (a
//! CPU profile of the reference's first graph opening, target/bench-app/*.cpuprofile).
//!
//! Writes the report's rows (part "app") for `bench/report` to render, through the test kit's
//! `bench_rows`: to the file BENCH_ROWS names, else to stdout, where the services of the keyring's
//! D-Bus session print too; so by hand, set BENCH_ROWS=FILE and run `bench/report FILE`.

use stowage_testkit as harness;
use stowage_testkit::bench_rows::{self as cell, Rows};
use stowage_testkit::{app, bench_graph as content, lean_front as front, webdriver};

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use futures::stream::{self, StreamExt};
use serde::Deserialize;
use serde_json::{json, Value};
use stowage::auth::Credentials;
use stowage::config::Settings;
use stowage::graph::{self, Graph, GraphOptions};
use stowage::registry::Client;
use stowage::Reference;

use app::{App, PerfMark};
use content::{push_content, REPO, TAG};
use harness::{Pusher, TestRegistry, OCI_MANIFEST};
use webdriver::Error;

/// The repository with many tags.
const MANY: &str = "many";
/// Longest the benchmark waits for a graph of this size (a wait, not a figure).
const GRAPH_DEADLINE: Duration = Duration::from_secs(180);
/// Between looks at the sidebar while the app starts: the resolution of the start figures.
const START_POLL: Duration = Duration::from_millis(10);
/// Left alone before memory is read, so start-up or rendering work has settled.
const SETTLE_IDLE: Duration = Duration::from_secs(2);
const SETTLE_GRAPH: Duration = Duration::from_secs(1);

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// One round in the app: a fresh process, as a person starting it.
#[derive(Debug, Default)]
struct AppRound {
    /// New-session request sent (it spawns the app) to the sidebar seen.
    request_to_sidebar: f64,
    /// The app process's start (/proc/PID/stat) to the sidebar seen.
    spawn_to_sidebar: f64,
    /// The page's navigation start (performance.now() origin) to the sidebar seen.
    page_to_sidebar: f64,
    idle: Memory,
    layout: f64,
    layouts: usize,
    first_render: f64,
    /// Click on the tag to the first frame with the laid-out graph (includes the load over IPC).
    click_to_graph: f64,
    /// What the first render spent its time on, from the page's measures.
    breakdown: String,
    pan: Vec<f64>,
    graph_open: Memory,
    tags_open: f64,
    click_to_tags: f64,
}

/// One round in Chromium, as chromium.mjs reports it.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ReferenceRound {
    layout: f64,
    layouts: usize,
    first_render: f64,
    click_to_graph: f64,
    pan: Vec<f64>,
    tags_open: f64,
    click_to_tags: f64,
    version: String,
}

#[derive(Debug, Default, Clone, Copy)]
struct Memory {
    rss_kib: u64,
    pss_kib: u64,
    processes: usize,
}

#[tokio::main]
async fn main() -> Result<()> {
    let rounds = env_number("BENCH_ROUNDS", 5) as usize;
    let tag_count = env_number("BENCH_APP_TAGS", 10_000) as usize;
    let pan_ms = env_number("BENCH_PAN_MS", 3000);
    let chromium = std::env::var("BENCH_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let app_bin = PathBuf::from(app::required_env(
        "STOWAGE_APP_BIN",
        "the app binary to measure (bench/run builds target/release/stowage-app)",
    )?);

    let registry = TestRegistry::anonymous().await;
    let front = front::LeanFront::start(&registry).await;
    let setup = Instant::now();
    let (manifests, _) = push_content(&Pusher::new(&front.base_url())).await;
    let tags = push_tags(&Pusher::new(&registry.base_url()), tag_count).await;
    eprintln!(
        "app: pushed {manifests} manifests and {} tags in {:.1} s",
        tags.len(),
        setup.elapsed().as_secs_f64()
    );
    let host = front.host();
    let g = load(&host).await?;
    // The canvas shows every node plus the opened tag (no image has more than 3 layers).
    let shown_nodes = g.nodes.len() + 1;
    let shots = app::target_dir().join("bench-app");

    let mut app_rounds = Vec::new();
    for round in 0..rounds {
        let r = app_round(
            &app_bin,
            &host,
            round,
            shown_nodes,
            pan_ms,
            tag_count,
            &shots,
        )
        .await?;
        eprintln!(
            "app: round {}: start {:.0} ms, layout {:.0} ms, first render {:.0} ms ({}), tags:open {:.0} ms",
            round + 1,
            r.spawn_to_sidebar,
            r.layout,
            r.first_render,
            r.breakdown,
            r.tags_open
        );
        app_rounds.push(r);
    }

    let reference = if chromium == "none" {
        None
    } else {
        // Beside the screenshots, so the reference can be run again by hand.
        std::fs::create_dir_all(&shots)?;
        let data = shots.join("graph.json");
        std::fs::write(&data, graph_data(&g, &host).to_string())?;
        let tag_file = shots.join("tags.json");
        std::fs::write(&tag_file, serde_json::to_vec(&tags)?)?;
        Some(chromium_rounds(&chromium, &data, &tag_file, rounds, pan_ms, &shots).await?)
    };
    // bench/run sets BENCH_ROWS: the D-Bus services of the keyring session it runs in print on
    // stdout.
    report(
        &mut Rows::new("app"),
        &g,
        manifests,
        tag_count,
        pan_ms,
        &app_rounds,
        reference.as_deref(),
    );
    Ok(())
}

/// One image tagged `count` times in repository MANY (the manifest PUT again under each tag).
async fn push_tags(pusher: &Pusher, count: usize) -> Vec<String> {
    let (config, config_size) = pusher
        .blob(MANY, br#"{"architecture":"amd64","os":"linux"}"#)
        .await;
    let (layer, layer_size) = pusher.blob(MANY, b"one layer").await;
    let manifest = json!({
        "schemaVersion": 2, "mediaType": OCI_MANIFEST,
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                   "digest": config, "size": config_size},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar",
                    "digest": layer, "size": layer_size}],
    });
    let bytes = serde_json::to_vec(&manifest).expect("json");
    let tags: Vec<String> = (0..count)
        .map(|i| format!("1.{}.{}", i / 100, i % 100))
        .collect();
    stream::iter(tags.iter())
        .for_each_concurrent(8, |tag| {
            let bytes = &bytes;
            async move {
                pusher.manifest(MANY, tag, OCI_MANIFEST, bytes).await;
            }
        })
        .await;
    tags
}

/// The graph as the app loads it: through the front, anonymously.
async fn load(host: &str) -> Result<Graph> {
    let credentials = Credentials::new("stowage-bench", None, Vec::new()).without_keyring();
    let registry = Client::new(Settings::default(), credentials)
        .registry(host)
        .await?;
    let root: Reference = format!("{host}/{REPO}:{TAG}").parse()?;
    let g = graph::load(registry, &root, &GraphOptions::default()).await?;
    assert!(!g.truncated && g.warnings.is_empty(), "{:?}", g.warnings);
    Ok(g)
}

/// The graph in the shape the app's `load_graph` command returns (src-tauri/src/dto.rs).
fn graph_data(g: &Graph, host: &str) -> Value {
    let kebab = |v: Value| v.as_str().unwrap_or_default().to_string();
    let nodes: Vec<Value> = g
        .nodes
        .iter()
        .map(|n| {
            json!({
                "id": n.id.to_string(),
                "kind": kebab(serde_json::to_value(n.kind).unwrap_or_default()),
                "format": n.format,
                "mediaType": n.media_type,
                "artifactType": n.artifact_type,
                "size": n.size,
                "annotations": n.annotations,
                "platform": n.platform.as_ref().map(|p| p.to_string()),
                "tags": n.tags,
                "error": n.error,
            })
        })
        .collect();
    let edges: Vec<Value> = g
        .edges
        .iter()
        .map(|e| {
            json!({
                "from": e.from.to_string(),
                "to": e.to.to_string(),
                "kind": kebab(serde_json::to_value(e.kind).unwrap_or_default()),
                "via": kebab(serde_json::to_value(e.via).unwrap_or_default()),
            })
        })
        .collect();
    json!({
        "root": g.root.to_string(),
        "base": format!("{host}/{REPO}"),
        "reference": format!("{host}/{REPO}:{TAG}"),
        "truncated": g.truncated,
        "nodes": nodes,
        "edges": edges,
        "warnings": g.warnings,
    })
}

async fn app_round(
    bin: &Path,
    host: &str,
    round: usize,
    shown_nodes: usize,
    pan_ms: u64,
    tag_count: usize,
    shots: &Path,
) -> Result<AppRound> {
    let mut r = AppRound::default();
    let started = Instant::now();
    let app = App::launch(shots).await?;
    // Polled here rather than with the tests' wait (50 ms), for a finer start figure.
    let page_now = loop {
        let seen: Option<f64> = app
            .session
            .execute(
                "return document.querySelector('[data-testid=sources] [data-source=local]') \
                   ? performance.now() : null;",
                vec![],
            )
            .await?;
        if let Some(now) = seen {
            break now;
        }
        if started.elapsed() > GRAPH_DEADLINE {
            return Err("the sidebar never showed the Local store".into());
        }
        tokio::time::sleep(START_POLL).await;
    };
    r.request_to_sidebar = ms(started.elapsed());
    let uptime = uptime_s()?;
    let pid = app_pid(bin)?;
    r.spawn_to_sidebar = (uptime - start_time_s(pid)?) * 1000.0;
    r.page_to_sidebar = page_now;
    tokio::time::sleep(SETTLE_IDLE).await;
    r.idle = memory(pid)?;

    if round == 0 {
        app.fill_add_registry(host, "", "", true).await?;
        if let Some((code, text)) = app.submit_add_registry().await? {
            return Err(format!("adding {host} failed: {code}: {text}").into());
        }
    } else {
        app.open_source(host).await?;
    }
    app.wait_rows("repo-list", 2).await?;
    app.open_repository(REPO).await?;
    app.wait_rows("tag-list", 1).await?;
    let clicked = app.now().await?;
    app.open_tag(TAG).await?;
    app.wait_graph_within(shown_nodes, GRAPH_DEADLINE).await?;
    let first = wait_mark(&app, "graph:first-render", clicked).await?;
    let marks = app.perf_marks().await?;
    let layouts: Vec<&PerfMark> = marks
        .iter()
        .filter(|m| m.name == "graph:layout" && m.start_time >= clicked)
        .collect();
    // The layout drawn first once all data was in: the first one requested after it arrived.
    let drawn = layouts
        .iter()
        .find(|m| m.start_time >= first.start_time)
        .or(layouts.last())
        .ok_or("no graph:layout measure")?;
    r.layout = drawn.duration;
    r.layouts = layouts.len();
    r.breakdown = breakdown(&marks, &first);
    r.first_render = first.duration;
    r.click_to_graph = first.start_time + first.duration - clicked;
    if round == 0 {
        app.shot("graph").await?;
    }
    r.pan = app.pan_probe(pan_ms).await?;
    tokio::time::sleep(SETTLE_GRAPH).await;
    r.graph_open = memory(pid)?;

    app.session
        .find("[aria-label='Back to repositories']")
        .await?
        .click()
        .await?;
    app.wait_rows("repo-list", 2).await?;
    let clicked = app.now().await?;
    app.open_repository(MANY).await?;
    let tags = wait_mark(&app, "tags:open", clicked).await?;
    r.tags_open = tags.duration;
    r.click_to_tags = tags.start_time + tags.duration - clicked;
    let rows = app.row_count("tag-list").await?;
    if rows != Some(tag_count) {
        return Err(format!("the tag list holds {rows:?} tags, not {tag_count}").into());
    }
    if round == 0 {
        app.shot("tags").await?;
    }
    app.close().await?;
    Ok(r)
}

/// The measures inside the first render (the final data's syncs, the layout, applying the
/// positions), as "name start+duration" relative to the data's arrival; the rest is painting.
fn breakdown(marks: &[PerfMark], first: &PerfMark) -> String {
    let end = first.start_time + first.duration;
    marks
        .iter()
        .filter(|m| m.name != "graph:first-render" && m.name.starts_with("graph:"))
        .filter(|m| m.start_time + m.duration > first.start_time && m.start_time < end)
        .map(|m| {
            format!(
                "{} {:.0}+{:.0}",
                m.name.trim_start_matches("graph:"),
                m.start_time - first.start_time,
                m.duration
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

async fn wait_mark(app: &App, name: &str, after: f64) -> std::result::Result<PerfMark, Error> {
    webdriver::wait_for_within(&format!("the {name} measure"), GRAPH_DEADLINE, || async {
        let marks = app.perf_marks().await?;
        Ok(
            match marks
                .iter()
                .find(|m| m.name == name && m.start_time >= after)
            {
                Some(m) => webdriver::Seen::Ready(m.clone()),
                None => webdriver::Seen::NotYet(format!("{} measures", marks.len())),
            },
        )
    })
    .await
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn uptime_s() -> Result<f64> {
    let text = std::fs::read_to_string("/proc/uptime")?;
    Ok(text
        .split_whitespace()
        .next()
        .and_then(|v| v.parse().ok())
        .ok_or("bad /proc/uptime")?)
}

/// Fields of /proc/PID/stat after the command name (which may hold spaces): the state is [0].
fn stat_fields(pid: u32) -> Result<Vec<String>> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
    let rest = text.rsplit_once(')').ok_or("bad stat")?.1;
    Ok(rest.split_whitespace().map(str::to_string).collect())
}

fn clock_ticks() -> f64 {
    std::process::Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse().ok())
        .unwrap_or(100.0)
}

/// When the process started, in seconds since boot (field 22 of stat).
fn start_time_s(pid: u32) -> Result<f64> {
    let ticks: f64 = stat_fields(pid)?[19].parse()?;
    Ok(ticks / clock_ticks())
}

fn pids() -> Vec<u32> {
    std::fs::read_dir("/proc")
        .map(|d| {
            d.flatten()
                .filter_map(|e| e.file_name().to_str()?.parse().ok())
                .collect()
        })
        .unwrap_or_default()
}

/// The newest process running `bin`.
fn app_pid(bin: &Path) -> Result<u32> {
    let bin = bin.canonicalize()?;
    pids()
        .into_iter()
        .filter(|p| std::fs::read_link(format!("/proc/{p}/exe")).is_ok_and(|e| e == bin))
        .max_by(|a, b| {
            let (a, b) = (
                start_time_s(*a).unwrap_or(0.0),
                start_time_s(*b).unwrap_or(0.0),
            );
            a.total_cmp(&b)
        })
        .ok_or_else(|| format!("no process runs {}", bin.display()).into())
}

/// RSS and PSS of `pid` and every process below it (WebKit's web and network processes).
fn memory(pid: u32) -> Result<Memory> {
    let mut children: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    for p in pids() {
        if let Some(ppid) = stat_fields(p)
            .ok()
            .and_then(|f| f.get(1).and_then(|v| v.parse().ok()))
        {
            children.entry(ppid).or_default().push(p);
        }
    }
    let mut m = Memory::default();
    let mut stack = vec![pid];
    while let Some(p) = stack.pop() {
        stack.extend(children.get(&p).cloned().unwrap_or_default());
        let field = |file: &str, name: &str| -> u64 {
            std::fs::read_to_string(format!("/proc/{p}/{file}"))
                .ok()
                .and_then(|t| {
                    t.lines()
                        .find(|l| l.starts_with(name))
                        .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
                })
                .unwrap_or(0)
        };
        m.rss_kib += field("status", "VmRSS:");
        m.pss_kib += field("smaps_rollup", "Pss:");
        m.processes += 1;
    }
    Ok(m)
}

/// The reference: chromium.mjs, one line of JSON per round.
async fn chromium_rounds(
    chromium: &str,
    graph: &Path,
    tags: &Path,
    rounds: usize,
    pan_ms: u64,
    shots: &Path,
) -> Result<Vec<ReferenceRound>> {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let args = json!({
        "ui": here.join("ui"),
        "graph": graph,
        "tags": tags,
        "rounds": rounds,
        "panMs": pan_ms,
        "chromium": chromium,
        "width": 1280,
        "height": 800,
        "shots": shots,
        "profile": std::env::var("BENCH_CHROMIUM_PROFILE").is_ok_and(|v| v == "1"),
    });
    let mut cmd = std::process::Command::new("node");
    cmd.arg(here.join("bench/app/chromium.mjs"))
        .arg(args.to_string());
    let out = tokio::task::spawn_blocking(move || cmd.output()).await??;
    if !out.status.success() {
        return Err(format!(
            "chromium.mjs failed ({}):\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        )
        .into());
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    let mut found = Vec::new();
    for line in stdout.lines().filter(|l| l.starts_with('{')) {
        found.push(serde_json::from_str(line)?);
    }
    Ok(found)
}

fn median(values: &[f64]) -> f64 {
    percentile(values, 0.5)
}

/// The value below which `p` of `values` lie (nearest rank).
fn percentile(values: &[f64], p: f64) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    if p == 0.5 && v.len().is_multiple_of(2) {
        return (v[v.len() / 2 - 1] + v[v.len() / 2]) / 2.0;
    }
    let rank = ((p * v.len() as f64).ceil() as usize).clamp(1, v.len());
    v[rank - 1]
}

fn max(values: &[f64]) -> f64 {
    values.iter().copied().fold(f64::NAN, f64::max)
}

fn mib(kib: u64) -> String {
    format!("{:.0} MiB", kib as f64 / 1024.0)
}

/// A figure of the every-round table, in the whole units (ms, MiB) its heading names.
fn whole(value: f64) -> Value {
    json!(value.round())
}

/// The report's rows: the heading, what was measured, the table of figures against their
/// targets (median (min-max) over the rounds), and every round's figures.
fn report(
    rows: &mut Rows,
    g: &Graph,
    manifests: usize,
    tag_count: usize,
    pan_ms: u64,
    app: &[AppRound],
    reference: Option<&[ReferenceRound]>,
) {
    let col = |f: fn(&AppRound) -> f64| app.iter().map(f).collect::<Vec<f64>>();
    // No reference: an empty spread, shown as "-".
    let rcol = |f: fn(&ReferenceRound) -> f64| -> Value {
        cell::spread_ms(
            &reference
                .unwrap_or_default()
                .iter()
                .map(f)
                .collect::<Vec<f64>>(),
        )
    };
    let pan: Vec<f64> = app.iter().flat_map(|r| r.pan.iter().copied()).collect();
    let rpan: Vec<f64> = reference
        .map(|r| r.iter().flat_map(|x| x.pan.iter().copied()).collect())
        .unwrap_or_default();
    let version = reference
        .and_then(|r| r.first())
        .map(|r| r.version.clone())
        .unwrap_or_else(|| "not run".into());
    let first_render = col(|r| r.first_render);
    let tags_open = col(|r| r.tags_open);

    rows.title(&format!(
        "The app: a {}-node graph and {tag_count} tags, {} rounds",
        g.nodes.len(),
        app.len()
    ));
    rows.text(&format!(
        "Graph: {} nodes ({manifests} manifests), {} edges, on the canvas with the tag node: {}. \
         Served by docker-registry through the lean Referrers front at no added latency. \
         Reference: the same UI built with mocked IPC (ui/tests/screens) in Chromium {version} \
         (headless, playwright-core, `--disable-gpu`), given the same graph in one event and \
         the same {tag_count} tags. Each round starts a fresh app process (and a fresh \
         Chromium page).",
        g.nodes.len(),
        g.edges.len(),
        g.nodes.len() + 1
    ));
    rows.table(&[
        "figure",
        "app (WebKitGTK) median (min-max)",
        "Chromium reference",
        "target",
    ]);
    rows.row(vec![
        json!(
            "`graph:layout` (the layout first drawn: the tree on the main thread above 300 nodes)"
        ),
        cell::spread_ms(&col(|r| r.layout)),
        rcol(|r| r.layout),
        json!(""),
    ]);
    rows.row(vec![
        json!("`graph:first-render` (all data in, to the laid-out graph painted)"),
        cell::spread_ms(&first_render),
        rcol(|r| r.first_render),
        cell::below(median(&first_render), 1500.0, "ms"),
    ]);
    rows.row(vec![
        json!("click on the tag to the graph painted (includes the load; mocked in the reference)"),
        cell::spread_ms(&col(|r| r.click_to_graph)),
        rcol(|r| r.click_to_graph),
        json!(""),
    ]);
    let pan_row = |v: &[f64]| {
        if v.is_empty() {
            "-".to_string()
        } else {
            format!(
                "{:.1} / {:.1} / {:.1} ms ({} frames)",
                median(v),
                percentile(v, 0.95),
                max(v),
                v.len()
            )
        }
    };
    rows.row(vec![
        json!(format!(
            "panning, frame interval median / p95 / max ({pan_ms} ms per round, all rounds)"
        )),
        json!(pan_row(&pan)),
        json!(pan_row(&rpan)),
        json!("16.7 ms is 60 fps"),
    ]);
    rows.row(vec![
        json!(format!(
            "`tags:open` ({tag_count} tags in hand, to the first rows painted)"
        )),
        cell::spread_ms(&tags_open),
        rcol(|r| r.tags_open),
        cell::below(median(&tags_open), 1000.0, "ms"),
    ]);
    rows.row(vec![
        json!(format!(
            "click on the repository to its tags painted (includes listing {tag_count} tags)"
        )),
        cell::spread_ms(&col(|r| r.click_to_tags)),
        rcol(|r| r.click_to_tags),
        json!(""),
    ]);
    for (figure, values) in [
        (
            "start: app process spawned to the sidebar showing the Local store",
            col(|r| r.spawn_to_sidebar),
        ),
        (
            "start: WebDriver new-session request to the same",
            col(|r| r.request_to_sidebar),
        ),
        (
            "start: page navigation start to the same",
            col(|r| r.page_to_sidebar),
        ),
    ] {
        rows.row(vec![
            json!(figure),
            cell::spread_ms(&values),
            json!(""),
            json!(""),
        ]);
    }
    let mem = |f: fn(&AppRound) -> Memory| {
        let rss: Vec<f64> = app.iter().map(|r| f(r).rss_kib as f64).collect();
        let pss: Vec<f64> = app.iter().map(|r| f(r).pss_kib as f64).collect();
        let procs = app.first().map_or(0, |r| f(r).processes);
        format!(
            "RSS {}, PSS {} ({procs} processes)",
            mib(median(&rss) as u64),
            mib(median(&pss) as u64)
        )
    };
    rows.row(vec![
        json!(format!(
            "memory idle (sidebar shown, {} s later)",
            SETTLE_IDLE.as_secs()
        )),
        json!(mem(|r| r.idle)),
        json!(""),
        json!(""),
    ]);
    rows.row(vec![
        json!(format!(
            "memory with the graph open (after panning, {} s later)",
            SETTLE_GRAPH.as_secs()
        )),
        json!(mem(|r| r.graph_open)),
        json!(""),
        json!(""),
    ]);

    rows.text("Every round (ms; memory in MiB RSS/PSS):");
    rows.table(&[
        "round",
        "start (spawn)",
        "layout (runs)",
        "first render",
        "click to graph",
        "pan median/max",
        "tags:open",
        "click to tags",
        "idle",
        "graph open",
    ]);
    let rss_pss = |m: Memory| {
        json!(format!(
            "{:.0}/{:.0}",
            m.rss_kib as f64 / 1024.0,
            m.pss_kib as f64 / 1024.0
        ))
    };
    // The figures both sides measure, as the table's middle columns.
    let ui =
        |layout: f64, layouts: usize, first_render, click_to_graph, pan: &[f64], tags: [f64; 2]| {
            [
                json!(format!("{layout:.0} ({layouts})")),
                whole(first_render),
                whole(click_to_graph),
                json!(format!("{:.1}/{:.1}", median(pan), max(pan))),
                whole(tags[0]),
                whole(tags[1]),
            ]
        };
    for (i, r) in app.iter().enumerate() {
        let mut cells = vec![json!(format!("app {}", i + 1)), whole(r.spawn_to_sidebar)];
        cells.extend(ui(
            r.layout,
            r.layouts,
            r.first_render,
            r.click_to_graph,
            &r.pan,
            [r.tags_open, r.click_to_tags],
        ));
        cells.extend([rss_pss(r.idle), rss_pss(r.graph_open)]);
        rows.row(cells);
    }
    for (i, r) in reference.unwrap_or_default().iter().enumerate() {
        let mut cells = vec![json!(format!("Chromium {}", i + 1)), json!("")];
        cells.extend(ui(
            r.layout,
            r.layouts,
            r.first_render,
            r.click_to_graph,
            &r.pan,
            [r.tags_open, r.click_to_tags],
        ));
        cells.extend([json!(""), json!("")]);
        rows.row(cells);
    }
}
