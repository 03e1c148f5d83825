// Every push, attach, pull and copy started in this window, held here rather than in a component
// so they keep running (and keep reporting) while the user browses elsewhere. Progress arrives
// about ten times a second per transfer; what the UI renders is updated at most every
// `throttleMs`, so multi-gigabyte transfers with many blobs never make the page sluggish.
import * as ipc from "../ipc";
import type { AppError, Copied, CopyTarget, PullConfirmation, Pulled, PushResult, TransferProgress } from "../ipc";
import type { Commands } from "../lib/commands";
import { newOp } from "../lib/ops";
import { EtaEstimator } from "./format";

export type TransferKind = "push" | "attach" | "pull" | "copy";
export type TransferState = "running" | "done" | "failed" | "cancelled";

export type PushRequest = {
  kind: "push" | "attach";
  /** The prepared plan; a retry pushes the same plan again. */
  plan: string;
  source: string;
  repository: string;
  /** For an attach: the subject's digest. */
  subject: string | null;
  /** What the row says, e.g. "3 files, tags latest". */
  what: string;
  /** The files by their titles, e.g. "notes.md and 2 more": what messages call what was pushed. */
  title?: string;
  /** For an attach: the subject as the graph names it, e.g. "Image linux/amd64". */
  subjectTitle?: string | null;
  /** Bytes the preview said would go (a first total before progress arrives). */
  total: number;
};
export type PullRequest = { kind: "pull"; source: string; repository: string; reference: string };
export type CopyRequest = {
  kind: "copy";
  source: string;
  repository: string;
  reference: string;
  target: CopyTarget;
  referrers: boolean;
};
/** Every request may carry the command line that does the same (shown in the transfers panel). */
export type TransferRequest = (PushRequest | PullRequest | CopyRequest) & { command?: Commands | null };

export type TransferResult =
  | { kind: "push" | "attach"; value: PushResult }
  | { kind: "pull"; value: Pulled }
  | { kind: "copy"; value: Copied };

export type TransferApi = {
  push: typeof ipc.push;
  pull: typeof ipc.pull;
  confirmPull: typeof ipc.confirmPull;
  discardPull: typeof ipc.discardPull;
  copy: typeof ipc.copy;
  cancel: (op: string) => Promise<boolean>;
};

const defaultApi: TransferApi = {
  push: ipc.push,
  pull: ipc.pull,
  confirmPull: ipc.confirmPull,
  discardPull: ipc.discardPull,
  copy: ipc.copy,
  cancel: ipc.cancel,
};

/** Asks the user whether a pull may replace the files it lists; true to replace them. */
export type ReplaceAsker = (confirmation: PullConfirmation, t: Transfer) => Promise<boolean>;

let ids = 0;

export class Transfer {
  readonly id: string;
  readonly request: TransferRequest;
  readonly startedAt: number;
  op = $state("");
  state = $state<TransferState>("running");
  /** The latest progress, as rendered (throttled). */
  progress = $state.raw<TransferProgress | null>(null);
  /** Seconds left as the estimator sees it, rendered with the progress; null while unsure. */
  eta = $state<number | null>(null);
  error = $state<AppError | null>(null);
  result = $state.raw<TransferResult | null>(null);
  /** Cancel was pressed; the shell has not confirmed yet. */
  cancelling = $state(false);
  /** A pull waiting for the user to agree to replace these files. */
  asking = $state.raw<PullConfirmation | null>(null);
  /** How many times it was started (1 + retries). */
  attempts = $state(0);
  expanded = $state(false);

  /** The newest progress not yet rendered. */
  pending: TransferProgress | null = null;
  estimator = new EtaEstimator();
  pendingEta: number | null = null;
  timer: ReturnType<typeof setTimeout> | null = null;

  constructor(request: TransferRequest) {
    this.id = `t${++ids}`;
    this.request = request;
    this.startedAt = Date.now();
  }

  get kind(): TransferKind {
    return this.request.kind;
  }

  /** The digest a finished transfer produced. */
  get digest(): string | null {
    const r = this.result;
    if (!r) return null;
    return r.value.digest;
  }
}

export type FinishListener = (t: Transfer) => void;

export class Transfers {
  items = $state<Transfer[]>([]);
  readonly running: number = $derived(this.items.filter((t) => t.state === "running").length);
  readonly failed: number = $derived(this.items.filter((t) => t.state === "failed").length);

  private readonly api: TransferApi;
  private readonly throttleMs: number;
  private listeners: FinishListener[] = [];
  /** Set by the workbench, which shows the question; until then nothing is ever replaced. */
  askReplace: ReplaceAsker = () => Promise.resolve(false);
  private startListeners: FinishListener[] = [];

  constructor(api: TransferApi = defaultApi, throttleMs = 250) {
    this.api = api;
    this.throttleMs = throttleMs;
  }

