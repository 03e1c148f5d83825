import { describe, expect, test, vi } from "vitest";
import { DropController } from "../../src/drop/dnd.svelte";
import { graphTarget, nodeAt, NOT_A_SUBJECT, OPEN_SBOM, renderedToModel, targetAt, targetLabel, toCss, type DropTarget } from "../../src/drop/hit";
import { GraphModel, LAYERS_SUFFIX, TAG_PREFIX, type ViewNode } from "../../src/graph/model";
import type { GraphNode } from "../../src/ipc/bindings";

const hex = (c: string) => `sha256:${c.repeat(64)}`;
function node(id: string, kind: GraphNode["kind"], extra: Partial<GraphNode> = {}): GraphNode {
  return { id, kind, format: null, mediaType: "application/vnd.oci.image.manifest.v1+json", artifactType: null, size: 10, annotations: {}, platform: null, tags: [], error: null, ...extra };
}

/** A page: sidebar rows, a repository area, the graph canvas, a plain toolbar. */
function page() {
  document.body.innerHTML = `
    <ul><li data-drop="source" data-drop-source="local"><button><span id="local-name">Local store</span></button></li></ul>
    <section id="tags" data-drop="repository" data-drop-source="localhost:5000" data-drop-repository="demo/app"><div id="row">v1</div></section>
    <div id="canvas" data-drop="graph"><canvas id="c"></canvas></div>
    <div id="toolbar">Refresh</div>`;
  return (id: string) => document.getElementById(id);
}

describe("drop positions", () => {
  test("physical pixels are divided by devicePixelRatio", () => {
    expect(toCss({ x: 300, y: 200 }, 2)).toEqual({ x: 150, y: 100 });
    expect(toCss({ x: 300, y: 200 }, 1.5)).toEqual({ x: 200, y: 400 / 3 });
    expect(toCss({ x: 30, y: 20 }, 1)).toEqual({ x: 30, y: 20 });
    // A broken ratio is treated as 1 rather than sending the pointer to infinity.
    expect(toCss({ x: 30, y: 20 }, 0)).toEqual({ x: 30, y: 20 });
    expect(toCss({ x: 30, y: 20 }, Number.NaN)).toEqual({ x: 30, y: 20 });
  });

  test("the element under the point decides: source row, repository area, graph, nothing", () => {
    const el = page();
    const at = (id: string) => () => el(id);
    expect(targetAt({ x: 1, y: 1 }, at("local-name"), null)).toEqual({ kind: "source", key: "source:local", source: "local" });
    expect(targetAt({ x: 1, y: 1 }, at("row"), null)).toEqual({ kind: "repository", key: "repository:localhost:5000/demo/app", source: "localhost:5000", repository: "demo/app" });
    expect(targetAt({ x: 1, y: 1 }, at("toolbar"), null)).toBeNull();
    expect(targetAt({ x: 1, y: 1 }, () => null, null)).toBeNull();
    // Over the canvas, the graph's own hit test answers, with the same point.
    const graph = vi.fn((): DropTarget | null => ({ kind: "refused", key: "refused:x", viewId: "x", reason: "no" }));
    expect(targetAt({ x: 5, y: 6 }, at("c"), graph)?.key).toBe("refused:x");
    expect(graph).toHaveBeenCalledWith({ x: 5, y: 6 });
    expect(targetAt({ x: 5, y: 6 }, at("c"), null)).toBeNull();
  });

  test("canvas pixels map to model coordinates through pan and zoom; the node whose box holds the point wins", () => {
    // Canvas at (200, 50) in the viewport, panned by (100, 20), zoomed 2x.
    const p = renderedToModel({ x: 500, y: 170 }, { x: 200, y: 50 }, { x: 100, y: 20 }, 2);
    expect(p).toEqual({ x: 100, y: 50 });
    const boxes = [
      { id: "a", x1: 0, y1: 0, x2: 90, y2: 40 },
      { id: "b", x1: 80, y1: 30, x2: 180, y2: 70 },
    ];
    expect(nodeAt(p, boxes)).toBe("b");
    expect(nodeAt({ x: 85, y: 35 }, boxes)).toBe("b");
    expect(nodeAt({ x: 10, y: 10 }, boxes)).toBe("a");
    expect(nodeAt({ x: 500, y: 500 }, boxes)).toBeNull();
  });

  test("manifests and indexes take referrers; layers, configs, folded layers and broken nodes refuse", () => {
    const m = new GraphModel({ tag: "v1" });
    m.applyEvent({
      type: "nodes",
      nodes: [node(hex("1"), "index"), node(hex("2"), "image", { platform: "linux/amd64" }), node(hex("3"), "layer"), node(hex("4"), "config"), node(hex("5"), "artifact", { error: "manifest unknown" })],
      edges: [],
    });
    const v: Record<string, ViewNode> = Object.fromEntries(m.view().nodes.map((n) => [n.id, n]));
    const t = (id: string) => graphTarget(v[id] as ViewNode, m, "localhost:5000", "demo/app");
    const image = t(hex("2"));
    expect(image.kind).toBe("node");
    if (image.kind === "node") expect(image.subject).toEqual({ digest: hex("2"), kind: "image", title: "Image linux/amd64", platform: "linux/amd64" });
    expect(t(hex("1")).kind).toBe("node");
    expect(t(hex("3"))).toMatchObject({ kind: "refused", reason: NOT_A_SUBJECT });
    expect(t(hex("4"))).toMatchObject({ kind: "refused", reason: NOT_A_SUBJECT });
    expect(t(hex("5"))).toMatchObject({ kind: "refused", reason: expect.stringMatching(/could not be read/) });
    // The tag node stands for what it points at.
    const tag = t(TAG_PREFIX + "v1");
    expect(tag.kind === "node" && tag.subject.digest).toBe(hex("1"));
    const folded = graphTarget({ ...(v[hex("2")] as ViewNode), id: hex("2") + LAYERS_SUFFIX, kind: "layers", node: null }, m, "s", "r");
    expect(folded.kind).toBe("refused");
  });
});

