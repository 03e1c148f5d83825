import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { animatesMoves, layoutKey, LayoutSchedule, RedrawThrottle, STREAMING_REDRAW_MS, wrapShape, type LayoutEngine } from "./layout-schedule";
import type { LayoutDirection, LayoutResult } from "./layout-types";
import type { GraphView, ViewNode } from "./model";

function node(id: string, width = 184): ViewNode {
  return { id, kind: "image", title: id, subtitle: "", node: null, error: null, status: null, hidden: 0, owner: null, width, height: 50 };
}
function chain(...ids: string[]): GraphView {
  const edges = ids.slice(1).map((id, i) => ({ id: `${ids[i]}|${id}`, source: ids[i] as string, target: id, label: "", kind: "child" as const }));
  return { nodes: ids.map((id) => node(id)), edges, representative: new Map() };
}
const result = (id: number, engine: LayoutResult["engine"] = "elk"): LayoutResult => ({ id, positions: { a: { x: id, y: id } }, elapsed: 1, engine });

describe("redraws", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  test("a burst of events while a load streams in is drawn once, after the throttle", () => {
    const redraw = vi.fn();
    const throttle = new RedrawThrottle(redraw);
    for (let i = 0; i < 5; i++) throttle.request(true);
    vi.advanceTimersByTime(STREAMING_REDRAW_MS - 1);
    expect(redraw).not.toHaveBeenCalled();
    // A request inside the window does not push the redraw back.
    throttle.request(true);
    vi.advanceTimersByTime(1);
    expect(redraw).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(STREAMING_REDRAW_MS * 3);
    expect(redraw).toHaveBeenCalledTimes(1);
  });

  test("the end of a load is drawn at once, not when the streaming timer would have fired", () => {
    const redraw = vi.fn();
    const throttle = new RedrawThrottle(redraw);
    throttle.request(true);
    throttle.request(false);
    vi.advanceTimersByTime(0);
    expect(redraw).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(STREAMING_REDRAW_MS);
    expect(redraw).toHaveBeenCalledTimes(1);
  });

  test("a canvas that went away draws nothing more", () => {
    const redraw = vi.fn();
    const throttle = new RedrawThrottle(redraw);
    throttle.request(true);
    throttle.dispose();
    vi.advanceTimersByTime(STREAMING_REDRAW_MS);
    expect(redraw).not.toHaveBeenCalled();
  });
});

describe("layout rules", () => {
  test("the key changes with the direction, a node's size and the edges, and only with them", () => {
    const v = chain("a", "b");
    const key = layoutKey(v, "RIGHT");
    expect(layoutKey(chain("a", "b"), "RIGHT")).toBe(key);
    expect(layoutKey(v, "DOWN")).not.toBe(key);
    expect(layoutKey({ ...v, nodes: [node("a"), node("b", 240)] }, "RIGHT")).not.toBe(key);
    expect(layoutKey({ ...v, edges: [] }, "RIGHT")).not.toBe(key);
    expect(layoutKey({ ...v, nodes: v.nodes.map((n) => ({ ...n, title: "renamed" })) }, "RIGHT")).toBe(key);
  });

  test("moves are animated on small graphs once a first layout was shown", () => {
    expect(animatesMoves(10, 0)).toBe(false);
    expect(animatesMoves(10, 1)).toBe(true);
    expect(animatesMoves(399, 3)).toBe(true);
    expect(animatesMoves(400, 3)).toBe(false);
  });

  test("the tree wraps to the canvas's shape, within bounds, and not before it has a size", () => {
    expect(wrapShape({ width: 800, height: 600 })).toBeCloseTo(0.75);
    expect(wrapShape({ width: 100, height: 1000 })).toBe(3);
    expect(wrapShape({ width: 1000, height: 10 })).toBe(0.33);
    expect(wrapShape({ width: 0, height: 600 })).toBeUndefined();
  });
});

/** A layout engine whose worker answers when the test says so. */
function fakeEngine() {
  const runs: Array<{ view: GraphView; direction: LayoutDirection; answer: (r: LayoutResult | null) => void }> = [];
  const engine = {
    place: vi.fn<LayoutEngine["place"]>(() => null),
    run: vi.fn<LayoutEngine["run"]>((view, direction) => new Promise((answer) => runs.push({ view, direction, answer }))),
  };
  return { engine, runs };
}

function schedule(engine: LayoutEngine, start: GraphView = chain("a", "b")) {
  const state = { view: start as GraphView | null, direction: "RIGHT" as LayoutDirection, size: { width: 800, height: 400 } };
  const apply = vi.fn<(r: LayoutResult, requestedAt: number, moved: boolean) => void>();
  const layouts = new LayoutSchedule({ engine, view: () => state.view, direction: () => state.direction, canvasSize: () => state.size, apply });
  return { layouts, apply, state };
}

