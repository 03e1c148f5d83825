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
  engine: "elk" | "elk-fast" | "layers";
  error?: string;
};

/** Above this many nodes ELK's full layered pipeline takes seconds; the worker places nodes itself. */
export const FAST_LAYOUT_ABOVE = 3000;
/** Between this and FAST_LAYOUT_ABOVE, ELK runs with its cheaper settings. */
export const CHEAP_ELK_ABOVE = 800;
