//! Benchmark: loading a ~1,800-node artifact graph through the Referrers API front with added latency.
//!
//! Pushes an 8-platform index whose manifests carry 10 referrers each, each of those with 10
//! nested signatures (889 manifests), then loads the graph cold at concurrency 8 and 1, warm
//! from the snapshot, and warm without it, and writes the report's rows (part "graph", with the
//! round-trip bound the concurrency allows) to BENCH_ROWS or stdout, for `bench/report` to
//! render; progress goes to stderr. Run with
//! `cargo run --release --example graph_load [-- OPTIONS] | bench/report -`.
//! The loads go through `front::LeanFront` unless `--front harness` picks the harness's
//! `ReferrersFront` (see front.rs for why); the cost of one referrers answer of each is reported.

use stowage_testkit as harness;
use stowage_testkit::bench_rows::{self as cell, Rows};
use stowage_testkit::{bench_graph as content, lean_front as front};

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::stream::{self, StreamExt};
use serde_json::json;
use stowage::auth::Credentials;
use stowage::cache::ManifestCache;
use stowage::config::Settings;
use stowage::graph::{self, EdgeKind, Graph, GraphOptions, NodeKind};
use stowage::registry::{Client, Registry};
use stowage::{Digest, Reference};

use content::{push_content, PUSH_TASKS, REFERRERS_PER_IMAGE, REPO, TAG};
use harness::{Desc, Pusher, ReferrersFront, RequestCounts, TestRegistry, OCI_INDEX};

/// Requests timed one after another to find the real cost of one round trip.
const SERIAL_SAMPLES: usize = 21;

struct Options {
    latency: Duration,
    concurrency: usize,
    /// The concurrency-1 load costs one round trip per request (~36 s at 20 ms); skippable.
    serial: bool,
    harness_front: bool,
}

fn options() -> Options {
    let mut o = Options {
        latency: Duration::from_millis(20),
        concurrency: 8,
        serial: true,
        harness_front: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut number = |name: &str| -> u64 {
            args.next()
                .and_then(|v| v.parse().ok())
                .unwrap_or_else(|| panic!("{name} needs a number"))
        };
        match arg.as_str() {
            "--latency-ms" => o.latency = Duration::from_millis(number("--latency-ms")),
            "--concurrency" => o.concurrency = number("--concurrency") as usize,
            "--no-serial" => o.serial = false,
            "--front" => match args.next().as_deref() {
                Some("harness") => o.harness_front = true,
                Some("lean") => o.harness_front = false,
                other => panic!("--front harness|lean, not {other:?}"),
            },
            other => panic!(
                "unknown argument {other}; options: --latency-ms N, --concurrency N, \
                 --no-serial, --front harness|lean"
            ),
        }
    }
    o
}

