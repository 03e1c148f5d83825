// The artifact graph as the UI sees it: what the core sent (nodes, edges, warnings), plus what the
// user folded away. `view()` turns both into the elements to draw; it knows nothing of Cytoscape.
import type { GraphData, GraphEdge, GraphEvent, GraphNode, NodeKind, SignatureDetails, SignatureStatus } from "../ipc";
import { humanSize, shortDigest } from "../lib/format";

/** Kinds drawn on screen: the core's node kinds plus the tag that was opened and "+N layers". */
export type ViewKind = NodeKind | "tag" | "layers";

export type ViewNode = {
  id: string;
  kind: ViewKind;
  title: string;
  subtitle: string;
  /** The core's node, absent for the synthetic tag and layers nodes. */
  node: GraphNode | null;
  error: string | null;
  /** A signature or attestation's verdict, once checked in the background. */
  status: SignatureStatus | null;
  /** How many nodes this one hides (a folded subtree, or the layers behind "+N layers"). */
  hidden: number;
  /** The node whose layers this summary stands for. */
  owner: string | null;
  width: number;
  height: number;
};

export type ViewEdge = {
  id: string;
  source: string;
  target: string;
  label: string;
  /** The core's edge kind, or the synthetic links from the tag and to "+N layers". */
  kind: GraphEdge["kind"] | "tag" | "layers";
};

export type GraphView = { nodes: ViewNode[]; edges: ViewEdge[]; representative: Map<string, string> };

/** Images with more layers than this show "+N layers" until expanded. */
export const LAYER_FOLD_THRESHOLD = 3;

export const TAG_PREFIX = "tag:";
export const LAYERS_SUFFIX = "#layers";

const KIND_TITLES: Record<ViewKind, string> = {
  index: "Index",
  image: "Image",
  signature: "Signature",
  sbom: "SBOM",
  attestation: "Attestation",
  "helm-chart": "Helm chart",
  wasm: "Wasm",
  artifact: "Artifact",
  config: "Config",
  layer: "Layer",
  tag: "Tag",
  layers: "Layers",
};

const SIZES: Record<ViewKind, [number, number]> = {
  index: [184, 50],
  image: [184, 50],
  signature: [180, 46],
  sbom: [180, 46],
  attestation: [180, 46],
  "helm-chart": [180, 46],
  wasm: [180, 46],
  artifact: [180, 46],
  config: [164, 40],
  layer: [164, 40],
  tag: [124, 40],
  layers: [164, 40],
};

export function kindTitle(kind: ViewKind): string {
  return KIND_TITLES[kind];
}

/** How an edge was found, in the words the details panel and the legend use. */
export function edgeLabel(edge: GraphEdge): string {
  if (edge.kind === "config") return "config";
  if (edge.kind === "layer") return "layer";
  switch (edge.via) {
    case "index":
      return "index";
    case "manifest":
      return "manifest";
    case "api":
      return "referrers API";
    case "tag-schema":
      return "tag schema";
    case "cosign-tag":
      return "cosign tag";
    case "buildx":
      return "buildx";
    case "subject":
      return "subject";
  }
}

const edgeKey = (e: GraphEdge) => `${e.from}|${e.to}|${e.kind}`;

/** The annotation an artifact's files are named by (oras, `stowage push`: the file's name). */
export const IMAGE_TITLE = "org.opencontainers.image.title";

/** A named blob's node grows to show its name on one line, up to this width. */
const NAMED_MAX_WIDTH = 240;
/** The label's average character width at 11 px, a little generous: a wrapped title would push
 * the digest out of the node. */
const LABEL_CHAR_PX = 6.8;
/** What a node's box keeps beside its label (the icon on the left, the margins). */
const LABEL_INSET = 40;

/** A blob's own title, when it has one (an artifact's notes.md or site). */
function blobName(n: GraphNode): string | null {
  if (n.kind !== "layer" && n.kind !== "config") return null;
  return n.annotations[IMAGE_TITLE]?.trim() || null;
}

/** `text` in at most `max` characters, cut in the middle: a file's extension is worth keeping. */
function middle(text: string, max: number): string {
  if (text.length <= max) return text;
  const head = Math.ceil((max - 1) / 2);
  return `${text.slice(0, head)}…${text.slice(text.length - (max - 1 - head))}`;
}

function nodeTitle(n: GraphNode): string {
  // A blob that says what it is goes by that name; the icon already says layer or config.
  const name = blobName(n);
  if (name) {
    const size = ` · ${humanSize(n.size)}`;
    return `${middle(name, Math.floor((NAMED_MAX_WIDTH - LABEL_INSET) / LABEL_CHAR_PX) - size.length)}${size}`;
  }
  let title = KIND_TITLES[n.kind];
  if (n.kind === "image" && n.platform) title = `${title} ${n.platform}`;
  else if (n.format) title = `${title} · ${n.format}`;
  if (n.kind === "layer" || n.kind === "config") title = `${title} · ${humanSize(n.size)}`;
  return title;
}

