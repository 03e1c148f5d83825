import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { PushDraft, type DraftApi } from "../../src/push/draft.svelte";
import { draftProblems, draftSpec, repositoryProblem, splitTags, tagProblem, type DraftFile, type DraftInput } from "../../src/push/validate";
import type { PathEntry, PushPreview } from "../../src/ipc/bindings";

function file(name: string, extra: Partial<DraftFile> = {}): DraftFile {
  return { path: `/d/${name}`, name, folder: false, size: 10, files: 1, sniffed: "text/plain", mediaType: "text/plain", error: null, ...extra };
}
function input(extra: Partial<DraftInput> = {}): DraftInput {
  return { source: "local", repository: "team/app", files: [file("a.txt")], tags: ["latest"], artifactType: "", annotations: [], subject: null, ...extra };
}

describe("push sheet validation", () => {
  test("a file with an error blocks the push and says why, by name", () => {
    const bad = file("secret.key", { error: "/d/secret.key cannot be read: permission denied", sniffed: null, mediaType: "" });
    const problems = draftProblems(input({ files: [file("a.txt"), bad] }));
    expect(problems[0]).toEqual({ field: "files", message: "secret.key cannot be pushed: remove it to go on." });
    expect(problems).toContainEqual({ field: "files", index: 1, message: "/d/secret.key cannot be read: permission denied" });
    const two = draftProblems(input({ files: [bad, { ...bad, path: "/d/x", name: "x" }] }));
    expect(two[0]?.message).toBe("2 of the files cannot be pushed: remove them to go on.");
    expect(draftProblems(input())).toEqual([]);
    expect(draftProblems(input({ files: [] }))).toEqual([{ field: "files", message: "Add at least one file or folder." }]);
  });

  test("tags follow the distribution spec; duplicates are flagged", () => {
    expect(tagProblem("v1.0")).toBeNull();
    expect(tagProblem("_x-1.2")).toBeNull();
    expect(tagProblem("-bad")).toMatch(/must start with a letter, a digit or _/);
    expect(tagProblem(".x")).toMatch(/must start/);
    expect(tagProblem("a/b")).toMatch(/may only hold/);
    expect(tagProblem("a".repeat(129))).toMatch(/longer than 128/);
    expect(tagProblem("a".repeat(128))).toBeNull();
    const problems = draftProblems(input({ tags: ["v1", "bad tag", "v1"] }));
    expect(problems).toEqual([
      { field: "tags", index: 1, message: expect.stringMatching(/may only hold/) },
      { field: "tags", index: 2, message: "The tag “v1” is there twice." },
    ]);
    expect(splitTags(" v1, :v2  latest,")).toEqual(["v1", "v2", "latest"]);
  });

  test("repository names are lowercase components", () => {
    expect(repositoryProblem("team/app")).toBeNull();
    expect(repositoryProblem("a__b/c-d.e")).toBeNull();
    expect(repositoryProblem("")).toMatch(/Name the repository/);
    expect(repositoryProblem("Team/app")).toMatch(/lowercase/);
    expect(repositoryProblem("team//app")).toMatch(/empty part/);
    expect(repositoryProblem("team/app-")).toMatch(/not a valid/);
  });

  test("annotations: empty rows are ignored, a value without a key and a repeated key are not", () => {
    const problems = draftProblems(
      input({
        annotations: [
          { key: "", value: "" },
          { key: "", value: "orphan" },
          { key: "org.opencontainers.image.title", value: "x" },
          { key: " org.opencontainers.image.title ", value: "y" },
        ],
      }),
    );
    expect(problems).toEqual([
      { field: "annotations", index: 1, message: "An annotation has a value but no key." },
      { field: "annotations", index: 3, message: "The annotation “org.opencontainers.image.title” is there twice." },
    ]);
    const spec = draftSpec(input({ annotations: [{ key: "", value: "" }, { key: " k ", value: "v" }] }));
    expect(spec.annotations).toEqual({ k: "v" });
  });

  test("media types: a typed one that differs from the sniffed type is sent, else null", () => {
    const spec = draftSpec(input({ files: [file("a.txt"), file("b.bin", { mediaType: "application/x-thing" }), file("c", { mediaType: "  " })], artifactType: " application/vnd.example+json ", subject: "sha256:x" }));
    expect(spec.files.map((f) => f.mediaType)).toEqual([null, "application/x-thing", null]);
    expect(spec.artifactType).toBe("application/vnd.example+json");
    expect(spec.subject).toBe("sha256:x");
    expect(draftProblems(input({ files: [file("a", { mediaType: "not a type" })] }))[0]?.message).toMatch(/is not a media type/);
    expect(draftProblems(input({ artifactType: "nope" }))[0]?.field).toBe("artifactType");
  });
});

