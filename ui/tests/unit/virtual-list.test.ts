import { fireEvent, render } from "@testing-library/svelte";
import { createRawSnippet } from "svelte";
import { expect, test, vi } from "vitest";
import VirtualList from "../../src/components/VirtualList.svelte";

const items = Array.from({ length: 10_000 }, (_, i) => `tag-${i}`);
const row = createRawSnippet((item: () => string) => ({ render: () => `<span class="cell">${item()}</span>` }));

function rows(container: HTMLElement) {
  return [...container.querySelectorAll('[role="option"]')].map((r) => r.textContent?.trim());
}

test("10,000 rows render fewer than 100 DOM rows, and scrolling moves the window", async () => {
  const onrange = vi.fn();
  const { container } = render(VirtualList<string>, { items, rowHeight: 30, label: "Tags", row, onrange, testid: "list" });
  const first = rows(container);
  expect(first.length).toBeGreaterThan(10);
  expect(first.length).toBeLessThan(100);
  expect(first[0]).toBe("tag-0");

  const viewport = container.querySelector('[data-testid="list"]') as HTMLElement;
  // The spacer keeps the full height, so the scrollbar is right.
  expect((viewport.firstElementChild as HTMLElement).style.height).toBe("300000px");
  viewport.scrollTop = 5000 * 30;
  await fireEvent.scroll(viewport);
  const middle = rows(container);
  expect(middle.length).toBeLessThan(100);
  expect(middle).toContain("tag-5000");
  expect(middle).not.toContain("tag-0");
  expect(onrange).toHaveBeenLastCalledWith(expect.any(Number), expect.any(Number));
  const [start, end] = onrange.mock.lastCall as [number, number];
  expect(start).toBeLessThanOrEqual(5000);
  expect(end).toBeGreaterThan(5000);

  viewport.scrollTop = 9_999 * 30;
  await fireEvent.scroll(viewport);
  expect(rows(container)).toContain("tag-9999");
});

test("keys move the active row and Enter opens it", async () => {
  const onactivate = vi.fn();
  const onactivechange = vi.fn();
  const { container, rerender } = render(VirtualList<string>, { items, rowHeight: 30, label: "Tags", row, activeIndex: 3, onactivate, onactivechange, testid: "list" });
  const viewport = container.querySelector('[data-testid="list"]') as HTMLElement;
  await fireEvent.keyDown(viewport, { key: "ArrowDown" });
  expect(onactivechange).toHaveBeenLastCalledWith(4);
  await fireEvent.keyDown(viewport, { key: "End" });
  expect(onactivechange).toHaveBeenLastCalledWith(9_999);
  await rerender({ activeIndex: 9_999 });
  expect(container.querySelector('[aria-selected="true"]')?.textContent?.trim()).toBe("tag-9999");
  await fireEvent.keyDown(viewport, { key: "Enter" });
  expect(onactivate).toHaveBeenLastCalledWith(9_999);
});