/** Of two verdicts, the one that counts: one verified signature is enough; a failure shows over
 * none checked. */
function better(a: SignatureStatus, b: SignatureStatus): SignatureStatus {
  const rank: Record<SignatureStatus, number> = { notChecked: 0, failed: 1, verified: 2 };
  return rank[b] > rank[a] ? b : a;
}

export class GraphModel {
  root: string | null = null;
  base = "";
  reference = "";
  /** The tag the user opened, drawn as the leftmost node; null when opened by digest. */
  tag: string | null = null;
  truncated = false;
  warnings: string[] = [];
  readonly nodes = new Map<string, GraphNode>();
  readonly edges = new Map<string, GraphEdge>();
  /** Nodes whose whole subtree is folded. */
  readonly folded = new Set<string>();
  /** Images whose layers the user chose to see (or hide) against the default. */
  readonly layersShown = new Set<string>();
  readonly layersHidden = new Set<string>();
  /** Signature and attestation manifests' verdicts (see GraphSession.checkSignatures). */
  readonly signatureStatus = new Map<string, SignatureStatus>();

  constructor(init?: { tag?: string | null; reference?: string; base?: string }) {
    this.tag = init?.tag ?? null;
    this.reference = init?.reference ?? "";
    this.base = init?.base ?? "";
  }

  /** The manifests signatures or attestations are attached to, indexes first (an index's
   * signatures come with its platform manifests'). */
  signedSubjects(): string[] {
    const signed = new Set<string>();
    for (const e of this.edges.values()) {
      const to = this.nodes.get(e.to);
      if (e.kind === "referrer" && (to?.kind === "signature" || to?.kind === "attestation")) signed.add(e.from);
    }
    const isIndex = (id: string) => Number(this.nodes.get(id)?.kind === "index");
    return [...signed].sort((a, b) => isIndex(b) - isIndex(a));
  }

  /** Each signature manifest's status from its layers' verdicts: one that verifies is enough
   * (as for `stowage verify`), else a failure shows, else not checked. */
  setSignatureStatuses(found: SignatureDetails[]) {
    this.signatureStatus.clear();
    for (const s of found) {
      const was = this.signatureStatus.get(s.manifest);
      this.signatureStatus.set(s.manifest, was ? better(was, s.status) : s.status);
    }
  }

  /** What the opened artifact's own signatures (on it or its platform manifests) come to; null
   * when it has none. Signatures of SBOMs beside it are theirs, not its. */
  rootStatus(found: SignatureDetails[]): SignatureStatus | null {
    const root = this.root;
    if (!root) return null;
    const own = new Set([root, ...[...this.edges.values()].filter((e) => e.from === root && e.kind === "child").map((e) => e.to)]);
    return found.filter((s) => own.has(s.subject)).reduce<SignatureStatus | null>((best, s) => (best ? better(best, s.status) : s.status), null);
  }

  /** A node may arrive again with more fields filled: the later copy replaces the earlier. */
  applyEvent(event: GraphEvent) {
    if (event.type === "warning") {
      if (!this.warnings.includes(event.message)) this.warnings.push(event.message);
      return;
    }
    for (const n of event.nodes) this.nodes.set(n.id, n);
    for (const e of event.edges) this.edges.set(edgeKey(e), e);
    // The first node the walk reports is the one that was opened.
    if (this.root === null && event.nodes[0]) this.root = event.nodes[0].id;
  }

  applyData(data: GraphData) {
    this.root = data.root;
    this.base = data.base;
    this.reference = data.reference;
    this.truncated = data.truncated;
    for (const n of data.nodes) this.nodes.set(n.id, n);
    for (const e of data.edges) this.edges.set(edgeKey(e), e);
    for (const w of data.warnings) if (!this.warnings.includes(w)) this.warnings.push(w);
  }

  /**
   * A manifest pushed from this window (an attach: with its edge from the subject), added the way
   * the walk's events add nodes. Returns false when it was there already (nothing is doubled).
   */
  addPushed(node: GraphNode, edge: GraphEdge | null): boolean {
    const fresh = !this.nodes.has(node.id) || (edge !== null && !this.edges.has(edgeKey(edge)));
    this.applyEvent({ type: "nodes", nodes: [node], edges: edge ? [edge] : [] });
    return fresh;
  }

  /** A tag added to a node from this window. */
  addTag(id: string, tag: string) {
    const n = this.nodes.get(id);
    if (n && !n.tags.includes(tag)) this.nodes.set(id, { ...n, tags: [...n.tags, tag] });
  }

