// The mocked shell's push sheet, transfers and manage commands: inspect_paths, prepare_push
// (hashing progress, an exact manifest), push / pull / copy (progress ~10/s, cancel, failures on
// cue; a pull over existing files kept for confirm_pull / discard_pull), add_tag,
// delete_preview / delete. Failures are chosen by name, so a test reads plainly:
//   repository "quota/…"        the first push fails (quota), a retry succeeds
//   repository "denied/…"       push and copy are refused
//   repository "unsupported/…"  the registry refuses the manifest's media type
//   a file named changing.log   the push fails naming that file
//   ?transfer=MS                how long a push, pull or copy runs (default 800 ms)
import type { Copied, CopyTarget, DeleteEntry, GraphData, GraphEdge, GraphNode, InspectedPaths, PlannedBlob, PullAnswer, Pulled, PushPreview, PushResult, PushSpec, TransferProgress, BlobProgress } from "../../src/ipc/bindings";
import { EMPTY_DIGEST, fakeDigest, kindOfArtifact, pathEntry, suggestArtifactType } from "./fixtures";

type Channel = { id: number };
type Internals = { __TAURI_INTERNALS__: { runCallback(id: number, data: unknown): void } };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const reject = (code: string, message: string) => Promise.reject({ code, message });

export type TransferMocks = {
  cancelled: Set<string>;
  graphs: Map<string, GraphData>;
  /** Manifest text of what was pushed, for the details panel's content call. */
  manifests: Map<string, string>;
  /** What was pushed, as graph nodes, for opening it by digest. */
  pushed: Map<string, { base: string; node: GraphNode; blobs: GraphNode[] }>;
  /** Tags and repositories that pushes, copies and add_tag created, per source. */
  extraTags: Map<string, string[]>;
  extraRepos: Map<string, string[]>;
  deleted: Set<string>;
  sourceKind: (id: string) => "local" | "registry" | "layout";
  sourceHost: (id: string) => string;
};

const params = new URLSearchParams(location.search);
const transferMs = Number(params.get("transfer") ?? "800");

function channelSender(channel: Channel) {
  let index = 0;
  return (message: TransferProgress) => (window as unknown as Internals).__TAURI_INTERNALS__.runCallback(channel.id, { index: index++, message });
}

type Plan = { spec: PushSpec; preview: PushPreview; attempts: number };
const plans = new Map<string, Plan>();
let planIds = 0;

/** Per-blob progress moving through `frac` of the whole (0..1), in order. */
function blobsAt(blobs: Array<{ name: string; digest: string | null; total: number; skip?: "skipped" | "mounted" }>, frac: number, doneState: BlobProgress["state"], failAt?: number): { list: BlobProgress[]; done: number; total: number } {
  const total = blobs.filter((b) => !b.skip).reduce((s, b) => s + b.total, 0);
  let budget = total * frac;
  let done = 0;
  const list = blobs.map((b, i): BlobProgress => {
    if (b.skip) return { name: b.name, digest: b.digest, total: b.total, done: b.total, state: b.skip, error: null };
    const take = Math.min(b.total, Math.max(0, budget));
    budget -= take;
    done += take;
    const failed = failAt === i;
    const state: BlobProgress["state"] = failed ? "failed" : take >= b.total ? doneState : take > 0 ? "running" : "waiting";
    return { name: b.name, digest: b.digest, total: b.total, done: Math.round(take), state, error: null };
  });
  return { list, done: Math.round(done), total };
}

/** Runs a transfer for `ms`, reporting every 100 ms; rejects "cancelled" when cancel(op) was called. */
async function run(
  op: string,
  mocks: TransferMocks,
  send: (p: TransferProgress) => void,
  blobs: Array<{ name: string; digest: string | null; total: number; skip?: "skipped" | "mounted" }>,
  doneState: BlobProgress["state"],
  fail?: { at: number; blob: number; code: string; message: string },
): Promise<void> {
  const ticks = Math.max(2, Math.round(transferMs / 100));
  const started = performance.now();
  for (let i = 1; i <= ticks; i++) {
    await sleep(100);
    const frac = i / ticks;
    const failing = fail && frac >= fail.at;
    const { list, done, total } = blobsAt(blobs, failing ? fail.at : frac, doneState, failing ? fail.blob : undefined);
    if (failing) {
      const b = list[fail.blob];
      if (b) b.error = fail.message;
    }
    const elapsed = (performance.now() - started) / 1000;
    const rate = elapsed > 0 ? done / elapsed : 0;
    send({ done, total, rate, etaSecs: rate > 0 ? (total - done) / rate : null, elapsedSecs: elapsed, blobs: list });
    if (mocks.cancelled.has(op)) return reject("cancelled", "cancelled");
    if (failing) return reject(fail.code, fail.message);
  }
}

