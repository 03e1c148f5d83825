import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { AFTER_HOLD_MS, TOAST_MS, Toasts, toastPlacement } from "../../src/lib/toasts.svelte";

describe("toasts", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  test("one with an action stays long enough to use it; a plain one goes sooner", () => {
    const toasts = new Toasts();
    toasts.show("Dropped nowhere");
    toasts.show("Pushed Local › team/app:v1", { kind: "ok", action: { label: "Show in graph", run: () => {} } });
    vi.advanceTimersByTime(TOAST_MS.info + 1);
    expect(toasts.items.map((t) => t.text)).toEqual(["Pushed Local › team/app:v1"]);
    expect(TOAST_MS.action).toBeGreaterThanOrEqual(12_000);
    vi.advanceTimersByTime(TOAST_MS.action - TOAST_MS.info);
    expect(toasts.items).toEqual([]);
  });

  test("never goes while hovered or focused, and gives a moment after", () => {
    const toasts = new Toasts();
    const id = toasts.show("Pushed", { action: { label: "Show in graph", run: () => {} } });
    vi.advanceTimersByTime(TOAST_MS.action - 100);
    toasts.hold(id, "pointer");
    toasts.hold(id, "focus");
    vi.advanceTimersByTime(60_000);
    expect(toasts.items).toHaveLength(1);
    toasts.release(id, "pointer");
    vi.advanceTimersByTime(60_000);
    expect(toasts.items, "the focus is still in it").toHaveLength(1);
    toasts.release(id, "focus");
    vi.advanceTimersByTime(AFTER_HOLD_MS - 1);
    expect(toasts.items).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(toasts.items).toEqual([]);
  });

  test("a held toast replaced by the same message again leaves no timer behind", () => {
    const toasts = new Toasts();
    const first = toasts.show("Drop on a source");
    toasts.hold(first, "pointer");
    toasts.show("Drop on a source");
    toasts.release(first, "pointer");
    vi.advanceTimersByTime(TOAST_MS.info + 1);
    expect(toasts.items).toEqual([]);
  });
});

describe("where toasts go", () => {
  const view = { width: 1440, height: 900 };

  test("bottom right when nothing is in the way", () => {
    expect(toastPlacement([], view)).toEqual({ bottom: 16, maxWidth: 370 });
  });

  test("beside the transfers panel when there is room, above it when not", () => {
    // The panel as the app docks it: left of the window's middle, at the bottom.
    const panel = { left: 556, top: 400, right: 1036, bottom: 888 };
    expect(toastPlacement([panel], view)).toEqual({ bottom: 16, maxWidth: 370 });
    expect(toastPlacement([{ ...panel, right: 1100 }], view)).toEqual({ bottom: 16, maxWidth: 1440 - 16 - 1112 });
    const narrow = { width: 1100, height: 700 };
    expect(toastPlacement([{ ...panel, top: 300, bottom: 688 }], narrow)).toEqual({ bottom: 700 - 300 + 8, maxWidth: 370 });
  });

  test("what stays in the top half is no obstacle", () => {
    expect(toastPlacement([{ left: 1000, top: 0, right: 1440, bottom: 300 }], view)).toEqual({ bottom: 16, maxWidth: 370 });
  });
});
