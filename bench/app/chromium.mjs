// The app benchmark's reference (bench/app/main.rs): the same UI, built with mocked IPC for the
// screen tests (ui/tests/screens), in Chromium through playwright-core, given the graph and the
// tags the app gets from the registry. The same steps and the same performance measures as in
// the app's webview; one line of JSON per round on stdout.
//
// Usage: node chromium.mjs '{"ui": DIR, "graph": FILE, "tags": FILE, "rounds": N, "panMs": MS,
//                            "chromium": PATH, "width": W, "height": H, "shots": DIR,
//                            "profile": false}'
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

const args = JSON.parse(process.argv[2]);
// playwright-core is one of the UI's dev dependencies; take it from there.
const { chromium } = createRequire(`${args.ui}/package.json`)("playwright-core");
const { serve } = await import(pathToFileURL(`${args.ui}/tests/screens/server.mjs`).href);

const graph = JSON.parse(await readFile(args.graph, "utf8"));
const tags = JSON.parse(await readFile(args.tags, "utf8"));

// Runs in the page before the app: wraps whatever invoke the mocks install, answering the
// commands the benchmark steps use with the benchmark's data and leaving the rest to the mocks.
function installOverrides({ graph, tags }) {
  const zero = "sha256:" + "0".repeat(64);
  const overrides = {
    sources: () => [
      { id: "local", kind: "local", name: "Local store", origin: "local", signedIn: true, username: null, credentialFrom: null, insecure: false, customCa: false },
    ],
    repositories: () => ({ repositories: ["bench", "many"], recent: [], catalog: "listed", message: null }),
    tags: (a) => (a.repository === "many" ? tags : ["v1"]),
    tag_summaries: (a) => a.tags.map((tag) => ({ tag, digest: zero, signed: false, sbom: false, attestation: false, error: null })),
    // As the app does it: the nodes arrive through the channel, then the whole graph.
    load_graph: async (a) => {
      window.__TAURI_INTERNALS__.runCallback(a.events.id, { index: 0, message: { type: "nodes", nodes: graph.nodes, edges: graph.edges } });
      await new Promise((r) => setTimeout(r, 0));
      return graph;
    },
  };
  let inner = null;
  const wrapped = async (cmd, a, options) => {
    const own = overrides[cmd];
    if (own) return own(a ?? {});
    return inner(cmd, a, options);
  };
  const internals = {};
  Object.defineProperty(internals, "invoke", {
    configurable: true,
    enumerable: true,
    get: () => wrapped,
    set: (f) => {
      inner = f;
    },
  });
  window.__TAURI_INTERNALS__ = internals;
}

const marks = (page) => page.evaluate(() => window.__stowagePerf.marks);
const now = (page) => page.evaluate(() => performance.now());
async function waitMark(page, name, after) {
  await page.waitForFunction(
    ([name, after]) => window.__stowagePerf.marks.some((m) => m.name === name && m.startTime >= after),
    [name, after],
    { timeout: 180_000 },
  );
  return (await marks(page)).find((m) => m.name === name && m.startTime >= after);
}
const row = (page, list, cls, text) =>
  page.locator(`[data-testid=${list}] [role=option]`).filter({ has: page.locator(cls, { hasText: new RegExp(`^${text.replace(/\./g, "\\.")}$`) }) });

const server = await serve(`${args.ui}/dist-screens`);
const browser = await chromium.launch({ executablePath: args.chromium, args: ["--no-sandbox", "--disable-gpu"] });
try {
  await mkdir(args.shots, { recursive: true });
  for (let round = 0; round < args.rounds; round++) {
    const context = await browser.newContext({ viewport: { width: args.width, height: args.height }, deviceScaleFactor: 1 });
    const page = await context.newPage();
    const problems = [];
    page.on("pageerror", (e) => problems.push(e.message));
    await page.addInitScript(installOverrides, { graph, tags });
    await page.goto(`${server.url}/tests/screens/index.html`);
    await page.locator('[data-testid=sources] [data-source="local"]').waitFor();
    await row(page, "repo-list", ".repo-name", "bench").click();
    await row(page, "tag-list", ".tag", "v1").waitFor();

    // On request, a CPU profile of the first round's graph opening, for Chrome's DevTools.
    const cdp = args.profile && round === 0 ? await context.newCDPSession(page) : null;
    if (cdp) {
      await cdp.send("Profiler.enable");
      await cdp.send("Profiler.start");
    }
    const graphClicked = await now(page);
    await row(page, "tag-list", ".tag", "v1").click();
    const first = await waitMark(page, "graph:first-render", graphClicked);
    if (cdp) {
      const { profile } = await cdp.send("Profiler.stop");
      await writeFile(`${args.shots}/chromium-graph.cpuprofile`, JSON.stringify(profile));
    }
    const layouts = (await marks(page)).filter((m) => m.name === "graph:layout" && m.startTime >= graphClicked);
    const drawn = layouts.find((m) => m.startTime >= first.startTime) ?? layouts[layouts.length - 1];
    if (round === 0) await page.screenshot({ path: `${args.shots}/chromium-graph.png` });
    const pan = await page.evaluate((ms) => window.__stowagePerf.panProbe(ms), args.panMs);

    await page.locator("[aria-label='Back to repositories']").click();
    const tagsClicked = await now(page);
    await row(page, "repo-list", ".repo-name", "many").click();
    const tagsOpen = await waitMark(page, "tags:open", tagsClicked);
    const rows = await page.locator("[data-testid=tag-list]").getAttribute("data-rows");
    if (Number(rows) !== tags.length) throw new Error(`the tag list holds ${rows} tags, not ${tags.length}`);
    if (problems.length) throw new Error(`page errors: ${problems.join("; ")}`);
    console.log(
      JSON.stringify({
        layout: drawn.duration,
        layouts: layouts.length,
        firstRender: first.duration,
        clickToGraph: first.startTime + first.duration - graphClicked,
        pan,
        tagsOpen: tagsOpen.duration,
        clickToTags: tagsOpen.startTime + tagsOpen.duration - tagsClicked,
        version: browser.version(),
      }),
    );
    await context.close();
  }
} finally {
  await browser.close();
  await server.close();
}
