// What the user does to artifacts, wherever they start it (a drop, a button, a menu): the push
// sheet, the action dialogs, the transfers, and what happens on screen when one ends.
import { DropController } from "../drop/dnd.svelte";
import { SHEET_TARGET, type DropTarget, type Subject } from "../drop/hit";
import { kindTitle } from "../graph/model";
import type { GraphSession } from "../graph/session.svelte";
import * as ipc from "../ipc";
import { humanSize, shortDigest } from "../lib/format";
import { copyCommands, pullCommands, pushCommands } from "../lib/commands";
import { attachedText, copiedText, filesTitle, pushedText } from "../lib/names";
import { draftSpec } from "../push/validate";
import { Toasts } from "../lib/toasts.svelte";
import { PushDraft } from "../push/draft.svelte";
import { sboms } from "../sbom/store.svelte";
import { Transfers, type Transfer } from "../transfers/store.svelte";
import { Browser } from "./browser.svelte";

/** A manifest an action is about: a graph node or a tag row. */
export type ActionTarget = {
  source: string;
  repository: string;
  /** A tag or a digest: what pull and copy resolve. */
  reference: string;
  /** Known for graph nodes; for tag rows once their summary arrived. */
  digest: string | null;
  /** How the dialogs name it, e.g. "demo/app:v1" or "Image linux/amd64". */
  title: string;
};

export type ActionDialog =
  | { kind: "copy"; target: ActionTarget }
  | { kind: "tag"; target: ActionTarget & { digest: string } }
  | { kind: "delete"; target: ActionTarget & { digest: string } };

/** A pull that would replace files, waiting for the user's answer. */
export type ReplaceAsk = {
  confirmation: ipc.PullConfirmation;
  /** What is pulled, e.g. "demo/app:v1". */
  what: string;
  answer: (replace: boolean) => void;
};

export const DROP_HERE = "Drop on a source, a repository, or a node of the graph";
/** Files of one drop tried as SBOMs: a drop of a whole folder's files is no SBOM to open. */
const MAX_SBOM_TRIES = 8;

const KIND_WORDS: Record<Transfer["kind"], string> = { push: "Push", attach: "Attach", pull: "Pull", copy: "Copy" };

export class Workbench {
  sheet = $state.raw<PushDraft | null>(null);
  dialog = $state.raw<ActionDialog | null>(null);
  transfersOpen = $state(false);
  /** Pulls asking to replace files, in the order they asked; the first is on screen. */
  replaceAsks = $state.raw<ReplaceAsk[]>([]);

  readonly browser: Browser;
  readonly transfers: Transfers;
  readonly toasts: Toasts;
  readonly dnd: DropController;

  constructor(browser: Browser, transfers: Transfers, toasts: Toasts, dnd: DropController) {
    this.browser = browser;
    this.transfers = transfers;
    this.toasts = toasts;
    this.dnd = dnd;
    dnd.ondrop = (target, paths) => this.drop(target, paths);
    // While the sheet is open, files dropped anywhere are added to it.
    dnd.capture = () => (this.sheet ? SHEET_TARGET : null);
    transfers.onStart(() => (this.transfersOpen = true));
    transfers.onFinish((t) => this.finished(t));
    transfers.askReplace = (confirmation, t) => this.askReplace(confirmation, t);
  }

  /** Shows the replace question for a pull; resolves with the user's answer (once). */
  askReplace(confirmation: ipc.PullConfirmation, t: Transfer): Promise<boolean> {
    const r = t.request;
    const what = r.kind === "pull" ? `${r.repository}${r.reference.includes(":") ? "@" : ":"}${r.reference}` : "";
    return new Promise((resolve) => {
      const ask: ReplaceAsk = {
        confirmation,
        what,
        answer: (replace) => {
          this.replaceAsks = this.replaceAsks.filter((a) => a !== ask);
          resolve(replace);
        },
      };
      this.replaceAsks = [...this.replaceAsks, ask];
    });
  }

  private sourceOf(id: string): ipc.Source | undefined {
    return this.browser.sources.find((x) => x.id === id);
  }

  sourceName(id: string): string {
    const s = this.sourceOf(id);
    if (!s) return id;
    return s.kind === "local" ? "Local store" : s.name;
  }

