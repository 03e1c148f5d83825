// Messages between the graph view and the layout worker.
export type LayoutDirection = "RIGHT" | "DOWN";

export type LayoutRequest = {
  id: number;
  direction: LayoutDirection;
  nodes: Array<{ id: string; width: number; height: number }>;
  edges: Array<{ id: string; source: string; target: string }>;
};

export type LayoutResult = {
  id: number;
  /** Node centres, as Cytoscape's preset layout wants them. */
  positions: Record<string, { x: number; y: number }>;
  /** Time spent laying out (in the worker, or on the main thread for the tree), in ms. */
  elapsed: number;
  engine: "elk" | "elk-cheap" | "tree";
  error?: string;
};

/**
 * ELK's layered layout reads best on small graphs, but its cost grows fast (measured in node on
 * the benchmark graph's first nodes, warm; WebKitGTK takes about 2.4 times as long): with the
 * walk's order kept, 100 nodes 160 ms, 150 nodes 430 ms, 200 nodes 1 s; without it, 300 nodes
 * 160 ms, and 1,794 nodes 2.6 s in the app. Above CHEAP_ELK_ABOVE the walk's order is not kept;
 * above TREE_ABOVE, or when one node has more children than TREE_FAN_OUT, the tree layout
 * (tree.ts) places the nodes in milliseconds.
 */
export const CHEAP_ELK_ABOVE = 100;
export const TREE_ABOVE = 300;
export const TREE_FAN_OUT = 40;

/** Which engine lays a request out: ELK for small graphs, the tree for large or wide ones. */
export function engineFor(req: Pick<LayoutRequest, "nodes" | "edges">): LayoutResult["engine"] {
  const n = req.nodes.length;
  if (n > TREE_ABOVE || fanOut(req.edges) > TREE_FAN_OUT) return "tree";
  return n > CHEAP_ELK_ABOVE ? "elk-cheap" : "elk";
}

/** The most children any node has: ELK keeps them in one layer, a strip too thin to see once fitted. */
function fanOut(edges: LayoutRequest["edges"]): number {
  const counts = new Map<string, number>();
  let most = 0;
  for (const e of edges) {
    const c = (counts.get(e.source) ?? 0) + 1;
    counts.set(e.source, c);
    most = Math.max(most, c);
  }
  return most;
}