  toData(): GraphData {
    return {
      root: this.root ?? "",
      base: this.base,
      reference: this.reference,
      truncated: this.truncated,
      nodes: [...this.nodes.values()],
      edges: [...this.edges.values()],
      warnings: [...this.warnings],
    };
  }

  private outgoing(): Map<string, GraphEdge[]> {
    const out = new Map<string, GraphEdge[]>();
    for (const e of this.edges.values()) {
      const list = out.get(e.from);
      if (list) list.push(e);
      else out.set(e.from, [e]);
    }
    return out;
  }

  layerCount(id: string): number {
    let n = 0;
    for (const e of this.edges.values()) if (e.from === id && (e.kind === "layer" || e.kind === "config")) n++;
    return n;
  }

  /** Whether an image's config and layers are folded into one "+N layers" node. */
  layersFolded(id: string): boolean {
    return this.foldsLayers(id, this.outgoing().get(id) ?? []);
  }

  /** layersFolded for a node whose outgoing edges are at hand: view() asks it of every node. */
  private foldsLayers(id: string, out: GraphEdge[]): boolean {
    if (this.layersShown.has(id)) return false;
    if (this.layersHidden.has(id)) return true;
    let layers = 0;
    for (const e of out) if (e.kind === "layer") layers++;
    return layers > LAYER_FOLD_THRESHOLD;
  }

  toggleLayers(id: string) {
    const folded = this.layersFolded(id);
    this.layersShown.delete(id);
    this.layersHidden.delete(id);
    (folded ? this.layersShown : this.layersHidden).add(id);
  }

  toggleFold(id: string) {
    if (this.folded.has(id)) this.folded.delete(id);
    else this.folded.add(id);
  }

  /** Folds or unfolds a view node: a layers summary unfolds its image's layers. */
  toggle(viewId: string) {
    if (viewId.endsWith(LAYERS_SUFFIX)) this.toggleLayers(viewId.slice(0, -LAYERS_SUFFIX.length));
    else if (this.nodes.has(viewId)) this.toggleFold(viewId);
  }

  /** What to draw: nodes reachable from the root through unfolded edges, and nodes not yet linked. */
  view(): GraphView {
    const out = this.outgoing();
    const visible = new Set<string>();
    const nodes: ViewNode[] = [];
    const edges: ViewEdge[] = [];
    // Hidden nodes map to the visible node that stands for them (a fold or a "+N layers").
    const representative = new Map<string, string>();
    const blocked: Array<{ viewId: string; starts: string[] }> = [];

    // Walks start at the root and at every node nothing points to yet: while the walk streams in,
    // a node can arrive before the edge that links it, or before the root itself.
    const pointed = new Set<string>();
    for (const e of this.edges.values()) pointed.add(e.to);
    const starts: string[] = [];
    if (this.root) starts.push(this.root);
    for (const id of this.nodes.keys()) if (id !== this.root && !pointed.has(id)) starts.push(id);
    const reachAll = new Set<string>();
    const reach = (from: string) => {
      const stack = [from];
      while (stack.length) {
        const id = stack.pop() as string;
        if (reachAll.has(id)) continue;
        reachAll.add(id);
        for (const e of out.get(id) ?? []) stack.push(e.to);
      }
    };
    for (const id of starts) reach(id);
    // A cycle nothing else reaches (a registry can serve anything) still gets drawn.
    for (const id of this.nodes.keys()) {
      if (!reachAll.has(id)) {
        starts.push(id);
        reach(id);
      }
    }

    const open = (id: string): GraphEdge[] => {
      const all = out.get(id) ?? [];
      if (this.folded.has(id)) {
        if (all.length) blocked.push({ viewId: id, starts: all.map((e) => e.to) });
        return [];
      }
      if (this.foldsLayers(id, all)) {
        const layerEdges = all.filter((e) => e.kind === "layer" || e.kind === "config");
        if (layerEdges.length) blocked.push({ viewId: id + LAYERS_SUFFIX, starts: layerEdges.map((e) => e.to) });
        return all.filter((e) => e.kind !== "layer" && e.kind !== "config");
      }
      return all;
    };

    // Breadth first, so nodes come out in walk order (stable layouts, sensible keyboard order).
    const queue: string[] = [...starts];
    const openEdges: GraphEdge[] = [];
    for (let head = 0; head < queue.length; head++) {
      const id = queue[head] as string;
      if (visible.has(id)) continue;
      visible.add(id);
      for (const e of open(id)) {
        openEdges.push(e);
        if (!visible.has(e.to)) queue.push(e.to);
      }
    }

    const byId = new Map<string, ViewNode>();
    for (const id of visible) {
      const n = this.nodes.get(id);
      const v = n ? this.viewNode(n) : this.placeholder(id);
      nodes.push(v);
      byId.set(id, v);
    }
    const seenEdge = new Set<string>();
    for (const e of openEdges) {
      const id = edgeKey(e);
      if (seenEdge.has(id) || !visible.has(e.from) || !visible.has(e.to)) continue;
      seenEdge.add(id);
      edges.push({ id, source: e.from, target: e.to, label: edgeLabel(e), kind: e.kind });
    }

    for (const b of blocked) {
      const stack = [...b.starts];
      let count = 0;
      let size = 0;
      let configs = 0;
      while (stack.length) {
        const id = stack.pop() as string;
        if (visible.has(id) || representative.has(id)) continue;
        representative.set(id, b.viewId);
        count++;
        const hiddenNode = this.nodes.get(id);
        size += hiddenNode?.size ?? 0;
        if (hiddenNode?.kind === "config") configs++;
        for (const e of out.get(id) ?? []) stack.push(e.to);
      }
      if (b.viewId.endsWith(LAYERS_SUFFIX)) {
        const owner = b.viewId.slice(0, -LAYERS_SUFFIX.length);
        const [width, height] = SIZES.layers;
        const hasError = b.starts.some((id) => this.nodes.get(id)?.error);
        nodes.push({
          id: b.viewId,
          kind: "layers",
          title: configs ? `+${count} config & layers` : `+${count} layers`,
          subtitle: humanSize(size),
          node: null,
          error: hasError ? "Some layers could not be read" : null,
          status: null,
          hidden: count,
          owner,
          width,
          height,
        });
        edges.push({ id: `${owner}|${b.viewId}`, source: owner, target: b.viewId, label: "config, layers", kind: "layers" });
      } else {
        const v = byId.get(b.viewId);
        if (v) v.hidden = count;
      }
    }

    if (this.tag && this.root) {
      const id = TAG_PREFIX + this.tag;
      const [width, height] = SIZES.tag;
      nodes.unshift({
        id,
        kind: "tag",
        title: this.tag,
        subtitle: "",
        node: null,
        error: null,
        status: null,
        hidden: 0,
        owner: null,
        width,
        height,
      });
      edges.unshift({ id: `${id}|${this.root}`, source: id, target: this.root, label: "", kind: "tag" });
    }
    return { nodes, edges, representative };
  }