export function inspectPaths(paths: string[]): InspectedPaths {
  const entries = paths.map(pathEntry);
  return { entries, artifactType: suggestArtifactType(entries) };
}

export async function preparePush(args: { spec: PushSpec; op: string; events: Channel }, mocks: TransferMocks): Promise<PushPreview> {
  const { spec, op } = args;
  const send = channelSender(args.events);
  const entries = spec.files.map((f) => pathEntry(f.path));
  const broken = entries.find((e) => e.error);
  if (broken?.error) return reject("invalid", broken.error);
  const total = entries.reduce((s, e) => s + e.size, 0);
  // Hashing: a few reports, slower for big files so the sheet's progress can be seen.
  const steps = total > 1_000_000_000 ? 12 : 4;
  for (let i = 1; i <= steps; i++) {
    await sleep(60);
    if (mocks.cancelled.has(op)) return reject("cancelled", "cancelled");
    const done = Math.round((total * i) / steps);
    send({ done, total, rate: total / 0.3, etaSecs: ((steps - i) * 60) / 1000, elapsedSecs: (i * 60) / 1000, blobs: entries.map((e) => ({ name: e.name, digest: null, total: e.size, done: Math.min(e.size, done), state: "running", error: null })) });
  }
  const registry = mocks.sourceKind(spec.source) === "registry";
  const blobs: PlannedBlob[] = [{ title: "", digest: EMPTY_DIGEST, size: 2, mediaType: "application/vnd.oci.empty.v1+json", action: "skip", from: null }];
  entries.forEach((e, i) => {
    const mediaType = spec.files[i]?.mediaType ?? e.mediaType ?? "application/octet-stream";
    const action = e.name === "README.md" ? "skip" : e.folder && registry ? "mount" : "upload";
    blobs.push({ title: e.name, digest: fakeDigest(`blob:${e.path}:${mediaType}`), size: e.size, mediaType, action, from: action === "mount" ? "demo/app" : null });
  });
  const artifactType = spec.artifactType ?? "application/vnd.unknown.artifact.v1";
  const subjectNode = spec.subject ? [...mocks.graphs.values()].flatMap((g) => g.nodes).find((n) => n.id === spec.subject) : undefined;
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: "application/vnd.oci.image.manifest.v1+json",
    artifactType,
    config: { mediaType: "application/vnd.oci.empty.v1+json", digest: EMPTY_DIGEST, size: 2, data: "e30=" },
    layers: blobs.slice(1).map((b) => ({ mediaType: b.mediaType, digest: b.digest, size: b.size, annotations: { "org.opencontainers.image.title": b.title } })),
    ...(spec.subject ? { subject: { mediaType: subjectNode?.mediaType ?? "application/vnd.oci.image.manifest.v1+json", digest: spec.subject, size: subjectNode?.size ?? 1403 } } : {}),
    annotations: { "org.opencontainers.image.created": "2024-06-01T12:00:00Z", ...spec.annotations },
  });
  const plan = `plan-${++planIds}`;
  const preview: PushPreview = { plan, manifest, digest: fakeDigest(manifest), artifactType, blobs };
  plans.set(plan, { spec, preview, attempts: 0 });
  return preview;
}

export function discardPush(plan: string) {
  plans.delete(plan);
}