  /** Told whenever a transfer ends (done, failed or cancelled). */
  onFinish(listener: FinishListener): () => void {
    this.listeners.push(listener);
    return () => (this.listeners = this.listeners.filter((l) => l !== listener));
  }

  /** Told whenever a transfer starts or is retried. */
  onStart(listener: FinishListener): () => void {
    this.startListeners.push(listener);
    return () => (this.startListeners = this.startListeners.filter((l) => l !== listener));
  }

  get(id: string): Transfer | undefined {
    return this.items.find((t) => t.id === id);
  }

  start(request: TransferRequest): Transfer {
    const t = new Transfer(request);
    this.items = [t, ...this.items];
    void this.run(t);
    return t;
  }

  /** Runs a failed or cancelled transfer again: a push with its same plan, the rest with the same arguments. */
  retry(id: string): Transfer | undefined {
    const t = this.get(id);
    if (!t || t.state === "running" || t.state === "done") return undefined;
    void this.run(t);
    return t;
  }

  async cancel(id: string) {
    const t = this.get(id);
    if (!t || t.state !== "running" || !t.op) return;
    t.cancelling = true;
    try {
      await this.api.cancel(t.op);
    } catch {
      // It ended between the click and the call; its own result says how.
    }
  }

  /** Removes a finished transfer from the list. */
  dismiss(id: string) {
    this.items = this.items.filter((t) => t.id !== id || t.state === "running");
  }

  clearFinished() {
    this.items = this.items.filter((t) => t.state === "running");
  }

  private report(t: Transfer, op: string, p: TransferProgress) {
    if (t.op !== op) return;
    t.pending = p;
    // Every report goes into the estimate, not only the rendered ones.
    t.pendingEta = t.estimator.update(p);
    if (t.progress === null) {
      // The first report shows at once: the row should not sit at "Starting…".
      this.flush(t);
      return;
    }
    if (t.timer) return;
    t.timer = setTimeout(() => this.flush(t), this.throttleMs);
  }

  private flush(t: Transfer) {
    if (t.timer) clearTimeout(t.timer);
    t.timer = null;
    if (t.pending) {
      t.progress = t.pending;
      t.eta = t.pendingEta;
    }
    t.pending = null;
  }

  /** A pull that would replace files: asks the user, then runs or discards the shell's plan. */
  private async confirmPull(t: Transfer, op: string, confirmation: PullConfirmation, onProgress: (p: TransferProgress) => void): Promise<TransferResult | null> {
    t.asking = confirmation;
    const replace = await this.askReplace(confirmation, t).catch(() => false);
    t.asking = null;
    if (!replace) {
      try {
        await this.api.discardPull(confirmation.plan);
      } catch {
        // The shell forgets it with the window anyway; nothing was written.
      }
      return null;
    }
    return { kind: "pull", value: await this.api.confirmPull(confirmation.plan, op, onProgress) };
  }

  private async run(t: Transfer) {
    const op = newOp(t.kind);
    t.op = op;
    t.state = "running";
    t.error = null;
    t.result = null;
    t.cancelling = false;
    t.progress = null;
    t.pending = null;
    t.eta = null;
    t.estimator = new EtaEstimator();
    t.attempts++;
    for (const l of this.startListeners) l(t);
    const onProgress = (p: TransferProgress) => this.report(t, op, p);
    const r = t.request;
    try {
      let result: TransferResult | null;
      switch (r.kind) {
        case "push":
        case "attach":
          result = { kind: r.kind, value: await this.api.push(r.plan, op, onProgress) };
          break;
        case "pull": {
          const answer = await this.api.pull({ source: r.source, repository: r.repository, reference: r.reference }, op, onProgress);
          if (answer?.kind === "confirm") result = await this.confirmPull(t, op, answer, onProgress);
          else result = answer ? { kind: "pull", value: answer } : null;
          break;
        }
        case "copy": {
          const request = { source: r.source, repository: r.repository, reference: r.reference, target: r.target, referrers: r.referrers };
          result = { kind: "copy", value: await this.api.copy(request, op, onProgress) };
          break;
        }
      }
      if (t.op !== op) return;
      this.flush(t);
      if (result === null) {
        // The user closed the folder dialog, or would not replace files: nothing was written.
        this.items = this.items.filter((x) => x !== t);
        return;
      }
      t.result = result;
      t.state = "done";
    } catch (e) {
      if (t.op !== op) return;
      this.flush(t);
      const err = ipc.toAppError(e);
      t.state = err.code === "cancelled" ? "cancelled" : "failed";
      t.error = err.code === "cancelled" ? null : err;
    } finally {
      if (t.op === op) t.cancelling = false;
    }
    for (const l of this.listeners) l(t);
  }
}
