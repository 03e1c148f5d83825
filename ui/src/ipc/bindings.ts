// Generated from src-tauri/src/dto.rs by `STOWAGE_WRITE_BINDINGS=1 cargo test -p stowage-app bindings`. Do not edit.

export type SourceKind = "local" | "registry" | "layout";

export type SourceOrigin = "local" | "docker-config" | "added" | "opened";

export type Source = { 
/**
 * What commands name the source by: `local`, a registry's host, or `layout:PATH`.
 */
id: string, 
/**
 * Whether it is the Local store, a registry or an opened layout.
 */
kind: SourceKind, 
/**
 * The sidebar's label: "Local store", the registry's host, or the layout's file name.
 */
name: string, 
/**
 * Why the source is in the sidebar.
 */
origin: SourceOrigin, 
/**
 * Whether a credential for the registry was found; always true for the Local store and
 * false for a layout.
 */
signedIn: boolean, 
/**
 * The account signed in with, or last used; `None` when anonymous or not a registry.
 */
username: string | null, 
/**
 * Where the credential was found ("keyring", "docker config.json", a helper's name).
 */
credentialFrom: string | null, 
/**
 * The registry is spoken to over plain HTTP, without TLS.
 */
insecure: boolean, 
/**
 * The registry's TLS is checked against a CA file the user added, not only the system's.
 */
customCa: boolean, };

export type AddRegistry = { 
/**
 * The registry as typed: `ghcr.io`, `docker.io`, `localhost:5000`.
 */
host: string, 
/**
 * The account to sign in as; `None` or blank adds the registry without signing in.
 */
username: string | null, 
/**
 * The password or access token; it comes with a username, or not at all.
 */
secret: string | null, 
/**
 * Speak plain HTTP to the registry instead of TLS.
 */
insecure: boolean, 
/**
 * As `pick_ca_file` returned it: a path the user did not choose there is refused.
 */
caFile: string | null, };

export type OpenedReference = { 
/**
 * The source holding the repository, as the sidebar describes it.
 */
source: Source, 
/**
 * The repository within the source, as the core names it (`library/alpine` on Docker Hub).
 */
repository: string, 
/**
 * The digest when one was typed, else the tag, else `latest`.
 */
reference: string, 
/**
 * The full reference, normalised: `docker.io/library/alpine:latest`.
 */
name: string, };

export type KeyValue = { 
/**
 * The variable's or label's name (an environment entry's text before its first `=`).
 */
key: string, 
/**
 * Its value; empty when an environment entry has no `=`.
 */
value: string, };

export type ImageLayer = { 
/**
 * The layer's blob digest (of the compressed bytes, for a compressed layer).
 */
digest: string, 
/**
 * The layer's media type, as the manifest states it.
 */
mediaType: string, 
/**
 * The blob's size in bytes, as stored (compressed).
 */
size: number, 
/**
 * `gzip`, `zstd`, `none` (a plain tar) or `unknown`, as the media type says.
 */
compression: string, 
/**
 * The uncompressed digest the config lists for this layer; `None` when it lists none.
 */
diffId: string | null, 
/**
 * The layer's `org.opencontainers.image.title` annotation: a file name, in artifacts.
 */
title: string | null, };

export type BuildStep = { 
/**
 * When the step ran, as stated (RFC 3339).
 */
created: string | null, 
/**
 * The command that made the step, as the builder recorded it (often a Dockerfile line).
 */
createdBy: string | null, 
/**
 * A note the builder left on the step.
 */
comment: string | null, 
/**
 * The step made no layer (an ENV, a CMD).
 */
emptyLayer: boolean, 
/**
 * Index into `layers` of the layer this step made.
 */
layer: number | null, };

