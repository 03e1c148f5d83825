// Where the canvas looks: the fit that shows a graph, and keeping the view when the canvas
// changes size. Pure arithmetic on boxes, so it is tested without Cytoscape.
import { NODE_FONT_SIZE } from "./style";

export type Rect = { x1: number; y1: number; x2: number; y2: number };
export type Point = { x: number; y: number };
export type Viewport = { zoom: number; pan: Point };

/** The smallest node label, in screen pixels, that still reads without leaning in. */
export const READABLE_PX = 11;
/** Fits never zoom out past this: a graph too big for the canvas at this zoom is panned instead. */
export const READABLE_ZOOM = READABLE_PX / NODE_FONT_SIZE;
/** Fits never zoom in past this either: a three-node graph blown up looks broken. */
export const MAX_FIT_ZOOM = 1.4;

/** The canvas: its size, the margin a fit keeps, and what floats over its bottom edge (the legend). */
export type Frame = { width: number; height: number; pad: number; insetBottom: number };

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

/**
 * The pan that keeps the model point at the canvas's centre there after the canvas changed size
 * (Cytoscape keeps the top left corner, so a panel opening on the right would hide the middle).
 */
export function keepCentre(pan: Point, before: { width: number; height: number }, after: { width: number; height: number }): Point {
  return { x: pan.x + (after.width - before.width) / 2, y: pan.y + (after.height - before.height) / 2 };
}

/**
 * The smallest pan that brings `box` (screen pixels) inside the canvas with `margin` to spare; a
 * box larger than the canvas keeps its top left corner in view.
 */
export function revealBy(box: Rect, size: { width: number; height: number }, margin = 24): Point {
  const axis = (lo: number, hi: number, extent: number) => {
    if (lo < margin) return margin - lo;
    if (hi > extent - margin) return Math.max(margin - lo, extent - margin - hi);
    return 0;
  };
  return { x: axis(box.x1, box.x2, size.width), y: axis(box.y1, box.y2, size.height) };
}
