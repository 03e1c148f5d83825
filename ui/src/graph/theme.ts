// Colours and icons of the graph, per kind and per theme. Cytoscape draws on a canvas and cannot
// read CSS variables, so the palette lives here and the stylesheet is rebuilt when the OS theme flips.
import type { ViewKind } from "./model";

export type Theme = "light" | "dark";

export type Palette = {
  background: string;
  surface: string;
  text: string;
  muted: string;
  edge: string;
  referrerEdge: string;
  error: string;
  /** A verified signature's border. */
  ok: string;
  match: string;
  selected: string;
  kinds: Record<ViewKind, string>;
};

export const PALETTES: Record<Theme, Palette> = {
  light: {
    background: "#f7f8fa",
    surface: "#ffffff",
    text: "#1b1f24",
    muted: "#5b6470",
    edge: "#9aa3ae",
    referrerEdge: "#7c8794",
    error: "#d1242f",
    ok: "#1a7f37",
    match: "#f5c400",
    selected: "#0a66d8",
    kinds: {
      index: "#7c3aed",
      image: "#1f6feb",
      signature: "#1a7f37",
      sbom: "#b35900",
      attestation: "#0e7c86",
      "helm-chart": "#3b4cca",
      wasm: "#bf3989",
      artifact: "#57606a",
      config: "#6e7781",
      layer: "#6e7781",
      tag: "#cf222e",
      layers: "#6e7781",
    },
  },
  dark: {
    background: "#14171c",
    surface: "#1e232b",
    text: "#e6e9ee",
    muted: "#9aa4b1",
    edge: "#586271",
    referrerEdge: "#6f7b8b",
    error: "#ff6b6b",
    ok: "#3fb950",
    match: "#e3b341",
    selected: "#58a6ff",
    kinds: {
      index: "#b18cff",
      image: "#58a6ff",
      signature: "#3fb950",
      sbom: "#f0a14a",
      attestation: "#39c5cf",
      "helm-chart": "#8c9bff",
      wasm: "#ff7bc0",
      artifact: "#a3adb8",
      config: "#8b949e",
      layer: "#8b949e",
      tag: "#ff7b72",
      layers: "#8b949e",
    },
  },
};

// 24x24 line icons (stroke only), drawn in the kind's colour.
const ICON_PATHS: Record<ViewKind, string> = {
  // stacked sheets
  index: '<path d="M4 7h13v13H4z"/><path d="M7 4h13v13"/>',
  // a box
  image: '<path d="M12 3l8 4.5v9L12 21l-8-4.5v-9z"/><path d="M4 7.5l8 4.5 8-4.5M12 12v9"/>',
  // a pen nib / seal
  signature: '<path d="M4 20c3-1 4-3 6-3s2 2 4 2 3-2 6-2"/><path d="M14 4l6 6-8 8H6v-6z"/>',
  // a list document
  sbom: '<path d="M6 3h9l4 4v14H6z"/><path d="M9 10h7M9 14h7M9 18h4"/>',
  // a badge with a check
  attestation: '<circle cx="12" cy="10" r="6"/><path d="M9.5 10l1.8 1.8 3.2-3.3M8.5 15l-1.5 6 5-2.5 5 2.5-1.5-6"/>',
  // a helm wheel
  "helm-chart": '<circle cx="12" cy="12" r="5"/><path d="M12 2v5M12 17v5M2 12h5M17 12h5M5 5l3.5 3.5M15.5 15.5L19 19M5 19l3.5-3.5M15.5 8.5L19 5"/>',
  // a square with "W" strokes
  wasm: '<path d="M4 4h16v16H4z"/><path d="M7 10l1.5 6 2-4 2 4 1.5-6M15 16l1.5-6 1.5 6"/>',
  // a cube outline
  artifact: '<path d="M4 6h16v12H4z"/><path d="M4 10h16"/>',
  // sliders
  config: '<path d="M5 4v16M12 4v16M19 4v16"/><circle cx="5" cy="9" r="2"/><circle cx="12" cy="15" r="2"/><circle cx="19" cy="8" r="2"/>',
  // a layer sheet
  layer: '<path d="M12 4l9 5-9 5-9-5z"/><path d="M3 14l9 5 9-5"/>',
  // a price tag
  tag: '<path d="M3 12V4h8l10 10-8 8z"/><circle cx="7.5" cy="8.5" r="1.5"/>',
  // three layer sheets
  layers: '<path d="M12 3l9 4.5-9 4.5-9-4.5z"/><path d="M3 12l9 4.5 9-4.5M3 16.5l9 4.5 9-4.5"/>',
};

export function iconPaths(kind: ViewKind): string {
  return ICON_PATHS[kind];
}

export function iconSvg(kind: ViewKind, colour: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="24" height="24" viewBox="0 0 24 24" fill="none" stroke="${colour}" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round">${ICON_PATHS[kind]}</svg>`;
}

/** Data URIs are allowed by the CSP (img-src data:) and need no request. */
export function iconUri(kind: ViewKind, colour: string): string {
  return `data:image/svg+xml;utf8,${encodeURIComponent(iconSvg(kind, colour))}`;
}

export const KINDS: ViewKind[] = ["tag", "index", "image", "signature", "sbom", "attestation", "helm-chart", "wasm", "artifact", "config", "layer", "layers"];

export function currentTheme(): Theme {
  return typeof matchMedia === "function" && matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
}
