// The layout for very large graphs: columns by depth from the sources, rows ordered by the
// parent's row (one barycenter pass). Linear time, no crossings minimisation beyond that.
import type { LayoutDirection, LayoutRequest } from "./layout-types";

const LAYER_GAP = 110;
const NODE_GAP = 14;

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
  const positions: Record<string, { x: number; y: number }> = {};
  let along = 0;
  for (const layer of layers) {
    if (!layer) continue;
    layer.sort((a, b) => a.order - b.order);
    const thickness = Math.max(...layer.map((n) => (direction === "RIGHT" ? n.width : n.height)));
    let across = 0;
    for (const n of layer) {
      const span = direction === "RIGHT" ? n.height : n.width;
      const centreAlong = along + thickness / 2;
      const centreAcross = across + span / 2;
      positions[n.id] = direction === "RIGHT" ? { x: centreAlong, y: centreAcross } : { x: centreAcross, y: centreAlong };
      across += span + NODE_GAP;
    }
    along += thickness + LAYER_GAP;
  }
  return positions;
}
