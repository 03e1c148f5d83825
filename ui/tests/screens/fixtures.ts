// Mock data for the screen tests: three sources, a denied catalog, 10,000 tags, and the graph of
// a multi-arch image with a cosign signature, an SPDX SBOM, a signature of the SBOM (a referrer
// of a referrer), a buildx attestation and one referrer that fails to load.
import type { GraphData, GraphEdge, GraphNode, PathEntry, Repositories, SignatureDetails, Source, TagSummary, TrustedIdentity } from "../../src/ipc/bindings";

/** A stable fake sha256 digest for a name. */
export function fakeDigest(name: string): string {
  let out = "";
  let h = 2166136261;
  for (let round = 0; out.length < 64; round++) {
    for (const ch of `${name}#${round}`) {
      h ^= ch.charCodeAt(0);
      h = Math.imul(h, 16777619) >>> 0;
    }
    out += h.toString(16).padStart(8, "0");
  }
  return `sha256:${out.slice(0, 64)}`;
}

export const SOURCES: Source[] = [
  { id: "local", kind: "local", name: "Local store", origin: "local", signedIn: false, username: null, credentialFrom: "/home/alice/.local/share/stowage/local", insecure: false, customCa: false },
  { id: "localhost:5000", kind: "registry", name: "localhost:5000", origin: "docker-config", signedIn: true, username: "alice", credentialFrom: "Docker config", insecure: true, customCa: false },
  { id: "ghcr.io", kind: "registry", name: "ghcr.io", origin: "added", signedIn: false, username: null, credentialFrom: null, insecure: false, customCa: false },
];

export function repositoriesOf(source: string): Repositories {
  if (source === "ghcr.io") {
    return {
      repositories: [],
      recent: ["acme/tool", "acme/web"],
      catalog: "denied",
      message: "ghcr.io does not let anonymous users list repositories.",
    };
  }
  if (source === "local") return { repositories: [], recent: [], catalog: "listed", message: null };
  const repos = ["demo/app", "big/app"];
  for (let i = 0; i < 240; i++) repos.push(`team-${String(i % 12).padStart(2, "0")}/service-${i}`);
  return { repositories: repos, recent: ["demo/app"], catalog: "listed", message: null };
}

export function tagsOf(repository: string): string[] {
  if (repository === "big/app") {
    const tags: string[] = [];
    for (let i = 0; i < 10_000; i++) tags.push(`1.${Math.floor(i / 100)}.${i % 100}`);
    // 400 cosign and fallback tags, hidden by default.
    for (let i = 0; i < 400; i++) {
      const hex = fakeDigest(`t${i}`).slice(7);
      tags.push(i % 4 === 0 ? `sha256-${hex}` : `sha256-${hex}.${["sig", "att", "sbom"][i % 3]}`);
    }
    return tags;
  }
  return ["v1", "v1.0.0", "latest", "edge", `sha256-${fakeDigest("index").slice(7)}.sig`];
}

export function summaryOf(tag: string): TagSummary {
  const n = [...tag].reduce((s, c) => s + c.charCodeAt(0), 0);
  return { tag, digest: fakeDigest(`tag:${tag}`), signed: n % 2 === 0, sbom: n % 3 === 0, attestation: n % 5 === 0, error: null };
}

const MT = {
  index: "application/vnd.oci.image.index.v1+json",
  manifest: "application/vnd.oci.image.manifest.v1+json",
  config: "application/vnd.oci.image.config.v1+json",
  layer: "application/vnd.oci.image.layer.v1.tar+gzip",
  empty: "application/vnd.oci.empty.v1+json",
};
export const EMPTY_DIGEST = "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";

function node(id: string, kind: GraphNode["kind"], mediaType: string, size: number, extra: Partial<GraphNode> = {}): GraphNode {
  return { id, kind, format: null, mediaType, artifactType: null, size, annotations: {}, platform: null, tags: [], error: null, ...extra };
}

/** A Helm chart as `helm push` lays it out: the chart's config and its content layer. */
export function chartGraph(): GraphData {
  const root = fakeDigest("chart");
  const config = fakeDigest("chart-config");
  const layer = fakeDigest("chart-layer");
  return {
    root,
    base: "localhost:5000/charts/demo",
    reference: "localhost:5000/charts/demo:0.4.0",
    truncated: false,
    nodes: [
      node(root, "helm-chart", MT.manifest, 690, { tags: ["0.4.0"], annotations: { "org.opencontainers.image.title": "demo", "org.opencontainers.image.version": "0.4.0" } }),
      node(config, "config", "application/vnd.cncf.helm.config.v1+json", 212),
      node(layer, "layer", "application/vnd.cncf.helm.chart.content.v1.tar+gzip", 3911),
    ],
    edges: [
      { from: root, to: config, kind: "config", via: "manifest" },
      { from: root, to: layer, kind: "layer", via: "manifest" },
    ],
    warnings: [],
  };
}

