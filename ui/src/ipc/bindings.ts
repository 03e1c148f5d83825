// Generated from src-tauri/src/dto.rs by `STOWAGE_WRITE_BINDINGS=1 cargo test -p stowage-app bindings`. Do not edit.

export type SourceKind = "local" | "registry" | "layout";

export type SourceOrigin = "local" | "docker-config" | "added" | "opened";

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

export type OpenedReference = { source: Source, repository: string, reference: string, 
/**
 * The full reference, normalised: `docker.io/library/alpine:latest`.
 */
name: string, };

export type KeyValue = { key: string, value: string, };

export type ImageLayer = { digest: string, mediaType: string, size: number, compression: string, diffId: string | null, title: string | null, };

export type BuildStep = { created: string | null, createdBy: string | null, comment: string | null, emptyLayer: boolean, 
/**
 * Index into `layers` of the layer this step made.
 */
layer: number | null, };

export type ImageSummary = { manifest: string, 
/**
 * Every platform of the index it was picked from (empty for a lone image).
 */
platforms: Array<string>, platform: string | null, configDigest: string, created: string | null, author: string | null, user: string | null, entrypoint: Array<string>, cmd: Array<string>, env: Array<KeyValue>, workingDir: string | null, exposedPorts: Array<string>, volumes: Array<string>, labels: Array<KeyValue>, stopSignal: string | null, layers: Array<ImageLayer>, steps: Array<BuildStep>, historyMatchesLayers: boolean, compressedSize: number, };

export type ChartDependency = { name: string, version: string, repository: string, condition: string | null, };

export type HelmChart = { name: string, version: string, appVersion: string | null, description: string | null, kind: string | null, home: string | null, maintainers: Array<string>, dependencies: Array<ChartDependency>, chartYaml: string, valuesYaml: string | null, readme: string | null, templates: Array<string>, subcharts: Array<string>, };

export type FilesLayer = { digest: string, size: number, uncompressedSize: number, compression: string, entries: number, 
/**
 * Entries not listed, each with why (a name climbing out of the root, say).
 */
refused: Array<string>, };

export type FileChange = { layer: number, kind: string, };

export type FileRow = { path: string, 
/**
 * file, dir, symlink, hardlink, char-device, block-device, fifo.
 */
kind: string, size: number, mode: number, uid: number, gid: number, mtime: number, link: string | null, 
/**
 * The layer (from 0) whose entry this is.
 */
layer: number, 
/**
 * What each layer did to this path: added, changed, deleted.
 */
changes: Array<FileChange>, };

export type DeletedPath = { path: string, layer: number, };

export type ImageFiles = { 
/**
 * The image manifest whose layers these are.
 */
manifest: string, layers: Array<FilesLayer>, 
/**
 * The merged filesystem, by path.
 */
entries: Array<FileRow>, 
/**
 * Paths a layer deleted, and which layer did.
 */
deleted: Array<DeletedPath>, };

export type FilePreview = { text: string | null, hex: string | null, size: number, truncated: boolean, };

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

export type ErrorCode = "invalid_reference" | "invalid_digest" | "unreachable" | "tls" | "unauthorized" | "denied" | "not_found" | "registry_error" | "digest_mismatch" | "size_mismatch" | "too_large" | "malformed" | "pagination" | "redirect_refused" | "credentials" | "no_keyring" | "io" | "config" | "unreadable_sbom" | "unreadable_signature" | "cancelled" | "changed_since_preview" | "invalid" | "internal" | "forbidden";

export type AppError = { code: ErrorCode, message: string, };

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
error: string | null, 
/**
 * A folder that is an OCI image layout: the sheet offers to open it or copy its images.
 */
layout: boolean, };

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

export type PlannedBlob = { title: string, digest: string, size: number, mediaType: string, action: BlobAction, 
/**
 * For a mount: the repository of the same registry it is linked from.
 */
from: string | null, };

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

