import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { expect, test, vi } from "vitest";

const tagSummaries = vi.fn(async (_s: string, _r: string, tags: string[]) =>
  tags.map((tag) => ({ tag, digest: "sha256:" + "b".repeat(64), signed: tag === "v1", sbom: tag === "v1", attestation: false, error: null })),
);
vi.mock("../../src/ipc", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../src/ipc")>()),
  tagSummaries: (...args: [string, string, string[]]) => tagSummaries(...args),
}));
const { default: TagList } = await import("../../src/tags/TagList.svelte");

const HEX = "c".repeat(64);
const tags = ["v1", "v2", "latest", `sha256-${HEX}.sig`, `sha256-${HEX}.att`, `sha256-${HEX}`];

function setup() {
  const onopen = vi.fn();
  const result = render(TagList, { source: "reg", repository: "app", tags, tagsAt: 0, loading: false, error: null, current: null, onopen, onback: vi.fn() });
  const shown = () => [...result.container.querySelectorAll('[role="option"] .tag')].map((e) => e.textContent);
  return { ...result, onopen, shown };
}

test("digest tags are hidden until the toggle, and the filter narrows the list", async () => {
  const { shown } = setup();
  expect(shown()).toEqual(["v1", "v2", "latest"]);
  expect(screen.getByTestId("tag-count").textContent?.trim()).toBe("3 of 6 tags");
  await fireEvent.click(screen.getByTestId("digest-toggle"));
  expect(shown()).toHaveLength(6);
  await fireEvent.input(screen.getByTestId("tag-filter"), { target: { value: ".sig" } });
  expect(shown()).toEqual([`sha256-${HEX}.sig`]);
  await fireEvent.click(screen.getByTestId("digest-toggle"));
  expect(screen.getByText(/No tag matches/)).toBeTruthy();
});

test("badges come from tag_summaries for the rows in view; a click opens the tag", async () => {
  const { container, onopen } = setup();
  await waitFor(() => expect(container.querySelector(".badge.sig")).not.toBeNull());
  expect(tagSummaries).toHaveBeenCalledWith("reg", "app", ["v1", "v2", "latest"]);
  const v1 = [...container.querySelectorAll('[role="option"]')].find((r) => r.querySelector(".tag")?.textContent === "v1");
  expect(v1?.querySelector(".badge.sig")?.textContent).toBe("signature");
  expect(v1?.querySelector(".badge.sig")?.getAttribute("data-tooltip")).toContain("not verified");
  expect(v1?.querySelector(".badge.sbom")?.textContent).toBe("SBOM");
  await fireEvent.click(v1 as Element);
  expect(onopen).toHaveBeenCalledWith("v1");
});

test("a typed digest opens as a graph", async () => {
  const { onopen } = setup();
  const input = screen.getByTestId("open-reference");
  await fireEvent.input(input, { target: { value: ` sha256:${HEX} ` } });
  await fireEvent.submit(input.closest("form") as HTMLFormElement);
  expect(onopen).toHaveBeenCalledWith(`sha256:${HEX}`);
});

test("a tag whose graph was checked shows its verdict; a trust change forgets it", async () => {
  const { artifactVerdicts, trustChanged, verdictKey } = await import("../../src/signature/trust.svelte");
  const { container } = setup();
  await waitFor(() => expect(container.querySelector(".badge.sig")).not.toBeNull());
  const badge = () => container.querySelector(".badge.sig");
  artifactVerdicts.set(verdictKey("reg", "app", "sha256:" + "b".repeat(64)), "verified");
  await waitFor(() => expect(badge()?.textContent?.trim()).toBe("✓ verified"));
  artifactVerdicts.set(verdictKey("reg", "app", "sha256:" + "b".repeat(64)), "failed");
  await waitFor(() => expect(badge()?.textContent?.trim()).toBe("✗ failed"));
  // Another repository's verdict for the same digest is not this one's.
  trustChanged();
  artifactVerdicts.set(verdictKey("reg", "other", "sha256:" + "b".repeat(64)), "verified");
  await waitFor(() => expect(badge()?.textContent?.trim()).toBe("signature"));
});

