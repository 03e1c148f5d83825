// Screen tests of issue 10, item 2: a pull into a folder where files are in the way asks first.
// The mocked shell answers "confirm" with the files (window.__mockPullReplaces) and keeps the
// plan; the dialog lists them, Cancel / Esc discard the plan, Replace runs it.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { calls, launch, open, openDemoGraph, shot } from "./helpers.mjs";

/** @type {Awaited<ReturnType<typeof launch>>} */
let env;
before(async () => {
  env = await launch();
});
after(async () => {
  await env?.close();
});

/** @param {import("playwright-core").Page} page @param {string[]} paths */
const replaces = (page, paths) => page.evaluate((p) => (/** @type {any} */ (window).__mockPullReplaces = p), paths);

/** "Pull to folder…" from the tag row's menu. @param {import("playwright-core").Page} page */
async function pullFromTagMenu(page, tag = "v1") {
  await page.getByTestId("tag-list").getByText(tag, { exact: true }).click({ button: "right" });
  await page.getByTestId("tag-menu").getByRole("menuitem", { name: "Pull to folder…" }).click();
}

/** @param {import("playwright-core").Page} page */
const focused = (page) => page.evaluate(() => document.activeElement?.getAttribute("data-testid") ?? document.activeElement?.tagName);

describe("pull over existing files", () => {
  test("the dialog lists the files with focus on Cancel; Cancel, Esc and Enter discard the plan and write nothing", async () => {
    const app = await open(env);
    const { page } = app;
    await openDemoGraph(page);
    await replaces(page, ["README.md", "docs/sbom.spdx.json"]);
    await pullFromTagMenu(page);

    const dialog = page.getByTestId("replace-dialog");
    await dialog.waitFor();
    assert.deepEqual(await page.locator('[data-testid="replace-list"] li').evaluateAll((els) => els.map((e) => e.getAttribute("data-path"))), ["README.md", "docs/sbom.spdx.json"]);
    assert.equal(await page.getByTestId("replace-count").innerText(), "2 files will be replaced:");
    assert.match(await dialog.innerText(), /Replace 2 files\?/);
    assert.match(await dialog.innerText(), /Pulling demo\/app:v1 into \/home\/alice\/Downloads\/app-v1 replaces 2 files already there and adds 1 new one/);
    assert.equal(await page.getByTestId("replace-submit").innerText(), "Replace 2 files");
    assert.equal(await focused(page), "replace-cancel", "focus starts on Cancel, never on Replace");
    // While it asks, the transfer says what it waits for.
    assert.match(await page.locator('[data-testid="transfer"][data-kind="pull"] [data-testid="transfer-status"]').innerText(), /Waiting for you: 2 files would be replaced/);
    await shot(page, "40-pull-replace-dialog");

    // Cancel: the kept plan is discarded, nothing runs, and no transfer is left behind.
    await page.getByTestId("replace-cancel").click();
    await dialog.waitFor({ state: "detached" });
    await page.waitForFunction(() => !document.querySelector('[data-testid="transfer"][data-kind="pull"]'));
    assert.deepEqual(await calls(page, "discard_pull"), [{ plan: "pull-1" }]);

    // Esc does the same.
    await pullFromTagMenu(page);
    await dialog.waitFor();
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });
    // And so does Enter, with the focus where the dialog put it.
    await pullFromTagMenu(page);
    await dialog.waitFor();
    await page.keyboard.press("Enter");
    await dialog.waitFor({ state: "detached" });
    await page.waitForFunction(() => /** @type {any} */ (window).__mock.calls.filter((/** @type {any} */ c) => c.cmd === "discard_pull").length === 3);
    assert.deepEqual(await calls(page, "discard_pull"), [{ plan: "pull-1" }, { plan: "pull-2" }, { plan: "pull-3" }]);
    assert.deepEqual(await calls(page, "confirm_pull"), [], "nothing was replaced");
    assert.equal(await page.locator('[data-testid="transfer"][data-kind="pull"]').count(), 0);
    await app.done();
  });

  test("Replace runs the kept plan, once, with progress; the result says how many files it replaced", async () => {
    const app = await open(env, { dark: true });
    const { page } = app;
    await openDemoGraph(page);
    const many = Array.from({ length: 40 }, (_, i) => `site/assets/chunk-${String(i).padStart(2, "0")}.js`);
    await replaces(page, many);
    // From the details panel of the root this time.
    const root = await page.evaluate(() => /** @type {any} */ (window).__stowageGraph.nodeIds()[0]);
    await page.evaluate((id) => /** @type {any} */ (window).__stowageGraph.select(id), root);
    await page.getByTestId("action-pull").click();

    const dialog = page.getByTestId("replace-dialog");
    await dialog.waitFor();
    assert.equal(await page.getByTestId("replace-count").innerText(), "40 files will be replaced:");
    assert.equal(await page.locator('[data-testid="replace-list"] li').count(), 40);
    const list = page.getByTestId("replace-list");
    assert.ok(await list.evaluate((el) => el.scrollHeight > el.clientHeight + 100), "a long list scrolls inside the dialog");
    const box = await dialog.boundingBox();
    assert.ok(box && box.height < 900 - 40, "the dialog stays within the window");
    await shot(page, "41-pull-replace-many-dark");

    await page.getByTestId("replace-submit").click();
    await dialog.waitFor({ state: "detached" });
    const pulls = await calls(page, "pull");
    const confirms = await calls(page, "confirm_pull");
    assert.equal(confirms.length, 1);
    assert.equal(confirms[0].plan, "pull-1", "the plan the shell kept, by its id");
    assert.equal(confirms[0].op, pulls[0].op, "under the pull's op, so its progress and Cancel apply");
    assert.equal(confirms[0].events, "channel");
    assert.ok(!("destination" in confirms[0]), "the destination is never sent back");
    assert.deepEqual(await calls(page, "discard_pull"), []);

    const row = page.locator('[data-testid="transfer"][data-kind="pull"]');
    await page.waitForSelector('[data-testid="transfer"][data-kind="pull"][data-state="done"]', { timeout: 10_000 });
    assert.match(await row.getByTestId("transfer-result").innerText(), /43 files in \/home\/alice\/Downloads\/app-v1\s*· 40 replaced/);
    await page.getByTestId("toast").filter({ hasText: "Pulled 43 files to /home/alice/Downloads/app-v1, replacing 40 files" }).waitFor();
    await shot(page, "42-pull-replaced-dark");
    await app.done();
  });
});