export type ImageSummary = { 
/**
 * The image manifest's digest (a platform's, when an index was opened).
 */
manifest: string, 
/**
 * Every platform of the index it was picked from (empty for a lone image).
 */
platforms: Array<string>, 
/**
 * `os/architecture[/variant]` as the config states it; `None` when it does not.
 */
platform: string | null, 
/**
 * The digest of the image's config blob.
 */
configDigest: string, 
/**
 * When the image was made, as stated (RFC 3339).
 */
created: string | null, 
/**
 * Who made the image, as stated.
 */
author: string | null, 
/**
 * Who the container runs as (`user`, `uid`, `user:group`, `uid:gid`); `None` when unset.
 */
user: string | null, 
/**
 * `Entrypoint`: the start of the command a container runs, before `cmd`.
 */
entrypoint: Array<string>, 
/**
 * `Cmd`: the default arguments after the entrypoint, or the whole command without one.
 */
cmd: Array<string>, 
/**
 * The environment variables set in the container, in the config's order.
 */
env: Array<KeyValue>, 
/**
 * The folder the container's process starts in; `None` when unset.
 */
workingDir: string | null, 
/**
 * Ports the config exposes (`80/tcp`), sorted.
 */
exposedPorts: Array<string>, 
/**
 * Paths the config declares as volumes, sorted.
 */
volumes: Array<string>, 
/**
 * The image's labels (`org.opencontainers.image.*` and others), sorted by key.
 */
labels: Array<KeyValue>, 
/**
 * The signal that stops the container ("SIGTERM", "SIGQUIT"), as stated.
 */
stopSignal: string | null, 
/**
 * The manifest's layers, bottom first.
 */
layers: Array<ImageLayer>, 
/**
 * The config's history, oldest first, including steps that made no layer.
 */
steps: Array<BuildStep>, 
/**
 * False when the history's non-empty steps do not line up one to one with the layers (a
 * squashed or hand-made image): steps are then shown without layers.
 */
historyMatchesLayers: boolean, 
/**
 * The layers' compressed sizes summed, in bytes.
 */
compressedSize: number, };

export type ChartDependency = { 
/**
 * The name of the chart depended on.
 */
name: string, 
/**
 * The version or SemVer range of the chart depended on ("17.x", "~1.2.3").
 */
version: string, 
/**
 * Where it comes from: a repository URL, `oci://…`, `file://…` or an `@alias`; empty when
 * it is bundled under `charts/`.
 */
repository: string, 
/**
 * A values path to a boolean that enables the dependency, e.g. "redis.enabled".
 */
condition: string | null, };

export type HelmChart = { 
/**
 * The chart's name, from Chart.yaml.
 */
name: string, 
/**
 * The chart's SemVer 2 version, from Chart.yaml.
 */
version: string, 
/**
 * The version of the application the chart installs: free text, not necessarily SemVer.
 */
appVersion: string | null, 
/**
 * A one-sentence description of the chart.
 */
description: string | null, 
/**
 * The chart's `type`: "application" or "library"; `None` when Chart.yaml leaves it out.
 */
kind: string | null, 
/**
 * The URL of the project's home page.
 */
home: string | null, 
/**
 * The chart's maintainers, each as `name` or `name <email>`.
 */
maintainers: Array<string>, 
/**
 * The charts this chart depends on.
 */
dependencies: Array<ChartDependency>, 
/**
 * Chart.yaml as written.
 */
chartYaml: string, 
/**
 * values.yaml as written (the chart's default values); `None` when the chart has none.
 */
valuesYaml: string | null, 
/**
 * README.md as written; `None` when the chart has none.
 */
readme: string | null, 
/**
 * Paths under `templates/`.
 */
templates: Array<string>, 
/**
 * Charts bundled under `charts/`.
 */
subcharts: Array<string>, };

export type FilesLayer = { 
/**
 * The layer's blob digest, `sha256:…`, as the manifest names it.
 */
digest: string, 
/**
 * The blob's size in bytes as the manifest gives it (compressed, as stored).
 */
size: number, 
/**
 * Bytes of the uncompressed tar stream.
 */
uncompressedSize: number, 
/**
 * `gzip`, `zstd` or `none`, as the blob's first bytes said (not its media type).
 */
compression: string, 
/**
 * How many tar entries the layer lists, whiteouts included.
 */
entries: number, 
/**
 * Entries not listed, each with why (a name climbing out of the root, say).
 */
refused: Array<string>, };

export type FileChange = { 
/**
 * The layer's index in the image, bottom (0) first.
 */
layer: number, 
/**
 * `added`, `changed` or `deleted`.
 */
kind: string, };

export type FileRow = { 
/**
 * The path relative to the image's root, without a leading `/`.
 */
path: string, 
/**
 * file, dir, symlink, hardlink, char-device, block-device, fifo.
 */
kind: string, 
/**
 * The file's size in bytes; 0 for everything but regular files.
 */
size: number, 
/**
 * The permission bits from the tar header, setuid, setgid and sticky included.
 */
mode: number, 
/**
 * The owner's numeric user id.
 */
uid: number, 
/**
 * The owner's numeric group id.
 */
gid: number, 
/**
 * The modification time, in seconds since the Unix epoch (0 when the header has none).
 */
mtime: number, 
/**
 * A symlink's target as written, or a hard link's path; `None` for other kinds.
 */
link: string | null, 
/**
 * The layer (from 0) whose entry this is.
 */
layer: number, 
/**
 * What each layer did to this path: added, changed, deleted.
 */
changes: Array<FileChange>, };

