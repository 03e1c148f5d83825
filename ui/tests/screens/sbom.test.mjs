// The SBOM view, with mocked IPC (tests/screens/mock-sbom.ts): the demo image's SBOMs, another
// tag's for comparing, a local file. Also how long the view takes, at 3,000 and 100,000
// packages: printed for a person to read, never asserted (the machine may be busy).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { calls, centre, drag, DROP_DIR, graphNodes, launch, open, openDemoGraph, shot } from "./helpers.mjs";

/** @type {Awaited<ReturnType<typeof launch>>} */
let env;
before(async () => {
  env = await launch();
});
after(async () => {
  await env?.close();
});

/** Clicks a node of the demo graph on the canvas. @param {import("playwright-core").Page} page @param {(n: any) => boolean} which */
async function clickNode(page, which) {
  const nodes = await graphNodes(page);
  const node = nodes.find(which);
  assert.ok(node, "the node is drawn");
  const box = await page.locator("canvas").first().boundingBox();
  assert.ok(box);
  await page.mouse.click(box.x + node.rendered.x, box.y + node.rendered.y);
  return node;
}

/** The packages on screen, as rows of cell texts. @param {import("playwright-core").Page} page */
async function visibleRows(page) {
  return page.getByTestId("package-rows").locator('[role="option"]').evaluateAll((rows) => rows.map((r) => [...r.children].map((c) => /** @type {HTMLElement} */ (c).innerText)));
}

/** The last `sbom:*` measure of a name, in ms. @param {import("playwright-core").Page} page @param {string} name */
async function lastMeasure(page, name) {
  await page.waitForFunction((n) => /** @type {any} */ (window).__stowagePerf.marks.some((/** @type {any} */ m) => m.name === n), name);
  return page.evaluate((n) => /** @type {any} */ (window).__stowagePerf.marks.filter((/** @type {any} */ m) => m.name === n).at(-1), name);
}

/** Records when the pointer was last released (the click), on the page's clock. @param {import("playwright-core").Page} page */
async function recordClicks(page) {
  await page.evaluate(() => window.addEventListener("pointerup", (e) => ((/** @type {any} */ (window).__clickAt = e.timeStamp), true), true));
}

