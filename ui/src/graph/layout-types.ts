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
  /** Time spent in the worker, in ms. */
  elapsed: number;
  engine: "elk" | "elk-cheap" | "elk-cheapest" | "layers";
  error?: string;
};

/** Above this many nodes ELK's full layered pipeline takes seconds; the worker places nodes itself. */
export const FAST_LAYOUT_ABOVE = 3000;
/**
 * ELK's cost grows fast with its thorough settings (measured in node on this machine's kind:
 * 400 nodes took 5 s with model order, 1 s without; 1,000 nodes 85 s with model order and
 * Brandes-Koepf, 0.9 s without model order and greedy switch; 3,000 nodes 1.5 s at thoroughness 1
 * with simple placement). Above CHEAP_ELK_ABOVE the order of the walk is no longer kept, above
 * CHEAPEST_ELK_ABOVE crossing minimisation does one pass.
 */
export const CHEAP_ELK_ABOVE = 150;
export const CHEAPEST_ELK_ABOVE = 1000;
