//! The SBOM view in the real app (docs/benchmarks.md, section 10): from the selection of an SBOM
//! node to its package table painted, and from a keystroke in the table's filter to the table
//! painted again, for SBOMs of a few thousand and of 100,000 packages kept in the Local store.
//! The figures are the UI's own `sbom:open` and `sbom:filter` measures (ui/src/sbom/store.svelte.ts,
//! ui/src/sbom/SbomView.svelte), read over WebDriver afterwards; `sbom:open` holds the shell's
//! part too: finding the SBOM, reading the blob from the layout (digest checked), parsing it and
//! sending the rows.
//!
//! The SBOMs come from bench/make-sboms (npm's of bench/sbom-inputs and the 100,000-package ones
//! made from them), in the folder BENCH_SBOMS. Each hangs off a subject of its own, in a
//! repository of its own; a fourth subject holds the small SBOM beside both large ones, since
//! the view reads a subject's SBOMs together (for its switcher); a fifth the small one again,
//! opened last. Each round starts the app afresh, so no SBOM is already read. Needs the release
//! app with its UI inside (STOWAGE_APP_BIN), scripts/with-display and scripts/with-keyring:
//! `BENCH_ONLY=sbom-view bench/run` sets all of that up. Knobs: BENCH_ROUNDS (5).
//!
//! Writes the table's rows (part "sbom-view") for `bench/report` to render, through the test
//! kit's `bench_rows`: to the file BENCH_ROWS names, else to stdout, where the services of the
//! keyring's D-Bus session print too; so by hand, set BENCH_ROWS=FILE and run `bench/report FILE`.

use stowage_testkit::bench_rows::{self as cell, Rows};
use stowage_testkit::{app, webdriver};

use std::path::{Path, PathBuf};

use serde::de::IgnoredAny;
use serde::Deserialize;
use serde_json::json;
use stowage::local::LocalStore;
use stowage::manifest::Descriptor;
use stowage::ops::push::{self, FileSpec, PushOptions, PushRequest};
use stowage::store::Store;
use stowage::transfer::Cancel;
use stowage::transfer::Transfer;

use app::App;

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

/// The view's two commands, invoked from the page as the view does: their time includes IPC
/// and, for the rows, parsing their JSON in the page.
const SHELL_PART: &str = r#"
const done = arguments[arguments.length - 1];
const [repository, reference, manifest] = arguments;
const T = window.__TAURI_INTERNALS__;
const t0 = performance.now();
T.invoke("sbom_documents", { source: "local", repository, reference })
  .then((d) => {
    const t1 = performance.now();
    const found = d.sboms.find((s) => s.manifest === manifest);
    if (!found || !found.handle) throw new Error("the SBOM was not read: " + JSON.stringify(found));
    return T.invoke("sbom_rows", { handle: found.handle })
      .then(() => done({ ok: true, documents: t1 - t0, rows: performance.now() - t1 }));
  })
  .catch((e) => done({ ok: false, error: String(e && e.message ? e.message : JSON.stringify(e)) }));
"#;

/// What the filter keystroke types: a letter most package names hold, so the table stays long.
const KEY: &str = "e";