  private viewNode(n: GraphNode): ViewNode {
    const [base, height] = SIZES[n.kind];
    const title = nodeTitle(n);
    const width = blobName(n) ? Math.min(NAMED_MAX_WIDTH, Math.max(base, LABEL_INSET + Math.ceil(title.length * LABEL_CHAR_PX))) : base;
    return {
      id: n.id,
      kind: n.kind,
      title,
      subtitle: shortDigest(n.id),
      node: n,
      error: n.error,
      status: this.signatureStatus.get(n.id) ?? null,
      hidden: 0,
      owner: null,
      width,
      height,
    };
  }

  /** The root before the walk has reported it. */
  private placeholder(id: string): ViewNode {
    const [width, height] = SIZES.artifact;
    return { id, kind: "artifact", title: "Loading…", subtitle: shortDigest(id), node: null, error: null, status: null, hidden: 0, owner: null, width, height };
  }
}

/** Whether a node matches a search: digest prefix, kind, type, platform, tag or annotation text. */
export function nodeMatches(n: GraphNode, query: string): boolean {
  const q = query.trim().toLowerCase();
  if (!q) return false;
  const hex = n.id.slice(n.id.indexOf(":") + 1).toLowerCase();
  if (n.id.toLowerCase().startsWith(q) || hex.startsWith(q)) return true;
  const fields = [n.kind, KIND_TITLES[n.kind], n.format, n.mediaType, n.artifactType, n.platform, ...n.tags];
  for (const f of fields) if (f && f.toLowerCase().includes(q)) return true;
  for (const [k, v] of Object.entries(n.annotations)) {
    if (k.toLowerCase().includes(q) || String(v).toLowerCase().includes(q)) return true;
  }
  return false;
}

/** The view ids to highlight for a query: matching nodes, or what stands for them when hidden. */
export function searchView(model: GraphModel, view: GraphView, query: string, extra: ReadonlySet<string> = new Set()): Set<string> {
  const hits = new Set<string>();
  if (!query.trim()) return hits;
  const visible = new Set(view.nodes.map((v) => v.id));
  for (const n of model.nodes.values()) {
    // `extra`: nodes matched by something the graph does not hold (an SBOM's packages).
    if (!extra.has(n.id) && !nodeMatches(n, query)) continue;
    if (visible.has(n.id)) hits.add(n.id);
    else {
      const rep = view.representative.get(n.id);
      if (rep) hits.add(rep);
    }
  }
  const q = query.trim().toLowerCase();
  for (const v of view.nodes) {
    if (v.kind === "tag" && v.title.toLowerCase().includes(q)) hits.add(v.id);
  }
  return hits;
}