#[tokio::main]
async fn main() {
    let opts = options();
    let registry = TestRegistry::anonymous().await;
    let front = if opts.harness_front {
        Front::Harness(ReferrersFront::start(&registry).await)
    } else {
        Front::Lean(front::LeanFront::start(&registry).await)
    };
    let setup = Instant::now();
    let (pushed, platform) = push_content(&Pusher::new(&front.base_url())).await;
    let setup_time = setup.elapsed();
    eprintln!(
        "graph_load: pushed {pushed} manifests in {:.1} s",
        setup_time.as_secs_f64()
    );
    let answer_costs = answer_costs(&registry, &front, &platform).await;

    front.set_latency(opts.latency);
    let round_trips = round_trips(&front, &platform).await;
    let root: Reference = format!("{}/{REPO}:{TAG}", front.host())
        .parse()
        .expect("reference");
    let warm_dir = tempfile::tempdir().expect("cache dir");
    let cold = |concurrency| GraphOptions {
        concurrency,
        cache: None,
        ..Default::default()
    };

    // (a) cold, the default concurrency; its cache becomes the warm cache of (c) and (d).
    let a = measure(
        &front,
        &root,
        GraphOptions {
            cache: Some(ManifestCache::new(warm_dir.path())),
            ..cold(opts.concurrency)
        },
    )
    .await;
    check(&a.graph, pushed);
    eprintln!("graph_load: (a) cold load in {}", secs(a.time));
    // (b) cold, one request at a time: what a serial walker (oras discover, oras-py) pays.
    let b = if opts.serial {
        let empty = tempfile::tempdir().expect("cache dir");
        let run = measure(
            &front,
            &root,
            GraphOptions {
                cache: Some(ManifestCache::new(empty.path())),
                ..cold(1)
            },
        )
        .await;
        check(&run.graph, pushed);
        eprintln!("graph_load: (b) one-at-a-time load in {}", secs(run.time));
        Some(run)
    } else {
        None
    };
    let warm = GraphOptions {
        cache: Some(ManifestCache::new(warm_dir.path())),
        ..cold(opts.concurrency)
    };
    // (c) the snapshot: resolve the tag, compare the root's referrers, reuse the saved graph.
    let c = measure(
        &front,
        &root,
        GraphOptions {
            reuse_snapshot: true,
            ..warm.clone()
        },
    )
    .await;
    check(&c.graph, pushed);
    // (d) a full reload: manifests by digest from the cache, every referrers list asked again.
    let d = measure(&front, &root, warm).await;
    check(&d.graph, pushed);

    let which = match front {
        Front::Lean(_) => "the benchmark's lean front (tests/kit/src/lean_front.rs)",
        Front::Harness(_) => "the harness's ReferrersFront",
    };
    let mut rows = Rows::new("graph");
    report(&mut rows, &opts, setup_time, &Loads { a, b, c, d }, which);
    rows.text_with(
        "One request at {latency} ms added latency, as a client sees it (median of {samples} in \
         a row): manifest GET by digest {manifest}, referrers GET {referrers}.",
        json!({
            "latency": opts.latency.as_millis() as u64,
            "samples": SERIAL_SAMPLES,
            "manifest": cell::ms(ms(round_trips.0)),
            "referrers": cell::ms(ms(round_trips.1)),
        }),
    );
    rows.text_with(
        "One referrers answer at no added latency, {pushed} manifests in the repository \
         (median of 3): lean front {lean}, harness ReferrersFront {harness}.",
        json!({
            "pushed": pushed,
            "lean": cell::ms(ms(answer_costs.0)),
            "harness": cell::ms(ms(answer_costs.1)),
        }),
    );
}

/// The front the loads go through.
enum Front {
    Lean(front::LeanFront),
    Harness(ReferrersFront),
}

impl Front {
    fn host(&self) -> String {
        match self {
            Front::Lean(f) => f.host(),
            Front::Harness(f) => f.host(),
        }
    }

    fn base_url(&self) -> String {
        match self {
            Front::Lean(f) => f.base_url(),
            Front::Harness(f) => f.base_url(),
        }
    }

    fn set_latency(&self, latency: Duration) {
        match self {
            Front::Lean(f) => f.set_latency(latency),
            Front::Harness(f) => f.set_latency(latency),
        }
    }

    fn requests(&self) -> RequestCounts {
        match self {
            Front::Harness(f) => f.requests(),
            // The same counters over the same routing, compiled twice: copy field by field.
            Front::Lean(f) => {
                let r = f.requests();
                RequestCounts {
                    total: r.total,
                    base: r.base,
                    catalog: r.catalog,
                    tags: r.tags,
                    manifests: r.manifests,
                    blobs: r.blobs,
                    uploads: r.uploads,
                    referrers: r.referrers,
                    other: r.other,
                }
            }
        }
    }
}

