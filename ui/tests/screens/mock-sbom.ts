// SBOMs for the screen tests: the demo image's SBOMs (an SPDX document from syft on linux/amd64,
// a CycloneDX one from buildx's attestation, and one on linux/arm64 that fails to read), another
// tag's for comparing, and a local file. Packages are generated, deterministic, and as many as
// `?packages=` says (3,000 by default). Rows reach the page the way the shell sends them: as
// JSON text the webview parses, so the measured time includes that parse.
import type { AppError, DependencyNode, SbomDocuments, SbomPackage, SbomPackageDetails, SbomRows, SbomSummary } from "../../src/ipc/bindings";
import { ecosystemOf } from "../../src/sbom/packages";
import { fakeDigest } from "./fixtures";

const params = new URLSearchParams(location.search);
const PACKAGES = Number(params.get("packages") ?? "3000");

type Generated = { purls: Array<string | null>; names: Array<string | null>; versions: Array<string | null>; licenses: Array<string | null>; suppliers: Array<string | null> };

const WORDS = ["core", "util", "json", "http", "xml", "crypto", "yaml", "log", "test", "stream", "async", "path", "glob", "zip", "tls", "dns", "regex", "ssh", "curl", "uuid"];
const LICENSES: Array<[string | null, number]> = [
  ["MIT", 30],
  ["Apache-2.0", 18],
  [null, 14],
  ["GPL-2.0-only", 9],
  ["BSD-3-Clause", 8],
  ["ISC", 5],
  ["LGPL-2.1-or-later", 4],
  ["MPL-2.0", 3],
  ["MIT, Apache-2.0", 3],
  ["GPL-3.0-or-later", 2],
  ["BSD-2-Clause", 2],
  ["Zlib", 1],
  ["OpenSSL", 1],
];
const ECOSYSTEMS: Array<[string | null, number]> = [
  ["deb", 40],
  ["npm", 25],
  ["pypi", 14],
  ["golang", 10],
  ["maven", 5],
  [null, 6],
];

function pick<T>(table: Array<[T, number]>, r: number): T {
  const total = table.reduce((s, [, w]) => s + w, 0);
  let x = r % total;
  for (const [v, w] of table) {
    if (x < w) return v;
    x -= w;
  }
  return table[0]![0];
}

/** A small deterministic hash, so package i is the same in every run. */
function h(i: number, salt: number): number {
  let x = (i + 1) * 2654435761 + salt * 40503;
  x = Math.imul(x ^ (x >>> 15), 2246822507) >>> 0;
  x = Math.imul(x ^ (x >>> 13), 3266489909) >>> 0;
  return (x ^ (x >>> 16)) >>> 0;
}

/** Known packages first (tests look for them), then generated ones. `variant` bumps versions. */
function generate(n: number, variant: number): Generated {
  const g: Generated = { purls: [], names: [], versions: [], licenses: [], suppliers: [] };
  const known: Array<[string, string, string | null, string | null, string | null]> = [
    ["openssl", variant ? "3.0.13-1" : "3.0.11-1", "deb", "OpenSSL", "Organization: Debian"],
    ["zlib1g", "1:1.2.13.dfsg-1", "deb", "Zlib", "Organization: Debian"],
    ["lodash", "4.17.21", "npm", "MIT", null],
    ["left-pad", "1.3.0", "npm", variant ? "MIT" : "WTFPL", null],
    ["requests", "2.31.0", "pypi", "Apache-2.0", null],
    ["golang.org/x/net", "v0.17.0", "golang", null, null],
    ["busybox", "1.36.1", null, "GPL-2.0-only", null],
  ];
  for (const [name, version, eco, licence, supplier] of known) {
    if (variant && name === "requests") continue; // removed in the other tag
    g.names.push(name);
    g.versions.push(version);
    g.purls.push(eco ? `pkg:${eco}/${eco === "deb" ? "debian/" : ""}${name}@${version}` : null);
    g.licenses.push(licence);
    g.suppliers.push(supplier);
  }
  if (variant) {
    g.names.push("urllib3");
    g.versions.push("2.0.7");
    g.purls.push("pkg:pypi/urllib3@2.0.7");
    g.licenses.push("MIT");
    g.suppliers.push(null);
  }
  for (let i = g.names.length; i < n; i++) {
    const eco = pick(ECOSYSTEMS, h(i, 1));
    const w1 = WORDS[h(i, 2) % WORDS.length]!;
    const w2 = WORDS[h(i, 3) % WORDS.length]!;
    const name = eco === "npm" ? `@${w1}/${w2}-${i}` : eco === "deb" ? `lib${w1}${w2}${i}` : eco === "golang" ? `github.com/${w1}/${w2}${i}` : `${w1}-${w2}-${i}`;
    // A version the other tag moved on for one package in fifty.
    const bump = variant && h(i, 9) % 50 === 0 ? 1 : 0;
    const version = h(i, 4) % 23 === 0 ? null : `${h(i, 5) % 12}.${(h(i, 6) % 30) + bump}.${h(i, 7) % 10}`;
    g.names.push(name);
    g.versions.push(version);
    g.purls.push(eco ? `pkg:${eco}/${eco === "deb" ? "debian/" : ""}${encodeURIComponent(name)}${version ? `@${version}` : ""}` : null);
    g.licenses.push(pick(LICENSES, h(i, 8)));
    g.suppliers.push(eco === "deb" ? "Organization: Debian" : h(i, 10) % 3 === 0 ? `Organization: ${w1[0]!.toUpperCase()}${w1.slice(1)} Project` : null);
  }
  return g;
}

