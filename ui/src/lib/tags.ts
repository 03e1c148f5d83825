/**
 * Tags that only exist to link things to a digest: the referrers fallback tag (`sha256-<hex>`) and
 * cosign's `sha256-<hex>.sig|.att|.sbom`. They are noise in a tag list, so they are hidden by default.
 */
const DIGEST_TAG = /^(sha256|sha384|sha512)-([0-9a-f]{32,128})(\.[a-z0-9]+)?$/i;

export function isDigestTag(tag: string): boolean {
  return DIGEST_TAG.test(tag);
}

export type DigestTagKind = "signature" | "attestation" | "sbom" | "referrers" | "other";

/** A digest tag taken apart: what it links to its digest, and the pieces a row shows. */
export type DigestTag = {
  kind: DigestTagKind;
  /** What the row calls it, e.g. "cosign signature". */
  label: string;
  /** The digest the tag is about, e.g. "sha256:3f…". */
  subject: string;
  /** "sha256-" and the hex: what a narrow row may cut in the middle. */
  head: string;
  /** The end of the hex and the suffix, which tell two such tags apart: always shown. */
  tail: string;
};

const SUFFIX_KINDS: Record<string, [DigestTagKind, string]> = {
  ".sig": ["signature", "cosign signature"],
  ".att": ["attestation", "cosign attestation"],
  ".sbom": ["sbom", "cosign SBOM"],
};

/** How many hex digits stay beside the suffix when the middle of the hex is cut. */
const TAIL_HEX = 6;

export function digestTag(tag: string): DigestTag | null {
  const m = DIGEST_TAG.exec(tag);
  if (!m) return null;
  const [, algorithm = "", hex = "", suffix = ""] = m;
  const [kind, label] = suffix === "" ? (["referrers", "referrers index"] as const) : (SUFFIX_KINDS[suffix.toLowerCase()] ?? ["other", "digest tag"]);
  const cut = tag.length - suffix.length - TAIL_HEX;
  return { kind, label, subject: `${algorithm.toLowerCase()}:${hex.toLowerCase()}`, head: tag.slice(0, cut), tail: tag.slice(cut) };
}

export type TagFilter = { text: string; showDigestTags: boolean };

export function filterTags(tags: readonly string[], filter: TagFilter): string[] {
  const needle = filter.text.trim().toLowerCase();
  const out: string[] = [];
  for (const tag of tags) {
    if (!filter.showDigestTags && isDigestTag(tag)) continue;
    if (needle && !tag.toLowerCase().includes(needle)) continue;
    out.push(tag);
  }
  return out;
}

export function countDigestTags(tags: readonly string[]): number {
  let n = 0;
  for (const tag of tags) if (isDigestTag(tag)) n++;
  return n;
}

/** A reference typed by the user: a digest opens as is, anything else is a tag. */
export function isDigest(reference: string): boolean {
  return /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/.test(reference.trim());
}

/** "registry": as the registry listed them (usually the order they were pushed, or by name). */
export type TagOrder = "registry" | "name" | "version";

export const TAG_ORDERS: Array<[TagOrder, string]> = [
  ["registry", "Registry order"],
  ["name", "Name"],
  ["version", "Newest version"],
];

const collator = new Intl.Collator("en", { numeric: true, sensitivity: "base" });

/** `v1.2.3-rc.1+build`: the numbers, the pre-release (sorts before the release), the rest. */
const VERSION = /^v?(\d+(?:\.\d+)*)(?:-([0-9A-Za-z.-]+))?(?:[+_].*)?$/;

type Version = { core: number[]; pre: string | null };

function parseVersion(tag: string): Version | null {
  const m = VERSION.exec(tag);
  if (!m?.[1]) return null;
  return { core: m[1].split(".").map(Number), pre: m[2] ?? null };
}

/** Ascending: 1.9 < 1.10 < 2.0-rc1 < 2.0 (semver's rule for pre-releases). */
export function compareVersions(a: Version, b: Version): number {
  const n = Math.max(a.core.length, b.core.length);
  for (let i = 0; i < n; i++) {
    const d = (a.core[i] ?? 0) - (b.core[i] ?? 0);
    if (d !== 0) return d;
  }
  // 1.0 and 1.0.0 are the same version; the longer spelling sorts second, for a stable order.
  if (a.core.length !== b.core.length) return a.core.length - b.core.length;
  if (a.pre === b.pre) return 0;
  if (a.pre === null) return 1;
  if (b.pre === null) return -1;
  return collator.compare(a.pre, b.pre);
}

/**
 * The tags in the chosen order (a new array; the registry's is kept). By version: the tags that
 * name no version first (latest, stable, edge: the ones people look for), then versions newest
 * first, then digest tags.
 */
export function sortTags(tags: readonly string[], order: TagOrder): string[] {
  if (order === "registry") return [...tags];
  if (order === "name") return [...tags].sort(collator.compare);
  const named: string[] = [];
  const versions: Array<[string, Version]> = [];
  const digests: string[] = [];
  for (const tag of tags) {
    const v = isDigestTag(tag) ? null : parseVersion(tag);
    if (v) versions.push([tag, v]);
    else if (isDigestTag(tag)) digests.push(tag);
    else named.push(tag);
  }
  versions.sort(([ta, a], [tb, b]) => compareVersions(b, a) || collator.compare(ta, tb));
  return [...named.sort(collator.compare), ...versions.map(([t]) => t), ...digests.sort(collator.compare)];
}
