import { describe, expect, test, vi } from "vitest";
import { GraphSession } from "../../src/graph/session.svelte";
import * as ipc from "../../src/ipc";
import type { GraphData, GraphEvent, GraphNode, PushResult } from "../../src/ipc/bindings";

vi.mock("../../src/ipc", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../src/ipc")>()),
  loadGraph: vi.fn(),
}));

const d = (c: string) => `sha256:${c.repeat(64)}`;
const node = (id: string, kind: GraphNode["kind"]): GraphNode => ({ id, kind, format: null, mediaType: "m", artifactType: null, size: 1, annotations: {}, platform: null, tags: [], error: null });

describe("graph session and attach results", () => {
  test("a result whose subject is in the graph is added, bumps the version and asks to select the new node", () => {
    const s = new GraphSession("r", "app", "v1");
    s.model.applyEvent({ type: "nodes", nodes: [node(d("1"), "index")], edges: [] });
    const result: PushResult = { target: "r/app", digest: d("2"), artifactType: "a/b", tags: [], referrersTagUpdated: true, node: node(d("2"), "signature"), edge: { from: d("1"), to: d("2"), kind: "referrer", via: "tag-schema" } };
    const v = s.version;
    expect(s.addPushed(result)).toBe(true);
    expect(s.version).toBe(v + 1);
    expect(s.focus).toBe(d("2"));
    expect(s.model.view().edges.some((e) => e.source === d("1") && e.target === d("2"))).toBe(true);
    expect(s.addPushed(result)).toBe(true);
    expect(s.model.nodes.size).toBe(2);
  });

  test("a result for a subject this graph does not show is left to a reload", () => {
    const s = new GraphSession("r", "app", "v1");
    s.model.applyEvent({ type: "nodes", nodes: [node(d("1"), "index")], edges: [] });
    const result: PushResult = { target: "r/app", digest: d("3"), artifactType: "a/b", tags: [], referrersTagUpdated: false, node: node(d("3"), "sbom"), edge: { from: d("9"), to: d("3"), kind: "referrer", via: "api" } };
    expect(s.addPushed(result)).toBe(false);
    expect(s.model.nodes.has(d("3"))).toBe(false);
  });
});

describe("graph session loading", () => {
  test("events the channel delivers after the answer change nothing and redraw nothing", async () => {
    let late: ((e: GraphEvent) => void) | null = null;
    const data: GraphData = { root: d("1"), base: "r/app", reference: "r/app:v1", truncated: false, nodes: [node(d("1"), "index"), node(d("2"), "image")], edges: [{ from: d("1"), to: d("2"), kind: "child", via: "index" }], warnings: [] };
    vi.mocked(ipc.loadGraph).mockImplementation(async (_request, onEvent) => {
      onEvent({ type: "nodes", nodes: [node(d("1"), "index")], edges: [] });
      late = onEvent;
      return data;
    });
    const s = new GraphSession("r", "app", "v1");
    await s.load();
    expect(s.status).toBe("done");
    expect(s.model.nodes.size).toBe(2);
    const v = s.version;
    late!({ type: "nodes", nodes: [node(d("3"), "sbom")], edges: [] });
    expect(s.version).toBe(v);
    expect(s.model.nodes.has(d("3"))).toBe(false);
  });
});
