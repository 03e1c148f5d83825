import { describe, expect, test } from "vitest";
import type { GraphEdge, GraphNode, SbomRows, SbomSummary } from "../../src/ipc/bindings";
import { GraphModel } from "../../src/graph/model";
import { compareSboms } from "../../src/sbom/compare";
import { ecosystemOf, filterPackages, naturalCompare, NO_FILTER, NOT_STATED, PackageTable, sortPackages, tally } from "../../src/sbom/packages";
import { packageHits, sbomTarget } from "../../src/sbom/targets";

type Pkg = { name: string | null; version?: string | null; license?: string | null; purl?: string | null; supplier?: string | null };

/** Columns as the shell sends them (dto/sbom.rs), from package objects. */
function table(packages: Pkg[]): PackageTable {
  const strings: string[] = [];
  const intern = (s: string | null | undefined) => {
    if (s == null) return NOT_STATED;
    const i = strings.indexOf(s);
    if (i >= 0) return i;
    strings.push(s);
    return strings.length - 1;
  };
  const rows: SbomRows = {
    names: packages.map((p) => p.name),
    versions: packages.map((p) => p.version ?? null),
    licenses: packages.map((p) => intern(p.license)),
    ecosystems: packages.map((p) => intern(ecosystemOf(p.purl))),
    suppliers: packages.map((p) => intern(p.supplier)),
    purls: packages.map((p) => (p.purl ? 1 : 0)),
    strings,
  };
  return new PackageTable(rows);
}

const PACKAGES: Pkg[] = [
  { name: "openssl", version: "3.0.11", license: "Apache-2.0", purl: "pkg:deb/debian/openssl@3.0.11", supplier: "Organization: Debian" },
  { name: "lodash", version: "4.17.21", license: "MIT", purl: "pkg:npm/lodash@4.17.21" },
  { name: "@babel/core", version: "7.10.0", license: "MIT", purl: "pkg:npm/%40babel/core@7.10.0" },
  { name: "busybox", version: null, license: null, purl: null },
  { name: "requests", version: "2.9.0", license: "Apache-2.0", purl: "pkg:pypi/requests@2.9.0" },
];

describe("ecosystem from purl", () => {
  test("is the purl's type, as the core reads it", () => {
    expect(ecosystemOf("pkg:npm/%40babel/core@7.0.0")).toBe("npm");
    expect(ecosystemOf("pkg:deb/debian/libc6@2.36?arch=amd64")).toBe("deb");
    expect(ecosystemOf("pkg://golang/github.com/a/b@v1")).toBe("golang");
    expect(ecosystemOf("not-a-purl")).toBeNull();
    expect(ecosystemOf("pkg:/x")).toBeNull();
    expect(ecosystemOf("pkg:npm")).toBeNull();
    expect(ecosystemOf(null)).toBeNull();
  });
});

describe("filtering", () => {
  const t = table(PACKAGES);
  test("by text: name or version, any case", () => {
    expect([...filterPackages(t, { ...NO_FILTER, text: "OPENssl" })]).toEqual([0]);
    expect([...filterPackages(t, { ...NO_FILTER, text: "4.17" })]).toEqual([1]);
    expect([...filterPackages(t, { ...NO_FILTER, text: "  " })]).toEqual([0, 1, 2, 3, 4]);
  });
  test("by licence and ecosystem, not stated included, combined with text", () => {
    const mit = t.indexOf("MIT");
    const npm = t.indexOf("npm");
    expect([...filterPackages(t, { ...NO_FILTER, license: mit })]).toEqual([1, 2]);
    expect([...filterPackages(t, { ...NO_FILTER, license: NOT_STATED })]).toEqual([3]);
    expect([...filterPackages(t, { ...NO_FILTER, ecosystem: NOT_STATED })]).toEqual([3]);
    expect([...filterPackages(t, { text: "babel", license: mit, ecosystem: npm })]).toEqual([2]);
    expect([...filterPackages(t, { text: "lodash", license: t.indexOf("Apache-2.0"), ecosystem: null })]).toEqual([]);
  });
});