describe("layouts", () => {
  test("the worker's answer is applied to the view it was asked for", async () => {
    const { engine, runs } = fakeEngine();
    const { layouts, apply } = schedule(engine);
    const asked = layouts.request();
    expect(runs).toHaveLength(1);
    runs[0]?.answer(result(1));
    await asked;
    expect(apply).toHaveBeenCalledTimes(1);
    expect(apply.mock.calls[0]?.[0]).toEqual(result(1));
    expect(apply.mock.calls[0]?.[2]).toBe(false);
  });

  test("an older worker answer is ignored once the tree placed a newer view", async () => {
    const { engine, runs } = fakeEngine();
    const { layouts, apply, state } = schedule(engine);
    const asked = layouts.request();
    // The graph grew past ELK's sizes: the tree placed it on the spot meanwhile.
    state.view = chain("a", "b", "c");
    const key = layoutKey(state.view, "RIGHT");
    layouts.usePlaced(key, result(2, "tree"), 0, true);
    runs[0]?.answer(result(1));
    await asked;
    expect(apply.mock.calls.map((c) => c[0].id)).toEqual([2]);
    // And the tree's layout is the one kept: asking again reuses it.
    await layouts.request();
    expect(apply.mock.calls.map((c) => c[0].id)).toEqual([2, 2]);
    expect(engine.run).toHaveBeenCalledTimes(1);
  });

  test("requests while the worker is busy are batched into one more layout, of the newest view", async () => {
    const { engine, runs } = fakeEngine();
    const { layouts, apply, state } = schedule(engine);
    const first = layouts.request();
    state.view = chain("a", "b", "c");
    void layouts.request();
    state.view = chain("a", "b", "c", "d");
    void layouts.request();
    expect(engine.run).toHaveBeenCalledTimes(1);
    runs[0]?.answer(result(1));
    await first;
    expect(engine.run).toHaveBeenCalledTimes(2);
    expect(runs[1]?.view.nodes.map((n) => n.id)).toEqual(["a", "b", "c", "d"]);
    runs[1]?.answer(result(2));
    await vi.waitFor(() => expect(apply).toHaveBeenCalledTimes(2));
    expect(apply.mock.calls.map((c) => c[0].id)).toEqual([1, 2]);
  });

  test("a view laid out before is not sent to the worker again: the last layout is reapplied", async () => {
    const { engine, runs } = fakeEngine();
    const { layouts, apply } = schedule(engine);
    const asked = layouts.request();
    runs[0]?.answer(result(1));
    await asked;
    await layouts.request(layoutKey(chain("a", "b"), "RIGHT"));
    expect(engine.run).toHaveBeenCalledTimes(1);
    expect(apply).toHaveBeenCalledTimes(2);
    expect(apply.mock.calls[1]?.[0]).toBe(apply.mock.calls[0]?.[0]);
    // Nor does the draw ask the tree for it.
    expect(layouts.place(chain("a", "b"), layoutKey(chain("a", "b"), "RIGHT"))).toBeNull();
    expect(engine.place).toHaveBeenCalledTimes(1);
  });

  test("a view the tree lays out is placed on the spot, without the worker", async () => {
    const { engine } = fakeEngine();
    engine.place.mockImplementation(() => result(7, "tree"));
    const { layouts, apply } = schedule(engine);
    await layouts.request();
    expect(engine.run).not.toHaveBeenCalled();
    expect(apply.mock.calls.map((c) => c[0].id)).toEqual([7]);
  });

  test("the worker answering null (the view went away) applies nothing", async () => {
    const { engine, runs } = fakeEngine();
    const { layouts, apply } = schedule(engine);
    const asked = layouts.request();
    runs[0]?.answer(null);
    await asked;
    expect(apply).not.toHaveBeenCalled();
  });

  test("no view, no layout", async () => {
    const { engine } = fakeEngine();
    const { layouts, state } = schedule(engine);
    state.view = null;
    await layouts.request();
    expect(engine.place).not.toHaveBeenCalled();
    expect(engine.run).not.toHaveBeenCalled();
  });

  test("the canvas's shape is read once, and again on relayout", () => {
    const { engine } = fakeEngine();
    const { layouts, state } = schedule(engine);
    layouts.place(chain("a"), "k1");
    // The details panel opened: the canvas is narrower, the wrap stays.
    state.size = { width: 400, height: 400 };
    layouts.place(chain("a", "b"), "k2");
    expect(engine.place.mock.calls.map((c) => c[2])).toEqual([0.5, 0.5]);
    state.direction = "DOWN";
    layouts.relayout();
    expect(engine.place.mock.calls[2]?.[1]).toBe("DOWN");
    expect(engine.place.mock.calls[2]?.[2]).toBe(1);
  });
});
