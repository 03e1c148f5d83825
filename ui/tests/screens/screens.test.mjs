// Screen tests: the real build with mocked IPC, in Debian's Chromium through playwright-core (no
// browser download). Screenshots go to ui/test-results/screens/ for a person to look at.
import assert from "node:assert/strict";
import { mkdir } from "node:fs/promises";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { serve } from "./server.mjs";

const ui = fileURLToPath(new URL("../..", import.meta.url));
const shots = `${ui}test-results/screens`;
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";

/** @type {import("playwright-core").Browser} */
let browser;
/** @type {{ url: string, close: () => Promise<unknown> }} */
let server;

before(async () => {
  await mkdir(shots, { recursive: true });
  server = await serve(`${ui}dist-screens`);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu"] });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/**
 * Opens the app with mocked IPC; every console error, page error or CSP violation fails the test.
 * @param {{ dark?: boolean, query?: string, width?: number, height?: number }} [opts]
 */
async function open(opts = {}) {
  const context = await browser.newContext({
    viewport: { width: opts.width ?? 1440, height: opts.height ?? 900 },
    colorScheme: opts.dark ? "dark" : "light",
    deviceScaleFactor: 1,
  });
  const page = await context.newPage();
  /** @type {string[]} */
  const problems = [];
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page: ${e.message}`));
  await page.goto(`${server.url}/tests/screens/index.html${opts.query ?? ""}`);
  await page.locator('[data-source="local"]').waitFor();
  return {
    page,
    problems,
    async done() {
      await context.close();
      assert.deepEqual(problems, [], "no console errors, page errors or CSP violations");
    },
  };
}

/** @param {import("playwright-core").Page} page @param {string} name */
async function shot(page, name) {
  await page.waitForTimeout(150);
  await page.screenshot({ path: `${shots}/${name}.png` });
}

/** @param {import("playwright-core").Page} page */
async function openDemoGraph(page, tag = "v1") {
  await page.locator('[data-source="localhost:5000"]').click();
  await page.getByTestId("repo-list").getByText("demo/app", { exact: true }).click();
  await page.getByTestId("tag-list").getByText(tag, { exact: true }).click();
  await page.waitForSelector('[data-testid="graph-status"][data-status="done"]');
  // Wait until a layout computed after the final data has been applied.
  await page.waitForFunction(() => {
    const marks = /** @type {any} */ (window).__stowagePerf.marks;
    return marks.some((/** @type {{name: string}} */ m) => m.name === "graph:first-render");
  });
}

/** The drawn nodes, read once nothing is animating. @param {import("playwright-core").Page} page */
async function graphNodes(page) {
  await page.waitForFunction(() => !(/** @type {any} */ (window).__stowageGraph.animating()));
  return page.evaluate(() => /** @type {any} */ (window).__stowageGraph.nodes());
}

describe("screens", () => {
  test("sidebar lists the Local store first, then two registries with their sign-in state", async () => {
    const app = await open();
    const { page } = app;
    const items = page.locator("[data-source]");
    assert.equal(await items.count(), 3);
    assert.deepEqual(await items.evaluateAll((els) => els.map((e) => e.getAttribute("data-source"))), ["local", "localhost:5000", "ghcr.io"]);
    assert.match(await items.nth(1).innerText(), /signed in as alice/);
    assert.match(await items.nth(2).innerText(), /anonymous/);
    // The Local store is selected first and is empty: the empty state says what to do.
    await page.getByText("The Local store is empty").waitFor();
    assert.match(await page.locator(".repos").innerText(), /stowage push oci:/);
    await shot(page, "01-sidebar-local-empty");
    await app.done();
  });

  test("the reference box opens any reference in one step, refuses nonsense where it is typed", async () => {
    const app = await open();
    const { page } = app;
    await page.keyboard.press("Control+l");
    const box = page.locator("[data-reference-box]");
    assert.equal(await page.evaluate(() => document.activeElement?.hasAttribute("data-reference-box")), true);
    await box.fill("not a ref!!@@sha256:xyz");
    await box.press("Enter");
    await page.getByTestId("reference-error").waitFor();
    assert.match(await page.getByTestId("reference-error").innerText(), /invalid reference/);
    await shot(page, "01b-reference-box-refuses");
    await box.fill("localhost:5000/demo/app:v1");
    await box.press("Enter");
    await page.waitForSelector('[data-testid="graph-status"][data-status="done"]');
    assert.equal(await page.locator('[data-source="localhost:5000"]').getAttribute("class").then((c) => /selected/.test(c ?? "")), true);
    // A registry not in the sidebar comes for this session, named as the core names it.
    await box.fill("alpine");
    await box.press("Enter");
    const opened = page.locator('[data-source="docker.io"]');
    await opened.waitFor();
    assert.match(await opened.innerText(), /not kept/);
    await page.locator(".navigator").getByText("library/alpine").first().waitFor();
    await shot(page, "01c-reference-box-opened-source");
    await app.done();
  });

  test("a layout folder opens read-only as a source, and closes", async () => {
    const app = await open();
    const { page } = app;
    await page.getByTestId("open-layout-folder").click();
    const row = page.locator('[data-source="layout:/home/alice/src/site/oci-layout-out"]');
    await row.waitFor();
    assert.match(await row.innerText(), /oci-layout-out[\s\S]*read-only · not kept/);
    await page.getByTestId("repo-list").getByText("oci-layout-out", { exact: true }).click();
    await page.getByTestId("tag-list").getByText("v1", { exact: true }).waitFor();
    await shot(page, "01d-layout-source");
    await row.getByRole("button", { name: /Actions for/ }).click();
    await page.getByTestId("close-layout").click();
    await row.waitFor({ state: "detached" });
    assert.match(await page.locator("nav").innerText(), /Local store/);
    await app.done();
  });

  test("a restart comes back to the source and repository the user was in", async () => {
    const app = await open();
    const { page } = app;
    await page.locator('[data-source="localhost:5000"]').click();
    await page.getByTestId("repo-list").getByText("demo/app", { exact: true }).click();
    await page.getByTestId("tag-list").getByText("v1", { exact: true }).waitFor();
    await page.reload();
    await page.getByTestId("tag-list").getByText("v1", { exact: true }).waitFor();
    assert.match((await page.locator('[data-source="localhost:5000"]').getAttribute("class")) ?? "", /selected/);
    await app.done();
  });

  test("add-registry dialog says plainly that the password is wrong", async () => {
    const app = await open();
    const { page } = app;
    await page.getByTestId("add-registry-button").click();
    const dialog = page.getByTestId("add-registry");
    await dialog.waitFor();
    await dialog.getByLabel("Registry host").fill("registry.example.com");
    await dialog.getByLabel("Username").fill("bob");
    await dialog.getByLabel("Password or token").fill("wrong");
    await dialog.getByText("Choose file…").click();
    await dialog.getByText("/etc/ssl/certs/registry-ca.pem").waitFor();
    // The shell's dialog picked it (and granted it): add_registry refuses a CA file picked any other way.
    const picks = await page.evaluate(() => /** @type {any} */ (window).__mock.calls.filter((/** @type {any} */ c) => c.cmd === "pick_ca_file").length);
    assert.equal(picks, 1);
    await dialog.getByRole("button", { name: "Verify and save" }).click();
    const alert = dialog.getByRole("alert");
    await alert.waitFor();
    assert.equal(await alert.getAttribute("data-code"), "unauthorized");
    assert.match(await alert.innerText(), /Wrong username or password/);
    await shot(page, "02-add-registry-wrong-password");
    // The password never went anywhere but add_registry, and the dialog is still open to retry.
    assert.ok(await dialog.isVisible());
    await dialog.getByLabel("Password or token").fill("right");
    await dialog.getByRole("button", { name: "Verify and save" }).click();
    await page.locator('[data-source="registry.example.com"]').waitFor();
    assert.ok(!(await dialog.isVisible()));
    assert.match(await page.locator('[data-source="registry.example.com"]').innerText(), /signed in as bob/);
    await app.done();
  });

  test("a denied catalog asks for a repository by name and shows recent ones", async () => {
    const app = await open();
    const { page } = app;
    await page.locator('[data-source="ghcr.io"]').click();
    const form = page.getByTestId("open-by-name");
    await form.waitFor();
    assert.match(await form.innerText(), /Open a repository by name/);
    assert.match(await form.innerText(), /does not let anonymous users list/);
    assert.match(await page.getByTestId("recent").innerText(), /acme\/tool/);
    await shot(page, "03-catalog-denied");
    await form.getByLabel("Repository name").fill("acme/other");
    await form.getByRole("button", { name: "Open" }).click();
    await page.getByTestId("tag-list").waitFor();
    const calls = await page.evaluate(() => /** @type {any} */ (window).__mock.calls.filter((/** @type {any} */ c) => c.cmd === "tags"));
    assert.deepEqual(calls.at(-1).args, { source: "ghcr.io", repository: "acme/other" });
    await app.done();
  });

  test("10,000 tags: windowed, filterable, digest tags hidden, badges for the rows in view", async () => {
    const app = await open();
    const { page } = app;
    await page.locator('[data-source="localhost:5000"]').click();
    await page.getByTestId("repo-list").getByText("big/app", { exact: true }).click();
    const list = page.getByTestId("tag-list");
    await list.waitFor();
    assert.equal(await page.getByTestId("tag-count").innerText(), "10,000 of 10,400 tags");
    const rows = list.locator('[role="option"]');
    assert.ok((await rows.count()) < 100, `rendered ${await rows.count()} rows`);
    // Scroll to the middle: other rows are drawn, and their badges arrive.
    await list.evaluate((el) => (el.scrollTop = 5000 * 30));
    await page.waitForFunction(() => document.querySelector('[data-testid="tag-list"] [role="option"]')?.textContent?.includes("1.4"));
    await page.waitForSelector('[data-testid="tag-list"] .badge');
    const firstVisible = await rows.first().innerText();
    assert.match(firstVisible, /^1\.(4[0-9])\./);
    const summaryCalls = await page.evaluate(() => /** @type {any} */ (window).__mock.summaryCalls);
    assert.ok(summaryCalls >= 1 && summaryCalls <= 4, `tag_summaries calls: ${summaryCalls}`);
    const asked = await page.evaluate(() => /** @type {any} */ (window).__mock.calls.filter((/** @type {any} */ c) => c.cmd === "tag_summaries").at(-1).args.tags.length);
    assert.ok(asked < 100, `asked for ${asked} tags at once`);
    await shot(page, "04-tags-10000");
    // Digest tags appear only when asked for.
    await page.getByTestId("digest-toggle").check();
    assert.equal(await page.getByTestId("tag-count").innerText(), "10,400 of 10,400 tags");
    // Each says what it is, and rows that differ only at the end of the hex still look different.
    await page.getByTestId("tag-filter").fill("sha256-");
    await page.waitForFunction(() => document.querySelector('[data-testid="tag-count"]')?.textContent?.trim().startsWith("400 of"));
    const kinds = await list.getByTestId("digest-tag-kind").allInnerTexts();
    for (const kind of ["cosign signature", "cosign attestation", "cosign SBOM", "referrers index"]) assert.ok(kinds.includes(kind), kind);
    const tails = await list.locator(".digest-tag .tail").evaluateAll((els) => els.map((e) => e.getBoundingClientRect().right <= /** @type {HTMLElement} */ (e.closest('[role="option"]')).getBoundingClientRect().right));
    assert.ok(tails.every(Boolean), "every suffix is on screen");
    await page.mouse.move(10, 10);
    await shot(page, "04b-tags-digest");
    // From the filter, ↓ then Enter opens the highlighted tag.
    await page.getByTestId("tag-filter").fill(".sig");
    await page.waitForFunction(() => document.querySelector('[data-testid="tag-count"]')?.textContent?.trim().startsWith("100 of"));
    await page.getByTestId("digest-toggle").uncheck();
    await page.getByText("No tag matches").waitFor();
    await page.getByTestId("tag-filter").fill("1.50.1");
    await page.getByTestId("tag-order").selectOption("version");
    await page.getByTestId("tag-filter").focus();
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowDown");
    assert.equal(await list.locator('[aria-selected="true"] .tag').innerText(), "1.50.18");
    await shot(page, "04c-tags-keyboard-by-version");
    await page.keyboard.press("Enter");
    await page.waitForSelector('[data-testid="graph-title"]');
    assert.match(await page.getByTestId("graph-title").innerText(), /big\/app:1\.50\.18$/);
    const perf = await page.evaluate(() => /** @type {any} */ (window).__stowagePerf.marks.map((/** @type {any} */ m) => m.name));
    assert.ok(perf.includes("tags:open"));
    await app.done();
  });

  test("graph of a multi-arch index: platforms, layers, signature, SBOM and its referrer; details", async () => {
    const app = await open();
    const { page } = app;
    await openDemoGraph(page);
    const canvas = page.locator(".graph-canvas");
    // 16 core nodes drawn (arm64's 6 config and layer blobs fold into one node) + the tag + "+6".
    const nodes = await graphNodes(page);
    const kinds = nodes.map((/** @type {any} */ n) => n.kind).sort();
    assert.deepEqual(kinds, ["artifact", "attestation", "config", "config", "image", "image", "index", "layer", "layer", "layer", "layer", "layers", "sbom", "signature", "signature", "tag"]);
    assert.equal(await canvas.getAttribute("data-nodes"), "16");
    assert.equal(await canvas.getAttribute("data-edges"), "16");
    const edges = await page.evaluate(() => /** @type {any} */ (window).__stowageGraph.edges().map((/** @type {any} */ e) => e.label).sort());
    for (const label of ["index", "config", "layer", "referrers API", "cosign tag", "buildx", "tag schema", "config, layers"]) {
      assert.ok(edges.includes(label), `edge label ${label}`);
    }
    // Nodes do not overlap after layout.
    for (let i = 0; i < nodes.length; i++)
      for (let j = i + 1; j < nodes.length; j++) {
        const a = nodes[i].box;
        const b = nodes[j].box;
        const apart = a.x2 <= b.x1 || b.x2 <= a.x1 || a.y2 <= b.y1 || b.y2 <= a.y1;
        assert.ok(apart, `nodes ${nodes[i].label} and ${nodes[j].label} overlap`);
      }
    // The warning banner and the broken referrer's error.
    assert.match(await page.getByTestId("warnings").innerText(), /1 warning/);
    const broken = nodes.find((/** @type {any} */ n) => n.kind === "artifact");
    assert.match(broken.classes.join(" "), /error/);
    await shot(page, "05-graph");

    // Click the SBOM node on the canvas: its SBOM shows (sbom.test.mjs); its Details tab has the rest.
    const sbom = nodes.find((/** @type {any} */ n) => n.kind === "sbom");
    const box = await canvas.boundingBox();
    assert.ok(box);
    await page.mouse.click(box.x + sbom.rendered.x, box.y + sbom.rendered.y);
    await page.getByTestId("sbom-view").waitFor();
    await page.getByTestId("details-tab").click();
    const details = page.getByTestId("details");
    await details.waitFor();
    assert.equal(await details.getAttribute("data-node"), sbom.id);
    const text = await details.innerText();
    assert.match(text, /application\/spdx\+json/);
    assert.match(text, /712 B/);
    assert.match(text, /via referrers API/);
    assert.match(await page.getByTestId("detail-reference").innerText(), new RegExp(`^localhost:5000/demo/app@${sbom.id}$`));
    assert.equal(await page.getByTestId("detail-command").first().innerText(), `stowage manifest localhost:5000/demo/app@${sbom.id}`);
    // The later copy of the node (with a title annotation) replaced the first one.
    assert.match(await page.getByTestId("annotations").innerText(), /sbom\.spdx\.json/);
    // Untrusted annotation text is shown as text, never as markup.
    assert.match(await page.getByTestId("annotations").innerText(), /<script>alert\(1\)<\/script>/);
    const raw = page.getByTestId("raw-json");
    await raw.waitFor();
    assert.match(await raw.innerText(), /"artifactType": "application\/spdx\+json"/);
    assert.ok((await raw.locator(".j-key").count()) > 3, "keys are highlighted");
    await shot(page, "06-graph-details-sbom");
    await details.getByRole("button", { name: "As served" }).click();
    assert.ok(!(await raw.innerText()).includes("\n"), "as served is the compact text");

    // Keyboard: the canvas has focus; → moves to a node the SBOM links to, on its right; ← comes
    // back to a node on the left that links to that one.
    /** @param {string} id */
    const at = async (id) => (await graphNodes(page)).find((/** @type {any} */ n) => n.id === id);
    /** @param {string} a @param {string} b */
    const linked = async (a, b) =>
      (await page.evaluate(() => /** @type {any} */ (window).__stowageGraph.edges())).some(
        (/** @type {any} */ e) => (e.source === a && e.target === b) || (e.source === b && e.target === a),
      );
    // The details panel narrowed the canvas and the view moved to keep the SBOM in sight.
    const sbomNow = await at(sbom.id);
    await page.mouse.click(box.x + sbomNow.rendered.x, box.y + sbomNow.rendered.y);
    assert.equal(await details.getAttribute("data-node"), sbom.id);
    await page.keyboard.press("ArrowRight");
    const right = /** @type {string} */ (await details.getAttribute("data-node"));
    assert.notEqual(right, sbom.id);
    assert.ok(await linked(sbom.id, right), "→ moved along an edge");
    assert.ok((await at(right)).position.x > sbom.position.x, "→ moved right");
    await page.keyboard.press("ArrowLeft");
    const left = /** @type {string} */ (await details.getAttribute("data-node"));
    assert.ok(await linked(right, left), "← moved along an edge");
    assert.ok((await at(left)).position.x < (await at(right)).position.x, "← moved left");
    await page.keyboard.press("Escape");
    await details.waitFor({ state: "detached" });

    // Search dims what does not match: "spdx" finds the SBOM (and the SBOM layer, by media type).
    await page.keyboard.press("/");
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("data-testid")), "graph-search");
    await page.keyboard.type("spdx");
    await page.waitForFunction(() => /2 matches/.test(document.querySelector('[data-testid="graph-matches"]')?.textContent ?? ""));
    const matched = (await graphNodes(page)).filter((/** @type {any} */ n) => n.classes.includes("match"));
    assert.deepEqual(matched.map((/** @type {any} */ n) => n.kind).sort(), ["layer", "sbom"]);
    await shot(page, "07-graph-search");
    // A match inside folded layers lights the "+N" node that stands for them.
    await page.getByTestId("graph-search").fill("tar+gzip");
    await page.waitForFunction(() => /3 matches/.test(document.querySelector('[data-testid="graph-matches"]')?.textContent ?? ""));
    const layerHits = (await graphNodes(page)).filter((/** @type {any} */ n) => n.classes.includes("match"));
    assert.deepEqual(layerHits.map((/** @type {any} */ n) => n.kind).sort(), ["layer", "layer", "layers"]);
    await page.getByTestId("graph-search").fill("");

    // Unfold arm64's layers: 6 more nodes, the summary goes away.
    const folded = nodes.find((/** @type {any} */ n) => n.kind === "layers");
    const layoutsBefore = await page.evaluate(() => /** @type {any} */ (window).__stowageGraph.layouts);
    await page.evaluate((id) => /** @type {any} */ (window).__stowageGraph.toggle(id), folded.id);
    await page.waitForFunction(() => document.querySelector(".graph-canvas")?.getAttribute("data-nodes") === "21");
    await page.waitForFunction((n) => /** @type {any} */ (window).__stowageGraph.layouts > n, layoutsBefore);
    const unfolded = await graphNodes(page);
    assert.equal(unfolded.filter((/** @type {any} */ n) => n.kind === "layer").length, 9);
    await shot(page, "08-graph-unfolded");

    // Export: PNG data is base64 without a data: prefix, SVG and JSON are text.
    for (const [label, format] of [["PNG image", "png"], ["SVG drawing", "svg"], ["JSON data", "json"]]) {
      await page.getByRole("button", { name: "Export ▾" }).click();
      await page.getByRole("menuitem", { name: label }).click();
      await page.getByText(`Saved /home/user/Pictures/app-v1.${format}`).waitFor();
    }
    const exports = await page.evaluate(() => /** @type {any} */ (window).__mock.calls.filter((/** @type {any} */ c) => c.cmd === "export_graph").map((/** @type {any} */ c) => c.args));
    assert.equal(exports.length, 3);
    // The name suggested is a stem: the shell adds the extension (once).
    assert.deepEqual(exports.map((/** @type {any} */ e) => e.name), ["app-v1", "app-v1", "app-v1"]);
    assert.match(exports[0].data, /^iVBORw0KGgo/);
    assert.match(exports[1].data, /^<svg /);
    assert.ok(exports[1].data.includes("referrers API"));
    assert.equal(JSON.parse(exports[2].data).root, nodes.find((/** @type {any} */ n) => n.kind === "index").id);

    // The cosign signature's details say who its certificate names, and that nothing checked it.
    const card = page.getByTestId("signature");
    for (const sig of nodes.filter((/** @type {any} */ n) => n.kind === "signature")) {
      await page.evaluate((id) => /** @type {any} */ (window).__stowageGraph.select(id), sig.id);
      await card.waitFor();
      if ((await card.innerText()).includes("cosign signature")) break;
    }
    assert.equal(await page.getByTestId("signature-status").innerText(), "not checked");
    const said = await card.innerText();
    assert.match(said, /Signed by https:\/\/github\.com\/demo\/app\/\.github\/workflows\/release\.yml@refs\/tags\/v1\.4\.2/);
    assert.match(said, /as the certificate claims/);
    assert.match(said, /Source repository URI\s+https:\/\/github\.com\/demo\/app/);
    assert.match(await page.getByTestId("signature-reason").innerText(), /checks out against Sigstore public good .* but no identity is trusted/);
    await shot(page, "06b-graph-details-signature");

    // Trusting its signer is one click; the card checks again and says what verified it.
    await page.getByTestId("trust-signer").click();
    await page.getByTestId("signature-status").getByText("verified", { exact: true }).waitFor();
    assert.match(await page.getByTestId("signature-by").innerText(), /^Verified by https:\/\/github\.com\/demo\/app\/.*\(issuer https:\/\/token\.actions\.githubusercontent\.com\), through Sigstore public good\.$/);
    assert.equal(await page.getByTestId("trust-signer").count(), 0);
    assert.doesNotMatch(await card.innerText(), /as the certificate claims/);
    // The graph marks the node too, checked again in the background when the trust changed.
    const cosignNode = async () =>
      page.evaluate(() => /** @type {any} */ (window).__stowageGraph.nodes().find((/** @type {any} */ n) => n.label.includes("Signature · cosign")));
    await page.waitForFunction(() => /** @type {any} */ (window).__stowageGraph.nodes().some((/** @type {any} */ n) => n.label.startsWith("✓ Signature · cosign")));
    assert.match((await cosignNode()).classes.join(" "), /\bverified\b/);
    await shot(page, "06c-graph-details-signature-verified");

    // The Trust dialog lists that signer; a pasted key and a picked root join it; a bad key is
    // refused with the reason, and removing the signer puts the card back to "not checked".
    await page.getByTestId("trust-button").click();
    const trust = page.getByTestId("trust-dialog");
    await trust.getByTestId("trusted-identities").getByText("GitHub Actions").waitFor();
    await trust.getByTestId("trust-key").fill("not a key");
    await trust.getByTestId("trust-add-key").click();
    assert.match(await trust.getByTestId("trust-error").innerText(), /no PUBLIC KEY PEM block/);
    await trust.getByTestId("trust-key").fill("-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----");
    await trust.getByTestId("trust-add-key").click();
    await trust.getByTestId("trusted-keys").getByText("ECDSA P-256").waitFor();
    await trust.getByTestId("trust-add-root").click();
    await trust.getByTestId("trusted-roots").getByText("private_trusted_root.json").waitFor();
    assert.equal(await trust.getByTestId("trust-error").count(), 0);
    await trust.getByTestId("trust-add-notation").click();
    await trust.getByTestId("notation-trust").getByText("ca:acme").waitFor();
    await trust.getByTestId("trust-identity").fill("https://github.com/demo/.*");
    await shot(page, "06d-trust-dialog");
    await trust.getByRole("button", { name: /^Stop trusting https:\/\/github\.com\/demo\/app/ }).click();
    await trust.getByText("None yet: keyless signatures read").waitFor();
    await trust.getByRole("button", { name: "Done" }).click();
    await page.getByTestId("signature-status").getByText("not checked", { exact: true }).waitFor();
    await page.waitForFunction(() => /** @type {any} */ (window).__stowageGraph.nodes().some((/** @type {any} */ n) => n.label.startsWith("Signature · cosign")));
    assert.doesNotMatch((await cosignNode()).classes.join(" "), /\bverified\b/);

    // The measurement hooks.
    const perf = await page.evaluate(async () => {
      const p = /** @type {any} */ (window).__stowagePerf;
      return { names: p.marks.map((/** @type {any} */ m) => m.name), frames: await p.panProbe(300) };
    });
    assert.ok(perf.names.includes("graph:layout") && perf.names.includes("graph:first-render"));
    assert.ok(perf.frames.length >= 5, `panProbe frames: ${perf.frames.length}`);
    await app.done();
  });

  test("an image's details say what it runs and which build step made each layer", async () => {
    const app = await open();
    const { page } = app;
    await openDemoGraph(page);
    const canvas = page.locator(".graph-canvas");
    const box = await canvas.boundingBox();
    assert.ok(box);
    const nodes = await graphNodes(page);
    const data = await page.evaluate(() => /** @type {any} */ (window).__stowageGraph.edges());
    // The platform image whose layers are drawn (the other one's are folded).
    const image = nodes.find((/** @type {any} */ n) => n.kind === "image" && data.some((/** @type {any} */ e) => e.source === n.id && e.label === "layer"));
    assert.ok(image);
    await page.mouse.click(box.x + image.rendered.x, box.y + image.rendered.y);
    const config = page.getByTestId("image-config");
    await config.getByTestId("image-history").waitFor();
    assert.equal(await page.getByTestId("image-command").innerText(), "/srv/app/server --listen :8080");
    assert.match(await page.getByTestId("image-env").innerText(), /NODE_ENV\s+production/);
    const history = await page.getByTestId("image-history").innerText();
    assert.match(history, /^ADD alpine[^\n]*\n\s*layer 1 · /);
    assert.match(history, /CMD \["\/bin\/sh"\]\s*\n\s*no layer/);
    await shot(page, "05b-graph-details-image-config");
    await page.getByTestId("image-history").scrollIntoViewIfNeeded();
    await shot(page, "05c-graph-details-image-history");
    // The files the image holds: a tree, a file's details and first bytes, a search.
    await page.getByTestId("browse-files").click();
    const files = page.getByTestId("files-dialog");
    await files.getByTestId("files-rows").waitFor();
    await files.getByRole("option", { name: /^etc L\d/ }).click();
    await files.getByRole("option", { name: /passwd/ }).click();
    await files.getByTestId("files-preview").waitFor();
    assert.match(await files.getByTestId("files-preview").innerText(), /^root:x:0:0/);
    assert.match(await files.getByTestId("files-detail").innerText(), /-rw-r--r--/);
    await shot(page, "05e-files-dialog");
    await files.getByTestId("files-search").fill("busy");
    await files.getByRole("option", { name: /bin\/busybox/ }).click();
    await files.getByTestId("files-preview").waitFor();
    assert.match(await files.getByTestId("files-preview").innerText(), /7f 45 4c 46/);
    await shot(page, "05f-files-dialog-search-hex");
    await page.keyboard.press("Escape");
    await files.waitFor({ state: "detached" });
    // A step's layer selects that layer in the graph.
    await config.getByRole("button", { name: /^layer 1/ }).click();
    const selected = await page.getByTestId("details").getAttribute("data-node");
    assert.equal(nodes.find((/** @type {any} */ n) => n.id === selected)?.kind, "layer");
    await app.done();
  });

  test("a Helm chart's details show its values, templates and dependencies", async () => {
    const app = await open();
    const { page } = app;
    const box = page.locator("[data-reference-box]");
    await box.fill("localhost:5000/charts/demo:0.4.0");
    await box.press("Enter");
    await page.waitForSelector('[data-testid="graph-status"][data-status="done"]');
    // Positions from the final layout: a click where a node was before it would miss it.
    await page.waitForFunction(() => /** @type {any} */ (window).__stowagePerf.marks.some((/** @type {{name: string}} */ m) => m.name === "graph:first-render"));
    const nodes = await graphNodes(page);
    const chart = nodes.find((/** @type {any} */ n) => n.kind === "helm-chart");
    assert.ok(chart);
    const canvas = await page.locator(".graph-canvas").boundingBox();
    assert.ok(canvas);
    await page.mouse.click(canvas.x + chart.rendered.x, canvas.y + chart.rendered.y);
    await page.getByTestId("helm-templates").waitFor();
    assert.match(await page.getByTestId("helm-chart").innerText(), /demo 0\.4\.0\s·\sapp 2\.1/);
    assert.match(await page.getByTestId("helm-dependencies").innerText(), /redis/);
    assert.match(await page.getByTestId("helm-file").innerText(), /replicaCount: 2/);
    await shot(page, "05d-graph-details-helm-chart");
    await app.done();
  });

  test("registry menu signs out; a tag row opens by keyboard; nodes show while the walk streams", async () => {
    const app = await open({ query: "?delay=700" });
    const { page } = app;
    await page.getByRole("button", { name: "Actions for localhost:5000" }).click();
    const menu = page.getByTestId("source-menu");
    await menu.waitFor();
    await shot(page, "12-source-menu");
    await menu.getByRole("menuitem", { name: "Sign out" }).click();
    await page.waitForFunction(() => /anonymous/.test(document.querySelector('[data-source="localhost:5000"]')?.textContent ?? ""));
    // Right-click opens the same menu; Esc closes it.
    await page.locator('[data-source="ghcr.io"]').click({ button: "right" });
    await menu.waitFor();
    await page.keyboard.press("Escape");
    await menu.waitFor({ state: "detached" });

    await page.locator('[data-source="localhost:5000"]').click();
    await page.getByTestId("repo-list").getByText("demo/app", { exact: true }).click();
    const list = page.getByTestId("tag-list");
    await list.waitFor();
    await list.focus();
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("Enter");
    await page.getByTestId("graph-title").getByText("localhost:5000/demo/app:v1.0.0").waitFor();
    // Streaming: the first nodes are drawn while the walk still runs.
    await page.waitForFunction(() => Number(document.querySelector(".graph-canvas")?.getAttribute("data-nodes")) >= 5);
    assert.equal(await page.getByTestId("graph-status").getAttribute("data-status"), "loading");
    await shot(page, "13-graph-streaming");
    await page.getByRole("button", { name: "Stop" }).click();
    await page.waitForSelector('[data-testid="graph-status"][data-status="cancelled"]');
    const cancels = await page.evaluate(() => /** @type {any} */ (window).__mock.calls.filter((/** @type {any} */ c) => c.cmd === "cancel").length);
    assert.equal(cancels, 1);
    await app.done();
  });

  test("top-down layout, help, a layer's and a failed node's details", async () => {
    const app = await open();
    const { page } = app;
    await openDemoGraph(page);
    const before = await graphNodes(page);
    const layoutsBefore = await page.evaluate(() => /** @type {any} */ (window).__stowageGraph.layouts);
    await page.getByTitle("Top to bottom").click();
    await page.waitForFunction((n) => /** @type {any} */ (window).__stowageGraph.layouts > n, layoutsBefore);
    const after = await graphNodes(page);
    const index = (/** @type {any[]} */ list) => list.find((n) => n.kind === "index");
    const image = (/** @type {any[]} */ list) => list.find((n) => n.kind === "image");
    // Left to right, the image is right of its index; top to bottom, below it.
    assert.ok(image(before).position.x > index(before).position.x);
    assert.ok(image(after).position.y > index(after).position.y);
    await page.getByRole("button", { name: "Keyboard help" }).click();
    await page.getByRole("tooltip").waitFor();
    await shot(page, "14-graph-down-help");
    await page.keyboard.press("Escape");

    const broken = after.find((/** @type {any} */ n) => n.kind === "artifact");
    await page.evaluate((id) => /** @type {any} */ (window).__stowageGraph.select(id), broken.id);
    assert.match(await page.getByTestId("node-error").innerText(), /manifest unknown/);
    const layer = after.find((/** @type {any} */ n) => n.kind === "layer" && /3\.2 MiB/.test(n.label));
    await page.evaluate((id) => /** @type {any} */ (window).__stowageGraph.select(id), layer.id);
    const details = page.getByTestId("details");
    assert.equal(await details.getAttribute("data-node"), layer.id);
    assert.match(await details.innerText(), /stowage blob localhost:5000\/demo\/app@sha256:/);
    await details.getByRole("button", { name: "Show content" }).click();
    await details.getByText(/Binary content/).waitFor();
    await shot(page, "15-layer-details");
    await app.done();
  });

  test("dark theme follows the OS", async () => {
    const app = await open({ dark: true });
    const { page } = app;
    await openDemoGraph(page);
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    assert.equal(bg, "rgb(20, 23, 28)");
    const nodes = await graphNodes(page);
    const att = nodes.find((/** @type {any} */ n) => n.kind === "attestation");
    await page.evaluate((id) => /** @type {any} */ (window).__stowageGraph.select(id), nodes.find((/** @type {any} */ n) => n.kind === "index").id);
    await page.getByTestId("details").waitFor();
    await page.getByTestId("raw-json").waitFor();
    assert.ok(att);
    await shot(page, "09-dark-graph");
    await page.keyboard.press("Escape");
    await page.locator('[data-source="ghcr.io"]').click();
    await page.getByTestId("open-by-name").waitFor();
    await page.getByTestId("add-registry-button").click();
    await page.getByTestId("add-registry").getByLabel("Registry host").fill("selfsigned.example:5443");
    await page.getByTestId("add-registry").getByRole("button", { name: "Verify and save" }).click();
    await page.getByTestId("add-registry").getByRole("alert").waitFor();
    assert.match(await page.getByTestId("add-registry").getByRole("alert").innerText(), /Custom CA/);
    await shot(page, "10-dark-dialog-tls");
    await app.done();
  });

  test("a graph above the fast-layout threshold lays out and stays responsive", async () => {
    const app = await open({ query: "?nodes=4000" });
    const { page } = app;
    await page.locator('[data-source="localhost:5000"]').click();
    await page.getByTestId("repo-list").waitFor();
    // huge/app is not in the catalog: open it by name.
    await page.getByLabel("Open a repository by name").fill("huge/app");
    await page.getByLabel("Open a repository by name").press("Enter");
    await page.getByTestId("open-reference").fill("big");
    await page.getByTestId("open-reference").press("Enter");
    await page.waitForSelector('[data-testid="graph-status"][data-status="done"]');
    await page.waitForFunction(() => /** @type {any} */ (window).__stowagePerf.marks.some((/** @type {any} */ m) => m.name === "graph:first-render"));
    assert.equal(await page.getByTestId("truncated").isVisible(), true);
    // Layers fold per image (3 layers each is at the threshold: not folded), so every node is drawn.
    assert.equal(await page.locator(".graph-canvas").getAttribute("data-nodes"), "4002");
    await shot(page, "11-graph-4000");
    await app.done();
  });
});
