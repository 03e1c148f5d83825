import cytoscape, { type Core } from "cytoscape";
import { beforeEach, describe, expect, test, vi } from "vitest";
import { CanvasSync, nodeClasses, nodeLabels } from "./canvas-sync";
import type { GraphView, ViewEdge, ViewNode } from "./model";
import { LITE_ABOVE } from "./style";

function node(id: string, extra: Partial<ViewNode> = {}): ViewNode {
  return { id, kind: "image", title: `Image ${id}`, subtitle: `sha256:${id}`, node: null, error: null, status: null, hidden: 0, owner: null, width: 184, height: 50, ...extra };
}
const edge = (source: string, target: string, kind: ViewEdge["kind"] = "child"): ViewEdge => ({ id: `${source}|${target}|${kind}`, source, target, label: kind === "referrer" ? "referrers API" : "index", kind });
const view = (nodes: ViewNode[], edges: ViewEdge[] = []): GraphView => ({ nodes, edges, representative: new Map() });

/** index -> amd, index -> arm, amd -> its signature. */
const base = () => view([node("index", { kind: "index" }), node("amd"), node("arm"), node("sig", { kind: "signature" })], [edge("index", "amd"), edge("index", "arm"), edge("amd", "sig", "referrer")]);

let cy: Core;
let canvas: CanvasSync;
// Which elements had their data or classes set since the last reset.
let touched: string[];

beforeEach(() => {
  cy = cytoscape({ headless: true });
  canvas = new CanvasSync(cy);
  touched = [];
  cy.on("data class", (e) => touched.push(e.target.id()));
});

describe("labels", () => {
  test("a checked signature carries its verdict, a failed node a warning, a fold its count", () => {
    expect(nodeLabels(node("a", { kind: "signature", title: "Signature", status: "verified" })).label).toBe("✓ Signature\nsha256:a");
    expect(nodeLabels(node("a", { title: "Signature", status: "notChecked" })).title).toBe("Signature");
    expect(nodeLabels(node("a", { title: "Image", error: "404" })).title).toBe("⚠ Image");
    const folded = nodeLabels(node("a", { title: "Index", subtitle: "", hidden: 4 }));
    expect(folded).toEqual({ label: "Index\n  ▸ +4", title: "Index  ▸ +4" });
    // "+N layers" says its count in its title already.
    expect(nodeLabels(node("a", { kind: "layers", title: "+4 layers", subtitle: "", hidden: 4 })).label).toBe("+4 layers");
  });

  test("classes say failed, verified or not, folded, and still loading", () => {
    expect(nodeClasses(node("a", { error: "x", hidden: 2 }))).toBe("error folded");
    expect(nodeClasses(node("a", { status: "failed" }))).toBe("unverified");
    expect(nodeClasses(node("a", { kind: "artifact" }))).toBe("loading");
    expect(nodeClasses(node("a", { kind: "layers", hidden: 3 }))).toBe("");
  });
});

describe("drawing a view", () => {
  test("every node and edge goes in, with the stylesheet's data and the referrer class", () => {
    canvas.draw(base(), "light", null, false);
    expect(cy.nodes().map((n) => n.id())).toEqual(["index", "amd", "arm", "sig"]);
    expect(cy.edges()).toHaveLength(3);
    const amd = cy.getElementById("amd");
    expect(amd.data("label")).toBe("Image amd\nsha256:amd");
    expect(amd.data("textWidth")).toBe("144px");
    expect(cy.getElementById("amd|sig|referrer").hasClass("referrer")).toBe(true);
    expect(cy.getElementById("index|amd|child").hasClass("referrer")).toBe(false);
  });

  test("a redraw of the same view touches no node", () => {
    canvas.draw(base(), "light", null, false);
    // Changed behind the sync's back: a redraw that rewrote unchanged nodes would put it back.
    cy.getElementById("arm").data("label", "stale");
    touched = [];
    canvas.draw(base(), "light", null, false);
    expect(touched).toEqual([]);
    expect(cy.getElementById("arm").data("label")).toBe("stale");
  });

  test("only the node that changed is updated", () => {
    canvas.draw(base(), "light", null, false);
    touched = [];
    const next = base();
    next.nodes[3] = node("sig", { kind: "signature", status: "verified" });
    canvas.draw(next, "light", null, false);
    expect([...new Set(touched)]).toEqual(["sig"]);
    const sig = cy.getElementById("sig");
    expect(sig.data("label")).toBe("✓ Image sig\nsha256:sig");
    expect(sig.hasClass("verified")).toBe(true);
  });

  test("an edge whose label changed is relabelled in place", () => {
    canvas.draw(base(), "light", null, false);
    const next = base();
    next.edges[2] = { ...edge("amd", "sig", "referrer"), label: "cosign tag" };
    canvas.draw(next, "light", null, false);
    expect(cy.getElementById("amd|sig|referrer").data("label")).toBe("cosign tag");
  });

  test("nodes and edges no longer in the view are removed, and come back drawn afresh", () => {
    canvas.draw(base(), "light", null, false);
    canvas.draw(view([node("index", { kind: "index" }), node("amd")], [edge("index", "amd")]), "light", null, false);
    expect(cy.nodes().map((n) => n.id())).toEqual(["index", "amd"]);
    expect(cy.edges().map((e) => e.id())).toEqual(["index|amd|child"]);
    canvas.draw(base(), "light", null, false);
    expect(cy.getElementById("sig").data("label")).toBe("Image sig\nsha256:sig");
    expect(cy.edges()).toHaveLength(3);
  });

  test("placed by the tree now, nodes new and old go where the layout says in the same batch", () => {
    canvas.draw(view([node("index")]), "light", { index: { x: 0, y: 0 } }, true);
    const placed = { index: { x: 10, y: 20 }, amd: { x: 300, y: 20 } };
    canvas.draw(view([node("index"), node("amd")], [edge("index", "amd")]), "light", placed, true);
    expect(cy.getElementById("index").position()).toEqual({ x: 10, y: 20 });
    expect(cy.getElementById("amd").position()).toEqual({ x: 300, y: 20 });
  });

  test("a move left for later starts new nodes at their parent; without a layout they wait beside it", () => {
    canvas.draw(view([node("index")]), "light", { index: { x: 50, y: 50 } }, true);
    canvas.draw(view([node("index"), node("amd")], [edge("index", "amd")]), "light", { index: { x: 0, y: 0 }, amd: { x: 300, y: 0 } }, false);
    // Not moved now: the old node stays, the new one starts where its parent is.
    expect(cy.getElementById("index").position()).toEqual({ x: 50, y: 50 });
    expect(cy.getElementById("amd").position()).toEqual({ x: 50, y: 50 });
    canvas.draw(view([node("index"), node("amd"), node("arm")], [edge("index", "amd"), edge("index", "arm")]), "light", null, false);
    expect(cy.getElementById("arm").position()).toEqual({ x: 50 + 260, y: 50 });
  });

  test("a graph past LITE_ABOVE nodes switches to the lite sheet once, and back when it shrinks", () => {
    const style = vi.spyOn(cy, "style");
    const big = view(Array.from({ length: LITE_ABOVE + 1 }, (_, i) => node(`n${i}`)));
    canvas.draw(big, "light", null, false);
    expect(canvas.isLite).toBe(true);
    canvas.draw(big, "light", null, false);
    expect(style).toHaveBeenCalledTimes(1);
    canvas.draw(base(), "light", null, false);
    expect(canvas.isLite).toBe(false);
    expect(style).toHaveBeenCalledTimes(2);
  });

  test("move puts the nodes where a layout says and leaves the others", () => {
    canvas.draw(base(), "light", null, false);
    const arm = { ...cy.getElementById("arm").position() };
    canvas.move({ index: { x: 1, y: 2 }, amd: { x: 3, y: 4 } }, false);
    expect(cy.getElementById("amd").position()).toEqual({ x: 3, y: 4 });
    expect(cy.getElementById("arm").position()).toEqual(arm);
  });
});

