// How an SBOM is named on screen: by format, tool and platform, which is how people tell the
// SBOMs of one image apart ("SPDX 2.3 · syft 1.4 · linux/arm64").
import type { SbomSummary } from "../ipc";
import { shortDigest } from "../lib/format";

export function formatTitle(s: SbomSummary): string {
  const d = s.document;
  return d ? `${d.formatName} ${d.specVersion}` : "Unreadable SBOM";
}

/** The first tool, without the "Tool: " prefix SPDX writes. */
export function toolOf(s: SbomSummary): string | null {
  const tool = s.document?.tools[0];
  return tool ? tool.replace(/^Tool:\s*/i, "") : null;
}

/** One line for a switcher or a picker. */
export function sbomTitle(s: SbomSummary): string {
  const parts = [formatTitle(s)];
  const tool = toolOf(s);
  if (tool) parts.push(tool);
  if (s.platform) parts.push(s.platform);
  else if (s.path) parts.push(s.path.split(/[\\/]/).pop() ?? s.path);
  else if (s.manifest) parts.push(shortDigest(s.manifest, 8));
  return parts.join(" · ");
}

/** A file name for Save as and Export: the SBOM's own name, else its subject's. */
export function fileStem(s: SbomSummary, fallback: string): string {
  const base = s.path?.split(/[\\/]/).pop()?.replace(/\.[^.]+$/, "") ?? s.document?.name ?? fallback;
  const platform = s.platform ? `-${s.platform.replace(/\//g, "-")}` : "";
  return `${base}${platform}`.replace(/[^A-Za-z0-9._-]+/g, "-").slice(0, 100) || "sbom";
}

/** The extension of the SBOM's own encoding, for "Save SBOM as…". */
export function extensionOf(s: SbomSummary): string {
  const d = s.document;
  if (s.wrappers.length && s.wrappers[0] !== "in-toto") return s.wrappers[0] === "gzip" ? "gz" : s.wrappers[0] === "zstd" ? "zst" : "json";
  if (!d) return "json";
  if (d.encoding === "XML") return "xml";
  if (d.encoding === "tag-value") return "spdx";
  if (d.encoding === "YAML") return "yaml";
  return "json";
}
