import { describe, expect, test } from "vitest";
import { copyCommands, deleteCommands, pullCommands, pushCommands, tagCommands } from "./commands";

const registry = { kind: "registry" as const, name: "ghcr.io", credentialFrom: null };
const local = { kind: "local" as const, name: "Local store", credentialFrom: "/home/me/.local/share/stowage/local" };

describe("the command behind each action", () => {
  test("a push names its target, files, types, tags and annotations; oras's too", () => {
    const spec = {
      source: "ghcr.io",
      repository: "team/reports",
      files: [
        { path: "/home/me/sbom.spdx.json", mediaType: null },
        { path: "/home/me/my notes.md", mediaType: "text/markdown" },
      ],
      artifactType: "application/vnd.example.report.v1",
      annotations: { "org.example.owner": "me" },
      tags: ["v1", "latest"],
      subject: null,
    };
    const c = pushCommands(registry, spec)!;
    expect(c.stowage).toBe(
      "stowage push ghcr.io/team/reports:v1 /home/me/sbom.spdx.json '/home/me/my notes.md:text/markdown' --artifact-type application/vnd.example.report.v1 -t latest -a org.example.owner=me",
    );
    expect(c.oras).toBe(
      "oras push ghcr.io/team/reports:v1,latest /home/me/sbom.spdx.json '/home/me/my notes.md:text/markdown' --artifact-type application/vnd.example.report.v1 --annotation org.example.owner=me",
    );
  });

  test("an attach names its subject; the Local store is its layout, with no oras line", () => {
    const spec = { source: "local", repository: "app", files: [{ path: "/tmp/sig.json", mediaType: null }], artifactType: "application/vnd.example.sig", annotations: {}, tags: [], subject: "sha256:abc" };
    const c = pushCommands(local, spec, false)!;
    expect(c.stowage).toBe("stowage attach oci:/home/me/.local/share/stowage/local/app@sha256:abc /tmp/sig.json --artifact-type application/vnd.example.sig --no-created");
    expect(c.oras).toBeNull();
  });

  test("pull, copy, tag and delete", () => {
    expect(pullCommands(registry, "a/b", "v1")?.stowage).toBe("stowage pull ghcr.io/a/b:v1 -o .");
    expect(copyCommands(registry, "a/b", "sha256:1", registry, "c/d", "v2", true)?.oras).toBe("oras cp -r ghcr.io/a/b@sha256:1 ghcr.io/c/d:v2");
    expect(copyCommands(registry, "a/b", "v1", local, "mirror", null, false)?.stowage).toBe("stowage cp ghcr.io/a/b:v1 oci:/home/me/.local/share/stowage/local/mirror");
    expect(tagCommands(registry, "a/b", "sha256:1", "stable")?.oras).toBe("oras tag ghcr.io/a/b@sha256:1 stable");
    expect(deleteCommands(registry, "a/b", "sha256:1", true)).toEqual({ stowage: "stowage rm --cascade ghcr.io/a/b@sha256:1", oras: null });
  });
});
