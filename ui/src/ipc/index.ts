// The only module that talks to Tauri. Everything else imports typed functions from here, so the
// web UI can run against mocks (tests) and the contract with Rust lives in one place.
import { Channel, invoke } from "@tauri-apps/api/core";
import { getCurrentWebview } from "@tauri-apps/api/webview";
import type {
  AddRegistry,
  FilePreview,
  ImageFiles,
  HelmChart,
  ImageSummary,
  OpenedReference,
  AppError,
  Content,
  Copied,
  CopyTarget,
  DeleteEntry,
  ExportFormat,
  GraphData,
  GraphEvent,
  InspectedPaths,
  NotationPick,
  Pulled,
  PullAnswer,
  PushPreview,
  PushResult,
  PushSpec,
  Repositories,
  SbomDocuments,
  SbomPackageDetails,
  SbomRows,
  SignatureDetails,
  Source,
  TagSummary,
  TransferProgress,
  TrustedIdentity,
  TrustEntry,
  TrustView,
} from "./bindings";

export type * from "./bindings";

/** Every rejection from a command is normalised to `{ code, message }`. */
export function toAppError(e: unknown): AppError {
  if (e && typeof e === "object" && "code" in e && "message" in e) {
    // The shell's AppError, whose code is an ErrorCode by construction (see dto::AppError).
    const { code, message } = e as { code: unknown; message: unknown };
    return { code: String(code) as AppError["code"], message: String(message) };
  }
  if (e instanceof Error) return { code: "internal", message: e.message };
  return { code: "internal", message: String(e) };
}

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (e) {
    throw toAppError(e);
  }
}

export const sources = () => call<Source[]>("sources");

export const addRegistry = (request: AddRegistry) => call<Source>("add_registry", { request });

export const openReference = (text: string) => call<OpenedReference>("open_reference", { text });

/** Opens a dropped layout folder or archive read-only as a source. */
export const openLayout = (path: string) => call<Source>("open_layout", { path });

/** Asks for a layout folder (or an archive) in the shell's dialog; null when cancelled. */
export const pickLayout = (archive: boolean) => call<Source | null>("pick_layout", { archive });

export const closeLayout = (source: string) => call<boolean>("close_layout", { source });

export const signOut = (source: string) => call<Source>("sign_out", { source });

export const removeRegistry = (source: string) => call<void>("remove_registry", { source });

export const repositories = (source: string) => call<Repositories>("repositories", { source });

export const tags = (source: string, repository: string) =>
  call<string[]>("tags", { source, repository });

export const tagSummaries = (source: string, repository: string, tags: string[]) =>
  call<TagSummary[]>("tag_summaries", { source, repository, tags });

export type GraphRequest = {
  source: string;
  repository: string;
  reference: string;
  refresh: boolean;
  op: string;
};

/** Loads a graph; `onEvent` sees nodes as the walk finds them, before the promise resolves. */
export function loadGraph(request: GraphRequest, onEvent: (event: GraphEvent) => void) {
  const events = new Channel<GraphEvent>();
  events.onmessage = onEvent;
  return call<GraphData>("load_graph", { ...request, events });
}

/** Cancels the operation `op` (a graph load, a prepare, a transfer); false when nothing ran under it. */
export const cancel = (op: string) => call<boolean>("cancel", { op });

export const imageConfig = (source: string, repository: string, reference: string, platform: string | null = null) =>
  call<ImageSummary>("image_config", { source, repository, reference, platform });

export const helmChart = (source: string, repository: string, digest: string) => call<HelmChart>("helm_chart", { source, repository, digest });

export const imageFiles = (source: string, repository: string, reference: string, platform: string | null = null) =>
  call<ImageFiles>("image_files", { source, repository, reference, platform });

export const layerFile = (source: string, repository: string, manifest: string, layer: string, path: string) =>
  call<FilePreview>("layer_file", { source, repository, manifest, layer, path });

/** Asks in the shell's dialog where to save; the path saved to, or null when cancelled. */
export const saveLayerFile = (source: string, repository: string, manifest: string, layer: string, path: string) =>
  call<string | null>("save_layer_file", { source, repository, manifest, layer, path });

