import { describe, expect, test } from "vitest";
import { NODE_FONT_SIZE } from "../../src/graph/style";
import { fitViewport, keepCentre, MAX_FIT_ZOOM, READABLE_PX, READABLE_ZOOM, revealBy } from "../../src/graph/viewport";

const frame = { width: 800, height: 600, pad: 36, insetBottom: 0 };

describe("the fit", () => {
  test("a graph that fits is centred, and a tiny one is not blown up", () => {
    const v = fitViewport({ x1: 0, y1: 0, x2: 400, y2: 200 }, null, frame);
    expect(v.zoom).toBeCloseTo(MAX_FIT_ZOOM);
    // Its centre lands in the middle of the room the margins leave.
    expect(v.pan.x + 200 * v.zoom).toBeCloseTo(400);
    expect(v.pan.y + 100 * v.zoom).toBeCloseTo(300);
  });

  test("never zooms out past readable labels: a wide graph starts at its roots, the rest a pan away", () => {
    expect(READABLE_ZOOM * NODE_FONT_SIZE).toBeGreaterThanOrEqual(READABLE_PX);
    const graph = { x1: 0, y1: 0, x2: 3000, y2: 400 };
    const roots = { x1: 0, y1: 180, x2: 124, y2: 220 };
    const v = fitViewport(graph, roots, frame);
    expect(v.zoom).toBe(READABLE_ZOOM);
    // The left edge (where the roots are) sits at the margin; nothing left of it is shown.
    expect(v.pan.x).toBeCloseTo(frame.pad);
    // Vertically it fits, so it is centred.
    expect(v.pan.y + 200 * v.zoom).toBeCloseTo(300);
  });

  test("a tall graph keeps its roots in the middle when it can, without empty canvas past an edge", () => {
    const graph = { x1: 0, y1: 0, x2: 600, y2: 3000 };
    const middle = fitViewport(graph, { x1: 0, y1: 1480, x2: 124, y2: 1520 }, frame);
    expect(middle.pan.y + 1500 * middle.zoom).toBeCloseTo(36 + (600 - 72) / 2);
    const top = fitViewport(graph, { x1: 0, y1: 0, x2: 124, y2: 40 }, frame);
    expect(top.pan.y).toBeCloseTo(frame.pad);
    const bottom = fitViewport(graph, { x1: 0, y1: 2960, x2: 124, y2: 3000 }, frame);
    expect(bottom.pan.y + 3000 * bottom.zoom).toBeCloseTo(600 - 36);
  });

  test("keeps clear of what floats over the bottom edge", () => {
    const v = fitViewport({ x1: 0, y1: 0, x2: 100, y2: 1000 }, null, { ...frame, insetBottom: 60 }, 0.1);
    // The graph ends above the legend (inset + 12 px).
    expect(v.pan.y + 1000 * v.zoom).toBeCloseTo(600 - 72);
    expect(v.pan.y).toBeCloseTo(36);
  });
});

describe("resizing and revealing", () => {
  test("a canvas that narrows keeps what was in its middle in its middle", () => {
    const pan = { x: 100, y: 50 };
    const after = keepCentre(pan, { width: 900, height: 600 }, { width: 520, height: 600 });
    // The model point at the old centre, (450 - 100) / zoom, is at the new centre (260) after.
    expect(after).toEqual({ x: 100 - 190, y: 50 });
    expect(keepCentre(after, { width: 520, height: 600 }, { width: 900, height: 600 })).toEqual(pan);
  });

  test("reveal pans only as far as needed", () => {
    const size = { width: 500, height: 400 };
    expect(revealBy({ x1: 100, y1: 100, x2: 200, y2: 140 }, size)).toEqual({ x: 0, y: 0 });
    expect(revealBy({ x1: 560, y1: 100, x2: 700, y2: 140 }, size)).toEqual({ x: 500 - 24 - 700, y: 0 });
    expect(revealBy({ x1: -50, y1: -10, x2: 50, y2: 30 }, size)).toEqual({ x: 74, y: 34 });
    // Wider than the canvas: its left edge shows.
    expect(revealBy({ x1: 100, y1: 100, x2: 900, y2: 140 }, size)).toEqual({ x: -76, y: 0 });
  });
});
