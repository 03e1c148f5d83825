// One push sheet's state: the target, the files (as inspect_paths saw them), tags, artifact type,
// annotations, and the preview the shell prepared for exactly that. Any change prepares again
// (debounced); the plan of a preview nobody will push is discarded.
import * as ipc from "../ipc";
import type { Subject } from "../drop/hit";
import type { AppError, InspectedPaths, PushPreview, TransferProgress } from "../ipc";
import { newOp } from "../lib/ops";
import { EtaEstimator } from "../transfers/format";
import { draftProblems, draftSpec, type Annotation, type DraftFile, type DraftInput, type Problem } from "./validate";

export type SheetMode = "push" | "attach";

export type { Subject };

export type DraftApi = {
  inspectPaths: (paths: string[]) => Promise<InspectedPaths>;
  preparePush: typeof ipc.preparePush;
  discardPush: (plan: string) => Promise<void>;
  cancel: (op: string) => Promise<boolean>;
};

const defaultApi: DraftApi = {
  inspectPaths: ipc.inspectPaths,
  preparePush: ipc.preparePush,
  discardPush: ipc.discardPush,
  cancel: ipc.cancel,
};

/** Tags a new push starts with: "latest" so it shows in the tag list; an attach needs none. */
export function defaultTags(mode: SheetMode): string[] {
  return mode === "push" ? ["latest"] : [];
}

export type DraftInit = {
  mode: SheetMode;
  source: string;
  repository: string | null;
  subject?: Subject | null;
  api?: DraftApi;
  /** Milliseconds between the last change and preparing again. */
  debounce?: number;
};

export class PushDraft {
  readonly mode: SheetMode;
  readonly subject: Subject | null;
  /** Whether the repository came from where the files were dropped (else the user types it). */
  readonly repositoryGiven: boolean;

  source = $state("");
  repository = $state("");
  files = $state<DraftFile[]>([]);
  tags = $state<string[]>([]);
  artifactType = $state("");
  suggestedArtifactType = $state<string | null>(null);
  annotations = $state<Annotation[]>([]);

  inspecting = $state(0);
  inspectError = $state<string | null>(null);

  preview = $state.raw<PushPreview | null>(null);
  /** The spec key the preview was prepared for. */
  previewFor = $state("");
  preparing = $state(false);
  progress = $state.raw<TransferProgress | null>(null);
  /** Seconds of hashing left, once the estimate is steady. */
  eta = $state<number | null>(null);
  prepareError = $state<AppError | null>(null);

  readonly input: DraftInput = $derived({
    source: this.source,
    repository: this.repository,
    files: this.files,
    tags: this.tags,
    artifactType: this.artifactType,
    annotations: this.annotations,
    subject: this.subjectDigest(),
  });
  readonly problems: Problem[] = $derived(draftProblems(this.input));
  readonly specKey: string = $derived(JSON.stringify(draftSpec(this.input)));
  /** A preview for exactly what the sheet shows, and nothing wrong: Push may go. */
  readonly ready: boolean = $derived(
    this.problems.length === 0 && this.inspecting === 0 && !this.preparing && this.preview !== null && this.previewFor === this.specKey,
  );

  /** Once the user edits the artifact type, suggestions no longer overwrite it. */
  artifactTypeTouched = false;
  private readonly api: DraftApi;
  private readonly debounce: number;
  private op = "";
  private timer: ReturnType<typeof setTimeout> | null = null;
  private inspectSeq = 0;
  private closed = false;
  private handedOff = false;

  constructor(init: DraftInit) {
    this.mode = init.mode;
    this.subject = init.subject ?? null;
    this.source = init.source;
    this.repository = init.repository ?? "";
    this.repositoryGiven = !!init.repository;
    this.tags = defaultTags(init.mode);
    this.api = init.api ?? defaultApi;
    this.debounce = init.debounce ?? 400;
  }

  private subjectDigest(): string | null {
    return this.subject?.digest ?? null;
  }

  /** Adds dropped or picked paths (a path already there is not added twice). */
  async addPaths(paths: string[]) {
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- local, never rendered
    const all = [...new Set([...this.files.map((f) => f.path), ...paths])];
    await this.inspect(all);
  }

  removeFile(path: string) {
    this.files = this.files.filter((f) => f.path !== path);
    if (this.files.length === 0) {
      this.inspectSeq++;
      this.suggestedArtifactType = null;
      if (!this.artifactTypeTouched) this.artifactType = "";
      return;
    }
    // The suggestion may change with what is left.
    void this.inspect(this.files.map((f) => f.path));
  }

  setMediaType(path: string, mediaType: string) {
    this.files = this.files.map((f) => (f.path === path ? { ...f, mediaType } : f));
  }

