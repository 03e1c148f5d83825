// Arrow keys in the graph: move to the connected node that lies in the arrow's direction, the
// nearest one first, with nodes straight ahead preferred over those off to the side. With no
// connected node that way, any node that way will do, so the keys never get stuck.

export type Arrow = "ArrowLeft" | "ArrowRight" | "ArrowUp" | "ArrowDown";
export type Point = { x: number; y: number };
export type Candidate = { id: string; position: Point; connected: boolean };

const DIRECTIONS: Record<Arrow, Point> = {
  ArrowLeft: { x: -1, y: 0 },
  ArrowRight: { x: 1, y: 0 },
  ArrowUp: { x: 0, y: -1 },
  ArrowDown: { x: 0, y: 1 },
};

export function isArrow(key: string): key is Arrow {
  return key in DIRECTIONS;
}

function best(from: Point, dir: Point, candidates: Candidate[]): string | null {
  let bestId: string | null = null;
  let bestScore = Infinity;
  for (const c of candidates) {
    const dx = c.position.x - from.x;
    const dy = c.position.y - from.y;
    const ahead = dx * dir.x + dy * dir.y;
    if (ahead <= 1) continue;
    const side = Math.abs(dx * dir.y - dy * dir.x);
    // Sideways distance costs double: "right" means mostly right.
    const score = ahead + side * 2;
    if (score < bestScore) {
      bestScore = score;
      bestId = c.id;
    }
  }
  return bestId;
}

export function nextNode(from: Point, arrow: Arrow, candidates: Candidate[]): string | null {
  const dir = DIRECTIONS[arrow];
  return best(from, dir, candidates.filter((c) => c.connected)) ?? best(from, dir, candidates);
}
