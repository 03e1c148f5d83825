// The command line behind an action: the `stowage` command that does exactly what the app does,
// and the `oras` one where oras has an equivalent (registries only), for a terminal or CI.
import type { PushSpec, Source } from "../ipc";
import { shellWord } from "./names";

export type Commands = { stowage: string; oras: string | null };

type Where = Pick<Source, "kind" | "name" | "credentialFrom">;

/**
 * How the CLI names a repository of a source: `host/repo` for a registry, `oci:PATH` for the
 * Local store's layout of that repository or for an opened layout; null when the Local store's
 * folder is not known.
 */
export function cliBase(source: Where, repository: string): string | null {
  switch (source.kind) {
    case "registry":
      return `${source.name}/${repository}`;
    case "local": {
      const root = source.credentialFrom?.replace(/\/+$/, "");
      return root ? `oci:${root}/${repository}` : null;
    }
    case "layout":
      return source.credentialFrom ? `oci:${source.credentialFrom}` : null;
  }
}

/** `base:tag` or `base@digest`. */
export function at(base: string, reference: string): string {
  return reference.includes(":") ? `${base}@${reference}` : `${base}:${reference}`;
}

const q = shellWord;
const words = (parts: Array<string | null | false | undefined>) => parts.filter((p): p is string => !!p).join(" ");

/** A push or an attach as the sheet prepared it. */
export function pushCommands(source: Where, spec: PushSpec, created = true): Commands | null {
  const base = cliBase(source, spec.repository);
  if (!base) return null;
  const files = spec.files.map((f) => q(f.mediaType ? `${f.path}:${f.mediaType}` : f.path));
  const annotations = Object.entries(spec.annotations).flatMap(([k, v]) => ["-a", q(`${k}=${v ?? ""}`)]);
  if (spec.subject) {
    const type = spec.artifactType ?? "application/vnd.unknown.artifact.v1";
    return {
      stowage: words(["stowage attach", q(`${base}@${spec.subject}`), ...files, "--artifact-type", q(type), ...annotations, !created && "--no-created"]),
      oras: source.kind === "registry" ? words(["oras attach --artifact-type", q(type), ...annotations.map((a) => (a === "-a" ? "--annotation" : a)), q(`${base}@${spec.subject}`), ...files]) : null,
    };
  }
  const [first, ...more] = spec.tags;
  const target = first ? `${base}:${first}` : base;
  return {
    stowage: words([
      "stowage push",
      q(target),
      ...files,
      spec.artifactType && `--artifact-type ${q(spec.artifactType)}`,
      ...more.map((t) => `-t ${q(t)}`),
      ...annotations,
      !created && "--no-created",
    ]),
    oras:
      source.kind === "registry"
        ? words([
            "oras push",
            q(spec.tags.length ? `${base}:${spec.tags.join(",")}` : base),
            ...files,
            spec.artifactType && `--artifact-type ${q(spec.artifactType)}`,
            ...annotations.map((a) => (a === "-a" ? "--annotation" : a)),
          ])
        : null,
  };
}

export function pullCommands(source: Where, repository: string, reference: string, dir = "."): Commands | null {
  const base = cliBase(source, repository);
  if (!base) return null;
  return {
    stowage: words(["stowage pull", q(at(base, reference)), "-o", q(dir)]),
    oras: source.kind === "registry" ? words(["oras pull", q(at(base, reference)), "-o", q(dir)]) : null,
  };
}

export function copyCommands(from: Where, repository: string, reference: string, to: Where, toRepository: string, tag: string | null, referrers: boolean): Commands | null {
  const a = cliBase(from, repository);
  const b = cliBase(to, toRepository);
  if (!a || !b) return null;
  const target = tag ? `${b}:${tag}` : b;
  const registries = from.kind === "registry" && to.kind === "registry";
  return {
    stowage: words(["stowage cp", referrers && "-r", q(at(a, reference)), q(target)]),
    oras: registries ? words(["oras cp", referrers && "-r", q(at(a, reference)), q(target)]) : null,
  };
}

export function tagCommands(source: Where, repository: string, digest: string, tag: string): Commands | null {
  const base = cliBase(source, repository);
  if (!base) return null;
  return {
    stowage: words(["stowage tag", q(`${base}@${digest}`), q(tag)]),
    oras: source.kind === "registry" ? words(["oras tag", q(`${base}@${digest}`), q(tag)]) : null,
  };
}

export function deleteCommands(source: Where, repository: string, digest: string, cascade: boolean): Commands | null {
  const base = cliBase(source, repository);
  if (!base) return null;
  return {
    stowage: words(["stowage rm", cascade && "--cascade", q(`${base}@${digest}`)]),
    // oras deletes one manifest; its referrers stay.
    oras: source.kind === "registry" && !cascade ? words(["oras manifest delete", q(`${base}@${digest}`)]) : null,
  };
}
