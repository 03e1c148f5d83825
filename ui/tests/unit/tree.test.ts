import { expect, test } from "vitest";
import { treePositions } from "../../src/graph/tree";

type N = { id: string; width: number; height: number };
type E = { id: string; source: string; target: string };
type P = Record<string, { x: number; y: number }>;

const node = (id: string, width = 180, height = 46): N => ({ id, width, height });
const edge = (source: string, target: string): E => ({ id: `${source}>${target}`, source, target });

/** Pairs of nodes whose boxes overlap (a sweep along x, so large graphs stay quick). */
function overlaps(nodes: N[], p: P): string[] {
  const boxes = nodes
    .map((n) => {
      const c = p[n.id] ?? { x: NaN, y: NaN };
      return { id: n.id, x1: c.x - n.width / 2, x2: c.x + n.width / 2, y1: c.y - n.height / 2, y2: c.y + n.height / 2 };
    })
    .sort((a, b) => a.x1 - b.x1);
  const found: string[] = [];
  for (let i = 0; i < boxes.length; i++) {
    const a = boxes[i]!;
    for (let j = i + 1; j < boxes.length && (boxes[j]!.x1 < a.x2); j++) {
      const b = boxes[j]!;
      if (a.y1 < b.y2 && b.y1 < a.y2) found.push(`${a.id}/${b.id}`);
    }
  }
  return found;
}

function bounds(nodes: N[], p: P) {
  const xs = nodes.flatMap((n) => [p[n.id]!.x - n.width / 2, p[n.id]!.x + n.width / 2]);
  const ys = nodes.flatMap((n) => [p[n.id]!.y - n.height / 2, p[n.id]!.y + n.height / 2]);
  return { width: Math.max(...xs) - Math.min(...xs), height: Math.max(...ys) - Math.min(...ys) };
}

/** The benchmark's shape: an index of platform images with referrers, their signatures, one shared config. */
function artifactGraph(platforms: number, referrers: number, nested: number) {
  const nodes: N[] = [node("tag", 124, 40), node("index", 184, 50), node("empty", 164, 40)];
  const edges: E[] = [edge("tag", "index")];
  for (let p = 0; p < platforms; p++) {
    const image = `image${p}`;
    nodes.push(node(image, 184, 50), node(`${image}/config`, 164, 40), node(`${image}/layer`, 164, 40));
    edges.push(edge("index", image), edge(image, `${image}/config`), edge(image, `${image}/layer`));
    for (let r = 0; r < referrers; r++) {
      const ref = `${image}/ref${r}`;
      nodes.push(node(ref), node(`${ref}/layer`, 164, 40));
      edges.push(edge(image, ref), edge(ref, "empty"), edge(ref, `${ref}/layer`));
      for (let s = 0; s < nested; s++) {
        const sig = `${ref}/sig${s}`;
        nodes.push(node(sig), node(`${sig}/layer`, 164, 40));
        edges.push(edge(ref, sig), edge(sig, "empty"), edge(sig, `${sig}/layer`));
      }
    }
  }
  return { nodes, edges };
}

test("a small tree reads left to right, each parent level with the middle of its children", () => {
  const nodes = ["root", "a", "b", "c", "a1", "a2"].map((id) => node(id));
  const edges = [edge("root", "a"), edge("root", "b"), edge("root", "c"), edge("a", "a1"), edge("a", "a2")];
  const p = treePositions({ nodes, edges }, "RIGHT");
  expect(Object.keys(p).sort()).toEqual(["a", "a1", "a2", "b", "c", "root"]);
  for (const e of edges) expect(p[e.target]!.x).toBeGreaterThan(p[e.source]!.x + 180);
  // Siblings share a column, in the walk's order.
  expect(p.a!.x).toBe(p.b!.x);
  expect(p.b!.x).toBe(p.c!.x);
  expect(p.a!.y).toBeLessThan(p.b!.y);
  expect(p.b!.y).toBeLessThan(p.c!.y);
  expect(p.a!.y).toBeCloseTo((p.a1!.y + p.a2!.y) / 2);
  expect(p.root!.y).toBeCloseTo((p.a!.y + p.c!.y) / 2);
  expect(overlaps(nodes, p)).toEqual([]);

  const down = treePositions({ nodes, edges }, "DOWN");
  for (const e of edges) expect(down[e.target]!.y).toBeGreaterThan(down[e.source]!.y + 46);
  expect(down.a!.y).toBe(down.c!.y);
  expect(down.a!.x).toBeLessThan(down.c!.x);
});

