// Installs Tauri's IPC mocks before the app starts (imported first by mock-entry.ts). What the
// mocks were asked is kept on window.__mock for the tests to check.
import { emit } from "@tauri-apps/api/event";
import { mockIPC, mockWindows } from "@tauri-apps/api/mocks";
import type { AddRegistry, AppError, GraphData, GraphEdge, GraphEvent, GraphNode, PushSpec, Source } from "../../src/ipc/bindings";
import { chartGraph, contentOf, demoGraph, DROP_DIR, fakeDigest, repositoriesOf, signaturesOf, SOURCES, summaryOf, tagsOf } from "./fixtures";
import * as sbom from "./mock-sbom";
import * as transfers from "./mock-transfers";
import { trustCommand, trustedIdentities } from "./mock-trust";

type Recorded = { calls: Array<{ cmd: string; args: unknown }>; exports: Array<{ format: string; name: string; length: number }>; summaryCalls: number };
/** An answer or, when it has a code, the rejection the shell would send. */
const answer = <T,>(v: T | { code: string; message: string } | null, missing: string): Promise<T | null> =>
  v && typeof v === "object" && "code" in v ? Promise.reject(v) : v === null && missing ? Promise.reject({ code: "not_found", message: missing }) : Promise.resolve(v as T | null);
const recorded: Recorded = { calls: [], exports: [], summaryCalls: 0 };
(window as unknown as { __mock: Recorded }).__mock = recorded;

const params = new URLSearchParams(location.search);
const stageDelay = Number(params.get("delay") ?? "120");
const sources: Source[] = SOURCES.map((s) => ({ ...s }));
const graphs = new Map<string, GraphData>();
const cancelled = new Set<string>();
const mocks: transfers.TransferMocks = {
  cancelled,
  graphs,
  manifests: new Map(),
  pushed: new Map(),
  extraTags: new Map(),
  extraRepos: new Map(),
  deleted: new Set(),
  sourceKind: (id) => (sources.find((s) => s.id === id)?.kind ?? "registry"),
  sourceHost: (id) => sources.find((s) => s.id === id)?.name ?? id,
};

/**
 * Emulates the OS dragging files over the webview, the way Tauri reports it: positions in
 * physical pixels (CSS pixels times devicePixelRatio). The tests call window.__mockDrag.
 */
async function mockDrag(type: "enter" | "over" | "drop" | "leave", cssX = 0, cssY = 0, paths: string[] = []) {
  const dpr = window.devicePixelRatio || 1;
  const position = { x: Math.round(cssX * dpr), y: Math.round(cssY * dpr) };
  const payload = type === "leave" ? null : type === "over" ? { position } : { paths, position };
  await emit(`tauri://drag-${type}`, payload);
}
(window as unknown as { __mockDrag: typeof mockDrag }).__mockDrag = mockDrag;

