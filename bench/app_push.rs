//! A 1 GiB push started from the app against the same push from the `stowage` CLI, in the same
//! run, against the same docker-registry (docs/benchmarks.md, section 8). The app's push goes
//! through its real IPC: `prepare_push` (check and hash, the push sheet's preview) then `push`,
//! invoked in the webview over WebDriver; the app process's memory is sampled while it runs.
//!
//! `BENCH_ROUNDS` (3) rounds, alternating; each push goes to a repository of its own so no blob
//! is ever skipped. Needs the app with its UI inside (STOWAGE_APP_BIN), scripts/with-display and
//! scripts/with-keyring, the release CLI (STOWAGE_CLI), and what tests/e2e drags files with
//! (xdotool, python3-gi): the file is dropped on the app first, as the app reads only files the
//! user gave it:
//! `STOWAGE_APP_BIN=$PWD/target/release/stowage-app STOWAGE_CLI=$PWD/target/release/stowage \
//!  BENCH_ROWS=FILE scripts/with-keyring scripts/with-display \
//!  cargo run --release --features e2e --example app_push`, then `bench/report FILE`.
//!
//! Writes the table's rows (part "app-push") for `bench/report` to render, through the test
//! kit's `bench_rows`: to the file BENCH_ROWS names, else to stdout (where the services of the
//! keyring's D-Bus session print too); each round's figures go to stderr.

use stowage_testkit as harness;
use stowage_testkit::bench_rows::{self as cell, Rows};
use stowage_testkit::{app, drag};

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use app::App;
use harness::TestRegistry;

const SIZE: u64 = 1 << 30;

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_string())
}

/// 1 GiB of incompressible-looking bytes (a xorshift stream), written once.
fn big_file(dir: &Path) -> PathBuf {
    let path = dir.join("big.bin");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&path).expect("create big file"));
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut block = vec![0u8; 1 << 20];
    for _ in 0..(SIZE >> 20) {
        for chunk in block.chunks_mut(8) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            chunk.copy_from_slice(&x.to_le_bytes());
        }
        out.write_all(&block).expect("write big file");
    }
    out.flush().expect("flush big file");
    path
}

/// The pid of the running `stowage-app` (one app at a time under the bench's display).
fn app_pid() -> Option<u32> {
    std::fs::read_dir("/proc").ok()?.flatten().find_map(|e| {
        let pid: u32 = e.file_name().to_str()?.parse().ok()?;
        let comm = std::fs::read_to_string(e.path().join("comm")).ok()?;
        (comm.trim() == "stowage-app").then_some(pid)
    })
}

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

/// A JS Channel stand-in: Tauri deserialises `__CHANNEL__:<callback id>`; the progress goes to
/// a callback that drops it (the bench times the transfer, not the UI).
const INVOKE: &str = r#"
const done = arguments[arguments.length - 1];
const [cmd, args] = [arguments[0], arguments[1]];
const T = window.__TAURI_INTERNALS__;
args.events = `__CHANNEL__:${T.transformCallback(() => {})}`;
const t0 = performance.now();
T.invoke(cmd, args).then(
  (r) => done({ ok: true, ms: performance.now() - t0, value: r }),
  (e) => done({ ok: false, error: JSON.stringify(e) }));
"#;

async fn invoke(app: &App, cmd: &str, args: Value) -> (f64, Value) {
    let r: Value = app
        .session
        .execute_async(INVOKE, vec![json!(cmd), args])
        .await
        .unwrap_or_else(|e| panic!("{cmd}: {e}"));
    assert_eq!(r["ok"], true, "{cmd} failed: {r}");
    (r["ms"].as_f64().unwrap_or(f64::NAN), r["value"].clone())
}

