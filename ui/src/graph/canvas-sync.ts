// What the canvas holds: a GraphView (model.ts) as Cytoscape elements, brought in line with each
// new view by touching only the nodes that changed; the state classes on them (search hits, the
// selection, a file drag's target); and what lies where (the node under a point, the nodes arrow
// keys can reach). Where nodes go is the layout's business (layout.ts); this only puts them there.
import cytoscape, { type Core, type ElementDefinition, type LayoutOptions, type NodeSingular } from "cytoscape";
import { nodeAt, renderedToModel, type Box, type DropTarget, type Point } from "../drop/hit";
import type { SignatureStatus } from "../ipc";
import type { GraphView, ViewNode } from "./model";
import type { Candidate } from "./navigate";
import { graphStyle, LITE_ABOVE } from "./style";
import type { Theme } from "./theme";

export type Positions = Record<string, { x: number; y: number }>;

/** How long a layout's move takes when it is animated, in ms. */
export const MOVE_MS = 180;

// Not checked says nothing on the node: the mark is for what was checked.
const STATUS_MARK: Record<SignatureStatus, string> = { verified: "✓ ", failed: "✗ ", notChecked: "" };

/** The node's two lines, and the one line a lite graph shows. */
export function nodeLabels(v: ViewNode): { label: string; title: string } {
  const title = v.error ? `⚠ ${v.title}` : v.status ? `${STATUS_MARK[v.status]}${v.title}` : v.title;
  const fold = v.hidden > 0 && v.kind !== "layers" ? `  ▸ +${v.hidden}` : "";
  const subtitle = v.subtitle + fold;
  return { label: subtitle ? `${title}\n${subtitle}` : title, title: title + fold };
}

/** A node's data as the stylesheet (style.ts) reads it. */
export function nodeData(v: ViewNode) {
  return { id: v.id, kind: v.kind, ...nodeLabels(v), width: v.width, height: v.height, textWidth: `${v.width - 40}px` };
}

/** The node's state classes: failed to load, a signature's verdict, folded, still loading. */
export function nodeClasses(n: ViewNode): string {
  return [n.error ? "error" : "", n.status === "verified" ? "verified" : n.status === "failed" ? "unverified" : "", n.hidden > 0 && n.kind !== "layers" ? "folded" : "", n.node === null && n.kind === "artifact" ? "loading" : ""]
    .filter(Boolean)
    .join(" ");
}

/** The Cytoscape instance a graph is drawn in, in `container`. */
export function graphCanvas(container: HTMLElement, theme: Theme): Core {
  return cytoscape({
    container,
    style: graphStyle(theme),
    // Low enough to fit a few thousand nodes in one view.
    minZoom: 0.002,
    maxZoom: 3,
    boxSelectionEnabled: false,
    selectionType: "single",
    autoungrabify: true,
  });
}

/** Mirrors views into one Cytoscape instance. */
export class CanvasSync {
  private readonly cy: Core;
  private lite = false;
  // What each drawn node last showed, to skip unchanged nodes on the next draw.
  private readonly drawnKeys = new Map<string, string>();
  private dropShown: string | null = null;

  constructor(cy: Core) {
    this.cy = cy;
  }

  /** Whether the graph is drawn lighter (style.ts) because it is large. */
  get isLite(): boolean {
    return this.lite;
  }

  restyle(theme: Theme) {
    this.cy.style(graphStyle(theme, this.lite));
  }

  /**
   * Brings the canvas in line with `v`. `placed` holds positions the tree computed for this view
   * (null while the worker's are awaited); with `moveNow` the nodes are moved to them in this
   * batch, else they are moved later by `move` (animated) and only new nodes use them.
   */
  draw(v: GraphView, theme: Theme, placed: Positions | null, moveNow: boolean) {
    const c = this.cy;
    // An animation still running from the last draw would carry the nodes back to where it
    // was taking them.
    if (moveNow) c.nodes(":animated").stop(true);
    // The stylesheet changes before the new elements go in, so they are styled once, not once
    // by the batch and again by the new sheet.
    const wantLite = v.nodes.length > LITE_ABOVE;
    if (wantLite !== this.lite) {
      this.lite = wantLite;
      c.style(graphStyle(theme, wantLite));
    }
    c.batch(() => {
      const wantNodes = new Set(v.nodes.map((n) => n.id));
      const wantEdges = new Set(v.edges.map((e) => e.id));
      c.edges().forEach((e) => {
        if (!wantEdges.has(e.id())) e.remove();
      });
      c.nodes().forEach((n) => {
        if (!wantNodes.has(n.id())) {
          this.drawnKeys.delete(n.id());
          n.remove();
        }
      });
      const parentOf = new Map<string, string>();
      for (const e of v.edges) if (!parentOf.has(e.target)) parentOf.set(e.target, e.source);
      let fresh = 0;
      // New elements go in with one add() each for nodes and edges: per-element adds cost
      // seconds on a few thousand nodes.
      const addNodes: ElementDefinition[] = [];
      const addEdges: ElementDefinition[] = [];
      for (const n of v.nodes) {
        const existing = c.getElementById(n.id);
        const classes = nodeClasses(n);
        const data = nodeData(n);
        const drawn = `${data.label}|${data.title}|${data.kind}|${classes}`;
        const at = moveNow && placed ? placed[n.id] : undefined;
        if (existing.nonempty()) {
          // Touch only what changed: restyling thousands of unchanged nodes per batch is the cost.
          if (this.drawnKeys.get(n.id) !== drawn) {
            existing.data(data);
            existing.classes(classes);
            this.drawnKeys.set(n.id, drawn);
          }
          if (at) existing.position(at);
        } else {
          this.drawnKeys.set(n.id, drawn);
          // Placed by the tree, a new node is created where it belongs (or, when the move is
          // animated, at its parent, to slide out from there). Waiting for the worker, it waits
          // beside its parent rather than at the origin.
          const parent = parentOf.get(n.id);
          const pp = parent ? c.getElementById(parent) : null;
          const base = pp && pp.nonempty() ? pp.position() : { x: 0, y: 0 };
          const position = at ?? (placed?.[n.id] ? { ...base } : { x: base.x + 260, y: base.y + (fresh++ % 12) * 12 });
          addNodes.push({ group: "nodes", data, classes, position });
        }
      }
      if (addNodes.length) c.add(addNodes);
      for (const e of v.edges) {
        const existing = c.getElementById(e.id);
        if (existing.nonempty()) {
          if (existing.data("label") !== e.label) existing.data("label", e.label);
          continue;
        }
        addEdges.push({ group: "edges", data: { id: e.id, source: e.source, target: e.target, label: e.label }, classes: e.kind === "referrer" ? "referrer" : "" });
      }
      if (addEdges.length) c.add(addEdges);
    });
    // A node drawn anew has lost the drag's class: the next markDrop puts it back.
    this.dropShown = null;
  }