export type DeletedPath = { 
/**
 * The path deleted, relative to the image's root.
 */
path: string, 
/**
 * The last layer (from 0) that deleted it.
 */
layer: number, };

export type ImageFiles = { 
/**
 * The image manifest whose layers these are.
 */
manifest: string, 
/**
 * The manifest's layers, bottom (0) first, as `FileRow::layer` counts them.
 */
layers: Array<FilesLayer>, 
/**
 * The merged filesystem, by path.
 */
entries: Array<FileRow>, 
/**
 * Paths a layer deleted, and which layer did.
 */
deleted: Array<DeletedPath>, };

export type FilePreview = { 
/**
 * The first bytes as text; `None` when they are not UTF-8 or hold a NUL byte.
 */
text: string | null, 
/**
 * The first bytes as a `hexdump -C` dump; `None` when `text` holds them.
 */
hex: string | null, 
/**
 * The whole file's size in bytes, which can be more than the preview shows.
 */
size: number, 
/**
 * The file goes on past the bytes shown.
 */
truncated: boolean, };

export type CatalogState = "listed" | "denied" | "unsupported";

export type Repositories = { 
/**
 * Every repository the source lists; empty when the catalog is denied or unsupported.
 */
repositories: Array<string>, 
/**
 * Repositories opened lately on this source, most recent first.
 */
recent: Array<string>, 
/**
 * Whether `repositories` is the source's full list, or why it is empty.
 */
catalog: CatalogState, 
/**
 * Why the catalog is not listed, in the registry's words.
 */
message: string | null, };

export type TagSummary = { 
/**
 * The tag summarised, as the UI asked for it.
 */
tag: string, 
/**
 * The digest the tag points at, `sha256:…`; `None` when it could not be resolved.
 */
digest: string | null, 
/**
 * A signature refers to the manifest, or to one of an index's platform manifests.
 */
signed: boolean, 
/**
 * An SBOM describes it: a referrer, a cosign tag or a buildx attestation says so.
 */
sbom: boolean, 
/**
 * An attestation (a provenance, say) refers to it, buildx's included.
 */
attestation: boolean, 
/**
 * Why the tag or its referrers could not be read; the badges found before stay.
 */
error: string | null, };

export type NodeKind = "index" | "image" | "signature" | "sbom" | "attestation" | "helm-chart" | "wasm" | "artifact" | "config" | "layer";

export type GraphNode = { 
/**
 * The node's digest.
 */
id: string, 
/**
 * What it is, for people: the label and badge the graph gives it.
 */
kind: NodeKind, 
/**
 * The format within the kind, where known (`cosign`, `notation`, `spdx`, `in-toto`, …).
 */
format: string | null, 
/**
 * Its media type: its descriptor's, then for a manifest the one it was served with.
 */
mediaType: string, 
/**
 * The artifactType of its descriptor, or of its manifest once read; `None` when neither
 * has one.
 */
artifactType: string | null, 
/**
 * Bytes; a JS number is exact up to 8 PiB.
 */
size: number, 
/**
 * Its descriptor's annotations, with its manifest's added once that is read.
 */
annotations: { [key in string]?: string }, 
/**
 * `os/architecture[/variant]`.
 */
platform: string | null, 
/**
 * The tags that point at it: the one the root was opened by, the store's, and cosign's.
 */
tags: Array<string>, 
/**
 * Why the node could not be read, when it could not; the rest of the graph still loads.
 */
error: string | null, };

export type EdgeKind = "child" | "config" | "layer" | "referrer";

export type Via = "index" | "manifest" | "api" | "tag-schema" | "cosign-tag" | "buildx" | "subject";

export type GraphEdge = { 
/**
 * The digest of the node it leaves: the index, manifest or subject.
 */
from: string, 
/**
 * The digest of the node it reaches: the child manifest, blob or referrer.
 */
to: string, 
/**
 * What the link means.
 */
kind: EdgeKind, 
/**
 * How the link was found.
 */
via: Via, };

