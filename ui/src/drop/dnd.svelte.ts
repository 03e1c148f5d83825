// Files dragged from the OS: which target is under the pointer (for highlighting) and what a drop
// lands on. Tauri sends enter/over/drop/leave with physical-pixel positions; they are scaled by
// devicePixelRatio and hit-tested in the page (see hit.ts).
import * as ipc from "../ipc";
import type { DragDrop } from "../ipc";
import { targetAt, toCss, type DropTarget, type ElementAt, type GraphHitTest, type Point } from "./hit";

export type DropHandler = (target: DropTarget | null, paths: string[]) => void;

export type DropOptions = {
  elementAt?: ElementAt;
  devicePixelRatio?: () => number;
};

export class DropController {
  /** Files are being dragged over the window. */
  dragging = $state(false);
  /** The target under the pointer, or null. */
  over = $state.raw<DropTarget | null>(null);
  /** Where the pointer is, in CSS pixels (for the hint that follows it). */
  point = $state.raw<Point | null>(null);
  /** What is being dragged (known from "enter"). */
  paths = $state.raw<string[]>([]);

  /** The graph canvas registers its own hit test while it is on screen. */
  graph: GraphHitTest | null = null;
  /** When set, every position is this target (the open push sheet takes every drop). */
  capture: (() => DropTarget | null) | null = null;
  ondrop: DropHandler = () => {};

  private readonly elementAt: ElementAt;
  private readonly dpr: () => number;

  constructor(opts: DropOptions = {}) {
    this.elementAt = opts.elementAt ?? ((x, y) => document.elementFromPoint(x, y));
    this.dpr = opts.devicePixelRatio ?? (() => window.devicePixelRatio || 1);
  }

  /** The target at a position Tauri reported (physical pixels). */
  hit(position: Point): DropTarget | null {
    const p = toCss(position, this.dpr());
    this.point = p;
    if (this.capture) {
      const captured = this.capture();
      if (captured) return captured;
    }
    return targetAt(p, this.elementAt, this.graph);
  }

  private setOver(t: DropTarget | null) {
    if ((t?.key ?? null) !== (this.over?.key ?? null)) this.over = t;
  }

  handle(event: DragDrop) {
    switch (event.type) {
      case "enter":
        this.paths = event.paths;
        this.dragging = true;
        this.setOver(this.hit(event.position));
        break;
      case "over":
        this.dragging = true;
        this.setOver(this.hit(event.position));
        break;
      case "drop": {
        const target = this.hit(event.position);
        const paths = event.paths.length ? event.paths : this.paths;
        this.reset();
        if (paths.length) this.ondrop(target, paths);
        break;
      }
      case "leave":
        this.reset();
        break;
    }
  }

  private reset() {
    this.dragging = false;
    this.over = null;
    this.point = null;
    this.paths = [];
  }

  /** Starts listening to the webview's drag-and-drop events; returns the function that stops. */
  async install(): Promise<() => void> {
    return ipc.onDragDrop((e) => this.handle(e));
  }
}
