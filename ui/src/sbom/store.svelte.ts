// The SBOMs the app has read: those found from a reference (per source, repository and
// reference, fetched once), the package tables fetched for them (per handle), and local files
// opened. Plain maps and one version counter, as the graph does: a table of 100,000 packages
// must never become a deep reactive proxy.
import * as ipc from "../ipc";
import type { AppError, SbomDocuments, SbomSummary } from "../ipc";
import { measure } from "../lib/perf";
import { PackageTable } from "./packages";

export type SbomSet = {
  status: "loading" | "done" | "error";
  documents: SbomDocuments | null;
  error: AppError | null;
};

/** Where the SBOM view sits: a wide panel beside the graph, or over the whole graph area. */
export type SbomLayout = "panel" | "tab";
const LAYOUT_KEY = "stowage.sbom.layout";

function readLayout(): SbomLayout {
  try {
    return localStorage.getItem(LAYOUT_KEY) === "tab" ? "tab" : "panel";
  } catch {
    return "panel";
  }
}

export type TableState = { status: "loading" | "done" | "error"; table: PackageTable | null; error: AppError | null };

export class SbomStore {
  /** Bumped on every change to the maps below. */
  version = $state(0);
  layout = $state<SbomLayout>(readLayout());
  /** A local SBOM the user opened, shown over the main area until closed. */
  local = $state.raw<SbomDocuments | null>(null);
  localError = $state<AppError | null>(null);

  // Plain maps on purpose: `version` says when they change, and a reactive proxy over a table
  // of 100,000 packages would cost more than the table.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- read through `version`
  private sets = new Map<string, SbomSet>();
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- read through `version`
  private tables = new Map<string, TableState>();
  /** When the click that opened the view happened, for the sbom:open measure. */
  private openedAt: number | null = null;

  setLayout(layout: SbomLayout) {
    this.layout = layout;
    try {
      localStorage.setItem(LAYOUT_KEY, layout);
    } catch {
      // Private mode or a full quota: the choice lasts until the app quits.
    }
  }

  /** The SBOMs found from a reference; starts finding them on first ask. */
  find(source: string, repository: string, reference: string): SbomSet {
    void this.version;
    const key = setKey(source, repository, reference);
    const known = this.sets.get(key);
    if (known) return known;
    const set: SbomSet = { status: "loading", documents: null, error: null };
    this.sets.set(key, set);
    void ipc
      .sbomDocuments(source, repository, reference)
      .then((documents) => this.sets.set(key, { status: "done", documents, error: null }))
      .catch((e: unknown) => this.sets.set(key, { status: "error", documents: null, error: ipc.toAppError(e) }))
      .finally(() => this.version++);
    return set;
  }

  /** Forgets what was found in a repository (after a refresh of its graph). */
  forget(source: string, repository: string) {
    const prefix = setKey(source, repository, "");
    for (const key of [...this.sets.keys()]) if (key.startsWith(prefix)) this.sets.delete(key);
    this.version++;
  }

  /** The package table of an SBOM; fetched on first ask. */
  table(handle: string): TableState {
    void this.version;
    const known = this.tables.get(handle);
    if (known) return known;
    const state: TableState = { status: "loading", table: null, error: null };
    this.tables.set(handle, state);
    void ipc
      .sbomRows(handle)
      .then((rows) => this.tables.set(handle, { status: "done", table: new PackageTable(rows), error: null }))
      .catch((e: unknown) => this.tables.set(handle, { status: "error", table: null, error: ipc.toAppError(e) }))
      .finally(() => this.version++);
    return state;
  }

  /** A table the view may show without asking the shell (the view's warm-up). */
  preload(handle: string, table: PackageTable) {
    this.tables.set(handle, { status: "done", table, error: null });
  }

  /** Forgets a preloaded table. */
  release(handle: string) {
    this.tables.delete(handle);
  }

  /** The tables already fetched, with their SBOMs, of every set in a repository. */
  loaded(source: string, repository: string): Array<{ sbom: SbomSummary; table: PackageTable }> {
    void this.version;
    const prefix = setKey(source, repository, "");
    const out: Array<{ sbom: SbomSummary; table: PackageTable }> = [];
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- local, never rendered
    const seen = new Set<string>();
    for (const [key, set] of this.sets) {
      if (!key.startsWith(prefix) || !set.documents) continue;
      for (const sbom of set.documents.sboms) {
        const table = sbom.handle ? this.tables.get(sbom.handle)?.table : null;
        if (!table || !sbom.handle || seen.has(sbom.handle)) continue;
        seen.add(sbom.handle);
        out.push({ sbom, table });
      }
    }
    return out;
  }

  /** Asks the shell for a local SBOM (its own file dialog) and shows it. */
  async openFile() {
    this.markOpen();
    try {
      const documents = await ipc.openSbomFile();
      if (!documents) return;
      this.localError = null;
      this.local = documents;
    } catch (e) {
      this.localError = ipc.toAppError(e);
    }
  }

  /** Shows a local SBOM read some other way (a file dropped on the window). */
  showLocal(documents: SbomDocuments) {
    this.localError = null;
    this.local = documents;
  }

  closeLocal() {
    this.local = null;
    this.localError = null;
  }

  /** The click that opens the view: the sbom:open measure runs from here to the table painted. */
  markOpen(at = performance.now()) {
    this.openedAt = at;
  }

  /** The table is on screen: ends the sbom:open measure, once per click. */
  painted(end: number) {
    if (this.openedAt === null) return;
    measure("sbom:open", this.openedAt, end);
    this.openedAt = null;
  }
}

function setKey(source: string, repository: string, reference: string): string {
  return `${source}\u0000${repository}\u0000${reference}`;
}

export const sboms = new SbomStore();