test("a node reached from two parents sits under the first one only", () => {
  const nodes = ["r", "a", "b", "shared"].map((id) => node(id));
  const edges = [edge("r", "a"), edge("r", "b"), edge("a", "shared"), edge("b", "shared")];
  const p = treePositions({ nodes, edges }, "RIGHT");
  expect(p.shared!.x).toBeGreaterThan(p.a!.x);
  expect(p.shared!.y).toBeCloseTo(p.a!.y);
  expect(overlaps(nodes, p)).toEqual([]);
});

test("the artifact graph of the benchmark: no overlaps, every tree edge forward, a landscape shape", () => {
  const { nodes, edges } = artifactGraph(8, 10, 10);
  expect(nodes.length).toBeGreaterThan(1700);
  const p = treePositions({ nodes, edges }, "RIGHT");
  expect(Object.keys(p).length).toBe(nodes.length);
  expect(overlaps(nodes, p)).toEqual([]);
  for (const e of edges) if (e.target !== "empty") expect(p[e.target]!.x, e.id).toBeGreaterThan(p[e.source]!.x);
  const { width, height } = bounds(nodes, p);
  // Fitted into a landscape canvas, neither a strip nor a tower.
  expect(height / width).toBeGreaterThan(0.3);
  expect(height / width).toBeLessThan(1.5);
  // The config all 880 artifacts share gets a column of its own after everything else, level
  // with the middle of the graph.
  const others = nodes.filter((n) => n.id !== "empty").map((n) => p[n.id]!.x + n.width / 2);
  expect(p.empty!.x - 82).toBeGreaterThan(Math.max(...others));
  const ys = nodes.map((n) => p[n.id]!.y);
  expect(p.empty!.y).toBeCloseTo((Math.max(...ys) + Math.min(...ys)) / 2, -2);
});

test("hundreds of children wrap into sub-columns instead of one endless column", () => {
  const nodes = [node("subject", 184, 50)];
  const edges: E[] = [];
  for (let i = 0; i < 1000; i++) {
    nodes.push(node(`sig${i}`));
    edges.push(edge("subject", `sig${i}`));
  }
  const p = treePositions({ nodes, edges }, "RIGHT");
  const columns = new Set(nodes.slice(1).map((n) => p[n.id]!.x));
  expect(columns.size).toBeGreaterThan(5);
  const { width, height } = bounds(nodes, p);
  expect(height / width).toBeLessThan(1.5);
  expect(overlaps(nodes, p)).toEqual([]);
  expect(Math.min(...[...columns])).toBeGreaterThan(p.subject!.x);
  // Read in order: down each sub-column, then on to the next.
  expect(p.sig0!.x).toBe(p.sig1!.x);
  expect(p.sig1!.y).toBeGreaterThan(p.sig0!.y);
  expect(p.sig999!.x).toBeGreaterThan(p.sig0!.x);
});

test("cycles, several roots and edges to unknown nodes are laid out, not looped on", () => {
  const nodes = ["a", "b", "c", "x", "y", "lone"].map((id) => node(id));
  const edges = [edge("a", "b"), edge("b", "c"), edge("c", "a"), edge("x", "y"), edge("y", "x"), edge("a", "ghost"), edge("a", "a")];
  const p = treePositions({ nodes, edges }, "RIGHT");
  expect(Object.keys(p).sort()).toEqual(["a", "b", "c", "lone", "x", "y"]);
  expect(overlaps(nodes, p)).toEqual([]);
  expect(p.b!.x).toBeGreaterThan(p.a!.x);
});

test("a chain 20,000 deep is placed without recursion, and the same input gives the same places", () => {
  const nodes = [node("n0")];
  const edges: E[] = [];
  for (let i = 1; i < 20_000; i++) {
    nodes.push(node(`n${i}`));
    edges.push(edge(`n${i - 1}`, `n${i}`));
  }
  const p = treePositions({ nodes, edges }, "RIGHT");
  expect(Object.keys(p).length).toBe(20_000);
  expect(p.n19999!.x).toBeGreaterThan(p.n19998!.x);
  expect(treePositions({ nodes, edges }, "RIGHT")).toEqual(p);
});

test("the wrapping follows the canvas's shape", () => {
  const { nodes, edges } = artifactGraph(8, 10, 10);
  const ratio = (shape: number) => {
    const { width, height } = bounds(nodes, treePositions({ nodes, edges }, "RIGHT", shape));
    return height / width;
  };
  const wide = ratio(0.4);
  const tall = ratio(1.2);
  expect(tall).toBeGreaterThan(wide * 1.5);
  expect(wide).toBeLessThan(0.7);
  expect(tall).toBeGreaterThan(0.7);
});