  /** Files dropped somewhere: push, attach, add to the sheet, or say where drops go. */
  drop(target: DropTarget | null, paths: string[]) {
    if (!target) {
      void this.openDropped(paths);
      return;
    }
    switch (target.kind) {
      case "sheet":
        void this.sheet?.addPaths(paths);
        break;
      case "source":
        this.openPush(target.source, null, paths);
        break;
      case "repository":
        this.openPush(target.source, target.repository, paths);
        break;
      case "node":
        this.openAttach(target.source, target.repository, target.subject, paths);
        break;
      case "refused":
        this.toasts.show(target.reason, { kind: "error" });
        break;
      case "open":
        void this.openLayouts(paths);
        break;
    }
  }

  /** Opens dropped layout folders and archives as read-only sources; the last one opened shows. */
  async openLayouts(paths: string[]) {
    let last: string | null = null;
    for (const path of paths) {
      try {
        const source = await ipc.openLayout(path);
        this.browser.updateSource(source);
        last = source.id;
      } catch (e) {
        this.toasts.show(`${path.split(/[\\/]/).pop()}: ${ipc.toAppError(e).message}`, { kind: "error" });
      }
    }
    if (last) await this.browser.openSource(last);
  }

  /**
   * A dropped layout folder, copied image by image (with referrers) into `source`/`repository`
   * instead of packed into one layer: it is opened read-only, and each tag is copied as it is.
   */
  async copyLayout(path: string, source: string, repository: string) {
    try {
      const layout = await ipc.openLayout(path);
      this.browser.updateSource(layout);
      const tags = await ipc.tags(layout.id, layout.name);
      if (!tags.length) {
        this.toasts.show(`${layout.name} has no tagged images to copy; open it to look inside.`, { kind: "error" });
        return;
      }
      this.closeSheet();
      for (const tag of tags) {
        const from = { source: layout.id, repository: layout.name, reference: tag, digest: null, title: `${layout.name}:${tag}` };
        this.copy(from, { source, repository, tag }, true);
      }
    } catch (e) {
      this.toasts.show(`${path.split(/[\\/]/).pop()}: ${ipc.toAppError(e).message}`, { kind: "error" });
    }
  }

  /** "Open layout…": a folder, or with `archive` a .tar, picked in the shell's dialog. */
  async pickLayout(archive: boolean) {
    try {
      const source = await ipc.pickLayout(archive);
      if (!source) return;
      this.browser.updateSource(source);
      await this.browser.openSource(source.id);
    } catch (e) {
      this.toasts.show(ipc.toAppError(e).message, { kind: "error" });
    }
  }

  /**
   * Files dropped where nothing takes a push: the first that reads as an SBOM opens in the SBOM
   * view, nothing pushed. When none does, the reader's refusal says why, and where to drop.
   */
  async openDropped(paths: string[]) {
    sboms.markOpen();
    let refusal: ipc.AppError | null = null;
    for (const path of paths.slice(0, MAX_SBOM_TRIES)) {
      try {
        const documents = await ipc.openSbomPath(path);
        if (documents.sboms.some((s) => s.handle)) {
          sboms.showLocal(documents);
          return;
        }
        refusal ??= documents.sboms.find((s) => s.error)?.error ?? null;
      } catch (e) {
        refusal ??= ipc.toAppError(e);
      }
    }
    if (!refusal) {
      this.toasts.show(DROP_HERE);
      return;
    }
    this.toasts.show(`Could not open it as an SBOM: ${refusal.message} (${refusal.code}). ${DROP_HERE} to push it.`, { kind: "error" });
  }

  openPush(source: string, repository: string | null, paths: string[]) {
    this.closeSheet();
    const draft = new PushDraft({ mode: "push", source, repository });
    this.sheet = draft;
    if (paths.length) void draft.addPaths(paths);
  }

  openAttach(source: string, repository: string, subject: Subject, paths: string[]) {
    this.closeSheet();
    const draft = new PushDraft({ mode: "attach", source, repository, subject });
    this.sheet = draft;
    if (paths.length) void draft.addPaths(paths);
  }

  /** "Push files…": the file dialog, then the sheet. */
  async pickAndPush(source: string, repository: string | null) {
    const paths = await this.pick("files");
    if (paths) this.openPush(source, repository, paths);
  }

