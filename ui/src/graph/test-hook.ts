// window.__stowageGraph: what the end-to-end tests (tests/kit/src/app.rs, tests/e2e), the
// benchmarks and the screen tests (ui/tests/screens) read off the graph canvas and drive it with.
// Its names and shapes are their contract: rename nothing. Always installed, like the perf hooks
// (lib/perf.ts): one object on window costs nothing.
import type { Core } from "cytoscape";

/** What the hook needs from the graph view besides the canvas. */
export type TestHookSource = {
  /** Selects a node as a tap would (the parent decides what that shows). */
  select: (id: string) => void;
  /** Folds or unfolds a node as a double tap would. */
  toggle: (id: string) => void;
  /** How many layouts were applied so far. */
  layouts: () => number;
  /** The drop target key under a viewport point (CSS pixels), or null. */
  dropTargetAt: (x: number, y: number) => string | null;
  /** The selected node's id. */
  selected: () => string | null;
};

/** Puts the hook on window for the canvas `cy` drawn in `container`; a later canvas replaces it. */
export function installTestHook(cy: Core, container: HTMLElement, from: TestHookSource) {
  const c = cy;
  const hook = {
    get nodeCount() {
      return c.nodes().length;
    },
    get edgeCount() {
      return c.edges().length;
    },
    nodes: () => c.nodes().map((n) => ({ id: n.id(), kind: n.data("kind") as string, label: n.data("label") as string, classes: n.classes(), position: n.position(), rendered: n.renderedPosition(), box: n.boundingBox({ includeLabels: false, includeOverlays: false }) })),
    edges: () => c.edges().map((e) => ({ source: e.source().id(), target: e.target().id(), label: e.data("label") as string })),
    select: (id: string) => from.select(id),
    /** True while the viewport or a node is animating: positions read now are not final. */
    animating: () => c.animated() || c.nodes(":animated").nonempty(),
    toggle: (id: string) => from.toggle(id),
    get layouts() {
      return from.layouts();
    },
    /** Node ids drawn now (digests; "tag:…" and "…#layers" for the synthetic ones). */
    nodeIds: () => c.nodes().map((n) => n.id()),
    /** Edges drawn now as "from->to". */
    edgeIds: () => c.edges().map((e) => `${e.source().id()}->${e.target().id()}`),
    /** A node's centre in CSS pixels relative to the viewport (where a pointer must go to hit it); null when it is not drawn. */
    nodePosition: (id: string) => {
      if (c.destroyed()) return null;
      const n = c.getElementById(id);
      if (n.empty()) return null;
      const rect = container.getBoundingClientRect();
      const r = n.renderedPosition();
      return { x: rect.left + r.x, y: rect.top + r.y };
    },
    /** The node under a viewport point in CSS pixels, as a file drop would see it. */
    dropTargetAt: (x: number, y: number) => from.dropTargetAt(x, y),
    /** The selected node's id. */
    selected: () => from.selected(),
    /** The viewport's zoom: labels are drawn at their size times this. */
    zoom: () => c.zoom(),
  };
  (window as unknown as { __stowageGraph?: unknown }).__stowageGraph = hook;
  return hook;
}
