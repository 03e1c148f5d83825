// Which SBOMs a graph node stands for, and which graph nodes list a package: the links between
// the graph and the SBOM view. Pure; reads the graph model, never the DOM.
import type { GraphModel } from "../graph/model";
import type { SbomSummary } from "../ipc";
import type { PackageTable } from "./packages";

/** What the SBOM view finds SBOMs from (`selector`), and the one to show first (`pick`). */
export type SbomTarget = { selector: string; pick: string | null; subject: string };

const HOLDS_SBOM = new Set(["sbom", "attestation"]);

/** The nodes `id` points at through edges of the given kinds. */
function linked(model: GraphModel, id: string, kinds: string[]): string[] {
  const out: string[] = [];
  for (const e of model.edges.values()) if (e.from === id && kinds.includes(e.kind)) out.push(e.to);
  return out;
}

/** True when a referrer of `id` (or of one of its platform manifests) is or may hold an SBOM. */
function hasSbomReferrer(model: GraphModel, id: string): boolean {
  const subjects = [id, ...linked(model, id, ["child"])];
  return subjects.some((s) => linked(model, s, ["referrer"]).some((r) => HOLDS_SBOM.has(model.nodes.get(r)?.kind ?? "")));
}

/**
 * The SBOM view's target for a node: an SBOM (or a buildx attestation, which may carry one) is
 * found from its subject, so its siblings (other platforms, other tools) are in the switcher;
 * an image or index is found from itself. Null for nodes with no SBOM in the graph.
 */
export function sbomTarget(model: GraphModel, id: string): SbomTarget | null {
  const node = model.nodes.get(id);
  if (!node) return null;
  if (node.kind === "sbom" || (node.kind === "attestation" && node.format === "in-toto")) {
    let subject: string | null = null;
    for (const e of model.edges.values()) if (e.to === id && e.kind === "referrer") subject = e.from;
    return { selector: subject ?? id, pick: id, subject: subject ?? id };
  }
  if ((node.kind === "image" || node.kind === "index") && hasSbomReferrer(model, id)) return { selector: id, pick: null, subject: id };
  return null;
}

/** A package an SBOM lists that matches a search, and the graph nodes to light up for it. */
export type PackageHit = { sbom: SbomSummary; name: string; version: string | null; nodes: string[] };

/**
 * The packages of the loaded SBOMs whose name contains `query` (two characters at least: one
 * would match nearly every package), one hit per SBOM and name, at most `limit`.
 */
export function packageHits(loaded: Array<{ sbom: SbomSummary; table: PackageTable }>, query: string, limit = 50): PackageHit[] {
  const q = query.trim().toLowerCase();
  if (q.length < 2) return [];
  const hits: PackageHit[] = [];
  for (const { sbom, table } of loaded) {
    const seen = new Set<string>();
    const nodes = [sbom.manifest, sbom.subject].filter((d): d is string => !!d);
    for (let i = 0; i < table.length && hits.length < limit; i++) {
      const name = table.name(i);
      if (!name || !name.toLowerCase().includes(q)) continue;
      const version = table.version(i);
      const key = `${name}\u0000${version ?? ""}`;
      if (seen.has(key)) continue;
      seen.add(key);
      hits.push({ sbom, name, version, nodes });
    }
  }
  return hits;
}
