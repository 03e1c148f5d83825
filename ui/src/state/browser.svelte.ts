// Where the user is: which source, repository and graph are open, and what each has loaded.
// Components read these fields; every change goes through the methods below.
import * as ipc from "../ipc";
import type { AppError, OpenedReference, Repositories, Source } from "../ipc";
import { GraphSession } from "../graph/session.svelte";

export class Browser {
  sources = $state<Source[]>([]);
  sourcesError = $state<AppError | null>(null);
  sourcesLoading = $state(true);

  sourceId = $state<string | null>(null);
  repositories = $state<Repositories | null>(null);
  repositoriesError = $state<AppError | null>(null);
  repositoriesLoading = $state(false);

  repository = $state<string | null>(null);
  tags = $state<string[] | null>(null);
  tagsError = $state<AppError | null>(null);
  tagsLoading = $state(false);
  /** performance.now() when tags() resolved, for the tags:open measure. */
  tagsAt = 0;

  graph = $state<GraphSession | null>(null);

  get source(): Source | null {
    return this.sources.find((s) => s.id === this.sourceId) ?? null;
  }

  async loadSources(select?: string) {
    this.sourcesLoading = true;
    try {
      const listed = await ipc.sources();
      // Registries opened by reference stay for the session, unless they are now kept.
      const opened = this.sources.filter((s) => s.origin === "opened" && !listed.some((l) => l.id === s.id));
      this.sources = [...listed, ...opened];
      this.sourcesError = null;
      // The first listing comes back to where the user was when the app last closed.
      const last = this.sourceId === null && select === undefined ? lastPlace() : null;
      const back = last && this.sources.some((s) => s.id === last.source && s.kind !== "layout") ? last : null;
      const want = select ?? this.sourceId ?? back?.source ?? this.sources[0]?.id ?? null;
      if (want && want !== this.sourceId) await this.openSource(want);
      if (back?.repository && this.sourceId === back.source && !this.repository) await this.openRepository(back.repository);
      else if (!this.sources.some((s) => s.id === this.sourceId)) this.sourceId = null;
    } catch (e) {
      this.sourcesError = ipc.toAppError(e);
    } finally {
      this.sourcesLoading = false;
    }
  }

  /** Replaces one source after sign-out or sign-in without reloading the list. */
  updateSource(source: Source) {
    const i = this.sources.findIndex((s) => s.id === source.id);
    if (i >= 0) this.sources[i] = source;
    else this.sources.push(source);
  }

  /** Opens what the reference box parsed: its source (listed for this session when new), its
   * repository and its graph. */
  async openReference(opened: OpenedReference) {
    if (!this.sources.some((s) => s.id === opened.source.id)) this.sources.push(opened.source);
    await this.show(opened.source.id, opened.repository, opened.reference);
  }

  /** Closes a registry opened by reference: it leaves the list, and the Local store opens if it was open. */
  async forgetSource(id: string) {
    this.sources = this.sources.filter((s) => s.id !== id || s.origin !== "opened");
    if (this.sourceId === id) await this.openSource("local");
  }

  async openSource(id: string) {
    // Another source's graph would sit beside this source's list as if it belonged to it.
    if (this.graph && this.graph.source !== id) this.closeGraph();
    this.sourceId = id;
    rememberPlace(id, null);
    this.repository = null;
    this.tags = null;
    this.repositories = null;
    this.repositoriesError = null;
    this.repositoriesLoading = true;
    try {
      const repos = await ipc.repositories(id);
      if (this.sourceId === id) this.repositories = repos;
    } catch (e) {
      if (this.sourceId === id) this.repositoriesError = ipc.toAppError(e);
    } finally {
      if (this.sourceId === id) this.repositoriesLoading = false;
    }
  }

