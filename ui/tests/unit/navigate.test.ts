import { expect, test } from "vitest";
import { nextNode, type Candidate } from "../../src/graph/navigate";

const c = (id: string, x: number, y: number, connected = true): Candidate => ({ id, position: { x, y }, connected });

test("arrows prefer connected nodes in that direction, nearest and most straight first", () => {
  const from = { x: 0, y: 0 };
  const candidates = [c("right-far", 400, 0), c("right-near-off", 250, 120), c("right-straight", 250, 10), c("left", -250, 0), c("below", 0, 80, false)];
  expect(nextNode(from, "ArrowRight", candidates)).toBe("right-straight");
  expect(nextNode(from, "ArrowLeft", candidates)).toBe("left");
  expect(nextNode(from, "ArrowUp", candidates)).toBeNull();
});

test("with nothing connected that way, any node that way will do", () => {
  const from = { x: 0, y: 0 };
  const candidates = [c("right", 250, 0), c("below-unlinked", 0, 80, false)];
  expect(nextNode(from, "ArrowDown", candidates)).toBe("below-unlinked");
});
