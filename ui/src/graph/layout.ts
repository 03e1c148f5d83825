// Where a view's layout is made: the tree on the spot for large graphs, ELK in the worker for
// small ones. One worker for the whole app, started early so ELK's start-up (about a second) is
// paid before the first graph opens, not during it.
import { measure } from "../lib/perf";
import { engineFor, type LayoutDirection, type LayoutRequest, type LayoutResult } from "./layout-types";
import type { GraphView } from "./model";
import { treePositions } from "./tree";

type Pending = { owner: object; resolve: (r: LayoutResult | null) => void; start: number };

let worker: Worker | null = null;
let nextId = 1;
const pending = new Map<number, Pending>();

function ensureWorker(): Worker {
  if (!worker) {
    worker = new Worker(new URL("./layout.worker.ts", import.meta.url), { type: "module" });
    worker.onmessage = (ev: MessageEvent<LayoutResult>) => {
      const p = pending.get(ev.data.id);
      if (!p) return;
      pending.delete(ev.data.id);
      // The measure spans the worker's own time, placed where the request started.
      measure("graph:layout", p.start, p.start + ev.data.elapsed);
      p.resolve(ev.data);
    };
  }
  return worker;
}

function post(owner: object, req: LayoutRequest): Promise<LayoutResult | null> {
  return new Promise((resolve) => {
    pending.set(req.id, { owner, resolve, start: performance.now() });
    ensureWorker().postMessage(req);
  });
}

/** Starts the worker and lays out a two-node graph, so ELK is compiled and warm. */
export function warmLayout() {
  const id = nextId++;
  const req: LayoutRequest = {
    id,
    direction: "RIGHT",
    nodes: [
      { id: "a", width: 100, height: 40 },
      { id: "b", width: 100, height: 40 },
    ],
    edges: [{ id: "e", source: "a", target: "b" }],
  };
  pending.set(id, { owner: warmLayout, resolve: () => {}, start: performance.now() });
  ensureWorker().postMessage(req);
}

function request(view: GraphView, direction: LayoutDirection): LayoutRequest {
  return {
    id: nextId++,
    direction,
    nodes: view.nodes.map((n) => ({ id: n.id, width: n.width, height: n.height })),
    edges: view.edges.map((e) => ({ id: e.id, source: e.source, target: e.target })),
  };
}

/** Layouts for one graph view; resolves to null when the view went away first. */
export class LayoutClient {
  /**
   * Positions for a view the tree lays out, computed here and now (it takes milliseconds): the
   * caller places new nodes where they belong in the same batch that adds them, so they are
   * drawn once. Null when the view is ELK's, which runs in the worker (`run`). `shape` is the
   * canvas's height / width.
   */
  place(view: GraphView, direction: LayoutDirection, shape?: number): LayoutResult | null {
    const req = request(view, direction);
    if (engineFor(req) !== "tree") return null;
    const start = performance.now();
    const positions = treePositions(req, direction, shape);
    const elapsed = performance.now() - start;
    measure("graph:layout", start, start + elapsed);
    return { id: req.id, positions, elapsed, engine: "tree" };
  }

  run(view: GraphView, direction: LayoutDirection): Promise<LayoutResult | null> {
    return post(this, request(view, direction));
  }

  /** A long layout for a closed view must not hold up the next graph: restart the worker. */
  dispose() {
    let mine = false;
    for (const p of pending.values()) if (p.owner === this) mine = true;
    if (!mine || !worker) return;
    worker.terminate();
    worker = null;
    for (const p of pending.values()) p.resolve(null);
    pending.clear();
  }
}
