// Where a file drag is: Tauri reports the pointer in physical pixels of the webview; the page
// works in CSS pixels. Elements that take drops say so with data attributes:
//   data-drop="source"      data-drop-source=ID                   push to that source (asks a name)
//   data-drop="repository"  data-drop-source=ID data-drop-repository=NAME
//   data-drop="graph"       the canvas: the node under the point decides (see graphTarget)
//   data-drop="open"        the sidebar around the sources: open a layout folder or archive
// The push sheet, while open, takes every drop (its files are added).
import type { NodeKind } from "../ipc";
import { LAYERS_SUFFIX, TAG_PREFIX, type GraphModel, type ViewNode } from "../graph/model";

export type Point = { x: number; y: number };

/** Physical pixels (what Tauri reports) to CSS pixels (what the page hit-tests in). */
export function toCss(p: Point, devicePixelRatio: number): Point {
  const scale = Number.isFinite(devicePixelRatio) && devicePixelRatio > 0 ? devicePixelRatio : 1;
  return { x: p.x / scale, y: p.y / scale };
}

/** The node an attach hangs off, as the sheet shows it. */
export type Subject = { digest: string; kind: NodeKind; title: string; platform: string | null };

export type DropTarget =
  | { kind: "source"; key: string; source: string }
  | { kind: "repository"; key: string; source: string; repository: string }
  | { kind: "node"; key: string; source: string; repository: string; viewId: string; subject: Subject }
  | { kind: "refused"; key: string; viewId: string; reason: string }
  | { kind: "sheet"; key: string }
  | { kind: "open"; key: string };

export const SHEET_TARGET: DropTarget = { kind: "sheet", key: "sheet" };
export const OPEN_TARGET: DropTarget = { kind: "open", key: "open" };

/** Asks the graph canvas what lies under a viewport point (CSS pixels). */
export type GraphHitTest = (p: Point) => DropTarget | null;

export type ElementAt = (x: number, y: number) => Element | null;

/** The drop target under a viewport point in CSS pixels, or null where nothing takes files. */
export function targetAt(p: Point, elementAt: ElementAt, graph: GraphHitTest | null): DropTarget | null {
  const el = elementAt(p.x, p.y);
  const hit = el?.closest("[data-drop]");
  if (!hit) return null;
  const kind = hit.getAttribute("data-drop");
  if (kind === "graph") return graph ? graph(p) : null;
  if (kind === "sheet") return SHEET_TARGET;
  if (kind === "open") return OPEN_TARGET;
  const source = hit.getAttribute("data-drop-source");
  if (!source) return null;
  if (kind === "source") return { kind: "source", key: `source:${source}`, source };
  const repository = hit.getAttribute("data-drop-repository");
  if (kind === "repository" && repository) {
    return { kind: "repository", key: `repository:${source}/${repository}`, source, repository };
  }
  return null;
}

/** Canvas (rendered) pixels relative to the viewport -> the graph's model coordinates. */
export function renderedToModel(p: Point, origin: Point, pan: Point, zoom: number): Point {
  return { x: (p.x - origin.x - pan.x) / zoom, y: (p.y - origin.y - pan.y) / zoom };
}

export type Box = { id: string; x1: number; y1: number; x2: number; y2: number };

/** The node whose box holds the point; the last drawn wins where boxes overlap. */
export function nodeAt(p: Point, boxes: Iterable<Box>): string | null {
  let found: string | null = null;
  for (const b of boxes) if (p.x >= b.x1 && p.x <= b.x2 && p.y >= b.y1 && p.y <= b.y2) found = b.id;
  return found;
}

const SUBJECT_KINDS = new Set<NodeKind>(["index", "image", "signature", "sbom", "attestation", "helm-chart", "wasm", "artifact"]);

export const NOT_A_SUBJECT = "Layers and configs can't have referrers: drop on a manifest or an index node.";

/**
 * What dropping on a drawn node does: attach to it when it is a manifest or an index (the tag
 * node stands for what it points at), else refuse, saying why.
 */
export function graphTarget(v: ViewNode, model: GraphModel, source: string, repository: string): DropTarget {
  const refuse = (reason: string): DropTarget => ({ kind: "refused", key: `refused:${v.id}`, viewId: v.id, reason });
  let node = v.node;
  if (v.id.startsWith(TAG_PREFIX)) node = model.root ? (model.nodes.get(model.root) ?? null) : null;
  if (v.kind === "layers" || v.id.endsWith(LAYERS_SUFFIX) || v.kind === "layer" || v.kind === "config") return refuse(NOT_A_SUBJECT);
  if (!node) return refuse("This node is still loading: drop again in a moment.");
  if (node.error) return refuse("This node could not be read, so nothing can be attached to it.");
  if (!SUBJECT_KINDS.has(node.kind)) return refuse(NOT_A_SUBJECT);
  const title = v.id.startsWith(TAG_PREFIX) ? `${v.title} → ${node.kind === "index" ? "Index" : "Image"}` : v.title;
  return {
    kind: "node",
    key: `node:${v.id}`,
    source,
    repository,
    viewId: v.id,
    subject: { digest: node.id, kind: node.kind, title, platform: node.platform },
  };
}

/** What the hint says over empty space when the drag holds one file: a drop there opens it as an SBOM. */
export const OPEN_SBOM = "Drop to open this SBOM";

/**
 * What the hint under the pointer says while dragging over a target; over nothing, a single
 * file is offered as an SBOM to open (the shell reads it on the drop and says if it is none).
 */
export function targetLabel(t: DropTarget | null, sourceName: (id: string) => string, files = 0): string {
  if (!t) return files === 1 ? OPEN_SBOM : "Drop on a source, a repository, or a node of the graph";
  switch (t.kind) {
    case "source":
      return `Push to ${sourceName(t.source)} (you name the repository)`;
    case "repository":
      return `Push to ${sourceName(t.source)} · ${t.repository}`;
    case "node":
      return `Attach to ${t.subject.title}`;
    case "refused":
      return t.reason;
    case "sheet":
      return "Add to the push";
    case "open":
      return "Open read-only: an OCI layout folder, a layout .tar or a docker save .tar";
  }
}
