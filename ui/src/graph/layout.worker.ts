// Runs the graph layout off the main thread, so panning and the tag list stay smooth while ELK works.
import ELK from "elkjs/lib/elk.bundled.js";
import type { ElkNode } from "elkjs/lib/elk-api";
import { layeredPositions } from "./layered";
import { CHEAP_ELK_ABOVE, CHEAPEST_ELK_ABOVE, FAST_LAYOUT_ABOVE, type LayoutRequest, type LayoutResult } from "./layout-types";

const elk = new ELK();

async function layout(req: LayoutRequest): Promise<LayoutResult> {
  const start = performance.now();
  if (req.nodes.length > FAST_LAYOUT_ABOVE) {
    const positions = layeredPositions(req, req.direction);
    return { id: req.id, positions, elapsed: performance.now() - start, engine: "layers" };
  }
  const n = req.nodes.length;
  const engine: LayoutResult["engine"] = n > CHEAPEST_ELK_ABOVE ? "elk-cheapest" : n > CHEAP_ELK_ABOVE ? "elk-cheap" : "elk";
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
    "elk-cheapest": {
      "elk.layered.nodePlacement.strategy": "SIMPLE",
      "elk.layered.crossingMinimization.greedySwitch.type": "OFF",
      "elk.layered.thoroughness": "1",
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
  // ELK keeps a wide fan-out in one layer: hundreds of referrers make a strip too thin to see
  // once fitted. The wrapping layered placement reads better there.
  const along = req.direction === "RIGHT" ? (out.width ?? 0) : (out.height ?? 0);
  const across = req.direction === "RIGHT" ? (out.height ?? 0) : (out.width ?? 0);
  if (n > 300 && across > 6 * along) {
    return { id: req.id, positions: layeredPositions(req, req.direction), elapsed: performance.now() - start, engine: "layers" };
  }
  return { id: req.id, positions, elapsed: performance.now() - start, engine };
}

self.onmessage = async (ev: MessageEvent<LayoutRequest>) => {
  const req = ev.data;
  let result: LayoutResult;
  try {
    result = await layout(req);
  } catch (e) {
    // Never leave the view without positions: fall back to the simple layered placement.
    const start = performance.now();
    result = {
      id: req.id,
      positions: layeredPositions(req, req.direction),
      elapsed: performance.now() - start,
      engine: "layers",
      error: e instanceof Error ? e.message : String(e),
    };
  }
  self.postMessage(result);
};
