// The Cytoscape stylesheet: one colour and icon per kind, states as classes (.match, .dim, .error).
import type { StylesheetJson } from "cytoscape";
import { iconUri, KINDS, PALETTES, type Theme } from "./theme";

export const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';

export const NODE_BORDER = 1.5;
/** Node labels' size in model pixels: on screen they are this times the zoom. */
export const NODE_FONT_SIZE = 11;
/** Edge labels ("config", "cosign tag") are smaller than node labels; below the zoom where they
 * would be drawn under EDGE_MIN_PX on screen they are left out rather than drawn as smudges. */
export const EDGE_FONT_SIZE = 10;
const EDGE_MIN_PX = 8;
/** How much of its kind's colour a node's fill takes on a lite graph; the label stays readable. */
const LITE_TINT = 0.3;

/**
 * `amount` of `colour` over `base` (both #rrggbb), as an opaque colour: a translucent fill would
 * let the edges through under the label.
 */
export function tint(colour: string, base: string, amount: number): string {
  const channel = (hex: string, i: number) => parseInt(hex.slice(1 + 2 * i, 3 + 2 * i), 16);
  const mixed = [0, 1, 2].map((i) => Math.round(channel(colour, i) * amount + channel(base, i) * (1 - amount)));
  return `#${mixed.map((v) => v.toString(16).padStart(2, "0")).join("")}`;
}

/** Above this many nodes the graph is drawn lighter: no icons, straight unlabelled edges. */
export const LITE_ABOVE = 800;

/**
 * `lite` trades looks for frame time on big graphs: icons (an image per node), two-line labels,
 * bezier edges with arrows and edge labels dominate Cytoscape's styling and drawing, and at the
 * zoom that fits a thousand nodes none of them can be read anyway.
 */
export function graphStyle(theme: Theme, lite = false): StylesheetJson {
  const p = PALETTES[theme];
  const sheet: StylesheetJson = [
    {
      selector: "node",
      style: {
        shape: "round-rectangle",
        width: "data(width)",
        height: "data(height)",
        "background-color": p.surface,
        "border-width": NODE_BORDER,
        "border-color": p.edge,
        label: "data(label)",
        "font-family": FONT,
        "font-size": NODE_FONT_SIZE,
        "line-height": 1.35,
        color: p.text,
        "text-wrap": "ellipsis",
        "text-max-width": "data(textWidth)",
        "text-valign": "center",
        "text-halign": "center",
        // The icon sits on the left; the label is centred in what is left of the box.
        "text-margin-x": 13,
        "background-image-containment": "inside",
        "background-width": 18,
        "background-height": 18,
        "background-position-x": 11,
        "background-position-y": "50%",
        "background-clip": "none",
        "min-zoomed-font-size": 5,
      },
    },
    {
      selector: "node[label]",
      style: { "text-wrap": "wrap" },
    },
    {
      selector: "edge",
      style: {
        width: 1.25,
        "curve-style": "bezier",
        "line-color": p.edge,
        "target-arrow-color": p.edge,
        "target-arrow-shape": "triangle",
        "arrow-scale": 0.75,
        label: "data(label)",
        "font-family": FONT,
        "font-size": EDGE_FONT_SIZE,
        color: p.muted,
        "text-background-color": p.background,
        "text-background-opacity": 1,
        "text-background-padding": "2px",
        "text-background-shape": "roundrectangle",
        "min-zoomed-font-size": EDGE_MIN_PX,
      },
    },
    {
      selector: "edge.referrer",
      style: {
        "line-style": "dashed",
        "line-dash-pattern": [5, 3],
        "line-color": p.referrerEdge,
        "target-arrow-color": p.referrerEdge,
      },
    },
  ];
  for (const kind of KINDS) {
    const colour = p.kinds[kind];
    sheet.push({
      selector: `node[kind = "${kind}"]`,
      // Zoomed out far enough to fit a thousand nodes, a border is thinner than a pixel: the
      // kind's colour has to be in the fill to be seen.
      style: lite ? { "border-color": colour, "background-color": tint(colour, p.surface, LITE_TINT) } : { "border-color": colour, "background-image": iconUri(kind, colour) },
    });
  }
  if (lite) {
    sheet.push(
      // One line, unwrapped: measuring and wrapping two lines per node is a good part of what
      // styling a thousand new nodes costs. The digest is in the details panel.
      { selector: "node", style: { shape: "rectangle", label: "data(title)", "text-wrap": "none", "text-margin-x": 0, "min-zoomed-font-size": 8 } },
      { selector: "edge", style: { "curve-style": "haystack", "haystack-radius": 0, label: "", "target-arrow-shape": "none" } },
    );
  }
  sheet.push(
    {
      selector: 'node[kind = "tag"]',
      style: { shape: "round-tag", "background-color": p.surface, "font-weight": "bold" },
    },
    {
      selector: 'node[kind = "layers"]',
      style: { "border-style": "dashed" },
    },
    {
      selector: "node.folded",
      style: { "border-style": "double", "border-width": 4 },
    },
    {
      // A signature or attestation checked in the background: verified, or failed.
      selector: "node.verified",
      style: { "border-color": p.ok, "border-width": 3.5 },
    },
    {
      selector: "node.unverified",
      style: { "border-color": p.error, "border-width": 2.5, "border-style": "dashed" },
    },
    {
      selector: "node.error",
      style: { "border-color": p.error, "border-width": 2.5, color: p.error },
    },
    {
      selector: "node.loading",
      style: { opacity: 0.6 },
    },
    {
      selector: ".dim",
      style: { opacity: 0.18 },
    },
    {
      selector: "node.match",
      style: { "underlay-color": p.match, "underlay-padding": 5, "underlay-opacity": 0.55 },
    },
    {
      selector: "node:selected",
      style: {
        "border-width": 3,
        "border-color": p.selected,
        "overlay-color": p.selected,
        "overlay-opacity": 0.08,
        "overlay-padding": 0,
      },
    },
    {
      // A file drag over a node that can take referrers.
      selector: "node.drop-ok",
      style: { "underlay-color": p.selected, "underlay-padding": 9, "underlay-opacity": 0.35, "border-width": 3, "border-color": p.selected },
    },
    {
      // A file drag over a layer, a config or a node that failed to load.
      selector: "node.drop-no",
      style: { "underlay-color": p.error, "underlay-padding": 6, "underlay-opacity": 0.25, "border-style": "dashed", "border-color": p.error },
    },
    {
      selector: "edge.touching",
      style: { "line-color": p.selected, "target-arrow-color": p.selected, width: 2, color: p.text },
    },
  );
  return sheet;
}
