// Where the canvas looks: the fit that shows a graph, and keeping the view when the canvas
// changes size. Pure arithmetic on boxes, so it is tested without Cytoscape (canvas-viewport.ts
// applies it).
import { NODE_BORDER, NODE_FONT_SIZE } from "./style";

export type Rect = { x1: number; y1: number; x2: number; y2: number };
export type Point = { x: number; y: number };
export type Viewport = { zoom: number; pan: Point };
export type Size = { width: number; height: number };

/** The smallest node label, in screen pixels, that still reads without leaning in. */
export const READABLE_PX = 11;
/** Fits never zoom out past this: a graph too big for the canvas at this zoom is panned instead. */
export const READABLE_ZOOM = READABLE_PX / NODE_FONT_SIZE;
/** Fits never zoom in past this either: a three-node graph blown up looks broken. */
export const MAX_FIT_ZOOM = 1.4;

/** The canvas: its size, the margin a fit keeps, and what floats over its bottom edge (the legend). */
export type Frame = { width: number; height: number; pad: number; insetBottom: number };

/**
 * `viewport` panned just enough that a node of `node` size (its border besides) centred at `at`
 * (model coordinates) shows inside `size`: a fit that shows the graph from its roots still shows the selection.
 */
export function revealIn(viewport: Viewport, at: Point, node: Size, size: Size): Viewport {
  const { zoom, pan } = viewport;
  const x = at.x * zoom + pan.x;
  const y = at.y * zoom + pan.y;
  const w = (node.width / 2 + NODE_BORDER) * zoom;
  const h = (node.height / 2 + NODE_BORDER) * zoom;
  const by = revealBy({ x1: x - w, y1: y - h, x2: x + w, y2: y + h }, size);
  return { zoom, pan: { x: pan.x + by.x, y: pan.y + by.y } };
}

/**
 * The viewport that shows `graph` (model coordinates) in `frame`: all of it when it fits at a
 * readable zoom, else as much as fits at that zoom around `roots` (the nodes nothing points to,
 * where reading starts), never leaving empty canvas beyond the graph's edge.
 */
export function fitViewport(graph: Rect, roots: Rect | null, frame: Frame, minZoom = READABLE_ZOOM, maxZoom = MAX_FIT_ZOOM): Viewport {
  const below = Math.max(frame.pad, frame.insetBottom + 12);
  const wide = Math.max(1, frame.width - 2 * frame.pad);
  const high = Math.max(1, frame.height - frame.pad - below);
  const w = Math.max(1, graph.x2 - graph.x1);
  const h = Math.max(1, graph.y2 - graph.y1);
  const zoom = Math.max(minZoom, Math.min(wide / w, high / h, maxZoom));
  const r = roots ?? graph;
  return {
    zoom,
    pan: {
      x: place(graph.x1, graph.x2, r.x1, r.x2, frame.pad, wide, zoom),
      y: place(graph.y1, graph.y2, r.y1, r.y2, frame.pad, high, zoom),
    },
  };
}

/** The pan along one axis: centred when the graph fits, else the roots as central as the edges allow. */
function place(lo: number, hi: number, rootLo: number, rootHi: number, start: number, size: number, zoom: number): number {
  if ((hi - lo) * zoom <= size) return start + size / 2 - ((lo + hi) / 2) * zoom;
  const want = start + size / 2 - ((rootLo + rootHi) / 2) * zoom;
  // The graph's near edge no further in than the margin, its far edge no further in than the other.
  const most = start - lo * zoom;
  const least = start + size - hi * zoom;
  return Math.min(most, Math.max(least, want));
}

/** A node as the fit sees it: its size comes from the view, not from Cytoscape. */
export type SizedNode = { id: string; width: number; height: number };

/**
 * The box around `nodes` (border included) where `at` puts their centres, and the box around the
 * roots among them (the nodes no edge in `targets` points to; null when none is placed). Nodes
 * `at` has no position for are left out; null when none is left.
 */
export function graphBounds(nodes: readonly SizedNode[], targets: ReadonlySet<string>, at: (id: string) => Point | null): { graph: Rect; roots: Rect | null } | null {
  const graph = { x1: Infinity, y1: Infinity, x2: -Infinity, y2: -Infinity };
  const roots = { ...graph };
  for (const n of nodes) {
    const p = at(n.id);
    if (!p) continue;
    const w = n.width / 2 + NODE_BORDER;
    const h = n.height / 2 + NODE_BORDER;
    for (const box of targets.has(n.id) ? [graph] : [graph, roots]) {
      box.x1 = Math.min(box.x1, p.x - w);
      box.y1 = Math.min(box.y1, p.y - h);
      box.x2 = Math.max(box.x2, p.x + w);
      box.y2 = Math.max(box.y2, p.y + h);
    }
  }
  if (!Number.isFinite(graph.x1)) return null;
  return { graph, roots: Number.isFinite(roots.x1) ? roots : null };
}

/** The pan that brings a node moving to `to` (model coordinates) back to `rendered` on screen. */
export function anchorPan(rendered: Point, to: Point, viewport: Viewport): Point {
  return { x: rendered.x - (to.x * viewport.zoom + viewport.pan.x), y: rendered.y - (to.y * viewport.zoom + viewport.pan.y) };
}

/**
 * What a canvas that went from `before` to `after` does with its viewport: "same" when its size
 * did not change; "fit" when the user never moved the view (the fit's zoom never drops below
 * readable); else the pan that keeps its middle in the middle, or "stay" when it had no size
 * before, so no middle to keep.
 */
export function afterResize(userMoved: boolean, pan: Point, before: Size, after: Size): "same" | "fit" | "stay" | { pan: Point } {
  if (after.width === before.width && after.height === before.height) return "same";
  if (!userMoved) return "fit";
  if (before.width > 0 && before.height > 0) return { pan: keepCentre(pan, before, after) };
  return "stay";
}

/**
 * The pan that keeps the model point at the canvas's centre there after the canvas changed size
 * (Cytoscape keeps the top left corner, so a panel opening on the right would hide the middle).
 */
export function keepCentre(pan: Point, before: Size, after: Size): Point {
  return { x: pan.x + (after.width - before.width) / 2, y: pan.y + (after.height - before.height) / 2 };
}

/**
 * The smallest pan that brings `box` (screen pixels) inside the canvas with `margin` to spare; a
 * box larger than the canvas keeps its top left corner in view.
 */
export function revealBy(box: Rect, size: Size, margin = 24): Point {
  const axis = (lo: number, hi: number, extent: number) => {
    if (lo < margin) return margin - lo;
    if (hi > extent - margin) return Math.max(margin - lo, extent - margin - hi);
    return 0;
  };
  return { x: axis(box.x1, box.x2, size.width), y: axis(box.y1, box.y2, size.height) };
}
