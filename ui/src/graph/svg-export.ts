// Writes the graph as it is drawn (positions, colours, icons, labels) as a standalone SVG.
// Our own serializer, so export needs no extra Cytoscape extension; every text is XML-escaped.
import type { Core } from "cytoscape";
import { EDGE_FONT_SIZE, FONT, NODE_FONT_SIZE } from "./style";
import { iconPaths, PALETTES, type Theme } from "./theme";
import type { ViewKind } from "./model";

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[c] ?? c);
}

const r = (n: number) => Math.round(n * 10) / 10;

export function graphSvg(cy: Core, theme: Theme): string {
  const p = PALETTES[theme];
  const box = cy.elements().boundingBox({ includeLabels: true });
  const pad = 24;
  const x0 = box.x1 - pad;
  const y0 = box.y1 - pad;
  const w = box.w + pad * 2;
  const h = box.h + pad * 2;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${r(w)}" height="${r(h)}" viewBox="${r(x0)} ${r(y0)} ${r(w)} ${r(h)}" font-family="${escapeXml(FONT)}">`,
    `<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="${p.edge}"/></marker></defs>`,
    `<rect x="${r(x0)}" y="${r(y0)}" width="${r(w)}" height="${r(h)}" fill="${p.background}"/>`,
  );
  cy.edges(":visible").forEach((e) => {
    const s = e.sourceEndpoint();
    const t = e.targetEndpoint();
    const dashed = e.hasClass("referrer") ? ' stroke-dasharray="5 3"' : "";
    parts.push(`<line x1="${r(s.x)}" y1="${r(s.y)}" x2="${r(t.x)}" y2="${r(t.y)}" stroke="${p.edge}" stroke-width="1.25"${dashed} marker-end="url(#arrow)"/>`);
    const label = String(e.data("label") ?? "");
    if (label) {
      const mx = (s.x + t.x) / 2;
      const my = (s.y + t.y) / 2;
      const lw = label.length * EDGE_FONT_SIZE * 0.58 + 6;
      parts.push(
        `<rect x="${r(mx - lw / 2)}" y="${r(my - 7)}" width="${r(lw)}" height="14" rx="3" fill="${p.background}"/>`,
        `<text x="${r(mx)}" y="${r(my + 3)}" font-size="${EDGE_FONT_SIZE}" text-anchor="middle" fill="${p.muted}">${escapeXml(label)}</text>`,
      );
    }
  });
  cy.nodes(":visible").forEach((n) => {
    const kind = n.data("kind") as ViewKind;
    const pos = n.position();
    const nw = n.width();
    const nh = n.height();
    const left = pos.x - nw / 2;
    const top = pos.y - nh / 2;
    const colour = n.hasClass("error") ? p.error : p.kinds[kind];
    const dashed = kind === "layers" ? ' stroke-dasharray="4 3"' : "";
    parts.push(
      `<g><rect x="${r(left)}" y="${r(top)}" width="${r(nw)}" height="${r(nh)}" rx="6" fill="${p.surface}" stroke="${colour}" stroke-width="1.5"${dashed}/>`,
      `<svg x="${r(left + 11)}" y="${r(pos.y - 9)}" width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="${p.kinds[kind]}" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round">${iconPaths(kind)}</svg>`,
    );
    const lines = String(n.data("label") ?? "").split("\n");
    const lineHeight = 14.5;
    const firstY = pos.y - ((lines.length - 1) * lineHeight) / 2 + 4;
    lines.forEach((line, i) => {
      parts.push(
        `<text x="${r(pos.x + 13)}" y="${r(firstY + i * lineHeight)}" font-size="${NODE_FONT_SIZE}" text-anchor="middle" fill="${n.hasClass("error") ? p.error : p.text}">${escapeXml(line)}</text>`,
      );
    });
    parts.push("</g>");
  });
  parts.push("</svg>");
  return parts.join("\n");
}
