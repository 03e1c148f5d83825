// What the push sheet checks before it asks the shell to prepare a push: the same rules the core
// applies (tags, repository names), said where the user is looking, and nothing prepared while
// anything is wrong.
import type { PushSpec } from "../ipc";

/** A tag as the distribution spec allows it: `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`. */
export function tagProblem(tag: string): string | null {
  if (tag === "") return "A tag cannot be empty.";
  if (tag.length > 128) return `“${tag.slice(0, 20)}…” is longer than 128 characters.`;
  if (!/^[A-Za-z0-9_]/.test(tag)) return `“${tag}” must start with a letter, a digit or _.`;
  if (!/^[A-Za-z0-9_.-]+$/.test(tag)) return `“${tag}” may only hold letters, digits, _ . and -.`;
  return null;
}

const COMPONENT = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*$/;

/** A repository name: lowercase path components joined by `/`, as the core checks it. */
export function repositoryProblem(name: string): string | null {
  const n = name.trim();
  if (n === "") return "Name the repository to push to.";
  if (n.length > 255) return "The repository name is longer than 255 characters.";
  for (const part of n.split("/")) {
    if (!COMPONENT.test(part)) {
      return part === ""
        ? "The repository name has an empty part (two slashes, or one at an end)."
        : `“${part}” is not a valid repository name part: use lowercase letters and digits, separated by . _ __ or -.`;
    }
  }
  return null;
}

/** What the core puts in a manifest pushed without an artifact type. */
export const DEFAULT_ARTIFACT_TYPE = "application/vnd.unknown.artifact.v1";

