//! Property tests of the folder round trip: any tree of folders (empty ones too), files
//! (executable or not) and symbolic links within the tree, with unicode names, packs to the same
//! bytes every time, unpacks to the same tree byte for byte, and packs again to the same bytes.

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::{symlink, PermissionsExt};
use std::path::{Path, PathBuf};

use proptest::prelude::*;

use super::{pack_dir, unpack};

#[derive(Debug, Clone)]
enum Kind {
    Dir,
    File {
        content: Vec<u8>,
        executable: bool,
    },
    /// A link to the entry this selects among those made before it.
    Link(usize),
}

/// An entry: the folder it goes in (selected among the folders made before it), its name, and
/// what it is.
type Spec = (usize, String, Kind);

fn name() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 ._~é中ü🙂-]{1,8}".prop_filter("not . or ..", |n| n != "." && n != "..")
}

fn kind() -> impl Strategy<Value = Kind> {
    prop_oneof![
        2 => Just(Kind::Dir),
        3 => (proptest::collection::vec(any::<u8>(), 0..3000), any::<bool>())
            .prop_map(|(content, executable)| Kind::File { content, executable }),
        1 => any::<usize>().prop_map(Kind::Link),
    ]
}

/// What a path is, as compared between two trees.
#[derive(Debug, PartialEq, Eq)]
enum Seen {
    Dir(u32),
    File(Vec<u8>, u32),
    Link(PathBuf),
}

/// Makes the tree `specs` describe under `root` (a folder), with exactly the modes unpacking
/// gives (0755 folders, 0755 or 0644 files), so the two trees compare equal.
fn make_tree(root: &Path, specs: &[Spec]) {
    let mut dirs: Vec<PathBuf> = vec![PathBuf::new()];
    let mut made: Vec<PathBuf> = Vec::new();
    for (parent, name, kind) in specs {
        let parent = dirs[parent % dirs.len()].clone();
        let rel = parent.join(name);
        if root.join(&rel).symlink_metadata().is_ok() {
            continue;
        }
        match kind {
            Kind::Dir => {
                fs::create_dir(root.join(&rel)).unwrap();
                dirs.push(rel.clone());
            }
            Kind::File {
                content,
                executable,
            } => {
                fs::write(root.join(&rel), content).unwrap();
                let mode = if *executable { 0o755 } else { 0o644 };
                fs::set_permissions(root.join(&rel), fs::Permissions::from_mode(mode)).unwrap();
            }
            Kind::Link(target) => {
                if made.is_empty() {
                    continue;
                }
                // Up to the tree's root, then down to the target: `..` only at the start.
                let mut link = PathBuf::new();
                for _ in parent.components() {
                    link.push("..");
                }
                link.push(&made[target % made.len()]);
                symlink(&link, root.join(&rel)).unwrap();
            }
        }
        made.push(rel);
    }
    for dir in &dirs {
        fs::set_permissions(root.join(dir), fs::Permissions::from_mode(0o755)).unwrap();
    }
}

fn read_tree(root: &Path) -> BTreeMap<PathBuf, Seen> {
    let mut seen = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let meta = fs::symlink_metadata(&path).unwrap();
            let rel = path.strip_prefix(root).unwrap().to_path_buf();
            let mode = meta.permissions().mode() & 0o7777;
            let what = if meta.file_type().is_symlink() {
                Seen::Link(fs::read_link(&path).unwrap())
            } else if meta.is_dir() {
                stack.push(path.clone());
                Seen::Dir(mode)
            } else {
                Seen::File(fs::read(&path).unwrap(), mode)
            };
            seen.insert(rel, what);
        }
    }
    seen
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn a_packed_folder_unpacks_to_the_same_tree_and_packs_to_the_same_bytes(
        top in name(),
        specs in proptest::collection::vec((any::<usize>(), name(), kind()), 0..24),
    ) {
        let work = tempfile::tempdir().unwrap();
        let source = work.path().join("source").join(&top);
        fs::create_dir_all(&source).unwrap();
        make_tree(&source, &specs);
        fs::set_permissions(&source, fs::Permissions::from_mode(0o755)).unwrap();

        let mut blob = Vec::new();
        let packed = pack_dir(&source, &mut blob).unwrap();
        let mut again = Vec::new();
        pack_dir(&source, &mut again).unwrap();
        prop_assert!(blob == again, "packing the same folder twice gave different bytes");
        prop_assert_eq!(&packed.name, &top);

        let dest = work.path().join("dest");
        let unpacked = unpack(&blob[..], &dest).unwrap();
        prop_assert_eq!(&unpacked.uncompressed_digest, &packed.uncompressed_digest);
        prop_assert_eq!(unpacked.roots.iter().collect::<Vec<_>>(), vec![&top]);
        prop_assert_eq!(
            (unpacked.files, unpacked.bytes, unpacked.symlinks, unpacked.dirs),
            (packed.files, packed.bytes, packed.symlinks, packed.dirs)
        );
        let unpacked_dir = dest.join(&top);
        prop_assert_eq!(
            fs::symlink_metadata(&unpacked_dir).unwrap().permissions().mode() & 0o7777,
            0o755
        );
        prop_assert_eq!(read_tree(&unpacked_dir), read_tree(&source));

        let mut repacked = Vec::new();
        pack_dir(&unpacked_dir, &mut repacked).unwrap();
        prop_assert!(repacked == blob, "the unpacked tree packs to other bytes");
    }
}
