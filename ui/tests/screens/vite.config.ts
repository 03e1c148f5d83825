// Builds the app with mocked IPC (tests/screens/index.html -> mock-entry.ts) for the screen tests.
import { svelte } from "@sveltejs/vite-plugin-svelte";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const ui = fileURLToPath(new URL("../..", import.meta.url));

export default defineConfig({
  root: ui,
  plugins: [svelte()],
  logLevel: "warn",
  build: {
    outDir: "dist-screens",
    emptyOutDir: true,
    target: "es2022",
    chunkSizeWarningLimit: 4000,
    rolldownOptions: { input: fileURLToPath(new URL("./index.html", import.meta.url)), checks: { bundlerTimings: false } },
  },
  worker: {
    format: "es",
    // The worker bundles ELK (1.5 MB of generated code); its transform time is expected, not news.
    rolldownOptions: { checks: { bundlerTimings: false } },
  },
});
