import { describe, expect, test } from "vitest";
import type { FileRow } from "../ipc";
import { buildTree, flatRows, modeText, treeRows } from "./tree";

const row = (path: string, kind = "file", layer = 0, changes: FileRow["changes"] = [{ layer, kind: "added" }]): FileRow => ({
  path,
  kind,
  size: 1,
  mode: kind === "dir" ? 0o755 : 0o644,
  uid: 0,
  gid: 0,
  mtime: 0,
  link: null,
  layer,
  changes,
});

describe("files tree", () => {
  const entries = [row("etc", "dir"), row("etc/passwd"), row("usr/bin/sh", "file", 1), row("a.txt"), row("etc/ssl", "dir")];
  const tree = buildTree(entries);

  test("folders first then names; folders no entry names still appear", () => {
    expect(treeRows(tree, new Set()).map((r) => r.path)).toEqual(["etc", "usr", "a.txt"]);
    const open = treeRows(tree, new Set(["etc", "usr", "usr/bin"]));
    expect(open.map((r) => `${"  ".repeat(r.depth)}${r.name}`)).toEqual(["etc", "  ssl", "  passwd", "usr", "  bin", "    sh", "a.txt"]);
    expect(open.find((r) => r.path === "usr")?.entry).toBeNull();
    expect(open.find((r) => r.path === "usr")?.folder).toBe(true);
  });

  test("a search is a flat list of paths; a layer shows what it did, deletions included", () => {
    expect(flatRows(entries, [], "SH", null, false).map((r) => r.path)).toEqual(["usr/bin/sh"]);
    const deleted = [{ path: "tmp/x", layer: 1 }];
    expect(flatRows(entries, deleted, "", 1, false).map((r) => [r.path, r.deleted !== null])).toEqual([
      ["tmp/x", true],
      ["usr/bin/sh", false],
    ]);
  });

  test("modes read as ls -l writes them", () => {
    expect(modeText("dir", 0o755)).toBe("drwxr-xr-x");
    expect(modeText("file", 0o4755 & 0o777)).toBe("-rwxr-xr-x");
    expect(modeText("symlink", 0o777)).toBe("lrwxrwxrwx");
  });
});
