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
