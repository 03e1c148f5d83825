// The layout for large graphs: a tidy tree of nested blocks, in linear time. An artifact graph is
// nearly a tree (tag -> index -> images -> config, layers, referrers -> their referrers); each
// node gets the first parent the walk reached it from, its subtree becomes one block, and a node
// with many children wraps their blocks into several sub-columns so no level turns into a strip
// too thin to see once fitted. Edges to a node's other parents are drawn, just not laid out for.
import type { LayoutDirection, LayoutRequest } from "./layout-types";

/** Room between a node and its children: edge labels ("referrers API", "cosign tag") sit there. */
const LEVEL_GAP = 96;
const SIBLING_GAP = 14;
/** Between sub-columns of wrapped children; wider than siblings so edges can pass between. */
const WRAP_GAP = 48;
/** Fewer children than this always stay in one column, as a tree reads best. */
const WRAP_FROM = 6;
/** A node with more parents than this is a hub, laid out apart from the tree. */
const HUB_ABOVE = 8;
/** The canvas's height / width when the caller does not say: a landscape window. */
const LANDSCAPE = 10 / 16;

type Sized = { id: string; width: number; height: number };
type Block = {
  /** The node's own extent along the layout direction, and across it. */
  thick: number;
  span: number;
  /** The whole subtree's block. */
  along: number;
  across: number;
  /** Where the node's centre sits across the block, and where the children's area starts. */
  anchor: number;
  areaShift: number;
  /** The children's area, and each child block's offset inside it. */
  areaAlong: number;
  areaAcross: number;
  wrapped: boolean;
  offsets: Array<{ child: number; along: number; across: number }>;
};

/**
 * Node centres for a request. `shape` is the canvas's height / width: wrapping aims at blocks of
 * that shape, so the fitted graph fills the canvas rather than a strip of it.
 */
export function treePositions(req: Pick<LayoutRequest, "nodes" | "edges">, direction: LayoutDirection, shape = LANDSCAPE) {
  const nodes: Sized[] = req.nodes;
  const index = new Map<string, number>();
  nodes.forEach((n, i) => index.set(n.id, i));
  const outgoing: number[][] = nodes.map(() => []);
  const parents = new Uint32Array(nodes.length);
  for (const e of req.edges) {
    const s = index.get(e.source);
    const t = index.get(e.target);
    if (s === undefined || t === undefined || s === t || outgoing[s]?.includes(t)) continue;
    outgoing[s]?.push(t);
    parents[t] = (parents[t] ?? 0) + 1;
  }

  // The spanning tree, breadth first from each root in the walk's order: a node goes under the
  // parent that reached it first (the first root's tree before the next root's). A hub (the empty config every artifact points at)
  // belongs to none of its parents more than another: hubs get a column of their own after the
  // tree, so their many edges all run the same way instead of across the first parent's block.
  const hub = (i: number) => (parents[i] ?? 0) > HUB_ABOVE;
  const children: number[][] = nodes.map(() => []);
  const placed = new Uint8Array(nodes.length);
  const queue: number[] = [];
  const grow = (root: number, into: number[]) => {
    into.push(root);
    placed[root] = 1;
    queue.length = 0;
    queue.push(root);
    for (let head = 0; head < queue.length; head++) {
      const at = queue[head] as number;
      for (const t of outgoing[at] ?? []) {
        if (placed[t] || hub(t)) continue;
        placed[t] = 1;
        children[at]?.push(t);
        queue.push(t);
      }
    }
  };
  const roots: number[] = [];
  const hubs: number[] = [];
  nodes.forEach((_, i) => {
    if (!parents[i] && !placed[i]) grow(i, roots);
  });
  nodes.forEach((_, i) => {
    if (hub(i) && !placed[i]) grow(i, hubs);
  });
  // What is left sits on a cycle or below one (a registry can serve anything): start from its
  // first node.
  nodes.forEach((_, i) => {
    if (!placed[i]) grow(i, roots);
  });

  const right = direction === "RIGHT";
  // Wrapping works across / along the direction: height / width going right, width / height down.
  const aspect = right ? shape : 1 / shape;
  const blocks: Block[] = nodes.map((n) => ({
    thick: right ? n.width : n.height,
    span: right ? n.height : n.width,
    along: 0,
    across: 0,
    anchor: 0,
    areaShift: 0,
    areaAlong: 0,
    areaAcross: 0,
    wrapped: false,
    offsets: [],
  }));

  // Children before parents, without recursion: a hostile chain of referrers can be deep.
  const order: number[] = [];
  const stack = [...roots, ...hubs];
  while (stack.length) {
    const at = stack.pop() as number;
    order.push(at);
    for (const c of children[at] ?? []) stack.push(c);
  }
  for (let i = order.length - 1; i >= 0; i--) {
    const at = order[i] as number;
    const b = blocks[at] as Block;
    arrange(b, (children[at] ?? []).map((c) => [c, blocks[c] as Block]), aspect);
    b.along = b.thick + (b.offsets.length ? LEVEL_GAP + b.areaAlong : 0);
    // Level with the middle of its children (of the whole area once they wrap), and never
    // sticking out of its own block.
    const first = b.offsets[0];
    const last = b.offsets[b.offsets.length - 1];
    const middle =
      first && last && !b.wrapped
        ? (first.across + (blocks[first.child] as Block).anchor + last.across + (blocks[last.child] as Block).anchor) / 2
        : b.areaAcross / 2;
    b.areaShift = Math.max(0, b.span / 2 - middle);
    b.anchor = middle + b.areaShift;
    b.across = Math.max(b.areaShift + b.areaAcross, b.anchor + b.span / 2);
  }

  // The roots are arranged like the children of one invisible node, and so are the hubs.
  const area = (members: number[]) => {
    const b: Block = { thick: 0, span: 0, along: 0, across: 0, anchor: 0, areaShift: 0, areaAlong: 0, areaAcross: 0, wrapped: false, offsets: [] };
    arrange(b, members.map((r) => [r, blocks[r] as Block]), aspect);
    return b;
  };
  const forest = area(roots);
  const hubArea = area(hubs);

  const positions: Record<string, { x: number; y: number }> = {};
  const place = (at: number, along: number, across: number) => {
    const stackOf: Array<[number, number, number]> = [[at, along, across]];
    while (stackOf.length) {
      const [n, a, c] = stackOf.pop() as [number, number, number];
      const b = blocks[n] as Block;
      const centre = { along: a + b.thick / 2, across: c + b.anchor };
      const id = (nodes[n] as Sized).id;
      positions[id] = right ? { x: centre.along, y: centre.across } : { x: centre.across, y: centre.along };
      const areaAlong = a + b.thick + LEVEL_GAP;
      const areaAcross = c + b.areaShift;
      for (const o of b.offsets) stackOf.push([o.child, areaAlong + o.along, areaAcross + o.across]);
    }
  };
  for (const o of forest.offsets) place(o.child, o.along, o.across);
  const hubAlong = forest.areaAlong + (roots.length ? LEVEL_GAP : 0);
  const hubAcross = (forest.areaAcross - hubArea.areaAcross) / 2;
  for (const o of hubArea.offsets) place(o.child, hubAlong + o.along, hubAcross + o.across);
  return positions;
}