export async function push(args: { plan: string; op: string; events: Channel }, mocks: TransferMocks): Promise<PushResult> {
  const p = plans.get(args.plan);
  if (!p) return reject("invalid", `no prepared push ${args.plan}: it was pushed or discarded; prepare it again`);
  p.attempts++;
  const { spec, preview } = p;
  const send = channelSender(args.events);
  const blobs = preview.blobs.map((b) => ({ name: b.title || "config", digest: b.digest, total: b.size, skip: b.action === "skip" ? ("skipped" as const) : b.action === "mount" ? ("mounted" as const) : undefined }));
  let fail: { at: number; blob: number; code: string; message: string } | undefined;
  const changing = blobs.findIndex((b) => b.name === "changing.log");
  if (spec.repository.startsWith("quota/") && p.attempts === 1) {
    fail = { at: 0.6, blob: blobs.length - 1, code: "quota", message: "denied: quota exceeded: the repository may hold 1 GiB and this push needs 1.2 GiB more" };
  } else if (spec.repository.startsWith("denied/")) {
    fail = { at: 0.1, blob: 1, code: "denied", message: `denied: requested access to the resource is denied (push to ${spec.repository})` };
  } else if (spec.repository.startsWith("unsupported/")) {
    fail = { at: 1, blob: 0, code: "unsupported", message: `MANIFEST_INVALID: manifest invalid: unsupported artifact type ${preview.artifactType}` };
  } else if (changing >= 0) {
    fail = { at: 0.5, blob: changing, code: "changed", message: `file /home/alice/drop/changing.log (it changed during the upload): its digest no longer matches the preview; prepare the push again` };
  }
  await run(args.op, mocks, send, blobs, "uploaded", fail);
  plans.delete(args.plan);
  const { kind, format } = kindOfArtifact(preview.artifactType);
  const host = mocks.sourceHost(spec.source);
  const target = mocks.sourceKind(spec.source) === "local" ? `oci:/home/alice/.local/share/stowage/${spec.repository}` : `${host}/${spec.repository}`;
  const annotations: Record<string, string> = { "org.opencontainers.image.created": "2024-06-01T12:00:00Z", ...spec.annotations };
  const node: GraphNode = { id: preview.digest, kind, format, mediaType: "application/vnd.oci.image.manifest.v1+json", artifactType: preview.artifactType, size: preview.manifest.length, annotations, platform: null, tags: spec.tags, error: null };
  const edge: GraphEdge | null = spec.subject ? { from: spec.subject, to: preview.digest, kind: "referrer", via: "api" } : null;
  mocks.manifests.set(preview.digest, preview.manifest);
  const blobNodes: GraphNode[] = preview.blobs.map((b) => ({ id: b.digest, kind: b.title ? "layer" : "config", format: null, mediaType: b.mediaType, artifactType: null, size: b.size, annotations: b.title ? { "org.opencontainers.image.title": b.title } : {}, platform: null, tags: [], error: null }));
  mocks.pushed.set(preview.digest, { base: target, node, blobs: blobNodes });
  const key = `${spec.source}/${spec.repository}`;
  mocks.extraTags.set(key, [...(mocks.extraTags.get(key) ?? []), ...spec.tags]);
  mocks.extraRepos.set(spec.source, [...new Set([...(mocks.extraRepos.get(spec.source) ?? []), spec.repository])]);
  const g = mocks.graphs.get(spec.repository);
  if (g && edge && g.nodes.some((n) => n.id === edge.from)) {
    g.nodes.push(node);
    g.edges.push(edge);
  }
  return { target, digest: preview.digest, artifactType: preview.artifactType, tags: spec.tags, referrersTagUpdated: spec.subject ? false : null, node, edge };
}

/** The layers a pull writes, for the demo graph and anything else. */
function pullBlobs(reference: string) {
  return [
    { name: "sbom.spdx.json", digest: fakeDigest(`pull:${reference}:1`), total: 48_213 },
    { name: "site.tar.gz", digest: fakeDigest(`pull:${reference}:2`), total: 3_400_000 },
    { name: "README.md", digest: fakeDigest(`pull:${reference}:3`), total: 2_412 },
  ];
}

type KeptPull = { args: { source: string; repository: string; reference: string }; destination: string; replaces: string[] };
const keptPulls = new Map<string, KeptPull>();
let pullIds = 0;

function pullDestination(args: { repository: string; reference: string }) {
  return `/home/alice/Downloads/${args.repository.split("/").pop()}-${args.reference.replace(/^sha256:/, "").slice(0, 12)}`;
}

const PULLED_FILES = ["sbom.spdx.json", "site/", "README.md"];

/**
 * The shell asks for the folder itself; a test can make the user cancel that dialog
 * (window.__mockPullCancel), or choose a folder where files are in the way
 * (window.__mockPullReplaces: their paths): then nothing is written and the plan is kept.
 */
export async function pull(args: { source: string; repository: string; reference: string; op: string; events: Channel }, mocks: TransferMocks): Promise<PullAnswer | null> {
  const w = window as unknown as { __mockPullCancel?: boolean; __mockPullReplaces?: string[] };
  if (w.__mockPullCancel) return null;
  const destination = pullDestination(args);
  const replaces = w.__mockPullReplaces ?? [];
  if (replaces.length) {
    await sleep(60);
    const plan = `pull-${++pullIds}`;
    keptPulls.set(plan, { args, destination, replaces });
    const digest = args.reference.startsWith("sha256:") ? args.reference : fakeDigest(`tag:${args.reference}`);
    return { kind: "confirm", plan, digest, destination, replaces, count: replaces.length, files: Math.max(PULLED_FILES.length, replaces.length) };
  }
  return { kind: "pulled", ...(await runPull(args, destination, [], mocks)) };
}

