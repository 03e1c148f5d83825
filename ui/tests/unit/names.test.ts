import { describe, expect, test } from "vitest";
import { artifactName, attachedText, copiedText, filesTitle, pushedText, pushExample } from "../../src/lib/names";

const local = { kind: "local" as const, name: "Local store", credentialFrom: "/home/alice/.local/share/stowage/local" };
const registry = { kind: "registry" as const, name: "ghcr.io", credentialFrom: null };
const DIGEST = `sha256:${"ab".repeat(32)}`;

describe("names in messages", () => {
  test("the Local store by name, never by its folder; a registry by the reference people type", () => {
    expect(artifactName(local, "team/app", "v1")).toBe("Local › team/app:v1");
    expect(artifactName(registry, "team/app", "v1")).toBe("ghcr.io/team/app:v1");
    expect(artifactName(registry, "team/app", DIGEST)).toBe("ghcr.io/team/app@sha256:abababababab");
    expect(artifactName(null, "team/app")).toBe("team/app");
    expect(artifactName({ kind: "layout", name: "app.tar" }, "app", "v1")).toBe("app.tar › app:v1");
  });

  test("files by their titles", () => {
    expect(filesTitle(["notes.md"])).toBe("notes.md");
    expect(filesTitle(["notes.md", "site"])).toBe("notes.md and site");
    expect(filesTitle(["notes.md", "site", "config.json"])).toBe("notes.md and 2 more");
  });

  test("toasts of finished transfers say what and where, not a bare digest", () => {
    expect(pushedText("notes.md", local, "team/reports", ["latest", "v1"])).toBe("Pushed notes.md to Local › team/reports:latest");
    expect(pushedText(null, registry, "team/reports", [])).toBe("Pushed ghcr.io/team/reports, untagged");
    expect(attachedText("sbom.spdx.json", "Image linux/amd64", DIGEST, DIGEST)).toBe("Attached sbom.spdx.json to Image linux/amd64");
    expect(attachedText(null, null, DIGEST, DIGEST)).toBe("Attached sha256:abababababab to sha256:abababababab");
    expect(copiedText({ repository: "demo/app", reference: "v1" }, local, { repository: "mirror/app", tag: "v1" }, DIGEST)).toBe("Copied demo/app:v1 to Local › mirror/app:v1");
    expect(copiedText({ repository: "demo/app", reference: DIGEST }, registry, { repository: "mirror/app", tag: null }, DIGEST)).toBe(
      "Copied demo/app@sha256:abababababab to ghcr.io/mirror/app@sha256:abababababab",
    );
  });
});

describe("the first-start push example", () => {
  test("is a whole command for the source, quoted where a shell needs it", () => {
    expect(pushExample(local)).toBe("stowage push oci:/home/alice/.local/share/stowage/local/my-files:v1 notes.md");
    expect(pushExample(registry)).toBe("stowage push ghcr.io/my-files:v1 notes.md");
    expect(pushExample({ ...local, credentialFrom: "/Users/Alice Smith/Library/stowage/local/" })).toBe("stowage push 'oci:/Users/Alice Smith/Library/stowage/local/my-files:v1' notes.md");
    expect(pushExample({ ...local, credentialFrom: null })).toBeNull();
    expect(pushExample({ kind: "layout", name: "app.tar", credentialFrom: null })).toBeNull();
  });
});