export type SbomHeader = { 
/**
 * "spdx" or "cyclonedx".
 */
format: string, 
/**
 * "SPDX", "CycloneDX".
 */
formatName: string, specVersion: string, 
/**
 * "JSON", "tag-value", "XML", …
 */
encoding: string, name: string | null, namespace: string | null, created: string | null, tools: Array<string>, authors: Array<string>, packages: number, withLicense: number, withPurl: number, files: number, dependencies: number, };

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
layer: string | null, mediaType: string, 
/**
 * What it describes (an image or platform manifest).
 */
subject: string | null, 
/**
 * The subject's platform, `os/architecture[/variant]`.
 */
platform: string | null, via: Via | null, 
/**
 * The file it was read from (a local SBOM).
 */
path: string | null, 
/**
 * What it was unwrapped from, outermost first: "gzip", "dsse", "in-toto".
 */
wrappers: Array<string>, document: SbomHeader | null, error: AppError | null, };

export type SbomDocuments = { 
/**
 * The digest the reference resolved to.
 */
root: string, sboms: Array<SbomSummary>, warnings: Array<string>, };

export type SbomRows = { names: Array<string | null>, versions: Array<string | null>, 
/**
 * The package's licences joined with ", " (declared first, then concluded where different).
 */
licenses: Array<number>, 
/**
 * The purl's type: "npm", "deb", "golang", …
 */
ecosystems: Array<number>, suppliers: Array<number>, 
/**
 * 1 where the package has a purl, else 0.
 */
purls: Array<number>, 
/**
 * Strings the number columns point into, each once.
 */
strings: Array<string>, };

export type SbomHash = { algorithm: string, value: string, };

export type SbomExternalRef = { kind: string, locator: string, };

export type SbomPackage = { 
/**
 * Its row in the table.
 */
index: number, id: string, name: string | null, version: string | null, purl: string | null, ecosystem: string | null, cpes: Array<string>, 
/**
 * SPDX primary purpose or CycloneDX component type.
 */
kind: string | null, licenses: Array<string>, declaredLicense: string | null, concludedLicense: string | null, supplier: string | null, originator: string | null, hashes: Array<SbomHash>, downloadLocation: string | null, homepage: string | null, externalRefs: Array<SbomExternalRef>, copyright: string | null, description: string | null, files: number, subject: boolean, };

export type DependencyNode = { index: number | null, id: string, name: string | null, version: string | null, relationship: string, children: Array<DependencyNode>, 
/**
 * Links not followed (the tree is cut at its depth or width, or a cycle).
 */
more: number, };

export type SbomPackageDetails = { package: SbomPackage, 
/**
 * What it depends on, two levels deep.
 */
dependsOn: Array<DependencyNode>, 
/**
 * What depends on it, one level.
 */
dependents: Array<DependencyNode>, moreDependsOn: number, moreDependents: number, };

export type SignatureStatus = "verified" | "failed" | "notChecked";

export type SignatureDetails = { 
/**
 * The manifest holding it: the graph's signature or attestation node.
 */
manifest: string, 
/**
 * "cosign", "dsse", "sigstore-bundle", "notation".
 */
kind: string, status: SignatureStatus, 
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
identities: Array<string>, oidcIssuer: string | null, 
/**
 * Fulcio's build claims, named: ["Source repository URI", "https://github.com/org/app"].
 */
claims: Array<[string, string]>, 
/**
 * RFC 3339, as the certificate states them.
 */
notBefore: string, notAfter: string, };

export type ProvenanceCard = { slsaVersion: string, builder: string | null, buildType: string | null, repository: string | null, gitRef: string | null, commit: string | null, workflow: string | null, trigger: string | null, invocation: string | null, started: string | null, finished: string | null, 
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
by: string | null, finished: string | null, 
/**
 * (severity or status, count), most severe first.
 */
counts: Array<[string, number]>, 
/**
 * The first findings: (vulnerability, severity or status, VEX justification).
 */
items: Array<[string, string, string | null]>, };

export type TrustView = { keys: Array<TrustedKey>, identities: Array<TrustedIdentity>, 
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

export type TrustedIdentity = { identity: string, identityRegexp: boolean, issuer: string, issuerRegexp: boolean, };

export type TrustedRootView = { name: string, 
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

export type NotationPick = { store: string, policy: string, };