/// One SBOM as the bench attaches it, and what it should show.
struct Sbom {
    title: &'static str,
    file: PathBuf,
    artifact_type: &'static str,
    packages: usize,
    /// Its repository in the Local store, where it hangs off the subject tagged v1.
    repo: String,
    /// Other SBOMs of the same subject: the view reads a subject's SBOMs together, for its
    /// switcher, so these are read too before the table shows.
    siblings: Vec<(PathBuf, &'static str)>,
    digest: String,
    subject: String,
}

#[derive(Default)]
struct Figures {
    open: Vec<f64>,
    filter: Vec<f64>,
    /// The shell's part, invoked again after the view showed: `sbom_documents` (find and read
    /// every SBOM of the subject) and `sbom_rows` (the table, through IPC into the page).
    documents: Vec<f64>,
    rows: Vec<f64>,
    /// RSS of the app and its WebKit processes with this SBOM's view open (KiB).
    rss_kib: Vec<u64>,
}

/// Packages as another reader counts them: SPDX's `packages`; CycloneDX's components and its
/// metadata component (the subject), which the view lists too. npm nests no components.
fn count(file: &Path) -> Result<usize> {
    #[derive(Deserialize)]
    struct Counted {
        packages: Option<Vec<IgnoredAny>>,
        components: Option<Vec<IgnoredAny>>,
        metadata: Option<Metadata>,
    }
    #[derive(Deserialize)]
    struct Metadata {
        component: Option<IgnoredAny>,
    }
    let c: Counted = serde_json::from_reader(std::io::BufReader::new(std::fs::File::open(file)?))?;
    Ok(match c.packages {
        Some(p) => p.len(),
        None => {
            c.components.map_or(0, |v| v.len())
                + usize::from(c.metadata.and_then(|m| m.component).is_some())
        }
    })
}

async fn attach(
    store: &Store,
    file: &Path,
    artifact_type: &str,
    subject: &Descriptor,
) -> Result<String> {
    let request = PushRequest {
        files: vec![FileSpec {
            path: file.to_path_buf(),
            media_type: None,
        }],
        artifact_type: Some(artifact_type.into()),
        subject: Some(subject.clone()),
        ..Default::default()
    };
    let pushed = push::push(
        store,
        &request,
        &PushOptions::default(),
        &Transfer::new(),
        &Cancel::new(),
    )
    .await?;
    Ok(pushed.digest.to_string())
}

/// For each SBOM, a repository of the Local store with a subject (a small artifact tagged v1),
/// the SBOM and its siblings attached to it.
async fn fill_local_store(sboms: &mut [Sbom], scratch: &Path) -> Result<()> {
    let data = app::required_env(
        "STOWAGE_DATA_DIR",
        "the app's data folder (scripts/with-display sets a throw-away one)",
    )?;
    let local = LocalStore::new(Path::new(&data).join("local"));
    for sbom in sboms.iter_mut() {
        let store = Store::Layout(local.layout(&sbom.repo, true)?);
        let subject = subject(&store, scratch).await?;
        sbom.subject = subject.digest.to_string();
        sbom.digest = attach(&store, &sbom.file, sbom.artifact_type, &subject).await?;
        for (file, artifact_type) in &sbom.siblings {
            attach(&store, file, artifact_type, &subject).await?;
        }
    }
    Ok(())
}

async fn subject(store: &Store, scratch: &Path) -> Result<Descriptor> {
    let readme = scratch.join("README.md");
    std::fs::write(&readme, "# the subject of the SBOMs\n")?;
    let request = PushRequest {
        files: vec![FileSpec {
            path: readme,
            media_type: None,
        }],
        tags: vec!["v1".into()],
        ..Default::default()
    };
    push::push(
        store,
        &request,
        &PushOptions::default(),
        &Transfer::new(),
        &Cancel::new(),
    )
    .await?;
    let m = store.fetch_manifest("v1").await?;
    Ok(Descriptor::new(
        &m.media_type,
        m.digest,
        m.bytes.len() as u64,
    ))
}

/// RSS summed over the app and the processes below it (WebKit's web and network processes).
fn rss_kib() -> u64 {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return 0;
    };
    let status = |pid: &str| std::fs::read_to_string(format!("/proc/{pid}/status")).ok();
    let field = |text: &str, name: &str| -> Option<u64> {
        text.lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse().ok())
    };
    let all: Vec<(String, String)> = entries
        .flatten()
        .filter_map(|e| {
            let pid = e.file_name().to_str()?.to_string();
            pid.parse::<u32>().ok()?;
            Some((pid.clone(), status(&pid)?))
        })
        .collect();
    let Some((app_pid, _)) = all
        .iter()
        .find(|(_, s)| s.lines().next() == Some("Name:\tstowage-app"))
    else {
        return 0;
    };
    let mut family = vec![app_pid.clone()];
    let mut i = 0;
    while i < family.len() {
        let parent = family[i].clone();
        for (pid, s) in &all {
            if field(s, "PPid:").map(|p| p.to_string()) == Some(parent.clone()) {
                family.push(pid.clone());
            }
        }
        i += 1;
    }
    all.iter()
        .filter(|(pid, _)| family.contains(pid))
        .filter_map(|(_, s)| field(s, "VmRSS:"))
        .sum()
}

