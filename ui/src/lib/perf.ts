// Measurement hooks for the benchmarks, which drive the real webview over WebDriver. Always on:
// a few performance.measure calls and one object on window cost nothing.

export type PerfMark = { name: string; startTime: number; duration: number };

const NAMES = new Set(["graph:layout", "graph:first-render", "graph:sync", "graph:apply", "tags:open", "sbom:open", "sbom:filter"]);

type PanTarget = { panBy(delta: { x: number; y: number }): unknown };
let panTarget: PanTarget | null = null;

/** The graph view registers itself so panProbe has something to pan. */
export function setPanTarget(target: PanTarget | null) {
  panTarget = target;
}

export function measure(name: string, start: number, end = performance.now()) {
  performance.measure(name, { start, end });
}

/**
 * Resolves once the browser has rendered the current DOM/canvas state: a task queued from an
 * animation frame callback runs after that frame's rendering on the main thread (compositing
 * the frame may finish a little later). A second animation frame would also wait for whatever
 * the next frame draws, such as Cytoscape's texture redraws.
 */
export function afterPaint(): Promise<number> {
  return new Promise((resolve) =>
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        channel.port1.close();
        resolve(performance.now());
      };
      channel.port2.postMessage(null);
    }),
  );
}

function marks(): PerfMark[] {
  return performance
    .getEntriesByType("measure")
    .filter((m) => NAMES.has(m.name))
    .map((m) => ({ name: m.name, startTime: m.startTime, duration: m.duration }));
}

/** Pans the graph a little every animation frame for `ms`; returns the frame intervals. */
function panProbe(ms: number): Promise<number[]> {
  return new Promise((resolve) => {
    const intervals: number[] = [];
    const start = performance.now();
    let last = start;
    let step = 0;
    const frame = (now: number) => {
      if (step > 0) intervals.push(now - last);
      last = now;
      // Back and forth, so a long probe doesn't carry the graph off screen.
      const dx = Math.sin(step / 10) * 6;
      panTarget?.panBy({ x: dx, y: dx / 2 });
      step++;
      if (now - start < ms) requestAnimationFrame(frame);
      else resolve(intervals);
    };
    requestAnimationFrame(frame);
  });
}

export function installPerfHooks() {
  const w = window as unknown as { __stowagePerf?: unknown };
  w.__stowagePerf = {
    get marks() {
      return marks();
    },
    panProbe,
  };
}
