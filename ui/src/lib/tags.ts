/**
 * Tags that only exist to link things to a digest: the referrers fallback tag (`sha256-<hex>`) and
 * cosign's `sha256-<hex>.sig|.att|.sbom`. They are noise in a tag list, so they are hidden by default.
 */
const DIGEST_TAG = /^(sha256|sha384|sha512)-[0-9a-f]{32,128}(\.[a-z0-9]+)?$/i;

export function isDigestTag(tag: string): boolean {
  return DIGEST_TAG.test(tag);
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