  /** "Attach files…" on a node's details. */
  async pickAndAttach(session: GraphSession, subject: Subject) {
    const paths = await this.pick("files");
    if (paths) this.openAttach(session.source, session.repository, subject, paths);
  }

  /** Adds picked files or folders to the open sheet. */
  async pickInto(what: "files" | "folders") {
    const draft = this.sheet;
    if (!draft) return;
    const paths = await this.pick(what);
    if (paths && this.sheet === draft) await draft.addPaths(paths);
  }

  private async pick(what: "files" | "folders"): Promise<string[] | null> {
    try {
      return what === "files" ? await ipc.pickFiles() : await ipc.pickFolders();
    } catch (e) {
      this.toasts.show(`Could not open the file dialog: ${ipc.toAppError(e).message}`, { kind: "error" });
      return null;
    }
  }

  closeSheet() {
    this.sheet?.close();
    this.sheet = null;
  }

  /** Push pressed in the sheet: the transfer starts and the sheet closes. */
  pushSheet(): Transfer | null {
    const draft = this.sheet;
    if (!draft) return null;
    const preview = draft.handOff();
    if (!preview) return null;
    const files = draft.files.length;
    const tags = draft.tags.length ? ` · ${draft.tags.join(", ")}` : "";
    const upload = preview.blobs.filter((b) => b.action === "upload").reduce((s, b) => s + b.size, 0);
    const where = this.sourceOf(draft.source);
    const t = this.transfers.start({
      command: where ? pushCommands(where, draftSpec(draft.input)) : null,
      kind: draft.mode,
      plan: preview.plan,
      source: draft.source,
      repository: draft.repository.trim(),
      subject: draft.subject?.digest ?? null,
      what: `${files} ${files === 1 ? "file" : "files"} (${humanSize(upload)} to upload)${tags}`,
      total: upload,
      title: filesTitle(draft.files.map((f) => f.name)),
      subjectTitle: draft.subject?.title ?? null,
    });
    this.sheet = null;
    return t;
  }

  pull(target: ActionTarget) {
    const where = this.sourceOf(target.source);
    this.transfers.start({
      kind: "pull",
      source: target.source,
      repository: target.repository,
      reference: target.reference,
      command: where ? pullCommands(where, target.repository, target.reference) : null,
    });
  }

  copy(target: ActionTarget, to: ipc.CopyTarget, referrers: boolean) {
    const [from, into] = [this.sourceOf(target.source), this.sourceOf(to.source)];
    this.transfers.start({
      kind: "copy",
      source: target.source,
      repository: target.repository,
      reference: target.reference,
      target: to,
      referrers,
      command: from && into ? copyCommands(from, target.repository, target.reference, into, to.repository, to.tag, referrers) : null,
    });
  }

  openDialog(dialog: ActionDialog) {
    this.dialog = dialog;
  }

  closeDialog() {
    this.dialog = null;
  }

  /** What the open graph calls a digest of the target's repository, e.g. "Attestation · in-toto". */
  nodeName(target: ActionTarget, digest: string): string | null {
    const g = this.browser.graph;
    if (!g || g.source !== target.source || g.repository !== target.repository) return null;
    const n = g.model.nodes.get(digest);
    if (!n) return null;
    const detail = n.platform ?? n.format;
    return detail ? `${kindTitle(n.kind)} · ${detail}` : kindTitle(n.kind);
  }

  /** The indexes in the open graph that list `digest` (a platform image), with their tags. */
  indexesOf(target: ActionTarget, digest: string): Array<{ title: string; tags: string[] }> {
    const g = this.browser.graph;
    if (!g || g.source !== target.source || g.repository !== target.repository) return [];
    const m = g.model;
    return [...m.edges.values()]
      .filter((e) => e.to === digest && e.kind === "child")
      .map((e) => m.nodes.get(e.from))
      .filter((n): n is NonNullable<typeof n> => n !== undefined && n.kind === "index")
      .map((n) => ({ title: `${kindTitle(n.kind)} ${shortDigest(n.id)}`, tags: n.tags }));
  }

  /** The source a transfer or a dialog acts on, as the sidebar lists it. */
  source(id: string): ipc.Source | undefined {
    return this.sourceOf(id);
  }

