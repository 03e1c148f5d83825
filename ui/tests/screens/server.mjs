// A static server for the mocked build, sending the app's production CSP so a violation fails
// the screen tests here instead of in the webview. The CSP is read from src-tauri/tauri.conf.json,
// the file the app is built with, so the two cannot drift apart (csp.test.mjs checks it).
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";

export const TAURI_CONF = fileURLToPath(new URL("../../../src-tauri/tauri.conf.json", import.meta.url));

/**
 * The app's CSP (`app.security.csp` of tauri.conf.json: a string, or directives whose sources are
 * a string or a list) as one header value.
 * @param {any} conf the parsed tauri.conf.json
 * @returns {string}
 */
export function cspOf(conf) {
  const csp = conf?.app?.security?.csp;
  if (typeof csp === "string") return csp;
  if (!csp || typeof csp !== "object") throw new Error(`${TAURI_CONF} declares no app.security.csp`);
  return Object.entries(csp)
    .map(([directive, sources]) => `${directive} ${Array.isArray(sources) ? sources.join(" ") : sources}`)
    .join("; ");
}

export const CSP = cspOf(JSON.parse(readFileSync(TAURI_CONF, "utf8")));

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".json": "application/json",
};

/**
 * Serves `root` on a free loopback port.
 * @param {string} root
 * @returns {Promise<{ url: string, close: () => Promise<unknown> }>}
 */
export function serve(root) {
  const server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname)).replace(/^(\.\.[/\\])+/, "");
    try {
      const body = await readFile(join(root, path));
      res.writeHead(200, {
        "content-type": TYPES[/** @type {keyof typeof TYPES} */ (extname(path))] ?? "application/octet-stream",
        "content-security-policy": CSP,
      });
      res.end(body);
    } catch {
      res.writeHead(404);
      res.end("not found");
    }
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      resolve({ url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(() => r(undefined))) });
    });
  });
}