/** Runs a kept pull once; an unknown or used plan is refused, as the shell does. */
export async function confirmPull(args: { plan: string; op: string; events: Channel }, mocks: TransferMocks): Promise<Pulled> {
  const kept = keptPulls.get(args.plan);
  if (!kept) return reject("invalid", `the pull ${args.plan} is gone (already run or cancelled); pull again`);
  keptPulls.delete(args.plan);
  return runPull({ ...kept.args, op: args.op, events: args.events }, kept.destination, kept.replaces, mocks);
}

export function discardPull(plan: string) {
  keptPulls.delete(plan);
}

async function runPull(args: { reference: string; op: string; events: Channel }, destination: string, replaced: string[], mocks: TransferMocks): Promise<Pulled> {
  const blobs = pullBlobs(args.reference);
  await run(args.op, mocks, channelSender(args.events), blobs, "downloaded");
  const files = [...new Set([...PULLED_FILES, ...replaced])];
  return { digest: args.reference.startsWith("sha256:") ? args.reference : fakeDigest(`tag:${args.reference}`), destination, files, replaced, skipped: [] };
}

export async function copy(args: { source: string; repository: string; reference: string; target: CopyTarget; referrers: boolean; op: string; events: Channel }, mocks: TransferMocks): Promise<Copied> {
  const blobs = pullBlobs(args.reference).map((b) => ({ ...b, name: b.digest.slice(0, 19) }));
  if (args.referrers) blobs.push({ name: fakeDigest("copy-ref").slice(0, 19), digest: fakeDigest("copy-ref"), total: 712 });
  const fail = args.target.repository.startsWith("denied/")
    ? { at: 0.3, blob: 0, code: "denied", message: `denied: requested access to the resource is denied (${mocks.sourceHost(args.target.source)}/${args.target.repository})` }
    : undefined;
  await run(args.op, mocks, channelSender(args.events), blobs, "uploaded", fail);
  const key = `${args.target.source}/${args.target.repository}`;
  if (args.target.tag) mocks.extraTags.set(key, [...(mocks.extraTags.get(key) ?? []), args.target.tag]);
  const host = mocks.sourceKind(args.target.source) === "local" ? "oci:" : `${mocks.sourceHost(args.target.source)}/`;
  return {
    digest: args.reference.startsWith("sha256:") ? args.reference : fakeDigest(`tag:${args.reference}`),
    target: `${host}${args.target.repository}${args.target.tag ? `:${args.target.tag}` : ""}`,
    manifests: args.referrers ? 7 : 3,
    blobs: blobs.length,
  };
}

/** Deepest referrers first, the chosen manifest last (as the core plans it). */
export function deletePlan(args: { repository: string; digest: string; cascade: boolean }, mocks: TransferMocks): DeleteEntry[] {
  const g = mocks.graphs.get(args.repository);
  const entry = (id: string): DeleteEntry => {
    const n = g?.nodes.find((x) => x.id === id);
    return { digest: id, mediaType: n?.mediaType ?? "application/vnd.oci.image.manifest.v1+json", artifactType: n?.artifactType ?? null, size: n?.size ?? 0 };
  };
  const out: DeleteEntry[] = [];
  if (args.cascade && g) {
    const seen = new Set<string>();
    const visit = (id: string) => {
      for (const e of g.edges) {
        if (e.from !== id || e.kind !== "referrer" || seen.has(e.to) || mocks.deleted.has(e.to)) continue;
        seen.add(e.to);
        visit(e.to);
        out.push(entry(e.to));
      }
    };
    visit(args.digest);
  }
  out.push(entry(args.digest));
  return out;
}

export async function deleteManifests(args: { repository: string; digest: string; cascade: boolean; expected: string[] }, mocks: TransferMocks): Promise<string[]> {
  await sleep(120);
  const w = window as unknown as { __mockAttachBeforeDelete?: boolean };
  if (w.__mockAttachBeforeDelete) {
    // Someone attached a signature between the preview and the delete.
    w.__mockAttachBeforeDelete = false;
    const g = mocks.graphs.get(args.repository);
    const late = fakeDigest("late-signature");
    g?.nodes.push({ id: late, kind: "signature", format: "notation", mediaType: "application/vnd.oci.image.manifest.v1+json", artifactType: "application/vnd.cncf.notary.signature", size: 690, annotations: {}, platform: null, tags: [], error: null });
    g?.edges.push({ from: args.digest, to: late, kind: "referrer", via: "api" });
  }
  const planned = deletePlan(args, mocks).map((e) => e.digest);
  if (JSON.stringify(planned) !== JSON.stringify(args.expected)) {
    return reject("changed_since_preview", `what deleting ${args.digest} removes changed since the preview (${args.expected.length} manifests then, ${planned.length} now); look again before going on`);
  }
  for (const d of planned) mocks.deleted.add(d);
  return planned;
}
