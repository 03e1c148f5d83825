import { describe, expect, test } from "vitest";
import { EtaEstimator, ETA_AFTER_SECS, etaText, progressLine } from "../../src/transfers/format";
import type { TransferProgress } from "../../src/ipc/bindings";

/** A copy of 190 MB that resolves manifests for 2 s (nothing moves), then runs at 11 MB/s. */
function copyAt(t: number): TransferProgress {
  const total = 190_000_000;
  const done = Math.min(total, Math.max(0, (t - 2) * 11_000_000));
  // The shell's rate looks at the last few seconds, so it climbs slowly after the quiet start.
  const window = 3;
  const rate = Math.max(0, Math.min(t, window) > 0 ? (done - Math.max(0, (t - window - 2) * 11_000_000)) / Math.min(t, window) : 0);
  return { done, total, rate, etaSecs: rate > 0 ? (total - done) / rate : null, elapsedSecs: t, blobs: [] };
}

describe("time left", () => {
  test("says nothing in the first seconds, then an estimate near the truth that does not jump", () => {
    const eta = new EtaEstimator();
    const shown: Array<[number, number | null]> = [];
    for (let t = 0.1; t < 19; t += 0.1) shown.push([t, eta.update(copyAt(t))]);
    for (const [t, s] of shown) if (t < ETA_AFTER_SECS) expect(s, `at ${t.toFixed(1)} s`).toBeNull();
    const first = shown.find(([, s]) => s !== null);
    expect(first, "an estimate shows before the end").toBeDefined();
    const [at, value] = first as [number, number];
    expect(at, "well before the end").toBeLessThan(10);
    expect(Math.abs(value - (2 + 190 / 11 - at)), "the first estimate is near the truth").toBeLessThan(3);
    // The job ends at 19.3 s: whatever shows is never minutes, and within a few seconds of the truth.
    for (const [t, s] of shown) {
      if (s === null) continue;
      const truth = 2 + 190 / 11 - t;
      expect(s, `at ${t.toFixed(1)} s`).toBeLessThan(60);
      expect(Math.abs(s - truth), `at ${t.toFixed(1)} s`).toBeLessThan(3);
    }
    // The shell's instantaneous figure, for comparison, said minutes at the start.
    expect(copyAt(2.2).etaSecs ?? 0).toBeGreaterThan(120);
  });

  test("once shown, an estimate counts down through a stall rather than blink", () => {
    const eta = new EtaEstimator();
    const p = (t: number, done: number, rate: number) => ({ done, total: 1000, rate, elapsedSecs: t });
    let last: number | null = null;
    for (let t = 3; t <= 6; t += 0.25) last = eta.update(p(t, (t - 2) * 50, 50));
    expect(last).not.toBeNull();
    const stalled = eta.update(p(7, 200, 0));
    expect(stalled).not.toBeNull();
    expect(stalled as number).toBeLessThan(last as number);
  });

  test("reads coarsely, like an estimate", () => {
    expect(etaText(null)).toBe("");
    expect(etaText(4)).toBe("a few seconds left");
    expect(etaText(21)).toBe("25 s left");
    expect(etaText(4 * 60 + 10)).toBe("4 min left");
    expect(etaText(80 * 60)).toBe("1 h 20 min left");
  });

  test("the progress line shows time left only when there is an estimate, and not once done", () => {
    const p: TransferProgress = { done: 50, total: 100, rate: 10, etaSecs: 240, elapsedSecs: 1, blobs: [] };
    expect(progressLine(p)).toBe("50 B of 100 B · 10 B/s");
    expect(progressLine(p, 30)).toBe("50 B of 100 B · 10 B/s · 30 s left");
    expect(progressLine({ ...p, done: 100 }, 30)).toBe("100 B of 100 B · 10 B/s");
  });
});