/** The demo graph, in the order a walk would report it (three "nodes" events). */
export function demoGraph(reference: string): { stages: Array<{ nodes: GraphNode[]; edges: GraphEdge[] }>; warnings: string[]; data: GraphData } {
  const d = (s: string) => fakeDigest(s);
  const index = d("index");
  const amd = d("amd64");
  const arm = d("arm64");
  const sig = d("cosign-sig");
  const sbom = d("sbom");
  const sbomSig = d("sbom-sig");
  const att = d("buildx-att");
  const broken = d("broken");
  const stage1 = {
    nodes: [
      node(index, "index", MT.index, 1609, { tags: ["v1", "v1.0.0", "latest"], annotations: { "org.opencontainers.image.created": "2024-05-02T10:11:12Z", "org.opencontainers.image.source": "https://github.com/acme/app" } }),
      node(amd, "image", MT.manifest, 1403, { platform: "linux/amd64" }),
      node(arm, "image", MT.manifest, 1866, { platform: "linux/arm64/v8" }),
      node(att, "attestation", MT.manifest, 839, { format: "in-toto", annotations: { "vnd.docker.reference.type": "attestation-manifest", "vnd.docker.reference.digest": amd } }),
    ],
    edges: [
      { from: index, to: amd, kind: "child", via: "index" },
      { from: index, to: arm, kind: "child", via: "index" },
      { from: amd, to: att, kind: "referrer", via: "buildx" },
    ] as GraphEdge[],
  };
  const stage2Nodes: GraphNode[] = [node(d("amd64-config"), "config", MT.config, 2871), node(d("arm64-config"), "config", MT.config, 2904)];
  const stage2Edges: GraphEdge[] = [
    { from: amd, to: d("amd64-config"), kind: "config", via: "manifest" },
    { from: arm, to: d("arm64-config"), kind: "config", via: "manifest" },
  ];
  for (let i = 0; i < 2; i++) {
    stage2Nodes.push(node(d(`amd64-layer-${i}`), "layer", MT.layer, 3_400_000 + i * 123_457));
    stage2Edges.push({ from: amd, to: d(`amd64-layer-${i}`), kind: "layer", via: "manifest" });
  }
  for (let i = 0; i < 5; i++) {
    stage2Nodes.push(node(d(`arm64-layer-${i}`), "layer", MT.layer, 2_100_000 + i * 98_765));
    stage2Edges.push({ from: arm, to: d(`arm64-layer-${i}`), kind: "layer", via: "manifest" });
  }
  const stage3 = {
    nodes: [
      node(sig, "signature", MT.manifest, 556, {
        format: "cosign",
        tags: [`sha256-${index.slice(7)}.sig`],
      }),
      node(d("cosign-sig-layer"), "layer", "application/vnd.dev.cosign.simplesigning.v1+json", 243, {
        annotations: { "dev.cosignproject.cosign/signature": "MEUCIQDx1o2…", "dev.sigstore.cosign/bundle": '{"SignedEntryTimestamp":"MEQ…"}' },
      }),
      node(sbom, "sbom", MT.manifest, 712, {
        format: "spdx",
        artifactType: "application/spdx+json",
        annotations: { "org.opencontainers.image.created": "2024-05-02T10:15:00Z", "dev.stowage.note": "<script>alert(1)</script>" },
      }),
      node(d("sbom-layer"), "layer", "application/spdx+json", 48_213),
      node(EMPTY_DIGEST, "config", MT.empty, 2),
      node(sbomSig, "signature", MT.manifest, 690, { format: "notation", artifactType: "application/vnd.cncf.notary.signature" }),
      node(broken, "artifact", MT.manifest, 0, { error: "manifest unknown: the registry answered 404 for this referrer" }),
    ],
    edges: [
      { from: index, to: sig, kind: "referrer", via: "cosign-tag" },
      { from: sig, to: EMPTY_DIGEST, kind: "config", via: "manifest" },
      { from: sig, to: d("cosign-sig-layer"), kind: "layer", via: "manifest" },
      { from: amd, to: sbom, kind: "referrer", via: "api" },
      { from: sbom, to: EMPTY_DIGEST, kind: "config", via: "manifest" },
      { from: sbom, to: d("sbom-layer"), kind: "layer", via: "manifest" },
      { from: sbom, to: sbomSig, kind: "referrer", via: "api" },
      { from: index, to: broken, kind: "referrer", via: "tag-schema" },
    ] as GraphEdge[],
  };
  const stages = [stage1, { nodes: stage2Nodes, edges: stage2Edges }, stage3];
  const warnings = ["Referrers of sha256:" + arm.slice(7, 19) + " could not be listed: 503 Service Unavailable (retried 3 times)"];
  const data: GraphData = {
    root: index,
    base: "localhost:5000/demo/app",
    reference: `localhost:5000/demo/app:${reference}`,
    truncated: false,
    nodes: stages.flatMap((s) => s.nodes),
    edges: stages.flatMap((s) => s.edges),
    warnings,
  };
  return { stages, warnings, data };
}

