import { describe, expect, test } from "vitest";
import { GraphSession } from "../../src/graph/session.svelte";
import type { GraphNode, PushResult } from "../../src/ipc/bindings";

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
