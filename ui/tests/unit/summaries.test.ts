import { expect, test, vi } from "vitest";
import type { TagSummary } from "../../src/ipc/bindings";
import { TagSummaries } from "../../src/tags/summaries.svelte";

const summary = (tag: string): TagSummary => ({ tag, digest: null, signed: tag.endsWith("s"), sbom: false, attestation: false, error: null });

test("waits for scrolling to settle, then asks only for tags it does not know", async () => {
  vi.useFakeTimers();
  const fetch = vi.fn(async (_s: string, _r: string, tags: string[]) => tags.map(summary));
  const s = new TagSummaries("reg", "app", fetch, 100);
  s.request(["a", "b"]);
  s.request(["b", "c"]);
  s.request(["c", "ds"]);
  expect(fetch).not.toHaveBeenCalled();
  await vi.advanceTimersByTimeAsync(100);
  expect(fetch).toHaveBeenCalledTimes(1);
  expect(fetch).toHaveBeenLastCalledWith("reg", "app", ["c", "ds"]);
  expect(s.known.get("ds")?.signed).toBe(true);

  s.request(["c", "ds", "e"]);
  await vi.advanceTimersByTimeAsync(100);
  expect(fetch).toHaveBeenCalledTimes(2);
  expect(fetch).toHaveBeenLastCalledWith("reg", "app", ["e"]);

  s.request(["c", "e"]);
  await vi.advanceTimersByTimeAsync(100);
  expect(fetch).toHaveBeenCalledTimes(2);
  vi.useRealTimers();
});

test("a failed request marks its tags instead of asking again and again", async () => {
  vi.useFakeTimers();
  const fetch = vi.fn(async () => Promise.reject({ code: "unreachable", message: "connection refused" }));
  const s = new TagSummaries("reg", "app", fetch, 10);
  s.request(["a"]);
  await vi.advanceTimersByTimeAsync(10);
  expect(s.known.get("a")?.error).toBe("connection refused");
  s.request(["a"]);
  await vi.advanceTimersByTimeAsync(10);
  expect(fetch).toHaveBeenCalledTimes(1);
  vi.useRealTimers();
});