/**
 * What the shell says of the signatures attached to `subject` in the demo graph: the cosign one is
 * keyless (its certificate names a release workflow), the notation one needs a trust store.
 */
export function signaturesOf(subject: string, data: GraphData, trusted: TrustedIdentity[] = []): SignatureDetails[] {
  const workflow = "https://github.com/demo/app/.github/workflows/release.yml@refs/tags/v1.4.2";
  const issuer = "https://token.actions.githubusercontent.com";
  const signerTrusted = trusted.some((t) => t.identity === workflow && t.issuer === issuer);
  const attached = data.edges.filter((e) => e.from === subject && e.kind === "referrer").map((e) => data.nodes.find((n) => n.id === e.to));
  return attached
    .filter((n): n is GraphNode => !!n && n.kind === "signature")
    .map((n) =>
      n.format === "notation"
        ? {
            manifest: n.id,
            kind: "notation",
            status: "notChecked",
            reason: "notation signatures are checked against a trust store and a trust policy, and none is given",
            verifiedBy: null,
            subject,
            platform: null,
            predicateType: null,
            provenance: null,
            vulnerabilities: null,
            signer: {
              identities: [],
              oidcIssuer: null,
              claims: [],
              notBefore: "2024-05-02T10:15:00Z",
              notAfter: "2025-05-02T10:15:00Z",
            },
          }
        : {
            manifest: n.id,
            kind: "cosign",
            status: signerTrusted ? "verified" : "notChecked",
            reason: signerTrusted
              ? null
              : `the certificate checks out against Sigstore public good (chain, SCT, log entry, signing time) and names ${workflow} (issuer ${issuer}), but no identity is trusted`,
            verifiedBy: signerTrusted ? `${workflow} (issuer ${issuer}), through Sigstore public good` : null,
            subject,
            platform: null,
            predicateType: null,
            provenance: null,
            vulnerabilities: null,
            signer: {
              identities: [workflow],
              oidcIssuer: issuer,
              claims: [
                ["Build signer URI", "https://github.com/demo/app/.github/workflows/release.yml@refs/tags/v1.4.2"],
                ["Runner environment", "github-hosted"],
                ["Source repository URI", "https://github.com/demo/app"],
                ["Source repository digest", "9b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c"],
                ["Source repository ref", "refs/tags/v1.4.2"],
                ["Build trigger", "push"],
              ],
              notBefore: "2024-05-02T10:14:03Z",
              notAfter: "2024-05-02T10:24:03Z",
            },
          },
    );
}

