// What messages call things: the names people know (a repository and tag, a file's title), not
// a bare digest or the Local store's folder on disk.
import type { Source } from "../ipc";
import { shortDigest } from "./format";

type Where = Pick<Source, "kind" | "name"> | null | undefined;

/** A tag, or a digest (shortened); nothing when neither is known. */
function suffix(reference: string | null | undefined): string {
  if (!reference) return "";
  return reference.includes(":") ? `@${shortDigest(reference)}` : `:${reference}`;
}

/**
 * An artifact by its repository: "Local › team/app:v1" in the Local store (its `oci:` path is an
 * implementation detail), an opened layout's by the name the sidebar gives it, and the reference
 * people type for a registry, "ghcr.io/team/app:v1".
 */
export function artifactName(source: Where, repository: string, reference?: string | null): string {
  if (source?.kind === "local") return `Local › ${repository}${suffix(reference)}`;
  if (source?.kind === "layout") return `${source.name} › ${repository}${suffix(reference)}`;
  return `${source ? `${source.name}/` : ""}${repository}${suffix(reference)}`;
}

/** Files by their titles: "notes.md", "notes.md and site", "notes.md and 2 more". */
export function filesTitle(names: readonly string[]): string {
  const [first, second] = names;
  if (first === undefined) return "nothing";
  if (second === undefined) return first;
  if (names.length === 2) return `${first} and ${second}`;
  return `${first} and ${names.length - 1} more`;
}

/** "Pushed notes.md to Local › team/reports:latest" (the first tag; "untagged" when none). */
export function pushedText(files: string | null | undefined, source: Where, repository: string, tags: readonly string[]): string {
  const what = files ? `${files} to ` : "";
  const tag = tags[0];
  return tag ? `Pushed ${what}${artifactName(source, repository, tag)}` : `Pushed ${what}${artifactName(source, repository)}, untagged`;
}

/** "Attached notes.md to Image linux/amd64", or to the subject's digest when its name is unknown. */
export function attachedText(files: string | null | undefined, subjectTitle: string | null | undefined, subject: string | null, digest: string): string {
  return `Attached ${files || shortDigest(digest)} to ${subjectTitle || shortDigest(subject ?? "")}`;
}

/** "Copied demo/app:v1 to Local › mirror/app:v1". */
export function copiedText(from: { repository: string; reference: string }, target: Where, to: { repository: string; tag: string | null }, digest: string): string {
  return `Copied ${from.repository}${suffix(from.reference)} to ${artifactName(target, to.repository, to.tag ?? digest)}`;
}

/** A word for a shell: quoted when it holds anything a shell would read. */
export function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * A whole `stowage push` that lands in this source, to copy into a terminal: the Local store is an
 * OCI layout per repository under its folder (its path, when the shell said it); null when the
 * folder is not known.
 */
export function pushExample(source: Pick<Source, "kind" | "name" | "credentialFrom">, repository = "my-files", tag = "v1", file = "notes.md"): string | null {
  if (source.kind === "local") {
    const root = source.credentialFrom?.replace(/\/+$/, "");
    return root ? `stowage push ${shellWord(`oci:${root}/${repository}:${tag}`)} ${file}` : null;
  }
  // An opened layout is read-only here: nothing to suggest.
  return source.kind === "registry" ? `stowage push ${shellWord(`${source.name}/${repository}:${tag}`)} ${file}` : null;
}