  setArtifactType(value: string) {
    this.artifactTypeTouched = true;
    this.artifactType = value;
  }

  /** Adds tags; returns the ones refused as duplicates (invalid ones are kept and flagged). */
  addTags(tags: string[]): string[] {
    const dup: string[] = [];
    const next = [...this.tags];
    for (const t of tags) {
      if (next.includes(t)) dup.push(t);
      else next.push(t);
    }
    this.tags = next;
    return dup;
  }

  removeTag(index: number) {
    this.tags = this.tags.filter((_, i) => i !== index);
  }

  addAnnotation(key = "", value = "") {
    this.annotations = [...this.annotations, { key, value }];
  }

  setAnnotation(index: number, patch: Partial<Annotation>) {
    this.annotations = this.annotations.map((a, i) => (i === index ? { ...a, ...patch } : a));
  }

  removeAnnotation(index: number) {
    this.annotations = this.annotations.filter((_, i) => i !== index);
  }

  private async inspect(paths: string[]) {
    const seq = ++this.inspectSeq;
    this.inspecting++;
    try {
      const found = await this.api.inspectPaths(paths);
      if (seq !== this.inspectSeq || this.closed) return;
      // eslint-disable-next-line svelte/prefer-svelte-reactivity -- local, never rendered
      const typed = new Map(this.files.map((f) => [f.path, f.mediaType]));
      this.files = found.entries.map((e) => ({
        path: e.path,
        name: e.name,
        folder: e.folder,
        size: e.size,
        files: e.files,
        sniffed: e.mediaType,
        mediaType: typed.get(e.path) ?? e.mediaType ?? "",
        error: e.error,
        layout: e.layout,
      }));
      this.inspectError = null;
      this.suggestedArtifactType = found.artifactType;
      if (!this.artifactTypeTouched) this.artifactType = found.artifactType ?? "";
    } catch (e) {
      if (seq === this.inspectSeq) this.inspectError = ipc.toAppError(e).message;
    } finally {
      this.inspecting--;
    }
  }

  /**
   * Called after every change: prepares again once the user pauses, if nothing is wrong. A
   * preview for something else is dropped at once, so Push never sends what is not shown.
   */
  schedule() {
    if (this.closed || this.handedOff) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const key = this.specKey;
    if (this.preview && this.previewFor === key) return;
    if (this.op === "" && this.preview === null && this.prepareError && this.prepareFor === key) return;
    this.abandon();
    if (this.problems.length > 0 || this.inspecting > 0) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.prepare();
    }, this.debounce);
  }

  /** The spec key a failed prepare was for: the same spec is not prepared again by itself. */
  private prepareFor = "";

  /** Prepares now (also what "Try again" calls after a failed prepare). */
  async prepare() {
    if (this.closed || this.handedOff) return;
    if (this.problems.length > 0) return;
    this.abandon();
    const key = this.specKey;
    const spec = draftSpec(this.input);
    const op = newOp("prepare");
    this.op = op;
    this.preparing = true;
    this.prepareError = null;
    this.prepareFor = key;
    this.progress = null;
    this.eta = null;
    const estimator = new EtaEstimator();
    try {
      const preview = await this.api.preparePush(spec, op, (p) => {
        if (this.op !== op) return;
        this.progress = p;
        this.eta = estimator.update(p);
      });
      if (this.op !== op || this.closed) {
        void this.api.discardPush(preview.plan).catch(() => {});
        return;
      }
      this.preview = preview;
      this.previewFor = key;
    } catch (e) {
      if (this.op !== op) return;
      const err = ipc.toAppError(e);
      if (err.code !== "cancelled") this.prepareError = err;
    } finally {
      if (this.op === op) {
        this.op = "";
        this.preparing = false;
      }
    }
  }

  /** Stops a prepare under way and discards a preview's plan. */
  private abandon() {
    if (this.op) {
      const op = this.op;
      this.op = "";
      this.preparing = false;
      void this.api.cancel(op).catch(() => false);
    }
    if (this.preview) {
      const plan = this.preview.plan;
      this.preview = null;
      this.previewFor = "";
      if (!this.handedOff) void this.api.discardPush(plan).catch(() => {});
    }
  }

  /** Push pressed: the plan now belongs to the transfer, and the sheet is done. */
  handOff(): PushPreview | null {
    if (!this.ready || !this.preview) return null;
    const preview = this.preview;
    this.handedOff = true;
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    return preview;
  }

  /** The sheet closed without pushing: nothing keeps running, no plan is left behind. */
  close() {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.abandon();
  }

  get isClosed() {
    return this.closed;
  }
}
