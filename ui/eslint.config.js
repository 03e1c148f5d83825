// Flat config: TypeScript and Svelte, zero warnings allowed (npm run lint passes --max-warnings 0).
import js from "@eslint/js";
import svelte from "eslint-plugin-svelte";
import globals from "globals";
import { defineConfig } from "eslint/config";
import ts from "typescript-eslint";
import svelteConfig from "./svelte.config.js";

/** @type {import("eslint").Linter.RulesRecord} */
const onlyIpcTalksToTauri = {
  "no-restricted-imports": [
    "error",
    {
      patterns: [
        {
          group: ["@tauri-apps/*"],
          message: "Only ui/src/ipc/ talks to Tauri: import the typed function from src/ipc instead.",
        },
      ],
    },
  ],
};

export default defineConfig(
  { ignores: ["dist/", "dist-screens/", "test-results/", "node_modules/"] },
  js.configs.recommended,
  ...ts.configs.recommended,
  ...svelte.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      ...onlyIpcTalksToTauri,
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
    },
  },
  {
    files: ["**/*.svelte", "**/*.svelte.ts"],
    languageOptions: {
      parserOptions: {
        projectService: true,
        extraFileExtensions: [".svelte"],
        parser: ts.parser,
        svelteConfig,
      },
    },
  },
  {
    files: ["**/*.svelte"],
    rules: {
      // {@html} is used once, for the JSON highlighter's output, which escapes every token.
      "svelte/no-at-html-tags": "off",
    },
  },
  // The IPC layer is the one place that imports Tauri; the screen-test entry installs Tauri's mocks.
  {
    files: ["src/ipc/**", "tests/screens/**", "tests/unit/**"],
    rules: { "no-restricted-imports": "off" },
  },
);