function entry(path: string, extra: Partial<PathEntry> = {}): PathEntry {
  const name = path.split("/").pop() ?? path;
  return { path, name, folder: false, size: 100, files: 1, mediaType: name.endsWith(".spdx.json") ? "application/spdx+json" : "text/plain", error: name === "bad" ? `${path} cannot be read` : null, layout: false, ...extra };
}

function fakeApi() {
  let plans = 0;
  const api = {
    inspectPaths: vi.fn(async (paths: string[]) => {
      const entries = paths.map((p) => entry(p));
      const spdx = entries.some((e) => !e.error && e.mediaType === "application/spdx+json");
      return { entries, artifactType: spdx ? "application/spdx+json" : null };
    }),
    preparePush: vi.fn(async (): Promise<PushPreview> => ({ plan: `p${++plans}`, manifest: "{}", digest: "sha256:m", artifactType: "a/b", blobs: [] })),
    discardPush: vi.fn(async () => {}),
    cancel: vi.fn(async () => true),
  } satisfies DraftApi;
  return api;
}

describe("push draft", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  test("an errored file blocks preparing; removing it prepares the spec the sheet shows", async () => {
    const api = fakeApi();
    const d = new PushDraft({ mode: "push", source: "local", repository: "team/app", api, debounce: 100 });
    expect(d.tags).toEqual(["latest"]);
    await d.addPaths(["/d/sbom.spdx.json", "/d/bad"]);
    expect(d.files.map((f) => f.error)).toEqual([null, "/d/bad cannot be read"]);
    expect(d.artifactType).toBe("application/spdx+json");
    d.schedule();
    await vi.advanceTimersByTimeAsync(500);
    expect(api.preparePush).not.toHaveBeenCalled();
    d.removeFile("/d/bad");
    await vi.runAllTimersAsync();
    d.schedule();
    await vi.advanceTimersByTimeAsync(150);
    expect(api.preparePush).toHaveBeenCalledTimes(1);
    const [spec] = api.preparePush.mock.calls[0] as unknown as [unknown];
    expect(spec).toEqual({ source: "local", repository: "team/app", files: [{ path: "/d/sbom.spdx.json", mediaType: null }], artifactType: "application/spdx+json", annotations: {}, tags: ["latest"], subject: null });
    expect(d.ready).toBe(true);
    // A change drops the preview at once (Push can't send what isn't shown) and discards its plan.
    d.addTags(["v2"]);
    d.schedule();
    expect(d.ready).toBe(false);
    expect(d.preview).toBeNull();
    expect(api.discardPush).toHaveBeenCalledWith("p1");
    await vi.advanceTimersByTimeAsync(150);
    expect(d.ready).toBe(true);
    expect(d.preview?.plan).toBe("p2");
    // Pushing hands the plan over: closing afterwards does not discard it.
    expect(d.handOff()?.plan).toBe("p2");
    d.close();
    expect(api.discardPush).not.toHaveBeenCalledWith("p2");
  });

  test("closing without pushing cancels a prepare under way and discards its plan", async () => {
    const api = fakeApi();
    let finish: (p: PushPreview) => void = () => {};
    api.preparePush.mockImplementationOnce(() => new Promise<PushPreview>((r) => (finish = r)));
    const d = new PushDraft({ mode: "attach", source: "r", repository: "app", subject: { digest: "sha256:s", kind: "image", title: "Image", platform: null }, api, debounce: 10 });
    expect(d.tags).toEqual([]);
    await d.addPaths(["/d/a.txt"]);
    d.schedule();
    await vi.advanceTimersByTimeAsync(20);
    expect(d.preparing).toBe(true);
    d.close();
    expect(api.cancel).toHaveBeenCalledTimes(1);
    finish({ plan: "late", manifest: "{}", digest: "sha256:m", artifactType: "a/b", blobs: [] });
    await vi.runAllTimersAsync();
    expect(api.discardPush).toHaveBeenCalledWith("late");
    expect(d.preview).toBeNull();
  });

  test("user edits survive a new inspection; a typed artifact type is not overwritten", async () => {
    const api = fakeApi();
    const d = new PushDraft({ mode: "push", source: "local", repository: "x", api });
    await d.addPaths(["/d/a.txt"]);
    d.setMediaType("/d/a.txt", "text/x-log");
    d.setArtifactType("application/vnd.me");
    await d.addPaths(["/d/sbom.spdx.json", "/d/a.txt"]);
    expect(d.files.map((f) => f.path)).toEqual(["/d/a.txt", "/d/sbom.spdx.json"]);
    expect(d.files[0]?.mediaType).toBe("text/x-log");
    expect(d.artifactType).toBe("application/vnd.me");
    expect(d.suggestedArtifactType).toBe("application/spdx+json");
  });
});
