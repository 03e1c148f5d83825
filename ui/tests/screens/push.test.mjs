// Screen tests of issue 5: drop to push, drop to attach, the transfers panel, and the manage
// actions (copy, add tag, delete), against the mocked shell. File drags are emulated through
// Tauri's own drag events (window.__mockDrag), as the webview would deliver an OS drop.
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

const f = (/** @type {string} */ name) => `${DROP_DIR}/${name}`;

describe("push, attach and transfers", () => {
  test("drop two files, a folder and an unreadable file on a repository: the sheet blocks, then previews exactly", async () => {
    const app = await open(env);
    const { page } = app;
    await page.locator('[data-source="localhost:5000"]').click();
    await page.getByTestId("repo-list").getByText("demo/app", { exact: true }).click();
    await page.getByTestId("tag-list").waitFor();

    // Dragging over the tag list: the repository area lights up and the hint says where it goes.
    const area = page.getByTestId("tags-area");
    const over = await centre(page.getByTestId("tag-list"));
    const paths = [f("sbom.spdx.json"), f("README.md"), f("site"), f("secret.key")];
    await drag(page, "enter", { x: 20, y: 20 }, paths);
    await drag(page, "over", over);
    await page.waitForFunction(() => document.querySelector('[data-testid="tags-area"]')?.classList.contains("drop-over"));
    assert.equal(await page.getByTestId("drop-hint").innerText(), "Push to localhost:5000 · demo/app");
    await shot(page, "20-drag-over-repository");
    // Over the sidebar, the source row is the target instead.
    await drag(page, "over", await centre(page.locator('[data-source="local"]')));
    await page.waitForFunction(() => document.querySelector('[data-source="local"]')?.classList.contains("drop-over"));
    assert.ok(!(await area.evaluate((el) => el.classList.contains("drop-over"))));
    await drag(page, "over", over);
    await drag(page, "drop", over, paths);

    const sheet = page.getByTestId("push-sheet");
    await sheet.waitFor();
    assert.equal(await sheet.getAttribute("data-mode"), "push");
    assert.equal(await page.getByTestId("push-source").inputValue(), "localhost:5000");
    assert.equal(await page.getByTestId("push-repository").inputValue(), "demo/app");
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="push-file"]').length === 4);
    const bad = page.locator('[data-testid="push-file"][data-error="true"]');
    assert.equal(await bad.count(), 1);
    assert.match(await bad.innerText(), /secret\.key cannot be read: permission denied/);
    assert.match(await page.getByTestId("push-files-problem").innerText(), /secret\.key cannot be pushed: remove it to go on/);
    assert.equal(await page.getByTestId("push-preview").getAttribute("data-state"), "blocked");
    // What the user brought in is told at once; nothing they have not been at is red.
    assert.equal(await sheet.locator(".field-problem").count(), 0);
    // The folder says what it holds; "latest" is the default tag of a push.
    assert.match(await page.locator(`[data-testid="push-file"][data-path="${f("site")}"]`).innerText(), /37 files, packed as tar\+gzip/);
    assert.deepEqual((await page.getByTestId("push-tag").allInnerTexts()).map((t) => t.replace("✕", "").trim()), ["latest"]);
    await shot(page, "21-push-sheet-errored-file");
    assert.equal((await calls(page, "prepare_push")).length, 0, "nothing is prepared while a file is errored");
    // Push with the errored file: nothing is sent, the sheet stays and says what to fix.
    await page.getByTestId("push-submit").click();
    assert.equal(await sheet.count(), 1);
    assert.equal((await calls(page, "push")).length, 0, "an errored file blocks the push");

    // Remove it: the push prepares and previews.
    await sheet.getByRole("button", { name: "Remove secret.key" }).click();
    await page.waitForSelector('[data-testid="push-preview"][data-state="ready"]');
    assert.equal(await page.getByTestId("push-artifact-type").inputValue(), "application/spdx+json", "suggested from the SPDX file");

    // Tags: a bad one is refused where the user types; a good one is added.
    const tagInput = page.getByTestId("push-tag-input");
    await tagInput.fill("-bad");
    await tagInput.press("Enter");
    assert.match(await page.getByTestId("push-tag-problem").innerText(), /must start with a letter, a digit or _/);
    assert.equal(await page.getByTestId("push-preview").getAttribute("data-state"), "blocked");
    await sheet.getByRole("button", { name: "Remove tag -bad" }).click();
    await tagInput.fill("v1.0");
    await tagInput.press("Enter");
    // An annotation with a suggested OCI key.
    await page.getByTestId("push-add-annotation").click();
    await sheet.getByLabel("Annotation key").fill("org.opencontainers.image.description");
    await sheet.getByLabel("Annotation value").fill("Team reports");
    await page.waitForFunction(() => document.querySelector('[data-testid="push-preview"]')?.getAttribute("data-state") === "ready" && !(/** @type {HTMLButtonElement} */ (document.querySelector('[data-testid="push-submit"]')).disabled));
    const prepared = (await calls(page, "prepare_push")).at(-1);
    assert.deepEqual(prepared.spec.files, [
      { path: f("sbom.spdx.json"), mediaType: null },
      { path: f("README.md"), mediaType: null },
      { path: f("site"), mediaType: null },
    ]);
    assert.deepEqual(prepared.spec.tags, ["latest", "v1.0"]);
    assert.deepEqual(prepared.spec.annotations, { "org.opencontainers.image.description": "Team reports" });
    assert.equal(prepared.spec.subject, null);
    // The preview: the exact manifest text and each blob's action.
    const manifest = await page.getByTestId("raw-json").innerText();
    assert.match(manifest, /"org\.opencontainers\.image\.title":"sbom\.spdx\.json"/);
    assert.match(manifest, /"org\.opencontainers\.image\.description":"Team reports"/);
    const actions = await page.locator("[data-action]").evaluateAll((els) => els.map((e) => e.getAttribute("data-action")));
    assert.deepEqual(actions, ["skip", "upload", "skip", "mount"]);
    // The command that does the same, for a terminal or CI.
    assert.match(await page.getByTestId("push-command-stowage").innerText(), /^stowage push localhost:5000\/demo\/app:latest \/home\/alice\/drop\/sbom\.spdx\.json .*\/site --artifact-type application\/spdx\+json -t v1\.0 -a 'org\.opencontainers\.image\.description=Team reports'$/);
    assert.match(await page.getByTestId("push-command-oras").innerText(), /^oras push localhost:5000\/demo\/app:latest,v1\.0 /);
    await shot(page, "22-push-sheet-preview");
    // Every superseded preview's plan was discarded.
    const plans = (await calls(page, "prepare_push")).length;
    assert.equal((await calls(page, "discard_push")).length, plans - 1);

    // Push: the sheet closes, the transfer runs in the panel and ends with the digest.
    const digest = await page.getByTestId("push-digest").innerText();
    await page.getByTestId("push-submit").click();
    await sheet.waitFor({ state: "detached" });
    const row = page.getByTestId("transfer").first();
    await row.waitFor();
    assert.equal(await row.getAttribute("data-kind"), "push");
    await page.waitForSelector('[data-testid="transfer"][data-state="done"]');
    assert.equal(await row.getAttribute("data-digest"), digest);
    const pushed = (await calls(page, "push")).at(-1).plan;
    const discarded = (await calls(page, "discard_push")).map((/** @type {any} */ c) => c.plan);
    assert.ok(pushed && !discarded.includes(pushed), "Push sends the plan that was previewed last");
    await page.getByTestId("toast").filter({ hasText: /^Pushed (.+ to )?localhost:5000\/demo\/app:latest/ }).waitFor();
    // The tag list was read again and shows the new tag.
    await page.getByTestId("tag-list").getByText("v1.0", { exact: true }).first().waitFor();
    await shot(page, "23-push-done");
    await app.done();
  });

  test("a dropped OCI layout folder is offered as images to copy, not a folder to pack", async () => {
    const app = await open(env);
    const { page } = app;
    await page.locator('[data-source="localhost:5000"]').click();
    await page.getByTestId("repo-list").getByText("demo/app", { exact: true }).click();
    await page.getByTestId("tag-list").waitFor();
    const over = await centre(page.getByTestId("tag-list"));
    const paths = [f("app-layout")];
    await drag(page, "enter", over, paths);
    await drag(page, "drop", over, paths);
    const offer = page.getByTestId("push-layout-offer");
    await offer.waitFor();
    assert.match(await offer.innerText(), /app-layout is an OCI image layout/);
    await shot(page, "21d-push-sheet-layout-offer");
    await page.getByTestId("push-layout-copy").click();
    await page.getByTestId("push-sheet").waitFor({ state: "detached" });
    await page.getByTestId("transfers-panel").waitFor();
    const copies = await calls(page, "copy");
    assert.ok(copies.length >= 1, "each tag of the layout is copied");
    assert.equal(copies[0].source, `layout:${f("app-layout")}`);
    assert.equal(copies[0].referrers, true);
    assert.deepEqual(copies[0].target, { source: "localhost:5000", repository: "demo/app", tag: copies[0].reference });
    await app.done();
  });

  test("drop on a graph node attaches (HiDPI positions); layers refuse; a drop elsewhere says where to drop", async () => {
    const app = await open(env, { scale: 2 });
    const { page } = app;
    await openDemoGraph(page);
    const nodes = await graphNodes(page);
    const amd = nodes.find((/** @type {any} */ n) => n.kind === "image" && /amd64/.test(n.label));
    const layer = nodes.find((/** @type {any} */ n) => n.kind === "layer");
    const before = nodes.length;
    /** @param {string} id */
    const pos = (id) => page.evaluate((i) => /** @type {any} */ (window).__stowageGraph.nodePosition(i), id);
    /** @param {string} id */
    const classes = async (id) => (await page.evaluate(() => /** @type {any} */ (window).__stowageGraph.nodes())).find((/** @type {any} */ n) => n.id === id).classes;

    const file = [f("bom.cdx.json")];
    await drag(page, "enter", await pos(amd.id), file);
    await page.waitForFunction((id) => /** @type {any} */ (window).__stowageGraph.nodes().find((/** @type {any} */ n) => n.id === id).classes.includes("drop-ok"), amd.id);
    assert.equal(await page.getByTestId("drop-hint").innerText(), "Attach to Image linux/amd64");
    assert.equal(await page.evaluate(() => /** @type {any} */ (window).__stowageDrop.over()), `node:${amd.id}`);
    await shot(page, "24-drag-over-node");

    // A layer cannot be a subject: it is marked, and dropping there says why.
    await drag(page, "over", await pos(layer.id));
    await page.waitForFunction((id) => /** @type {any} */ (window).__stowageGraph.nodes().find((/** @type {any} */ n) => n.id === id).classes.includes("drop-no"), layer.id);
    assert.ok(!(await classes(amd.id)).includes("drop-ok"), "the image is no longer lit");
    assert.match(await page.getByTestId("drop-hint").innerText(), /Layers and configs can't have referrers/);
    await shot(page, "25-drag-over-layer");
    await drag(page, "drop", await pos(layer.id), file);
    await page.getByTestId("toast").filter({ hasText: "Layers and configs can't have referrers" }).waitFor();
    assert.equal(await page.getByTestId("push-sheet").count(), 0);
    assert.ok(!(await classes(layer.id)).includes("drop-no"), "the mark goes when the drag ends");

    // A drop of files that are no SBOM on the toolbar is no target: a short toast says where to drop.
    const notes = [f("notes.txt"), f("todo.txt")];
    await drag(page, "enter", await centre(page.getByTestId("graph-title")), notes);
    assert.equal(await page.getByTestId("drop-hint").innerText(), "Drop on a source, a repository, or a node of the graph");
    await drag(page, "drop", await centre(page.getByTestId("graph-title")), notes);
    await page.getByTestId("toast").filter({ hasText: "Drop on a source, a repository, or a node of the graph" }).waitFor();

    // Drop on the image: the sheet opens in attach mode with the node as subject.
    await drag(page, "enter", await pos(amd.id), file);
    await drag(page, "drop", await pos(amd.id), file);
    const sheet = page.getByTestId("push-sheet");
    await sheet.waitFor();
    assert.equal(await sheet.getAttribute("data-mode"), "attach");
    assert.equal(await page.getByTestId("push-subject").getAttribute("data-digest"), amd.id);
    assert.match(await page.getByTestId("push-subject").innerText(), /Image linux\/amd64/);
    await page.waitForSelector('[data-testid="push-preview"][data-state="ready"]');
    assert.equal(await page.getByTestId("push-artifact-type").inputValue(), "application/vnd.cyclonedx+json");
    assert.equal(await page.getByTestId("push-tag").count(), 0, "an attach has no tag by default");
    assert.match(await page.getByTestId("raw-json").innerText(), new RegExp(`"subject":\\{[^}]*"digest":"${amd.id}"`));
    await shot(page, "26-attach-sheet");
    const digest = await page.getByTestId("push-digest").innerText();
    await page.getByTestId("push-submit").click();
    await page.waitForSelector('[data-testid="transfer"][data-kind="attach"][data-state="done"]');

    // The new node and its edge are in the open graph, without a reload, and selected.
    await page.waitForFunction((id) => /** @type {any} */ (window).__stowageGraph.nodeIds().includes(id), digest);
    const edges = await page.evaluate(() => /** @type {any} */ (window).__stowageGraph.edgeIds());
    assert.ok(edges.includes(`${amd.id}->${digest}`), "subject -> new node");
    assert.equal((await graphNodes(page)).length, before + 1);
    assert.equal((await calls(page, "load_graph")).length, 1, "no reload");
    await page.waitForSelector(`[data-testid="details"][data-node="${digest}"]`);
    assert.equal(await page.evaluate(() => /** @type {any} */ (window).__stowageGraph.selected()), digest);
    assert.match(await page.getByTestId("details").innerText(), /application\/vnd\.cyclonedx\+json/);
    assert.ok(await page.getByTestId("transfers-panel").isVisible(), "the panel opened when the attach started");
    await shot(page, "27-attached-node");
    await app.done();
  });

  test("transfers: running, failed with the registry's words, cancelled; cancel and retry", async () => {
    const app = await open(env, { dark: true, query: "?transfer=2500" });
    const { page } = app;
    // "Push files…" on a source: the dialog picks files, the sheet asks for the repository.
    await page.locator('[data-source="localhost:5000"]').click();
    await page.getByTestId("repo-list").waitFor();
    await page.evaluate((p) => (/** @type {any} */ (window).__mockPick = p), [f("report.pdf"), f("big.iso")]);
    await page.getByTestId("push-files-button").click();
    const sheet = page.getByTestId("push-sheet");
    await sheet.waitFor();
    // The shell opens the dialog (and grants what it returns); the webview opens none itself.
    assert.equal((await calls(page, "pick_files")).length, 1);
    assert.deepEqual((await calls(page, "inspect_paths")).at(-1), { paths: [f("report.pdf"), f("big.iso")] });
    assert.equal(await page.getByTestId("push-repository").inputValue(), "");
    assert.match(await page.getByTestId("push-problem").innerText(), /Name the repository to push to/);
    await page.getByTestId("push-repository").fill("Quota/App");
    assert.match(await page.getByTestId("push-repository-problem").innerText(), /lowercase/);
    await page.getByTestId("push-repository").fill("quota/app");
    await page.waitForSelector('[data-testid="push-preview"][data-state="preparing"]');
    await shot(page, "28-push-sheet-hashing-dark");
    await page.waitForSelector('[data-testid="push-preview"][data-state="ready"]');
    await page.getByTestId("push-submit").click();
    await sheet.waitFor({ state: "detached" });

    // A pull from a tag row's menu, and a copy to a repository the registry refuses.
    await page.getByTestId("repo-list").getByText("demo/app", { exact: true }).click();
    await page.getByTestId("tag-list").getByText("v1", { exact: true }).click({ button: "right" });
    await page.getByTestId("tag-menu").getByRole("menuitem", { name: "Pull to folder…" }).click();
    await page.getByTestId("tag-list").getByText("edge", { exact: true }).click({ button: "right" });
    await page.getByTestId("tag-menu").getByRole("menuitem", { name: "Copy to…" }).click();
    const copy = page.getByTestId("copy-dialog");
    await copy.waitFor();
    await page.getByTestId("copy-source").selectOption("ghcr.io");
    await page.getByTestId("copy-repository").fill("denied/app");
    assert.equal(await page.getByTestId("copy-tag").inputValue(), "edge");
    assert.ok(await page.getByTestId("copy-referrers").isChecked());
    assert.equal(await page.getByTestId("command-line-stowage").innerText(), "stowage cp -r localhost:5000/demo/app:edge ghcr.io/denied/app:edge");
    await shot(page, "29-copy-dialog-dark");
    await page.getByTestId("copy-submit").click();
    await copy.waitFor({ state: "detached" });

    const panel = page.getByTestId("transfers-panel");
    await panel.waitFor();
    const row = (/** @type {string} */ kind) => panel.locator(`[data-testid="transfer"][data-kind="${kind}"]`);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="transfer"][data-state="running"]').length === 3);
    assert.equal(await page.getByTestId("transfers-badge").innerText(), "3");
    await row("push").getByRole("button", { name: /blobs/ }).click();
    await shot(page, "30-transfers-running-dark");

    // Cancel the pull.
    await row("pull").getByTestId("transfer-cancel").click();
    await page.waitForSelector('[data-testid="transfer"][data-kind="pull"][data-state="cancelled"]');
    // The copy and the push fail, each with the registry's own words.
    await page.waitForSelector('[data-testid="transfer"][data-kind="copy"][data-state="failed"]');
    assert.match(await row("copy").getByTestId("transfer-error").innerText(), /denied: requested access to the resource is denied \(ghcr\.io\/denied\/app\)/);
    await page.waitForSelector('[data-testid="transfer"][data-kind="push"][data-state="failed"]', { timeout: 10_000 });
    assert.match(await row("push").getByTestId("transfer-error").innerText(), /quota exceeded/);
    assert.equal(await row("push").getByTestId("transfer-error").getAttribute("data-code"), "quota");
    assert.match(await row("push").getByTestId("transfer-blobs").innerText(), /failed/);
    await shot(page, "31-transfers-failed-cancelled-dark");

    // Retry: the push goes again with the same plan; the pull with the same arguments.
    const firstPush = (await calls(page, "push"))[0];
    await row("push").getByTestId("transfer-retry").click();
    await row("pull").getByTestId("transfer-retry").click();
    await page.waitForSelector('[data-testid="transfer"][data-kind="push"][data-state="done"]', { timeout: 10_000 });
    await page.waitForSelector('[data-testid="transfer"][data-kind="pull"][data-state="done"]', { timeout: 10_000 });
    const pushes = await calls(page, "push");
    assert.equal(pushes.length, 2);
    assert.equal(pushes[1].plan, firstPush.plan, "retry pushes the same plan");
    const pulls = await calls(page, "pull");
    assert.deepEqual({ ...pulls[1], op: "" }, { ...pulls[0], op: "" }, "retry pulls with the same arguments");
    assert.notEqual(pulls[1].op, pulls[0].op, "under a new op id");
    assert.match(await row("pull").getByTestId("transfer-result").innerText(), /3 files in \/home\/alice\/Downloads\/app-v1/);
    assert.match(await row("push").innerText(), /attempt 2/);
    await shot(page, "32-transfers-retried-dark");
    await app.done();
  });

  test("a file that changes during the upload: the push fails naming it; a good push shows in the graph", async () => {
    const app = await open(env);
    const { page } = app;
    // The Local store: drop on its sidebar row, name a new repository.
    await drag(page, "enter", await centre(page.locator('[data-source="local"]')), [f("changing.log")]);
    assert.match(await page.getByTestId("drop-hint").innerText(), /Push to Local store \(you name the repository\)/);
    await drag(page, "drop", await centre(page.locator('[data-source="local"]')), [f("changing.log")]);
    await page.getByTestId("push-sheet").waitFor();
    assert.equal(await page.getByTestId("push-source").inputValue(), "local");
    await page.getByTestId("push-repository").fill("logs");
    await page.waitForSelector('[data-testid="push-preview"][data-state="ready"]');
    await page.getByTestId("push-submit").click();
    await page.waitForSelector('[data-testid="transfer"][data-state="failed"]');
    const error = page.getByTestId("transfer-error");
    assert.match(await error.innerText(), /file \/home\/alice\/drop\/changing\.log \(it changed during the upload\)/);
    assert.equal(await error.getAttribute("data-code"), "changed");
    await shot(page, "36-push-file-changed");

    // "Push files…" in the empty Local store, then "Show in graph" on the finished transfer.
    await page.getByTestId("push-files-button").click();
    await page.getByTestId("push-sheet").waitFor();
    await page.getByTestId("push-repository").fill("reports");
    await page.waitForSelector('[data-testid="push-preview"][data-state="ready"]');
    const digest = await page.getByTestId("push-digest").innerText();
    await page.getByTestId("push-submit").click();
    const done = page.locator(`[data-testid="transfer"][data-state="done"][data-digest="${digest}"]`);
    await done.waitFor();
    // The new repository is listed in the Local store.
    await page.getByTestId("repo-list").getByText("reports", { exact: true }).waitFor();
    assert.equal(await page.getByTestId("transfers-badge").innerText(), "1", "the failed push is still counted");
    await done.getByTestId("transfer-show").click();
    await page.getByTestId("transfers-panel").waitFor({ state: "detached" });
    await page.waitForSelector('[data-testid="graph-status"][data-status="done"]');
    await page.waitForSelector(`[data-testid="details"][data-node="${digest}"]`);
    assert.match(await page.getByTestId("graph-title").innerText(), new RegExp(`reports@${digest}`));
    await page.waitForFunction(() => Number(document.querySelector(".graph-canvas")?.getAttribute("data-nodes")) === 3);
    await shot(page, "37-show-pushed-in-graph");
    await app.done();
  });

  test("add a tag, then delete with a cascade preview that changes before the delete", async () => {
    const app = await open(env);
    const { page } = app;
    await openDemoGraph(page);
    const nodes = await graphNodes(page);
    const amd = nodes.find((/** @type {any} */ n) => n.kind === "image" && /amd64/.test(n.label));
    const index = nodes.find((/** @type {any} */ n) => n.kind === "index");

    await page.evaluate((id) => /** @type {any} */ (window).__stowageGraph.select(id), index.id);
    await page.getByTestId("action-tag").click();
    await page.getByTestId("tag-input").fill("stable");
    await page.getByTestId("tag-submit").click();
    await page.getByTestId("tag-dialog").waitFor({ state: "detached" });
    assert.deepEqual((await calls(page, "add_tag")).at(-1), { source: "localhost:5000", repository: "demo/app", digest: index.id, tag: "stable" });
    await page.getByTestId("tag-list").getByText("stable", { exact: true }).waitFor();

    await page.evaluate((id) => /** @type {any} */ (window).__stowageGraph.select(id), amd.id);
    await page.getByTestId("action-delete").click();
    const dialog = page.getByTestId("delete-dialog");
    await dialog.waitFor();
    const list = page.getByTestId("delete-list");
    await list.waitFor();
    assert.equal(await list.locator("li").count(), 1);
    assert.match(await dialog.innerText(), /3 referrers/);
    assert.match(await page.getByTestId("delete-listed-by").innerText(), /Index sha256:\w+ \(tags v1, v1\.0\.0, latest, stable\) still lists this image/);
    assert.match(await page.getByTestId("command-line-stowage").innerText(), /^stowage rm localhost:5000\/demo\/app@sha256:/);
    await page.getByTestId("delete-cascade").check();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="delete-list"] li').length === 4);
    const order = await list.locator("li").evaluateAll((els) => els.map((e) => e.getAttribute("data-digest")));
    assert.equal(order.at(-1), amd.id, "the chosen manifest goes last");
    const sbom = nodes.find((/** @type {any} */ n) => n.kind === "sbom").id;
    const sbomSig = nodes.find((/** @type {any} */ n) => n.kind === "signature" && /notation/.test(n.label)).id;
    assert.ok(order.indexOf(sbomSig) < order.indexOf(sbom), "deepest referrers first");
    await shot(page, "33-delete-cascade");

    // Someone attaches a signature meanwhile: the delete is refused and the list shown again.
    await page.evaluate(() => (/** @type {any} */ (window).__mockAttachBeforeDelete = true));
    await page.getByTestId("delete-submit").click();
    await page.getByTestId("delete-error").waitFor();
    assert.match(await page.getByTestId("delete-error").innerText(), /changed since it was shown \(4 then, 5 now\): nothing was deleted/);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="delete-list"] li').length === 5);
    await shot(page, "34-delete-changed");
    await page.getByTestId("delete-submit").click();
    await dialog.waitFor({ state: "detached" });
    const deleted = (await calls(page, "delete")).at(-1);
    assert.equal(deleted.expected.length, 5);
    assert.equal(deleted.cascade, true);
    // The graph is loaded again without them.
    await page.waitForFunction((id) => !(/** @type {any} */ (window).__stowageGraph.nodeIds().includes(id)), amd.id);
    await page.waitForSelector('[data-testid="graph-status"][data-status="done"]');
    await page.getByTestId("toast").filter({ hasText: "Deleted 5 manifests from demo/app" }).waitFor();
    await shot(page, "35-after-delete");
    await app.done();
  });
});