  async openRepository(name: string) {
    const source = this.sourceId;
    if (!source) return;
    const repository = name.trim();
    if (!repository) return;
    this.repository = repository;
    rememberPlace(source, repository);
    this.tags = null;
    this.tagsError = null;
    this.tagsLoading = true;
    try {
      const tags = await ipc.tags(source, repository);
      if (this.sourceId !== source || this.repository !== repository) return;
      this.tagsAt = performance.now();
      this.tags = tags;
      // tags() remembers the repository as recent: show it at once.
      if (this.repositories && !this.repositories.recent.includes(repository)) {
        this.repositories.recent = [repository, ...this.repositories.recent].slice(0, 20);
      }
    } catch (e) {
      if (this.sourceId === source && this.repository === repository) this.tagsError = ipc.toAppError(e);
    } finally {
      if (this.sourceId === source && this.repository === repository) this.tagsLoading = false;
    }
  }

  /** Lists the repositories of the open source again (after a push created one). */
  async reloadRepositories() {
    const id = this.sourceId;
    if (!id) return;
    try {
      const repos = await ipc.repositories(id);
      if (this.sourceId === id) this.repositories = repos;
    } catch {
      // The list on screen stays; the next visit lists again.
    }
  }

  /** Lists the open repository's tags again, keeping the list on screen meanwhile. */
  async reloadTags() {
    const source = this.sourceId;
    const repository = this.repository;
    if (!source || !repository) return;
    try {
      const tags = await ipc.tags(source, repository);
      if (this.sourceId === source && this.repository === repository) {
        this.tags = tags;
        this.tagsError = null;
      }
    } catch (e) {
      if (this.sourceId === source && this.repository === repository) this.tagsError = ipc.toAppError(e);
    }
  }

  /** Opens a source, repository and graph wherever the user is ("Show in graph"). */
  async show(source: string, repository: string, reference: string, focus: string | null = null) {
    if (this.sourceId !== source) await this.openSource(source);
    if (this.repository !== repository) await this.openRepository(repository);
    else void this.reloadTags();
    const open = this.graph;
    if (open && open.source === source && open.repository === repository && focus && open.model.nodes.has(focus)) {
      open.focus = focus;
      return;
    }
    this.openGraph(reference);
    if (this.graph && focus) this.graph.focus = focus;
  }

  closeGraph() {
    void this.graph?.cancel();
    this.graph = null;
  }

  closeRepository() {
    this.repository = null;
    this.tags = null;
    this.tagsError = null;
  }

  /** Opens the graph of a tag or digest in the current repository, cancelling any load under way. */
  openGraph(reference: string, refresh = false) {
    const source = this.sourceId;
    const repository = this.repository;
    const ref = reference.trim();
    if (!source || !repository || !ref) return;
    void this.graph?.cancel();
    const host = this.source?.kind === "registry" ? this.source.name : null;
    const session = new GraphSession(source, repository, ref, host);
    this.graph = session;
    void session.load(refresh);
  }

  /** Opens the graph of a tag with its SBOM view showing (the tag list's SBOM badge). */
  openSbom(reference: string) {
    const open = this.graph;
    if (open && open.source === this.sourceId && open.repository === this.repository && open.reference === reference) {
      open.openSbom = true;
      return;
    }
    this.openGraph(reference);
    if (this.graph) this.graph.openSbom = true;
  }

  refreshGraph() {
    const g = this.graph;
    if (!g) return;
    void g.cancel();
    const session = new GraphSession(g.source, g.repository, g.reference, g.host);
    this.graph = session;
    void session.load(true);
  }
}

const PLACE_KEY = "stowage.place";
type Place = { source: string; repository: string | null };

/** Where the user was: a source and a repository (no secret, kept in the webview's storage). */
function rememberPlace(source: string, repository: string | null) {
  if (source.startsWith("layout:")) return;
  try {
    localStorage.setItem(PLACE_KEY, JSON.stringify({ source, repository } satisfies Place));
  } catch {
    // Storage full or unavailable: the next start opens the first source, as before.
  }
}

function lastPlace(): Place | null {
  try {
    const v = JSON.parse(localStorage.getItem(PLACE_KEY) ?? "null") as Partial<Place> | null;
    return v && typeof v.source === "string" ? { source: v.source, repository: typeof v.repository === "string" ? v.repository : null } : null;
  } catch {
    return null;
  }
}