/// What one referrers answer for `subject` costs each front, at no added latency (median of 3):
/// the part of every referrers round trip that is the test server's, not the client's.
async fn answer_costs(
    registry: &TestRegistry,
    loads: &Front,
    subject: &Desc,
) -> (Duration, Duration) {
    // Both fronts see the same registry; the harness front finds manifests by scanning it, a
    // lean front only knows what was PUT through it, so a new one is fed by replaying the PUTs.
    let harness_front = ReferrersFront::start(registry).await;
    let mut new_lean = None;
    let lean_url = match loads {
        Front::Lean(f) => f.base_url(),
        Front::Harness(_) => {
            let f = front::LeanFront::start(registry).await;
            replay_referrer_puts(registry, &f.base_url()).await;
            new_lean.insert(f).base_url()
        }
    };
    let http = reqwest::Client::new();
    let mut costs = Vec::new();
    for base in [lean_url, harness_front.base_url()] {
        let url = format!("{base}/v2/{REPO}/referrers/{}", subject.digest);
        let mut times = Vec::new();
        for _ in 0..3 {
            let start = Instant::now();
            let resp = http.get(&url).send().await.expect("referrers GET");
            assert!(resp.status().is_success(), "{url}: {}", resp.status());
            let body: serde_json::Value = resp.json().await.expect("referrers JSON");
            times.push(start.elapsed());
            let n = body["manifests"].as_array().map_or(0, Vec::len);
            assert_eq!(n, REFERRERS_PER_IMAGE, "{url}");
        }
        times.sort();
        costs.push(times[1]);
    }
    (costs[0], costs[1])
}

/// What one round trip really costs through the front with its latency on (median of
/// `SERIAL_SAMPLES` in a row): the bound counts exactly the added latency, and the difference is
/// the loopback stack's own time (front, registry, HTTP, timers), paid once per round trip.
async fn round_trips(front: &Front, subject: &Desc) -> (Duration, Duration) {
    let http = reqwest::Client::new();
    let base = front.base_url();
    let manifest = format!("{base}/v2/{REPO}/manifests/{}", subject.digest);
    let referrers = format!("{base}/v2/{REPO}/referrers/{}", subject.digest);
    let mut medians = Vec::new();
    for url in [manifest, referrers] {
        let mut times = Vec::new();
        for _ in 0..SERIAL_SAMPLES {
            let start = Instant::now();
            let resp = http
                .get(&url)
                .header(reqwest::header::ACCEPT, harness::MANIFEST_ACCEPT)
                .header(reqwest::header::ACCEPT, OCI_INDEX)
                .send()
                .await
                .expect("GET");
            assert!(resp.status().is_success(), "{url}: {}", resp.status());
            resp.bytes().await.expect("body");
            times.push(start.elapsed());
        }
        times.sort();
        medians.push(times[times.len() / 2]);
    }
    (medians[0], medians[1])
}

/// PUTs every stored manifest that has a subject again, through `base_url` (the registry
/// answers 201 to a PUT of bytes it already has), so a new front indexes it.
async fn replay_referrer_puts(registry: &TestRegistry, base_url: &str) {
    let revisions = registry
        .root_dir()
        .join("docker/registry/v2/repositories")
        .join(REPO)
        .join("_manifests/revisions/sha256");
    let http = registry.client();
    let through = Pusher::new(base_url);
    let digests: Vec<String> = std::fs::read_dir(revisions)
        .expect("revisions")
        .flatten()
        .map(|e| format!("sha256:{}", e.file_name().to_string_lossy()))
        .collect();
    stream::iter(digests)
        .for_each_concurrent(PUSH_TASKS, |digest| {
            let (http, through) = (&http, &through);
            let url = format!("{}/v2/{REPO}/manifests/{digest}", registry.base_url());
            async move {
                let resp = http
                    .get(&url)
                    .header(reqwest::header::ACCEPT, harness::MANIFEST_ACCEPT)
                    .send()
                    .await
                    .expect("manifest GET");
                let manifest: serde_json::Value = resp.json().await.expect("manifest JSON");
                if manifest.get("subject").is_some() {
                    through.put_json(REPO, &digest, &manifest).await;
                }
            }
        })
        .await;
}

/// The four loads: (a) cold, (b) cold one at a time (unless `--no-serial`), (c) warm from the
/// snapshot, (d) warm without it.
struct Loads {
    a: Run,
    b: Option<Run>,
    c: Run,
    d: Run,
}

/// One timed load.
struct Run {
    graph: Graph,
    time: Duration,
    requests: RequestCounts,
    /// The HTTPS-then-HTTP probe of a fresh client, done before the timer starts.
    probe_time: Duration,
    probe: RequestCounts,
    concurrency: usize,
    cached: bool,
}

