// The SBOM view's first showing in a freshly started app took 260-395 ms in WebKit where a
// second showing takes 100 ms (docs/benchmarks.md, section 10): the difference is WebKit
// running the view's code and laying it out for the first time. So, like the graph's layout
// (warmLayout), the view is shown once as the app starts: offscreen, inert and hidden from
// assistive technology, with a one-package SBOM, then removed.
import { mount, unmount } from "svelte";
import { afterPaint } from "../lib/perf";
import { PackageTable } from "./packages";
import SbomView from "./SbomView.svelte";
import { sboms, type SbomSet } from "./store.svelte";

const HANDLE = "warm-up";

/**
 * Shows the SBOM view offscreen once, on the app's first frame: before anyone (or any test) can
 * have opened the real view, whose test ids the copy repeats for that frame.
 */
export function warmSbomView() {
  requestAnimationFrame(() => void show());
}

async function show() {
  const host = document.createElement("div");
  host.setAttribute("aria-hidden", "true");
  host.inert = true;
  // Laid out like the real view (so styles and layout run), but where nobody sees it.
  host.style.cssText = "position:fixed;left:-10000px;top:0;width:900px;height:600px;visibility:hidden;pointer-events:none";
  document.body.append(host);
  sboms.preload(
    HANDLE,
    new PackageTable({
      names: ["stowage-warm-up"],
      versions: ["1.0.0"],
      licenses: [0],
      ecosystems: [1],
      suppliers: [2],
      purls: [1],
      strings: ["MIT", "npm", "Stowage"],
    }),
  );
  const set: SbomSet = {
    status: "done",
    error: null,
    documents: {
      root: "sha256:0",
      warnings: [],
      sboms: [
        {
          handle: HANDLE,
          manifest: null,
          layer: null,
          mediaType: "application/spdx+json",
          subject: null,
          platform: "linux/amd64",
          via: null,
          path: null,
          wrappers: [],
          error: null,
          document: {
            format: "spdx",
            formatName: "SPDX",
            specVersion: "2.3",
            encoding: "JSON",
            name: "warm-up",
            namespace: null,
            created: null,
            tools: [],
            authors: [],
            packages: 1,
            withLicense: 1,
            withPurl: 1,
            files: 0,
            dependencies: 0,
          },
        },
      ],
    },
  };
  const view = mount(SbomView, { target: host, props: { set, pick: null, title: "warm-up", repo: null, onclose: () => {} } });
  try {
    await afterPaint();
  } finally {
    await unmount(view);
    host.remove();
    sboms.release(HANDLE);
  }
}