describe("sorting", () => {
  const t = table(PACKAGES);
  const all = filterPackages(t, NO_FILTER);
  const names = (rows: Uint32Array) => [...rows].map((i) => t.name(i));
  test("versions the way people read them", () => {
    expect(naturalCompare("1.10.0", "1.9.0")).toBeGreaterThan(0);
    expect(naturalCompare("v0.17.0", "v0.9.1")).toBeGreaterThan(0);
    expect(naturalCompare("1.02", "1.2")).toBe(0 - 0);
    expect(naturalCompare("Lodash", "lodash")).toBe(0);
    expect(naturalCompare("a", "ab")).toBeLessThan(0);
  });
  test("by name both ways, by version with what is not stated last either way", () => {
    expect(names(sortPackages(t, all, "name", "asc"))).toEqual(["@babel/core", "busybox", "lodash", "openssl", "requests"]);
    expect(names(sortPackages(t, all, "name", "desc"))).toEqual(["requests", "openssl", "lodash", "busybox", "@babel/core"]);
    expect(names(sortPackages(t, all, "version", "asc"))).toEqual(["requests", "openssl", "lodash", "@babel/core", "busybox"]);
    expect(names(sortPackages(t, all, "version", "desc"))).toEqual(["@babel/core", "lodash", "openssl", "requests", "busybox"]);
  });
  test("by licence keeps ties in document order, and sorts only the rows given", () => {
    expect(names(sortPackages(t, all, "license", "asc"))).toEqual(["openssl", "requests", "lodash", "@babel/core", "busybox"]);
    const npm = filterPackages(t, { ...NO_FILTER, ecosystem: t.indexOf("npm") });
    expect(names(sortPackages(t, npm, "name", "asc"))).toEqual(["@babel/core", "lodash"]);
  });
});

describe("tallies", () => {
  test("packages per licence, most first, not stated counted as its own", () => {
    const t = table(PACKAGES);
    expect(tally(t, "license").map((x) => [x.label, x.count])).toEqual([
      ["Apache-2.0", 2],
      ["MIT", 2],
      [null, 1],
    ]);
    expect(tally(t, "ecosystem").map((x) => [x.label, x.count])).toEqual([
      ["npm", 2],
      ["deb", 1],
      ["pypi", 1],
      [null, 1],
    ]);
  });
});

describe("comparing two SBOMs", () => {
  test("added, removed, version and licence changes, with counts", () => {
    const before = table(PACKAGES);
    const after = table([
      { name: "openssl", version: "3.0.13", license: "Apache-2.0", purl: "pkg:deb/debian/openssl@3.0.13" },
      { name: "lodash", version: "4.17.21", license: "MIT OR CC0-1.0", purl: "pkg:npm/lodash@4.17.21" },
      { name: "@babel/core", version: "7.10.0", license: "MIT", purl: "pkg:npm/%40babel/core@7.10.0" },
      { name: "busybox", version: null, license: null, purl: null },
      { name: "urllib3", version: "2.0.7", license: "MIT", purl: "pkg:pypi/urllib3@2.0.7" },
      { name: null, version: "1" },
    ]);
    const c = compareSboms(before, after);
    expect(c.counts).toEqual({ added: 1, removed: 1, version: 1, license: 1 });
    expect(c.unchanged).toBe(2);
    expect(c.changes.map((x) => [x.kind, x.name, x.before, x.after])).toEqual([
      ["added", "urllib3", "", "2.0.7"],
      ["removed", "requests", "2.9.0", ""],
      ["version", "openssl", "3.0.11", "3.0.13"],
      ["license", "lodash", "MIT", "MIT OR CC0-1.0"],
    ]);
  });
  test("a package is one per ecosystem and name: the same name elsewhere is another package, several versions compare as a set", () => {
    const a = table([{ name: "yaml", version: "1", purl: "pkg:npm/yaml@1" }, { name: "yaml", version: "2", purl: "pkg:npm/yaml@2" }]);
    const b = table([{ name: "yaml", version: "2", purl: "pkg:npm/yaml@2" }, { name: "yaml", version: "6.0", purl: "pkg:pypi/yaml@6.0" }, { name: "YAML", version: "1", purl: "pkg:npm/YAML@1" }]);
    const c = compareSboms(a, b);
    // npm's yaml at 1 and 2 on both sides (names match whatever their case); pypi's is another package.
    expect(c.counts).toEqual({ added: 1, removed: 0, version: 0, license: 0 });
    expect(c.changes[0]).toMatchObject({ kind: "added", name: "yaml", ecosystem: "pypi", after: "6.0" });
    expect(c.unchanged).toBe(1);
    const moved = compareSboms(a, table([{ name: "yaml", version: "2", purl: "pkg:npm/yaml@2" }]));
    expect(moved.changes).toMatchObject([{ kind: "version", before: "1, 2", after: "2" }]);
  });
  test("the same SBOM has no change", () => {
    const t = table(PACKAGES);
    expect(compareSboms(t, t)).toEqual({ changes: [], counts: { added: 0, removed: 0, version: 0, license: 0 }, unchanged: 5 });
  });
});

