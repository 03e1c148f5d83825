import cytoscape from "cytoscape";
import { afterEach, describe, expect, test, vi } from "vitest";
import { installTestHook } from "./test-hook";

type Hook = ReturnType<typeof installTestHook>;
const installed = () => (window as unknown as { __stowageGraph?: Hook }).__stowageGraph;

function canvas() {
  const cy = cytoscape({ headless: true });
  cy.add([
    { group: "nodes", data: { id: "tag:v1", kind: "tag", label: "v1" }, position: { x: 0, y: 0 } },
    { group: "nodes", data: { id: "sha256:1", kind: "index", label: "Index\nsha256:1" }, classes: "folded", position: { x: 100, y: 20 } },
    { group: "edges", data: { id: "e", source: "tag:v1", target: "sha256:1", label: "" } },
  ]);
  const container = document.createElement("div");
  container.getBoundingClientRect = () => ({ left: 30, top: 40, right: 830, bottom: 640, width: 800, height: 600, x: 30, y: 40, toJSON: () => ({}) });
  const from = { select: vi.fn(), toggle: vi.fn(), layouts: vi.fn(() => 3), dropTargetAt: vi.fn(() => "node:sha256:1"), selected: vi.fn(() => "sha256:1") };
  return { cy, container, from };
}

afterEach(() => {
  delete (window as unknown as { __stowageGraph?: Hook }).__stowageGraph;
});

describe("window.__stowageGraph", () => {
  test("has exactly the names the end-to-end and screen tests use", () => {
    const { cy, container, from } = canvas();
    installTestHook(cy, container, from);
    expect(Object.keys(installed() ?? {}).sort()).toEqual(["animating", "dropTargetAt", "edgeCount", "edgeIds", "edges", "layouts", "nodeCount", "nodeIds", "nodePosition", "nodes", "select", "selected", "toggle", "zoom"]);
  });

  test("reads the canvas as tests/kit's ShownNode and ShownEdge expect", () => {
    const { cy, container, from } = canvas();
    const hook = installTestHook(cy, container, from);
    expect(hook.nodeCount).toBe(2);
    expect(hook.edgeCount).toBe(1);
    const index = hook.nodes().find((n) => n.id === "sha256:1");
    expect(index).toMatchObject({ id: "sha256:1", kind: "index", label: "Index\nsha256:1", classes: ["folded"], position: { x: 100, y: 20 } });
    expect(hook.edges()).toEqual([{ source: "tag:v1", target: "sha256:1", label: "" }]);
    expect(hook.nodeIds()).toEqual(["tag:v1", "sha256:1"]);
    expect(hook.edgeIds()).toEqual(["tag:v1->sha256:1"]);
    expect(hook.animating()).toBe(false);
    expect(hook.zoom()).toBe(1);
  });

  test("counts stay live: a node added after install is seen", () => {
    const { cy, container, from } = canvas();
    const hook = installTestHook(cy, container, from);
    cy.add({ group: "nodes", data: { id: "sha256:2" } });
    expect(hook.nodeCount).toBe(3);
  });

  test("drives the view through what it was given, read at call time", () => {
    const { cy, container, from } = canvas();
    const hook = installTestHook(cy, container, from);
    hook.select("sha256:1");
    hook.toggle("sha256:1");
    expect(from.select).toHaveBeenCalledWith("sha256:1");
    expect(from.toggle).toHaveBeenCalledWith("sha256:1");
    expect(hook.layouts).toBe(3);
    from.layouts.mockReturnValue(4);
    expect(hook.layouts).toBe(4);
    expect(hook.selected()).toBe("sha256:1");
    expect(hook.dropTargetAt(5, 6)).toBe("node:sha256:1");
    expect(from.dropTargetAt).toHaveBeenCalledWith(5, 6);
  });

  test("a node's position is in CSS pixels of the page, and null once it or the canvas is gone", () => {
    const { cy, container, from } = canvas();
    const hook = installTestHook(cy, container, from);
    cy.viewport({ zoom: 2, pan: { x: 5, y: 0 } });
    expect(hook.nodePosition("sha256:1")).toEqual({ x: 30 + 2 * 100 + 5, y: 40 + 2 * 20 });
    expect(hook.nodePosition("sha256:9")).toBeNull();
    cy.destroy();
    expect(hook.nodePosition("sha256:1")).toBeNull();
  });

  test("a later canvas replaces the hook", () => {
    const first = canvas();
    installTestHook(first.cy, first.container, first.from);
    const second = canvas();
    second.cy.add({ group: "nodes", data: { id: "sha256:2" } });
    installTestHook(second.cy, second.container, second.from);
    expect(installed()?.nodeCount).toBe(3);
  });
});
