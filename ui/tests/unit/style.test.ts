import { expect, test } from "vitest";
import { graphStyle, tint } from "../../src/graph/style";
import { PALETTES } from "../../src/graph/theme";

test("a tint is the colour mixed into the base, opaque", () => {
  expect(tint("#ff0000", "#ffffff", 0.3)).toBe("#ffb3b3");
  expect(tint("#1a7f37", "#1e232b", 0)).toBe("#1e232b");
  expect(tint("#1a7f37", "#1e232b", 1)).toBe("#1a7f37");
});

test("a lite graph fills nodes with their kind's tint, never translucent, and labels them in one line", () => {
  for (const theme of ["light", "dark"] as const) {
    const sheet = graphStyle(theme, true) as Array<{ selector: string; style: Record<string, unknown> }>;
    const signature = sheet.find((r) => r.selector === 'node[kind = "signature"]');
    expect(signature?.style["background-color"]).toBe(tint(PALETTES[theme].kinds.signature, PALETTES[theme].surface, 0.3));
    expect(sheet.some((r) => "background-opacity" in r.style)).toBe(false);
    const lastNodeRule = sheet.filter((r) => r.selector === "node").pop();
    expect(lastNodeRule?.style.label).toBe("data(title)");
    expect(lastNodeRule?.style["text-wrap"]).toBe("none");
  }
  const full = graphStyle("light", false) as Array<{ selector: string; style: Record<string, unknown> }>;
  expect(full.find((r) => r.selector === 'node[kind = "signature"]')?.style["background-image"]).toBeTruthy();
});