  /** A tag was added: the tag list and the open graph show it. */
  tagged(target: ActionTarget & { digest: string }, tag: string) {
    this.toasts.show(`Tagged ${target.title} as ${tag}`, { kind: "ok" });
    const b = this.browser;
    if (b.sourceId === target.source && b.repository === target.repository) void b.reloadTags();
    const g = b.graph;
    if (g && g.source === target.source && g.repository === target.repository) {
      g.model.addTag(target.digest, tag);
      g.touch();
    }
  }

  /** Manifests were deleted: the tag list and the open graph are loaded again. */
  deleted(target: ActionTarget & { digest: string }, digests: string[]) {
    const n = digests.length;
    this.toasts.show(`Deleted ${n} ${n === 1 ? "manifest" : "manifests"} from ${target.repository}`, { kind: "ok" });
    const b = this.browser;
    if (b.sourceId === target.source && b.repository === target.repository) void b.reloadTags();
    const g = b.graph;
    if (g && g.source === target.source && g.repository === target.repository) {
      if (g.model.root && digests.includes(g.model.root)) b.closeGraph();
      else b.refreshGraph();
    }
  }

  /** "Show in graph" on a finished transfer. */
  async showInGraph(t: Transfer) {
    const r = t.request;
    const digest = t.digest;
    if (!digest) return;
    // The graph is what the user wants to see now; the panel would cover it.
    this.transfersOpen = false;
    if (r.kind === "push") await this.browser.show(r.source, r.repository, digest, digest);
    else if (r.kind === "attach") await this.browser.show(r.source, r.repository, r.subject ?? digest, digest);
    else if (r.kind === "copy") await this.browser.show(r.target.source, r.target.repository, digest, digest);
  }

  private finished(t: Transfer) {
    const r = t.request;
    const word = KIND_WORDS[t.kind];
    if (t.state === "cancelled") {
      this.toasts.show(`${word} cancelled`);
      return;
    }
    if (t.state === "failed") {
      // The open panel already shows the error on the transfer's row.
      if (this.transfersOpen) return;
      this.toasts.show(`${word} failed: ${t.error?.message ?? "unknown error"}`, {
        kind: "error",
        action: { label: "Details", run: () => (this.transfersOpen = true) },
      });
      return;
    }
    const result = t.result;
    if (!result) return;
    const b = this.browser;
    const show = { label: "Show in graph", run: () => void this.showInGraph(t) };
    if (result.kind === "attach" && r.kind === "attach") {
      const g = b.graph;
      const shown = !!g && g.source === r.source && g.repository === r.repository && g.addPushed(result.value);
      this.toasts.show(attachedText(r.title, r.subjectTitle, r.subject, result.value.digest), {
        kind: "ok",
        action: shown ? null : show,
      });
    } else if (result.kind === "push" && r.kind === "push") {
      if (b.sourceId === r.source && b.repository === r.repository) void b.reloadTags();
      else if (b.sourceId === r.source && !b.repository) void b.reloadRepositories();
      this.toasts.show(pushedText(r.title, this.sourceOf(r.source), r.repository, result.value.tags), { kind: "ok", action: show });
    } else if (result.kind === "copy" && r.kind === "copy") {
      if (b.sourceId === r.target.source && b.repository === r.target.repository) void b.reloadTags();
      this.toasts.show(copiedText(r, this.sourceOf(r.target.source), r.target, result.value.digest), { kind: "ok", action: show });
    } else if (result.kind === "pull") {
      this.toasts.show(pulledText(result.value), { kind: "ok" });
    }
  }
}

/** "Pulled 3 files to /dest", and how many of them replaced a file there. */
export function pulledText(pulled: ipc.Pulled): string {
  const n = pulled.files.length;
  const replaced = pulled.replaced.length;
  const also = replaced ? `, replacing ${replaced} ${replaced === 1 ? "file" : "files"}` : "";
  return `Pulled ${n} ${n === 1 ? "file" : "files"} to ${pulled.destination}${also}`;
}

export const browser = new Browser();
export const transfers = new Transfers();
export const toasts = new Toasts();
export const dnd = new DropController();
export const workbench = new Workbench(browser, transfers, toasts, dnd);