async fn round(sboms: &[Sbom], figures: &mut [Figures], shots: &Path, first: bool) -> Result<()> {
    let app = App::launch(shots).await?;
    app.wait_sidebar().await?;
    app.open_source("local").await?;
    for (i, (sbom, f)) in sboms.iter().zip(figures.iter_mut()).enumerate() {
        if i > 0 {
            app.session
                .find("[aria-label='Back to repositories']")
                .await?
                .click()
                .await?;
        }
        app.open_repository(&sbom.repo).await?;
        app.open_tag("v1").await?;
        webdriver::wait_for("the SBOM node in the graph", || async {
            let shown = app.graph_nodes().await?;
            Ok(if shown.iter().any(|n| n.id == sbom.digest) {
                webdriver::Seen::Ready(())
            } else {
                webdriver::Seen::NotYet(format!("{} nodes", shown.len()))
            })
        })
        .await?;
        let clicked = app.now().await?;
        app.session
            .execute::<serde_json::Value>(
                "window.__stowageGraph.select(arguments[0]);",
                vec![json!(sbom.digest)],
            )
            .await?;
        let open = app.wait_mark("sbom:open", clicked).await?;
        app.wait_row_count("package-rows", sbom.packages).await?;
        f.open.push(open.start_time + open.duration - clicked);
        f.rss_kib.push(rss_kib());
        if first {
            app.shot(&format!("sbom-view-{}", sbom.packages)).await?;
        }
        let filter = app.wait_element("[data-testid=package-filter]").await?;
        let typed = app.now().await?;
        filter.send_keys(KEY).await?;
        let repaint = app.wait_mark("sbom:filter", typed).await?;
        f.filter.push(repaint.duration);
        // Escape empties the filter, so the next SBOM opens unfiltered.
        filter.send_keys(webdriver::keys::ESCAPE).await?;
        app.wait_row_count("package-rows", sbom.packages).await?;
        let shell: serde_json::Value = app
            .session
            .execute_async(
                SHELL_PART,
                vec![json!(sbom.repo), json!(sbom.subject), json!(sbom.digest)],
            )
            .await?;
        if shell["ok"] != true {
            return Err(format!("the shell's part of {}: {shell}", sbom.title).into());
        }
        f.documents
            .push(shell["documents"].as_f64().unwrap_or(f64::NAN));
        f.rows.push(shell["rows"].as_f64().unwrap_or(f64::NAN));
        eprintln!(
            "sbom-view: {}: open {:.0} ms, filter {:.0} ms, RSS {} MiB; shell: documents {:.0} ms, rows {:.0} ms",
            sbom.title,
            open.start_time + open.duration - clicked,
            repaint.duration,
            f.rss_kib.last().copied().unwrap_or(0) / 1024,
            f.documents.last().copied().unwrap_or(f64::NAN),
            f.rows.last().copied().unwrap_or(f64::NAN),
        );
    }
    app.close().await?;
    Ok(())
}

#[tokio::main]
async fn main() -> Result<()> {
    let rounds: usize = std::env::var("BENCH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5);
    let dir = PathBuf::from(app::required_env(
        "BENCH_SBOMS",
        "the folder bench/make-sboms wrote the SBOMs to",
    )?);
    const SPDX: &str = "application/spdx+json";
    const CYCLONEDX: &str = "application/vnd.cyclonedx+json";
    let big = vec![
        (dir.join("big-spdx.json"), SPDX),
        (dir.join("big-cyclonedx.json"), CYCLONEDX),
    ];
    let mut sboms = Vec::new();
    for (i, (title, name, artifact_type, siblings)) in [
        ("real SPDX 2.3 (npm sbom)", "npm-spdx.json", SPDX, vec![]),
        ("expanded SPDX 2.3", "big-spdx.json", SPDX, vec![]),
        (
            "expanded CycloneDX 1.5",
            "big-cyclonedx.json",
            CYCLONEDX,
            vec![],
        ),
        (
            "real SPDX 2.3 beside both expanded ones",
            "npm-spdx.json",
            SPDX,
            big,
        ),
        // The first SBOM view of a fresh app pays for its first layout and script warm-up.
        (
            "real SPDX 2.3 again, the view opened before",
            "npm-spdx.json",
            SPDX,
            vec![],
        ),
    ]
    .into_iter()
    .enumerate()
    {
        let file = dir.join(name);
        sboms.push(Sbom {
            title,
            packages: count(&file)?,
            file,
            artifact_type,
            repo: format!("bench/sbom-view-{i}"),
            siblings,
            digest: String::new(),
            subject: String::new(),
        });
    }
    let scratch = tempfile::tempdir()?;
    fill_local_store(&mut sboms, scratch.path()).await?;
    let shots = app::target_dir().join("bench-sbom-view");
    let mut figures: Vec<Figures> = sboms.iter().map(|_| Figures::default()).collect();
    for r in 0..rounds {
        round(&sboms, &mut figures, &shots, r == 0).await?;
    }

    // bench/run sets BENCH_ROWS: the D-Bus services of the keyring session it runs in print on
    // stdout.
    let mut rows = Rows::new("sbom-view");
    rows.table(&[
        "SBOM",
        "file",
        "packages",
        "selection to table painted",
        "keystroke to repaint",
        "shell: `sbom_documents`",
        "shell: `sbom_rows`",
        "RSS, view open",
    ]);
    for (sbom, f) in sboms.iter().zip(&figures) {
        let size = std::fs::metadata(&sbom.file)?.len();
        rows.row(vec![
            json!(sbom.title),
            json!(format!("{:.1} MB", size as f64 / 1e6)),
            json!(sbom.packages),
            cell::spread_ms(&f.open),
            cell::spread_ms(&f.filter),
            cell::spread_ms(&f.documents),
            cell::spread_ms(&f.rows),
            cell::kib(f.rss_kib.iter().max().copied().unwrap_or(0)),
        ]);
    }
    Ok(())
}