export const content = (source: string, repository: string, digest: string, mediaType: string) =>
  call<Content>("content", { source, repository, digest, mediaType });

export const exportGraph = (format: ExportFormat, data: string, name: string) =>
  call<string | null>("export_graph", { format, data, name });

/**
 * Lets the user pick a CA certificate file; null when they cancel. The shell opens the dialog and
 * remembers the choice: add_registry refuses (code "forbidden") a CA file not picked here.
 */
export const pickCaFile = () => call<string | null>("pick_ca_file");

export type OnProgress = (progress: TransferProgress) => void;

function progressChannel(onProgress: OnProgress): Channel<TransferProgress> {
  const events = new Channel<TransferProgress>();
  events.onmessage = onProgress;
  return events;
}

/**
 * Checks dropped or picked paths: what each would become, and why one cannot be pushed. Any other
 * path is refused with code "forbidden" (the shell keeps what the user dropped or picked).
 */
export const inspectPaths = (paths: string[]) => call<InspectedPaths>("inspect_paths", { paths });

/** Packs and hashes the files of `spec` (progress while hashing) and previews the exact push. */
export const preparePush = (spec: PushSpec, op: string, onProgress: OnProgress) =>
  call<PushPreview>("prepare_push", { spec, op, events: progressChannel(onProgress) });

/** Pushes a prepared plan. A failed push keeps its plan, so calling this again retries it. */
export const push = (plan: string, op: string, onProgress: OnProgress) =>
  call<PushResult>("push", { plan, op, events: progressChannel(onProgress) });

export const discardPush = (plan: string) => call<void>("discard_push", { plan });

export type PullRequest = { source: string; repository: string; reference: string };

/**
 * Pulls into a folder the shell asks the user for; null when they cancel that dialog. When the
 * pull would replace files there, nothing is written: the answer (kind "confirm") lists them,
 * and the shell keeps the plan for confirmPull or discardPull.
 */
export const pull = (request: PullRequest, op: string, onProgress: OnProgress) =>
  call<PullAnswer | null>("pull", { ...request, op, events: progressChannel(onProgress) });

/** Runs a pull kept for confirmation: the user agreed to replace its files. A plan runs once. */
export const confirmPull = (plan: string, op: string, onProgress: OnProgress) =>
  call<Pulled>("confirm_pull", { plan, op, events: progressChannel(onProgress) });

/** Forgets a pull kept for confirmation; nothing was written. */
export const discardPull = (plan: string) => call<void>("discard_pull", { plan });

export type CopyRequest = {
  source: string;
  repository: string;
  reference: string;
  target: CopyTarget;
  referrers: boolean;
};

export const copy = (request: CopyRequest, op: string, onProgress: OnProgress) =>
  call<Copied>("copy", { ...request, op, events: progressChannel(onProgress) });

export const addTag = (source: string, repository: string, digest: string, tag: string) =>
  call<void>("add_tag", { source, repository, digest, tag });

/** What deleting `digest` removes: deepest referrers first, `digest` itself last. */
export const deletePreview = (source: string, repository: string, digest: string, cascade: boolean) =>
  call<DeleteEntry[]>("delete_preview", { source, repository, digest, cascade });

/** Deletes what the preview showed; refused (code "changed_since_preview") when that changed meanwhile. */
export const deleteManifests = (
  source: string,
  repository: string,
  digest: string,
  cascade: boolean,
  expected: string[],
) => call<string[]>("delete", { source, repository, digest, cascade, expected });

/**
 * Files to push; null when the user cancels. The shell opens the dialog and grants what the user
 * chose: inspect_paths and prepare_push read only paths picked here or dropped on the window.
 */
export const pickFiles = () => call<string[] | null>("pick_files");

/** Folders to push (each becomes one tar+gzip layer); null when the user cancels. */
export const pickFolders = () => call<string[] | null>("pick_folders");

/** An OS file drag over the window, with its position in physical pixels of the webview. */
export type DragDrop =
  | { type: "enter"; paths: string[]; position: { x: number; y: number } }
  | { type: "over"; position: { x: number; y: number } }
  | { type: "drop"; paths: string[]; position: { x: number; y: number } }
  | { type: "leave" };

