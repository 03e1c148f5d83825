import cytoscape, { type Core } from "cytoscape";
import { beforeEach, describe, expect, test, vi } from "vitest";
import { CanvasViewport } from "./canvas-viewport";
import { LAYERS_SUFFIX, type GraphView, type ViewNode } from "./model";
import { NODE_BORDER } from "./style";
import { afterResize, anchorPan, fitViewport, graphBounds, MAX_FIT_ZOOM } from "./viewport";

function node(id: string): ViewNode {
  return { id, kind: "image", title: id, subtitle: "", node: null, error: null, status: null, hidden: 0, owner: null, width: 100, height: 40 };
}
/** root -> a, root -> b. */
const graph: GraphView = {
  nodes: [node("root"), node("a"), node("b")],
  edges: [
    { id: "root|a", source: "root", target: "a", label: "", kind: "child" },
    { id: "root|b", source: "root", target: "b", label: "", kind: "child" },
  ],
  representative: new Map(),
};

describe("viewport arithmetic", () => {
  test("the graph's box includes borders and leaves out what is not placed; the roots' box is the roots'", () => {
    const at: Record<string, { x: number; y: number }> = { root: { x: 0, y: 0 }, a: { x: 200, y: -50 } };
    const bounds = graphBounds(graph.nodes, new Set(["a", "b"]), (id) => at[id] ?? null);
    const w = 50 + NODE_BORDER;
    const h = 20 + NODE_BORDER;
    expect(bounds?.graph).toEqual({ x1: -w, y1: -50 - h, x2: 200 + w, y2: h });
    expect(bounds?.roots).toEqual({ x1: -w, y1: -h, x2: w, y2: h });
    // Only pointed-to nodes placed: no roots to start reading from.
    expect(graphBounds(graph.nodes, new Set(["root", "a", "b"]), (id) => at[id] ?? null)?.roots).toBeNull();
    expect(graphBounds(graph.nodes, new Set(), () => null)).toBeNull();
  });

  test("the anchor's pan puts a moved node back under the same screen point", () => {
    const viewport = { zoom: 2, pan: { x: 10, y: 20 } };
    const delta = anchorPan({ x: 300, y: 200 }, { x: 100, y: 40 }, viewport);
    expect({ x: 100 * 2 + 10 + delta.x, y: 40 * 2 + 20 + delta.y }).toEqual({ x: 300, y: 200 });
  });

  test("after a resize: nothing when the size is the same, a fit until the user moved, else the middle kept", () => {
    const pan = { x: 100, y: 50 };
    const wide = { width: 900, height: 600 };
    const narrow = { width: 520, height: 600 };
    expect(afterResize(false, pan, wide, wide)).toBe("same");
    expect(afterResize(true, pan, wide, wide)).toBe("same");
    expect(afterResize(false, pan, wide, narrow)).toBe("fit");
    expect(afterResize(true, pan, wide, narrow)).toEqual({ pan: { x: 100 - 190, y: 50 } });
    expect(afterResize(true, pan, { width: 0, height: 0 }, narrow)).toBe("stay");
  });
});