const MEDIA_TYPE = /^[A-Za-z0-9][\w!#$&^.+-]*\/[A-Za-z0-9][\w!#$&^.+-]*(\s*;.*)?$/;

/** A media type (`type/subtype[;params]`); empty means "use what was sniffed" or "the default". */
export function mediaTypeProblem(value: string): string | null {
  const v = value.trim();
  if (v === "" || MEDIA_TYPE.test(v)) return null;
  return `“${v}” is not a media type (type/subtype, e.g. application/json).`;
}

export type DraftFile = {
  path: string;
  /** The layer title it gets. */
  name: string;
  folder: boolean;
  size: number;
  files: number;
  /** What the shell sniffed. */
  sniffed: string | null;
  /** What the user typed; "" keeps the sniffed type. */
  mediaType: string;
  /** Why it cannot be pushed (from inspect_paths). */
  error: string | null;
  /** A folder that is itself an OCI image layout (from inspect_paths). */
  layout?: boolean;
};

export type Annotation = { key: string; value: string };

export type DraftInput = {
  source: string;
  repository: string;
  files: DraftFile[];
  tags: string[];
  artifactType: string;
  annotations: Annotation[];
  subject: string | null;
};

export type Problem = {
  field: "source" | "repository" | "files" | "tags" | "artifactType" | "annotations";
  message: string;
  /** The row (file, tag or annotation) it is about. */
  index?: number;
};

/** Everything that blocks preparing the push, in the order the sheet shows its fields. */
export function draftProblems(d: DraftInput): Problem[] {
  const out: Problem[] = [];
  if (!d.source) out.push({ field: "source", message: "Choose where to push." });
  const repo = repositoryProblem(d.repository);
  if (repo) out.push({ field: "repository", message: repo });
  if (d.files.length === 0) out.push({ field: "files", message: "Add at least one file or folder." });
  const broken = d.files.filter((f) => f.error);
  d.files.forEach((f, index) => {
    if (f.error) out.push({ field: "files", index, message: f.error });
    else {
      const mt = mediaTypeProblem(f.mediaType);
      if (mt) out.push({ field: "files", index, message: `${f.name}: ${mt}` });
    }
  });
  if (broken.length) {
    out.unshift({
      field: "files",
      message:
        broken.length === 1
          ? `${broken[0]?.name} cannot be pushed: remove it to go on.`
          : `${broken.length} of the files cannot be pushed: remove them to go on.`,
    });
  }
  const titles = new Map<string, number>();
  d.files.forEach((f, index) => {
    const before = titles.get(f.name);
    if (before !== undefined) out.push({ field: "files", index, message: `Two layers would both be titled “${f.name}”; remove one.` });
    else titles.set(f.name, index);
  });
  const seen = new Set<string>();
  d.tags.forEach((t, index) => {
    const p = tagProblem(t);
    if (p) out.push({ field: "tags", index, message: p });
    else if (seen.has(t)) out.push({ field: "tags", index, message: `The tag “${t}” is there twice.` });
    seen.add(t);
  });
  const at = mediaTypeProblem(d.artifactType);
  if (at) out.push({ field: "artifactType", message: `Artifact type: ${at}` });
  const keys = new Set<string>();
  d.annotations.forEach((a, index) => {
    const key = a.key.trim();
    if (key === "" && a.value === "") return;
    if (key === "") out.push({ field: "annotations", index, message: "An annotation has a value but no key." });
    else if (keys.has(key)) out.push({ field: "annotations", index, message: `The annotation “${key}” is there twice.` });
    keys.add(key);
  });
  return out;
}

/** The spec prepare_push gets for a draft; empty annotation rows and unchanged types drop out. */
export function draftSpec(d: DraftInput): PushSpec {
  const annotations: Record<string, string> = {};
  for (const a of d.annotations) {
    const key = a.key.trim();
    if (key) annotations[key] = a.value;
  }
  return {
    source: d.source,
    repository: d.repository.trim(),
    files: d.files.map((f) => {
      const typed = f.mediaType.trim();
      return { path: f.path, mediaType: typed && typed !== f.sniffed ? typed : null };
    }),
    artifactType: d.artifactType.trim() || null,
    annotations,
    tags: [...d.tags],
    subject: d.subject,
  };
}

/**
 * Splits what was typed in the tags box into tags: commas and whitespace separate them, a
 * leading ":" (as in `app:v1`) is dropped.
 */
export function splitTags(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((t) => t.replace(/^:/, ""))
    .filter((t) => t !== "");
}

/** Common artifact types, for the sheet's suggestions. */
export const ARTIFACT_TYPES: Array<[string, string]> = [
  ["application/spdx+json", "SPDX SBOM (JSON)"],
  ["application/vnd.cyclonedx+json", "CycloneDX SBOM (JSON)"],
  ["application/vnd.cyclonedx+xml", "CycloneDX SBOM (XML)"],
  ["application/vnd.in-toto+json", "in-toto attestation"],
  ["application/vnd.dsse.envelope.v1+json", "DSSE signature envelope"],
  ["application/vnd.dev.sigstore.bundle.v0.3+json", "Sigstore bundle"],
  ["application/vnd.cncf.notary.signature", "Notary signature"],
  ["application/vnd.cncf.helm.config.v1+json", "Helm chart"],
  ["application/wasm", "WebAssembly module"],
  ["application/vnd.oci.image.config.v1+json", "OCI image config"],
  ["application/vnd.example.artifact.v1", "Your own type (edit me)"],
];

/** Common layer media types, for the per-file suggestions. */
export const MEDIA_TYPES: string[] = [
  "application/octet-stream",
  "application/json",
  "text/plain",
  "text/markdown",
  "application/spdx+json",
  "application/vnd.cyclonedx+json",
  "application/vnd.in-toto+json",
  "application/vnd.dsse.envelope.v1+json",
  "application/vnd.oci.image.layer.v1.tar+gzip",
  "application/vnd.oci.image.layer.v1.tar",
  "application/gzip",
  "application/x-tar",
  "application/wasm",
];

/** The annotation keys of the OCI image spec, for the key suggestions. */
export const OCI_ANNOTATIONS: Array<[string, string]> = [
  ["org.opencontainers.image.title", "Human-readable title"],
  ["org.opencontainers.image.description", "What it is"],
  ["org.opencontainers.image.version", "Version of the packaged software"],
  ["org.opencontainers.image.created", "Date and time (RFC 3339)"],
  ["org.opencontainers.image.authors", "Who made it"],
  ["org.opencontainers.image.vendor", "Who distributes it"],
  ["org.opencontainers.image.licenses", "SPDX license expression"],
  ["org.opencontainers.image.source", "URL of the source code"],
  ["org.opencontainers.image.revision", "Source control revision"],
  ["org.opencontainers.image.url", "Where to find out more"],
  ["org.opencontainers.image.documentation", "URL of the documentation"],
  ["org.opencontainers.image.ref.name", "Name of the reference"],
  ["org.opencontainers.image.base.name", "Reference of the base image"],
  ["org.opencontainers.image.base.digest", "Digest of the base image"],
];
