// Shared by the screen tests: start Chromium and the static server, open the mocked app, take
// screenshots, open the demo graph, and emulate an OS file drag through Tauri's events.
import assert from "node:assert/strict";
import { mkdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { serve } from "./server.mjs";

export const ui = fileURLToPath(new URL("../..", import.meta.url));
export const shots = `${ui}test-results/screens`;
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
export const DROP_DIR = "/home/alice/drop";

/** @returns {Promise<{ browser: import("playwright-core").Browser, server: { url: string, close: () => Promise<unknown> }, close: () => Promise<void> }>} */
export async function launch() {
  await mkdir(shots, { recursive: true });
  const server = await serve(`${ui}dist-screens`);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu"] });
  return {
    browser,
    server,
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

/**
 * Opens the app with mocked IPC; every console error, page error or CSP violation fails the test.
 * @param {{ browser: import("playwright-core").Browser, server: { url: string } }} env
 * @param {{ dark?: boolean, query?: string, width?: number, height?: number, scale?: number }} [opts]
 */
export async function open(env, opts = {}) {
  const context = await env.browser.newContext({
    viewport: { width: opts.width ?? 1440, height: opts.height ?? 900 },
    colorScheme: opts.dark ? "dark" : "light",
    deviceScaleFactor: opts.scale ?? 1,
  });
  const page = await context.newPage();
  /** @type {string[]} */
  const problems = [];
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page: ${e.message}`));
  await page.goto(`${env.server.url}/tests/screens/index.html${opts.query ?? ""}`);
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
export async function shot(page, name) {
  await page.waitForTimeout(150);
  await page.screenshot({ path: `${shots}/${name}.png` });
}

/** @param {import("playwright-core").Page} page */
export async function openDemoGraph(page, tag = "v1") {
  await page.locator('[data-source="localhost:5000"]').click();
  await page.getByTestId("repo-list").getByText("demo/app", { exact: true }).click();
  await page.getByTestId("tag-list").getByText(tag, { exact: true }).click();
  await page.waitForSelector('[data-testid="graph-status"][data-status="done"]');
  await page.waitForFunction(() => {
    const marks = /** @type {any} */ (window).__stowagePerf.marks;
    return marks.some((/** @type {{name: string}} */ m) => m.name === "graph:first-render");
  });
}

/** The drawn nodes, read once nothing is animating. @param {import("playwright-core").Page} page */
export async function graphNodes(page) {
  await page.waitForFunction(() => !(/** @type {any} */ (window).__stowageGraph.animating()));
  return page.evaluate(() => /** @type {any} */ (window).__stowageGraph.nodes());
}

/**
 * Emulates the OS dragging files over the window: Tauri's drag events with physical positions
 * (the mock multiplies these CSS pixels by devicePixelRatio, as a real webview reports them).
 * @param {import("playwright-core").Page} page
 * @param {"enter" | "over" | "drop" | "leave"} type
 * @param {{ x: number, y: number }} [at]
 * @param {string[]} [paths]
 */
export async function drag(page, type, at = { x: 0, y: 0 }, paths = []) {
  await page.evaluate(([t, x, y, p]) => /** @type {any} */ (window).__mockDrag(t, x, y, p), /** @type {const} */ ([type, at.x, at.y, paths]));
}

/** The centre of an element in CSS pixels. @param {import("playwright-core").Locator} locator */
export async function centre(locator) {
  const box = await locator.boundingBox();
  assert.ok(box, "element is on screen");
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** The IPC calls made so far for one command. @param {import("playwright-core").Page} page @param {string} cmd */
export async function calls(page, cmd) {
  return page.evaluate((c) => /** @type {any} */ (window).__mock.calls.filter((/** @type {any} */ x) => x.cmd === c).map((/** @type {any} */ x) => x.args), cmd);
}
