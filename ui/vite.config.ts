import { defineConfig } from "vitest/config";
import { svelte } from "@sveltejs/vite-plugin-svelte";
import { svelteTesting } from "@testing-library/svelte/vite";

// Tauri loads ui/dist (frontendDist "../ui/dist") and, in dev, http://localhost:1420.
export default defineConfig({
  // svelteTesting: browser builds of Svelte under vitest, and DOM cleanup after each test.
  plugins: [svelte(), ...(process.env.VITEST ? [svelteTesting()] : [])],
  clearScreen: false,
  server: {
    port: 1420,
    strictPort: true,
    host: "127.0.0.1",
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    // The webview is local: one chunk for the app, one for the graph libraries.
    chunkSizeWarningLimit: 2000,
    rolldownOptions: { checks: { bundlerTimings: false } },
  },
  worker: {
    format: "es",
    // The worker bundles ELK (1.5 MB of generated code); its transform time is expected, not news.
    rolldownOptions: { checks: { bundlerTimings: false } },
  },
  test: {
    environment: "happy-dom",
    include: ["src/**/*.test.ts", "tests/unit/**/*.test.ts"],
  },
});
