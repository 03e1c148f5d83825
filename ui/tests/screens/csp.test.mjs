// The screen tests' server must send exactly the CSP the app ships with (src-tauri/tauri.conf.json):
// a weaker test policy would let a violation pass here and fail only in the real webview.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { serve, TAURI_CONF } from "./server.mjs";

/**
 * A policy as directive -> sorted sources, so order and spacing do not matter.
 * @param {string} policy
 */
function directives(policy) {
  return new Map(
    policy
      .split(";")
      .map((d) => d.trim().split(/\s+/))
      .filter((words) => words[0])
      .map(([name, ...sources]) => [name.toLowerCase(), sources.sort()]),
  );
}

test("the screen-test server sends the CSP of src-tauri/tauri.conf.json, directive for directive", async () => {
  const conf = JSON.parse(await readFile(TAURI_CONF, "utf8"));
  const declared = conf.app.security.csp;
  const expected =
    typeof declared === "string"
      ? directives(declared)
      : new Map(
          Object.entries(declared).map(([name, sources]) => [
            name.toLowerCase(),
            (Array.isArray(sources) ? sources : String(sources).trim().split(/\s+/)).sort(),
          ]),
        );
  assert.ok(expected.size > 0, "tauri.conf.json declares a CSP");

  const server = await serve(fileURLToPath(new URL(".", import.meta.url)));
  try {
    const response = await fetch(`${server.url}/index.html`);
    assert.equal(response.status, 200);
    const sent = response.headers.get("content-security-policy");
    assert.ok(sent, "the server sends a CSP");
    assert.deepEqual(directives(sent), expected);
  } finally {
    await server.close();
  }
});