/// A fresh client per load, as each `stowage graph` process has; like the CLI with
/// `DOCKER_CONFIG` empty, it has no credentials.
async fn client(host: &str) -> Arc<Registry> {
    let credentials = Credentials::new("stowage-bench", None, Vec::new()).without_keyring();
    Client::new(Settings::default(), credentials)
        .registry(host)
        .await
        .expect("registry client")
}

async fn measure(front: &Front, root: &Reference, options: GraphOptions) -> Run {
    let registry = client(&front.host()).await;
    // The loopback scheme probe happens once per client, on its first URL; done here so the
    // load's time is only the walk, and the probe is reported on its own.
    let before = front.requests();
    let start = Instant::now();
    registry.url("").await.expect("scheme probe");
    let probe_time = start.elapsed();
    let probe = diff(front.requests(), before);

    let before = front.requests();
    let start = Instant::now();
    let graph = graph::load(registry, root, &options)
        .await
        .expect("graph load");
    let time = start.elapsed();
    Run {
        graph,
        time,
        requests: diff(front.requests(), before),
        probe_time,
        probe,
        concurrency: options.concurrency,
        cached: options.cache.is_some(),
    }
}

fn check(g: &Graph, manifests: usize) {
    assert!(!g.truncated, "graph truncated");
    assert!(g.warnings.is_empty(), "warnings: {:?}", g.warnings);
    let found = g.nodes.iter().filter(|n| is_manifest(n.kind)).count();
    assert_eq!(found, manifests, "manifest nodes in the graph");
}

fn is_manifest(kind: NodeKind) -> bool {
    !matches!(kind, NodeKind::Config | NodeKind::Layer)
}

fn diff(after: RequestCounts, before: RequestCounts) -> RequestCounts {
    RequestCounts {
        total: after.total - before.total,
        base: after.base - before.base,
        catalog: after.catalog - before.catalog,
        tags: after.tags - before.tags,
        manifests: after.manifests - before.manifests,
        blobs: after.blobs - before.blobs,
        uploads: after.uploads - before.uploads,
        referrers: after.referrers - before.referrers,
        other: after.other - before.other,
    }
}

/// Requests per dependency level of a walk of `g`: level 0 holds the root's manifest GET and the
/// tag list, level 1 the root's referrers; a manifest at depth d ≥ 1 puts its manifest GET
/// (unless it comes from the cache) and its referrers GET at level d, since both can only start
/// once the answer that named it arrived.
fn levels(g: &Graph, manifests_cached: bool) -> Vec<u64> {
    let mut depth: HashMap<&Digest, usize> = HashMap::from([(&g.root, 0)]);
    let mut queue = VecDeque::from([&g.root]);
    let mut children: HashMap<&Digest, Vec<&Digest>> = HashMap::new();
    for e in &g.edges {
        if matches!(e.kind, EdgeKind::Child | EdgeKind::Referrer) {
            children.entry(&e.from).or_default().push(&e.to);
        }
    }
    while let Some(d) = queue.pop_front() {
        let next = depth[d] + 1;
        for c in children.get(d).into_iter().flatten() {
            if !depth.contains_key(c) {
                depth.insert(c, next);
                queue.push_back(c);
            }
        }
    }
    let max = depth.values().copied().max().unwrap_or(0);
    let mut per_level = vec![0u64; max.max(1) + 1];
    per_level[0] = 2;
    per_level[1] += 1;
    for (_, &d) in depth.iter().filter(|(_, &d)| d > 0) {
        per_level[d] += if manifests_cached { 1 } else { 2 };
    }
    per_level
}

