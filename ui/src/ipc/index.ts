// The only module that talks to Tauri. Everything else imports typed functions from here, so the
// web UI can run against mocks (tests) and the contract with Rust lives in one place.
import { Channel, invoke } from "@tauri-apps/api/core";
import { open } from "@tauri-apps/plugin-dialog";
import type {
  AddRegistry,
  AppError,
  Content,
  ExportFormat,
  GraphData,
  GraphEvent,
  Repositories,
  Source,
  TagSummary,
} from "./bindings";

export type * from "./bindings";

/** Every rejection from a command is normalised to `{ code, message }`. */
export function toAppError(e: unknown): AppError {
  if (e && typeof e === "object" && "code" in e && "message" in e) {
    const { code, message } = e as { code: unknown; message: unknown };
    return { code: String(code), message: String(message) };
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

export const cancel = (op: string) => call<void>("cancel", { op });

export const content = (source: string, repository: string, digest: string, mediaType: string) =>
  call<Content>("content", { source, repository, digest, mediaType });

export const exportGraph = (format: ExportFormat, data: string, name: string) =>
  call<string | null>("export_graph", { format, data, name });

/** Lets the user pick a CA certificate file; null when they cancel. */
export async function pickCaFile(): Promise<string | null> {
  try {
    const picked = await open({
      multiple: false,
      directory: false,
      title: "Choose a CA certificate",
      filters: [{ name: "Certificates", extensions: ["pem", "crt", "cer"] }],
    });
    return typeof picked === "string" ? picked : null;
  } catch (e) {
    throw toAppError(e);
  }
}