export type GraphData = { 
/**
 * The digest of the manifest or index the walk started from.
 */
root: string, 
/**
 * How the CLI names the repository: `host/repo` or `oci:/path/to/layout`.
 */
base: string, 
/**
 * What the user opened, e.g. `localhost:5000/app:v1`.
 */
reference: string, 
/**
 * A depth or node cap stopped the walk before it ended: the graph is not complete.
 */
truncated: boolean, 
/**
 * Every node, each once, in the order the walk found them.
 */
nodes: Array<GraphNode>, 
/**
 * Every edge, each once, in the order the walk found them.
 */
edges: Array<GraphEdge>, 
/**
 * Problems that did not stop the walk (an unreadable referrers tag, a failed request).
 */
warnings: Array<string>, };

export type GraphEvent = { "type": "nodes", 
/**
 * Nodes added or changed, each sent whole: one already drawn is replaced.
 */
nodes: Array<GraphNode>, 
/**
 * Edges found, each sent once.
 */
edges: Array<GraphEdge>, } | { "type": "warning", 
/**
 * The problem, for people, as `GraphData::warnings` keeps it too.
 */
message: string, };

export type Content = { 
/**
 * The media type the UI asked to read it as, from its descriptor.
 */
mediaType: string, 
/**
 * The whole content's size in bytes, which can be more than `text` holds.
 */
size: number, 
/**
 * The exact text; `None` when the content is not UTF-8.
 */
text: string | null, 
/**
 * Only the first bytes are in `text`.
 */
truncated: boolean, };

export type ExportFormat = "png" | "svg" | "json";

export type ErrorCode = "invalid_reference" | "invalid_digest" | "unreachable" | "tls" | "unauthorized" | "denied" | "not_found" | "registry_error" | "digest_mismatch" | "size_mismatch" | "too_large" | "malformed" | "pagination" | "redirect_refused" | "credentials" | "no_keyring" | "io" | "config" | "unreadable_sbom" | "unreadable_signature" | "cancelled" | "changed_since_preview" | "invalid" | "internal" | "forbidden";

export type AppError = { 
/**
 * The stable code the UI branches on, e.g. `not_found` or `unauthorized`.
 */
code: ErrorCode, 
/**
 * The human-readable reason, shown to the user as it is.
 */
message: string, };

export type BlobState = "waiting" | "running" | "uploaded" | "skipped" | "mounted" | "downloaded" | "failed";

export type BlobProgress = { 
/**
 * A file name, or the digest when the blob has no name.
 */
name: string, 
/**
 * The blob's digest, `sha256:…`, once known: a file not hashed in advance gets it when it
 * finishes.
 */
digest: string | null, 
/**
 * The blob's size in bytes.
 */
total: number, 
/**
 * Bytes done so far (all of them once finished, even when none moved); it can go back when
 * an upload restarts.
 */
done: number, 
/**
 * Where the blob stands.
 */
state: BlobState, 
/**
 * The failure's message when `state` is `failed`; `None` otherwise.
 */
error: string | null, };

export type TransferProgress = { 
/**
 * Bytes done across all blobs, those skipped or mounted included.
 */
done: number, 
/**
 * Bytes of all blobs together.
 */
total: number, 
/**
 * Bytes per second over the last few seconds.
 */
rate: number, 
/**
 * Seconds left at that rate; `None` when it cannot be told yet.
 */
etaSecs: number | null, 
/**
 * Seconds since the transfer started.
 */
elapsedSecs: number, 
/**
 * Every blob of the transfer, in the order it was added.
 */
blobs: Array<BlobProgress>, };