/** What the shell's file dialogs "pick": tests may set window.__mockPick / __mockPickFolders first. */
function picked(what: "files" | "folders"): string[] | null {
  const w = window as unknown as { __mockPick?: string[] | null; __mockPickFolders?: string[] | null };
  if (what === "folders") return w.__mockPickFolders === undefined ? [`${DROP_DIR}/site`] : w.__mockPickFolders;
  return w.__mockPick === undefined ? [`${DROP_DIR}/sbom.spdx.json`] : w.__mockPick;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const reject = (code: AppError["code"], message: string) => Promise.reject({ code, message });

type Channel = { id: number };
function send(channel: Channel, index: number, message: GraphEvent) {
  (window as unknown as { __TAURI_INTERNALS__: { runCallback(id: number, data: unknown): void } }).__TAURI_INTERNALS__.runCallback(channel.id, { index, message });
}

/** A wide generated graph: one index with `n` images, each with a config and two layers. */
function hugeGraph(n: number): GraphData {
  const root = fakeDigest("huge-index");
  const nodes: GraphNode[] = [{ id: root, kind: "index", format: null, mediaType: "application/vnd.oci.image.index.v1+json", artifactType: null, size: 100 * n, annotations: {}, platform: null, tags: ["big"], error: null }];
  const edges: GraphEdge[] = [];
  for (let i = 0; nodes.length < n; i++) {
    const m = fakeDigest(`huge-m${i}`);
    nodes.push({ id: m, kind: "image", format: null, mediaType: "application/vnd.oci.image.manifest.v1+json", artifactType: null, size: 900, annotations: {}, platform: `linux/arch${i}`, tags: [], error: null });
    edges.push({ from: root, to: m, kind: "child", via: "index" });
    for (const part of ["c", "l0", "l1"]) {
      const b = fakeDigest(`huge-${part}${i}`);
      nodes.push({ id: b, kind: part === "c" ? "config" : "layer", format: null, mediaType: "application/octet-stream", artifactType: null, size: 1000, annotations: {}, platform: null, tags: [], error: null });
      edges.push({ from: m, to: b, kind: part === "c" ? "config" : "layer", via: "manifest" });
    }
  }
  return { root, base: "localhost:5000/huge/app", reference: "localhost:5000/huge/app:big", truncated: true, nodes, edges, warnings: [] };
}

async function loadGraph(args: { repository: string; reference: string; op: string; events: Channel }): Promise<GraphData> {
  if (args.repository === "charts/demo") {
    const data = chartGraph();
    graphs.set(args.repository, data);
    send(args.events, 0, { type: "nodes", nodes: data.nodes, edges: data.edges });
    await sleep(stageDelay);
    return data;
  }
  if (args.repository === "huge/app") {
    const data = hugeGraph(Number(params.get("nodes") ?? "4000"));
    graphs.set(args.repository, data);
    send(args.events, 0, { type: "nodes", nodes: data.nodes, edges: data.edges });
    await sleep(stageDelay);
    return data;
  }
  const pushed = mocks.pushed.get(args.reference);
  if (pushed && !args.repository.startsWith("demo/")) {
    // A manifest pushed from the app, opened by its digest ("Show in graph").
    const data: GraphData = { root: pushed.node.id, base: pushed.base, reference: `${pushed.base}@${pushed.node.id}`, truncated: false, nodes: [pushed.node, ...pushed.blobs], edges: pushed.blobs.map((b) => ({ from: pushed.node.id, to: b.id, kind: b.kind === "config" ? "config" : "layer", via: "manifest" })), warnings: [] };
    graphs.set(args.repository, data);
    send(args.events, 0, { type: "nodes", nodes: data.nodes, edges: data.edges });
    await sleep(stageDelay);
    return data;
  }
  if (args.repository === "broken/app") {
    await sleep(stageDelay);
    return reject("not_found", `manifest unknown: ${args.reference} is not in ${args.repository}`);
  }
  const demo = demoGraph(args.reference);
  const { stages, warnings } = demo;
  // What was attached from the app and not deleted since is part of the graph on a reload.
  const before = graphs.get(args.repository);
  const attached = before ? { nodes: before.nodes.filter((n) => mocks.manifests.has(n.id)), edges: before.edges.filter((e) => mocks.manifests.has(e.to)) } : { nodes: [], edges: [] };
  const keep = (id: string) => !mocks.deleted.has(id);
  const data: GraphData = {
    ...demo.data,
    nodes: [...demo.data.nodes, ...attached.nodes].filter((n) => keep(n.id)),
    edges: [...demo.data.edges, ...attached.edges].filter((e) => keep(e.from) && keep(e.to)),
  };
  // Blobs of a deleted manifest are no longer walked to: keep what the root still reaches.
  const reach = new Set<string>([data.root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const e of data.edges) if (reach.has(e.from) && !reach.has(e.to)) grew = !!reach.add(e.to);
  }
  const reached = (id: string) => reach.has(id);
  data.nodes = data.nodes.filter((n) => reached(n.id));
  graphs.set(args.repository, data);
  if (attached.nodes.length) stages.push(attached);
  for (const st of stages) {
    st.nodes = st.nodes.filter((n) => keep(n.id) && reached(n.id));
    st.edges = st.edges.filter((e) => keep(e.from) && keep(e.to));
  }
  let index = 0;
  for (const stage of stages) {
    await sleep(stageDelay);
    if (cancelled.has(args.op)) return reject("cancelled", "cancelled");
    send(args.events, index++, { type: "nodes", nodes: stage.nodes, edges: stage.edges });
    if (index === 2) for (const w of warnings) send(args.events, index++, { type: "warning", message: w });
  }
  // One node arrives again with more fields filled: the UI must replace it.
  const again = data.nodes.find((n) => n.kind === "sbom");
  if (again) send(args.events, index, { type: "nodes", nodes: [{ ...again, annotations: { ...again.annotations, "org.opencontainers.image.title": "sbom.spdx.json" } }], edges: [] });
  const final = { ...data, nodes: data.nodes.map((n) => (n.kind === "sbom" ? { ...n, annotations: { ...n.annotations, "org.opencontainers.image.title": "sbom.spdx.json" } } : n)) };
  await sleep(stageDelay / 2);
  return final;
}

function addRegistry(request: AddRegistry): Promise<Source> | Source {
  if (request.secret === "wrong") return reject("unauthorized", "401 Unauthorized");
  if (request.host.startsWith("nohost")) return reject("unreachable", "dns error: failed to lookup address information");
  if (request.host.startsWith("selfsigned")) return reject("tls", "invalid peer certificate: UnknownIssuer");
  if (request.secret === "nokeyring") return reject("no_keyring", "no secret service available");
  const source: Source = { id: request.host, kind: "registry", name: request.host, origin: "added", signedIn: !!request.username, username: request.username, credentialFrom: request.username ? "OS keyring" : null, insecure: request.insecure, customCa: !!request.caFile };
  const i = sources.findIndex((s) => s.id === source.id);
  if (i >= 0) sources[i] = source;
  else sources.push(source);
  return sleep(300).then(() => source);
}

/** The core's parse, for the references the screens type: Docker Hub's short names get `library/`. */
function openReference(typed: string) {
  const text = typed.trim();
  if (!text || /[\s!]/.test(text)) return reject("invalid_reference", `invalid reference ${JSON.stringify(text)}: a repository name is lowercase letters, digits and separators`);
  const [name = "", digest] = text.split("@");
  const slash = name.indexOf("/");
  const first = slash >= 0 ? name.slice(0, slash) : "";
  const explicit = first.includes(".") || first.includes(":") || first === "localhost";
  const host = explicit ? first : "docker.io";
  let rest = explicit ? name.slice(slash + 1) : name;
  const colon = rest.lastIndexOf(":");
  const tag = digest ? null : colon > 0 ? rest.slice(colon + 1) : "latest";
  if (colon > 0) rest = rest.slice(0, colon);
  const repository = host === "docker.io" && !rest.includes("/") ? `library/${rest}` : rest;
  const source: Source = sources.find((s) => s.id === host) ?? { id: host, kind: "registry", name: host, origin: "opened", signedIn: false, username: null, credentialFrom: null, insecure: false, customCa: false };
  const reference = digest ?? tag ?? "latest";
  return { source, repository, reference, name: `${host}/${repository}${digest ? `@${digest}` : `:${reference}`}` };
}

/** An Alpine-based image's files over its layers in the mock graph: what each layer added. */
function imageFilesOf(manifest: string, data: GraphData) {
  const layers = data.edges.filter((e) => e.from === manifest && e.kind === "layer").map((e) => data.nodes.find((n) => n.id === e.to)).filter((n) => n !== undefined);
  if (!layers.length) return reject("invalid", `${manifest} has no layers`);
  const last = layers.length - 1;
  const f = (path: string, kind: string, size: number, layer: number, extra: Record<string, unknown> = {}) => ({ path, kind, size, mode: kind === "dir" ? 0o755 : 0o644, uid: 0, gid: 0, mtime: 1718905552, link: null, layer, changes: [{ layer, kind: "added" }], ...extra });
  const entries = [
    f("bin", "dir", 0, 0),
    f("bin/busybox", "file", 919304, 0, { mode: 0o755 }),
    f("bin/sh", "symlink", 0, 0, { link: "/bin/busybox", mode: 0o777 }),
    f("etc", "dir", 0, 0),
    f("etc/passwd", "file", 84, Math.min(1, last), { changes: [{ layer: 0, kind: "added" }, ...(last > 0 ? [{ layer: 1, kind: "changed" }] : [])] }),
    f("etc/ssl/certs/ca-certificates.crt", "file", 213775, Math.min(1, last)),
    f("srv", "dir", 0, last),
    f("srv/app", "dir", 0, last, { uid: 10001, gid: 10001 }),
    f("srv/app/server", "file", 5832704, last, { mode: 0o755, uid: 10001, gid: 10001 }),
    f("srv/app/config.json", "file", 412, last, { uid: 10001, gid: 10001 }),
  ].sort((a, b) => a.path.localeCompare(b.path));
  return {
    manifest,
    layers: layers.map((n, i) => ({ digest: n.id, size: n.size, uncompressedSize: n.size * 3, compression: "gzip", entries: entries.filter((e) => e.layer === i).length, refused: [] })),
    entries,
    deleted: last > 0 ? [{ path: "var/cache/apk/APKINDEX.tar.gz", layer: 1 }] : [],
  };
}

/** A config as a Dockerfile build writes one, over the image's own layers in the mock graph. */
function imageConfigOf(manifest: string, data: GraphData) {
  const layers = data.edges.filter((e) => e.from === manifest && e.kind === "layer").map((e) => data.nodes.find((n) => n.id === e.to)).filter((n) => n !== undefined);
  if (!layers.length) return reject("invalid", `${manifest} is an artifact, not an image: it has no image config`);
  const made = ["ADD alpine-minirootfs-3.20.0-x86_64.tar.gz / # buildkit", "RUN /bin/sh -c apk add --no-cache ca-certificates tzdata && adduser -D -u 10001 app # buildkit", "COPY --chown=app:app ./dist /srv/app # buildkit"];
  const between = ['CMD ["/bin/sh"]', "ENV PORT=8080 NODE_ENV=production", "USER app"];
  // A step per layer, with the steps that make none in between, as a Dockerfile build records them.
  const steps = layers.flatMap((_, i) => [
    { createdBy: made[i % made.length], emptyLayer: false },
    ...(i < between.length ? [{ createdBy: between[i], emptyLayer: true }] : []),
  ]);
  steps.push({ createdBy: 'ENTRYPOINT ["/srv/app/server"]', emptyLayer: true });
  let next = 0;
  const matches = steps.filter((st) => !st.emptyLayer).length === layers.length;
  return {
    manifest,
    platforms: [],
    platform: "linux/amd64",
    configDigest: fakeDigest(`config:${manifest}`),
    created: "2024-06-20T17:45:52Z",
    author: null,
    user: "app",
    entrypoint: ["/srv/app/server"],
    cmd: ["--listen", ":8080"],
    env: [{ key: "PATH", value: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" }, { key: "PORT", value: "8080" }, { key: "NODE_ENV", value: "production" }],
    workingDir: "/srv/app",
    exposedPorts: ["8080/tcp"],
    volumes: ["/var/lib/app"],
    labels: [{ key: "org.opencontainers.image.source", value: "https://github.com/example/app" }, { key: "org.opencontainers.image.version", value: "1.0.0" }],
    stopSignal: null,
    layers: layers.map((n) => ({ digest: n.id, mediaType: n.mediaType, size: n.size, compression: "gzip", diffId: null, title: null })),
    steps: steps.map((st) => ({ created: "2024-06-20T17:45:52Z", createdBy: st.createdBy, comment: "buildkit.dockerfile.v0", emptyLayer: st.emptyLayer, layer: matches && !st.emptyLayer ? next++ : null })),
    historyMatchesLayers: matches,
    compressedSize: layers.reduce((a, n) => a + n.size, 0),
  };
}

mockWindows("main");
mockIPC(async (cmd, payload) => {
  const args = (payload ?? {}) as Record<string, unknown>;
  recorded.calls.push({ cmd, args: "events" in args ? { ...args, events: "channel" } : args });
  switch (cmd) {
    case "sources":
      return sources;
    case "add_registry":
      return addRegistry(args.request as AddRegistry);
    case "pick_layout":
    case "open_layout": {
      await sleep(30);
      const path = args.archive ? "/home/alice/Downloads/app-1.0.tar" : String(args.path ?? "/home/alice/src/site/oci-layout-out");
      const source: Source = { id: `layout:${path}`, kind: "layout", name: path.split("/").pop() ?? path, origin: "opened", signedIn: false, username: null, credentialFrom: path, insecure: false, customCa: false };
      if (!sources.some((x) => x.id === source.id)) sources.push(source);
      return source;
    }
    case "close_layout": {
      const i = sources.findIndex((x) => x.id === args.source);
      if (i >= 0) sources.splice(i, 1);
      return i >= 0;
    }
    case "open_reference":
      return openReference(String(args.text));
    case "sign_out": {
      const s = sources.find((x) => x.id === args.source);
      if (!s) return reject("not_found", "no such source");
      s.signedIn = false;
      s.username = null;
      return s;
    }
    case "remove_registry": {
      const i = sources.findIndex((x) => x.id === args.source);
      if (i >= 0) sources.splice(i, 1);
      return null;
    }
    case "repositories": {
      await sleep(40);
      if (String(args.source).startsWith("layout:")) {
        const name = String(args.source).split("/").pop() ?? "layout";
        return { repositories: [name], recent: [], catalog: "listed", message: null };
      }
      const listed = repositoriesOf(String(args.source));
      const extra = mocks.extraRepos.get(String(args.source)) ?? [];
      return listed.catalog === "listed" ? { ...listed, repositories: [...new Set([...extra, ...listed.repositories])] } : listed;
    }
    case "tags": {
      await sleep(40);
      const extra = mocks.extraTags.get(`${args.source}/${args.repository}`) ?? [];
      // A repository that only a push from the app created holds only what was pushed.
      const created = (mocks.extraRepos.get(String(args.source)) ?? []).includes(String(args.repository)) && !repositoriesOf(String(args.source)).repositories.includes(String(args.repository));
      return [...new Set([...(created ? [] : tagsOf(String(args.repository))), ...extra])];
    }
    case "tag_summaries":
      recorded.summaryCalls++;
      await sleep(60);
      return (args.tags as string[]).map(summaryOf);
    case "load_graph":
      return loadGraph(args as unknown as Parameters<typeof loadGraph>[0]);
    case "cancel":
      cancelled.add(String(args.op));
      return true;
    case "inspect_paths":
      await sleep(80);
      return transfers.inspectPaths(args.paths as string[]);
    case "prepare_push":
      return transfers.preparePush(args as unknown as { spec: PushSpec; op: string; events: { id: number } }, mocks);
    case "discard_push":
      transfers.discardPush(String(args.plan));
      return null;
    case "push":
      return transfers.push(args as unknown as Parameters<typeof transfers.push>[0], mocks);
    case "pull":
      return transfers.pull(args as unknown as Parameters<typeof transfers.pull>[0], mocks);
    case "confirm_pull":
      return transfers.confirmPull(args as unknown as Parameters<typeof transfers.confirmPull>[0], mocks);
    case "discard_pull":
      transfers.discardPull(String(args.plan));
      return null;
    case "copy":
      return transfers.copy(args as unknown as Parameters<typeof transfers.copy>[0], mocks);
    case "add_tag": {
      await sleep(80);
      const key = `${args.source}/${args.repository}`;
      mocks.extraTags.set(key, [...(mocks.extraTags.get(key) ?? []), String(args.tag)]);
      return null;
    }
    case "delete_preview":
      await sleep(80);
      return transfers.deletePlan(args as unknown as Parameters<typeof transfers.deletePlan>[0], mocks);
    case "delete":
      return transfers.deleteManifests(args as unknown as Parameters<typeof transfers.deleteManifests>[0], mocks);
    case "image_files": {
      await sleep(60);
      const data = graphs.get(String(args.repository));
      if (!data) return reject("not_found", "no graph");
      return imageFilesOf(String(args.reference), data);
    }
    case "layer_file": {
      await sleep(40);
      const path = String(args.path);
      if (path === "bin/busybox") return { text: null, hex: "00000000  7f 45 4c 46 02 01 01 00 00 00 00 00 00 00 00 00  |.ELF............|\n00000010  03 00 3e 00 01 00 00 00 c0 5b 01 00 00 00 00 00  |..>......[......|\n", size: 919304, truncated: true };
      return { text: path.endsWith("passwd") ? "root:x:0:0:root:/root:/bin/sh\napp:x:10001:10001::/home/app:/sbin/nologin\n" : `contents of ${path}\n`, hex: null, size: 84, truncated: false };
    }
    case "save_layer_file":
      return `/home/me/Downloads/${String(args.path).split("/").pop()}`;
    case "helm_chart":
      await sleep(30);
      return {
        name: "demo",
        version: "0.4.0",
        appVersion: "2.1",
        description: "A demo web service with a Redis cache",
        kind: "application",
        home: "https://example.com/demo",
        maintainers: ["Ada <ada@example.com>"],
        dependencies: [{ name: "redis", version: "17.x", repository: "oci://registry-1.docker.io/bitnamicharts", condition: "redis.enabled" }],
        chartYaml: "apiVersion: v2\nname: demo\nversion: 0.4.0\nappVersion: \"2.1\"\n",
        valuesYaml: "replicaCount: 2\nimage:\n  repository: ghcr.io/example/demo\n  tag: \"2.1\"\nredis:\n  enabled: true\n",
        readme: null,
        templates: ["deployment.yaml", "service.yaml", "ingress.yaml", "_helpers.tpl", "NOTES.txt"],
        subcharts: [],
      };
    case "image_config": {
      await sleep(30);
      const data = graphs.get(String(args.repository));
      if (!data) return reject("not_found", "no graph");
      return imageConfigOf(String(args.reference), data);
    }
    case "content": {
      await sleep(30);
      const pushed = mocks.manifests.get(String(args.digest));
      if (pushed) return { mediaType: String(args.mediaType), size: pushed.length, text: pushed, truncated: false };
      const data = graphs.get(String(args.repository));
      if (!data) return reject("not_found", "no graph");
      return contentOf(String(args.digest), data);
    }
    case "export_graph": {
      // As the shell does: the name is a stem, the format's extension is added to it.
      const name = `${String(args.name)}.${String(args.format)}`;
      recorded.exports.push({ format: String(args.format), name, length: String(args.data).length });
      return `/home/user/Pictures/${name}`;
    }
    case "signature_details": {
      await sleep(20);
      const data = graphs.get(String(args.repository));
      if (!data) return reject("not_found", "no graph");
      return signaturesOf(String(args.subject), data, trustedIdentities());
    }
    case "sbom_documents":
      await sleep(20);
      return answer(sbom.sbomDocuments(String(args.repository), String(args.reference)), "");
    case "sbom_rows":
      return answer(sbom.sbomRows(String(args.handle)), "the app no longer holds that SBOM; open it again");
    case "sbom_package":
      return answer(sbom.sbomPackage(String(args.handle), Number(args.index)), "no such package");
    case "open_sbom_file":
      return answer(sbom.openSbomFile(), "");
    case "open_sbom_path":
      return answer(sbom.openSbomPath(String(args.path)), "");
    case "save_sbom":
      return `/home/user/Documents/${String(args.name)}`;
    case "export_sbom_csv": {
      const rows = args.rows as number[] | null;
      recorded.exports.push({ format: "csv", name: String(args.name), length: rows ? rows.length : -1 });
      return `/home/user/Documents/${String(args.name)}`;
    }
    case "pick_files":
      return picked("files");
    case "pick_folders":
      return picked("folders");
    case "pick_ca_file":
      return "/etc/ssl/certs/registry-ca.pem";
    default:
      return trustCommand(cmd, args) ?? reject("internal", `no mock for ${cmd}`);
  }
}, { shouldMockEvents: true });
