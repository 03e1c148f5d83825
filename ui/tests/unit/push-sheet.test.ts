import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { beforeEach, expect, test, vi } from "vitest";
import { PushDraft, type DraftApi } from "../../src/push/draft.svelte";
import type { PushPreview, Source } from "../../src/ipc/bindings";
import PushSheet from "../../src/push/PushSheet.svelte";

// happy-dom's <dialog> has no modal mode; what matters here is the open state.
beforeEach(() => {
  HTMLDialogElement.prototype.showModal ??= function (this: HTMLDialogElement) {
    this.setAttribute("open", "");
  };
});

const sources: Source[] = [{ id: "local", kind: "local", name: "Local store", origin: "local", signedIn: true, username: null, credentialFrom: "/l", insecure: false, customCa: false }];

function api(): DraftApi {
  return {
    inspectPaths: vi.fn(async (paths: string[]) => ({ entries: paths.map((path) => ({ path, name: path.split("/").pop() ?? path, folder: false, size: 10, files: 1, mediaType: "text/plain", error: null, layout: false })), artifactType: null })),
    preparePush: vi.fn(async (): Promise<PushPreview> => ({ plan: "p1", manifest: "{}", digest: "sha256:m", artifactType: "a/b", blobs: [] })),
    discardPush: vi.fn(async () => {}),
    cancel: vi.fn(async () => true),
  };
}

function open(repository: string | null = null) {
  const draft = new PushDraft({ mode: "push", source: "local", repository, api: api(), debounce: 10 });
  const onpush = vi.fn();
  const result = render(PushSheet, { draft, sources, repositories: [], dropping: false, onpush, onclose: vi.fn(), onpick: vi.fn() });
  return { ...result, draft, onpush };
}

test("nothing is red before the user has done anything: the footer says what is next, in muted words", () => {
  const { container } = open();
  expect(container.querySelectorAll(".field-problem, [role=alert], [aria-invalid=true]")).toHaveLength(0);
  const footer = screen.getByTestId("push-problem");
  expect(footer.textContent?.trim()).toBe("Name the repository to push to.");
  expect(footer.classList.contains("ok")).toBe(true);
  expect(screen.getByTestId("push-preview-hint").textContent).not.toMatch(/marked/);
  expect(screen.getByTestId("push-artifact-type-hint").textContent).toBe("Leave empty to use application/vnd.unknown.artifact.v1.");
  // The default tag says it may move.
  expect(screen.getByTestId("push-tag-hint").textContent).toMatch(/moves latest here if it points elsewhere/);
});

test("pressing Push with something missing shows every problem and puts the focus on the first", async () => {
  const { onpush } = open();
  const submit = screen.getByTestId("push-submit") as HTMLButtonElement;
  expect(submit.disabled).toBe(false);
  await fireEvent.click(submit);
  expect(onpush).not.toHaveBeenCalled();
  await waitFor(() => expect(screen.getByTestId("push-repository-problem").textContent).toBe("Name the repository to push to."));
  expect(screen.getByTestId("push-files-problem").textContent).toBe("Add at least one file or folder.");
  expect(screen.getByTestId("push-problem").classList.contains("ok")).toBe(false);
  expect(document.activeElement).toBe(screen.getByTestId("push-repository"));
});

test("a field's problem shows once the user was there: typing a bad name, or leaving it empty", async () => {
  open();
  const repo = screen.getByTestId("push-repository");
  await fireEvent.input(repo, { target: { value: "Team/App" } });
  expect(screen.getByTestId("push-repository-problem").textContent).toMatch(/lowercase/);
  await fireEvent.input(repo, { target: { value: "" } });
  expect(screen.queryByTestId("push-repository-problem")).toBeNull();
  await fireEvent.blur(repo);
  expect(screen.getByTestId("push-repository-problem").textContent).toBe("Name the repository to push to.");
  // Files were never touched: that problem still waits for a push.
  expect(screen.queryByTestId("push-files-problem")).toBeNull();
});
