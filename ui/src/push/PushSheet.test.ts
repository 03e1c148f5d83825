import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { tick } from "svelte";
import { beforeEach, expect, test, vi } from "vitest";
import type { PushPreview, Source } from "../ipc/bindings";
import { PushDraft, type DraftApi } from "./draft.svelte";
import PushSheet from "./PushSheet.svelte";

// The sheet is split into sections; these check what crosses between them: the focus the sheet
// gives a section's field, a tag still typed in the tags section when Push is pressed, and the
// section callbacks reaching the sheet's.

// happy-dom's <dialog> has no modal mode; what matters here is the open state.
beforeEach(() => {
  HTMLDialogElement.prototype.showModal ??= function (this: HTMLDialogElement) {
    this.setAttribute("open", "");
  };
});

const sources: Source[] = [{ id: "local", kind: "local", name: "Local store", origin: "local", signedIn: true, username: null, credentialFrom: "/l", insecure: false, customCa: false }];

function api(): DraftApi {
  return {
    inspectPaths: vi.fn(async (paths: string[]) => ({
      entries: paths.map((path) => ({ path, name: path.split("/").pop() ?? path, folder: path.endsWith("layout"), size: 10, files: 1, mediaType: "text/plain", error: null, layout: path.endsWith("layout") })),
      artifactType: null,
    })),
    preparePush: vi.fn(async (): Promise<PushPreview> => ({ plan: "p1", manifest: "{}", digest: "sha256:m", artifactType: "a/b", blobs: [] })),
    discardPush: vi.fn(async () => {}),
    cancel: vi.fn(async () => true),
  };
}

function open(repository: string | null = null) {
  const draft = new PushDraft({ mode: "push", source: "local", repository, api: api(), debounce: 10 });
  const onpush = vi.fn();
  const oncopylayout = vi.fn();
  const onopenlayout = vi.fn();
  render(PushSheet, { draft, sources, repositories: [], dropping: false, onpush, onclose: vi.fn(), onpick: vi.fn(), oncopylayout, onopenlayout });
  return { draft, onpush, oncopylayout, onopenlayout };
}

test("the repository field has the focus when the sheet opens without one", async () => {
  open();
  await tick();
  expect(document.activeElement).toBe(screen.getByTestId("push-repository"));
});

test("a repository that came with the drop is not focused: the files are what is next", async () => {
  open("team/app");
  await tick();
  expect(document.activeElement).not.toBe(screen.getByTestId("push-repository"));
});

test("with the repository given, pressing Push without files puts the focus on Add files…", async () => {
  open("team/app");
  await fireEvent.click(screen.getByTestId("push-submit"));
  await waitFor(() => expect(document.activeElement?.textContent).toBe("Add files…"));
  expect(screen.getByTestId("push-files-problem").textContent).toBe("Add at least one file or folder.");
});

test("a tag left typed goes in when Push is pressed; Enter in a field adds it and never pushes", async () => {
  const { draft, onpush } = open("team/app");
  await draft.addPaths(["/d/a.txt"]);
  await waitFor(() => expect(draft.ready).toBe(true));
  const input = screen.getByTestId("push-tag-input") as HTMLInputElement;
  await fireEvent.input(input, { target: { value: "v1" } });
  await fireEvent.keyDown(input, { key: "Enter" });
  expect(draft.tags).toEqual(["latest", "v1"]);
  expect(onpush).not.toHaveBeenCalled();
  await fireEvent.keyDown(input, { key: "Backspace" });
  expect(draft.tags).toEqual(["latest"]);
  await fireEvent.input(input, { target: { value: "v2" } });
  // Typing is not yet a change to the push: the preview for the tags as they are comes back.
  await waitFor(() => expect(draft.ready).toBe(true));
  await fireEvent.click(screen.getByTestId("push-submit"));
  expect(draft.tags).toEqual(["latest", "v2"]);
  // The preview was for the tags before: this Push waits for the new one.
  expect(onpush).not.toHaveBeenCalled();
  await waitFor(() => expect(draft.ready).toBe(true));
  await fireEvent.click(screen.getByTestId("push-submit"));
  expect(onpush).toHaveBeenCalledOnce();
});

test("a dropped OCI layout folder is offered to copy or open, with its path", async () => {
  const { draft, oncopylayout, onopenlayout } = open("team/app");
  await draft.addPaths(["/d/layout"]);
  await tick();
  await fireEvent.click(screen.getByTestId("push-layout-copy"));
  await fireEvent.click(screen.getByTestId("push-layout-open"));
  expect(oncopylayout).toHaveBeenCalledWith("/d/layout");
  expect(onopenlayout).toHaveBeenCalledWith("/d/layout");
});
