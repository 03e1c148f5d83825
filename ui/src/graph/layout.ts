// The main-thread side of the layout worker: one request in flight, the latest one wins.
import { measure } from "../lib/perf";
import type { LayoutDirection, LayoutRequest, LayoutResult } from "./layout-types";
import type { GraphView } from "./model";

export class LayoutClient {
  private worker: Worker | null = null;
  private nextId = 1;
  private pending = new Map<number, { resolve: (r: LayoutResult) => void; start: number }>();

  private ensureWorker(): Worker {
    if (!this.worker) {
      this.worker = new Worker(new URL("./layout.worker.ts", import.meta.url), { type: "module" });
      this.worker.onmessage = (ev: MessageEvent<LayoutResult>) => {
        const p = this.pending.get(ev.data.id);
        if (!p) return;
        this.pending.delete(ev.data.id);
        // The measure spans the worker's own time, placed where the request started.
        measure("graph:layout", p.start, p.start + ev.data.elapsed);
        p.resolve(ev.data);
      };
    }
    return this.worker;
  }

  run(view: GraphView, direction: LayoutDirection): Promise<LayoutResult> {
    const id = this.nextId++;
    const req: LayoutRequest = {
      id,
      direction,
      nodes: view.nodes.map((n) => ({ id: n.id, width: n.width, height: n.height })),
      edges: view.edges.map((e) => ({ id: e.id, source: e.source, target: e.target })),
    };
    return new Promise((resolve) => {
      this.pending.set(id, { resolve, start: performance.now() });
      this.ensureWorker().postMessage(req);
    });
  }

  dispose() {
    this.worker?.terminate();
    this.worker = null;
    this.pending.clear();
  }
}
