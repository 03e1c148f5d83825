// Badges for the tag rows in view. Scrolling asks for many ranges quickly: requests wait until
// scrolling settles, only ask for tags not yet known, and the answers are kept for the repository.
import { SvelteMap } from "svelte/reactivity";
import * as ipc from "../ipc";
import type { TagSummary } from "../ipc";

type Fetch = (source: string, repository: string, tags: string[]) => Promise<TagSummary[]>;

export class TagSummaries {
  readonly known = new SvelteMap<string, TagSummary>();
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, never rendered
  private pending = new Set<string>();
  private wanted: string[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly source: string;
  private readonly repository: string;
  private readonly fetch: Fetch;
  private readonly delay: number;
  /** How many tag_summaries calls were made, for tests and the curious. */
  calls = 0;

  constructor(source: string, repository: string, fetch: Fetch = ipc.tagSummaries, delay = 150) {
    this.source = source;
    this.repository = repository;
    this.fetch = fetch;
    this.delay = delay;
  }

  /** The rows now in view; replaces what an earlier, still-waiting request asked for. */
  request(tags: string[]) {
    this.wanted = tags;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, this.delay);
  }

  async flush() {
    const missing = this.wanted.filter((t) => !this.known.has(t) && !this.pending.has(t));
    if (missing.length === 0) return;
    for (const t of missing) this.pending.add(t);
    this.calls++;
    try {
      const list = await this.fetch(this.source, this.repository, missing);
      for (const s of list) this.known.set(s.tag, s);
    } catch (e) {
      // Remember the failure per tag, so a broken registry is not asked again on every scroll.
      const message = ipc.toAppError(e).message;
      for (const t of missing) {
        if (!this.known.has(t)) this.known.set(t, { tag: t, digest: null, signed: false, sbom: false, attestation: false, error: message });
      }
    } finally {
      for (const t of missing) this.pending.delete(t);
    }
  }

  dispose() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