/**
 * Lays a node's child blocks out in sub-columns, in order: one column for a few children,
 * several for many, as many as makes the area's shape closest to `aspect`.
 */
function arrange(parent: Block, kids: Array<[number, Block]>, aspect: number) {
  if (kids.length === 0) return;
  const stacked = kids.reduce((s, [, b]) => s + b.across, 0) + SIBLING_GAP * (kids.length - 1);
  const thickest = kids.reduce((m, [, b]) => Math.max(m, b.along), 0);
  // k columns of width `thickest` (plus the gap between columns) and height stacked/k have the
  // shape aspect when stacked / k = aspect * k * (thickest + WRAP_GAP).
  const wanted = kids.length < WRAP_FROM ? 1 : Math.round(Math.sqrt(stacked / (aspect * (thickest + WRAP_GAP))));
  const columns = Math.max(1, Math.min(kids.length, wanted));
  const height = stacked / columns;
  // Fill each column up to the target height, then start the next; a column is never empty.
  const groups: Array<Array<[number, Block]>> = [[]];
  let filled = 0;
  for (const kid of kids) {
    const current = groups[groups.length - 1] as Array<[number, Block]>;
    const extra = kid[1].across + (current.length ? SIBLING_GAP : 0);
    if (current.length && filled + extra / 2 > height && groups.length < columns) {
      groups.push([kid]);
      filled = kid[1].across;
    } else {
      current.push(kid);
      filled += extra;
    }
  }
  const heights = groups.map((g) => g.reduce((s, [, b]) => s + b.across, 0) + SIBLING_GAP * (g.length - 1));
  parent.areaAcross = Math.max(...heights);
  let along = 0;
  groups.forEach((g, i) => {
    // Shorter columns are centred across the tallest, so a parent sits level with its children.
    let across = (parent.areaAcross - (heights[i] as number)) / 2;
    const thick = g.reduce((m, [, b]) => Math.max(m, b.along), 0);
    for (const [child, b] of g) {
      parent.offsets.push({ child, along, across });
      across += b.across + SIBLING_GAP;
    }
    along += thick + WRAP_GAP;
  });
  parent.areaAlong = along - WRAP_GAP;
  parent.wrapped = groups.length > 1;
}
