// Runs ELK off the main thread, so panning and the tag list stay smooth while it works.
import ELK from "elkjs/lib/elk.bundled.js";
import type { ElkNode } from "elkjs/lib/elk-api";
import { engineFor, type LayoutRequest, type LayoutResult } from "./layout-types";
import { treePositions } from "./tree";

const elk = new ELK();

async function layout(req: LayoutRequest): Promise<LayoutResult> {
  const start = performance.now();
  // Large graphs never come here (layout.ts places them with the tree on the main thread).
  const engine = engineFor(req) === "elk" ? "elk" : "elk-cheap";
  const ids = new Set(req.nodes.map((node) => node.id));
  const tiers: Record<string, Record<string, string>> = {
    // Keeping the walk's order makes small graphs stable from one batch to the next.
    elk: {
      "elk.layered.nodePlacement.strategy": "BRANDES_KOEPF",
      "elk.layered.considerModelOrder.strategy": "NODES_AND_EDGES",
    },
    "elk-cheap": {
      "elk.layered.nodePlacement.strategy": "BRANDES_KOEPF",
      "elk.layered.crossingMinimization.greedySwitch.type": "OFF",
    },
  };
  const graph: ElkNode = {
    id: "root",
    layoutOptions: {
      "elk.algorithm": "layered",
      "elk.direction": req.direction,
      // Room between columns for the edge labels ("referrers API", "cosign tag").
      "elk.layered.spacing.nodeNodeBetweenLayers": "76",
      "elk.spacing.nodeNode": "14",
      "elk.spacing.componentComponent": "40",
      "elk.edgeRouting": "POLYLINE",
      ...tiers[engine],
    },
    children: req.nodes.map((n) => ({ id: n.id, width: n.width, height: n.height })),
    edges: req.edges
      .filter((e) => ids.has(e.source) && ids.has(e.target))
      .map((e) => ({ id: e.id, sources: [e.source], targets: [e.target] })),
  };
  const out = await elk.layout(graph);
  const positions: Record<string, { x: number; y: number }> = {};
  for (const c of out.children ?? []) {
    positions[c.id] = { x: (c.x ?? 0) + (c.width ?? 0) / 2, y: (c.y ?? 0) + (c.height ?? 0) / 2 };
  }
  return { id: req.id, positions, elapsed: performance.now() - start, engine };
}


self.onmessage = async (ev: MessageEvent<LayoutRequest>) => {
  const req = ev.data;
  let result: LayoutResult;
  try {
    result = await layout(req);
  } catch (e) {
    // Never leave the view without positions: fall back to the tree.
    const start = performance.now();
    result = {
      id: req.id,
      positions: treePositions(req, req.direction),
      elapsed: performance.now() - start,
      engine: "tree",
      error: e instanceof Error ? e.message : String(e),
    };
  }
  self.postMessage(result);
};