/// Σ ceil(requests at level / concurrency) × latency: no walk at this concurrency can be faster.
fn bound(per_level: &[u64], concurrency: usize, latency: Duration) -> Duration {
    let trips: u64 = per_level
        .iter()
        .map(|n| n.div_ceil(concurrency as u64))
        .sum();
    latency * trips as u32
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn secs(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

fn requests(r: &RequestCounts) -> String {
    let kinds = [
        ("manifests", r.manifests),
        ("referrers", r.referrers),
        ("tags", r.tags),
        ("blobs", r.blobs),
        ("catalog", r.catalog),
        ("uploads", r.uploads),
        ("other", r.other),
    ];
    let parts: Vec<String> = kinds
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(k, n)| format!("{n} {k}"))
        .collect();
    let walk = r.total - r.base;
    format!("{walk} ({})", parts.join(", "))
}

/// The report's rows: the heading, the graph, the table of the four loads against their
/// round-trip bounds, and the scheme probes left out of the times.
fn report(rows: &mut Rows, opts: &Options, setup: Duration, loads: &Loads, front: &str) {
    let Loads { a, b, c, d } = loads;
    let b = b.as_ref();
    let g = &a.graph;
    let manifests = g.nodes.iter().filter(|n| is_manifest(n.kind)).count();
    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    for n in &g.nodes {
        *kinds
            .entry(format!("{:?}", n.kind).to_lowercase())
            .or_default() += 1;
    }
    let kinds: Vec<String> = kinds.iter().map(|(k, n)| format!("{n} {k}")).collect();
    let latency = opts.latency;

    rows.title(&format!(
        "Graph load: {} nodes behind a {} ms-per-request front",
        g.nodes.len(),
        latency.as_millis()
    ));
    rows.text_with(
        "Graph: {nodes} nodes ({kinds}), {edges} edges, {manifests} manifests, depth {depth}. \
         Served through {front}. Setup (push through the front, no latency): {setup}.",
        json!({
            "nodes": g.nodes.len(),
            "kinds": kinds.join(", "),
            "edges": g.edges.len(),
            "manifests": manifests,
            "depth": levels(g, false).len() - 1,
            "front": front,
            "setup": cell::s(setup.as_secs_f64()),
        }),
    );
    rows.table(&[
        "load",
        "concurrency",
        "requests (by kind)",
        "round-trip bound",
        "round trips of the bound",
        "measured",
        "ratio to bound",
    ]);
    let mut row = |name: &str, run: &Run, bound: Duration, trips: String| {
        rows.row(vec![
            json!(name),
            json!(run.concurrency),
            json!(requests(&run.requests)),
            cell::s(bound.as_secs_f64()),
            json!(trips),
            cell::s(run.time.as_secs_f64()),
            cell::x(run.time.as_secs_f64() / bound.as_secs_f64()),
        ]);
    };
    let walk = |run: &Run, cached_manifests: bool| {
        let per_level = levels(&run.graph, cached_manifests);
        let trips = format!(
            "{} levels: {}",
            per_level.len(),
            per_level
                .iter()
                .map(u64::to_string)
                .collect::<Vec<_>>()
                .join("/")
        );
        (bound(&per_level, run.concurrency, latency), trips)
    };
    let (bound_a, trips) = walk(a, false);
    row("(a) cold", a, bound_a, trips);
    if let Some(b) = b {
        let (bound_b, trips) = walk(b, false);
        row("(b) cold, one at a time", b, bound_b, trips);
    }
    row(
        "(c) warm, snapshot",
        c,
        latency * 2,
        "2 round trips: tag, root referrers".into(),
    );
    let (bound_d, trips) = walk(d, true);
    row("(d) warm, full reload", d, bound_d, trips);

    let probed: Vec<&Run> = [Some(a), b, Some(c), Some(d)]
        .into_iter()
        .flatten()
        .collect();
    let mut values = serde_json::Map::new();
    let mut per_load = Vec::new();
    for (i, r) in probed.iter().enumerate() {
        per_load.push(format!("{{requests{i}}} request(s), {{time{i}}}"));
        values.insert(format!("requests{i}"), json!(r.probe.base));
        values.insert(format!("time{i}"), cell::s(r.probe_time.as_secs_f64()));
    }
    rows.text_with(
        &format!(
            "Not in the times above: each fresh client first probes the loopback host's scheme \
             (`/v2/` over HTTPS, then HTTP); per load: {}.",
            per_load.join("; ")
        ),
        serde_json::Value::Object(values),
    );
    assert!(a.cached && c.cached && d.cached);
}
