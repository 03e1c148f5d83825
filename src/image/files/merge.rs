//! The merged filesystem of an image: its layers applied bottom first, as a container runtime
//! applies them (the image-spec's changeset rules), remembering which layer did what to each path.
//!
//! Whiteouts and opaque folders apply to the layers below their own; an entry replaces whatever
//! was at its path, and a non-folder replaces a folder with everything in it.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{EntryKind, LayerEntry, LayerListing};

/// How a layer changed a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChangeKind {
    /// The path appeared: nothing was there below, or a lower layer had deleted it.
    Added,
    /// The layer replaced what was at the path (a folder only when its mode or owner differ).
    Changed,
    /// The layer removed the path: by a whiteout, an opaque folder, or a non-folder in place of
    /// a folder holding it.
    Deleted,
}

/// What one layer did to a path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// The layer's index in the image, bottom (0) first.
    pub layer: usize,
    /// Whether it added, changed or deleted the path.
    pub kind: ChangeKind,
}

/// A path as a container sees it, with its history across the layers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MergedEntry {
    /// The path's entry as the topmost layer that wrote it lists it.
    #[serde(flatten)]
    pub entry: LayerEntry,
    /// The layer whose entry this is.
    pub layer: usize,
    /// Every layer that added, changed or deleted the path, bottom first.
    pub changes: Vec<Change>,
}

/// The filesystem after every layer, and what was deleted on the way.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MergedTree {
    /// By path, in byte order (a folder before what is in it).
    pub entries: BTreeMap<String, MergedEntry>,
    /// Paths some layer deleted (and no later layer put back), with their history.
    pub deleted: BTreeMap<String, Vec<Change>>,
}

/// Applies `layers` (bottom first).
pub fn merge(layers: &[LayerListing]) -> MergedTree {
    let mut tree = MergedTree::default();
    for (n, layer) in layers.iter().enumerate() {
        // This layer's whiteouts act on the layers below, whatever their order in the archive.
        for e in &layer.entries {
            match e.kind {
                EntryKind::Whiteout => remove(&mut tree, &e.path, n),
                EntryKind::OpaqueDir => remove_below(&mut tree, &e.path, n),
                _ => {}
            }
        }
        for e in layer.entries.iter().filter(|e| {
            !matches!(e.kind, EntryKind::Whiteout | EntryKind::OpaqueDir) && !e.path.is_empty()
        }) {
            if e.kind != EntryKind::Dir {
                // A file where a folder was hides what the folder held.
                remove_below(&mut tree, &e.path, n);
            }
            let (mut changes, kind) = match tree.entries.remove(&e.path) {
                // Layers list a folder again for what they add inside it: that changes the
                // folder only when its own attributes differ.
                Some(old) if same_folder(&old.entry, e) => {
                    tree.entries.insert(e.path.clone(), old);
                    continue;
                }
                Some(old) => (old.changes, ChangeKind::Changed),
                // Deleted below and written again: added back, its history kept.
                None => (
                    tree.deleted.remove(&e.path).unwrap_or_default(),
                    ChangeKind::Added,
                ),
            };
            changes.push(Change { layer: n, kind });
            tree.entries.insert(
                e.path.clone(),
                MergedEntry {
                    entry: e.clone(),
                    layer: n,
                    changes,
                },
            );
        }
    }
    tree
}

fn same_folder(old: &LayerEntry, new: &LayerEntry) -> bool {
    old.kind == EntryKind::Dir
        && new.kind == EntryKind::Dir
        && (old.mode, old.uid, old.gid) == (new.mode, new.uid, new.gid)
}

/// Deletes `path` and everything below it.
fn remove(tree: &mut MergedTree, path: &str, layer: usize) {
    if let Some(old) = tree.entries.remove(path) {
        let mut changes = old.changes;
        changes.push(Change {
            layer,
            kind: ChangeKind::Deleted,
        });
        tree.deleted.insert(path.to_string(), changes);
    }
    remove_below(tree, path, layer);
}

/// Deletes everything below the folder `path` (the root when empty), recording each.
fn remove_below(tree: &mut MergedTree, path: &str, layer: usize) {
    let prefix = if path.is_empty() {
        String::new()
    } else {
        format!("{path}/")
    };
    let below: Vec<String> = tree
        .entries
        .range(prefix.clone()..)
        .take_while(|(p, _)| p.starts_with(&prefix))
        .map(|(p, _)| p.clone())
        .collect();
    for p in below {
        if let Some(old) = tree.entries.remove(&p) {
            let mut changes = old.changes;
            changes.push(Change {
                layer,
                kind: ChangeKind::Deleted,
            });
            tree.deleted.insert(p, changes);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::digest::Digest;

    fn entry(path: &str, kind: EntryKind, size: u64) -> LayerEntry {
        LayerEntry {
            path: path.into(),
            kind,
            size,
            mode: 0o644,
            uid: 0,
            gid: 0,
            mtime: 0,
            link: None,
        }
    }

    fn layer(n: u8, entries: Vec<LayerEntry>) -> LayerListing {
        LayerListing {
            digest: Digest::sha256_of(&[n]),
            compression: "none".into(),
            uncompressed_size: 0,
            entries,
            refused: vec![],
        }
    }

    #[test]
    fn whiteouts_opaque_folders_and_replacements_apply_in_order() {
        use EntryKind::*;
        let layers = [
            layer(
                0,
                vec![
                    entry("etc", Dir, 0),
                    entry("etc/a", File, 1),
                    entry("etc/b", File, 2),
                    entry("opt", Dir, 0),
                    entry("opt/x", File, 3),
                    entry("var", Dir, 0),
                    entry("var/log", Dir, 0),
                    entry("var/log/l", File, 4),
                ],
            ),
            layer(
                1,
                vec![
                    entry("etc", Dir, 0),
                    entry("etc/a", File, 10),
                    // The whiteout comes after a new entry in the archive: still only below.
                    entry("etc/b", Whiteout, 0),
                    entry("opt", OpaqueDir, 0),
                    entry("opt/y", File, 5),
                    entry("var/log", File, 6),
                ],
            ),
            layer(2, vec![entry("etc/b", File, 7)]),
        ];
        let tree = merge(&layers);
        let paths: Vec<&str> = tree.entries.keys().map(String::as_str).collect();
        assert_eq!(
            paths,
            ["etc", "etc/a", "etc/b", "opt", "opt/y", "var", "var/log"]
        );
        let a = &tree.entries["etc/a"];
        assert_eq!((a.layer, a.entry.size), (1, 10));
        assert_eq!(
            a.changes.iter().map(|c| c.kind).collect::<Vec<_>>(),
            [ChangeKind::Added, ChangeKind::Changed]
        );
        let b = &tree.entries["etc/b"];
        assert_eq!(
            b.changes
                .iter()
                .map(|c| (c.layer, c.kind))
                .collect::<Vec<_>>(),
            [
                (0, ChangeKind::Added),
                (1, ChangeKind::Deleted),
                (2, ChangeKind::Added)
            ]
        );
        assert_eq!(tree.entries["var/log"].entry.kind, File);
        let gone: Vec<&str> = tree.deleted.keys().map(String::as_str).collect();
        assert_eq!(gone, ["opt/x", "var/log/l"]);
    }
}