describe("the canvas's viewport", () => {
  let cy: Core;
  let size = { width: 800, height: 600 };
  let viewport: CanvasViewport;
  let inset = 0;
  const where = { root: { x: 0, y: 0 }, a: { x: 200, y: -40 }, b: { x: 200, y: 40 } };

  beforeEach(() => {
    cy = cytoscape({ headless: true, styleEnabled: true, minZoom: 0.002, maxZoom: 3, style: [{ selector: "node", style: { width: "data(width)", height: "data(height)" } }] });
    size = { width: 800, height: 600 };
    inset = 0;
    Object.assign(cy, { width: () => size.width, height: () => size.height });
    // Drawn where the layout put them: fits without positions of their own measure these.
    cy.add(graph.nodes.map((n) => ({ group: "nodes" as const, data: { id: n.id, width: n.width, height: n.height }, position: { ...where[n.id as keyof typeof where] } })));
    viewport = new CanvasViewport(cy, { view: () => graph, insetBottom: () => inset });
  });

  /** The viewport a fit of `where` gives on the current canvas. */
  const fitted = () => {
    const bounds = graphBounds(graph.nodes, new Set(["a", "b"]), (id) => where[id as keyof typeof where]);
    if (!bounds) throw new Error("no bounds");
    return fitViewport(bounds.graph, bounds.roots, { width: size.width, height: size.height, pad: 36, insetBottom: inset }, undefined, MAX_FIT_ZOOM);
  };

  test("a layout fits the view to where the nodes are going", () => {
    viewport.settle(where, false);
    const want = fitted();
    expect(cy.zoom()).toBeCloseTo(want.zoom);
    expect(cy.pan().x).toBeCloseTo(want.pan.x);
    expect(cy.pan().y).toBeCloseTo(want.pan.y);
  });

  test("the fit keeps clear of the legend", () => {
    viewport.settle(where, false);
    const plain = { ...cy.pan() };
    inset = 300;
    viewport.settle(where, false);
    expect(cy.pan().y).toBeLessThan(plain.y);
  });

  test("once the user pans, layouts keep the viewport; the fit button brings fitting back", async () => {
    viewport.settle(where, false);
    cy.viewport({ zoom: 0.5, pan: { x: 7, y: 9 } });
    cy.emit("dragpan");
    expect(viewport.userMoved).toBe(true);
    viewport.settle(where, false);
    expect(cy.zoom()).toBe(0.5);
    expect(cy.pan()).toEqual({ x: 7, y: 9 });
    viewport.fitAll();
    expect(viewport.userMoved).toBe(false);
    // The fit button's fit is animated.
    await vi.waitFor(() => expect(cy.animated()).toBe(false));
    expect(cy.zoom()).toBeCloseTo(fitted().zoom);
    expect(cy.pan().x).toBeCloseTo(fitted().pan.x);
  });

  test("a tap is not a move, but zooming with the buttons is", () => {
    cy.emit("tap");
    expect(viewport.userMoved).toBe(false);
    viewport.zoomBy(1.2);
    expect(viewport.userMoved).toBe(true);
    viewport.follow();
    expect(viewport.userMoved).toBe(false);
  });

  test("a fold keeps its node where it was on screen instead of fitting", () => {
    cy.viewport({ zoom: 1, pan: { x: 40, y: 30 } });
    cy.getElementById("a").position({ x: 100, y: 100 });
    const before = { ...cy.getElementById("a").renderedPosition() };
    // Unfolding a's layers starts from a.
    viewport.holdForFold(`a${LAYERS_SUFFIX}`);
    viewport.settle({ ...where, a: { x: 500, y: 300 } }, false);
    expect(cy.zoom()).toBe(1);
    expect({ x: 500 + cy.pan().x, y: 300 + cy.pan().y }).toEqual(before);
    // The hold is for one layout: the next one fits again.
    viewport.settle(where, false);
    expect(cy.zoom()).toBeCloseTo(fitted().zoom);
  });

  test("a layout's fit that shows the graph from its roots still shows the selected node", () => {
    // Too small for the graph at a readable zoom: the fit starts from the root, b is off the canvas.
    size = { width: 160, height: 120 };
    viewport.settle(where, false);
    expect(cy.getElementById("b").renderedBoundingBox({}).x1).toBeGreaterThan(size.width);
    viewport.settle(where, false, "b");
    const box = cy.getElementById("b").renderedBoundingBox({});
    expect(box.x2).toBeLessThanOrEqual(size.width - 24);
    expect(box.x1).toBeGreaterThanOrEqual(0);
    expect(box.y2).toBeLessThanOrEqual(size.height);
    // The zoom is the fit's: only the pan moved.
    expect(cy.zoom()).toBeCloseTo(fitted().zoom);
  });

  test("reveal pans only as far as needed to show a node", () => {
    cy.viewport({ zoom: 1, pan: { x: 0, y: 0 } });
    cy.getElementById("a").position({ x: 400, y: 300 });
    viewport.reveal("a", false);
    expect(cy.pan()).toEqual({ x: 0, y: 0 });
    cy.getElementById("a").position({ x: 900, y: 300 });
    viewport.reveal("a", false);
    const box = cy.getElementById("a").renderedBoundingBox({});
    expect(box.x2).toBeCloseTo(800 - 24);
    expect(cy.pan().y).toBe(0);
  });

  test("a resize refits a view the user never moved, and keeps the middle of one they did", () => {
    viewport.settle(where, false);
    viewport.resized(null);
    size = { width: 400, height: 600 };
    viewport.resized(null);
    expect(cy.zoom()).toBeCloseTo(fitted().zoom);
    cy.viewport({ zoom: 1, pan: { x: 100, y: 50 } });
    cy.emit("scrollzoom");
    size = { width: 600, height: 600 };
    viewport.resized(null);
    expect(cy.zoom()).toBe(1);
    expect(cy.pan()).toEqual({ x: 200, y: 50 });
  });
});