describe("SBOM view", () => {
  test("an SBOM node opens its SBOM: header, charts, table, Not stated apart from data", async () => {
    const { page, done } = await open(env);
    await openDemoGraph(page);
    const sbom = await clickNode(page, (n) => n.kind === "sbom");
    const view = page.getByTestId("sbom-view");
    await view.waitFor();
    await page.getByTestId("package-rows").waitFor();
    assert.equal(await page.getByTestId("details").count(), 0, "the SBOM tab replaces the details");
    assert.equal(await page.getByTestId("sbom-format").innerText(), "SPDX 2.3");
    const header = await page.getByTestId("sbom-header").innerText();
    assert.match(header, /syft-1\.4\.1/);
    assert.match(header, /2024-05-02 10:15:00 UTC/);
    assert.match(await page.getByTestId("sbom-counts").innerText(), /3,000\s+packages/);
    assert.match(await page.getByTestId("sbom-counts").innerText(), /with purl/);
    // Both SBOMs of the amd64 image are in the switcher, each with its platform; the SPDX one shows.
    const tabs = page.getByTestId("sbom-tab");
    assert.equal(await tabs.count(), 2);
    assert.match(await tabs.nth(0).innerText(), /linux\/amd64[\s\S]*SPDX 2\.3/);
    assert.equal(await tabs.nth(0).getAttribute("aria-selected"), "true");
    // Licences and ecosystems as bars, "Not stated" drawn apart from the values.
    const licences = page.getByTestId("chart-licences");
    assert.match(await licences.innerText(), /MIT/);
    assert.equal(await licences.locator(".bar.unstated").count(), 1);
    assert.match(await page.getByTestId("chart-ecosystems").innerText(), /deb[\s\S]*npm/);
    const rows = await visibleRows(page);
    assert.deepEqual(rows[0]?.slice(0, 4), ["openssl", "3.0.11-1", "OpenSSL", "deb"]);
    const golang = rows.find((r) => r[0] === "golang.org/x/net");
    assert.equal(golang?.[2], "Not stated");
    assert.equal(await page.getByTestId("package-rows").locator(".not-stated").first().evaluate((e) => getComputedStyle(e).fontStyle), "italic");
    await shot(page, "sbom-01-panel");
    // The subject link selects the image in the graph, with its details.
    await page.getByTestId("sbom-subject").click();
    await page.getByTestId("details").waitFor();
    assert.notEqual(await page.getByTestId("details").getAttribute("data-node"), sbom.id);
    await done();
  });

  test("filter by text and by chart, sort, and a row's details with its dependencies", async () => {
    const { page, done } = await open(env);
    await openDemoGraph(page);
    await clickNode(page, (n) => n.kind === "sbom");
    await page.getByTestId("package-rows").waitFor();
    const count = page.getByTestId("package-count");
    // Text.
    await page.getByTestId("package-filter").fill("openssl");
    assert.equal(await count.innerText(), "1 of 3,000 packages");
    await page.getByTestId("package-filter").fill("");
    // A licence bar filters; its chip says so; clicking the bar again clears it.
    const mit = page.getByTestId("chart-licences").getByRole("button", { name: /^MIT\b/ }).first();
    const mitCount = Number((await mit.locator(".count").innerText()).replace(/,/g, ""));
    await mit.click();
    assert.equal(await count.innerText(), `${mitCount.toLocaleString("en-US")} of 3,000 packages`);
    assert.match(await page.getByTestId("filter-chip").innerText(), /licence: MIT/);
    assert.ok((await visibleRows(page)).every((r) => r[2] === "MIT"));
    // And an ecosystem bar narrows it further.
    await page.getByTestId("chart-ecosystems").getByRole("button", { name: /^npm\b/ }).click();
    assert.ok((await visibleRows(page)).every((r) => r[2] === "MIT" && r[3] === "npm"));
    const both = await count.innerText();
    assert.ok(Number(both.split(" ")[0].replace(/,/g, "")) < mitCount);
    await shot(page, "sbom-02-filtered");
    await page.getByTestId("filter-chip").first().click();
    await page.getByTestId("filter-chip").first().click();
    assert.equal(await count.innerText(), "3,000 packages");
    // "Not stated" is a filter of its own.
    await page.getByTestId("chart-licences").getByRole("button", { name: /^Not stated/ }).click();
    assert.ok((await visibleRows(page)).every((r) => r[2] === "Not stated"));
    await page.getByTestId("filter-chip").click();

    // Sort by name, then the other way; packages without a version go last either way.
    await page.getByTestId("sort-name").click();
    let names = (await visibleRows(page)).map((r) => r[0]);
    assert.deepEqual(names, [...names].sort((a, b) => a.localeCompare(b, "en", { numeric: true, sensitivity: "base" })));
    assert.equal(await page.getByTestId("sort-name").getAttribute("aria-sort"), "ascending");
    await page.getByTestId("sort-name").click();
    names = (await visibleRows(page)).map((r) => r[0]);
    assert.deepEqual(names, [...names].sort((a, b) => b.localeCompare(a, "en", { numeric: true, sensitivity: "base" })));
    await page.getByTestId("sort-version").click();
    const versions = (await visibleRows(page)).map((r) => r[1]);
    assert.ok(!versions.includes("Not stated"), "unstated versions sort last");
    await page.getByTestId("sort-version").click();
    await page.getByTestId("sort-version").click();
    assert.equal(await page.getByTestId("sort-version").getAttribute("aria-sort"), "none");

    // A row opens its details: purl, hashes, CPEs, what it depends on as a tree.
    await page.getByTestId("package-filter").fill("openssl");
    await page.getByTestId("package-rows").getByText("openssl", { exact: true }).click();
    const details = page.getByTestId("package-details");
    await details.getByTestId("package-hashes").waitFor();
    const text = await details.innerText();
    assert.match(text, /pkg:deb\/debian\/openssl@3\.0\.11-1/);
    assert.match(text, /SHA256/);
    assert.match(text, /cpe:2\.3:a:openssl:openssl/);
    assert.match(text, /https:\/\/www\.openssl\.org\//);
    assert.match(await details.getByTestId("depends-on").innerText(), /zlib1g[\s\S]*lodash/);
    // Two levels: zlib1g's own dependencies are under it, and below them only how many more.
    assert.match(await details.getByTestId("depends-on").locator("ul ul").first().innerText(), /lodash[\s\S]*left-pad/);
    assert.match(await details.getByTestId("depends-on").innerText(), /and 2 more/);
    assert.match(await details.getByTestId("dependents").innerText(), /Nothing/);
    assert.equal(await details.locator(".not-stated").first().innerText(), "Not stated");
    await shot(page, "sbom-03-package");
    // A dependency opens its own details.
    await details.getByTestId("depends-on").getByRole("button", { name: "zlib1g" }).click();
    await page.waitForFunction(() => document.querySelector('[data-testid="package-details"]')?.getAttribute("data-row") === "1");
    await details.getByTestId("dependents").getByRole("button", { name: "openssl" }).waitFor();
    // Esc closes the package, not the view.
    await page.keyboard.press("Escape");
    await details.waitFor({ state: "detached" });
    assert.equal(await page.getByTestId("sbom-view").count(), 1);
    await done();
  });

  test("several SBOMs: switch between platforms and tools; one that cannot be read says why", async () => {
    const { page, done } = await open(env);
    await openDemoGraph(page);
    // The index has three SBOMs: two on linux/amd64, one on linux/arm64 that fails.
    await clickNode(page, (n) => n.kind === "index");
    await page.getByTestId("sbom-tab-button").click();
    await page.getByTestId("package-rows").waitFor();
    const tabs = page.getByTestId("sbom-tab");
    assert.equal(await tabs.count(), 3);
    assert.match(await tabs.nth(2).innerText(), /linux\/arm64\/v8/);
    await tabs.nth(1).click();
    assert.equal(await page.getByTestId("sbom-format").innerText(), "CycloneDX 1.5");
    assert.match(await page.getByTestId("sbom-header").innerText(), /in in-toto/);
    assert.match(await page.getByTestId("sbom-header").innerText(), /Creation time not stated/);
    await page.getByTestId("package-count").filter({ hasText: "2,880 packages" }).waitFor();
    await tabs.nth(2).click();
    const bad = page.getByTestId("sbom-unreadable");
    await bad.waitFor();
    assert.match(await bad.innerText(), /sbom/);
    assert.match(await bad.innerText(), /packages\[12\]\.versionInfo/);
    await shot(page, "sbom-04-unreadable");
    // The details tab comes back; the SBOM tab again shows the first readable SBOM.
    await page.getByTestId("details-tab").click();
    await page.getByTestId("details").waitFor();
    await done();
  });

  test("compare two SBOMs: this image's, then another tag's, with counts", async () => {
    const { page, done } = await open(env);
    await openDemoGraph(page);
    await clickNode(page, (n) => n.kind === "sbom");
    await page.getByTestId("package-rows").waitFor();
    await page.getByTestId("sbom-compare-button").click();
    const compare = page.getByTestId("sbom-compare");
    await compare.waitFor();
    // Before: the other SBOM of this image (CycloneDX, another package set); after: the one shown.
    const counts = page.getByTestId("compare-counts");
    await counts.waitFor();
    assert.match(await counts.innerText(), /added[\s\S]*removed[\s\S]*version changed[\s\S]*licence changed[\s\S]*unchanged/);
    // Now before is tag edge's SPDX SBOM: one package added, one removed, versions and a licence changed.
    await page.getByTestId("compare-before-tag").selectOption("edge");
    await page.getByTestId("compare-before-sbom").waitFor();
    await page.getByTestId("compare-before-sbom").selectOption({ index: 0 });
    await page.waitForFunction(() => /requests|urllib3/.test(document.querySelector('[data-testid="compare-rows"]')?.textContent ?? ""));
    const numbers = await counts.locator("button, span.count").evaluateAll((els) => Object.fromEntries(els.map((e) => [e.getAttribute("data-kind") ?? "same", Number(e.querySelector("strong")?.textContent?.replace(/,/g, ""))])));
    assert.equal(numbers.added, 1, "requests is listed on v1 and not on edge");
    assert.equal(numbers.removed, 1, "urllib3 went");
    assert.equal(numbers.license, 1, "left-pad's licence");
    assert.ok(numbers.version > 1, "openssl and one package in fifty moved");
    assert.equal(numbers.added + numbers.removed + numbers.version + numbers.license + numbers.same >= 2999, true);
    assert.ok((await calls(page, "sbom_documents")).some((/** @type {any} */ a) => a.reference === "edge"));
    await shot(page, "sbom-05-compare");
    // A count filters the list to its kind.
    await counts.locator('[data-kind="version"]').click();
    const kinds = await page.getByTestId("compare-rows").locator(".kind").allInnerTexts();
    assert.ok(kinds.length > 0 && kinds.every((k) => k.toLowerCase() === "version"));
    // Edge (before) bumped them; v1 (after) lists the older version.
    assert.match(await page.getByTestId("compare-rows").innerText(), /\.(\d+)\.\d+ → \d+\.\d+\.\d+/);
    await page.getByTestId("compare-close").click();
    await page.getByTestId("package-rows").waitFor();
    await done();
  });

  test("the tag list's SBOM badge opens the SBOM view at once", async () => {
    const { page, done } = await open(env);
    await page.locator('[data-source="localhost:5000"]').click();
    await page.getByTestId("repo-list").getByText("demo/app", { exact: true }).click();
    const badge = page.getByTestId("tag-list").getByTestId("sbom-badge").first();
    await badge.waitFor();
    await badge.click();
    await page.getByTestId("sbom-view").waitFor();
    await page.getByTestId("package-rows").waitFor();
    assert.equal(await page.getByTestId("sbom-tab").count(), 3);
    const asked = (await calls(page, "sbom_documents")).at(-1);
    assert.equal(asked.repository, "demo/app");
    assert.equal(await page.getByTestId("graph-title").innerText(), `localhost:5000/demo/app:${asked.reference}`);
    await done();
  });

  test("the graph's search finds packages in the graph's SBOMs, opened or not, with their version", async () => {
    const { page, done } = await open(env);
    await openDemoGraph(page);
    const search = page.getByTestId("graph-search");
    // No SBOM opened yet: the search finds the graph's SBOMs and reads their tables itself.
    await search.fill("lodash");
    const hits = page.getByTestId("package-hits");
    await hits.waitFor();
    assert.match(await hits.innerText(), /lodash\s*4\.17\.21/);
    // Both SBOM nodes of the amd64 image (syft's and buildx's list it) and their subject light
    // up; the arm64 SBOM, which cannot be read, does not.
    assert.equal(await page.getByTestId("graph-matches").innerText(), "3 matches");
    await shot(page, "sbom-06-search");
    await hits.getByRole("option").first().click();
    await page.getByTestId("package-rows").waitFor();
    assert.equal(await page.getByTestId("package-filter").inputValue(), "lodash");
    assert.equal(await page.getByTestId("package-count").innerText(), "1 of 3,000 packages");
    await done();
  });

  test("a file dropped where nothing takes a push opens as an SBOM, never pushed; a file that is none says why", async () => {
    const { page, done } = await open(env);
    const empty = await centre(page.locator("main"));
    const bom = `${DROP_DIR}/bom.spdx.json`;
    await drag(page, "enter", empty, [bom]);
    const hint = page.getByTestId("drop-hint");
    assert.equal(await hint.innerText(), "Drop to open this SBOM");
    assert.equal(await hint.getAttribute("data-target"), "");
    await shot(page, "sbom-10-drop-hint");
    await drag(page, "drop", empty, [bom]);
    const local = page.getByTestId("local-sbom");
    await local.waitFor();
    await page.getByTestId("package-rows").waitFor();
    assert.match(await page.getByTestId("sbom-header").innerText(), /\/home\/alice\/drop\/bom\.spdx\.json/);
    assert.deepEqual(await calls(page, "open_sbom_path"), [{ path: bom }]);
    assert.equal((await calls(page, "prepare_push")).length, 0);
    assert.equal(await page.getByTestId("push-sheet").count(), 0);
    await page.getByTestId("sbom-close").click();
    await local.waitFor({ state: "detached" });

    // Several files: the hint says where a push goes, and the first that reads as an SBOM opens.
    const two = [`${DROP_DIR}/notes.txt`, `${DROP_DIR}/bom.cdx.json`];
    await drag(page, "enter", empty, two);
    assert.equal(await hint.innerText(), "Drop on a source, a repository, or a node of the graph");
    await drag(page, "drop", empty, two);
    await local.waitFor();
    assert.match(await page.getByTestId("sbom-header").innerText(), /bom\.cdx\.json/);
    assert.deepEqual((await calls(page, "open_sbom_path")).slice(1), two.map((path) => ({ path })));
    await page.getByTestId("sbom-close").click();
    await local.waitFor({ state: "detached" });

    // A file that is no SBOM: the reader's code and message in a toast, and where to drop to push.
    await drag(page, "enter", empty, [`${DROP_DIR}/notes.txt`]);
    await drag(page, "drop", empty, [`${DROP_DIR}/notes.txt`]);
    const toast = page.getByTestId("toast").filter({ hasText: "Could not open it as an SBOM" });
    await toast.waitFor();
    assert.match(await toast.innerText(), /notes\.txt: not an SBOM: no SPDX or CycloneDX key[\s\S]*\(unreadable_sbom\)[\s\S]*Drop on a source, a repository, or a node of the graph to push it/);
    assert.equal(await local.count(), 0);
    await shot(page, "sbom-11-drop-not-an-sbom");
    await done();
  });

  test("a local SBOM opens from the sidebar or Ctrl+O, is never pushed, and the view's place is remembered", async () => {
    const { page, done } = await open(env);
    await page.getByTestId("open-sbom-file").click();
    const local = page.getByTestId("local-sbom");
    await local.waitFor();
    await page.getByTestId("package-rows").waitFor();
    assert.match(await page.getByTestId("sbom-header").innerText(), /\/home\/alice\/drop\/bom\.cdx\.json/);
    assert.equal(await page.getByTestId("sbom-format").innerText(), "CycloneDX 1.5");
    assert.equal((await calls(page, "prepare_push")).length, 0);
    // Save as and Export CSV go through the shell's dialogs.
    await page.getByTestId("sbom-save").click();
    await page.getByRole("status").filter({ hasText: "Saved /home/user/Documents/bom.cdx.json" }).waitFor();
    await page.getByTestId("package-filter").fill("lodash");
    await page.getByTestId("sbom-export-csv").click();
    await page.getByRole("status").filter({ hasText: "Exported 1 packages" }).waitFor();
    assert.deepEqual((await calls(page, "export_sbom_csv")).at(-1).rows, [2]);
    await page.getByTestId("sbom-close").click();
    await local.waitFor({ state: "detached" });
    // Ctrl+O; a cancelled dialog changes nothing; a file that is no SBOM says why.
    await page.evaluate(() => ((/** @type {any} */ (window).__mockSbomFile = null)));
    await page.keyboard.press("Control+o");
    await page.waitForTimeout(100);
    assert.equal(await local.count(), 0);
    await page.evaluate(() => ((/** @type {any} */ (window).__mockSbomFile = "/home/alice/notes.txt")));
    await page.keyboard.press("Control+o");
    await page.getByTestId("local-sbom-error").waitFor();
    assert.match(await page.getByTestId("local-sbom-error").innerText(), /not an SBOM/);
    await page.getByTestId("local-sbom-error").getByRole("button", { name: "Close" }).click();

    // Full: the view covers the graph pane; the choice survives a reload.
    await openDemoGraph(page);
    await clickNode(page, (n) => n.kind === "sbom");
    await page.getByTestId("sbom-layout-tab").click();
    await page.getByTestId("package-rows").waitFor();
    await shot(page, "sbom-07-full");
    await page.reload();
    await page.locator('[data-source="local"]').waitFor();
    await openDemoGraph(page);
    await clickNode(page, (n) => n.kind === "sbom");
    await page.getByTestId("package-rows").waitFor();
    assert.equal(await page.getByTestId("sbom-view").getAttribute("data-layout"), "tab");
    await page.getByTestId("sbom-layout-panel").click();
    await done();
  });
});

describe("SBOM view for the README", () => {
  test("full layout at 3,000 packages, a package open (test-results/screens/sbom-view.png)", async () => {
    const { page, done } = await open(env, { width: 1600, height: 960 });
    await openDemoGraph(page);
    await clickNode(page, (n) => n.kind === "sbom");
    await page.getByTestId("sbom-layout-tab").click();
    await page.getByTestId("package-rows").waitFor();
    await page.getByTestId("package-rows").getByText("zlib1g", { exact: true }).click();
    await page.getByTestId("package-details").getByTestId("package-hashes").waitFor();
    await shot(page, "sbom-view");
    await page.getByTestId("sbom-layout-panel").click();
    await done();
  });
});

describe("SBOM view timing (printed, not asserted)", () => {
  for (const packages of [3000, 100000]) {
    test(`${packages.toLocaleString("en-US")} packages: click to table painted, and filtering`, async () => {
      const { page, done } = await open(env, { query: `?packages=${packages}` });
      await openDemoGraph(page);
      await recordClicks(page);
      const figures = [];
      // A first, untimed run has the mock generate the SBOM and its JSON (the shell's work).
      for (let run = 0; run < 4; run++) {
        // Each run reads the SBOM afresh: Refresh forgets what the view fetched.
        if (run > 0) {
          await page.getByRole("button", { name: "Refresh" }).click();
          await page.waitForSelector('[data-testid="graph-status"][data-status="done"]');
          await page.waitForTimeout(300);
        }
        await clickNode(page, (n) => n.kind === "sbom");
        await page.getByTestId("package-rows").waitFor();
        const open = await lastMeasure(page, "sbom:open");
        const clickAt = await page.evaluate(() => /** @type {any} */ (window).__clickAt);
        if (run > 0) figures.push({ fromSelect: Math.round(open.duration), fromClick: Math.round(open.startTime + open.duration - clickAt) });
        await page.getByTestId("sbom-close").click();
      }
      await clickNode(page, (n) => n.kind === "sbom");
      await page.getByTestId("package-rows").waitFor();
      await page.getByTestId("package-count").filter({ hasText: `${packages.toLocaleString("en-US")} packages` }).waitFor();
      // Typing in the filter, a key at a time, as a person does.
      const filter = page.getByTestId("package-filter");
      await filter.click();
      const typed = [];
      for (const key of ["l", "i", "b", "c"]) {
        await page.keyboard.type(key);
        await page.waitForFunction((n) => /** @type {any} */ (window).__stowagePerf.marks.filter((/** @type {any} */ m) => m.name === "sbom:filter").length >= n, typed.length + 1);
        typed.push(Math.round((await lastMeasure(page, "sbom:filter")).duration));
      }
      const shown = await page.getByTestId("package-count").innerText();
      console.log(`SBOM view, ${packages} packages: click to table painted ${JSON.stringify(figures)} ms; filter keystroke to repaint ${JSON.stringify(typed)} ms ("${shown}")`);
      if (packages === 3000) {
        await page.getByTestId("package-filter").fill("");
        await page.getByTestId("package-rows").waitFor();
        await shot(page, "sbom-08-3000");
      }
      await done();
    });
  }
});
