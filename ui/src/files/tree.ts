// The rows of the files view: the merged filesystem as a tree (folders first, then names), or a
// flat list of full paths for a search or one layer's changes.
import type { DeletedPath, FileRow } from "../ipc";

export type Row = {
  path: string;
  /** What the row shows: the last component in the tree, the whole path in a flat list. */
  name: string;
  depth: number;
  /** Null for a folder no entry names (its files' parent) and for a deleted path. */
  entry: FileRow | null;
  folder: boolean;
  deleted: DeletedPath | null;
};

export type Tree = {
  byPath: Map<string, FileRow>;
  /** Child paths of each folder ("" is the root), sorted folders first, then by name. */
  children: Map<string, string[]>;
};

const parentOf = (path: string) => {
  const i = path.lastIndexOf("/");
  return i < 0 ? "" : path.slice(0, i);
};
const nameOf = (path: string) => path.slice(path.lastIndexOf("/") + 1);

export function buildTree(entries: readonly FileRow[]): Tree {
  const byPath = new Map(entries.map((e) => [e.path, e]));
  const children = new Map<string, Set<string>>();
  const add = (path: string) => {
    let child = path;
    // Every folder on the way is listed, whether or not the layers name it.
    for (;;) {
      const parent = parentOf(child);
      const set = children.get(parent) ?? new Set<string>();
      if (set.has(child) && parent !== "") return;
      set.add(child);
      children.set(parent, set);
      if (parent === "") return;
      child = parent;
    }
  };
  for (const e of entries) add(e.path);
  const isFolder = (p: string) => children.has(p) || byPath.get(p)?.kind === "dir";
  const sorted = new Map<string, string[]>();
  for (const [parent, set] of children) {
    sorted.set(
      parent,
      [...set].sort((a, b) => Number(isFolder(b)) - Number(isFolder(a)) || nameOf(a).localeCompare(nameOf(b))),
    );
  }
  return { byPath, children: sorted };
}

/** The tree's rows with the folders in `open` unfolded. */
export function treeRows(tree: Tree, open: ReadonlySet<string>): Row[] {
  const rows: Row[] = [];
  const walk = (parent: string, depth: number) => {
    for (const path of tree.children.get(parent) ?? []) {
      const entry = tree.byPath.get(path) ?? null;
      const folder = tree.children.has(path) || entry?.kind === "dir";
      rows.push({ path, name: nameOf(path), depth, entry, folder, deleted: null });
      if (folder && open.has(path)) walk(path, depth + 1);
    }
  };
  walk("", 0);
  return rows;
}

/**
 * Full paths matching `query` (case-insensitive, anywhere in the path), and, with `layer`, only
 * what that layer added, changed or deleted. Deleted paths come with `deleted` set.
 */
export function flatRows(entries: readonly FileRow[], deleted: readonly DeletedPath[], query: string, layer: number | null, withDeleted: boolean): Row[] {
  const q = query.trim().toLowerCase();
  const match = (path: string) => !q || path.toLowerCase().includes(q);
  const rows: Row[] = [];
  for (const e of entries) {
    if (layer !== null && !e.changes.some((c) => c.layer === layer && c.kind !== "deleted")) continue;
    if (match(e.path)) rows.push({ path: e.path, name: e.path, depth: 0, entry: e, folder: e.kind === "dir", deleted: null });
  }
  if (withDeleted || layer !== null) {
    for (const d of deleted) {
      if (layer !== null && d.layer !== layer) continue;
      if (match(d.path)) rows.push({ path: d.path, name: d.path, depth: 0, entry: null, folder: false, deleted: d });
    }
    rows.sort((a, b) => a.path.localeCompare(b.path));
  }
  return rows;
}

/** `drwxr-xr-x`, as `ls -l` writes a mode. */
export function modeText(kind: string, mode: number): string {
  const type = { dir: "d", symlink: "l", hardlink: "h", "char-device": "c", "block-device": "b", fifo: "p" }[kind] ?? "-";
  const bits = "rwxrwxrwx";
  let out = type;
  for (let i = 0; i < 9; i++) out += mode & (0o400 >> i) ? bits[i] : "-";
  return out;
}