/** The columns the shell sends for a generated document (as dto/sbom.rs builds SbomRows). */
function rowsOf(g: Generated): SbomRows {
  const strings: string[] = [];
  const index = new Map<string, number>();
  const intern = (s: string | null) => {
    if (s === null) return -1;
    let i = index.get(s);
    if (i === undefined) {
      i = strings.length;
      strings.push(s);
      index.set(s, i);
    }
    return i;
  };
  return {
    names: g.names,
    versions: g.versions,
    licenses: g.licenses.map(intern),
    ecosystems: g.purls.map((p) => intern(ecosystemOf(p))),
    suppliers: g.suppliers.map(intern),
    purls: g.purls.map((p) => (p ? 1 : 0)),
    strings,
  };
}

type Doc = { summary: SbomSummary; generated: Generated };
const docs = new Map<string, Doc>();
/**
 * The JSON the shell would send for each handle, made once: building and serialising rows is the
 * shell's work (measured in Rust), so the page's timings include only parsing it.
 */
const rowsJson = new Map<string, string>();

function header(g: Generated, format: "spdx" | "cyclonedx", tool: string, created: string | null) {
  return {
    format,
    formatName: format === "spdx" ? "SPDX" : "CycloneDX",
    specVersion: format === "spdx" ? "2.3" : "1.5",
    encoding: "JSON",
    name: format === "spdx" ? "demo/app" : null,
    namespace: format === "spdx" ? "https://anchore.com/syft/image/demo-app-5b1c" : "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79",
    created,
    tools: [tool],
    authors: [],
    packages: g.names.length,
    withLicense: g.licenses.filter((l) => l !== null).length,
    withPurl: g.purls.filter((p) => p !== null).length,
    files: format === "spdx" ? g.names.length * 7 : 0,
    dependencies: g.names.length,
  };
}

function doc(handle: string, summary: Omit<SbomSummary, "handle" | "document">, g: Generated | null, format: "spdx" | "cyclonedx", tool: string, created: string | null): SbomSummary {
  const full: SbomSummary = { ...summary, handle: g ? handle : null, document: g ? header(g, format, tool, created) : null };
  if (g) docs.set(handle, { summary: full, generated: g });
  return full;
}

/** What sbom_documents finds from a reference of the demo repository. */
export function sbomDocuments(repository: string, reference: string): SbomDocuments | { code: string; message: string } {
  if (!repository.startsWith("demo/")) return { root: fakeDigest(`tag:${reference}`), sboms: [], warnings: [] };
  const variant = reference === "edge" ? 1 : 0;
  const amd = fakeDigest("amd64");
  const arm = fakeDigest("arm64");
  const index = fakeDigest("index");
  const n = PACKAGES;
  const v = `${variant}`;
  const all: SbomSummary[] = [
    doc(`spdx-amd64-${v}`, { manifest: fakeDigest("sbom"), layer: fakeDigest("sbom-layer"), mediaType: "application/spdx+json", subject: amd, platform: "linux/amd64", via: "api", path: null, wrappers: [], error: null }, generate(n, variant), "spdx", "Tool: syft-1.4.1", "2024-05-02T10:15:00Z"),
    doc(`cdx-amd64-${v}`, { manifest: fakeDigest("buildx-att"), layer: fakeDigest("buildx-att-sbom"), mediaType: "application/vnd.in-toto+json", subject: amd, platform: "linux/amd64", via: "buildx", path: null, wrappers: ["in-toto"], error: null }, generate(Math.round(n * 0.96), variant + 2), "cyclonedx", "buildkit-syft-scanner 1.2.0", null),
    doc(`arm64-${v}`, { manifest: fakeDigest("arm64-sbom"), layer: fakeDigest("arm64-sbom-layer"), mediaType: "application/spdx+json", subject: arm, platform: "linux/arm64/v8", via: "api", path: null, wrappers: [], error: { code: "unreadable_sbom", message: `${fakeDigest("arm64-sbom-layer")}: SPDX JSON: packages[12].versionInfo (line 1, column 5120): expected a string` } }, null, "spdx", "", null),
  ];
  const sboms = reference === amd ? all.slice(0, 2) : reference === arm ? all.slice(2) : all;
  return { root: reference.startsWith("sha256:") ? reference : index, sboms, warnings: [] };
}

