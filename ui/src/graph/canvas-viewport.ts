// The canvas's viewport over time: layouts fit it until the user pans or zooms, a fold keeps its
// node where it was on screen, a resize keeps the view, and the selection is revealed. The
// arithmetic is in viewport.ts; this applies it to Cytoscape.
import type { Core } from "cytoscape";
import { MOVE_MS, type Positions } from "./canvas-sync";
import { LAYERS_SUFFIX, type GraphView } from "./model";
import { afterResize, anchorPan, fitViewport, graphBounds, MAX_FIT_ZOOM, READABLE_ZOOM, revealBy, revealIn, type Point, type Size } from "./viewport";

/** The margin a fit keeps around the graph, in screen pixels. */
const FIT_PAD = 36;
/** How long a reveal's pan takes, in ms. */
const REVEAL_MS = 150;

export type ViewportSource = {
  /** The view drawn now: a fit measures its nodes by the view's sizes. */
  view: () => GraphView | null;
  /** Pixels at the bottom of the canvas that something floats over (the legend). */
  insetBottom: () => number;
};

export class CanvasViewport {
  private readonly cy: Core;
  private readonly source: ViewportSource;
  // Once the user pans or zooms, new layouts keep their viewport instead of fitting.
  private moved = false;
  // The node a fold or unfold started from stays where it was on screen, so the user's eye
  // doesn't have to hunt for it after the relayout.
  private anchor: { id: string; rendered: Point } | null = null;
  private size: Size = { width: 0, height: 0 };

  constructor(cy: Core, source: ViewportSource) {
    this.cy = cy;
    this.source = source;
    // Only what the user does with the pointer counts as moving the view: a tap that selects a
    // node is no pan, and the view is still the fitted one after it.
    cy.on("dragpan scrollzoom pinchzoom", () => (this.moved = true));
  }

  /** Whether the user panned or zoomed since the view was last fitted on request. */
  get userMoved(): boolean {
    return this.moved;
  }

  /** Layouts fit the view again, until the user moves it. */
  follow() {
    this.moved = false;
  }

  /** The fit button: the whole graph (as readable zoom allows), and layouts fit again after. */
  fitAll() {
    this.moved = false;
    this.fit({}, true);
  }

  /** Zooms about the canvas's centre; this counts as the user moving the view. */
  zoomBy(factor: number) {
    const c = this.cy;
    this.moved = true;
    c.zoom({ level: c.zoom() * factor, renderedPosition: { x: c.width() / 2, y: c.height() / 2 } });
  }

  /** Before a fold or unfold of `viewId`: the next layout keeps its node where it is on screen. */
  holdForFold(viewId: string) {
    const owner = viewId.endsWith(LAYERS_SUFFIX) ? viewId.slice(0, -LAYERS_SUFFIX.length) : viewId;
    const n = this.cy.getElementById(owner);
    this.anchor = n.nonempty() ? { id: owner, rendered: { ...n.renderedPosition() } } : null;
  }

  /**
   * After a layout moved the nodes to `positions`: the view is fitted to them, with the `selected`
   * node in sight, unless the user moved it or a fold holds its node in place.
   */
  settle(positions: Positions, animate: boolean, selected: string | null = null) {
    const c = this.cy;
    const keep = this.anchor;
    this.anchor = null;
    // Cytoscape's own fit measures where animated nodes are now, not where they are going. A
    // fold keeps its node where it was instead: the eye stays on it.
    if (!this.moved && !keep) this.fit(positions, animate, selected);
    const to = keep ? positions[keep.id] : undefined;
    if (keep && to) {
      const delta = anchorPan(keep.rendered, to, { zoom: c.zoom(), pan: c.pan() });
      if (animate) c.animate({ panBy: delta }, { duration: MOVE_MS });
      else c.panBy(delta);
    }
  }

  /**
   * The viewport that shows `positions` (node centres; drawn positions for the rest) with a
   * margin, at a zoom where the labels can be read: a graph too big for that is shown from its
   * roots, and the rest is a pan away; a `selected` node is panned into sight (a node just
   * attached, selected before its layout came).
   */
  fit(positions: Positions, animate: boolean, selected: string | null = null) {
    const c = this.cy;
    const view = this.source.view();
    const targets = new Set((view?.edges ?? []).map((e) => e.target));
    // Sizes from the view, not Cytoscape's: asking it for thousands of node sizes right after a
    // batch costs a style pass (a third of a second on the benchmark's graph).
    const bounds = graphBounds(view?.nodes ?? [], targets, (id) => {
      const p = positions[id];
      if (p) return p;
      const drawn = c.getElementById(id);
      return drawn.nonempty() ? drawn.position() : null;
    });
    if (!bounds) return;
    const frame = { width: c.width(), height: c.height(), pad: FIT_PAD, insetBottom: this.source.insetBottom() };
    let { zoom, pan } = fitViewport(bounds.graph, bounds.roots, frame, Math.max(c.minZoom(), READABLE_ZOOM), Math.min(c.maxZoom(), MAX_FIT_ZOOM));
    const chosen = selected ? view?.nodes.find((n) => n.id === selected) : undefined;
    const drawn = chosen ? c.getElementById(chosen.id) : null;
    const at = chosen ? (positions[chosen.id] ?? (drawn?.nonempty() ? drawn.position() : null)) : null;
    if (chosen && at) ({ zoom, pan } = revealIn({ zoom, pan }, at, chosen, { width: frame.width, height: frame.height - frame.insetBottom }));
    // A pan still animating (a reveal, an earlier fit) would undo this one.
    c.stop(true);
    if (animate) c.animate({ zoom, pan }, { duration: MOVE_MS });
    else c.viewport({ zoom, pan });
  }

  /** Pans just enough to show a node (keyboard navigation moved to it, or the canvas shrank). */
  reveal(id: string, animate = true) {
    const c = this.cy;
    const n = c.getElementById(id);
    if (n.empty()) return;
    const by = revealBy(n.renderedBoundingBox({}), { width: c.width(), height: c.height() });
    if (by.x === 0 && by.y === 0) return;
    if (animate) c.animate({ panBy: by }, { duration: REVEAL_MS });
    else c.panBy(by);
  }

  /**
   * The canvas's element changed size. Cytoscape only notices window resizes; the details panel
   * opening or closing resizes the canvas too, and Cytoscape alone would keep the top left
   * corner where it was. The `selected` node stays in sight either way.
   */
  resized(selected: string | null) {
    const c = this.cy;
    const before = this.size;
    c.resize();
    this.size = { width: c.width(), height: c.height() };
    const next = afterResize(this.moved, c.pan(), before, this.size);
    if (next === "same") return;
    if (next === "fit") this.fit({}, false);
    else if (next !== "stay") c.pan(next.pan);
    if (selected) this.reveal(selected, false);
  }
}
