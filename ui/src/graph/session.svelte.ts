// One opened graph: the load in progress (with its op id, so it can be cancelled), the model it
// fills, and a version counter the view watches. The model itself is plain (not reactive): graphs
// have thousands of nodes, and one counter is cheaper than deep proxies.
import * as ipc from "../ipc";
import { isDigest } from "../lib/tags";
import { artifactVerdicts, verdictKey } from "../signature/trust.svelte";
import { GraphModel } from "./model";

export type GraphStatus = "loading" | "done" | "error" | "cancelled";

let opCounter = 0;
function newOp(): string {
  opCounter++;
  const rand = typeof crypto !== "undefined" && "randomUUID" in crypto ? crypto.randomUUID() : String(Math.random()).slice(2);
  return `graph-${opCounter}-${rand}`;
}

export class GraphSession {
  readonly source: string;
  readonly repository: string;
  /** The tag or digest the user asked for. */
  readonly reference: string;
  readonly model: GraphModel;
  op = "";
  version = $state(0);
  status = $state<GraphStatus>("loading");
  error = $state<ipc.AppError | null>(null);
  /** A node to select once it is drawn (set after an attach, or by "Show in graph"). */
  focus = $state<string | null>(null);
  /** Open the SBOM view of what was opened as soon as the pane shows (the tag list's SBOM badge). */
  openSbom = $state(false);
  /** When the final GraphData arrived (performance.now()), for the first-render measure. */
  dataAt: number | null = null;

  /** The registry host, to name the repository before the core says how it names it. */
  readonly host: string | null;

  constructor(source: string, repository: string, reference: string, host: string | null = null) {
    this.source = source;
    this.host = host;
    this.repository = repository;
    this.reference = reference;
    this.model = new GraphModel({ tag: isDigest(reference) ? null : reference });
  }

  get nodeCount() {
    void this.version;
    return this.model.nodes.size;
  }

  /** Bumps the version so the view redraws after a change to the model (events, folds). */
  touch() {
    this.version++;
  }

  async load(refresh = false) {
    this.op = newOp();
    const op = this.op;
    this.status = "loading";
    this.error = null;
    // The channel's events can arrive after the command's answer: by then the whole graph is
    // in, and applying them again would only redraw the same nodes.
    let answered = false;
    try {
      const data = await ipc.loadGraph(
        { source: this.source, repository: this.repository, reference: this.reference, refresh, op },
        (event) => {
          if (op !== this.op || answered) return;
          this.model.applyEvent(event);
          this.touch();
        },
      );
      if (op !== this.op) return;
      answered = true;
      this.dataAt = performance.now();
      this.model.applyData(data);
      this.status = "done";
      this.touch();
    } catch (e) {
      if (op !== this.op) return;
      const err = ipc.toAppError(e);
      this.status = err.code === "cancelled" ? "cancelled" : "error";
      this.error = err.code === "cancelled" ? null : err;
      this.touch();
    }
  }

  /**
   * Shows a push or attach from this window without a reload, through the same path as the
   * walk's events, and selects the new node. False when its subject is not in this graph.
   */
  addPushed(result: ipc.PushResult): boolean {
    if (result.edge && !this.model.nodes.has(result.edge.from)) return false;
    this.model.addPushed(result.node, result.edge);
    this.focus = result.node.id;
    this.touch();
    if (this.status === "done" && (result.node.kind === "signature" || result.node.kind === "attestation")) void this.checkSignatures();
    return true;
  }

  /**
   * Checks every signature and attestation of the graph in the background, once it is drawn,
   * and marks their nodes verified or failed. Each subject with signatures is asked once; an
   * index's answer covers its platform manifests. Called again when the trust changes.
   */
  async checkSignatures() {
    const op = this.op;
    const covered: string[] = [];
    const found: ipc.SignatureDetails[] = [];
    for (const subject of this.model.signedSubjects()) {
      if (covered.includes(subject)) continue;
      try {
        const all = await ipc.signatureDetails(this.source, this.repository, subject);
        if (op !== this.op) return;
        covered.push(...all.map((s) => s.subject));
        found.push(...all);
      } catch {
        // The node's card says why when opened; the node stays unmarked.
      }
    }
    if (op !== this.op) return;
    this.model.setSignatureStatuses(found);
    const verdict = this.model.rootStatus(found);
    if (verdict && this.model.root) artifactVerdicts.set(verdictKey(this.source, this.repository, this.model.root), verdict);
    this.touch();
  }

  /** Stops a load in progress; the nodes found so far stay on screen. */
  async cancel() {
    if (this.status !== "loading") return;
    const op = this.op;
    this.status = "cancelled";
    this.op = "";
    try {
      await ipc.cancel(op);
    } catch {
      // The load may have ended between the click and the call: nothing left to cancel.
    }
  }

  /** The reference the CLI would use for one node. */
  nodeReference(digest: string): string {
    const base = this.model.base || (this.host ? `${this.host}/${this.repository}` : this.repository);
    return `${base}@${digest}`;
  }

  /** The reference that was opened, as the user sees it. */
  openedReference(): string {
    if (this.model.reference) return this.model.reference;
    const sep = isDigest(this.reference) ? "@" : ":";
    const base = this.model.base || (this.host ? `${this.host}/${this.repository}` : this.repository);
    return `${base}${sep}${this.reference}`;
  }
}