/** What sbom_rows sends: JSON text, parsed here as the webview parses the shell's answer. */
export function sbomRows(handle: string): SbomRows | null {
  const d = docs.get(handle);
  if (!d) return null;
  let json = rowsJson.get(handle);
  if (json === undefined) {
    json = JSON.stringify(rowsOf(d.generated));
    rowsJson.set(handle, json);
  }
  return JSON.parse(json) as SbomRows;
}

function depNode(g: Generated, i: number, depth: number): DependencyNode {
  const children = depth > 0 ? [i + 1, i + 2].filter((c) => c < g.names.length).map((c) => depNode(g, c, depth - 1)) : [];
  const more = depth > 0 ? 0 : [i + 1, i + 2].filter((c) => c < g.names.length).length;
  return { index: i, id: `SPDXRef-Package-${i}`, name: g.names[i] ?? null, version: g.versions[i] ?? null, relationship: "DEPENDS_ON", children, more };
}

/** What sbom_package answers for one row. */
export function sbomPackage(handle: string, index: number): SbomPackageDetails | null {
  const d = docs.get(handle);
  const g = d?.generated;
  if (!g || index < 0 || index >= g.names.length) return null;
  const purl = g.purls[index] ?? null;
  const licence = g.licenses[index] ?? null;
  const pkg: SbomPackage = {
    index,
    id: `SPDXRef-Package-${index}`,
    name: g.names[index] ?? null,
    version: g.versions[index] ?? null,
    purl,
    ecosystem: ecosystemOf(purl),
    cpes: g.names[index] === "openssl" ? ["cpe:2.3:a:openssl:openssl:3.0.11:*:*:*:*:*:*:*"] : [],
    kind: "library",
    licenses: licence ? licence.split(", ") : [],
    declaredLicense: licence,
    concludedLicense: null,
    supplier: g.suppliers[index] ?? null,
    originator: null,
    hashes: index % 4 === 3 ? [] : [{ algorithm: "SHA256", value: fakeDigest(`pkg-${index}`).slice(7) }],
    downloadLocation: null,
    homepage: g.names[index] === "openssl" ? "https://www.openssl.org/" : null,
    externalRefs: purl ? [{ kind: "PACKAGE-MANAGER purl", locator: purl }] : [],
    copyright: null,
    description: null,
    files: 0,
    subject: false,
  };
  const dependents = index > 0 ? [{ ...depNode(g, index - 1, 0), more: 0, children: [] }] : [];
  const dependsOn = [index + 1, index + 2].filter((c) => c < g.names.length).map((c) => depNode(g, c, 1));
  return { package: pkg, dependsOn, dependents, moreDependsOn: 0, moreDependents: 0 };
}

/** A dropped file read as an SBOM: a ".txt" is not one (the reader's error in the summary, as the shell answers). */
export function openSbomPath(path: string): SbomDocuments {
  const error: AppError | null = path.endsWith(".txt") ? { code: "unreadable_sbom", message: `${path}: not an SBOM: no SPDX or CycloneDX key in the first 4 KiB` } : null;
  const summary = doc(`drop-${path}`, { manifest: null, layer: null, mediaType: "application/vnd.cyclonedx+json", subject: null, platform: null, via: null, path, wrappers: [], error }, error ? null : generate(250, 0), "cyclonedx", "cyclonedx-npm 1.19.3", "2024-06-11T08:00:00Z");
  return { root: "", sboms: [summary], warnings: [] };
}

/** A local file the shell's dialog "picks": tests may set window.__mockSbomFile (null: cancelled). */
export function openSbomFile(): SbomDocuments | null | { code: string; message: string } {
  const w = window as unknown as { __mockSbomFile?: string | null };
  const path = w.__mockSbomFile === undefined ? "/home/alice/drop/bom.cdx.json" : w.__mockSbomFile;
  if (path === null) return null;
  if (path.endsWith(".txt")) return { code: "sbom", message: `${path}: not an SBOM: no SPDX or CycloneDX key in the first 4 KiB` };
  const summary = doc(`file-${path}`, { manifest: null, layer: null, mediaType: "application/vnd.cyclonedx+json", subject: null, platform: null, via: null, path, wrappers: [], error: null }, generate(250, 0), "cyclonedx", "cyclonedx-npm 1.19.3", "2024-06-11T08:00:00Z");
  return { root: "", sboms: [summary], warnings: [] };
}
