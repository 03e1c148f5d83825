// When the canvas is redrawn and laid out: redraws batched while a load streams in, layouts asked
// of the tree or the worker (layout.ts) with only the newest answer applied, and the last layout
// reused while nothing it depends on changed.
import type { LayoutDirection, LayoutResult } from "./layout-types";
import type { GraphView } from "./model";

/** While nodes stream in, redraws wait this long to batch them: at most ~8 a second. */
export const STREAMING_REDRAW_MS = 120;
/** Layouts of fewer nodes than this move them with an animation (once a first layout was shown). */
export const ANIMATE_BELOW = 400;

/** Batches redraw requests into one timer. */
export class RedrawThrottle {
  private readonly redraw: () => void;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(redraw: () => void) {
    this.redraw = redraw;
  }

  /**
   * Asks for a redraw. While a load is `streaming` one is drawn at most every
   * STREAMING_REDRAW_MS; once it is over the last batch is drawn at once, not when the streaming
   * timer would have fired.
   */
  request(streaming: boolean) {
    const delay = streaming ? STREAMING_REDRAW_MS : 0;
    if (this.timer && delay > 0) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.redraw();
    }, delay);
  }

  dispose() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}

/** What a layout depends on: the direction, each node with its size, and the edges. */
export function layoutKey(v: GraphView, direction: LayoutDirection): string {
  const nodes = v.nodes.map((n) => `${n.id}=${n.width}x${n.height}`).join(",");
  return `${direction}|${nodes}|${v.edges.map((e) => e.id).join(",")}`;
}

/** Whether a layout of this many nodes moves them with an animation, after `applied` layouts. */
export function animatesMoves(nodeCount: number, applied: number): boolean {
  return nodeCount < ANIMATE_BELOW && applied > 0;
}

/** The canvas's height / width for the tree to wrap into, kept within reason. */
export function wrapShape(size: { width: number; height: number }): number | undefined {
  return size.width > 0 && size.height > 0 ? Math.min(3, Math.max(0.33, size.height / size.width)) : undefined;
}

/** Where layouts come from: LayoutClient, or a stand-in in tests. */
export type LayoutEngine = {
  place(view: GraphView, direction: LayoutDirection, shape?: number): LayoutResult | null;
  run(view: GraphView, direction: LayoutDirection): Promise<LayoutResult | null>;
};

export type LayoutScheduleOptions = {
  engine: LayoutEngine;
  /** The view drawn now; null once the canvas is gone. */
  view: () => GraphView | null;
  direction: () => LayoutDirection;
  /** The canvas's size in pixels (zero while it has none). */
  canvasSize: () => { width: number; height: number };
  /**
   * Moves the nodes to `result` (unless `moved`: the draw already put them there) and fits the
   * viewport; `requestedAt` is when the layout was asked for (performance.now()).
   */
  apply: (result: LayoutResult, requestedAt: number, moved: boolean) => void;
};

/** The layouts of one canvas. */
export class LayoutSchedule {
  private readonly options: LayoutScheduleOptions;
  private busy = false;
  private dirty = false;
  // Counts layouts asked for, so a worker's answer for an older view is not applied.
  private asked = 0;
  // The last layout applied and what it was computed for.
  private last: { key: string; result: LayoutResult } | null = null;
  // The shape the tree wraps into, read once: opening the details panel narrows the canvas, and
  // a fold then must not rearrange the whole graph. A new direction reads it again (`relayout`).
  private shape: number | undefined;

  constructor(options: LayoutScheduleOptions) {
    this.options = options;
  }

  private wrap(): number | undefined {
    if (this.shape === undefined) this.shape = wrapShape(this.options.canvasSize());
    return this.shape;
  }

  /**
   * Positions the tree makes on the spot for `view` (whose layoutKey is `key`), to go in with its
   * nodes; null when the last layout is still right, or when the view is ELK's (`request`).
   */
  place(view: GraphView, key: string): LayoutResult | null {
    return this.last?.key === key ? null : this.options.engine.place(view, this.options.direction(), this.wrap());
  }

  /** A layout the tree made on the spot becomes the current one. */
  usePlaced(key: string, placed: LayoutResult, requestedAt: number, moved = false) {
    this.asked++;
    this.last = { key, result: placed };
    this.options.apply(placed, requestedAt, moved);
  }

  /** Lays out the current view; `known` is its key when the caller has just computed it. */
  async request(known?: string) {
    const { engine, apply } = this.options;
    const view = this.options.view();
    if (!view) return;
    if (this.busy) {
      this.dirty = true;
      return;
    }
    const direction = this.options.direction();
    const key = known ?? layoutKey(view, direction);
    if (this.last?.key === key) {
      // The final answer of a load usually repeats what the streamed events already drew: the
      // worker would return the same positions after seconds of work on a large graph.
      apply(this.last.result, performance.now(), false);
      return;
    }
    const requestedAt = performance.now();
    const placed = engine.place(view, direction, this.wrap());
    if (placed) {
      this.usePlaced(key, placed, requestedAt);
      return;
    }
    this.busy = true;
    const asked = ++this.asked;
    const result = await engine.run(view, direction);
    this.busy = false;
    if (!result) return;
    // Dropped when the tree placed a newer view meanwhile (the graph grew past ELK's sizes).
    if (asked === this.asked) {
      this.last = { key, result };
      apply(result, requestedAt, false);
    }
    if (this.dirty) {
      this.dirty = false;
      void this.request();
    }
  }

  /** Lays the view out again from scratch: a new direction, or the canvas's shape changed. */
  relayout() {
    this.shape = undefined;
    void this.request();
  }
}
