import { expect, test } from "vitest";
import { layeredPositions } from "../../src/graph/layered";

test("the fast layout puts each depth in its own column without overlaps", () => {
  const nodes = ["a", "b", "c", "d", "e"].map((id) => ({ id, width: 100, height: 40 }));
  const edges = [
    { id: "1", source: "a", target: "b" },
    { id: "2", source: "a", target: "c" },
    { id: "3", source: "b", target: "d" },
    { id: "4", source: "c", target: "d" },
    { id: "5", source: "d", target: "e" },
    // A cycle must not loop forever.
    { id: "6", source: "e", target: "a" },
  ];
  const p = layeredPositions({ nodes, edges }, "RIGHT");
  expect(Object.keys(p).sort()).toEqual(["a", "b", "c", "d", "e"]);
  expect(p.b?.x).toBeGreaterThan(p.a?.x ?? Infinity);
  expect(p.d?.x).toBeGreaterThan(p.b?.x ?? Infinity);
  expect(p.b?.x).toBe(p.c?.x);
  expect(Math.abs((p.b?.y ?? 0) - (p.c?.y ?? 0))).toBeGreaterThanOrEqual(40);
  const down = layeredPositions({ nodes, edges }, "DOWN");
  expect(down.d?.y).toBeGreaterThan(down.a?.y ?? Infinity);
});

test("places every one of 20,000 nodes", () => {
  const nodes = [{ id: "root", width: 100, height: 40 }];
  const edges = [];
  for (let i = 0; i < 20_000; i++) {
    nodes.push({ id: `n${i}`, width: 100, height: 40 });
    edges.push({ id: `e${i}`, source: i < 100 ? "root" : `n${i % 100}`, target: `n${i}` });
  }
  const p = layeredPositions({ nodes, edges }, "RIGHT");
  expect(Object.keys(p).length).toBe(20_001);
});

test("a layer of hundreds of nodes wraps into sub-columns instead of one endless column", () => {
  const nodes = [{ id: "root", width: 180, height: 50 }];
  const edges = [];
  for (let i = 0; i < 1000; i++) {
    nodes.push({ id: `m${i}`, width: 180, height: 50 });
    edges.push({ id: `e${i}`, source: "root", target: `m${i}` });
  }
  const p = layeredPositions({ nodes, edges }, "RIGHT");
  const xs = new Set(nodes.slice(1).map((n) => p[n.id]?.x));
  const ys = nodes.slice(1).map((n) => p[n.id]?.y ?? 0);
  const height = Math.max(...ys) - Math.min(...ys);
  expect(xs.size).toBeGreaterThan(5);
  expect(height).toBeLessThan(1000 * 64 / 5);
  // Every node has its own place.
  expect(new Set(nodes.map((n) => `${p[n.id]?.x},${p[n.id]?.y}`)).size).toBe(1001);
  // The root sits left of all its children.
  expect(Math.min(...[...xs].map(Number))).toBeGreaterThan(p.root?.x ?? Infinity);
});