describe("graph links", () => {
  const d = (c: string) => `sha256:${c.repeat(64)}`;
  const node = (id: string, kind: GraphNode["kind"], extra: Partial<GraphNode> = {}): GraphNode => ({ id, kind, format: null, mediaType: "m", artifactType: null, size: 1, annotations: {}, platform: null, tags: [], error: null, ...extra });
  const e = (from: string, to: string, kind: GraphEdge["kind"]): GraphEdge => ({ from, to, kind, via: kind === "referrer" ? "api" : "index" });
  function model() {
    const m = new GraphModel({ tag: "v1" });
    m.applyEvent({
      type: "nodes",
      nodes: [node(d("1"), "index"), node(d("2"), "image"), node(d("3"), "image"), node(d("4"), "sbom"), node(d("5"), "attestation", { format: "in-toto" }), node(d("6"), "signature")],
      edges: [e(d("1"), d("2"), "child"), e(d("1"), d("3"), "child"), e(d("2"), d("4"), "referrer"), e(d("3"), d("5"), "referrer"), e(d("1"), d("6"), "referrer")],
    });
    return m;
  }
  test("an SBOM is found from its subject and picked; an image or index from itself", () => {
    const m = model();
    expect(sbomTarget(m, d("4"))).toEqual({ selector: d("2"), pick: d("4"), subject: d("2") });
    expect(sbomTarget(m, d("5"))).toEqual({ selector: d("3"), pick: d("5"), subject: d("3") });
    expect(sbomTarget(m, d("1"))).toEqual({ selector: d("1"), pick: null, subject: d("1") });
    expect(sbomTarget(m, d("2"))).toEqual({ selector: d("2"), pick: null, subject: d("2") });
    expect(sbomTarget(m, d("6"))).toBeNull();
    expect(sbomTarget(m, d("9"))).toBeNull();
  });
  test("a package search lights up the SBOM and its subject, once per name and version", () => {
    const sbom: SbomSummary = { handle: "h", manifest: d("4"), layer: null, mediaType: "application/spdx+json", subject: d("2"), platform: "linux/amd64", via: "api", path: null, wrappers: [], document: null, error: null };
    const t = table([...PACKAGES, { name: "lodash", version: "4.17.21" }, { name: "lodash.merge", version: "4.6.2" }]);
    const hits = packageHits([{ sbom, table: t }], "LODASH");
    expect(hits.map((h) => [h.name, h.version])).toEqual([
      ["lodash", "4.17.21"],
      ["lodash.merge", "4.6.2"],
    ]);
    expect(hits[0]?.nodes).toEqual([d("4"), d("2")]);
    expect(packageHits([{ sbom, table: t }], "l")).toEqual([]);
  });
});