/**
 * Listens to files dragged from the OS over the webview. Tauri delivers them as webview events
 * with paths (HTML5 drag events carry none); returns the function that stops listening. The shell
 * sees the same drop and grants its paths, so they may be sent back to inspect_paths.
 */
export async function onDragDrop(handler: (event: DragDrop) => void): Promise<() => void> {
  const unlisten = await getCurrentWebview().onDragDropEvent((event) => {
    const p = event.payload;
    if (p.type === "leave") handler({ type: "leave" });
    else if (p.type === "over") handler({ type: "over", position: { x: p.position.x, y: p.position.y } });
    else handler({ type: p.type, paths: [...p.paths], position: { x: p.position.x, y: p.position.y } });
  });
  return () => void unlisten();
}

/**
 * Every SBOM found from a reference (referrers, cosign .sbom tags, buildx attestations), each
 * read by the shell and kept under its handle; one that could not be read carries its error.
 */
export const sbomDocuments = (source: string, repository: string, reference: string) =>
  call<SbomDocuments>("sbom_documents", { source, repository, reference });

/** The package table of a kept SBOM, as columns. */
export const sbomRows = (handle: string) => call<SbomRows>("sbom_rows", { handle });

/**
 * The signatures and attestations attached to `subject` (and its platform manifests), each
 * decoded and checked: verified, failed or not checked, with what its certificate claims.
 */
export const signatureDetails = (source: string, repository: string, subject: string) =>
  call<SignatureDetails[]>("signature_details", { source, repository, subject });

/** What signatures are verified against: keys, keyless signers, Sigstore trusted roots. */
export const trustSettings = () => call<TrustView>("trust_settings");

/** Trusts a public key pasted as PEM; rejects (code "invalid") what is not one. */
export const trustKey = (pem: string) => call<TrustView>("trust_key", { pem });

/** Trusts a keyless signer: a certificate identity and its OIDC issuer, exact or by regexp. */
export const trustIdentity = (identity: TrustedIdentity) => call<TrustView>("trust_identity", { identity });

/** The shell's file dialog for a Sigstore trusted_root.json; null when cancelled. */
export const pickTrustedRoot = () => call<string | null>("pick_trusted_root");

/** Trusts the trusted_root.json picked with pickTrustedRoot. */
export const trustRoot = (path: string) => call<TrustView>("trust_root", { path });

/** The shell's dialogs for notation's trust store folder, then its trust policy; null when cancelled. */
export const pickNotationTrust = () => call<NotationPick | null>("pick_notation_trust");

/** Trusts notation signatures by the trust store and policy picked with pickNotationTrust. */
export const trustNotation = (pick: NotationPick) => call<TrustView>("trust_notation", { store: pick.store, policy: pick.policy });

/** Stops trusting the index-th entry of a list as trustSettings gave it. */
export const untrust = (entry: TrustEntry, index: number) => call<TrustView>("untrust", { entry, index });

/** One package of a kept SBOM: every field, and its dependencies as small trees. */
export const sbomPackage = (handle: string, index: number) => call<SbomPackageDetails>("sbom_package", { handle, index });

/**
 * Reads a local SBOM the user picks in the shell's file dialog (nothing is pushed); null when
 * they cancel. The webview never names the file: only what the user picked there is read.
 */
export const openSbomFile = () => call<SbomDocuments | null>("open_sbom_file");

/**
 * Reads, as an SBOM, a file the user dropped on the window where nothing takes a push (nothing
 * is pushed). The shell reads only paths granted by the drop; a file that is not an SBOM comes
 * back with the reader's error in its summary.
 */
export const openSbomPath = (path: string) => call<SbomDocuments>("open_sbom_path", { path });

/** Saves the exact bytes of a kept SBOM where the user chooses; null when they cancel. */
export const saveSbom = (handle: string, name: string) => call<string | null>("save_sbom", { handle, name });

/**
 * Saves packages of a kept SBOM as CSV where the user chooses: the rows given, in that order
 * (what the table shows), or every package when rows is null. Null when they cancel.
 */
export const exportSbomCsv = (handle: string, rows: number[] | null, name: string) =>
  call<string | null>("export_sbom_csv", { handle, rows, name });
