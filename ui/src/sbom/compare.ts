// Comparing two SBOMs: which packages one adds, removes, or lists at another version or under
// another licence. Packages are matched by ecosystem and name, since the ids documents give
// (SPDXRef-…, bom-refs) differ between tools and even between two runs of one tool.
import { naturalCompare, type PackageTable } from "./packages";

export type ChangeKind = "added" | "removed" | "version" | "license";

export type PackageChange = {
  kind: ChangeKind;
  name: string;
  ecosystem: string | null;
  /** Versions (or licences, for a licence change) before and after, "" where none is stated. */
  before: string;
  after: string;
  /** The package's row in the SBOM it is listed in (after, except for "removed"). */
  row: number;
};

export type Comparison = {
  changes: PackageChange[];
  counts: Record<ChangeKind, number>;
  unchanged: number;
};

type Listed = { name: string; ecosystem: string | null; versions: Set<string>; licenses: Set<string>; row: number };

/** One entry per ecosystem and name; a package listed at several versions keeps them all. */
function index(table: PackageTable): Map<string, Listed> {
  const out = new Map<string, Listed>();
  for (let i = 0; i < table.length; i++) {
    const name = table.name(i);
    // A package without a name cannot be matched with anything: it is not compared.
    if (name === null) continue;
    const ecosystem = table.ecosystem(i);
    const key = `${ecosystem ?? ""}\u0000${name.toLowerCase()}`;
    let entry = out.get(key);
    if (!entry) {
      entry = { name, ecosystem, versions: new Set(), licenses: new Set(), row: i };
      out.set(key, entry);
    }
    entry.versions.add(table.version(i) ?? "");
    entry.licenses.add(table.license(i) ?? "");
  }
  return out;
}

const joined = (s: Set<string>) => [...s].sort().join(", ");
const same = (a: Set<string>, b: Set<string>) => a.size === b.size && [...a].every((x) => b.has(x));

/** What changed from `before` to `after`, sorted by kind then name. */
export function compareSboms(before: PackageTable, after: PackageTable): Comparison {
  const a = index(before);
  const b = index(after);
  const changes: PackageChange[] = [];
  let unchanged = 0;
  for (const [key, x] of b) {
    const y = a.get(key);
    if (!y) {
      changes.push({ kind: "added", name: x.name, ecosystem: x.ecosystem, before: "", after: joined(x.versions), row: x.row });
      continue;
    }
    let changed = false;
    if (!same(x.versions, y.versions)) {
      changes.push({ kind: "version", name: x.name, ecosystem: x.ecosystem, before: joined(y.versions), after: joined(x.versions), row: x.row });
      changed = true;
    }
    if (!same(x.licenses, y.licenses)) {
      changes.push({ kind: "license", name: x.name, ecosystem: x.ecosystem, before: joined(y.licenses), after: joined(x.licenses), row: x.row });
      changed = true;
    }
    if (!changed) unchanged++;
  }
  for (const [key, y] of a) {
    if (!b.has(key)) changes.push({ kind: "removed", name: y.name, ecosystem: y.ecosystem, before: joined(y.versions), after: "", row: y.row });
  }
  const order: Record<ChangeKind, number> = { added: 0, removed: 1, version: 2, license: 3 };
  changes.sort((p, q) => order[p.kind] - order[q.kind] || naturalCompare(p.name, q.name));
  const counts: Record<ChangeKind, number> = { added: 0, removed: 0, version: 0, license: 0 };
  for (const c of changes) counts[c.kind]++;
  return { changes, counts, unchanged };
}
