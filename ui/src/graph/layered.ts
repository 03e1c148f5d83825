// The layout for very large graphs: columns by depth from the sources, rows ordered by the
// parent's row (one barycenter pass). Linear time, no crossings minimisation beyond that.
import type { LayoutDirection, LayoutRequest } from "./layout-types";

const LAYER_GAP = 110;
const NODE_GAP = 14;
const SUB_GAP = 24;
const WRAP_ABOVE = 40;

export function layeredPositions(req: Pick<LayoutRequest, "nodes" | "edges">, direction: LayoutDirection) {
  const incoming = new Map<string, string[]>();
  const outgoing = new Map<string, string[]>();
  for (const n of req.nodes) {
    incoming.set(n.id, []);
    outgoing.set(n.id, []);
  }
  for (const e of req.edges) {
    if (!incoming.has(e.target) || !outgoing.has(e.source) || e.source === e.target) continue;
    incoming.get(e.target)?.push(e.source);
    outgoing.get(e.source)?.push(e.target);
  }
  // Depth by BFS from the sources; a node keeps the depth at which it was first reached, so
  // cycles (which a DAG should not have, but a registry can serve anything) cannot loop.
  const depth = new Map<string, number>();
  const queue: string[] = [];
  for (const n of req.nodes) if ((incoming.get(n.id) ?? []).length === 0) {
    depth.set(n.id, 0);
    queue.push(n.id);
  }
  if (queue.length === 0 && req.nodes[0]) {
    depth.set(req.nodes[0].id, 0);
    queue.push(req.nodes[0].id);
  }
  for (let head = 0; head < queue.length; head++) {
    const id = queue[head] as string;
    const d = depth.get(id) ?? 0;
    for (const t of outgoing.get(id) ?? []) {
      if (!depth.has(t)) {
        depth.set(t, d + 1);
        queue.push(t);
      }
    }
  }
  for (const n of req.nodes) if (!depth.has(n.id)) depth.set(n.id, 0);

  const layers: Array<Array<{ id: string; width: number; height: number; order: number }>> = [];
  const row = new Map<string, number>();
  // Visit in BFS order so a node's parents already have rows when it is placed.
  const queued = new Set(queue);
  const order = [...queue, ...req.nodes.map((n) => n.id).filter((id) => !queued.has(id))];
  const size = new Map(req.nodes.map((n) => [n.id, n]));
  for (const id of order) {
    const d = depth.get(id) ?? 0;
    const parents = (incoming.get(id) ?? []).filter((p) => row.has(p));
    const bary = parents.length ? parents.reduce((s, p) => s + (row.get(p) ?? 0), 0) / parents.length : 0;
    const layer = (layers[d] ??= []);
    const n = size.get(id);
    if (!n) continue;
    layer.push({ id, width: n.width, height: n.height, order: bary + layer.length * 1e-6 });
    row.set(id, layer.length - 1);
  }
  // A layer with hundreds of nodes (an index with many children, a subject with many referrers)
  // would be one column tens of thousands of pixels tall, invisible once fitted: such a layer is
  // wrapped into several sub-columns, aiming at a roughly 16:10 block.
  const blocks = layers.filter(Boolean).map((layer) => {
    layer.sort((a, b) => a.order - b.order);
    const thickness = Math.max(...layer.map((n) => (direction === "RIGHT" ? n.width : n.height)));
    const span = Math.max(...layer.map((n) => (direction === "RIGHT" ? n.height : n.width))) + NODE_GAP;
    const wrap = layer.length > WRAP_ABOVE ? Math.max(1, Math.round(Math.sqrt((layer.length * span) / ((thickness + SUB_GAP) * 1.6)))) : 1;
    const rows = Math.ceil(layer.length / wrap);
    return { layer, thickness, span, wrap, rows, extent: rows * span - NODE_GAP };
  });
  const widest = Math.max(0, ...blocks.map((b) => b.extent));
  const positions: Record<string, { x: number; y: number }> = {};
  let along = 0;
  for (const b of blocks) {
    // Each layer is centred across the widest one, so parents sit level with their children.
    const offset = (widest - b.extent) / 2;
    b.layer.forEach((n, i) => {
      const sub = Math.floor(i / b.rows);
      const row = i % b.rows;
      const centreAlong = along + sub * (b.thickness + SUB_GAP) + b.thickness / 2;
      const centreAcross = offset + row * b.span + (b.span - NODE_GAP) / 2;
      positions[n.id] = direction === "RIGHT" ? { x: centreAlong, y: centreAcross } : { x: centreAcross, y: centreAlong };
    });
    along += b.wrap * b.thickness + (b.wrap - 1) * SUB_GAP + LAYER_GAP;
  }
  return positions;
}