test("a digest tag row says what it is and keeps its suffix apart from the hex that may be cut", async () => {
  const { container } = setup();
  await fireEvent.click(screen.getByTestId("digest-toggle"));
  const row = (tag: string) => [...container.querySelectorAll('[role="option"]')].find((r) => r.querySelector(".tag")?.textContent === tag);
  for (const [tag, label] of [[`sha256-${HEX}.sig`, "cosign signature"], [`sha256-${HEX}.att`, "cosign attestation"], [`sha256-${HEX}`, "referrers index"]] as const) {
    const r = row(tag);
    expect(r?.querySelector('[data-testid="digest-tag-kind"]')?.textContent, tag).toBe(label);
    expect(r?.querySelector(".tail")?.textContent, tag).toBe(tag.slice(tag.length - (tag.endsWith(HEX) ? 6 : 10)));
  }
  expect(row("v1")?.querySelector('[data-testid="digest-tag-kind"]')).toBeNull();
});

test("from the filter, ↓ goes into the list, Enter opens the highlighted tag, ↑ on the first row comes back", async () => {
  const { onopen } = setup();
  const filter = screen.getByTestId("tag-filter");
  await fireEvent.input(filter, { target: { value: "v" } });
  await fireEvent.keyDown(filter, { key: "ArrowDown" });
  const list = screen.getByTestId("tag-list");
  expect(document.activeElement).toBe(list);
  expect(list.getAttribute("aria-activedescendant")).toBe("tag-list-0");
  await fireEvent.keyDown(list, { key: "ArrowDown" });
  await fireEvent.keyDown(list, { key: "Enter" });
  expect(onopen).toHaveBeenCalledWith("v2");
  await fireEvent.keyDown(list, { key: "ArrowUp" });
  await fireEvent.keyDown(list, { key: "ArrowUp" });
  expect(document.activeElement).toBe(filter);
  // Enter in the filter opens the only match; with several and none highlighted it does nothing.
  onopen.mockClear();
  await fireEvent.keyDown(filter, { key: "Enter" });
  expect(onopen).not.toHaveBeenCalled();
  await fireEvent.input(filter, { target: { value: "lat" } });
  await fireEvent.keyDown(filter, { key: "Enter" });
  expect(onopen).toHaveBeenCalledWith("latest");
});

test("a new filter leaves nothing highlighted, so Enter cannot open a tag that moved under the old index", async () => {
  const { onopen } = setup();
  const filter = screen.getByTestId("tag-filter");
  await fireEvent.keyDown(filter, { key: "ArrowDown" });
  await fireEvent.input(filter, { target: { value: "v" } });
  await waitFor(() => expect(screen.getByTestId("tag-list").getAttribute("aria-activedescendant")).toBeNull());
  await fireEvent.keyDown(filter, { key: "Enter" });
  expect(onopen).not.toHaveBeenCalled();
});

test("tags sort by name or by version, newest first", async () => {
  const { shown } = setup();
  const order = screen.getByTestId("tag-order") as HTMLSelectElement;
  const choose = (value: string) => fireEvent.change(order, { target: { value } });
  await choose("name");
  expect(shown()).toEqual(["latest", "v1", "v2"]);
  await choose("version");
  expect(shown()).toEqual(["latest", "v2", "v1"]);
});

test("a row's tooltip goes when the pointer leaves, and when the row shows another tag", async () => {
  vi.useFakeTimers();
  try {
    const { container } = setup();
    const tag = container.querySelector('[role="option"] .tag') as HTMLElement;
    await fireEvent.pointerEnter(tag);
    await vi.advanceTimersByTimeAsync(1000);
    expect(document.querySelector('[role="tooltip"]')?.textContent).toBe("v1");
    await fireEvent.pointerLeave(tag);
    expect(document.querySelector('[role="tooltip"]')).toBeNull();
    await fireEvent.pointerEnter(tag);
    await vi.advanceTimersByTimeAsync(1000);
    expect(document.querySelector('[role="tooltip"]')).not.toBeNull();
    await fireEvent.input(screen.getByTestId("tag-filter"), { target: { value: "v2" } });
    expect(document.querySelector('[role="tooltip"]')).toBeNull();
  } finally {
    vi.useRealTimers();
  }
});
