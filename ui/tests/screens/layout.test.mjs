// Screen tests of how things sit on screen: the graph readable at its fit and kept in view when
// the canvas changes size, the smallest window the app allows, toasts beside the transfers panel,
// the first-start hint, and where the focus goes when a dialog opens.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { graphNodes, launch, open, openDemoGraph, shot } from "./helpers.mjs";

/** @type {Awaited<ReturnType<typeof launch>>} */
let env;
before(async () => {
  env = await launch();
});
after(async () => {
  await env?.close();
});

/** Buttons on screen whose text is cut, or that reach past the window's right edge. @param {import("playwright-core").Page} page @param {string} within */
async function clippedButtons(page, within) {
  return page.evaluate((sel) => {
    const out = [];
    for (const b of document.querySelectorAll(`${sel} button`)) {
      const el = /** @type {HTMLElement} */ (b);
      const r = el.getBoundingClientRect();
      if (!el.offsetParent || r.width === 0) continue;
      if (el.scrollWidth > el.clientWidth + 1 || r.right > window.innerWidth + 0.5) out.push(el.innerText.trim() || el.getAttribute("aria-label"));
    }
    return out;
  }, within);
}

/** The drawn node's box in viewport pixels. @param {import("playwright-core").Page} page @param {string} id */
async function onScreen(page, id) {
  const canvas = await page.locator(".graph-canvas").boundingBox();
  const node = (await graphNodes(page)).find((/** @type {any} */ n) => n.id === id);
  assert.ok(canvas && node);
  return { x: canvas.x + node.rendered.x, y: canvas.y + node.rendered.y, inside: node.rendered.x > 0 && node.rendered.x < canvas.width && node.rendered.y > 0 && node.rendered.y < canvas.height };
}