describe("drop hint", () => {
  test("over nothing, one file is offered as an SBOM to open; several say where a push goes", () => {
    const name = (id: string) => id;
    expect(targetLabel(null, name, 1)).toBe(OPEN_SBOM);
    expect(targetLabel(null, name, 2)).toBe("Drop on a source, a repository, or a node of the graph");
    expect(targetLabel({ kind: "repository", key: "r", source: "local", repository: "demo" }, name, 1)).toBe("Push to local · demo");
  });
});

describe("drag controller", () => {
  function controller(dpr = 2) {
    const el = page();
    const asked: Array<[number, number]> = [];
    const where: Record<string, string> = { "150,100": "row", "20,10": "local-name", "400,300": "toolbar" };
    const dnd = new DropController({
      devicePixelRatio: () => dpr,
      elementAt: (x, y) => {
        asked.push([x, y]);
        const id = where[`${x},${y}`];
        return id ? el(id) : null;
      },
    });
    const dropped = vi.fn();
    dnd.ondrop = dropped;
    return { dnd, asked, dropped };
  }

  test("enter/over highlight the target under the scaled point; drop hands it the paths; leave clears", () => {
    const { dnd, asked, dropped } = controller(2);
    dnd.handle({ type: "enter", paths: ["/a", "/b"], position: { x: 300, y: 200 } });
    expect(asked.at(-1)).toEqual([150, 100]);
    expect(dnd.dragging).toBe(true);
    expect(dnd.over?.key).toBe("repository:localhost:5000/demo/app");
    expect(dnd.point).toEqual({ x: 150, y: 100 });
    dnd.handle({ type: "over", position: { x: 40, y: 20 } });
    expect(dnd.over?.key).toBe("source:local");
    dnd.handle({ type: "drop", paths: ["/a", "/b"], position: { x: 40, y: 20 } });
    expect(dropped).toHaveBeenCalledWith({ kind: "source", key: "source:local", source: "local" }, ["/a", "/b"]);
    expect(dnd.dragging).toBe(false);
    expect(dnd.over).toBeNull();
    dnd.handle({ type: "enter", paths: ["/a"], position: { x: 300, y: 200 } });
    dnd.handle({ type: "leave" });
    expect(dnd.dragging).toBe(false);
    expect(dnd.over).toBeNull();
    expect(dropped).toHaveBeenCalledTimes(1);
  });

  test("a drop where nothing takes files reports no target (the app then says where to drop)", () => {
    const { dnd, dropped } = controller(2);
    dnd.handle({ type: "enter", paths: ["/a"], position: { x: 800, y: 600 } });
    expect(dnd.over).toBeNull();
    dnd.handle({ type: "drop", paths: ["/a"], position: { x: 800, y: 600 } });
    expect(dropped).toHaveBeenCalledWith(null, ["/a"]);
  });

  test("at devicePixelRatio 1 positions are used as they come; an open sheet captures every drop", () => {
    const { dnd, dropped } = controller(1);
    dnd.handle({ type: "enter", paths: ["/a"], position: { x: 150, y: 100 } });
    expect(dnd.over?.key).toBe("repository:localhost:5000/demo/app");
    dnd.capture = () => ({ kind: "sheet", key: "sheet" });
    dnd.handle({ type: "over", position: { x: 20, y: 10 } });
    expect(dnd.over?.key).toBe("sheet");
    dnd.handle({ type: "drop", paths: [], position: { x: 20, y: 10 } });
    // A drop without paths uses those from "enter".
    expect(dropped).toHaveBeenCalledWith({ kind: "sheet", key: "sheet" }, ["/a"]);
  });
});