export type Pulled = { 
/**
 * The digest of the manifest pulled, `sha256:…`.
 */
digest: string, 
/**
 * The folder the user chose to pull into.
 */
destination: string, 
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
plan: string, 
/**
 * The digest of the manifest the pull would write, `sha256:…`.
 */
digest: string, 
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

export type CopyTarget = { 
/**
 * The source copied to (`local` or a registry's host); an opened layout refuses writes.
 */
source: string, 
/**
 * The repository copied to; one of the Local store is created when missing.
 */
repository: string, 
/**
 * The tag to give the copy there; `None` or empty copies it by digest only.
 */
tag: string | null, };

export type Copied = { 
/**
 * The digest of the manifest or index copied, `sha256:…`.
 */
digest: string, 
/**
 * Where it went: `registry/repository` or `oci:PATH`.
 */
target: string, 
/**
 * Manifests pushed to the target: the root, and the children and referrers below it.
 */
manifests: number, 
/**
 * Blobs uploaded, downloaded, mounted or found at the target already; a blob that several
 * manifests name counts once for each.
 */
blobs: number, };

export type DeleteEntry = { 
/**
 * The manifest's digest, `sha256:…`.
 */
digest: string, 
/**
 * The manifest's media type (an image manifest or an index).
 */
mediaType: string, 
/**
 * Its artifact type (a signature's, an SBOM's); `None` when its descriptor states none.
 */
artifactType: string | null, 
/**
 * The manifest's own size in bytes, not counting the blobs it names.
 */
size: number, };

export type PathEntry = { 
/**
 * The absolute path as dropped or picked.
 */
path: string, 
/**
 * The layer title it gets.
 */
name: string, 
/**
 * A folder, which the push packs into one tar+gzip layer.
 */
folder: boolean, 
/**
 * The file's size in bytes, or the total of a folder's regular files.
 */
size: number, 
/**
 * How many regular files it holds: 1 for a file.
 */
files: number, 
/**
 * Sniffed from the content; the user may change it.
 */
mediaType: string | null, 
/**
 * Why it cannot be pushed, naming the path.
 */
error: string | null, 
/**
 * A folder that is an OCI image layout: the sheet offers to open it or copy its images.
 */
layout: boolean, };

export type InspectedPaths = { 
/**
 * Each path checked, in the order given.
 */
entries: Array<PathEntry>, 
/**
 * The artifact type their content suggests (an SPDX file: `application/spdx+json`).
 */
artifactType: string | null, };

export type PushFile = { 
/**
 * The path as `inspect_paths` listed it; one the user did not give Stowage is refused.
 */
path: string, 
/**
 * `None`: the sniffed type.
 */
mediaType: string | null, };

export type PushSpec = { 
/**
 * The source pushed to (`local` or a registry's host); an opened layout refuses writes.
 */
source: string, 
/**
 * The repository pushed to; one of the Local store is created when missing.
 */
repository: string, 
/**
 * The files and folders that become layers, in this order.
 */
files: Array<PushFile>, 
/**
 * The manifest's artifact type; `None` or blank suggests one from the files' content.
 */
artifactType: string | null, 
/**
 * Annotations of the manifest itself; entries with a blank key are dropped.
 */
annotations: { [key in string]?: string }, 
/**
 * Tags to push the manifest under; with none, a Helm chart is tagged with its version and
 * anything else is pushed by digest only.
 */
tags: Array<string>, 
/**
 * The digest of the manifest or index to attach to, `sha256:…`; `None` for a plain push.
 */
subject: string | null, };

export type BlobAction = "upload" | "mount" | "skip";

export type PlannedBlob = { 
/**
 * The layer's title: the file or folder's name.
 */
title: string, 
/**
 * The digest of the layer blob, `sha256:…`.
 */
digest: string, 
/**
 * The layer blob's size in bytes (a folder's packed archive).
 */
size: number, 
/**
 * The layer's media type, as the manifest will state it.
 */
mediaType: string, 
/**
 * Whether it will be uploaded, mounted, or skipped.
 */
action: BlobAction, 
/**
 * For a mount: the repository of the same registry it is linked from.
 */
from: string | null, };

export type PushPreview = { 
/**
 * The id the shell keeps the prepared plan under, for `push` or `discard_push`.
 */
plan: string, 
/**
 * The manifest, byte for byte.
 */
manifest: string, 
/**
 * The manifest's digest, `sha256:…`: the pushed artifact's digest.
 */
digest: string, 
/**
 * The artifact type the plan settled on: the one asked for, else one suggested from the
 * layers, else oras' "unknown artifact". A Helm chart's manifest leaves it out.
 */
artifactType: string, 
/**
 * One per layer, in the manifest's order.
 */
blobs: Array<PlannedBlob>, };

export type PushResult = { 
/**
 * `registry/repository` or `oci:PATH`.
 */
target: string, 
/**
 * The pushed manifest's digest, `sha256:…`.
 */
digest: string, 
/**
 * The artifact type the plan settled on, as the preview showed it.
 */
artifactType: string, 
/**
 * The tags the manifest was pushed under (a chart's version when none was asked for).
 */
tags: Array<string>, 
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

export type SbomHeader = { 
/**
 * "spdx" or "cyclonedx".
 */
format: string, 
/**
 * "SPDX", "CycloneDX".
 */
formatName: string, 
/**
 * The spec version the document declares, without a prefix: "2.3", "3.0", "1.5".
 */
specVersion: string, 
/**
 * "JSON", "tag-value", "XML", …
 */
encoding: string, 
/**
 * SPDX's document name; for CycloneDX, the name of the metadata component.
 */
name: string | null, 
/**
 * SPDX's documentNamespace (2.x) or document id (3.0); CycloneDX's serialNumber.
 */
namespace: string | null, 
/**
 * When the document was made, as stated (RFC 3339).
 */
created: string | null, 
/**
 * Tools that made the document: "npm-cli-11.6.2", "cyclonedx-py 7.5.0".
 */
tools: Array<string>, 
/**
 * People and organisations named as creators or authors.
 */
authors: Array<string>, 
/**
 * How many packages (SPDX) or components (CycloneDX) the document lists.
 */
packages: number, 
/**
 * How many of those state at least one licence.
 */
withLicense: number, 
/**
 * How many of those state a package URL (purl).
 */
withPurl: number, 
/**
 * How many files the document lists (SPDX `files`; CycloneDX file components are packages).
 */
files: number, 
/**
 * How many package -> package dependencies the document states.
 */
dependencies: number, };

export type SbomSummary = { 
/**
 * `None` when the SBOM could not be read: there is nothing to fetch rows of.
 */
handle: string | null, 
/**
 * The SBOM's manifest (a referrer, a cosign `.sbom` tag, a buildx attestation).
 */
manifest: string | null, 
/**
 * The blob it was read from.
 */
layer: string | null, 
/**
 * The blob's media type (the manifest's when its layers could not be read); for a local
 * file, what its name suggests.
 */
mediaType: string, 
/**
 * What it describes (an image or platform manifest).
 */
subject: string | null, 
/**
 * The subject's platform, `os/architecture[/variant]`.
 */
platform: string | null, 
/**
 * How the graph reached the SBOM's manifest from its subject; `None` when it has none.
 */
via: Via | null, 
/**
 * The file it was read from (a local SBOM).
 */
path: string | null, 
/**
 * What it was unwrapped from, outermost first: "gzip", "dsse", "in-toto".
 */
wrappers: Array<string>, 
/**
 * The document's header; `None` when the SBOM could not be read (see `error`).
 */
document: SbomHeader | null, 
/**
 * Why the SBOM, or the manifest holding it, could not be read; `None` when it was.
 */
error: AppError | null, };

export type SbomDocuments = { 
/**
 * The digest the reference resolved to.
 */
root: string, 
/**
 * Every SBOM found, in the graph's order, each read or with why it could not be; a local
 * file gives one.
 */
sboms: Array<SbomSummary>, 
/**
 * Problems that did not stop the search (from the graph walk).
 */
warnings: Array<string>, };

export type SbomRows = { 
/**
 * Each package's name as stated; `None` where the document gives none.
 */
names: Array<string | null>, 
/**
 * Each package's version as stated, not normalised; `None` where the document gives none.
 */
versions: Array<string | null>, 
/**
 * The package's licences joined with ", " (declared first, then concluded where different).
 */
licenses: Array<number>, 
/**
 * The purl's type: "npm", "deb", "golang", …
 */
ecosystems: Array<number>, 
/**
 * Who supplies the package, without SPDX's "Organization:" or "Person:".
 */
suppliers: Array<number>, 
/**
 * 1 where the package has a purl, else 0.
 */
purls: Array<number>, 
/**
 * Strings the number columns point into, each once.
 */
strings: Array<string>, };

export type SbomHash = { 
/**
 * The algorithm as the document names it: "SHA256", "SHA-256", "BLAKE2b-256".
 */
algorithm: string, 
/**
 * The checksum itself as stated, usually hex.
 */
value: string, };

export type SbomExternalRef = { 
/**
 * SPDX referenceCategory/referenceType ("SECURITY cpe23Type"), CycloneDX type ("vcs").
 */
kind: string, 
/**
 * What it points at, as stated: a URL, a purl, a CPE or another identifier.
 */
locator: string, };

export type SbomPackage = { 
/**
 * Its row in the table.
 */
index: number, 
/**
 * The document's own id for it (SPDXID, bom-ref), or `#<index>` when it gives none.
 */
id: string, 
/**
 * The package's name as stated.
 */
name: string | null, 
/**
 * The package's version as stated, not normalised.
 */
version: string | null, 
/**
 * The package URL, when one is stated.
 */
purl: string | null, 
/**
 * The ecosystem, from the purl's type: "npm", "pypi", "deb", "golang", …
 */
ecosystem: string | null, 
/**
 * CPE 2.2 or 2.3 names stated for it.
 */
cpes: Array<string>, 
/**
 * SPDX primary purpose or CycloneDX component type.
 */
kind: string | null, 
/**
 * Licences as stated: declared first, then concluded where different (SPDX); each
 * CycloneDX licence id, name or expression.
 */
licenses: Array<string>, 
/**
 * The licence its authors declare (SPDX licenseDeclared; CycloneDX's, joined with " AND ").
 */
declaredLicense: string | null, 
/**
 * The licence the SBOM's maker concluded (SPDX licenseConcluded; CycloneDX 1.6+).
 */
concludedLicense: string | null, 
/**
 * Who supplies it, without SPDX's "Organization:" or "Person:".
 */
supplier: string | null, 
/**
 * SPDX originator, CycloneDX author(s) or publisher.
 */
originator: string | null, 
/**
 * Checksums of the package as the document states them.
 */
hashes: Array<SbomHash>, 
/**
 * Where it can be downloaded: SPDX downloadLocation, CycloneDX's `distribution` reference.
 */
downloadLocation: string | null, 
/**
 * Its home page: SPDX homepage, CycloneDX's `website` reference.
 */
homepage: string | null, 
/**
 * Every external reference stated, in document order; for SPDX, the purl and CPE ones too.
 */
externalRefs: Array<SbomExternalRef>, 
/**
 * The copyright text as stated.
 */
copyright: string | null, 
/**
 * Its description, or SPDX's summary when there is no description.
 */
description: string | null, 
/**
 * How many files of this package the document lists (SPDX hasFiles and CONTAINS).
 */
files: number, 
/**
 * What the document describes (SPDX DESCRIBES, CycloneDX metadata.component).
 */
subject: boolean, };

export type DependencyNode = { 
/**
 * The package's row in the table; `None` for an id no package has.
 */
index: number | null, 
/**
 * The package's id, as the dependency names it.
 */
id: string, 
/**
 * The package's name, when it has a row and states one.
 */
name: string | null, 
/**
 * The package's version, when it has a row and states one.
 */
version: string | null, 
/**
 * How this package and the node above are related, as the document names it
 * ("DEPENDS_ON", "dependsOn", …).
 */
relationship: string, 
/**
 * The nodes one level further, as far as the tree was followed.
 */
children: Array<DependencyNode>, 
/**
 * Links not followed (the tree is cut at its depth or width, or a cycle).
 */
more: number, };

export type SbomPackageDetails = { 
/**
 * The package itself, with everything the document states about it.
 */
package: SbomPackage, 
/**
 * What it depends on, two levels deep.
 */
dependsOn: Array<DependencyNode>, 
/**
 * What depends on it, one level.
 */
dependents: Array<DependencyNode>, 
/**
 * How many of the package's own dependencies were left out of `depends_on` (past the
 * width of a level).
 */
moreDependsOn: number, 
/**
 * How many of the packages depending on it were left out of `dependents`.
 */
moreDependents: number, };

export type SignatureStatus = "verified" | "failed" | "notChecked";

export type SignatureDetails = { 
/**
 * The manifest holding it: the graph's signature or attestation node.
 */
manifest: string, 
/**
 * "cosign", "dsse", "sigstore-bundle", "notation".
 */
kind: string, 
/**
 * Whether it verified against the trust settings, failed, or was not checked.
 */
status: SignatureStatus, 
/**
 * Why it did not verify; `None` when it did.
 */
reason: string | null, 
/**
 * What verified it: "key sha256:…", or the identity and trusted root of a keyless one.
 */
verifiedBy: string | null, 
/**
 * The manifest it is attached to (the one asked for, or one of its platform manifests).
 */
subject: string, 
/**
 * The subject's platform, for a platform manifest's signature.
 */
platform: string | null, 
/**
 * An attestation's in-toto predicate type.
 */
predicateType: string | null, 
/**
 * What the signing certificate claims, when one came with the signature.
 */
signer: Signer | null, 
/**
 * A SLSA provenance attestation's build, in words.
 */
provenance: ProvenanceCard | null, 
/**
 * A vulnerability scan's or VEX document's counts.
 */
vulnerabilities: VulnCard | null, };

export type Signer = { 
/**
 * Subject alternative names: an e-mail address, a CI workflow's URI.
 */
identities: Array<string>, 
/**
 * The OIDC issuer that vouched for the identity (GitHub Actions', Google's, …).
 */
oidcIssuer: string | null, 
/**
 * Fulcio's build claims, named: ["Source repository URI", "https://github.com/org/app"].
 */
claims: Array<[string, string]>, 
/**
 * RFC 3339, as the certificate states them.
 */
notBefore: string, 
/**
 * When the certificate stops being valid: minutes after `not_before` for Fulcio's.
 */
notAfter: string, };

export type ProvenanceCard = { 
/**
 * "v0.2" or "v1".
 */
slsaVersion: string, 
/**
 * The builder's id: a URI naming the build platform (and its version).
 */
builder: string | null, 
/**
 * `buildType`: a URI naming the kind of build, which says how its parameters read.
 */
buildType: string | null, 
/**
 * The source repository (a URI without its `git+` scheme prefix).
 */
repository: string | null, 
/**
 * The git ref built (`refs/tags/v1.0.0`).
 */
gitRef: string | null, 
/**
 * The commit built (hex).
 */
commit: string | null, 
/**
 * The workflow or entry point that ran (`.github/workflows/release.yml`).
 */
workflow: string | null, 
/**
 * What started the build (`push`, `workflow_dispatch`).
 */
trigger: string | null, 
/**
 * Where the build's run can be looked up (an Actions run URL).
 */
invocation: string | null, 
/**
 * When the build started; RFC 3339, as written.
 */
started: string | null, 
/**
 * When the build finished; RFC 3339, as written.
 */
finished: string | null, 
/**
 * What the build fetched: (URI, `algorithm:hex` digest).
 */
dependencies: Array<[string, string | null]>, };

export type VulnCard = { 
/**
 * "scan" or "vex".
 */
kind: string, 
/**
 * The scanner and its version, or the VEX document's author.
 */
by: string | null, 
/**
 * When the scan finished, as written (RFC 3339); `None` for VEX or when unstated.
 */
finished: string | null, 
/**
 * (severity or status, count), most severe first.
 */
counts: Array<[string, number]>, 
/**
 * The first findings: (vulnerability, severity or status, VEX justification).
 */
items: Array<[string, string, string | null]>, };

export type TrustView = { 
/**
 * Public keys trusted, in the order added (a saved key that does not read is left out).
 */
keys: Array<TrustedKey>, 
/**
 * Keyless signers trusted, in the order added.
 */
identities: Array<TrustedIdentity>, 
/**
 * The shipped roots first (not removable), then the ones the user added.
 */
roots: Array<TrustedRootView>, 
/**
 * Notation's trust policy statements and stores, when one was chosen.
 */
notation: NotationView | null, 
/**
 * Why the saved settings are not in use (a hand-edited entry that does not read).
 */
problem: string | null, };

export type TrustedKey = { 
/**
 * `sha256:` of the key's DER, as verdicts name it.
 */
id: string, 
/**
 * "ECDSA P-256", "Ed25519", "RSA 3072".
 */
algorithm: string, };

export type TrustedIdentity = { 
/**
 * The certificate identity (an e-mail address, a workflow URI), or a pattern for it.
 */
identity: string, 
/**
 * `identity` is a regular expression rather than the exact value.
 */
identityRegexp: boolean, 
/**
 * The OIDC issuer (`https://token.actions.githubusercontent.com`), or a pattern for it.
 */
issuer: string, 
/**
 * `issuer` is a regular expression rather than the exact value.
 */
issuerRegexp: boolean, };

export type TrustedRootView = { 
/**
 * What verdicts call it: "Sigstore public good", or the file name it was added from.
 */
name: string, 
/**
 * Shipped inside Stowage: always trusted, cannot be removed.
 */
shipped: boolean, };

export type TrustEntry = "key" | "identity" | "root" | "notation";

export type NotationView = { 
/**
 * Each statement: its name, level and registry scopes ("strict for localhost:5000/app").
 */
statements: Array<string>, 
/**
 * Each store and how many certificates it holds.
 */
stores: Array<[string, number]>, };

export type NotationPick = { 
/**
 * The trust store folder, as chosen in the shell's dialog.
 */
store: string, 
/**
 * The trust policy file (`trustpolicy.json`), as chosen in the shell's dialog.
 */
policy: string, };