describe("layout", () => {
  test("the fit keeps labels readable and starts at the roots; opening and closing details keeps them in view", async () => {
    const app = await open(env);
    const { page } = app;
    await openDemoGraph(page);
    const nodes = await graphNodes(page);
    const tag = nodes.find((/** @type {any} */ n) => n.kind === "tag");
    const index = nodes.find((/** @type {any} */ n) => n.kind === "index");
    assert.ok((await onScreen(page, tag.id)).inside, "the opened tag is in view");
    assert.ok((await onScreen(page, index.id)).inside, "the root is in view");
    // Node labels are 11 model pixels, edge labels 10: at the fit both are drawn at least that big
    // (edge labels are left out under 8 px, which used to leave them to the export alone).
    const fitZoom = await page.evaluate(() => /** @type {any} */ (window).__stowageGraph.zoom());
    assert.ok(fitZoom >= 1, `fit zoom ${fitZoom}: labels under 11 px`);

    // Click the index as a user would: the details open, the canvas narrows, the roots stay.
    const click = async (/** @type {any} */ n) => {
      const at = await onScreen(page, n.id);
      await page.mouse.click(at.x, at.y);
      await page.getByTestId("details").waitFor();
      await page.waitForTimeout(300);
    };
    await click(index);
    assert.ok((await onScreen(page, tag.id)).inside, "the tag is still in view with the details open");
    assert.ok((await onScreen(page, index.id)).inside, "the clicked node is in view");
    await shot(page, "45-details-open-roots-in-view");
    // A node further right: it is brought into view with as small a pan as it takes.
    const image = nodes.find((/** @type {any} */ n) => n.kind === "image");
    await page.evaluate((id) => /** @type {any} */ (window).__stowageGraph.select(id), image.id);
    await page.waitForTimeout(300);
    assert.ok((await onScreen(page, image.id)).inside, "the selected node is in view");
    assert.ok((await onScreen(page, index.id)).inside, "its parent too");
    await page.keyboard.press("Escape");
    await page.getByTestId("details").waitFor({ state: "detached" });
    await page.waitForTimeout(300);
    assert.ok((await onScreen(page, tag.id)).inside, "the tag is in view after the details close");

    // A user who panned (the index to the middle) keeps what was in the middle in the middle.
    const canvas = await page.locator(".graph-canvas").boundingBox();
    assert.ok(canvas);
    const from = await onScreen(page, index.id);
    await page.mouse.move(from.x + 60, from.y + 60);
    await page.mouse.down();
    await page.mouse.move(canvas.x + canvas.width / 2 + 60, canvas.y + canvas.height / 2 + 60, { steps: 8 });
    await page.mouse.up();
    const middle = async () => {
      const c = await page.locator(".graph-canvas").boundingBox();
      const p = await onScreen(page, index.id);
      assert.ok(c);
      return { dx: p.x - (c.x + c.width / 2), dy: p.y - (c.y + c.height / 2) };
    };
    const before = await middle();
    await page.evaluate((id) => /** @type {any} */ (window).__stowageGraph.select(id), index.id);
    await page.getByTestId("details").waitFor();
    await page.waitForTimeout(300);
    const afterOpen = await middle();
    assert.ok(Math.abs(afterOpen.dx - before.dx) < 2 && Math.abs(afterOpen.dy - before.dy) < 2, `kept the middle: ${JSON.stringify({ before, afterOpen })}`);
    await app.done();
  });

  test("at the smallest window the toolbars wrap, the details cover the canvas, the legend folds away", async () => {
    const app = await open(env, { width: 880, height: 560 });
    const { page } = app;
    await openDemoGraph(page);
    await shot(page, "46-min-window-graph");
    assert.deepEqual(await clippedButtons(page, ".pane"), []);
    // The legend is a button on a canvas this narrow; opened, it stays inside the canvas.
    assert.equal(await page.getByTestId("legend").count(), 0);
    await page.getByTestId("legend-toggle").click();
    const legend = await page.getByTestId("legend").boundingBox();
    const canvas = await page.locator(".canvas-wrap").boundingBox();
    assert.ok(legend && canvas);
    assert.ok(legend.x + legend.width <= canvas.x + canvas.width, "the legend stays inside the canvas");
    await shot(page, "47-min-window-legend");
    await page.getByTestId("legend-toggle").click();

    const nodes = await graphNodes(page);
    const index = nodes.find((/** @type {any} */ n) => n.kind === "index");
    await page.evaluate((id) => /** @type {any} */ (window).__stowageGraph.select(id), index.id);
    const details = page.getByTestId("details");
    await details.waitFor();
    await page.waitForTimeout(200);
    assert.deepEqual(await clippedButtons(page, ".pane"), []);
    const box = await details.boundingBox();
    assert.ok(box && box.x + box.width <= 880.5, "the details fit in the window");
    await shot(page, "48-min-window-details");
    await app.done();
  });

  test("the success toast of a push keeps clear of the transfers panel, and stays while hovered", async () => {
    const app = await open(env, { width: 1100, height: 760 });
    const { page } = app;
    await page.locator('[data-source="localhost:5000"]').click();
    await page.getByTestId("repo-list").getByText("demo/app", { exact: true }).click();
    await page.getByTestId("tag-list").waitFor();
    await page.evaluate(() => (/** @type {any} */ (window).__mockPick = ["/home/alice/drop/notes.md"]));
    await page.getByTestId("push-files-button").click();
    await page.waitForSelector('[data-testid="push-preview"][data-state="ready"]');
    await page.getByTestId("push-submit").click();
    const toast = page.getByTestId("toast").filter({ hasText: /^Pushed/ });
    await toast.waitFor();
    const panel = await page.getByTestId("transfers-panel").boundingBox();
    const t = await toast.boundingBox();
    assert.ok(panel && t);
    const apart = t.x >= panel.x + panel.width || t.x + t.width <= panel.x || t.y + t.height <= panel.y || t.y >= panel.y + panel.height;
    assert.ok(apart, `toast ${JSON.stringify(t)} over panel ${JSON.stringify(panel)}`);
    await toast.hover();
    await shot(page, "49-toast-beside-transfers");
    await app.done();
  });

  test("the first start shows a whole push command; the add-registry dialog takes typing in its host field", async () => {
    const app = await open(env);
    const { page } = app;
    await page.getByText("The Local store is empty").waitFor();
    assert.equal(await page.getByTestId("push-example").locator("code").innerText(), "stowage push oci:/home/alice/.local/share/stowage/local/my-files:v1 notes.md");
    await shot(page, "01b-first-start-command");

    // "Push files…" with nothing picked yet: nothing is red until the user was somewhere or pressed Push.
    await page.evaluate(() => (/** @type {any} */ (window).__mockPick = []));
    await page.getByTestId("push-files-button").click();
    const sheet = page.getByTestId("push-sheet");
    await sheet.waitFor();
    assert.equal(await sheet.locator(".field-problem, [role=alert]").count(), 0);
    assert.match(await page.getByTestId("push-problem").innerText(), /Name the repository to push to/);
    await shot(page, "21b-push-sheet-untouched");
    await page.getByTestId("push-submit").click();
    await page.getByTestId("push-repository-problem").waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("data-testid")), "push-repository");
    await shot(page, "21c-push-sheet-push-pressed");
    await page.keyboard.press("Escape");
    await sheet.waitFor({ state: "detached" });

    await page.getByText("Add registry").click();
    await page.getByTestId("add-registry").waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("placeholder")), "registry.example.com or localhost:5000");
    await page.keyboard.type("reg.example:5000");
    assert.equal(await page.getByLabel("Registry host").inputValue(), "reg.example:5000");
    await app.done();
  });
});
