import { expect, test, vi } from "vitest";

// The warm-up must never ask the shell: its table is preloaded, and released after.
const sbomRows = vi.fn(async () => ({ names: [], versions: [], licenses: [], ecosystems: [], suppliers: [], purls: [], strings: [] }));
vi.mock("../../src/ipc", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../src/ipc")>()),
  sbomRows: () => sbomRows(),
}));
const { warmSbomView } = await import("../../src/sbom/warmup");
const { sboms } = await import("../../src/sbom/store.svelte");

test("the SBOM view is shown once, offscreen and inert, and nothing of it stays", async () => {
  const shown: Array<{ inert: boolean; hidden: string | null; left: string }> = [];
  const observer = new MutationObserver(() => {
    for (const el of document.body.children) {
      const host = el as HTMLElement;
      if (host.textContent?.includes("stowage-warm-up")) {
        shown.push({ inert: host.inert, hidden: host.getAttribute("aria-hidden"), left: host.style.left });
      }
    }
  });
  observer.observe(document.body, { childList: true, subtree: true, characterData: true });
  warmSbomView();
  await vi.waitFor(() => expect(shown.length).toBeGreaterThan(0));
  expect(shown[0]).toEqual({ inert: true, hidden: "true", left: "-10000px" });
  await vi.waitFor(() => expect(document.body.children.length).toBe(0));
  observer.disconnect();
  expect(sbomRows).not.toHaveBeenCalled();
  // Released: asking for the table again would go to the shell.
  expect(sboms.table("warm-up").status).toBe("loading");
  expect(sbomRows).toHaveBeenCalledTimes(1);
});