/** The raw bytes a registry would serve for a node of the demo graph. */
export function contentOf(digest: string, data: GraphData): { mediaType: string; size: number; text: string | null; truncated: boolean } {
  const n = data.nodes.find((x) => x.id === digest);
  if (!n) return { mediaType: "application/octet-stream", size: 0, text: null, truncated: false };
  if (n.kind === "layer") return { mediaType: n.mediaType, size: n.size, text: null, truncated: false };
  if (n.kind === "config") {
    const text = n.mediaType === MT.empty ? "{}" : JSON.stringify({ architecture: "amd64", os: "linux", config: { Env: ["PATH=/usr/local/sbin:/usr/local/bin"], Cmd: ["/app"] }, rootfs: { type: "layers", diff_ids: [fakeDigest("diff")] } });
    return { mediaType: n.mediaType, size: text.length, text, truncated: false };
  }
  const children = data.edges.filter((e) => e.from === digest && e.kind !== "referrer");
  const desc = (id: string) => {
    const c = data.nodes.find((x) => x.id === id);
    return { mediaType: c?.mediaType, digest: id, size: c?.size, ...(c?.platform ? { platform: { architecture: c.platform.split("/")[1], os: "linux" } } : {}) };
  };
  const manifest =
    n.kind === "index"
      ? { schemaVersion: 2, mediaType: n.mediaType, manifests: children.map((e) => desc(e.to)), annotations: n.annotations }
      : {
          schemaVersion: 2,
          mediaType: n.mediaType,
          ...(n.artifactType ? { artifactType: n.artifactType } : {}),
          config: desc(children.find((e) => e.kind === "config")?.to ?? EMPTY_DIGEST),
          layers: children.filter((e) => e.kind === "layer").map((e) => desc(e.to)),
          ...(Object.keys(n.annotations).length ? { annotations: n.annotations } : {}),
        };
  // As served: compact, the way most registries store what clients pushed.
  const text = JSON.stringify(manifest);
  return { mediaType: n.mediaType, size: text.length, text, truncated: false };
}

/** Where the screen tests' dropped files live. */
export const DROP_DIR = "/home/alice/drop";

type Entry = { name: string; folder?: boolean; size: number; files?: number; mediaType: string | null; error?: string; layout?: boolean };
const DROPPABLE: Record<string, Entry> = {
  "sbom.spdx.json": { name: "sbom.spdx.json", size: 48_213, mediaType: "application/spdx+json" },
  "bom.cdx.json": { name: "bom.cdx.json", size: 91_377, mediaType: "application/vnd.cyclonedx+json" },
  "README.md": { name: "README.md", size: 2_412, mediaType: "text/markdown" },
  "report.pdf": { name: "report.pdf", size: 1_284_991, mediaType: "application/pdf" },
  "site": { name: "site", folder: true, size: 1_843_200, files: 37, mediaType: "application/vnd.oci.image.layer.v1.tar+gzip" },
  "big.iso": { name: "big.iso", size: 4_500_000_000, mediaType: "application/octet-stream" },
  "changing.log": { name: "changing.log", size: 77_310, mediaType: "text/plain" },
  "secret.key": { name: "secret.key", size: 0, mediaType: null, error: `${DROP_DIR}/secret.key cannot be read: permission denied (os error 13)` },
  "empty.txt": { name: "empty.txt", size: 0, mediaType: null, error: `${DROP_DIR}/empty.txt is empty: there is nothing to push` },
  "loop": { name: "loop", folder: true, size: 0, mediaType: null, error: `${DROP_DIR}/loop holds a symlink loop (loop/self -> ..); it cannot be packed` },
  "app-layout": { name: "app-layout", folder: true, size: 5_200_000, files: 9, mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", layout: true },
};

/** What inspect_paths says about a path of the screen tests. */
export function pathEntry(path: string): PathEntry {
  const base = path.split("/").pop() ?? path;
  const e = DROPPABLE[base] ?? { name: base, size: 1000 + base.length * 97, mediaType: "application/octet-stream" };
  return {
    path,
    name: e.name,
    folder: !!e.folder,
    size: e.size,
    files: e.files ?? (e.folder ? 0 : 1),
    mediaType: e.error ? null : e.mediaType,
    error: e.error ?? null,
    layout: !!e.layout,
  };
}

/** The artifact type the core would suggest for these entries (one recognised kind, or none). */
export function suggestArtifactType(entries: PathEntry[]): string | null {
  const kinds = new Set<string>();
  for (const e of entries) {
    if (e.error || !e.mediaType) continue;
    if (["application/spdx+json", "application/vnd.cyclonedx+json", "application/vnd.in-toto+json"].includes(e.mediaType)) kinds.add(e.mediaType);
  }
  return kinds.size === 1 ? [...kinds][0] ?? null : null;
}

/** The node kind the graph gives a pushed manifest of this artifact type. */
export function kindOfArtifact(artifactType: string): { kind: GraphNode["kind"]; format: string | null } {
  if (artifactType.includes("spdx")) return { kind: "sbom", format: "spdx" };
  if (artifactType.includes("cyclonedx")) return { kind: "sbom", format: "cyclonedx" };
  if (artifactType.includes("in-toto")) return { kind: "attestation", format: "in-toto" };
  if (/signature|sigstore|dsse|notary/.test(artifactType)) return { kind: "signature", format: null };
  return { kind: "artifact", format: null };
}