describe("state classes", () => {
  test("a search marks hits and dims the rest; an empty one clears both", () => {
    canvas.draw(base(), "light", null, false);
    canvas.markSearch(new Set(["amd"]), true);
    expect(cy.getElementById("amd").hasClass("match")).toBe(true);
    expect(cy.getElementById("arm").hasClass("dim")).toBe(true);
    expect(cy.edges(".dim")).toHaveLength(3);
    canvas.markSearch(new Set(), false);
    expect(cy.elements(".match, .dim")).toHaveLength(0);
  });

  test("the selection is selected with the edges that touch it", () => {
    canvas.draw(base(), "light", null, false);
    canvas.markSelection("amd");
    expect(cy.$(":selected").map((n) => n.id())).toEqual(["amd"]);
    expect(cy.edges(".touching").map((e) => e.id()).sort()).toEqual(["amd|sig|referrer", "index|amd|child"]);
    canvas.markSelection(null);
    expect(cy.$(":selected")).toHaveLength(0);
    expect(cy.edges(".touching")).toHaveLength(0);
  });

  test("a drag's node is marked once, and again after a draw", () => {
    canvas.draw(base(), "light", null, false);
    const over = { kind: "refused", key: "refused:arm", viewId: "arm", reason: "a layer" } as const;
    canvas.markDrop(over);
    expect(cy.getElementById("arm").hasClass("drop-no")).toBe(true);
    cy.getElementById("arm").removeClass("drop-no");
    // The same target again is nothing new...
    canvas.markDrop(over);
    expect(cy.getElementById("arm").hasClass("drop-no")).toBe(false);
    // ...until a draw, which may have drawn the node anew.
    canvas.draw(base(), "light", null, false);
    canvas.markDrop(over);
    expect(cy.getElementById("arm").hasClass("drop-no")).toBe(true);
    canvas.markDrop(null);
    expect(cy.nodes(".drop-ok, .drop-no")).toHaveLength(0);
  });
});

describe("reading the canvas", () => {
  test("arrow keys start from the selected node, its neighbours marked connected", () => {
    canvas.draw(base(), "light", null, false);
    const at = canvas.arrowCandidates("amd");
    expect(at?.from).toEqual(cy.getElementById("amd").position());
    expect(at?.candidates.map((c) => [c.id, c.connected])).toEqual([
      ["index", true],
      ["arm", false],
      ["sig", true],
    ]);
    expect(canvas.arrowCandidates("gone")).toBeNull();
    expect(canvas.firstNode()).toBe("index");
  });

  test("the node under a point is found in model coordinates", () => {
    cy = cytoscape({ headless: true, styleEnabled: true, style: [{ selector: "node", style: { width: "data(width)", height: "data(height)" } }] });
    canvas = new CanvasSync(cy);
    canvas.draw(view([node("a")]), "light", { a: { x: 100, y: 100 } }, true);
    cy.viewport({ zoom: 2, pan: { x: 10, y: 0 } });
    // The canvas's element sits at (5, 5); the node's centre is at 2 * 100 + 10 on it.
    expect(canvas.nodeUnder({ x: 215, y: 205 }, { left: 5, top: 5 })).toBe("a");
    expect(canvas.nodeUnder({ x: 5 + 210 + 200, y: 205 }, { left: 5, top: 5 })).toBeNull();
  });
});