#[tokio::main]
async fn main() {
    let rounds: usize = env_or("BENCH_ROUNDS", "3").parse().expect("BENCH_ROUNDS");
    let cli =
        PathBuf::from(std::env::var("STOWAGE_CLI").expect("STOWAGE_CLI names the release CLI"));
    let scratch = tempfile::tempdir().expect("scratch");
    let file = big_file(scratch.path());
    let reg = TestRegistry::anonymous().await;
    let host = reg.host();

    let app = App::launch(scratch.path()).await.expect("launch the app");
    app.wait_sidebar().await.expect("the app's window");
    let pid = app_pid().expect("the app's process");
    let idle_kib = rss_kib(pid);
    // The app reads only files the user gave it: drop the file on the window first, with the real
    // pointer (on the Local store, whose push sheet then waits for a repository name).
    let local = drag::screen_point_of(&app, "[data-testid=sources] [data-source=local]")
        .await
        .expect("the Local store on screen");
    drag::drag_files(&app, &[file.as_path()], local, "source:local")
        .await
        .expect("drop the file on the app");

    let (mut cli_s, mut app_push_s, mut app_total_s, mut peaks) = (vec![], vec![], vec![], vec![]);
    for round in 0..rounds {
        // The CLI: one read of the file, hashed while it streams.
        let started = Instant::now();
        let status = std::process::Command::new(&cli)
            .args(["push", &format!("{host}/bench/cli-{round}:v1")])
            .arg(&file)
            .stdout(std::process::Stdio::null())
            .status()
            .expect("run the CLI");
        assert!(status.success(), "stowage push failed");
        cli_s.push(started.elapsed().as_secs_f64());

        // The app: the sheet's prepare (hash), then the push of exactly that plan.
        let spec = json!({"spec": {"source": host, "repository": format!("bench/app-{round}"),
            "files": [{"path": file, "mediaType": null}], "artifactType": null,
            "annotations": {}, "tags": ["v1"], "subject": null}, "op": format!("prepare-{round}")});
        let started = Instant::now();
        let (_, preview) = invoke(&app, "prepare_push", spec).await;
        let (stop, peak) = (
            Arc::new(AtomicBool::new(false)),
            Arc::new(AtomicU64::new(0)),
        );
        let sampler = {
            let (stop, peak) = (stop.clone(), peak.clone());
            tokio::spawn(async move {
                while !stop.load(Ordering::Relaxed) {
                    peak.fetch_max(rss_kib(pid), Ordering::Relaxed);
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            })
        };
        let args = json!({"plan": preview["plan"], "op": format!("push-{round}")});
        let (push_ms, pushed) = invoke(&app, "push", args).await;
        stop.store(true, Ordering::Relaxed);
        let _ = sampler.await;
        app_total_s.push(started.elapsed().as_secs_f64());
        app_push_s.push(push_ms / 1000.0);
        peaks.push(peak.load(Ordering::Relaxed));
        assert_eq!(
            pushed["digest"], preview["digest"],
            "the push sent the preview"
        );
        eprintln!(
            "round {round}: cli {:.2} s, app push {:.2} s (prepare+push {:.2} s), app peak RSS {} MiB",
            cli_s[round], app_push_s[round], app_total_s[round], peaks[round] / 1024
        );
    }
    app.close().await.ok();
    let (c, p, t) = (median(cli_s), median(app_push_s), median(app_total_s));
    let mut rows = Rows::new("app-push");
    rows.table(&[
        "push of 1 GiB",
        &format!("median of {rounds}"),
        "vs the CLI",
    ]);
    rows.row(vec![
        json!("`stowage push` (CLI), 1 GiB"),
        cell::s(c),
        cell::x(1.0),
    ]);
    rows.row(vec![
        json!("app: `push` of the prepared plan"),
        cell::s(p),
        cell::x(p / c),
    ]);
    rows.row(vec![
        json!("app: `prepare_push` + `push` (hash, then upload)"),
        cell::s(t),
        cell::x(t / c),
    ]);
    rows.text_with(
        "app process RSS: {idle} idle, peak {peak} during the pushes",
        json!({
            "idle": cell::kib(idle_kib),
            "peak": cell::kib(peaks.iter().max().copied().unwrap_or(0)),
        }),
    );
}
