// Generated from src-tauri/src/dto.rs by `STOWAGE_WRITE_BINDINGS=1 cargo test -p stowage-app bindings`. Do not edit.

export type SourceKind = "local" | "registry";

export type SourceOrigin = "local" | "docker-config" | "added";

export type Source = { id: string, kind: SourceKind, name: string, origin: SourceOrigin, signedIn: boolean, username: string | null, 
/**
 * Where the credential was found ("keyring", "docker config.json", a helper's name).
 */
credentialFrom: string | null, insecure: boolean, customCa: boolean, };

export type AddRegistry = { host: string, username: string | null, secret: string | null, insecure: boolean, 
/**
 * As `pick_ca_file` returned it: a path the user did not choose there is refused.
 */
caFile: string | null, };

export type CatalogState = "listed" | "denied" | "unsupported";

export type Repositories = { repositories: Array<string>, 
/**
 * Repositories opened lately on this source, most recent first.
 */
recent: Array<string>, catalog: CatalogState, 
/**
 * Why the catalog is not listed, in the registry's words.
 */
message: string | null, };

export type TagSummary = { tag: string, digest: string | null, signed: boolean, sbom: boolean, attestation: boolean, error: string | null, };

export type NodeKind = "index" | "image" | "signature" | "sbom" | "attestation" | "helm-chart" | "wasm" | "artifact" | "config" | "layer";

export type GraphNode = { 
/**
 * The node's digest.
 */
id: string, kind: NodeKind, format: string | null, mediaType: string, artifactType: string | null, 
/**
 * Bytes; a JS number is exact up to 8 PiB.
 */
size: number, annotations: { [key in string]?: string }, 
/**
 * `os/architecture[/variant]`.
 */
platform: string | null, tags: Array<string>, error: string | null, };

export type EdgeKind = "child" | "config" | "layer" | "referrer";

export type Via = "index" | "manifest" | "api" | "tag-schema" | "cosign-tag" | "buildx" | "subject";

export type GraphEdge = { from: string, to: string, kind: EdgeKind, via: Via, };

export type GraphData = { root: string, 
/**
 * How the CLI names the repository: `host/repo` or `oci:/path/to/layout`.
 */
base: string, 
/**
 * What the user opened, e.g. `localhost:5000/app:v1`.
 */
reference: string, truncated: boolean, nodes: Array<GraphNode>, edges: Array<GraphEdge>, warnings: Array<string>, };

export type GraphEvent = { "type": "nodes", nodes: Array<GraphNode>, edges: Array<GraphEdge>, } | { "type": "warning", message: string, };

export type Content = { mediaType: string, size: number, 
/**
 * The exact text; `None` when the content is not UTF-8.
 */
text: string | null, 
/**
 * Only the first bytes are in `text`.
 */
truncated: boolean, };

export type ExportFormat = "png" | "svg" | "json";

export type AppError = { code: string, message: string, };

export type BlobState = "waiting" | "running" | "uploaded" | "skipped" | "mounted" | "downloaded" | "failed";

export type BlobProgress = { 
/**
 * A file name, or the digest when the blob has no name.
 */
name: string, digest: string | null, total: number, done: number, state: BlobState, error: string | null, };

export type TransferProgress = { done: number, total: number, 
/**
 * Bytes per second over the last few seconds.
 */
rate: number, etaSecs: number | null, elapsedSecs: number, blobs: Array<BlobProgress>, };

export type Pulled = { digest: string, destination: string, 
/**
 * Relative to `destination`.
 */
files: Array<string>, 
/**
 * Those of `files` that replaced a file already there (the user confirmed it).
 */
replaced: Array<string>, 
/**
 * Layers without a title, not written.
 */
skipped: Array<string>, };

export type PullConfirmation = { 
/**
 * The kept plan's id, for `confirm_pull` and `discard_pull`.
 */
plan: string, digest: string, 
/**
 * For display only: the kept plan writes where the user chose in the shell's dialog.
 */
destination: string, 
/**
 * The files that would be replaced, relative to `destination`.
 */
replaces: Array<string>, 
/**
 * How many: `replaces.len()`.
 */
count: number, 
/**
 * How many files the pull writes in all.
 */
files: number, };

export type PullAnswer = { "kind": "pulled" } & Pulled | { "kind": "confirm" } & PullConfirmation;

export type CopyTarget = { source: string, repository: string, tag: string | null, };

export type Copied = { digest: string, target: string, manifests: number, blobs: number, };

export type DeleteEntry = { digest: string, mediaType: string, artifactType: string | null, size: number, };

export type PathEntry = { path: string, 
/**
 * The layer title it gets.
 */
name: string, folder: boolean, size: number, files: number, 
/**
 * Sniffed from the content; the user may change it.
 */
mediaType: string | null, 
/**
 * Why it cannot be pushed, naming the path.
 */
error: string | null, };

export type InspectedPaths = { entries: Array<PathEntry>, 
/**
 * The artifact type their content suggests (an SPDX file: `application/spdx+json`).
 */
artifactType: string | null, };

export type PushFile = { path: string, 
/**
 * `None`: the sniffed type.
 */
mediaType: string | null, };

export type PushSpec = { source: string, repository: string, files: Array<PushFile>, artifactType: string | null, annotations: { [key in string]?: string }, tags: Array<string>, subject: string | null, };

export type BlobAction = "upload" | "mount" | "skip";

export type PlannedBlob = { title: string, digest: string, size: number, mediaType: string, action: BlobAction, };

export type PushPreview = { plan: string, 
/**
 * The manifest, byte for byte.
 */
manifest: string, digest: string, artifactType: string, blobs: Array<PlannedBlob>, };

export type PushResult = { 
/**
 * `registry/repository` or `oci:PATH`.
 */
target: string, digest: string, artifactType: string, tags: Array<string>, 
/**
 * For an attach: whether Stowage kept the referrers tag (the registry had no Referrers API).
 */
referrersTagUpdated: boolean | null, 
/**
 * The pushed manifest as a graph node, so an open graph can show it without a reload.
 */
node: GraphNode, 
/**
 * For an attach: subject -> node.
 */
edge: GraphEdge | null, };