  /** Moves the nodes to `positions` (the rest stay), sliding them there when `animate`. */
  move(positions: Positions, animate: boolean) {
    const c = this.cy;
    if (!animate) c.nodes(":animated").stop(true);
    c.layout({
      name: "preset",
      positions: (n: NodeSingular) => positions[n.id()] ?? n.position(),
      fit: false,
      animate,
      animationDuration: MOVE_MS,
    } as LayoutOptions).run();
  }

  /** Highlights the search's hits and dims the rest; `searching` false clears both. */
  markSearch(hits: ReadonlySet<string>, searching: boolean) {
    const c = this.cy;
    c.batch(() => {
      c.elements(".match, .dim").removeClass("match dim");
      if (!searching) return;
      c.nodes().forEach((n) => {
        n.addClass(hits.has(n.id()) ? "match" : "dim");
      });
      c.edges().addClass("dim");
    });
  }

  /** Selects the node `id` (none for null) and marks the edges that touch it. */
  markSelection(id: string | null) {
    const c = this.cy;
    c.batch(() => {
      c.$(":selected").unselect();
      c.edges(".touching").removeClass("touching");
      if (!id) return;
      const n = c.getElementById(id);
      if (n.nonempty()) {
        n.select();
        n.connectedEdges().addClass("touching");
      }
    });
  }

  /** Marks the node a file drag is over: one that takes the drop, or one that refuses it. */
  markDrop(t: DropTarget | null) {
    const c = this.cy;
    const id = t && (t.kind === "node" || t.kind === "refused") ? t.viewId : null;
    const cls = t?.kind === "node" ? "drop-ok" : "drop-no";
    const key = id ? `${id}|${cls}` : null;
    if (key === this.dropShown) return;
    this.dropShown = key;
    c.batch(() => {
      c.nodes(".drop-ok, .drop-no").removeClass("drop-ok drop-no");
      if (id) c.getElementById(id).addClass(cls);
    });
  }

  /**
   * The node under a viewport point (CSS pixels) when the canvas's element is at `rect`: its box
   * without the label, as a file drop sees it.
   */
  nodeUnder(p: Point, rect: { left: number; top: number }): string | null {
    const c = this.cy;
    const at = renderedToModel(p, { x: rect.left, y: rect.top }, c.pan(), c.zoom());
    const boxes: Box[] = [];
    c.nodes().forEach((n) => {
      const b = n.boundingBox({ includeLabels: false, includeOverlays: false });
      boxes.push({ id: n.id(), x1: b.x1, y1: b.y1, x2: b.x2, y2: b.y2 });
    });
    return nodeAt(at, boxes);
  }

  /** The first node drawn: where arrow keys start when nothing drawn is selected. */
  firstNode(): string | null {
    return this.cy.nodes()[0]?.id() ?? null;
  }

  /** Where arrow keys can go from the node `id` (navigate.ts picks); null when it is not drawn. */
  arrowCandidates(id: string): { from: Point; candidates: Candidate[] } | null {
    const current = this.cy.getElementById(id);
    if (current.empty()) return null;
    const neighbours = new Set(current.neighborhood("node").map((n) => n.id()));
    const candidates: Candidate[] = [];
    this.cy.nodes().forEach((n) => {
      if (n.id() !== current.id()) candidates.push({ id: n.id(), position: n.position(), connected: neighbours.has(n.id()) });
    });
    return { from: current.position(), candidates };
  }
}
